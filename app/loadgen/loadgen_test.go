package loadgen_test

import (
	"path/filepath"
	"testing"

	"github.com/lotse-bot/lotse/app/loadgen"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// TestFillWritesTheIssuesProportions fills a small town and reads one client back through
// the store, as Lotse would for /mydata: ten appointments, five relay records, in the menu
// with consent, assigned to one of the given managers.
func TestFillWritesTheIssuesProportions(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "lotse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	filled, err := loadgen.Fill(db, loadgen.Town{Appointments: 2_500, Managers: []int64{900101, 900102}, Languages: []string{"ar", "uk"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (loadgen.Filled{Clients: 250, Appointments: 2_500, Relays: 1_250, Audit: 500}); filled != want {
		t.Fatalf("filled %+v, want %+v", filled, want)
	}
	last := loadgen.ClientID(249)
	err = db.View(func(tx flows.Tx) error {
		c, err := tx.Client(last)
		if err != nil {
			return err
		}
		if c.Step != flows.StepMenu || !c.Consented() || c.Manager != 900102 || c.Lang != "uk" || c.Case != 250 {
			t.Errorf("client %+v: want in the menu, consented, manager 900102, Ukrainian, case 250", c)
		}
		tr, err := tx.Trace(last)
		if err != nil {
			return err
		}
		if len(tr.Appointments) != 10 || len(tr.Relays) != 5 {
			t.Errorf("traced %d appointments and %d relay records, want 10 and 5", len(tr.Appointments), len(tr.Relays))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFillRefusesLessThanAClient names the smallest size instead of writing nothing.
func TestFillRefusesLessThanAClient(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "lotse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := loadgen.Fill(db, loadgen.Town{Appointments: 9}, nil); err == nil {
		t.Fatal("9 appointments were accepted")
	}
}
