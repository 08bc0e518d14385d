package flows_test

import (
	"testing"
	"time"

	"github.com/lotse-bot/lotse/flows"
)

// countClients counts the stored clients.
func (d *domain) countClients() int {
	d.t.Helper()
	n := 0
	if err := d.db.View(func(tx flows.Tx) error {
		return tx.Clients(func(*flows.Client) error { n++; return nil })
	}); err != nil {
		d.t.Fatal(err)
	}
	return n
}

// The nightly retention works in steps, one transaction each, so that the updates arriving
// meanwhile are handled between them; in the end it erased whom it had to, kept the others,
// and planned the next night.
func TestRetentionWorksInSmallSteps(t *testing.T) {
	d := newDomain(t)
	const idle = 450
	old := monday.AddDate(-2, 0, 0)
	d.do(func(tx flows.Tx) error {
		for i := range int64(idle) {
			id := 50_000 + i
			if err := tx.PutClient(&flows.Client{ID: id, Lang: "uk", Case: int(i + 1), CreatedAt: old, LastSeenAt: old}); err != nil {
				return err
			}
			for m := range int64(3) {
				if err := tx.PutRelay(managerAltstadt, int(i*3+m), flows.RelayRef{Client: id, At: old}); err != nil {
					return err
				}
			}
		}
		return tx.PutClient(&flows.Client{ID: 60_000, Lang: "uk", Case: idle + 1, CreatedAt: old, LastSeenAt: monday})
	})
	night := time.Date(2027, 3, 23, 3, 0, 0, 0, berlin)
	var erasedPerStep []int
	for range 20 {
		before := d.countClients()
		d.tick(night)
		erasedPerStep = append(erasedPerStep, before-d.countClients())
		var pending bool
		if err := d.db.View(func(tx flows.Tx) (err error) { pending, err = d.flows.Pending(tx); return err }); err != nil {
			t.Fatal(err)
		}
		if !pending {
			break
		}
	}
	for _, n := range erasedPerStep {
		if n == idle {
			t.Fatalf("one transaction erased all %d inactive clients (steps %v)", idle, erasedPerStep)
		}
	}
	if got := d.countClients(); got != 1 {
		t.Errorf("after the night %d clients are stored (steps %v), want only the active one", got, erasedPerStep)
	}
	if d.client(60_000) == nil {
		t.Error("the active client was erased")
	}
	d.do(func(tx flows.Tx) error {
		if tr, err := tx.Trace(50_000); err != nil || len(tr.Relays) > 0 {
			t.Errorf("an erased client's relay records: %+v, %v", tr, err)
		}
		at, ok, err := tx.NextDue()
		if want := night.AddDate(0, 0, 1); err != nil || !ok || !at.Equal(want) {
			t.Errorf("next retention due %v (%v, %v), want %v", at, ok, err, want)
		}
		return nil
	})
}
