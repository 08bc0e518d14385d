package store_test

import (
	"testing"
	"time"

	"github.com/lotse-bot/lotse/flows"
)

// Answers to group activities belong to their clients: Trace finds them, EraseClient takes
// them and leaves the others' answers, and the retention forgets an old activity with all
// its answers.
func TestActivityAnswersFollowTheirClients(t *testing.T) {
	db := MustOpenDB(t)
	now := time.Date(2027, 3, 22, 8, 0, 0, 0, time.UTC)
	old := &flows.Activity{Title: "cafe", Start: now.AddDate(-1, 0, 0)}
	next := &flows.Activity{Title: "info", Start: now.AddDate(0, 0, 2), Seats: 5}
	_, err := db.Do(func(tx flows.Tx) error {
		for _, a := range []*flows.Activity{old, next} {
			if err := tx.PutActivity(a); err != nil {
				return err
			}
			for _, client := range []int64{11, 12} {
				if err := tx.PutAnswer(&flows.Answer{Activity: a.ID, Client: client, Start: a.Start, Status: flows.AnswerYes}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if old.ID == next.ID || old.ID == "" {
		t.Fatalf("activity ids %q and %q", old.ID, next.ID)
	}
	answersOf := func(id string) (n int) {
		t.Helper()
		if err := db.View(func(tx flows.Tx) error {
			answers, err := tx.Answers(id)
			n = len(answers)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	_, err = db.Do(func(tx flows.Tx) error {
		tr, err := tx.Trace(11)
		if err != nil {
			return err
		}
		if len(tr.Answers) != 2 {
			t.Errorf("the trace holds %d answers, want 2", len(tr.Answers))
		}
		return tx.EraseClient(11)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := answersOf(next.ID); n != 1 {
		t.Errorf("after erasing one client the activity has %d answers, want the other's 1", n)
	}
	var purged int
	_, err = db.Do(func(tx flows.Tx) error {
		purged, err = tx.Purge(now.AddDate(0, -6, 0))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx flows.Tx) error {
		if _, err := tx.Activity(old.ID); flows.ErrorCode(err) != flows.ENotFound {
			t.Errorf("the old activity is still there after the retention: %v", err)
		}
		if _, err := tx.Activity(next.ID); err != nil {
			t.Errorf("the coming activity went with the retention: %v", err)
		}
		tr, err := tx.Trace(12)
		if err != nil {
			return err
		}
		if len(tr.Answers) != 1 || tr.Answers[0].Activity != next.ID {
			t.Errorf("after the retention client 12 has answers %+v, want the coming activity's only", tr.Answers)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if purged < 2 || answersOf(old.ID) != 0 {
		t.Errorf("the retention deleted %d records and left %d answers of the old activity", purged, answersOf(old.ID))
	}
}
