package bot_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot"
	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// panicky breaks on the text "boom", as a bug in a flow would.
type panicky struct{ *flows.Flows }

func (p panicky) Handle(tx flows.Tx, ev flows.Event) error {
	if ev.Text == "boom" {
		var m map[string]int
		//lint:ignore SA5000 the panic is the point: a bug in a flow
		m["crash"]++ // assignment to a nil map panics
	}
	return p.Flows.Handle(tx, ev)
}

// newTestBot runs a bot with handler h against a fake Bot API and a real database.
func newTestBot(t *testing.T, wrap func(*flows.Flows) bot.Handler) (*fakeapi.Server, *logBuffer) {
	t.Helper()
	api := fakeapi.New()
	t.Cleanup(api.Close)
	db, err := store.Open(filepath.Join(t.TempDir(), "lotse.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	content, err := bot.LoadContent(cfg)
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	b, err := bot.New(bot.Options{
		Token: fakeapi.Token, APIURL: api.URL(), DB: db, Catalogs: content.Catalogs,
		Flows:  wrap(flows.New(cfg, content.FAQ, time.Now)),
		Config: cfg, FAQ: content.FAQ,
		Log:    slog.New(slog.NewTextHandler(logs, nil)),
		Limits: bot.Limits{PerChat: 100},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		db.Close()
	})
	return api, logs
}

func TestPanicInOneUpdateIsSurvived(t *testing.T) {
	api, logs := newTestBot(t, func(f *flows.Flows) bot.Handler { return panicky{f} })
	u := fakeapi.User{ID: 11, FirstName: "Ali", LanguageCode: "ar"}
	boom := api.SendText(u, "boom")
	msgs, ok := api.WaitMessages(u.ID, 1, 10*time.Second)
	if !ok {
		t.Fatal("no answer after the panic")
	}
	want, _ := newRenderer(t).Phrase("ar", flows.Msg("InternalError"))
	if msgs[0].Text != want {
		t.Errorf("after a panic the user got %q, want %q", msgs[0].Text, want)
	}
	if !strings.Contains(logs.String(), "update="+itoa(boom)) || !strings.Contains(logs.String(), "panic") {
		t.Errorf("the log does not name the update and the panic:\n%s", logs.String())
	}
	// The same chat and others go on.
	api.SendText(u, "/start")
	api.SendText(fakeapi.User{ID: 12, FirstName: "B", LanguageCode: "de"}, "/start")
	if _, ok := api.WaitMessages(u.ID, 2, 10*time.Second); !ok {
		t.Error("the chat is stuck after a panic")
	}
	if _, ok := api.WaitMessages(12, 1, 10*time.Second); !ok {
		t.Error("other chats are stuck after a panic")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// newRenderer renders as the bot does for the example town.
func newRenderer(t *testing.T) *bot.Renderer {
	t.Helper()
	cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	content, err := bot.LoadContent(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return content.Renderer(cfg)
}
