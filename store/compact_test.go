package store_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

func TestCompactUnderConcurrentWritesLosesNothing(t *testing.T) {
	db := MustOpenDB(t)
	const writers, each = 4, 60
	type ack struct {
		client int64
		caseNo int
		seq    uint64
	}
	acks := make(chan ack, writers*each)
	journaled := make(chan int64, writers*each)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				id := int64(1000*(w+1) + i)
				var a ack
				sent, err := db.Do(func(tx flows.Tx) error {
					n, err := tx.NextCase()
					if err != nil {
						return err
					}
					a = ack{client: id, caseNo: n}
					if err := tx.PutClient(&flows.Client{ID: id, Case: n, Lang: "ti", CreatedAt: time.Now()}); err != nil {
						return err
					}
					return tx.Send(flows.Outgoing{Chat: id, Kind: flows.OutSend, Text: []flows.Phrase{flows.Literal("hello")}})
				})
				if err != nil {
					t.Errorf("write %d: %v", id, err)
					return
				}
				a.seq = sent[0].Seq
				acks <- a
				if _, err := db.Journal([]store.Update{update(id)}, time.Now()); err != nil {
					t.Errorf("journal %d: %v", id, err)
					return
				}
				journaled <- id
			}
		})
	}
	stop := make(chan struct{})
	compactions := 0
	var compactor sync.WaitGroup
	compactor.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := db.Compact(); err != nil {
				t.Errorf("compact: %v", err)
				return
			}
			compactions++
			time.Sleep(10 * time.Millisecond) // let writes in between
		}
	})
	wg.Wait()
	close(stop)
	compactor.Wait()
	close(acks)
	close(journaled)
	if compactions < 2 {
		t.Fatalf("only %d compactions ran during the writes", compactions)
	}

	check := func(db *store.DB) {
		t.Helper()
		cases := map[int]int64{}
		outbox, err := db.Outbox()
		if err != nil {
			t.Fatal(err)
		}
		queued := map[uint64]int64{}
		for _, e := range outbox {
			queued[e.Seq] = e.Out.Chat
		}
		n := 0
		for a := range acks {
			n++
			c, err := db.Client(a.client)
			if err != nil || c.Case != a.caseNo {
				t.Fatalf("client %d, committed during compactions: %+v, %v", a.client, c, err)
			}
			if other, dup := cases[a.caseNo]; dup {
				t.Fatalf("case number %d given to %d and %d: a sequence went back", a.caseNo, other, a.client)
			}
			cases[a.caseNo] = a.client
			if queued[a.seq] != a.client {
				t.Fatalf("outbox entry %d for %d is missing", a.seq, a.client)
			}
		}
		if n != writers*each {
			t.Fatalf("%d writes acknowledged, want %d", n, writers*each)
		}
		inbox, err := db.Inbox()
		if err != nil {
			t.Fatal(err)
		}
		inInbox := map[int64]bool{}
		for _, e := range inbox {
			inInbox[e.ID] = true
		}
		for id := range journaled {
			if !inInbox[id] {
				t.Fatalf("journaled update %d is missing", id)
			}
		}
	}
	check(db)
	t.Logf("%d compactions during %d writes", compactions, writers*each*2)

	// The compacted file is the database: it reopens with everything, and the sequences go on.
	path := db.Path()
	db.Close()
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var next int
	db.Do(func(tx flows.Tx) error { next, _ = tx.NextCase(); return nil })
	if next != writers*each+1 {
		t.Errorf("next case number after reopening = %d, want %d", next, writers*each+1)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("compacted file: %v, %v", info, err)
	}
}

func TestCompactKeepsTheFileLocked(t *testing.T) {
	db := MustOpenDB(t)
	// A second Lotse waits for the lock while the owner compacts: the owner lets go of the
	// old file, but the second one must not take that for the database.
	second := make(chan error, 1)
	go func() {
		other, err := store.OpenWait(db.Path(), time.Second)
		if err == nil {
			other.Close()
		}
		second <- err
	}()
	for {
		if err := db.Compact(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-second:
			if err == nil || !strings.Contains(err.Error(), "in use by another Lotse process") {
				t.Fatalf("a second process opened the database during compactions: %v", err)
			}
			if _, err := db.Do(func(tx flows.Tx) error { return tx.PutClient(&flows.Client{ID: 1}) }); err != nil {
				t.Fatalf("the owner cannot write after the compactions: %v", err)
			}
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// rawFile reads the database file's bytes, as someone with the disk would.
func rawFile(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestCompactRemovesWhatAnErasureLeftInFreedPages(t *testing.T) {
	db := MustOpenDB(t)
	note := "Termin beim Ausländeramt wegen Duldung"
	for _, id := range []int64{41, 42} {
		if _, err := db.Do(func(tx flows.Tx) error {
			return tx.PutClient(&flows.Client{ID: id, Notes: []flows.Note{{Text: fmt.Sprintf("%s %d", note, id)}}, CreatedAt: time.Now()})
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Do(func(tx flows.Tx) error { return tx.EraseClient(41) }); err != nil {
		t.Fatal(err)
	}
	erased := []byte(note + " 41")
	if !bytes.Contains(rawFile(t, db.Path()), erased) {
		t.Fatal("the erased note is not in the file's freed pages; this test would prove nothing")
	}
	if err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	raw := rawFile(t, db.Path())
	if bytes.Contains(raw, erased) {
		t.Error("the compacted file still holds the erased note")
	}
	if !bytes.Contains(raw, []byte(note+" 42")) {
		t.Error("the compacted file lost the other client")
	}
}

func TestLedgerErasesAgainInAnOlderCopyButNotAComeback(t *testing.T) {
	dir := t.TempDir()
	path, ledger := filepath.Join(dir, "lotse.db"), filepath.Join(dir, "lotse.db.erased")
	db, err := store.OpenWith(path, store.Options{Ledgers: []string{ledger}})
	if err != nil {
		t.Fatal(err)
	}
	const zainab, olena = 987654321, 5555
	for _, id := range []int64{zainab, olena} {
		if _, err := db.Do(func(tx flows.Tx) error {
			return tx.PutClient(&flows.Client{ID: id, CreatedAt: time.Now()})
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Her update still waits in the inbox of the copy taken now.
	fresh, err := db.Journal([]store.Update{{ID: 77, Raw: []byte(`{"update_id":77,"message":{"from":{"id":987654321},"text":"hi"}}`)}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	older := filepath.Join(t.TempDir(), "older.db")
	if _, err := db.BackupFile(older); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Process(fresh[0].Seq, func(flows.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	sent, err := db.Do(func(tx flows.Tx) error {
		if err := tx.EraseClient(zainab); err != nil {
			return err
		}
		return tx.Send(flows.Outgoing{Chat: zainab, Kind: flows.OutSend, Text: []flows.Phrase{flows.Msg("Deleted")}})
	})
	if err != nil {
		t.Fatal(err)
	}
	// A backup taken while her goodbye waits leaves it out.
	during := filepath.Join(t.TempDir(), "during.db")
	if _, err := db.BackupFile(during); err != nil {
		t.Fatal(err)
	}
	if id := binary.BigEndian.AppendUint64(nil, zainab); bytes.Contains(rawFile(t, during), []byte("987654321")) || bytes.Contains(rawFile(t, during), id) {
		t.Error("a backup taken while the goodbye waits names her")
	}
	if out, _ := db.Outbox(); len(out) != 1 || out[0].Seq != sent[0].Seq {
		t.Errorf("the live outbox lost the goodbye: %+v", out)
	}
	db.Close()
	if raw := rawFile(t, ledger); bytes.Contains(raw, []byte("987654321")) || bytes.Contains(raw, binary.BigEndian.AppendUint64(nil, zainab)) {
		t.Errorf("the ledger names her:\n%s", raw)
	}

	// Restore the older copy: she is erased again, with her waiting update; Olena stays.
	if err := os.Rename(older, path); err != nil {
		t.Fatal(err)
	}
	db, err = store.OpenWith(path, store.Options{Ledgers: []string{ledger}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.ApplyLedger(); err != nil || n != 1 {
		t.Fatalf("ApplyLedger: %d, %v; want 1", n, err)
	}
	if _, err := db.Client(zainab); flows.ErrorCode(err) != flows.ENotFound {
		t.Errorf("the restored copy brought her back: %v", err)
	}
	if inbox, _ := db.Inbox(); len(inbox) != 0 {
		t.Errorf("her update from before the erasure would be handled again: %+v", inbox)
	}
	if _, err := db.Client(olena); err != nil {
		t.Errorf("the other client went too: %v", err)
	}
	if raw := rawFile(t, path); bytes.Contains(raw, binary.BigEndian.AppendUint64(nil, zainab)) {
		t.Error("the file still holds her id after the ledger was applied")
	}

	// She comes back as a new client; the next start leaves her be.
	if _, err := db.Do(func(tx flows.Tx) error { return tx.PutClient(&flows.Client{ID: zainab, CreatedAt: time.Now()}) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = store.OpenWith(path, store.Options{Ledgers: []string{ledger}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.ApplyLedger(); err != nil || n != 0 {
		t.Fatalf("ApplyLedger on her new record: %d, %v; want 0", n, err)
	}
	if _, err := db.Client(zainab); err != nil {
		t.Errorf("her new record was erased: %v", err)
	}
}

func TestCompactionAfterAnErasureWaitsForTheGoodbye(t *testing.T) {
	db := MustOpenDB(t)
	ctx, cancel := context.WithCancel(t.Context())
	compacted := make(chan error, 10)
	done := make(chan struct{})
	go func() {
		db.WipeAfterErasures(ctx, 20*time.Millisecond, func(err error) { compacted <- err })
		close(done)
	}()
	defer func() { cancel(); <-done }()
	if _, err := db.Do(func(tx flows.Tx) error {
		return tx.PutClient(&flows.Client{ID: 987654321, CreatedAt: time.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	sent, err := db.Do(func(tx flows.Tx) error {
		if err := tx.EraseClient(987654321); err != nil {
			return err
		}
		return tx.Send(flows.Outgoing{Chat: 987654321, Kind: flows.OutSend, Text: []flows.Phrase{flows.Msg("Deleted")}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-compacted; err != nil {
		t.Fatal(err)
	}
	// The goodbye still waits (Telegram unreachable): it names her, and stays until sent.
	if !bytes.Contains(rawFile(t, db.Path()), []byte("987654321")) {
		t.Fatal("the waiting goodbye is gone from the file")
	}
	if err := db.Delivered(sent[0].Seq); err != nil {
		t.Fatal(err)
	}
	if err := <-compacted; err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(rawFile(t, db.Path()), []byte("987654321")) {
		t.Error("the file still holds the sent goodbye")
	}
}

func TestAnErasureBeforeAStopIsCompactedAfterTheStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lotse.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	note := []byte("Wohnsitzauflage aufgehoben")
	if _, err := db.Do(func(tx flows.Tx) error {
		return tx.PutClient(&flows.Client{ID: 43, Notes: []flows.Note{{Text: string(note)}}, CreatedAt: time.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Do(func(tx flows.Tx) error { return tx.EraseClient(43) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if !bytes.Contains(rawFile(t, path), note) {
		t.Fatal("the erased note is not in the file's freed pages; this test would prove nothing")
	}

	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(t.Context())
	compacted := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		db.WipeAfterErasures(ctx, 20*time.Millisecond, func(err error) { compacted <- err })
		close(done)
	}()
	defer func() { cancel(); <-done }()
	if err := <-compacted; err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(rawFile(t, path), note) {
		t.Error("the file still holds the note erased before the stop")
	}
}

func TestLedgerErasesAHouseholdMemberInACopyFromBeforeTheyJoined(t *testing.T) {
	dir := t.TempDir()
	path, ledger := filepath.Join(dir, "lotse.db"), filepath.Join(dir, "lotse.db.erased")
	db, err := store.OpenWith(path, store.Options{Ledgers: []string{ledger}})
	if err != nil {
		t.Fatal(err)
	}
	const ahmad, amal = 7001, 7002
	created := time.Now()
	put := func(c *flows.Client) {
		t.Helper()
		if _, err := db.Do(func(tx flows.Tx) error { return tx.PutClient(c) }); err != nil {
			t.Fatal(err)
		}
	}
	put(&flows.Client{ID: ahmad, Case: 1, CreatedAt: created})
	put(&flows.Client{ID: amal, Case: 2, CreatedAt: created}) // her own case number, before joining
	older := filepath.Join(t.TempDir(), "older.db")
	if _, err := db.BackupFile(older); err != nil {
		t.Fatal(err)
	}
	// She joins Ahmad's case, then erases her data.
	put(&flows.Client{ID: ahmad, Case: 1, Members: []int64{amal}, CreatedAt: created})
	put(&flows.Client{ID: amal, Case: 1, Holder: ahmad, CreatedAt: created})
	if _, err := db.Do(func(tx flows.Tx) error {
		if err := tx.PutClient(&flows.Client{ID: ahmad, Case: 1, CreatedAt: created}); err != nil {
			return err
		}
		return tx.EraseClient(amal)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// The copy from before she joined is restored: her record there had case 2.
	if err := os.Rename(older, path); err != nil {
		t.Fatal(err)
	}
	db, err = store.OpenWith(path, store.Options{Ledgers: []string{ledger}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.ApplyLedger(); err != nil || n != 1 {
		t.Fatalf("ApplyLedger: %d, %v; want 1", n, err)
	}
	if _, err := db.Client(amal); flows.ErrorCode(err) != flows.ENotFound {
		t.Errorf("the restored copy brought her back: %v", err)
	}
	if _, err := db.Client(ahmad); err != nil {
		t.Errorf("the holder went too: %v", err)
	}
}
