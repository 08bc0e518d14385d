package store_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/flows"
)

// checkFile has bbolt check every page of the closed database file at path.
func checkFile(t *testing.T, path string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("the file does not open: %v", err)
	}
	defer b.Close()
	if err := b.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}); err != nil {
		t.Fatalf("the file is damaged: %v", err)
	}
}

func TestWipeRemovesWhatAnErasureLeftWithoutRewritingTheFile(t *testing.T) {
	db := MustOpenDB(t)
	note := "Termin beim Ausländeramt wegen Duldung"
	putNotedClients(t, db, note, 41, 42, 43)
	if _, err := db.Do(func(tx flows.Tx) error { return tx.EraseClient(41) }); err != nil {
		t.Fatal(err)
	}
	erased := []byte(note + " 41")
	if !bytes.Contains(rawFile(t, db.Path()), erased) {
		t.Fatal("the erased note is not in the file's freed pages; this test would prove nothing")
	}
	before, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Wipe(); err != nil {
		t.Fatal(err)
	}
	raw := rawFile(t, db.Path())
	if bytes.Contains(raw, erased) {
		t.Error("the wiped file still holds the erased note")
	}
	for _, id := range []int64{42, 43} {
		if c, err := db.Client(id); err != nil || len(c.Notes) != 1 || c.Notes[0].Text != fmt.Sprintf("%s %d", note, id) {
			t.Errorf("client %d after the wipe: %+v, %v", id, c, err)
		}
	}
	after, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Error("the wipe replaced the file; it should zero pages where they lie")
	}
	path := db.Path()
	db.Close()
	checkFile(t, path)
}

func TestWipeWhileWritingReadingAndCopyingLosesNothing(t *testing.T) {
	db := MustOpenDB(t)
	const writers, each = 4, 50
	note := "Widerspruch gegen den Bescheid"
	var (
		mu   sync.Mutex
		kept = map[int64]bool{} // acknowledged client → still there
	)
	var work sync.WaitGroup
	for w := range writers {
		work.Go(func() {
			for i := range each {
				id := int64(10000*(w+1) + i)
				if _, err := db.Do(func(tx flows.Tx) error {
					return tx.PutClient(&flows.Client{ID: id, Notes: []flows.Note{{Text: fmt.Sprintf("%s %d", note, id)}}, CreatedAt: time.Now()})
				}); err != nil {
					t.Errorf("write %d: %v", id, err)
					return
				}
				mu.Lock()
				kept[id] = true
				mu.Unlock()
				if i%3 == 2 { // every third erases the one before it
					if _, err := db.Do(func(tx flows.Tx) error { return tx.EraseClient(id - 1) }); err != nil {
						t.Errorf("erase %d: %v", id-1, err)
						return
					}
					mu.Lock()
					kept[id-1] = false
					mu.Unlock()
				}
			}
		})
	}
	stop := make(chan struct{})
	var wipes, skipped, reads atomic.Int32
	var background sync.WaitGroup
	background.Go(func() { // reads run during the wipes
		for {
			select {
			case <-stop:
				return
			default:
			}
			mu.Lock()
			var ids []int64
			for id, ok := range kept {
				if ok {
					ids = append(ids, id)
				}
			}
			mu.Unlock()
			for _, id := range ids {
				c, err := db.Client(id)
				if err == nil && (len(c.Notes) != 1 || c.Notes[0].Text != fmt.Sprintf("%s %d", note, id)) {
					t.Errorf("client %d read during a wipe: %+v", id, c.Notes)
					return
				}
				reads.Add(1)
			}
		}
	})
	var backups []string
	dir := t.TempDir()
	background.Go(func() { // so do backups, which read free pages as zeros
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			path := filepath.Join(dir, fmt.Sprintf("copy-%d.db", i))
			if _, err := db.BackupFile(path); err != nil {
				t.Errorf("backup: %v", err)
				return
			}
			backups = append(backups, path)
			time.Sleep(5 * time.Millisecond)
		}
	})
	background.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			switch err := db.Wipe(); {
			case err != nil && strings.Contains(err.Error(), "backup is being copied"):
				skipped.Add(1)
			case err != nil:
				t.Errorf("wipe: %v", err)
				return
			default:
				wipes.Add(1)
			}
		}
	})
	work.Wait()
	close(stop)
	background.Wait()
	if wipes.Load() < 2 {
		t.Fatalf("only %d wipes ran during the writes", wipes.Load())
	}
	t.Logf("%d wipes (%d waited for a backup), %d reads, %d backups during %d writes", wipes.Load(), skipped.Load(), reads.Load(), len(backups), writers*each)

	// One more wipe after the last erasure: nothing erased is left, nothing kept is lost.
	if err := db.Wipe(); err != nil {
		t.Fatal(err)
	}
	raw := rawFile(t, db.Path())
	for id, ok := range kept {
		c, err := db.Client(id)
		text := []byte(fmt.Sprintf("%s %d", note, id))
		switch {
		case ok && (err != nil || c.Notes[0].Text != string(text)):
			t.Fatalf("client %d lost: %+v, %v", id, c, err)
		case !ok && err == nil:
			t.Fatalf("client %d is back", id)
		case !ok && bytes.Contains(raw, text):
			t.Fatalf("the file still holds the note of erased client %d", id)
		}
	}
	path := db.Path()
	db.Close()
	checkFile(t, path)
	for _, b := range backups {
		checkedCopy(t, b)
	}
}
