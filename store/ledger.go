package store

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/flows"
)

// The erasure ledger keeps erasures in force against older copies of the database: a
// backup restored, or a file copied off-site before a client asked to be erased. It lives
// outside the database file, beside it and in the backup directory, and names each client
// record Lotse erased by a keyed hash (HMAC-SHA256) of the Telegram id, the case number and
// the time of the client's first contact — never the id itself. At start Lotse erases again every client
// whose record the ledger names (ApplyLedger); ScrubBackup does the same to kept backups.
//
// Why the record and not the person: someone who erased their data may come back later as
// a new client, and must not be erased again at the next start. A new record has a new case
// number and time of first contact (to the nanosecond); and these keep the ledger from
// answering "was Telegram id X a client here?" to someone who holds the ledger and its key
// but not the old record.
//
// A ledger file is text: a comment, "key " and the hex key, then one hex hash a line.

const ledgerHeader = "# Lotse erasure ledger: keyed hashes of erased client records, never the records.\n" +
	"# Keep it with the database and its backups: at start Lotse erases again every client it names.\n"

// ledger is the set of ledger files; an erasure is recorded in each.
type ledger struct {
	mu    sync.Mutex
	files []*ledgerFile
}

// ledgerFile is one ledger file as read; key is nil while the file does not exist.
type ledgerFile struct {
	path   string
	key    []byte
	hashes map[string]bool
}

// loadLedger reads the ledger files at paths. A file missing where another exists (a new
// backup directory, a database moved to a new server) starts as a copy of the first that
// exists; when none exists, the first erasure creates them all.
func loadLedger(paths []string) (*ledger, error) {
	l := &ledger{}
	var first *ledgerFile
	for _, p := range paths {
		f, err := readLedger(p)
		if err != nil {
			return nil, err
		}
		if first == nil && f.key != nil {
			first = f
		}
		l.files = append(l.files, f)
	}
	if first == nil {
		return l, nil
	}
	for _, f := range l.files {
		if f.key != nil {
			continue
		}
		f.key, f.hashes = first.key, map[string]bool{}
		for h := range first.hashes {
			f.hashes[h] = true
		}
		if err := f.create(); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// readLedger reads a ledger file. A last line cut short by a crash is dropped: the erasure
// it was written for did not commit.
func readLedger(path string) (*ledgerFile, error) {
	f := &ledgerFile{path: path, hashes: map[string]bool{}}
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("erasure ledger: %w", err)
	}
	if end := bytes.LastIndexByte(raw, '\n') + 1; end < len(raw) {
		raw = raw[:end]
		if err := os.Truncate(path, int64(end)); err != nil {
			return nil, fmt.Errorf("erasure ledger: %w", err)
		}
	}
	for i, line := range strings.Split(string(raw), "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "key ") && f.key == nil:
			f.key, err = hex.DecodeString(strings.TrimPrefix(line, "key "))
			if err != nil || len(f.key) != 32 {
				return nil, fmt.Errorf("erasure ledger %s, line %d: the key is damaged", path, i+1)
			}
		case f.key != nil && len(line) == 64 && isHex(line):
			f.hashes[line] = true
		default:
			return nil, fmt.Errorf("erasure ledger %s, line %d: not a key or hash", path, i+1)
		}
	}
	if f.key == nil {
		return nil, fmt.Errorf("erasure ledger %s: it has no key", path)
	}
	return f, nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// names reports whether the ledger names the client's record.
func (l *ledger) names(c *flows.Client) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.files {
		if f.key != nil && (f.hashes[recordHash(f.key, c)] || f.hashes[personHash(f.key, c)]) {
			return true
		}
	}
	return false
}

// add records erased client records in every ledger file, synced before it returns.
func (l *ledger) add(records []*flows.Client) error {
	if len(records) == 0 {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var key []byte // for files that do not exist yet, the same for all
	for _, f := range l.files {
		if f.key == nil {
			if key == nil {
				key = make([]byte, 32)
				rand.Read(key)
			}
			nf := &ledgerFile{path: f.path, key: key, hashes: map[string]bool{}}
			for _, c := range records {
				for _, h := range recordHashes(key, c) {
					nf.hashes[h] = true
				}
			}
			if err := nf.create(); err != nil {
				return err
			}
			*f = *nf
			continue
		}
		var lines []string
		for _, c := range records {
			for _, h := range recordHashes(f.key, c) {
				if !f.hashes[h] && !slices.Contains(lines, h) {
					lines = append(lines, h)
				}
			}
		}
		if len(lines) == 0 {
			continue
		}
		if err := f.append(lines); err != nil {
			return err
		}
		for _, h := range lines {
			f.hashes[h] = true
		}
	}
	return nil
}

// recordHash is the ledger's name of a client record under key.
func recordHash(key []byte, c *flows.Client) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "lotse client %d %d %s", c.ID, c.Case, c.CreatedAt.UTC().Format(time.RFC3339Nano))
	return hex.EncodeToString(m.Sum(nil))
}

// recordHashes are the ledger's names of an erased record: a household member's also by the
// person alone, whatever case it had, since their record in an older copy still has the
// case number they held before joining.
func recordHashes(key []byte, c *flows.Client) []string {
	if c.Holder != 0 {
		return []string{recordHash(key, c), personHash(key, c)}
	}
	return []string{recordHash(key, c)}
}

// personHash names a client record by the person alone.
func personHash(key []byte, c *flows.Client) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "lotse person %d %s", c.ID, c.CreatedAt.UTC().Format(time.RFC3339Nano))
	return hex.EncodeToString(m.Sum(nil))
}

// create writes the whole file, mode 0600, through a synced temporary file it renames.
func (f *ledgerFile) create() error {
	var b strings.Builder
	b.WriteString(ledgerHeader)
	fmt.Fprintf(&b, "key %x\n", f.key)
	for h := range f.hashes {
		b.WriteString(h + "\n")
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("erasure ledger: %w", err)
	}
	_, err := WriteFileAtomic(f.path, func(w io.Writer) (int64, error) {
		n, err := io.WriteString(w, b.String())
		return int64(n), err
	})
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return fmt.Errorf("erasure ledger: %w", err)
	}
	return nil
}

// append adds hashes to the file and syncs it.
func (f *ledgerFile) append(hashes []string) error {
	file, err := os.OpenFile(f.path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("erasure ledger: %w", err)
	}
	_, err = file.WriteString(strings.Join(hashes, "\n") + "\n")
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("erasure ledger %s: %w", f.path, err)
	}
	return nil
}

// ApplyLedger erases every client whose record the erasure ledger names — clients erased
// after the copy of the file now open was taken — together with the updates from them that
// its inbox still holds, and notes each in the audit log. When it erased anyone, it compacts
// the file. It returns how many it erased.
func (db *DB) ApplyLedger() (int, error) {
	if db.ledger == nil {
		return 0, nil
	}
	n := 0
	_, err := db.collect(db.update, func(t *tx) error {
		ids, err := t.eraseListed(db.ledger)
		if err != nil {
			return err
		}
		n = len(ids)
		for range ids {
			if err := t.Audit(flows.AuditEntry{At: time.Now(), Action: "erased-again-by-ledger", Case: flows.ErasedCase}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n == 0 {
		return 0, err
	}
	return n, db.Compact()
}

// ScrubBackup rewrites the backup at path without the clients the erasure ledger names —
// the pages their erasure freed written as zeros — and keeps its modification time. A
// backup that names none is left as it is. It returns how many clients it erased.
func (db *DB) ScrubBackup(path string) (int, error) {
	if db.ledger == nil {
		return 0, nil
	}
	src, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return 0, err
	}
	defer src.Close()
	n := 0
	err = src.View(func(btx *bolt.Tx) error {
		if btx.Bucket(bucketClients) == nil {
			return nil
		}
		return (&tx{bolt: btx}).Clients(func(c *flows.Client) error {
			if db.ledger.names(c) {
				n++
			}
			return nil
		})
	})
	if err != nil || n == 0 {
		return 0, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	_, err = rewriteFile(src, path, func(t *tx) (bool, error) {
		// A backup of an older version may lack buckets and indexes the erasure looks into.
		if err := migrate(t.bolt); err != nil {
			return false, err
		}
		ids, err := t.eraseListed(db.ledger)
		return len(ids) > 0, err
	}, info.ModTime())
	if err != nil {
		return 0, err
	}
	return n, nil
}

// eraseListed erases the clients whose records the ledger names, and the updates from them
// that the inbox still holds: in an older copy of the file, those came before the erasure.
func (t *tx) eraseListed(l *ledger) ([]int64, error) {
	var ids []int64
	err := t.Clients(func(c *flows.Client) error {
		if l.names(c) {
			ids = append(ids, c.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if err := t.EraseClient(id); err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	inbox := t.bolt.Bucket(bucketInbox)
	var drop [][]byte
	err = inbox.ForEach(func(k, v []byte) error {
		if len(v) > 8 && slices.Contains(ids, updateSender(v[8:])) {
			drop = append(drop, k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, k := range drop {
		if err := inbox.Delete(k); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// updateSender reads who sent a journaled update: the author of a message or an edit, or
// who pressed a button; 0 for anything else.
func updateSender(raw []byte) int64 {
	type from struct {
		From struct {
			ID int64 `json:"id"`
		} `json:"from"`
	}
	var u struct {
		Message       *from `json:"message"`
		EditedMessage *from `json:"edited_message"`
		CallbackQuery *from `json:"callback_query"`
	}
	if json.Unmarshal(raw, &u) != nil {
		return 0
	}
	for _, f := range []*from{u.Message, u.EditedMessage, u.CallbackQuery} {
		if f != nil {
			return f.From.ID
		}
	}
	return 0
}
