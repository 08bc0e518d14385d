package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

// benchUsers is the number of distinct people sending /start in the first-contact benchmark.
const benchUsers = 5000

// The first-contact benchmarks run the program they measure (Lotse, or go-telegram/bot's
// bare polling loop) in a process of its own: this test binary, started again with
// LOTSE_BENCH_PROGRAM set. The fake Bot API, which stands in for Telegram, and the driver
// stay in the benchmark's process, so the program's CPU is measured apart from theirs, and
// neither's runtime (its garbage collector, its scheduler) works for the other.
const benchProgramEnv = "LOTSE_BENCH_PROGRAM"

// TestMain runs the tests, or, started as a benchmarked program, that program.
func TestMain(m *testing.M) {
	switch os.Getenv(benchProgramEnv) {
	case "":
		os.Exit(m.Run())
	case "lotse":
		os.Exit(Command("bench", nil)) // as main.go starts it
	case "bare":
		os.Exit(runBareLoop(nil))
	case "bare-same":
		raw, err := os.ReadFile(os.Getenv("LOTSE_BENCH_ANSWERS"))
		var answers map[string]firstAnswer
		if err == nil {
			err = json.Unmarshal(raw, &answers)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "answers:", err)
			os.Exit(1)
		}
		os.Exit(runBareLoop(answers))
	}
	fmt.Fprintln(os.Stderr, "unknown", benchProgramEnv)
	os.Exit(1)
}

// BenchmarkFirstContact measures the whole durable path — intake, journal, flows, outbox,
// sender — for 5 000 /start updates from distinct users, queued at once, against the fake
// Bot API over HTTP. Telegram's global limit of 30 messages/s would make this a measure of
// waiting, so the limit is lifted to 10 000/s. Run with:
// go test -run '^$' -bench FirstContact -benchtime 1x ./app/
func BenchmarkFirstContact(b *testing.B) {
	for b.Loop() {
		api := fakeapi.New()
		p := startProgram(b, "lotse", map[string]string{
			"TELEGRAM_BOT_TOKEN": fakeapi.Token, "TELEGRAM_API_URL": api.URL(),
			"LOTSE_DB": filepath.Join(b.TempDir(), "lotse.db"), "LOTSE_RATE_GLOBAL": "10000",
		})
		if !api.WaitFor(time.Minute, func() bool { return len(api.Commands("uk")) > 0 }) {
			b.Fatalf("Lotse did not start:\n%s", p.out.String())
		}
		runFirstContact(b, api, p)
		runRoundTrips(b, api)
		p.stop(b)
		api.Close()
	}
}

// BenchmarkBareLibraryLoop is the baseline: go-telegram/bot's own polling loop answering
// every update with a fixed text, with no persistence, no ordering and no limits.
func BenchmarkBareLibraryLoop(b *testing.B) {
	for b.Loop() {
		api := fakeapi.New()
		p := startProgram(b, "bare", map[string]string{"TELEGRAM_BOT_TOKEN": fakeapi.Token, "TELEGRAM_API_URL": api.URL()})
		runFirstContact(b, api, p)
		runRoundTrips(b, api)
		p.stop(b)
		api.Close()
	}
}

// BenchmarkBareLibraryLoopSameAnswer is the baseline with the same answer: go-telegram/bot's
// own loop, keeping nothing, answering each /start with the very message Lotse answers it
// with in that person's language (text and buttons, recorded from Lotse first). Against
// BenchmarkBareLibraryLoop, which answers with one short line, it also counts the larger
// answer the library encodes and the fake Bot API checks.
func BenchmarkBareLibraryLoopSameAnswer(b *testing.B) {
	raw, err := json.Marshal(lotseFirstAnswers(b))
	if err != nil {
		b.Fatal(err)
	}
	answers := filepath.Join(b.TempDir(), "answers.json")
	if err := os.WriteFile(answers, raw, 0o600); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		api := fakeapi.New()
		p := startProgram(b, "bare-same", map[string]string{"TELEGRAM_BOT_TOKEN": fakeapi.Token, "TELEGRAM_API_URL": api.URL(), "LOTSE_BENCH_ANSWERS": answers})
		runFirstContact(b, api, p)
		p.stop(b)
		api.Close()
	}
}

// runBareLoop is the bare loop's program: go-telegram/bot polling and answering each message
// with answers in the sender's language, or a fixed text, until SIGTERM.
func runBareLoop(answers map[string]firstAnswer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	bare, err := tg.New(os.Getenv("TELEGRAM_BOT_TOKEN"), tg.WithServerURL(os.Getenv("TELEGRAM_API_URL")),
		tg.WithHTTPClient(time.Minute, &http.Client{Timeout: time.Minute, Transport: transport}),
		tg.WithDefaultHandler(func(ctx context.Context, bot *tg.Bot, u *models.Update) {
			if u.Message == nil || u.Message.From == nil {
				return
			}
			if a, ok := answers[u.Message.From.LanguageCode]; ok {
				bot.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.Message.Chat.ID, Text: a.Text, ReplyMarkup: a.Markup})
				return
			}
			bot.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "Hello! Choose your language."})
		}))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	bare.Start(ctx)
	return 0
}

// program is a benchmarked program running in a process of its own.
type program struct {
	cmd *exec.Cmd
	out *syncBuffer
}

// startProgram starts this test binary as the program kind, with env on top of this
// process's environment without its LOTSE_ and TELEGRAM_ settings, and waits until it
// answers a first /start.
func startProgram(b *testing.B, kind string, env map[string]string) *program {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LOTSE_") && !strings.HasPrefix(kv, "TELEGRAM_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, benchProgramEnv+"="+kind)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &program{cmd: cmd, out: &syncBuffer{}}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	return p
}

// cpu is the CPU time the program used so far, in user and system mode (Linux: from
// /proc, in clock ticks of 10 ms).
func (p *program) cpu(b *testing.B) time.Duration {
	b.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		b.Fatalf("the program's CPU time: %v", err)
	}
	// The fields after the command's name, which is in parentheses: state is the 3rd field
	// of the file, utime the 14th and stime the 15th.
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		b.Fatalf("the program's CPU time: %q", raw)
	}
	const ticksPerSecond = 100 // USER_HZ, the same on every Linux this runs on
	return time.Duration(utime+stime) * time.Second / ticksPerSecond
}

// stop ends the program as an operator would, with SIGTERM, and fails if it did not end well.
func (p *program) stop(b *testing.B) {
	b.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		b.Errorf("the program ended with %v:\n%s", err, p.out.String())
	}
}

// firstAnswer is the message Lotse answers a first /start with, as sent.
type firstAnswer struct {
	Text   string
	Markup json.RawMessage // the inline keyboard, as the Bot API takes it
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
		answers[lang] = firstAnswer{Text: msgs[0].Text, Markup: markup}
	}
	return answers
}

// benchLangs are the languages of the people in the first-contact benchmarks, in turn.
var benchLangs = []string{"ar", "fa", "uk", "ti", "de", "ru", "tr", "so"}

// runFirstContact queues benchUsers /start updates and waits until every chat got its first
// message. It reports updates per second and the p50/p99 time from queueing to delivery.
func runFirstContact(b *testing.B, api *fakeapi.Server, p *program) {
	b.Helper()
	// A first exchange: the program polls and answers.
	warm := fakeapi.User{ID: 999_999, FirstName: "W", LanguageCode: "de"}
	api.SendText(warm, "/start")
	if _, ok := api.WaitMessages(warm.ID, 1, time.Minute); !ok {
		b.Fatalf("the program does not answer:\n%s", p.out.String())
	}
	langs := benchLangs
	cpu, own := cpuTime(), p.cpu(b)
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
	// CPU time (user and system) per update: the program's own, and with the fake Bot API's
	// and the driver's, which this process spends.
	own = p.cpu(b) - own
	b.ReportMetric(float64(own.Microseconds())/benchUsers, "cpu-µs/update")
	b.ReportMetric(float64((own+cpuTime()-cpu).Microseconds())/benchUsers, "with-api-cpu-µs/update")
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
