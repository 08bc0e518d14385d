package store

import (
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/flows"
)

// BackupFile writes a consistent copy of the database to path while Lotse keeps running.
// The copy is compacted: it is built from the live records of one read transaction, so it
// carries nothing of erased clients that may linger in freed pages of the file, and it
// leaves out the erasure notices still waiting to be sent. It is written beside path with
// mode 0600, synced and renamed, so path is never half written.
func (db *DB) BackupFile(path string) (int64, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return rewriteFile(db.bolt, path, stripNotices, time.Time{})
}

// Backup writes a compacted, consistent copy of the database to w (see BackupFile),
// through a private temporary file in dir.
func (db *DB) Backup(dir string, w io.Writer) (int64, error) {
	tmp, err := os.MkdirTemp(dir, backupPrefix)
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "lotse.db")
	if _, err := db.BackupFile(path); err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.Copy(w, f)
}

// WriteFileAtomic writes a file with mode 0600 through write, replacing path only once the
// content is complete and on disk.
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
	return n, os.Rename(tmp.Name(), path)
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
