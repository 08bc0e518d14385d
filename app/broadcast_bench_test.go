package app

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

// BenchmarkBroadcast measures group news from one manager to many clients within Telegram's
// global limit while clients keep writing. The fake Bot API refuses messages beyond the rate
// with 429, as Telegram does with a bot that floods. One client writes /menu every
// writeEvery, a different one each time, each a recipient of the news.
//
// It reports the wall time from the manager's press to the last client's news (wall-s)
// beside recipients/rate (ideal-s), the 429 answers, every message the bot sent in that time
// per second (sent/s: news, answers, progress), and how long a writing client waited for the
// answer (answer-p50-ms, answer-p99-ms, answer-max-ms).
//
// The size is LOTSE_BENCH_RECIPIENTS (default 300) at LOTSE_BENCH_RATE messages a second
// (default 30). Run with:
//
//	go test -run '^$' -bench Broadcast -benchtime 1x ./app/
//	LOTSE_BENCH_RECIPIENTS=10000 go test -run '^$' -bench Broadcast -benchtime 1x -timeout 30m ./app/
func BenchmarkBroadcast(b *testing.B) {
	recipients, err := strconv.Atoi(cmp.Or(os.Getenv("LOTSE_BENCH_RECIPIENTS"), "300"))
	if err != nil || recipients < 2 {
		b.Fatalf("LOTSE_BENCH_RECIPIENTS: want a number of clients above 1, got %q", os.Getenv("LOTSE_BENCH_RECIPIENTS"))
	}
	perSecond, err := strconv.ParseFloat(cmp.Or(os.Getenv("LOTSE_BENCH_RATE"), "30"), 64)
	if err != nil || perSecond <= 0 {
		b.Fatalf("LOTSE_BENCH_RATE: want messages per second, got %q", os.Getenv("LOTSE_BENCH_RATE"))
	}
	for b.Loop() {
		runBroadcast(b, recipients, perSecond)
	}
}

// writeEvery is how often a client writes while the news goes out.
const writeEvery = time.Second

func runBroadcast(b *testing.B, recipients int, perSecond float64) {
	dir := b.TempDir()
	dbPath := filepath.Join(dir, "lotse.db")
	clients := seedNewsClients(b, dbPath, recipients)
	api := fakeapi.New()
	defer api.Close()
	api.Opened(clients...)
	api.LimitRate(perSecond)
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN": fakeapi.Token, "TELEGRAM_API_URL": api.URL(), "LOTSE_DB": dbPath,
		"LOTSE_RATE_GLOBAL": strconv.FormatFloat(perSecond, 'f', -1, 64), "LOTSE_ADMIN_ADDR": "127.0.0.1:0",
	}
	m := &Main{Getenv: func(k string) string { return env[k] }, Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, Now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- exit(m.Stderr, m.Run(ctx, nil)) }()
	defer func() { cancel(); <-done }()
	manager := fakeapi.User{ID: yilmaz, FirstName: "Y", LanguageCode: "de"}
	api.SendText(manager, "/start")
	if _, ok := api.WaitMessages(manager.ID, 1, time.Minute); !ok {
		b.Fatal("the manager was never greeted")
	}

	start := time.Now()
	sendNews(b, api, manager)
	delivered := func() int {
		n := 0
		for _, c := range clients {
			if gotNews(api, c) {
				n++
			}
		}
		return n
	}
	var waits []time.Duration
	for i := 0; delivered() < recipients; i++ {
		if time.Since(start) > 2*time.Minute+2*time.Duration(float64(recipients)/perSecond*float64(time.Second)) {
			b.Fatalf("only %d of %d clients got the news", delivered(), recipients)
		}
		// Writers spread over the list, so that some wait behind their own news.
		writer := clients[(i*7919)%recipients]
		sentAt := time.Now()
		api.SendText(writer, "/menu")
		var answered time.Time
		api.WaitFor(time.Minute, func() bool {
			for _, m := range api.Messages(writer.ID) {
				at := m.Date
				if m.EditDate.After(at) {
					at = m.EditDate
				}
				if !isNews(m) && at.After(sentAt) {
					answered = at
					return true
				}
			}
			return false
		})
		if answered.IsZero() {
			b.Fatalf("client %d was not answered within a minute", writer.ID)
		}
		waits = append(waits, answered.Sub(sentAt))
		if answered.Sub(sentAt) > 500*time.Millisecond {
			b.Logf("slow answer: written %v after the press, answered in %v", sentAt.Sub(start), answered.Sub(sentAt))
		}
		time.Sleep(time.Until(sentAt.Add(writeEvery)))
	}
	var last time.Time
	for _, c := range clients {
		for _, m := range api.Messages(c.ID) {
			if isNews(m) && m.Date.After(last) {
				last = m.Date
			}
		}
	}
	wall := last.Sub(start)
	tooMany, sent := 0, 0
	for _, c := range api.Calls("") {
		switch {
		case c.Status == 429:
			tooMany++
		case c.Status == 200 && !c.At.Before(start) && !c.At.After(last) && c.Method != "getUpdates" && c.Method != "answerCallbackQuery" && c.Method != "setMyCommands":
			sent++
		}
	}
	slices.Sort(waits)
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(float64(recipients)/perSecond, "ideal-s")
	b.ReportMetric(float64(tooMany), "429s")
	b.ReportMetric(float64(sent)/wall.Seconds(), "sent/s")
	b.ReportMetric(float64(waits[len(waits)/2].Milliseconds()), "answer-p50-ms")
	b.ReportMetric(float64(waits[len(waits)*99/100].Milliseconds()), "answer-p99-ms")
	b.ReportMetric(float64(waits[len(waits)-1].Milliseconds()), "answer-max-ms")
	b.ReportMetric(float64(len(waits)), "answers")
}
