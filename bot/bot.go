// Package bot is Lotse's Telegram edge: it takes updates in (long polling), journals them,
// hands them to flows one chat at a time, and sends what flows put in the outbox within
// Telegram's limits. It is the only package that knows Telegram's types.
package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/lotse-bot/lotse/flows"
)

// DefaultAPIURL is the public Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// Options configure a Bot.
type Options struct {
	Token    string
	APIURL   string // default DefaultAPIURL
	DB       Store  // a *store.DB
	Flows    Handler
	Config   *flows.Config
	FAQ      *flows.FAQStore
	Catalogs *i18n.Bundle
	Log      *slog.Logger
	Limits   Limits
	// PollTimeout is how long one getUpdates waits for news; default 25 s.
	PollTimeout time.Duration
	// TickInterval is how often due reminders are looked for; default 1 s.
	TickInterval time.Duration
	// Metrics counts for Prometheus; nil counts into metrics nobody reads.
	Metrics *Metrics
	// ShutdownTimeout is how long a stopping bot keeps sending what the outbox holds; 0
	// stops sending at once (what is left waits on disk for the next start).
	ShutdownTimeout time.Duration
	// Webhook, when set, receives updates instead of getUpdates: Run registers it with
	// Telegram and Lotse's HTTP handler (WebhookHandler) must be served at its URL.
	Webhook *Webhook
	// Translator is the town's translation engine, nil when translation is off;
	// TranslationTimeout bounds one request to it.
	Translator         Translator
	TranslationTimeout time.Duration
}

// Webhook is where Telegram sends updates in webhook mode.
type Webhook struct {
	URL    string // the public https address Telegram posts to
	Secret string // compared with X-Telegram-Bot-Api-Secret-Token
}

// Handler is the conversation logic: flows.Flows, or a wrapper around it in tests.
type Handler interface {
	// Handle processes one event inside tx.
	Handle(tx flows.Tx, ev flows.Event) error
	// Failed tells the person behind ev that handling it went wrong.
	Failed(tx flows.Tx, ev flows.Event) error
	// Pending reports, reading only, whether something is due; Tick sends it.
	Pending(tx flows.Tx) (bool, error)
	Tick(tx flows.Tx) error
	// Start prepares what runs by itself (the daily retention); it runs when the bot starts.
	Start(tx flows.Tx) error
	// Settled records what follows from a message that left the outbox.
	Settled(tx flows.Tx, o flows.Outgoing, r flows.Result, msgID int) error
	// Translated records what came of a translation job.
	Translated(tx flows.Tx, o flows.Outgoing, r flows.TranslationResult) error
	// Export builds, reading only, the documents an OutExport stands for.
	Export(tx flows.Tx, o flows.Outgoing) ([]flows.Outgoing, error)
}

// Bot is a running Lotse bot.
type Bot struct {
	opts     Options
	api      *botAPI
	render   *Renderer
	sender   *Sender
	dispatch *chatQueues[incoming] // updates by chat, each chat's in order
	handling chan struct{}         // one per update being handled
	log      *slog.Logger
	metrics  *Metrics
	username string
	// webhookReady is set while Run takes updates from the webhook.
	webhookReady atomic.Bool
}

// ErrUnauthorized means Telegram does not accept the token.
var ErrUnauthorized = errors.New("telegram rejected the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN")

// New prepares a bot; it talks to Telegram only in Run.
func New(opts Options) (*Bot, error) {
	if opts.APIURL == "" {
		opts.APIURL = DefaultAPIURL
	}
	opts.APIURL = strings.TrimRight(opts.APIURL, "/")
	if opts.PollTimeout == 0 {
		opts.PollTimeout = 25 * time.Second
	}
	if opts.TickInterval == 0 {
		opts.TickInterval = time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	opts.Limits = opts.Limits.withDefaults()
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(nil)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = maxInFlight + 2
	calls := &http.Client{Timeout: time.Minute, Transport: transport}
	files, err := tg.New(opts.Token,
		tg.WithServerURL(opts.APIURL),
		tg.WithSkipGetMe(),
		tg.WithHTTPClient(time.Minute, calls),
		tg.WithErrorsHandler(func(error) {}),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram client: %w", err)
	}
	api := &botAPI{
		base:  opts.APIURL + "/bot" + opts.Token + "/",
		calls: calls,
		polls: &http.Client{Timeout: opts.PollTimeout + 15*time.Second, Transport: transport},
		files: files,
	}
	b := &Bot{
		opts:     opts,
		api:      api,
		render:   NewRenderer(opts.Catalogs, opts.FAQ, opts.Config),
		log:      opts.Log,
		metrics:  opts.Metrics,
		handling: make(chan struct{}, maxParallelChats),
	}
	b.sender = newSender(api, opts.DB, b.render, opts.Flows, opts.Limits, opts.Log, opts.Metrics)
	b.sender.translator, b.sender.translationTimeout = opts.Translator, cmp.Or(opts.TranslationTimeout, 5*time.Second)
	b.dispatch = newChatQueues(func(_ int64, in incoming) bool { b.handle(in); return true })
	return b, nil
}

// Run starts the bot and blocks until ctx is cancelled or the token is rejected. Updates
// that were journaled but not handled, and messages not yet sent, are picked up first. When
// ctx is cancelled, Run stops taking updates, handles those it took, keeps sending for up
// to ShutdownTimeout, lets sends under way finish and returns; whatever is left waits on
// disk for the next start.
func (b *Bot) Run(ctx context.Context) error {
	name, failed := b.api.username(ctx)
	if failed != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		if failed.Code == http.StatusUnauthorized {
			return ErrUnauthorized
		}
		return failed
	}
	b.username = name
	b.render.bot = name
	b.log.Info("connected to Telegram", "bot", name)

	if b.opts.Webhook == nil {
		if err := b.api.do(ctx, "deleteWebhook", &tg.DeleteWebhookParams{}); err != nil {
			b.log.Warn("could not remove a webhook; polling may fail", "err", err)
		}
	} else if err := b.api.do(ctx, "setWebhook", &tg.SetWebhookParams{URL: b.opts.Webhook.URL, SecretToken: b.opts.Webhook.Secret, AllowedUpdates: allowedUpdates, MaxConnections: 40}); err != nil {
		return fmt.Errorf("register the webhook: %w", err)
	}
	if _, err := b.opts.DB.Update(b.opts.Flows.Start); err != nil {
		return fmt.Errorf("schedule the daily retention: %w", err)
	}
	senderCtx, stopSender := context.WithCancel(context.WithoutCancel(ctx))
	ctx, cancel := context.WithCancel(ctx)
	var background sync.WaitGroup
	defer func() {
		cancel()
		background.Wait()
		b.dispatch.wait()
		if !b.sender.flush(b.opts.ShutdownTimeout) {
			b.log.Warn("stopping with messages still to send; they go out after the next start")
		}
		stopSender()
		b.sender.wait()
	}()
	// Thirteen command menus take a moment; clients need not wait for them.
	background.Go(func() {
		if err := b.setCommands(ctx); err != nil && ctx.Err() == nil {
			b.log.Warn("could not set the command menus", "err", err)
		}
	})
	if err := b.sender.start(senderCtx); err != nil {
		return err
	}
	pending, err := b.opts.DB.Inbox()
	if err != nil {
		return fmt.Errorf("read the journal: %w", err)
	}
	if len(pending) > 0 {
		b.log.Info("handling updates journaled before the last stop", "count", len(pending))
	}
	b.resume(pending)
	background.Go(func() { b.schedule(ctx) })
	background.Go(func() { b.keepInTouch(ctx) })

	if b.opts.Webhook != nil {
		b.webhookReady.Store(true)
		defer b.webhookReady.Store(false)
		<-ctx.Done()
		return nil
	}
	err = b.poll(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// setCommands sets the command menu in every offered language, for those who have not
// picked a language yet. Telegram takes only two-letter language codes here, so Sorani (ckb)
// phones see the default, English, menu until the client picks; then their chat gets its
// own menu (flows.OutCommands).
func (b *Bot) setCommands(ctx context.Context) error {
	byCode := map[string]string{"": "en"} // language_code → language option
	for _, option := range b.opts.Config.Languages {
		if l, _ := flows.LookupLanguage(option); len(l.Catalog) == 2 {
			byCode[l.Catalog] = option
		}
	}
	for _, code := range slices.Sorted(maps.Keys(byCode)) {
		commands, err := b.render.Commands(byCode[code], flows.ClientCommands)
		if err != nil {
			return err
		}
		if err := b.api.do(ctx, "setMyCommands", &commandsParams{LanguageCode: code, Commands: commands}); err != nil {
			return err
		}
	}
	return nil
}

// keepInTouch asks Telegram for the bot's name when nothing else was heard from it for a
// minute, so that readiness says whether Telegram can be reached even on a quiet day.
func (b *Bot) keepInTouch(ctx context.Context) {
	ticker := time.NewTicker(30 * time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		if time.Since(b.metrics.LastContact()) < time.Minute {
			continue
		}
		if _, err := b.api.username(ctx); err == nil {
			b.metrics.contact()
		}
	}
}

// schedule looks for due reminders every TickInterval, at once after a start too, so what
// fell due while the bot was down goes out first.
func (b *Bot) schedule(ctx context.Context) {
	ticker := time.NewTicker(b.opts.TickInterval)
	defer ticker.Stop()
	lastPrune := time.Time{}
	for {
		var due bool
		err := b.opts.DB.View(func(tx flows.Tx) (err error) { due, err = b.opts.Flows.Pending(tx); return err })
		if err == nil && due {
			var out []OutboxEntry
			out, err = b.opts.DB.Update(b.opts.Flows.Tick)
			b.sender.Push(out...)
		}
		if err != nil {
			b.log.Error("sending due reminders failed", "err", err)
		}
		if time.Since(lastPrune) > time.Hour {
			lastPrune = time.Now()
			if _, err := b.opts.DB.PruneSeen(time.Now().Add(-48 * time.Hour)); err != nil {
				b.log.Warn("pruning old update ids failed", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
