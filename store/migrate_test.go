package store_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// copyFixture copies a database in testdata to a temporary file.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "lotse.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func schemaOf(t *testing.T, path string) uint64 {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var v uint64
	b.View(func(tx *bolt.Tx) error {
		v = binary.BigEndian.Uint64(tx.Bucket([]byte("meta")).Get([]byte("schema")))
		return nil
	})
	return v
}

func TestMigrationFromSchema1(t *testing.T) {
	path := copyFixture(t, "schema-1.db")
	if v := schemaOf(t, path); v != 1 {
		t.Fatalf("fixture has schema %d, want 1", v)
	}
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var clients, relays int
	var unstamped []flows.RelayRecord
	err = db.View(func(tx flows.Tx) error {
		if err := tx.Clients(func(c *flows.Client) error {
			clients++
			tr, err := tx.Trace(c.ID)
			if err != nil {
				return err
			}
			for _, r := range tr.Relays {
				relays++
				if r.Ref.At.IsZero() {
					unstamped = append(unstamped, r)
				}
			}
			return nil
		}); err != nil {
			return err
		}
		c, err := tx.ClientByCase(1)
		if err != nil {
			return err
		}
		if len(c.Notes) != 1 || c.Lang != "ar" || c.District != "altstadt" || c.Manager != 900101 {
			t.Errorf("client K-0001 after migration: %+v", c)
		}
		appts, err := tx.ClientAppointments(c.ID)
		if err != nil || len(appts) != 1 {
			t.Errorf("appointments after migration: %v, %v", appts, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if clients != 2 || relays < 4 || len(unstamped) > 0 {
		t.Errorf("after migration: %d clients, %d relay records, unstamped %v", clients, relays, unstamped)
	}
	// The migrated file works: it takes new figures and audit entries.
	if _, err := db.Do(func(tx flows.Tx) error { return tx.Count("2027-03", "relay.requests") }); err != nil {
		t.Fatal(err)
	}
	// The migration built the indexes: erasing client K-0001 reaches their relay records and
	// reminders, and the retention finds the other client's records by their age.
	var k1 int64
	var k1Relays []flows.RelayRecord
	var k1Reminders int
	if _, err := db.Do(func(tx flows.Tx) error {
		c, err := tx.ClientByCase(1)
		if err != nil {
			return err
		}
		tr, err := tx.Trace(c.ID)
		if err != nil {
			return err
		}
		k1, k1Relays, k1Reminders = c.ID, tr.Relays, len(tr.Reminders)
		return tx.EraseClient(c.ID)
	}); err != nil {
		t.Fatal(err)
	}
	if len(k1Relays) == 0 || k1Reminders == 0 {
		t.Fatalf("the migrated file traces %d relay records and %d reminders of client K-0001, want some of each", len(k1Relays), k1Reminders)
	}
	purged := 0
	if _, err := db.Do(func(tx flows.Tx) (err error) { purged, err = tx.Purge(time.Now().AddDate(1, 0, 0)); return err }); err != nil {
		t.Fatal(err)
	}
	if purged < relays-len(k1Relays) {
		t.Errorf("the purge of a migrated file deleted %d records, want at least the %d relay records left", purged, relays-len(k1Relays))
	}
	err = db.View(func(tx flows.Tx) error {
		tr, err := tx.Trace(k1)
		if err != nil {
			return err
		}
		if len(tr.Relays)+len(tr.Reminders)+len(tr.Appointments) > 0 {
			t.Errorf("after erasing a migrated client the store still traces %+v", tr)
		}
		for _, r := range k1Relays {
			if _, err := tx.Relay(r.Chat, r.Message); flows.ErrorCode(err) != flows.ENotFound {
				t.Errorf("a relay record of the erased client is still found: %v", err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if v := schemaOf(t, path); v != store.SchemaVersion {
		t.Errorf("schema after migration %d, want %d", v, store.SchemaVersion)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lotse.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucketIfNotExists([]byte("meta"))
		return meta.Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, store.SchemaVersion+1))
	})
	b.Close()
	_, err = store.Open(path)
	if err == nil || !strings.Contains(err.Error(), "use a newer Lotse") || !strings.Contains(err.Error(), path) {
		t.Fatalf("opening a newer file: %v", err)
	}
	if v := schemaOf(t, path); v != store.SchemaVersion+1 {
		t.Errorf("the refused file was changed to schema %d", v)
	}
}
