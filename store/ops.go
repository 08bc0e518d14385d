package store

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/flows"
)

// Backup writes a consistent copy of the whole database to w while Lotse keeps running:
// one read transaction sees every committed record and none half-written.
func (db *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a consistent copy to path: first to a temporary file beside it, made
// private, synced and then renamed, so that path is never a half-written backup.
func (db *DB) BackupFile(path string) (int64, error) {
	return WriteFileAtomic(path, db.Backup)
}

// WriteFileAtomic writes a file with mode 0600 through write, replacing path only once the
// content is complete and on disk.
func WriteFileAtomic(path string, write func(io.Writer) (int64, error)) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".lotse-backup-*")
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
	err = db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		depth = b.Stats().KeyN
		if _, v := b.Cursor().First(); v != nil {
			var o flows.Outgoing
			if err := json.Unmarshal(v, &o); err != nil {
				return fmt.Errorf("decode outbox entry: %w", err)
			}
			oldest = o.Queued
		}
		return nil
	})
	return depth, oldest, err
}
