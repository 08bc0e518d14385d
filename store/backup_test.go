package store_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// putNotedClients stores clients with a note naming each.
func putNotedClients(tb testing.TB, db *store.DB, note string, ids ...int64) {
	tb.Helper()
	for _, id := range ids {
		if _, err := db.Do(func(tx flows.Tx) error {
			return tx.PutClient(&flows.Client{ID: id, Notes: []flows.Note{{Text: fmt.Sprintf("%s %d", note, id)}}, CreatedAt: time.Now()})
		}); err != nil {
			tb.Fatal(err)
		}
	}
}

// checkedCopy opens the backup at path with bbolt, has bbolt check every page of it, and
// returns it opened as a Lotse database.
func checkedCopy(t *testing.T, path string) *store.DB {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	err = b.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
	b.Close()
	if err != nil {
		t.Fatalf("the backup is damaged: %v", err)
	}
	db, err := store.Open(path)
	if err != nil {
		t.Fatalf("the backup does not open as a Lotse database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestBackupLeavesOutWhatAnErasureLeftInFreedPages(t *testing.T) {
	db := MustOpenDB(t)
	note := "Termin beim Ausländeramt wegen Duldung"
	putNotedClients(t, db, note, 41, 42)
	if _, err := db.Do(func(tx flows.Tx) error { return tx.EraseClient(41) }); err != nil {
		t.Fatal(err)
	}
	erased := []byte(note + " 41")
	if !bytes.Contains(rawFile(t, db.Path()), erased) {
		t.Fatal("the erased note is not in the file's freed pages; this test would prove nothing")
	}

	// Before the compaction after the erasure: to a file, and streamed as over the admin
	// listener.
	file := filepath.Join(t.TempDir(), "backup.db")
	if _, err := db.BackupFile(file); err != nil {
		t.Fatal(err)
	}
	var streamed bytes.Buffer
	if _, err := db.Backup(t.TempDir(), &streamed); err != nil {
		t.Fatal(err)
	}
	for name, raw := range map[string][]byte{"file": rawFile(t, file), "stream": streamed.Bytes()} {
		if bytes.Contains(raw, erased) {
			t.Errorf("the backup (%s) holds the erased note", name)
		}
		if !bytes.Contains(raw, []byte(note+" 42")) {
			t.Errorf("the backup (%s) lost the other client", name)
		}
	}
	copied := checkedCopy(t, file)
	if c, err := copied.Client(42); err != nil || len(c.Notes) != 1 {
		t.Errorf("the other client in the backup: %+v, %v", c, err)
	}
	if _, err := copied.Client(41); flows.ErrorCode(err) != flows.ENotFound {
		t.Errorf("the erased client in the backup: %v", err)
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode: %v %v", info, err)
	}
}

func TestBackupWhileTheFileIsCompactedIsWhole(t *testing.T) {
	db := MustOpenDB(t)
	putNotedClients(t, db, "Sprachkurs B1", 1, 2, 3)
	// More than a pipe holds, so the backup waits for its reader.
	if _, err := db.Do(func(tx flows.Tx) error {
		for i := range int64(3_000) {
			note := strings.Repeat(fmt.Sprintf("Unterlagen %d mitbringen. ", i), 20)
			if err := tx.PutClient(&flows.Client{ID: 10_000 + i, Notes: []flows.Note{{Text: note}}, CreatedAt: time.Now()}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// A slow reader of the backup: the compaction and further writes go on meanwhile.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := db.Backup(t.TempDir(), w)
		w.Close()
		done <- err
	}()
	head := make([]byte, 4096)
	if _, err := io.ReadFull(r, head); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	compacted := make(chan error, 1)
	go func() { compacted <- db.Compact() }()
	for {
		now, err := os.Stat(db.Path())
		if err == nil && !os.SameFile(before, now) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	// The compaction has put the new file in place; writes go on while the backup streams.
	putNotedClients(t, db, "Sprachkurs B1", 4)
	var rest bytes.Buffer
	if _, err := rest.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-compacted; err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(file, append(head, rest.Bytes()...), 0o600); err != nil {
		t.Fatal(err)
	}
	copied := checkedCopy(t, file)
	for _, id := range []int64{1, 2, 3} {
		if _, err := copied.Client(id); err != nil {
			t.Errorf("client %d, stored before the backup, is missing from it: %v", id, err)
		}
	}
	// A backup after the compaction reads the new file.
	after := filepath.Join(t.TempDir(), "after.db")
	if _, err := db.BackupFile(after); err != nil {
		t.Fatalf("backup after a compaction: %v", err)
	}
	if _, err := checkedCopy(t, after).Client(4); err != nil {
		t.Errorf("the write during the first backup is missing from the next: %v", err)
	}
}
