package store_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// MustOpenDB opens a database in a fresh temporary directory and closes it after the test.
func MustOpenDB(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "lotse.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func update(id int64) store.Update {
	raw, _ := json.Marshal(map[string]any{"update_id": id})
	return store.Update{ID: id, Raw: raw}
}

func TestFileIsPrivate(t *testing.T) {
	db := MustOpenDB(t)
	info, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("database file mode = %o, want 600", got)
	}
}

func TestSecondProcessIsToldTheFileIsInUse(t *testing.T) {
	db := MustOpenDB(t)
	_, err := store.Open(db.Path())
	if err == nil || !strings.Contains(err.Error(), "in use by another Lotse process") {
		t.Fatalf("second open: %v", err)
	}
}

func TestJournalDropsRedeliveries(t *testing.T) {
	db := MustOpenDB(t)
	now := time.Now()
	fresh, err := db.Journal([]store.Update{update(10), update(11)}, now)
	if err != nil || len(fresh) != 2 {
		t.Fatalf("first delivery: %d fresh, %v", len(fresh), err)
	}
	fresh, err = db.Journal([]store.Update{update(11), update(12)}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh) != 1 || fresh[0].ID != 12 {
		t.Fatalf("redelivery gave %+v, want only update 12", fresh)
	}
	off, _ := db.Offset()
	if off != 13 {
		t.Errorf("offset = %d, want 13", off)
	}
	inbox, _ := db.Inbox()
	if len(inbox) != 3 {
		t.Errorf("inbox holds %d updates, want 3", len(inbox))
	}
}

// Take handles what it can in the journal's own transaction: those updates never enter the
// inbox, their messages are in the outbox, and a failure keeps nothing, not even the ids.
func TestTakeHandlesInTheJournalsTransaction(t *testing.T) {
	db := MustOpenDB(t)
	updates := []store.Update{update(1), update(2), update(3)}
	failing := func(tx flows.Tx, i int) (bool, error) {
		tx.PutClient(&flows.Client{ID: int64(100 + i)})
		if i == 2 {
			return false, errors.New("boom")
		}
		return true, nil
	}
	if _, _, err := db.Take(updates, time.Now(), failing); err == nil || err.Error() != "boom" {
		t.Fatalf("Take with a failing handler: %v", err)
	}
	if off, _ := db.Offset(); off != 0 {
		t.Errorf("a failed Take moved the offset to %d", off)
	}
	if _, err := db.Client(100); flows.ErrorCode(err) != flows.ENotFound {
		t.Errorf("a failed Take kept a client: %v", err)
	}

	// Update 2 waits in the inbox (its chat is busy, say); 1 and 3 are handled at once.
	fresh, sent, err := db.Take(updates, time.Now(), func(tx flows.Tx, i int) (bool, error) {
		if i == 1 {
			return false, nil
		}
		return true, tx.Send(flows.Outgoing{Chat: int64(100 + i), Kind: flows.OutSend})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh) != 1 || fresh[0].ID != 2 {
		t.Errorf("journaled %+v, want update 2 only", fresh)
	}
	if inbox, _ := db.Inbox(); len(inbox) != 1 || inbox[0].ID != 2 {
		t.Errorf("inbox holds %+v, want update 2 only", inbox)
	}
	if len(sent) != 2 {
		t.Errorf("Take returned %d messages, want 2", len(sent))
	}
	if out, _ := db.Outbox(); len(out) != 2 {
		t.Errorf("outbox holds %d messages, want 2", len(out))
	}
	if off, _ := db.Offset(); off != 4 {
		t.Errorf("offset = %d, want 4", off)
	}
	// A redelivery is neither handled nor journaled again.
	fresh, _, err = db.Take(updates, time.Now(), func(flows.Tx, int) (bool, error) {
		t.Error("a redelivered update was handled again")
		return true, nil
	})
	if err != nil || len(fresh) != 0 {
		t.Errorf("redelivery: %+v, %v", fresh, err)
	}
}

func TestProcessIsAtomic(t *testing.T) {
	db := MustOpenDB(t)
	fresh, _ := db.Journal([]store.Update{update(1)}, time.Now())
	seq := fresh[0].Seq

	// A failing handler leaves no trace: the update stays, no client, no message.
	_, err := db.Process(seq, func(tx flows.Tx) error {
		tx.PutClient(&flows.Client{ID: 7, Lang: "ar"})
		tx.Send(flows.Outgoing{Chat: 7, Kind: flows.OutSend})
		return errors.New("boom")
	})
	if err == nil {
		t.Fatal("want the handler's error")
	}
	if inbox, _ := db.Inbox(); len(inbox) != 1 {
		t.Fatalf("inbox after failure: %d, want 1", len(inbox))
	}
	if out, _ := db.Outbox(); len(out) != 0 {
		t.Fatalf("outbox after failure: %d, want 0", len(out))
	}
	if _, err := db.Client(7); flows.ErrorCode(err) != flows.ENotFound {
		t.Fatalf("client after failure: %v", err)
	}

	// A successful handler commits state, message and removal together.
	sent, err := db.Process(seq, func(tx flows.Tx) error {
		if err := tx.PutClient(&flows.Client{ID: 7, Lang: "ar"}); err != nil {
			return err
		}
		return tx.Send(flows.Outgoing{Chat: 7, Kind: flows.OutSend, Text: []flows.Phrase{flows.Msg("Welcome")}})
	})
	if err != nil || len(sent) != 1 {
		t.Fatalf("Process: %d sent, %v", len(sent), err)
	}
	if inbox, _ := db.Inbox(); len(inbox) != 0 {
		t.Errorf("inbox still holds the update")
	}
	if c, err := db.Client(7); err != nil || c.Lang != "ar" {
		t.Errorf("client = %+v, %v", c, err)
	}

	// Handling the same update again does nothing.
	ran := false
	if _, err := db.Process(seq, func(flows.Tx) error { ran = true; return nil }); err != nil || ran {
		t.Errorf("second Process ran=%v err=%v, want a no-op", ran, err)
	}
}

func TestOutboxSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lotse.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := db.Do(func(tx flows.Tx) error {
			return tx.Send(flows.Outgoing{Chat: 5, Kind: flows.OutSend, Text: []flows.Phrase{flows.Literal(string(rune('a' + i)))}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	out, _ := db.Outbox()
	if err := db.Delivered(out[0].Seq); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out, _ = db.Outbox()
	if len(out) != 2 || out[0].Out.Text[0].Literal != "b" || out[1].Out.Text[0].Literal != "c" {
		t.Fatalf("outbox after reopen = %+v, want b, c in order", out)
	}
}

func TestPruneSeen(t *testing.T) {
	db := MustOpenDB(t)
	old := time.Now().Add(-72 * time.Hour)
	db.Journal([]store.Update{update(1)}, old)
	db.Journal([]store.Update{update(2)}, time.Now())
	n, err := db.PruneSeen(time.Now().Add(-48 * time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	// Update 2 is still recognised as seen.
	if fresh, _ := db.Journal([]store.Update{update(2)}, time.Now()); len(fresh) != 0 {
		t.Errorf("update 2 journaled twice")
	}
}

// TestNotFoundNamesNoPerson checks that a missing record is a not-found error whose text,
// which reaches the log, names the kind of record but not the Telegram id asked for.
func TestNotFoundNamesNoPerson(t *testing.T) {
	db := MustOpenDB(t)
	const id = 987654321
	lookups := map[string]func(flows.Tx) error{
		"client": func(tx flows.Tx) error { _, err := tx.Client(id); return err },
		"staff":  func(tx flows.Tx) error { _, err := tx.Staff(id); return err },
		"plan":   func(tx flows.Tx) error { _, err := tx.Plan(id); return err },
		"relay":  func(tx flows.Tx) error { _, err := tx.Relay(id, 5); return err },
		"case":   func(tx flows.Tx) error { _, err := tx.ClientByCase(id); return err },
	}
	for name, lookup := range lookups {
		t.Run(name, func(t *testing.T) {
			err := db.View(lookup)
			if flows.ErrorCode(err) != flows.ENotFound {
				t.Fatalf("got %v, want a not-found error", err)
			}
			if strings.Contains(err.Error(), strconv.Itoa(id)) {
				t.Errorf("error %q names the id", err)
			}
		})
	}
}
