package bot_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot"
	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// held is a handler that waits until released before handling an update.
type held struct {
	*flows.Flows
	release chan struct{}
}

func (h held) Handle(tx flows.Tx, ev flows.Event) error {
	<-h.release
	return h.Flows.Handle(tx, ev)
}

func TestWebhookAnswersOnlyWhatIsJournaled(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	db, err := store.Open(filepath.Join(t.TempDir(), "lotse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg, _ := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	content, err := bot.LoadContent(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := held{Flows: flows.New(cfg, content.FAQ, time.Now), release: make(chan struct{})}
	b, err := bot.New(bot.Options{
		Token: fakeapi.Token, APIURL: api.URL(), DB: db, Catalogs: content.Catalogs, Flows: h, Config: cfg, FAQ: content.FAQ,
		Log: slog.New(slog.DiscardHandler), Webhook: &bot.Webhook{URL: "https://lotse.example.org/hook", Secret: "right"},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(b.WebhookHandler())
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() { close(h.release); cancel(); <-done }()

	post := func(secret string) int {
		body := []byte(`{"update_id": 4242, "message": {"message_id": 1, "date": 1, "chat": {"id": 77, "type": "private"}, "from": {"id": 77, "is_bot": false, "first_name": "A"}, "text": "/start"}}`)
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	api.WaitFor(5*time.Second, func() bool { return len(api.Calls("setWebhook")) > 0 })
	time.Sleep(50 * time.Millisecond)
	if code := post("wrong"); code != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d", code)
	}
	if inbox, _ := db.Inbox(); len(inbox) != 0 {
		t.Fatalf("a request with the wrong secret was journaled: %v", inbox)
	}
	var code int
	api.WaitFor(5*time.Second, func() bool { code = post("right"); return code != http.StatusServiceUnavailable })
	if code != http.StatusOK {
		t.Fatalf("right secret: %d", code)
	}
	// The handler has not run yet (it waits), but the update is already on disk.
	inbox, err := db.Inbox()
	if err != nil || len(inbox) != 1 || inbox[0].ID != 4242 {
		t.Fatalf("after 200 the journal holds %v, %v; want update 4242", inbox, err)
	}
}
