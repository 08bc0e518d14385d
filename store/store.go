// Package store keeps Lotse's state in one bbolt file: the journal of incoming updates, the
// outbox of messages to send, and the clients' records. It implements flows.Tx.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
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
//   - 3: index buckets that reach reminders, relay records, invitations, outbox entries and
//     audit entries by client or case, and the retention's records by time (index.go).
const SchemaVersion = 3

// migrations[v] turns a file of version v into version v+1.
var migrations = map[uint64]func(tx *bolt.Tx, now time.Time) error{
	1: stampRecords,
	2: buildIndexes,
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

	keySchema  = []byte("schema")
	keyOffset  = []byte("offset")
	keyErasure = []byte("erasure") // how many transactions erased since the last wipe or compaction
	keyWiping  = []byte("wiping")  // written when a wipe starts, so that its first transaction commits
)

// DB is the open database. One process owns the file: bbolt locks it. Every transaction
// holds mu for reading; Compact holds it for writing while it puts a compacted file in the
// place of the old one, so the other goroutines keep using the same *DB and merely wait.
type DB struct {
	path   string
	ledger *ledger // nil: erasures are not recorded outside the file

	mu     sync.RWMutex
	bolt   *bolt.DB
	closed bool
	// group runs batched writes together (group commit).
	group *committer

	// erased signals, after the commit, each transaction that erased a client.
	erased chan struct{}
	// snapshots counts the read transactions of backups, which outlive db.mu.
	snapshots atomic.Int32
	// observeWrite, when set, learns the duration of each write transaction (OnWrite).
	observeWrite atomic.Pointer[func(time.Duration)]
}

// Options are the settings of OpenWith.
type Options struct {
	// Wait is how long to wait for another process to let go of the file; default 2 s.
	Wait time.Duration
	// Ledgers are the files of the erasure ledger (see ledger.go): every client erased is
	// recorded in each of them, and ApplyLedger erases again whom they name. None: erasures
	// are not recorded outside the database file.
	Ledgers []string
}

// Open opens or creates the database file at path with mode 0600. It waits up to two
// seconds for another process to let go of the file.
func Open(path string) (*DB, error) { return OpenWith(path, Options{}) }

// OpenWait is Open with the time to wait for the file's lock.
func OpenWait(path string, wait time.Duration) (*DB, error) {
	return OpenWith(path, Options{Wait: wait})
}

// OpenWith is Open with options.
func OpenWith(path string, o Options) (*DB, error) {
	if o.Wait == 0 {
		o.Wait = 2 * time.Second
	}
	b, err := openLocked(path, o.Wait)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{path: path, bolt: b, erased: make(chan struct{}, 1)}
	if err := db.init(); err != nil {
		b.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// A compaction that a crash interrupted left its unfinished copy; the file is whole.
	removeStale(filepath.Dir(path), compactPrefix(path), 0)
	if len(o.Ledgers) > 0 {
		if db.ledger, err = loadLedger(o.Ledgers); err != nil {
			b.Close()
			return nil, err
		}
	}
	db.group = newCommitter(db)
	return db, nil
}

// openLocked opens the bbolt file at path and makes sure the lock it got is the lock of the
// file now at path: a compaction of the owner replaces the file, and a process that was
// waiting for the old file's lock gets it once the owner closes the old file. It retries
// until wait is over.
func openLocked(path string, wait time.Duration) (*bolt.DB, error) {
	deadline := time.Now().Add(wait)
	for {
		before, _ := os.Stat(path)
		b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: max(time.Until(deadline), time.Millisecond)})
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, errors.New("the database is in use by another Lotse process")
		}
		if err != nil {
			return nil, err
		}
		after, err := os.Stat(path)
		if err == nil && (before == nil || os.SameFile(before, after)) {
			// bbolt creates new files with the mode given, but keep an existing file private too.
			if err := os.Chmod(path, 0o600); err != nil {
				b.Close()
				return nil, err
			}
			return b, nil
		}
		b.Close()
		if time.Now().After(deadline) {
			return nil, errors.New("the database is in use by another Lotse process")
		}
	}
}

// buckets are all the buckets; init creates those missing.
var buckets = append([][]byte{bucketMeta, bucketInbox, bucketSeen, bucketOutbox, bucketClients, bucketStaff, bucketViews,
	bucketAppointments, bucketSeats, bucketByManager, bucketByClient, bucketReminders, bucketBlocked, bucketCases, bucketInvites,
	bucketRelays, bucketRelayCopy, bucketBroadcasts, bucketStats, bucketAudit, bucketNotices, bucketDeliveries, bucketIntake, bucketPlans}, append(indexBuckets, activityBuckets...)...)

func (db *DB) init() error {
	return db.bolt.Update(migrate)
}

// migrate creates the buckets a file lacks and brings a file of an older schema version to
// this one.
func migrate(tx *bolt.Tx) error {
	if err := createBuckets(tx); err != nil {
		return err
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
}

// createBuckets creates the buckets a file lacks.
func createBuckets(tx *bolt.Tx) error {
	for _, name := range buckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the file, after the transactions under way.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil
	}
	db.closed = true
	db.group.stop()
	return db.bolt.Close()
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// view and update run bbolt's View and Update on the current file, batch a write
// transaction shared with other callers (see committer).
func (db *DB) view(fn func(*bolt.Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.bolt.View(fn)
}

func (db *DB) update(fn func(*bolt.Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.timed(db.bolt.Update, fn)
}

func (db *DB) batch(fn func(*bolt.Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.timed(db.group.do, fn)
}

// OnWrite has observe learn how long each write transaction took, from the start of its
// work to its commit on disk: while one runs, every other write waits.
func (db *DB) OnWrite(observe func(time.Duration)) {
	db.observeWrite.Store(&observe)
}

// timed runs fn in a write transaction started by run and reports its duration to the
// OnWrite observer. In a batch, the duration is that of fn's part of the transaction.
func (db *DB) timed(run func(func(*bolt.Tx) error) error, fn func(*bolt.Tx) error) error {
	var began time.Time
	err := run(func(btx *bolt.Tx) error {
		began = time.Now()
		return fn(btx)
	})
	if observe := db.observeWrite.Load(); observe != nil && !began.IsZero() {
		(*observe)(time.Since(began))
	}
	return err
}

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
