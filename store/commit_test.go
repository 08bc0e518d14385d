package store_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/flows"
)

// Writers who share a transaction keep their own results: one who fails or panics leaves
// nothing behind, and everyone else's writes are there.
func TestWritersSharingATransactionKeepTheirOwnResults(t *testing.T) {
	db := MustOpenDB(t)
	const writers = 60
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			id := int64(1000 + i)
			_, errs[i] = db.Do(func(tx flows.Tx) error {
				if err := tx.PutClient(&flows.Client{ID: id, Lang: "ar", Name: "kept"}); err != nil {
					return err
				}
				switch {
				case i%20 == 7:
					return errors.New("refused")
				case i == 13:
					panic("a bug")
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		id := int64(1000 + i)
		c, readErr := db.Client(id)
		switch {
		case i%20 == 7:
			if err == nil || err.Error() != "refused" {
				t.Errorf("writer %d: err = %v, want its own refusal", i, err)
			}
			if readErr == nil {
				t.Errorf("writer %d failed, but its client was saved", i)
			}
		case i == 13:
			if err == nil || !strings.Contains(err.Error(), "panic") {
				t.Errorf("writer %d panicked: err = %v", i, err)
			}
			if readErr == nil {
				t.Errorf("writer %d panicked, but its client was saved", i)
			}
		default:
			if err != nil || readErr != nil || c.Name != "kept" {
				t.Errorf("writer %d: err = %v, read %v %+v", i, err, readErr, c)
			}
		}
	}
}

// A write after the database closed is refused at once.
func TestAWriteAfterCloseIsRefused(t *testing.T) {
	db := MustOpenDB(t)
	db.Close()
	done := make(chan error, 1)
	go func() {
		_, err := db.Do(func(tx flows.Tx) error { return nil })
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a write after Close succeeded")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a write after Close hangs")
	}
}
