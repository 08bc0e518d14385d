package app

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

// benchUsers is the number of distinct people sending /start in the first-contact benchmark.
const benchUsers = 5000

// BenchmarkFirstContact measures the whole durable path — intake, journal, flows, outbox,
// sender, fake Bot API — for 5 000 /start updates from distinct users, queued at once.
// Telegram's global limit of 30 messages/s would make this a measure of waiting, so the
// limit is lifted to 10 000/s. Run with: go test -run '^$' -bench FirstContact -benchtime 1x ./app/
func BenchmarkFirstContact(b *testing.B) {
	for b.Loop() {
		api := fakeapi.New()
		dir := b.TempDir()
		env := map[string]string{
			"TELEGRAM_BOT_TOKEN": fakeapi.Token, "TELEGRAM_API_URL": api.URL(),
			"LOTSE_DB": filepath.Join(dir, "lotse.db"), "LOTSE_RATE_GLOBAL": "10000",
		}
		m := &Main{Getenv: func(k string) string { return env[k] }, Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, Now: time.Now}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		go func() { done <- exit(m.Stderr, m.Run(ctx, nil)) }()
		api.WaitFor(10*time.Second, func() bool { return len(api.Commands("uk")) > 0 })

		runFirstContact(b, api)
		runRoundTrips(b, api)
		cancel()
		<-done
		api.Close()
	}
}

// BenchmarkBareLibraryLoop is the baseline: go-telegram/bot's own polling loop answering
// every update with a fixed text, with no persistence, no ordering and no limits.
func BenchmarkBareLibraryLoop(b *testing.B) {
	for b.Loop() {
		api := fakeapi.New()
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = 64
		bare, err := tg.New(fakeapi.Token, tg.WithServerURL(api.URL()),
			tg.WithHTTPClient(time.Minute, &http.Client{Timeout: time.Minute, Transport: transport}),
			tg.WithDefaultHandler(func(ctx context.Context, bot *tg.Bot, u *models.Update) {
				if u.Message != nil {
					bot.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "Hello! Choose your language."})
				}
			}))
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go bare.Start(ctx)
		runFirstContact(b, api)
		runRoundTrips(b, api)
		cancel()
		api.Close()
	}
}

// BenchmarkBareLibraryLoopSameAnswer is the baseline with the same answer: go-telegram/bot's
// own loop, keeping nothing, answering each /start with the very message Lotse answers it
// with in that person's language (text and buttons, recorded from Lotse first). Lotse's CPU
// per update against this one is what the durable path costs; against
// BenchmarkBareLibraryLoop, which answers with one short line, it also counts the larger
// answer the fake Bot API checks and the library encodes.
func BenchmarkBareLibraryLoopSameAnswer(b *testing.B) {
	answers := lotseFirstAnswers(b)
	for b.Loop() {
		api := fakeapi.New()
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = 64
		bare, err := tg.New(fakeapi.Token, tg.WithServerURL(api.URL()),
			tg.WithHTTPClient(time.Minute, &http.Client{Timeout: time.Minute, Transport: transport}),
			tg.WithDefaultHandler(func(ctx context.Context, bot *tg.Bot, u *models.Update) {
				if u.Message != nil && u.Message.From != nil {
					a := answers[u.Message.From.LanguageCode]
					bot.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.Message.Chat.ID, Text: a.text, ReplyMarkup: a.markup})
				}
			}))
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go bare.Start(ctx)
		runFirstContact(b, api)
		cancel()
		api.Close()
	}
}

// firstAnswer is the message Lotse answers a first /start with, as sent.
type firstAnswer struct {
	text   string
	markup json.RawMessage // the inline keyboard, as the Bot API takes it
}

// lotseFirstAnswers runs Lotse once and records its answer to a first /start in each of the
// benchmark's languages.
func lotseFirstAnswers(b *testing.B) map[string]firstAnswer {
	api := fakeapi.New()
	defer api.Close()
	env := map[string]string{"TELEGRAM_BOT_TOKEN": fakeapi.Token, "TELEGRAM_API_URL": api.URL(), "LOTSE_DB": filepath.Join(b.TempDir(), "lotse.db")}
	m := &Main{Getenv: func(k string) string { return env[k] }, Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, Now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- exit(m.Stderr, m.Run(ctx, nil)) }()
	defer func() { cancel(); <-done }()
	answers := map[string]firstAnswer{}
	for i, lang := range benchLangs {
		user := int64(3_000_000 + i)
		api.SendText(fakeapi.User{ID: user, FirstName: "C", LanguageCode: lang}, "/start")
		msgs, ok := api.WaitMessages(user, 1, time.Minute)
		if !ok {
			b.Fatalf("Lotse did not answer /start in %s", lang)
		}
		type button struct {
			Text string `json:"text"`
			Data string `json:"callback_data"`
		}
		var rows [][]button
		for _, row := range msgs[0].Buttons {
			var r []button
			for _, k := range row {
				r = append(r, button{k.Text, k.Data})
			}
			rows = append(rows, r)
		}
		markup, err := json.Marshal(map[string]any{"inline_keyboard": rows})
		if err != nil {
			b.Fatal(err)
		}
		answers[lang] = firstAnswer{text: msgs[0].Text, markup: markup}
	}
	return answers
}

// benchLangs are the languages of the people in the first-contact benchmarks, in turn.
var benchLangs = []string{"ar", "fa", "uk", "ti", "de", "ru", "tr", "so"}

// runFirstContact queues benchUsers /start updates and waits until every chat got its first
// message. It reports updates per second and the p50/p99 time from queueing to delivery.
func runFirstContact(b *testing.B, api *fakeapi.Server) {
	b.Helper()
	langs := benchLangs
	cpu := cpuTime()
	start := time.Now()
	for i := 0; i < benchUsers; i++ {
		api.SendText(fakeapi.User{ID: int64(1_000_000 + i), FirstName: "C", LanguageCode: langs[i%len(langs)]}, "/start")
	}
	queued := time.Since(start)
	latencies := make([]time.Duration, 0, benchUsers)
	for i := 0; i < benchUsers; i++ {
		msgs, ok := api.WaitMessages(int64(1_000_000+i), 1, 2*time.Minute)
		if !ok {
			b.Fatalf("user %d never got an answer", i)
		}
		latencies = append(latencies, msgs[0].Date.Sub(start))
	}
	// The process's CPU time (user and system) per update: the bot and the fake Bot API
	// together, which answers the same calls for either program.
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/benchUsers, "cpu-µs/update")
	total := slices.Max(latencies)
	slices.Sort(latencies)
	b.ReportMetric(float64(benchUsers)/total.Seconds(), "updates/s")
	b.ReportMetric(float64(latencies[len(latencies)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Milliseconds()), "p99-ms")
	b.ReportMetric(float64(queued.Milliseconds()), "queueing-ms")
}

// roundTrips is the number of single /start updates sent one after another to measure what
// one person feels on an idle bot.
const roundTrips = 200

// runRoundTrips sends one /start at a time and reports the p50/p99 time until its answer.
func runRoundTrips(b *testing.B, api *fakeapi.Server) {
	b.Helper()
	latencies := make([]time.Duration, 0, roundTrips)
	for i := 0; i < roundTrips; i++ {
		user := int64(2_000_000 + i)
		start := time.Now()
		api.SendText(fakeapi.User{ID: user, FirstName: "C", LanguageCode: "ar"}, "/start")
		msgs, ok := api.WaitMessages(user, 1, time.Minute)
		if !ok {
			b.Fatalf("user %d never got an answer", user)
		}
		latencies = append(latencies, msgs[0].Date.Sub(start))
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "idle-p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "idle-p99-ms")
}

// cpuTime is the CPU time this process used so far, in user and system mode.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
