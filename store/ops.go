package store

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/flows"
)

// BackupFile writes a consistent copy of the database to path while Lotse keeps running
// (see Backup). It is written beside path with mode 0600, synced and renamed, so path is
// never half written; it returns the size of the file.
func (db *DB) BackupFile(path string) (int64, error) {
	s, err := db.snapshot()
	if err != nil {
		return 0, err
	}
	defer s.close()
	var edit func(*tx) (bool, error)
	if s.holds(bucketNotices) {
		edit = stripNotices
	}
	return s.saveAs(path, edit, time.Time{})
}

// Backup streams a consistent copy of the database to w while Lotse keeps running: the
// live records of one read transaction, read from the file as they are, with zeros in
// place of the pages that transaction does not use, so the copy carries nothing of erased
// clients that may linger in freed pages of the file. It costs neither memory nor a
// pause of updates. It leaves out the erasure notices still waiting to be sent; while any
// waits, the copy goes through private temporary files in dir, as large as the database.
func (db *DB) Backup(dir string, w io.Writer) (int64, error) {
	s, err := db.snapshot()
	if err != nil {
		return 0, err
	}
	defer s.close()
	if !s.holds(bucketNotices) {
		return s.writeTo(w)
	}
	tmp, err := s.editedCopy(dir, stripNotices)
	s.close()
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp)
	f, err := os.Open(tmp)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.Copy(w, f)
}

// snapshot starts a read transaction on the current file; a compaction waits for the
// start only, not for the copy. A wipe waits until the snapshot is closed (db.snapshots).
func (db *DB) snapshot() (*snapshot, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, errors.New("backup: the database is closed")
	}
	s, err := openSnapshot(db.bolt, db.path)
	if err != nil {
		return nil, err
	}
	db.snapshots.Add(1)
	s.done = func() { db.snapshots.Add(-1) }
	return s, nil
}

// WriteFileAtomic writes a file with mode 0600 through write, replacing path only once the
// content is complete and on disk; the rename is synced too.
func WriteFileAtomic(path string, write func(io.Writer) (int64, error)) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), backupPrefix+"*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return 0, err
	}
	n, err := write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, err
	}
	return n, syncDir(filepath.Dir(path))
}

// OutboxStats reports how many messages wait to be sent and when the oldest was queued
// (zero when none waits).
func (db *DB) OutboxStats() (depth int, oldest time.Time, err error) {
	err = db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		depth = b.Stats().KeyN
		if _, v := b.Cursor().First(); v != nil {
			o, err := decodeRecord[flows.Outgoing](v, "outbox entry")
			if err != nil {
				return err
			}
			oldest = o.Queued
		}
		return nil
	})
	return depth, oldest, err
}
