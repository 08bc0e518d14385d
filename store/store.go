// Package store keeps Lotse's state in one bbolt file: the journal of incoming updates, the
// outbox of messages to send, and the clients' records. It implements flows.Tx.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout of the buckets this binary writes. A file of an older version
// is migrated on open, step by step, in the transaction that records the new version; a
// file of a newer version is refused.
//
//   - 1: the first release.
//   - 2: relay records and group news rounds carry the time they were made, for the
//     retention; figures (stats) and the audit log.
const SchemaVersion = 2

// migrations[v] turns a file of version v into version v+1.
var migrations = map[uint64]func(tx *bolt.Tx, now time.Time) error{
	1: stampRecords,
}

var (
	bucketMeta    = []byte("meta")
	bucketInbox   = []byte("inbox")     // seq → journaled update, until it is handled
	bucketSeen    = []byte("seen")      // update_id → time journaled, to drop redeliveries
	bucketOutbox  = []byte("outbox")    // seq → message to send, until Telegram took it
	bucketClients = []byte("clients")   // Telegram user id → Client
	bucketStaff   = []byte("staff")     // Telegram user id → Staff
	bucketViews   = []byte("faq_views") // question id, 0, language → times shown
	bucketCases   = []byte("cases")     // case number → Telegram user id

	keySchema = []byte("schema")
	keyOffset = []byte("offset")
)

// DB is the open database. One process owns the file: bbolt locks it.
type DB struct {
	bolt *bolt.DB
}

// Open opens or creates the database file at path with mode 0600. It waits up to two
// seconds for another process to let go of the file.
func Open(path string) (*DB, error) { return OpenWait(path, 2*time.Second) }

// OpenWait is Open with the time to wait for the file's lock.
func OpenWait(path string, wait time.Duration) (*DB, error) {
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: wait})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("open %s: the database is in use by another Lotse process", path)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// bbolt creates new files with the mode given, but keep an existing file private too.
	if err := os.Chmod(path, 0o600); err != nil {
		b.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Interactive answers wait for the batch commit; keep the wait short.
	b.MaxBatchDelay = 2 * time.Millisecond
	db := &DB{bolt: b}
	if err := db.init(); err != nil {
		b.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

func (db *DB) init() error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketInbox, bucketSeen, bucketOutbox, bucketClients, bucketStaff, bucketViews,
			bucketAppointments, bucketSeats, bucketByManager, bucketByClient, bucketReminders, bucketBlocked, bucketCases, bucketInvites,
			bucketRelays, bucketRelayCopy, bucketBroadcasts, bucketStats, bucketAudit, bucketDeliveries, bucketIntake} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		v := meta.Get(keySchema)
		if v == nil {
			return meta.Put(keySchema, u64(SchemaVersion))
		}
		got := binary.BigEndian.Uint64(v)
		if got > SchemaVersion {
			return fmt.Errorf("the database has schema version %d, this Lotse knows only up to %d: use a newer Lotse", got, SchemaVersion)
		}
		for ; got < SchemaVersion; got++ {
			if err := migrations[got](tx, time.Now()); err != nil {
				return fmt.Errorf("migrate the database from schema version %d to %d: %w", got, got+1, err)
			}
		}
		return meta.Put(keySchema, u64(SchemaVersion))
	})
}

// Close closes the file.
func (db *DB) Close() error { return db.bolt.Close() }

// Path is the database file.
func (db *DB) Path() string { return db.bolt.Path() }

// stampRecords gives relay records and group news rounds of version 1, which did not say
// when they were made, the time of the migration: the retention then counts from now.
func stampRecords(tx *bolt.Tx, now time.Time) error {
	for _, name := range [][]byte{bucketRelays, bucketBroadcasts} {
		err := rewrite(tx.Bucket(name), func(v []byte) ([]byte, error) {
			var rec map[string]any
			if err := json.Unmarshal(v, &rec); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if _, ok := rec["at"]; ok {
				return nil, nil
			}
			rec["at"] = now.UTC().Format(time.RFC3339Nano)
			return json.Marshal(rec)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// rewrite replaces every value of b for which change returns a new value (nil: keep it).
func rewrite(b *bolt.Bucket, change func(v []byte) ([]byte, error)) error {
	var keys, values [][]byte
	err := b.ForEach(func(k, v []byte) error {
		nv, err := change(v)
		if err != nil || nv == nil {
			return err
		}
		keys, values = append(keys, append([]byte(nil), k...)), append(values, nv)
		return nil
	})
	if err != nil {
		return err
	}
	for i := range keys {
		if err := b.Put(keys[i], values[i]); err != nil {
			return err
		}
	}
	return nil
}

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

func i64(n int64) []byte { return u64(uint64(n)) }
