package store_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

var slotStart = time.Date(2027, 3, 30, 7, 0, 0, 0, time.UTC)

func appointment(client int64, start time.Time) *flows.Appointment {
	return &flows.Appointment{Client: client, Manager: 900101, Office: "rathaus", Start: start, End: start.Add(30 * time.Minute), Status: flows.StatusBooked}
}

func TestFiftyClientsRaceForTheLastSeats(t *testing.T) {
	db := MustOpenDB(t)
	const seats = 2
	var wg sync.WaitGroup
	results := make([]error, 50)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = db.Do(func(tx flows.Tx) error { return tx.Book(appointment(int64(1000+i), slotStart), seats) })
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range results {
		switch flows.ErrorCode(err) {
		case "":
			won++
		case flows.EConflict:
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if won != seats {
		t.Errorf("%d clients got a seat, want exactly %d", won, seats)
	}
	if _, err := db.Do(func(tx flows.Tx) error {
		taken, err := tx.TakenSeats(900101, slotStart, slotStart.Add(time.Hour))
		if taken[flows.SlotKey(900101, slotStart)] != seats {
			t.Errorf("taken seats %v, want %d", taken, seats)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func TestCancellingFreesTheSeat(t *testing.T) {
	db := MustOpenDB(t)
	var a *flows.Appointment
	db.Do(func(tx flows.Tx) error { a = appointment(1, slotStart); return tx.Book(a, 1) })
	if _, err := db.Do(func(tx flows.Tx) error { return tx.Book(appointment(2, slotStart), 1) }); flows.ErrorCode(err) != flows.EConflict {
		t.Fatalf("second booking of a one-seat slot: %v", err)
	}
	if _, err := db.Do(func(tx flows.Tx) error {
		a.Status = flows.StatusCancelled
		return tx.PutAppointment(a)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Do(func(tx flows.Tx) error { return tx.Book(appointment(2, slotStart), 1) }); err != nil {
		t.Fatalf("booking after a cancellation: %v", err)
	}
	db.Do(func(tx flows.Tx) error {
		mine, err := tx.ClientAppointments(1)
		if err != nil || len(mine) != 1 || mine[0].Status != flows.StatusCancelled {
			t.Errorf("client 1's appointments: %+v, %v", mine, err)
		}
		return nil
	})
}

func TestDueRemindersComeOnceInTimeOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lotse.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2027, 3, 28, 0, 0, 0, 0, time.UTC)
	db.Do(func(tx flows.Tx) error {
		for i, h := range []int{5, 1, 3, 48} {
			tx.Schedule(flows.Reminder{At: base.Add(time.Duration(h) * time.Hour), Appointment: fmt.Sprintf("A-%d", i), Kind: flows.RemindClient})
		}
		return nil
	})
	db.Close()
	// After a restart, what is due is still there…
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var due []flows.Reminder
	db.Do(func(tx flows.Tx) (err error) { due, err = tx.Due(base.Add(6*time.Hour), 100); return err })
	if len(due) != 3 || due[0].Appointment != "A-1" || due[1].Appointment != "A-2" || due[2].Appointment != "A-0" {
		t.Fatalf("due = %+v, want A-1, A-2, A-0", due)
	}
	// …and comes only once.
	db.Do(func(tx flows.Tx) (err error) { due, err = tx.Due(base.Add(6*time.Hour), 100); return err })
	if len(due) != 0 {
		t.Errorf("reminders came twice: %+v", due)
	}
}
