package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// fillClient stores a client with what a client leaves behind: a booked appointment with a
// reminder, relay records of their messages in their manager's chat, a nudge, an
// invitation they opened, a message waiting for them, and an audit entry of their case.
func fillClient(tb testing.TB, tx flows.Tx, id int64, n int, at time.Time) error {
	tb.Helper()
	c := &flows.Client{ID: id, Lang: "ar", Case: n, CreatedAt: at, LastSeenAt: at, Manager: 900101}
	if err := tx.PutClient(c); err != nil {
		return err
	}
	start := at.Add(48 * time.Hour)
	a := &flows.Appointment{Client: id, Manager: 900101, Office: "rathaus", Start: start, End: start.Add(30 * time.Minute), Status: flows.StatusBooked}
	if err := tx.Book(a, 1_000_000); err != nil {
		return err
	}
	if err := tx.Schedule(flows.Reminder{At: start.Add(-24 * time.Hour), Kind: flows.RemindClient, Appointment: a.ID}); err != nil {
		return err
	}
	if err := tx.Schedule(flows.Reminder{At: at.Add(time.Hour), Kind: flows.RemindNudge, Appointment: fmt.Sprintf("C%d.%d", id, at.Unix())}); err != nil {
		return err
	}
	for m := range 5 {
		if err := tx.PutRelay(900101, n*10+m, flows.RelayRef{Client: id, Source: m + 1, At: at}); err != nil {
			return err
		}
	}
	if err := tx.PutInvite(&flows.Invite{Token: fmt.Sprintf("inv%d", id), Manager: 900101, Expires: at.AddDate(0, 0, 14), UsedBy: id}); err != nil {
		return err
	}
	if err := tx.Send(flows.Outgoing{Chat: id, Text: []flows.Phrase{flows.Msg("ReminderText")}}); err != nil {
		return err
	}
	return tx.Audit(flows.AuditEntry{At: at, Staff: 900101, Action: "case-card", Case: c.CaseLabel()})
}

// trace returns what the store holds about a client beyond their record, read as /mydata
// reads it.
func trace(t *testing.T, db *store.DB, id int64) *flows.Trace {
	t.Helper()
	var tr *flows.Trace
	if err := db.View(func(tx flows.Tx) (err error) { tr, err = tx.Trace(id); return err }); err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestEraseReachesEverythingOfOneClientAndNothingElse(t *testing.T) {
	db := MustOpenDB(t)
	at := time.Date(2027, 3, 22, 8, 0, 0, 0, time.UTC)
	if _, err := db.Do(func(tx flows.Tx) error {
		for i := range 3 {
			if err := fillClient(t, tx, int64(7001+i), i+1, at); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	before := trace(t, db, 7002)
	if len(before.Appointments) != 1 || len(before.Reminders) != 2 || len(before.Relays) != 5 || len(before.Invites) != 1 {
		t.Fatalf("trace of a client: %d appointments, %d reminders, %d relays, %d invites; want 1, 2, 5, 1",
			len(before.Appointments), len(before.Reminders), len(before.Relays), len(before.Invites))
	}
	if _, err := db.Do(func(tx flows.Tx) error { return tx.EraseClient(7002) }); err != nil {
		t.Fatal(err)
	}
	if tr := trace(t, db, 7002); len(tr.Appointments)+len(tr.Reminders)+len(tr.Relays)+len(tr.Invites) != 0 {
		t.Errorf("after the erasure the store still traces %+v", tr)
	}
	err := db.View(func(tx flows.Tx) error {
		for _, r := range before.Relays {
			if _, err := tx.Relay(r.Chat, r.Message); flows.ErrorCode(err) != flows.ENotFound {
				t.Errorf("a relay record of the erased client is still found: %v", err)
			}
		}
		if _, err := tx.Invite("inv7002"); flows.ErrorCode(err) != flows.ENotFound {
			t.Errorf("the erased client's invitation is still found: %v", err)
		}
		for _, id := range []int64{7001, 7003} {
			tr, err := tx.Trace(id)
			if err != nil {
				return err
			}
			if len(tr.Appointments) != 1 || len(tr.Reminders) != 2 || len(tr.Relays) != 5 || len(tr.Invites) != 1 {
				t.Errorf("erasing another client changed the trace of %d: %+v", id, tr)
			}
		}
		var cases []string
		if err := tx.AuditLog(func(e flows.AuditEntry) error { cases = append(cases, e.Case); return nil }); err != nil {
			return err
		}
		if want := []string{"K-0001", flows.ErasedCase, "K-0003"}; !slices.Equal(cases, want) {
			t.Errorf("audit log cases %v, want %v", cases, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := db.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	var to []int64
	for _, e := range out {
		to = append(to, e.Out.Chat)
	}
	if !slices.Equal(to, []int64{7001, 7003}) {
		t.Errorf("outbox goes to %v, want the two clients not erased", to)
	}
	// A message sent and settled leaves no index entry behind that an erasure would trip on.
	if err := db.Delivered(out[0].Seq); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Do(func(tx flows.Tx) error { return tx.EraseClient(7001) }); err != nil {
		t.Fatal(err)
	}
	if out, _ := db.Outbox(); len(out) != 1 || out[0].Out.Chat != 7003 {
		t.Errorf("outbox after erasing a client whose message was sent: %+v", out)
	}
}

func TestPurgeWorksInBatches(t *testing.T) {
	db := MustOpenDB(t)
	old := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	fresh := old.AddDate(1, 0, 0)
	const expired = 1_200
	if _, err := db.Do(func(tx flows.Tx) error {
		for m := range expired {
			if err := tx.PutRelay(900101, m, flows.RelayRef{Client: 7001, Source: m + 1, At: old.Add(time.Duration(m) * time.Second)}); err != nil {
				return err
			}
		}
		return tx.PutRelay(900101, expired, flows.RelayRef{Client: 7001, Source: expired + 1, At: fresh})
	}); err != nil {
		t.Fatal(err)
	}
	cutoff := fresh.AddDate(0, -1, 0)
	var steps []int
	for len(steps) < 10 {
		n := 0
		if _, err := db.Do(func(tx flows.Tx) (err error) { n, err = tx.Purge(cutoff); return err }); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		steps = append(steps, n)
	}
	total := 0
	for _, n := range steps {
		total += n
	}
	if total != expired || len(steps) < 2 {
		t.Errorf("purge steps %v: want %d records deleted over several transactions", steps, expired)
	}
	tr := trace(t, db, 7001)
	if len(tr.Relays) != 1 || !tr.Relays[0].Ref.At.Equal(fresh) {
		t.Errorf("after the purge the client's relays are %+v, want only the fresh one", tr.Relays)
	}
}
