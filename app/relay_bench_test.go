package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
	"github.com/lotse-bot/lotse/translate/fake"
)

const (
	relayClients  = 1000
	relayManagers = 20
)

// BenchmarkRelay measures 1 000 clients writing at once to their 20 managers: relayed
// messages per second and the time from an update's arrival at the fake Bot API to the
// copyMessage that delivers it, once within Telegram's limits (30 messages/s overall, about
// one per second per chat) and once with the limits lifted to show Lotse's own cost. Each
// message costs the manager a header and a copy and the client a "delivered" note.
// "translating" runs with the limits lifted and machine translation on, against a fake
// LibreTranslate that takes 200 ms for every request: the copies must not wait for it.
// Run with: go test -run '^$' -bench Relay -benchtime 1x ./app/
func BenchmarkRelay(b *testing.B) {
	for _, limits := range []struct {
		name, global, chat string
		translate          bool
	}{{"telegram-limits", "30", "1", false}, {"lifted", "10000", "1000", false}, {"lifted-translating", "10000", "1000", true}} {
		b.Run(limits.name, func(b *testing.B) {
			for b.Loop() {
				runRelay(b, limits.global, limits.chat, limits.translate)
			}
		})
	}
}

func runRelay(b *testing.B, global, chat string, translating bool) {
	dir := b.TempDir()
	config := string(flows.ExampleConfig)
	var engine *fake.Server
	if translating {
		engine = fake.NewLibreTranslate(fake.Options{Latency: 200 * time.Millisecond})
		defer engine.Close()
		config = strings.Replace(config, "[relay]", "[translation]\nengine = \"libretranslate\"\nurl = \""+engine.URL+"\"\n\n[relay]", 1)
	}
	managers := []int64{yilmaz, haddad, kovalenko}
	for i := len(managers); i < relayManagers; i++ {
		id := int64(910_000 + i)
		managers = append(managers, id)
		config += fmt.Sprintf("\n[[managers]]\ntelegram_id = %d\nname = \"Manager %d\"\nlanguages = [\"de\"]\ndistricts = [\"altstadt\"]\noffice = \"rathaus\"\n", id, i)
	}
	configPath := filepath.Join(dir, "town.toml")
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		b.Fatal(err)
	}
	dbPath := filepath.Join(dir, "lotse.db")
	db, err := store.Open(dbPath)
	if err != nil {
		b.Fatal(err)
	}
	langs := []string{"ar", "fa", "uk", "ti", "ru", "tr", "so", "ps"}
	// "I got a letter" in each client's language.
	letter := map[string]string{"ar": "وصلتني رسالة من الجوب سنتر", "fa": "یک نامه گرفتم", "uk": "Я отримала лист", "ti": "ደብዳበ ተቐቢለ",
		"ru": "Я получил письмо", "tr": "Bir mektup aldım", "so": "Warqad ayaan helay", "ps": "ما یو لیک ترلاسه کړ"}
	_, err = db.Do(func(tx flows.Tx) error {
		for i := 0; i < relayClients; i++ {
			n, err := tx.NextCase()
			if err != nil {
				return err
			}
			c := &flows.Client{ID: int64(3_000_000 + i), Lang: langs[i%len(langs)], Step: flows.StepMenu, ConsentAt: time.Now(),
				Case: n, Manager: managers[i%len(managers)], CreatedAt: time.Now(), LastSeenAt: time.Now()}
			if err := tx.PutClient(c); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		b.Fatal(err)
	}

	api := fakeapi.New()
	defer api.Close()
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN": fakeapi.Token, "TELEGRAM_API_URL": api.URL(), "LOTSE_CONFIG": configPath,
		"LOTSE_DB": dbPath, "LOTSE_RATE_GLOBAL": global, "LOTSE_RATE_CHAT": chat,
	}
	m := &Main{Getenv: func(k string) string { return env[k] }, Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, Now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- exit(m.Stderr, m.Run(ctx, nil)) }()
	defer func() { cancel(); <-done }()
	for _, id := range managers {
		api.SendText(fakeapi.User{ID: id, FirstName: "M", LanguageCode: "de"}, "/start")
	}
	for _, id := range managers {
		if _, ok := api.WaitMessages(id, 1, time.Minute); !ok {
			b.Fatalf("manager %d was never greeted", id)
		}
	}

	if engine != nil {
		// Lotse translates once the engine said which languages it has.
		api.WaitFor(time.Minute, func() bool { return engine.Calls("/languages") > 0 })
		time.Sleep(time.Second)
	}
	sentAt := make(map[int64]time.Time, relayClients)
	start := time.Now()
	for i := 0; i < relayClients; i++ {
		id := int64(3_000_000 + i)
		sentAt[id] = time.Now()
		lang := langs[i%len(langs)]
		api.SendText(fakeapi.User{ID: id, FirstName: "C", LanguageCode: lang}, letter[lang])
	}
	copied := func() []fakeapi.Call {
		var out []fakeapi.Call
		for _, c := range api.Calls("copyMessage") {
			if c.Status == 200 {
				out = append(out, c)
			}
		}
		return out
	}
	if !api.WaitFor(10*time.Minute, func() bool { return len(copied()) >= relayClients }) {
		b.Fatalf("only %d of %d messages were relayed", len(copied()), relayClients)
	}
	var latencies []time.Duration
	last := start
	for _, c := range copied() {
		from, _ := strconv.ParseInt(fmt.Sprint(c.Params["from_chat_id"]), 10, 64)
		latencies = append(latencies, c.At.Sub(sentAt[from]))
		if c.At.After(last) {
			last = c.At
		}
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(relayClients)/last.Sub(start).Seconds(), "relays/s")
	b.ReportMetric(float64(latencies[len(latencies)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Milliseconds()), "p99-ms")
	if engine != nil {
		// The translations follow the copies, for the five of the eight languages the
		// engine has: how long until the last arrived.
		want := 0
		for i := range relayClients {
			if slices.Contains([]string{"ar", "fa", "uk", "ru", "tr"}, langs[i%len(langs)]) {
				want++
			}
		}
		translated := func() int {
			n := 0
			for _, c := range api.Calls("sendMessage") {
				if c.Status == 200 && strings.Contains(fmt.Sprint(c.Params["text"]), "→de] ") {
					n++
				}
			}
			return n
		}
		if !api.WaitFor(10*time.Minute, func() bool { return translated() >= want }) {
			b.Fatalf("only %d of %d translations arrived", translated(), want)
		}
		b.ReportMetric(time.Since(start).Seconds(), "all-translated-s")
	}
	if rejected := api.Rejected(); len(rejected) > 0 {
		b.Fatalf("the fake Bot API rejected %d requests, first: %s %s", len(rejected), rejected[0].Method, rejected[0].Error)
	}
}
