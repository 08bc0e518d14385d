package store_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
