package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Erasure that holds: bbolt does not overwrite the pages a transaction frees, so what a
// client's erasure deleted stays readable in the file until bbolt happens to reuse those
// pages. Compact writes the live records into a new file and puts it in the old one's place,
// while every transaction waits: the erasure ledger uses it when a restored copy starts.
// While Lotse runs, WipeAfterErasures zeroes the free pages instead (wipe.go).

// compactTxSize bounds the transactions of a copy, so a large file needs no large memory.
const compactTxSize = 16 << 20

// backupPrefix starts the names of backups being written; CleanBackupDir removes those a
// crash left behind.
const backupPrefix = ".lotse-backup-"

// Compact rewrites the database file with its live records only, so that nothing deleted
// remains readable in freed pages. Transactions wait while it runs and then go on with the
// new file. The copy is written beside the file (mode 0600), synced, and renamed over it:
// a crash leaves either the old file or the new one, both whole. The copy stays locked from
// its creation on, so no other process can take the file between the rename and the switch.
func (db *DB) Compact() error {
	old, err := db.compact()
	if err != nil {
		return err
	}
	// The old file has no name any more; closing it frees its pages and lets go of its lock.
	// A backup still streaming from it holds the close up, but not the transactions that
	// go on with the new file.
	old.Close()
	if err := syncDir(filepath.Dir(db.path)); err != nil {
		return fmt.Errorf("compact %s: the file is compacted, but the directory was not synced: %w", db.path, err)
	}
	return nil
}

// compact puts the compacted copy in the file's place while transactions wait, and returns
// the old file's handle.
func (db *DB) compact() (*bolt.DB, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil, errors.New("compact: the database is closed")
	}
	dst, err := compactCopy(db.bolt, filepath.Dir(db.path), compactPrefix(db.path))
	if err != nil {
		return nil, fmt.Errorf("compact %s: %w", db.path, err)
	}
	tmp := dst.Path()
	// The copy holds nothing of the erasures so far.
	err = dst.Update(func(btx *bolt.Tx) error { return btx.Bucket(bucketMeta).Delete(keyErasure) })
	if err == nil {
		err = os.Rename(tmp, db.path)
	}
	if err != nil {
		dst.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("compact %s: %w", db.path, err)
	}
	old := db.bolt
	db.bolt = dst
	return old, nil
}

// compactPrefix starts the names of the compaction's temporary files beside the database at
// path; they are removed when the database opens.
func compactPrefix(path string) string { return "." + filepath.Base(path) + ".compact-" }

// compactCopy copies the live records of src into a new file in dir whose name starts with
// prefix, mode 0600, and returns it open (and so locked). Every transaction of the copy is
// synced when it commits.
func compactCopy(src *bolt.DB, dir, prefix string) (*bolt.DB, error) {
	f, err := os.CreateTemp(dir, prefix+"*")
	if err != nil {
		return nil, err
	}
	f.Close()
	dst, err := bolt.Open(f.Name(), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		os.Remove(f.Name())
		return nil, err
	}
	if err := bolt.Compact(dst, src, compactTxSize); err != nil {
		dst.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("copy the records: %w", err)
	}
	return dst, nil
}

// rewriteFile writes a copy of src to path with only the live records, after edit changed
// the copy (edit reports whether it did); see snapshot.saveAs. The file is written beside
// path, synced and renamed, so path is never half written; it is stamped with modTime
// unless that is zero. It returns the size of the file.
func rewriteFile(src *bolt.DB, path string, edit func(*tx) (bool, error), modTime time.Time) (int64, error) {
	s, err := openSnapshot(src, src.Path())
	if err != nil {
		return 0, err
	}
	defer s.close()
	return s.saveAs(path, edit, modTime)
}

// erasurePending reports whether a client was erased since the last compaction.
func (db *DB) erasurePending() (pending bool, err error) {
	err = db.view(func(btx *bolt.Tx) error {
		pending = btx.Bucket(bucketMeta).Get(keyErasure) != nil
		return nil
	})
	return pending, err
}

// noticesWaiting reports whether an erasure notice waits in the outbox.
func (db *DB) noticesWaiting() (waiting bool, err error) {
	err = db.view(func(btx *bolt.Tx) error {
		k, _ := btx.Bucket(bucketNotices).Cursor().First()
		waiting = k != nil
		return nil
	})
	return waiting, err
}

// pruneNotices forgets the erasure notices that left the outbox and reports whether any
// still waits there.
func (db *DB) pruneNotices() (waiting bool, err error) {
	err = db.update(func(btx *bolt.Tx) error {
		notices, outbox := btx.Bucket(bucketNotices), btx.Bucket(bucketOutbox)
		var sent [][]byte
		err := notices.ForEach(func(k, _ []byte) error {
			if outbox.Get(k) == nil {
				sent = append(sent, k)
			} else {
				waiting = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range sent {
			if err := notices.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return waiting, err
}

// stripNotices removes the erasure notices, and the messages they stand for, from a copy of
// the database: a backup holds nothing that names an erased client.
func stripNotices(t *tx) (bool, error) {
	notices := t.bolt.Bucket(bucketNotices)
	if notices == nil {
		return false, nil
	}
	var keys [][]byte
	err := notices.ForEach(func(k, _ []byte) error {
		keys = append(keys, k)
		return nil
	})
	if err != nil {
		return false, err
	}
	for _, k := range keys {
		if err := deleteOutbox(t.bolt, binary.BigEndian.Uint64(k)); err != nil {
			return false, err
		}
		if err := notices.Delete(k); err != nil {
			return false, err
		}
	}
	return len(keys) > 0, nil
}

// CleanBackupDir removes the unfinished copies that a crash during a backup left in dir.
func CleanBackupDir(dir string) {
	removeStale(dir, backupPrefix, time.Hour)
}

// removeStale removes the files and directories in dir whose names start with prefix and
// that were last written more than age ago.
func removeStale(dir, prefix string, age time.Duration) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) >= age {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
