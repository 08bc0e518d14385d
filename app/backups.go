package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lotse-bot/lotse/store"
)

// backupGlob matches the scheduled backups in the backup directory; their names sort by time.
const backupGlob = "lotse-*.db"

// backups writes a backup into dir every interval and keeps the newest keep of them. After
// an erasure (a signal on scrub), and once at start, it rewrites the kept backups that still
// hold a client the erasure ledger names.
func (m *Main) backups(ctx context.Context, db *store.DB, dir string, every time.Duration, keep int, scrub <-chan struct{}) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		m.log.Error("backup directory cannot be created; no scheduled backups", "dir", dir, "err", err)
		return
	}
	store.CleanBackupDir(dir)
	m.scrubBackups(db, dir)
	backup := func() {
		name := filepath.Join(dir, "lotse-"+time.Now().UTC().Format("20060102T150405Z")+".db")
		if n, err := db.BackupFile(name); err != nil {
			m.log.Error("scheduled backup failed", "file", name, "err", err)
		} else {
			m.log.Info("backup written", "file", name, "bytes", n)
			pruneBackups(m.log, dir, keep)
		}
	}
	backup()
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-scrub:
			m.scrubBackups(db, dir)
		case <-ticker.C:
			backup()
		}
	}
}

// scrubBackups rewrites the kept backups that still hold clients erased after they were
// written, without them.
func (m *Main) scrubBackups(db *store.DB, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, backupGlob))
	for _, f := range files {
		n, err := db.ScrubBackup(f)
		if err != nil {
			m.log.Error("removing erased clients from a kept backup failed", "file", f, "err", err)
		} else if n > 0 {
			m.log.Info("kept backup rewritten without erased clients", "file", f, "clients", n)
		}
	}
}

// pruneBackups removes all but the newest keep backups in dir.
func pruneBackups(log *slog.Logger, dir string, keep int) {
	matches, err := filepath.Glob(filepath.Join(dir, backupGlob))
	if err != nil || len(matches) <= keep {
		return
	}
	slices.Sort(matches) // the names sort by time
	for _, old := range matches[:len(matches)-keep] {
		if err := os.Remove(old); err != nil {
			log.Warn("removing an old backup failed", "file", old, "err", err)
		}
	}
}

// backupCommand is "lotse backup FILE": a consistent copy of the database, taken directly
// when no Lotse runs on it, else from the running Lotse through its admin listener.
func (m *Main) backupCommand(args []string) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return usageError(errors.New("usage: lotse backup FILE"))
	}
	target := args[0]
	n, via, err := m.withDB(func(db *store.DB) (int64, error) { return db.BackupFile(target) },
		func(base string, client *http.Client, token string) (int64, error) {
			return store.WriteFileAtomic(target, func(w io.Writer) (int64, error) { return fetch(client, base+"/backup", token, w) })
		})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	check, err := store.Open(target)
	if err != nil {
		return fmt.Errorf("backup: the copy %s does not open: %w", target, err)
	}
	check.Close()
	fmt.Fprintf(m.Stdout, "backup written to %s (%d bytes, %s)\n", target, n, via)
	return nil
}
