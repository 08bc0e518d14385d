package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/lotse-bot/lotse/app/loadgen"
	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// The load driver: Lotse on a generated town's database, against the fake Bot API over
// HTTP, with a realistic mix of updates arriving at a fixed rate. See docs/performance.md.
//
// Run with (defaults in brackets):
//
//	LOTSE_LOAD_APPOINTMENTS=10000,100000 [10000]  sizes of the generated town
//	LOTSE_LOAD_RATE=100,500              [100]    updates per second
//	LOTSE_LOAD_SECONDS=60                [20]     how long updates arrive
//	LOTSE_LOAD_CHART=../docs/performance.png      draw the latencies of all runs
//	LOTSE_LOAD_RETENTION=1                        run the night's retention from a quarter of the run on
//	go test -run '^$' -bench Load -benchtime 1x -timeout 60m ./app/
//
// Benchmarks never run in "go test ./...", so CI stays fast.

// loadEnv reads a comma-separated list of integers from an environment variable.
func loadEnv(b *testing.B, name string, def ...int) []int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("%s: %q is not a positive number", name, f)
		}
		out = append(out, n)
	}
	return out
}

// loadResults are the runs of this process, for the chart.
var loadResults []loadResult

// BenchmarkLoad runs the mixed load for each size and rate (see the top of this file). It
// reports the p50 and p99 time from an update's arrival at the fake Bot API to the first
// thing the person sees, over all updates and for a client's /menu while another client's
// /mydata runs; updates that got no answer within 10 s and requests the fake Bot API
// rejected (errors, want 0); the reminders delivered late; and the process's RSS (bot, fake
// Bot API and driver together) after the run.
func BenchmarkLoad(b *testing.B) {
	seconds := loadEnv(b, "LOTSE_LOAD_SECONDS", 20)[0]
	for _, appointments := range loadEnv(b, "LOTSE_LOAD_APPOINTMENTS", 10_000) {
		for _, rate := range loadEnv(b, "LOTSE_LOAD_RATE", 100) {
			b.Run(fmt.Sprintf("appointments=%d/rate=%d", appointments, rate), func(b *testing.B) {
				for b.Loop() {
					r := runLoad(b, appointments, rate, time.Duration(seconds)*time.Second)
					loadResults = append(loadResults, r)
					r.report(b)
				}
			})
		}
	}
	if path := os.Getenv("LOTSE_LOAD_CHART"); path != "" && len(loadResults) > 0 {
		if err := writeLoadChart(path, loadResults); err != nil {
			b.Fatal(err)
		}
	}
}

// A loadStep is one update of the mix and its answer.
type loadStep struct {
	kind    string
	at      time.Duration // from the start of the run to the update's arrival
	latency time.Duration // until the first answer; 0 when none came
}

// loadResult is one run of the driver.
type loadResult struct {
	appointments, rate int
	duration           time.Duration
	steps              []loadStep
	skipped            int // arrivals that found every prepared client busy
	rejected           int
	remindersDue       int
	remindersLate      []time.Duration // from when each was due to its delivery
	rssMB, peakRSSMB   float64
	dbMB               float64 // the generated file
	startup            time.Duration
	// retention is when the night's retention started, from the start of the run (0: it
	// did not run); erased is how many clients it erased by the end.
	retention time.Duration
	erased    int
	// writes counts the write transactions of the run, slow those over 50 and 100 ms
	// (lotse_db_write_seconds).
	writes, over50ms, over100ms int
}

// latencies returns the sorted latencies of the answered steps whose kind passes keep, and
// how many got no answer.
// Only steps that arrived from since on count, when given.
func (r loadResult) latencies(keep func(kind string) bool, since ...time.Duration) (l []time.Duration, unanswered int) {
	for _, s := range r.steps {
		if !keep(s.kind) || len(since) > 0 && s.at < since[0] {
			continue
		}
		if s.latency == 0 {
			unanswered++
			continue
		}
		l = append(l, s.latency)
	}
	slices.Sort(l)
	return l, unanswered
}

// quantile returns the q-quantile of sorted latencies in milliseconds, 0 for none.
func quantile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[min(len(sorted)-1, int(q*float64(len(sorted))))].Microseconds()) / 1000
}

func (r loadResult) report(b *testing.B) {
	all, unanswered := r.latencies(func(string) bool { return true })
	menu, _ := r.latencies(func(k string) bool { return k == "mydata/menu" })
	b.ReportMetric(float64(len(r.steps))/r.duration.Seconds(), "updates/s")
	b.ReportMetric(quantile(all, 0.5), "p50-ms")
	b.ReportMetric(quantile(all, 0.99), "p99-ms")
	b.ReportMetric(quantile(menu, 0.99), "menu-during-mydata-p99-ms")
	b.ReportMetric(float64(unanswered+r.rejected), "errors")
	b.ReportMetric(float64(r.skipped), "skipped")
	slices.Sort(r.remindersLate)
	b.ReportMetric(float64(len(r.remindersLate)), "reminders-sent")
	b.ReportMetric(quantile(r.remindersLate, 0.99), "reminder-late-p99-ms")
	b.ReportMetric(r.rssMB, "rss-MB")
	b.ReportMetric(r.peakRSSMB, "peak-rss-MB")
	b.ReportMetric(r.dbMB, "db-MB")
	b.ReportMetric(r.startup.Seconds(), "startup-s")
	b.ReportMetric(float64(r.writes), "writes")
	b.ReportMetric(float64(r.over50ms), "writes-over-50ms")
	b.ReportMetric(float64(r.over100ms), "writes-over-100ms")
	if r.retention > 0 {
		during, _ := r.latencies(func(string) bool { return true }, r.retention)
		menuDuring, _ := r.latencies(func(k string) bool { return k == "menu" }, r.retention)
		b.ReportMetric(quantile(during, 0.99), "p99-during-retention-ms")
		b.ReportMetric(quantile(menuDuring, 0.99), "menu-during-retention-p99-ms")
		b.ReportMetric(float64(r.erased), "retention-erased")
	}
	// One line of the table in docs/performance.md, and each kind's share and latency.
	fmt.Printf("| %d | %d | %d s | %d | %.1f | %.1f | %.1f | %d | %d/%d | %.0f |\n", r.appointments, r.rate, int(r.duration.Seconds()),
		len(r.steps), quantile(all, 0.5), quantile(all, 0.99), quantile(menu, 0.99), unanswered+r.rejected,
		len(r.remindersLate), r.remindersDue, r.rssMB)
	kinds := map[string]bool{}
	for _, s := range r.steps {
		kinds[s.kind] = true
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range kinds {
			if !yield(k) {
				return
			}
		}
	}) {
		l, missing := r.latencies(func(kind string) bool { return kind == k })
		fmt.Printf("  %-14s %6d updates  p50 %7.1f ms  p99 %7.1f ms  unanswered %d\n", k, len(l)+missing, quantile(l, 0.5), quantile(l, 0.99), missing)
	}
}

// loadScript is a kind of visit in the mix: the updates one person sends one after another,
// each waiting for the answer to the one before, and how often it comes among 100 visits.
type loadScript struct {
	name   string
	weight int
	staff  bool // a manager answers a relayed message
	steps  []string
	// meanwhile is what another client sends right after the first step, to measure how one
	// client's work delays another's.
	meanwhile []string
}

// The mix: what a town's clients and managers do on a working day. "press:" steps press a
// button of the client's newest message with the given data; the other steps are text.
var loadMix = []loadScript{
	{name: "first-contact", weight: 10, steps: []string{"/start"}},
	{name: "menu", weight: 15, steps: []string{"/menu"}},
	{name: "faq", weight: 10, steps: []string{"/faq"}},
	{name: "faq-search", weight: 10, steps: []string{"/faq Sprachkurs"}},
	{name: "booking", weight: 10, steps: []string{"/menu", "press:1:book"}},
	{name: "plan", weight: 5, steps: []string{"/menu", "press:1:menu:plan"}},
	{name: "relay", weight: 15, steps: []string{"/menu", "Ich habe einen Brief vom Jobcenter bekommen."}},
	{name: "reply", weight: 10, staff: true, steps: []string{"Bitte bringen Sie den Brief am Dienstag mit."}},
	{name: "mydata", weight: 2, steps: []string{"/mydata"}, meanwhile: []string{"/menu"}},
}

// visitors is how many generated clients take part in the visits: four per update a second,
// so that a client is always free and none writes to their manager more often than the
// flood limit allows (a handful a minute); at most three in four clients of a small town.
func visitors(rate, clients int) int { return max(1, min(4*rate, clients*3/4)) }

// runLoad generates a town of appointments, starts Lotse on it and drives the mix at rate
// updates per second for d.
func runLoad(b *testing.B, appointments, rate int, d time.Duration) loadResult {
	r := loadResult{appointments: appointments, rate: rate, duration: d}
	dir := b.TempDir()
	dbPath := filepath.Join(dir, "lotse.db")
	db, err := store.Open(dbPath)
	if err != nil {
		b.Fatal(err)
	}
	managers := []int64{yilmaz, haddad, kovalenko}
	clients := loadgen.Clients(appointments)
	// The history ends now, so the calendar ahead is as free as a town's.
	span := time.Duration(clients/len(managers)+1) * loadgen.AppointmentsPerClient * 30 * time.Minute
	now := time.Now()
	town := loadgen.Town{Appointments: appointments, Managers: managers, Base: now.Add(-span).Truncate(time.Hour),
		Languages: []string{"ar", "fa", "uk", "ti", "ru", "tr", "so", "ps"}}
	if _, err := loadgen.Fill(db, town, nil); err != nil {
		b.Fatal(err)
	}
	now = time.Now()
	if info, err := os.Stat(dbPath); err == nil {
		r.dbMB = float64(info.Size()) / 1e6
	}
	// Reminders falling due during the run, one in a hundred updates, for clients of their
	// own so that their arrival is told apart from answers.
	loadClients := visitors(rate, clients)
	reminded := min(rate*int(d.Seconds())/100, max(0, clients-loadClients))
	due := make(map[int64]time.Time, reminded)
	start := now.Add(15 * time.Second) // roughly when updates begin; corrected below
	if os.Getenv("LOTSE_LOAD_RETENTION") == "1" {
		r.retention = d / 4
	}
	if _, err := db.Update(func(tx flows.Tx) error {
		if r.retention > 0 {
			// The night's retention, as the scheduler starts it at 03:00 (flows.Start).
			if err := tx.Schedule(flows.Reminder{At: start.Add(r.retention), Kind: flows.RemindPurge, Appointment: "retention"}); err != nil {
				return err
			}
		}
		for i := range reminded {
			id := loadgen.ClientID(loadClients + i)
			// Off the half-hour grid of the history, so no seat is taken twice.
			at := now.Add(48*time.Hour + time.Duration(i)*time.Minute + 7*time.Minute)
			a := &flows.Appointment{Client: id, Manager: managers[(loadClients+i)%len(managers)], Office: "rathaus", Start: at,
				End: at.Add(30 * time.Minute), Status: flows.StatusBooked, CreatedAt: now}
			if err := tx.Book(a, 1); err != nil {
				return err
			}
			due[id] = start.Add(d * time.Duration(i+1) / time.Duration(reminded+1))
			if err := tx.Schedule(flows.Reminder{At: due[id], Appointment: a.ID, Kind: flows.RemindClient}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	db.Close()
	r.remindersDue = reminded

	api := fakeapi.New()
	defer api.Close()
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN": fakeapi.Token, "TELEGRAM_API_URL": api.URL(), "LOTSE_DB": dbPath,
		"LOTSE_RATE_GLOBAL": "10000", "LOTSE_RATE_CHAT": "1000", "LOTSE_ADMIN_ADDR": "127.0.0.1:0",
	}
	logs := &syncBuffer{}
	m := &Main{Getenv: func(k string) string { return env[k] }, Stdout: logs, Stderr: logs, Now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	began := time.Now()
	go func() { done <- exit(m.Stderr, m.Run(ctx, nil)) }()
	var stop sync.Once
	stopLotse := func() { stop.Do(func() { cancel(); <-done }) }
	defer stopLotse()
	if !api.WaitFor(time.Minute, func() bool { return len(api.Commands("uk")) > 0 }) {
		b.Fatalf("Lotse did not start:\n%s", logs.String())
	}
	r.startup = time.Since(began)

	// Everyone taking part writes first, as on Telegram: the managers, the clients of the
	// visits and the clients who get reminders.
	var warm []int64
	warm = append(warm, managers...)
	for i := range loadClients + reminded {
		warm = append(warm, loadgen.ClientID(i))
	}
	for i, id := range warm {
		text := "/menu"
		if i < len(managers) {
			text = "/start"
		}
		api.SendText(fakeapi.User{ID: id, FirstName: "L", LanguageCode: "de"}, text)
	}
	for _, id := range warm {
		if _, ok := api.WaitMessages(id, 1, 2*time.Minute); !ok {
			b.Fatalf("chat %d was never answered while warming up", id)
		}
	}
	// The reminders were scheduled for a start 15 s after the town was filled; shift the
	// run to fit when they fall due.
	if wait := time.Until(start); wait > 0 {
		time.Sleep(wait)
	}
	start = time.Now()

	var (
		mu      sync.Mutex
		wg      sync.WaitGroup
		newUser atomic.Int64
	)
	idle := make(chan int64, loadClients)
	for i := range loadClients {
		idle <- loadgen.ClientID(i)
	}
	// The arrivals: one visit every interval, so that updates arrive at rate on average.
	var cycle []loadScript
	updates := 0
	for _, s := range loadMix {
		for range s.weight {
			cycle = append(cycle, s)
			updates += len(s.steps) + len(s.meanwhile)
		}
	}
	interval := time.Duration(float64(time.Second) * float64(updates) / float64(len(cycle)) / float64(rate))
	tick := time.NewTicker(interval)
	for n := 0; time.Since(start) < d; n++ {
		<-tick.C
		script := cycle[(n*37)%len(cycle)] // 37 is prime to 100: the kinds interleave
		// A new person for first contact; else a prepared client who is not busy, and for
		// /mydata a second one who opens the menu meanwhile.
		var people []int64
		switch script.name {
		case "first-contact":
			people = []int64{5_000_000 + newUser.Add(1)}
		default:
			for range 1 + len(script.meanwhile) {
				select {
				case client := <-idle:
					people = append(people, client)
				default:
				}
			}
			if len(people) < 1+len(script.meanwhile) {
				for _, p := range people {
					idle <- p
				}
				r.skipped++
				continue
			}
		}
		run := func(script loadScript, client int64) {
			defer wg.Done()
			steps := visit(api, script, client, managers, start)
			mu.Lock()
			r.steps = append(r.steps, steps...)
			mu.Unlock()
			if script.name != "first-contact" {
				idle <- client
			}
		}
		wg.Add(len(people))
		go run(script, people[0])
		if len(people) > 1 {
			go run(loadScript{name: script.name + "/" + strings.TrimPrefix(script.meanwhile[0], "/"), steps: script.meanwhile}, people[1])
		}
	}
	r.duration = time.Since(start)
	tick.Stop()
	wg.Wait()

	// The reminders: when each client got its first message after warming up. The last
	// fall due just before the end, so they get a few seconds more.
	api.WaitFor(5*time.Second, func() bool {
		for id := range due {
			if m, _ := api.LastMessage(id); !m.Date.After(start) {
				return false
			}
		}
		return true
	})
	for id, at := range due {
		for _, m := range api.Received(id) {
			if m.Date.After(start) {
				r.remindersLate = append(r.remindersLate, max(0, m.Date.Sub(at)))
				break
			}
		}
	}
	r.rejected = len(api.Rejected())
	mem := loadgen.ReadMemory()
	r.rssMB, r.peakRSSMB = mem.RSS, mem.Peak
	r.writes, r.over50ms, r.over100ms = writeTimes(b, "http://"+m.AdminAddr()+"/metrics")
	stopLotse()
	if r.retention > 0 {
		if db, err = store.Open(dbPath); err != nil {
			b.Fatal(err)
		}
		left := 0
		db.View(func(tx flows.Tx) error {
			return tx.Clients(func(c *flows.Client) error {
				if c.ID < 5_000_000 { // not one of the run's first contacts
					left++
				}
				return nil
			})
		})
		db.Close()
		r.erased = clients - left
	}
	return r
}

// writeTimes reads from Lotse's metrics how many write transactions ran and how many took
// more than 50 and more than 100 ms.
func writeTimes(b *testing.B, url string) (all, over50ms, over100ms int) {
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	f := families["lotse_db_write_seconds"]
	if f == nil || len(f.Metric) != 1 {
		b.Fatal("lotse_db_write_seconds is missing")
	}
	h := f.Metric[0].Histogram
	all = int(h.GetSampleCount())
	for _, bucket := range h.Bucket {
		switch bucket.GetUpperBound() {
		case 0.05:
			over50ms = all - int(bucket.GetCumulativeCount())
		case 0.1:
			over100ms = all - int(bucket.GetCumulativeCount())
		}
	}
	return all, over50ms, over100ms
}

// visit sends a script's updates as client (or, for staff scripts, as a manager answering
// client's newest relayed message) and measures each answer: the first message, edit or
// pop-up the client sees, or for a relayed message the copy in the manager's chat.
func visit(api *fakeapi.Server, script loadScript, client int64, managers []int64, start time.Time) []loadStep {
	var out []loadStep
	u := fakeapi.User{ID: client, FirstName: "L", LanguageCode: "ar"}
	// The generated clients' managers take them round robin.
	manager := managers[int(client-loadgen.FirstClient)%len(managers)]
	for _, text := range script.steps {
		kind := script.name
		if text == "/menu" && !strings.Contains(kind, "/") {
			kind = "menu"
		}
		// A manager's answer arriving meanwhile is no answer to what the client did.
		watch, want := client, func(m fakeapi.Message) bool { return m.Kind != "copy" }
		if script.staff {
			// The manager answers the client's newest message in their chat; before the
			// client wrote, the client opens the menu instead.
			kind = "menu"
			if m, ok := newest(api, manager, 200, func(m fakeapi.Message) bool { return m.Kind == "copy" && m.CopiedFrom == client }); ok {
				kind = "reply"
				want = func(m fakeapi.Message) bool { return m.Kind == "copy" && m.CopiedFrom == manager }
				text = "reply:" + strconv.Itoa(m.ID) + ":" + text
			} else {
				text = "/menu"
			}
		}
		if kind == "relay" && !strings.HasPrefix(text, "/") {
			watch, want = manager, func(m fakeapi.Message) bool { return m.Kind == "copy" && m.CopiedFrom == client }
		}
		last, _ := api.LastMessage(watch)
		seen := last.ID
		sent := time.Now()
		switch {
		case strings.HasPrefix(text, "reply:"):
			parts := strings.SplitN(text, ":", 3)
			id, _ := strconv.Atoi(parts[1])
			api.ReplyText(fakeapi.User{ID: manager, FirstName: "M", LanguageCode: "de"}, id, parts[2])
		case strings.HasPrefix(text, "press:"):
			api.PressData(u, last.ID, strings.TrimPrefix(text, "press:"))
		default:
			api.SendText(u, text)
		}
		step := loadStep{kind: kind, at: sent.Sub(start)}
		// The newest message is cheap to look at; the messages since are read one by one
		// only once it changed. An edit of the newest counts as an answer too.
		api.WaitFor(10*time.Second, func() bool {
			m, _ := api.LastMessage(watch)
			if m.ID == last.ID && m.EditCount == last.EditCount {
				return false
			}
			if m.ID == last.ID && want(m) {
				step.latency = m.EditDate.Sub(sent)
				return true
			}
			last = m
			for id := seen + 1; id <= m.ID; id++ {
				if got, ok := api.MessageByID(watch, id); ok && got.From == "bot" && want(got) {
					step.latency = got.Date.Sub(sent)
					return true
				}
			}
			seen = m.ID
			return false
		})
		out = append(out, step)
		if step.latency == 0 {
			break
		}
	}
	return out
}

// newest returns the newest of the last n messages of a chat that satisfies cond.
func newest(api *fakeapi.Server, chat int64, n int, cond func(fakeapi.Message) bool) (fakeapi.Message, bool) {
	last, ok := api.LastMessage(chat)
	if !ok {
		return last, false
	}
	for id := last.ID; id > max(0, last.ID-n); id-- {
		if m, ok := api.MessageByID(chat, id); ok && cond(m) {
			return m, true
		}
	}
	return fakeapi.Message{}, false
}
