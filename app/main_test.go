package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot"
	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// testBot is the whole program running against a fake Telegram and a real bbolt file in a
// temporary directory.
type testBot struct {
	t    *testing.T
	api  *fakeapi.Server
	dir  string
	env  map[string]string
	logs *syncBuffer

	cancel context.CancelFunc
	done   chan int
	main   *Main
	reload chan struct{}
	clock  atomic.Pointer[time.Time] // the bot's time when set, else the real one
}

// now is the bot's clock.
func (tb *testBot) now() time.Time {
	if t := tb.clock.Load(); t != nil {
		return *t
	}
	return time.Now()
}

// setNow sets the bot's clock.
func (tb *testBot) setNow(t time.Time) { tb.clock.Store(&t) }

// newTestBot starts Lotse with env on top of a token and database for tests. Per-chat
// limits are raised so tests need not wait; tests of the limits set their own.
func newTestBot(t *testing.T, env ...string) *testBot {
	t.Helper()
	tb := &testBot{t: t, api: fakeapi.New(), dir: t.TempDir(), logs: &syncBuffer{}}
	t.Cleanup(tb.api.Close)
	tb.env = map[string]string{
		"TELEGRAM_BOT_TOKEN": fakeapi.Token,
		"TELEGRAM_API_URL":   tb.api.URL(),
		"LOTSE_DB":           filepath.Join(tb.dir, "lotse.db"),
		"LOTSE_RATE_CHAT":    "100",
		// Any free port; tests that stop the bot mid-work want the work left in the outbox.
		"LOTSE_ADMIN_ADDR":       "127.0.0.1:0",
		"LOTSE_SHUTDOWN_TIMEOUT": "0s",
	}
	for i := 0; i+1 < len(env); i += 2 {
		tb.env[env[i]] = env[i+1]
	}
	tb.start()
	t.Cleanup(func() {
		tb.stop()
		if rejected := tb.api.Rejected(); len(rejected) > 0 {
			t.Errorf("the fake Bot API rejected %d requests, first: %s %v: %s", len(rejected), rejected[0].Method, rejected[0].Params, rejected[0].Error)
		}
		// The log names chats by a keyed hash only: no id of a person who wrote, nor of the
		// example town's staff, who may not have.
		if leaks := rawIDs(tb.logs.String(), append(tb.api.Chats(), yilmaz, haddad, kovalenko, admin)...); len(leaks) > 0 {
			t.Errorf("the log shows Telegram ids in %d lines, first: %s", len(leaks), leaks[0])
		}
		if t.Failed() {
			t.Logf("bot log:\n%s", tb.logs.String())
		}
	})
	return tb
}

func (tb *testBot) start() {
	tb.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tb.cancel, tb.done = cancel, make(chan int, 1)
	tb.reload = make(chan struct{}, 1)
	m := &Main{
		Getenv: func(k string) string { return tb.env[k] },
		Stdout: tb.logs, Stderr: tb.logs,
		Now:     tb.now,
		FAQPoll: 50 * time.Millisecond,
		Tick:    20 * time.Millisecond,
		Reload:  tb.reload,
	}
	tb.main = m
	go func() { tb.done <- exit(m.Stderr, m.Run(ctx, nil)) }()
}

// stop cancels the bot like a kill would end its work: no draining of queues, no goodbye.
// What is under way finishes; everything else waits on disk.
func (tb *testBot) stop() {
	if tb.cancel == nil {
		return
	}
	tb.cancel()
	select {
	case code := <-tb.done:
		if code != 0 {
			tb.t.Errorf("lotse exited with %d", code)
		}
	case <-time.After(30 * time.Second):
		tb.t.Fatal("lotse did not stop within 30 s")
	}
	tb.cancel = nil
}

func (tb *testBot) restart() {
	tb.t.Helper()
	tb.stop()
	tb.start()
}

// waitMessages waits until the chat received n bot messages and returns them.
func (tb *testBot) waitMessages(chat int64, n int) []fakeapi.Message {
	tb.t.Helper()
	msgs, ok := tb.api.WaitMessages(chat, n, 10*time.Second)
	if !ok {
		tb.t.Fatalf("chat %d: got %d messages, want %d: %s", chat, len(msgs), n, texts(msgs))
	}
	return msgs
}

// last waits for the chat's newest bot message to satisfy cond and returns it.
func (tb *testBot) last(chat int64, cond func(fakeapi.Message) bool) fakeapi.Message {
	tb.t.Helper()
	var m fakeapi.Message
	ok := tb.api.WaitFor(10*time.Second, func() bool {
		var has bool
		m, has = tb.api.LastMessage(chat)
		return has && cond(m)
	})
	if !ok {
		tb.t.Fatalf("chat %d: last message never matched; it is %q (buttons %v)", chat, m.Text, m.Buttons)
	}
	return m
}

// find waits until some message of the chat satisfies cond and returns the newest that
// does: screens are edited in place, so the one wanted is not always the last message.
func (tb *testBot) find(chat int64, cond func(fakeapi.Message) bool) fakeapi.Message {
	tb.t.Helper()
	var found fakeapi.Message
	ok := tb.api.WaitFor(10*time.Second, func() bool {
		msgs := tb.api.Messages(chat)
		for i := len(msgs) - 1; i >= 0; i-- {
			if cond(msgs[i]) {
				found = msgs[i]
				return true
			}
		}
		return false
	})
	if !ok {
		tb.t.Fatalf("chat %d: no message matched:%s", chat, texts(tb.api.Messages(chat)))
	}
	return found
}

// press presses a button by its label as soon as the bot shows it.
func (tb *testBot) press(u fakeapi.User, label string) {
	tb.t.Helper()
	var err error
	if !tb.api.WaitFor(10*time.Second, func() bool { _, err = tb.api.Press(u, label); return err == nil }) {
		tb.t.Fatal(err)
	}
}

// quiet waits a moment and asserts the chat got no new message.
func (tb *testBot) quiet(chat int64, have int) {
	tb.t.Helper()
	time.Sleep(300 * time.Millisecond)
	if msgs := tb.api.Messages(chat); len(msgs) != have {
		tb.t.Fatalf("chat %d got %d messages, want %d: %s", chat, len(msgs), have, texts(msgs))
	}
}

// refused waits until the fake Telegram answered a call of method with status.
func (tb *testBot) refused(method string, status int) {
	tb.t.Helper()
	ok := tb.api.WaitFor(10*time.Second, func() bool {
		for _, c := range tb.api.Calls(method) {
			if c.Status == status {
				return true
			}
		}
		return false
	})
	if !ok {
		tb.t.Fatalf("%s was never answered %d", method, status)
	}
}

func (tb *testBot) db() *store.DB {
	tb.t.Helper()
	db, err := store.Open(tb.env["LOTSE_DB"])
	if err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Cleanup(func() { db.Close() })
	return db
}

var (
	rendererOnce sync.Once
	renderer     *bot.Renderer
	shippedFAQ   *flows.FAQ
)

// say renders a catalog message as the bot would show it in lang.
func say(t *testing.T, lang, id string, kv ...string) string {
	t.Helper()
	return render(t, lang, flows.Msg(id, kv...))
}

// render renders a phrase as the bot would show it in lang, for the example town.
func render(t *testing.T, lang string, p flows.Phrase) string {
	t.Helper()
	rendererOnce.Do(func() {
		cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
		if err != nil {
			t.Fatal(err)
		}
		content, err := bot.LoadContent(cfg)
		if err != nil {
			t.Fatal(err)
		}
		renderer, shippedFAQ = content.Renderer(cfg), content.FAQ.Get()
	})
	s, err := renderer.Phrase(lang, p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func texts(msgs []fakeapi.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "\n  [%d] %q", m.ID, m.Text)
	}
	return b.String()
}

func labels(m fakeapi.Message) []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

func hasButton(m fakeapi.Message, label string) bool {
	for _, l := range labels(m) {
		if l == label {
			return true
		}
	}
	return false
}

// syncBuffer collects the program's output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// writeConfig writes the example town's configuration with replacements applied.
func writeConfig(t *testing.T, dir string, replace ...string) string {
	t.Helper()
	s := string(flows.ExampleConfig)
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			t.Fatalf("example config lacks %q", replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	path := filepath.Join(dir, "town.toml")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
