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

// A bug that breaks one update of a batch holds up no one: the batch is journaled whole and
// each update handled on its own, the broken one answered with an apology.
func TestPanicInABatchHoldsUpNoOne(t *testing.T) {
	api, logs := newTestBot(t, func(f *flows.Flows) bot.Handler { return panicky{f} })
	first := fakeapi.User{ID: 20, FirstName: "A", LanguageCode: "de"}
	api.SendText(first, "/start")
	if _, ok := api.WaitMessages(first.ID, 1, 10*time.Second); !ok {
		t.Fatal("no answer to the first /start")
	}
	// The bot waits in a long poll; the next one is held back, so what follows comes in one batch.
	api.InjectFaults("getUpdates", fakeapi.Fault{Delay: 500 * time.Millisecond})
	api.SendText(first, "/help")
	api.WaitMessages(first.ID, 2, 10*time.Second)
	users := []fakeapi.User{}
	for i := range 8 {
		u := fakeapi.User{ID: int64(30 + i), FirstName: "C", LanguageCode: []string{"ar", "uk", "fa", "tr"}[i%4]}
		users = append(users, u)
		text := "/start"
		if i == 3 {
			text = "boom"
		}
		api.SendText(u, text)
	}
	for i, u := range users {
		msgs, ok := api.WaitMessages(u.ID, 1, 10*time.Second)
		if !ok {
			t.Fatalf("user %d got no answer", u.ID)
		}
		if want, _ := newRenderer(t).Phrase(u.LanguageCode, flows.Msg("InternalError")); (i == 3) != (msgs[0].Text == want) {
			t.Errorf("user %d got %q", u.ID, msgs[0].Text)
		}
	}
	if !strings.Contains(logs.String(), "handling each on its own") {
		t.Errorf("the updates did not come as one batch; the test proves nothing:\n%s", logs.String())
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
