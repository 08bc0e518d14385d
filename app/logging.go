package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/lotse-bot/lotse/store"
)

// personKeys are the log attributes whose values are Telegram ids of people. Their values
// are logged as a keyed hash (logIDs), never as the id: a chat id is pseudonymous personal
// data, and the log travels further than the database. Log a person's id under one of
// these keys only.
var personKeys = map[string]bool{"chat": true, "user": true, "client": true, "manager": true, "staff": true}

// newLogger builds the log on w from LOTSE_LOG_FORMAT and LOTSE_LOG_LEVEL, with the ids of
// people replaced by their names from ids.
func newLogger(w io.Writer, e environment, ids *logIDs) *slog.Logger {
	opts := &slog.HandlerOptions{Level: e.LogLevel, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if !personKeys[a.Key] {
			return a
		}
		switch v := a.Value.Resolve(); v.Kind() {
		case slog.KindInt64:
			return slog.String(a.Key, ids.of(v.Int64()))
		case slog.KindUint64:
			return slog.String(a.Key, ids.of(int64(v.Uint64())))
		}
		return a
	}}
	if e.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// logIDs names chats and users in the log: the first ten hex digits of an HMAC-SHA256 of
// the id under the database's log key. One installation names one chat alike in every
// line, across restarts, so an operator can follow it; without the key nobody can tell
// the id from the name.
type logIDs struct {
	key atomic.Pointer[[]byte]
}

// load takes the log key of db.
func (l *logIDs) load(db *store.DB) error {
	key, err := db.LogKey()
	if err != nil {
		return fmt.Errorf("reading the log key: %w", err)
	}
	l.key.Store(&key)
	return nil
}

// of is the name of id in the log. Before the database is open there is no key, and every
// id is "unknown": an id is never written.
func (l *logIDs) of(id int64) string {
	key := l.key.Load()
	if key == nil {
		return "unknown"
	}
	mac := hmac.New(sha256.New, *key)
	mac.Write(strconv.AppendInt(nil, id, 10))
	return hex.EncodeToString(mac.Sum(nil))[:10]
}

// parseTelegramID reads a chat or user id as Telegram gives it.
func parseTelegramID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("%q is not a Telegram chat or user id (digits, a minus for groups)", s)
	}
	return id, nil
}

// logIDCommand is "lotse logid ID": the name the chat or user ID has in the log, read from
// LOTSE_DB, or from the running Lotse through its admin listener.
func (m *Main) logIDCommand(args []string) error {
	if len(args) != 1 {
		return usageError(errors.New("usage: lotse logid CHAT_OR_USER_ID"))
	}
	id, err := parseTelegramID(args[0])
	if err != nil {
		return usageError(fmt.Errorf("logid: %w", err))
	}
	_, _, err = m.withDB(func(db *store.DB) (int64, error) {
		if err := m.logIDs.load(db); err != nil {
			return 0, err
		}
		n, err := fmt.Fprintln(m.Stdout, m.logIDs.of(id))
		return int64(n), err
	}, func(base string, client *http.Client, token string) (int64, error) {
		return fetch(client, base+"/logid?id="+strconv.FormatInt(id, 10), token, m.Stdout)
	})
	if err != nil {
		return fmt.Errorf("logid: %w", err)
	}
	return nil
}
