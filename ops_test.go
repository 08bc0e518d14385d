package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// adminURL waits for the admin listener and returns its base URL.
func (tb *testBot) adminURL() string {
	tb.t.Helper()
	var addr string
	tb.api.WaitFor(10*time.Second, func() bool { addr = tb.main.AdminAddr(); return addr != "" })
	if addr == "" {
		tb.t.Fatal("the admin listener never started")
	}
	return "http://" + addr
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	tb := newTestBot(t, "LOTSE_OUTBOX_STUCK", "1s")
	base := tb.adminURL()
	u := fakeapi.User{ID: 8101, FirstName: "Amal", LanguageCode: "ar"}
	tb.toMenu(u, "ar", true)

	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz: %d", code)
	}
	if code, body := get(t, base+"/readyz"); code != 200 {
		t.Errorf("/readyz on a healthy bot: %d %s", code, body)
	}

	// The scrape parses with Prometheus's own parser and has the figures operators watch.
	_, body := get(t, base+"/metrics")
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("metrics do not parse: %v", err)
	}
	for _, name := range []string{"lotse_updates_total", "lotse_update_handling_seconds", "lotse_sends_total", "lotse_outbox_messages",
		"lotse_outbox_oldest_age_seconds", "lotse_rate_limited_total", "lotse_retry_after_seconds_total", "lotse_relays_total", "lotse_clients", "lotse_reminders_total"} {
		if families[name] == nil {
			t.Errorf("metric %s missing", name)
		}
	}
	if f := families["lotse_clients"]; f != nil {
		found := false
		for _, m := range f.Metric {
			for _, l := range m.Label {
				found = found || l.GetName() == "language" && l.GetValue() == "ar" && m.Gauge.GetValue() == 1
			}
		}
		if !found {
			t.Errorf("lotse_clients has no ar=1: %v", f)
		}
	}
	if strings.Contains(body, "Amal") || strings.Contains(body, "8101") {
		t.Error("metrics name a person")
	}

	// Telegram keeps failing: the message waits, and readiness says the outbox is stuck.
	tb.api.InjectFaults("sendMessage", fakeapi.Fault{Status: 500}, fakeapi.Fault{Status: 500}, fakeapi.Fault{Status: 500}, fakeapi.Fault{Status: 500})
	tb.api.SendText(u, "/help")
	var ready string
	ok := tb.api.WaitFor(10*time.Second, func() bool {
		code, body := get(t, base+"/readyz")
		ready = body
		return code == http.StatusServiceUnavailable && strings.Contains(body, "outbox stuck")
	})
	if !ok {
		t.Errorf("/readyz never reported the stuck outbox: %s", ready)
	}
	// Once the message is through, the bot is ready again.
	tb.waitFor(u.ID, func() bool { return tb.count(u.ID, "/menu") > 0 })
	if !tb.api.WaitFor(10*time.Second, func() bool { code, _ := get(t, base+"/readyz"); return code == 200 }) {
		t.Error("/readyz did not recover")
	}
}

func TestWebhookModeJournalsBeforeAnswering(t *testing.T) {
	tb := newTestBot(t, "LOTSE_WEBHOOK_URL", "https://lotse.example.org/telegram/hook", "LOTSE_WEBHOOK_LISTEN", "127.0.0.1:0",
		"LOTSE_WEBHOOK_SECRET", "s3cret-token_value")
	var addr string
	tb.api.WaitFor(10*time.Second, func() bool {
		if a := tb.main.webhookAddr.Load(); a != nil {
			addr = *a
		}
		return addr != "" && len(tb.api.Calls("setWebhook")) > 0
	})
	calls := tb.api.Calls("setWebhook")
	if len(calls) == 0 || calls[0].Params["url"] != "https://lotse.example.org/telegram/hook" || calls[0].Params["secret_token"] != "s3cret-token_value" {
		t.Fatalf("setWebhook: %+v", calls)
	}
	post := func(secret string, update json.RawMessage) int {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/telegram/hook", bytes.NewReader(update))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	tb.api.WaitFor(10*time.Second, func() bool { return post("s3cret-token_value", json.RawMessage(`{"update_id": 1}`)) == 200 })

	// A wrong or missing secret: 401, and the update is not even remembered as seen.
	if code := post("wrong", rawStart(990001, 8201, "uk")); code != http.StatusUnauthorized {
		t.Errorf("wrong secret answered %d", code)
	}
	if code := post("", rawStart(990001, 8201, "uk")); code != http.StatusUnauthorized {
		t.Errorf("no secret answered %d", code)
	}
	tb.quiet(8201, 0)
	// Telegram knows the person (they wrote); their update comes by webhook only.
	tb.api.SendText(fakeapi.User{ID: 8201, FirstName: "Test", LanguageCode: "uk"}, "/start")
	// The right secret: answered 200 once journaled; the same update again is a duplicate.
	if code := post("s3cret-token_value", rawStart(990001, 8201, "uk")); code != 200 {
		t.Fatalf("right secret answered %d", code)
	}
	tb.waitMessages(8201, 1)
	post("s3cret-token_value", rawStart(990001, 8201, "uk"))
	tb.quiet(8201, 1)
	if len(tb.api.Calls("getUpdates")) > 0 {
		t.Error("the bot polled in webhook mode")
	}

	// Started in polling mode again, Lotse removes the webhook.
	tb.stop()
	delete(tb.env, "LOTSE_WEBHOOK_URL")
	tb.start()
	tb.api.WaitFor(10*time.Second, func() bool { return len(tb.api.Calls("deleteWebhook")) > 0 })
	if len(tb.api.Calls("deleteWebhook")) == 0 {
		t.Error("polling mode did not delete the webhook")
	}
}

func TestBackupUnderWriteLoadHasEveryCommittedRecord(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	tb.adminURL()
	const before, during = 150, 1000
	for i := 0; i < before; i++ {
		tb.api.SendText(fakeapi.User{ID: int64(100_000 + i), FirstName: "C", LanguageCode: "uk"}, "/start")
	}
	for i := 0; i < before; i++ {
		tb.waitMessages(int64(100_000+i), 1)
	}
	// Write load while the backup runs.
	var load sync.WaitGroup
	load.Go(func() {
		for i := 0; i < during; i++ {
			tb.api.SendText(fakeapi.User{ID: int64(200_000 + i), FirstName: "C", LanguageCode: "ar"}, "/start")
		}
	})
	file := filepath.Join(t.TempDir(), "backup.db")
	out := &syncBuffer{}
	m := &Main{Getenv: func(k string) string { return tb.env[k] }, Stdout: out, Stderr: out, Now: time.Now}
	m.env(tb.main.AdminAddr())
	if code := m.Run(t.Context(), []string{"backup", file}); code != 0 {
		t.Fatalf("lotse backup exited %d: %s", code, out)
	}
	load.Wait()
	if !strings.Contains(out.String(), "from the running Lotse") {
		t.Errorf("backup did not go through the running Lotse: %s", out)
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode: %v %v", info, err)
	}
	db, err := store.Open(file)
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer db.Close()
	seen := map[int64]bool{}
	err = db.View(func(tx flows.Tx) error {
		return tx.Clients(func(c *flows.Client) error {
			seen[c.ID] = true
			byCase, err := tx.ClientByCase(c.Case)
			if err != nil || byCase.ID != c.ID {
				t.Errorf("backup is inconsistent: case %d → %v, %v", c.Case, byCase, err)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < before; i++ {
		if !seen[int64(100_000+i)] {
			t.Fatalf("client %d, committed before the backup, is missing from it", 100_000+i)
		}
	}
	t.Logf("backup holds %d clients: %d from before, %d of %d written during it", len(seen), before, len(seen)-before, during)
}

// env points a command-line Main at the running bot's admin listener.
func (m *Main) env(adminAddr string) {
	base := m.Getenv
	m.Getenv = func(k string) string {
		if k == "LOTSE_ADMIN_ADDR" {
			return adminAddr
		}
		return base(k)
	}
}

func TestReportAndBackupCommandsOnAStoppedBot(t *testing.T) {
	tb := newBookingBot(t)
	y := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 8301, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	tb.bookFirstSlot(u, "ar")
	tb.api.SendText(u, "سؤال")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "RelayDelivered") })
	tb.stop()

	out, errs := &syncBuffer{}, &syncBuffer{}
	m := &Main{Getenv: func(k string) string { return tb.env[k] }, Stdout: out, Stderr: errs, Now: tb.now}
	if code := m.Run(t.Context(), []string{"report", "--from", "2027-01-01", "--to", "2027-12-31"}); code != 0 {
		t.Fatalf("report exited %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"2027-03/clients.new": "1", "2027-03/appt.booked": "1", "2027-03/relay.requests": "1", "today/clients.language.ar": "1", "today/clients.district.altstadt": "1"}
	for _, r := range rows {
		if v, ok := want[r[0]+"/"+r[1]]; ok {
			if v != r[2] {
				t.Errorf("%s/%s = %s, want %s", r[0], r[1], r[2], v)
			}
			delete(want, r[0]+"/"+r[1])
		}
	}
	for k := range want {
		t.Errorf("report lacks %s:\n%s", k, out)
	}
	if code := m.Run(t.Context(), []string{"report", "--from", "2027-13-01", "--to", "2027-12-31"}); code != exitUsage || !strings.Contains(errs.String(), "--from") {
		t.Errorf("a bad date: exit %d, %s", code, errs)
	}

	file := filepath.Join(t.TempDir(), "copy.db")
	out = &syncBuffer{}
	m.Stdout = out
	if code := m.Run(t.Context(), []string{"backup", file}); code != 0 || !strings.Contains(out.String(), "read from") {
		t.Fatalf("backup of a stopped bot: %d %s %s", code, out, errs)
	}
	tb.start()

	// Moving to a new server: a second Lotse started on the backup knows the client, her
	// language and her appointment.
	moved := newTestBot(t, "LOTSE_DB", file)
	moved.setNow(monday)
	// Telegram's update ids go on across servers; the fresh fake Telegram must go on too.
	moved.api.EnqueueRaw(json.RawMessage(`{"update_id": 900000000}`))
	moved.api.SendText(u, "/menu")
	moved.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ar", "MenuWrite")) })
	moved.press(u, say(t, "ar", "MenuAppointments"))
	moved.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "09:00") })
}

func TestScheduledBackupsKeepTheNewest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backups")
	for _, name := range []string{"lotse-20260101T000000Z.db", "lotse-20260102T000000Z.db", "lotse-20260103T000000Z.db"} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name), []byte("old"), 0o600)
	}
	tb := newTestBot(t, "LOTSE_BACKUP_DIR", dir, "LOTSE_BACKUP_KEEP", "2")
	var files []string
	tb.api.WaitFor(10*time.Second, func() bool {
		files, _ = filepath.Glob(filepath.Join(dir, "lotse-*.db"))
		return len(files) == 2 && !strings.Contains(files[1], "20260103")
	})
	if len(files) != 2 || !strings.HasSuffix(files[0], "lotse-20260103T000000Z.db") {
		t.Fatalf("backups kept: %v", files)
	}
	db, err := store.Open(files[1])
	if err != nil {
		t.Fatalf("the scheduled backup does not open: %v", err)
	}
	db.Close()
}

func TestStopUnderLoadSendsWhatItCanAndLosesNothing(t *testing.T) {
	tb := newTestBot(t, "LOTSE_SHUTDOWN_TIMEOUT", "20s")
	const n = 120
	for i := 0; i < n; i++ {
		tb.api.SendText(fakeapi.User{ID: int64(300_000 + i), FirstName: "C", LanguageCode: "ti"}, "/start")
	}
	// Stop while updates are being handled and answers sent (30 messages/s: 4 s of work).
	tb.api.WaitFor(5*time.Second, func() bool { return len(tb.api.Calls("sendMessage")) > 10 })
	tb.stop()
	delivered := 0
	for i := 0; i < n; i++ {
		delivered += len(tb.api.Messages(int64(300_000 + i)))
	}
	db := tb.db()
	inbox, _ := db.Inbox()
	outbox, _ := db.Outbox()
	db.Close()
	t.Logf("at stop: %d delivered, %d updates and %d messages left on disk", delivered, len(inbox), len(outbox))
	if len(outbox) != 0 {
		t.Errorf("the stop left %d messages unsent although the shutdown timeout allowed sending them", len(outbox))
	}
	tb.start()
	for i := 0; i < n; i++ {
		tb.waitMessages(int64(300_000+i), 1)
	}
	time.Sleep(300 * time.Millisecond)
	for i := 0; i < n; i++ {
		if msgs := tb.api.Messages(int64(300_000 + i)); len(msgs) != 1 {
			t.Errorf("chat %d got %d messages, want 1", 300_000+i, len(msgs))
		}
	}
}

func TestReloadKeepsTheOldConfigurationWhenTheNewOneIsBroken(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir)
	tb := newTestBot(t, "LOTSE_CONFIG", path)
	u := fakeapi.User{ID: 8401, FirstName: "Olena", LanguageCode: "uk"}
	tb.api.SendText(u, "/start")
	tb.waitMessages(u.ID, 1)

	// A broken file: logged with the field, the bot goes on with the old town.
	if err := os.WriteFile(path, []byte(strings.Replace(string(flows.ExampleConfig), `town = "Musterstadt"`, `town = "Musterstadt"`+"\ntimezone = 1", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	tb.reload <- struct{}{}
	tb.api.WaitFor(5*time.Second, func() bool { return strings.Contains(tb.logs.String(), "reload rejected") })
	if !strings.Contains(tb.logs.String(), `unknown field \"timezone\"`) {
		t.Errorf("the rejected reload does not name the problem:\n%s", tb.logs)
	}
	tb.api.SendText(u, "/start")
	if m := tb.waitMessages(u.ID, 2)[1]; !strings.Contains(m.Text, "Musterstadt") {
		t.Errorf("after a bad reload: %q", m.Text)
	}
	// A good file: the new town greets.
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(flows.ExampleConfig), "Musterstadt", "Beispielheim")), 0o600); err != nil {
		t.Fatal(err)
	}
	tb.reload <- struct{}{}
	tb.api.WaitFor(10*time.Second, func() bool { return strings.Contains(tb.logs.String(), "configuration and content reloaded") })
	tb.api.SendText(u, "/start")
	if m := tb.waitMessages(u.ID, 3)[2]; !strings.Contains(m.Text, "Beispielheim") {
		t.Errorf("after a good reload: %q", m.Text)
	}
}

func TestLogFormatAndLevel(t *testing.T) {
	logs := &syncBuffer{}
	env := map[string]string{"LOTSE_LOG_FORMAT": "json"}
	m := &Main{Getenv: func(k string) string { return env[k] }, Stdout: io.Discard, Stderr: logs, Now: time.Now}
	m.Run(t.Context(), []string{"report", "--from", "2026-01-01", "--to", "2026-12-31"})
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if strings.HasPrefix(line, "{") {
			var v map[string]any
			if err := json.Unmarshal([]byte(line), &v); err != nil || v["level"] == nil {
				t.Errorf("not a JSON log line: %q", line)
			}
		}
	}
	for k, v := range map[string]string{"LOTSE_LOG_FORMAT": "xml", "LOTSE_LOG_LEVEL": "loud"} {
		errs := &syncBuffer{}
		env := map[string]string{k: v}
		m := &Main{Getenv: func(k string) string { return env[k] }, Stdout: io.Discard, Stderr: errs, Now: time.Now}
		if code := m.Run(t.Context(), nil); code != exitUsage || !strings.Contains(errs.String(), k) {
			t.Errorf("%s=%s: exit %d, %q", k, v, code, errs)
		}
	}
}
