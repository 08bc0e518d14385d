package app

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"maps"
	"net"
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
		"lotse_outbox_oldest_age_seconds", "lotse_db_write_seconds", "lotse_rate_limited_total", "lotse_retry_after_seconds_total", "lotse_relays_total", "lotse_clients", "lotse_reminders_total"} {
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
	// A person could only appear in a label; values are figures, and one may well hold the
	// digits 8101.
	for name, f := range families {
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if v := l.GetValue(); strings.Contains(v, "Amal") || strings.Contains(v, "8101") {
					t.Errorf("metric %s names a person: %s=%q", name, l.GetName(), v)
				}
			}
		}
	}
	if strings.Contains(body, "Amal") {
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
	if code := exit(m.Stderr, m.Run(t.Context(), []string{"backup", file})); code != 0 {
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
	if code := exit(m.Stderr, m.Run(t.Context(), []string{"report", "--from", "2027-01-01", "--to", "2027-12-31"})); code != 0 {
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
	if code := exit(m.Stderr, m.Run(t.Context(), []string{"report", "--from", "2027-13-01", "--to", "2027-12-31"})); code != exitUsage || !strings.Contains(errs.String(), "--from") {
		t.Errorf("a bad date: exit %d, %s", code, errs)
	}

	file := filepath.Join(t.TempDir(), "copy.db")
	out = &syncBuffer{}
	m.Stdout = out
	if code := exit(m.Stderr, m.Run(t.Context(), []string{"backup", file})); code != 0 || !strings.Contains(out.String(), "read from") {
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
	exit(m.Stderr, m.Run(t.Context(), []string{"report", "--from", "2026-01-01", "--to", "2026-12-31"}))
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
		if code := exit(m.Stderr, m.Run(t.Context(), nil)); code != exitUsage || !strings.Contains(errs.String(), k) {
			t.Errorf("%s=%s: exit %d, %q", k, v, code, errs)
		}
	}
}

func TestAdminListenerOnTheNetworkRefusesToStartWithoutAToken(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:9090", ":9090", "[::]:9090", "192.0.2.10:9090"} {
		t.Run(addr, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "lotse.db")
			code, out := runMain(t, map[string]string{"TELEGRAM_BOT_TOKEN": fakeapi.Token, "LOTSE_DB": db, "LOTSE_ADMIN_ADDR": addr})
			if code != exitUsage {
				t.Errorf("exit code %d, want %d", code, exitUsage)
			}
			for _, want := range []string{"LOTSE_ADMIN_ADDR", "LOTSE_ADMIN_TOKEN ", "LOTSE_ADMIN_TOKEN_FILE"} {
				if !strings.Contains(out, want) {
					t.Errorf("output %q does not name %s", out, strings.TrimSpace(want))
				}
			}
			if _, err := os.Stat(db); err == nil {
				t.Error("Lotse opened the database before refusing")
			}
		})
	}
}

func TestAdminTokenGuardsMetricsBackupAndReportButNotHealth(t *testing.T) {
	const token = "adm1n-T0ken_for.tests"
	tokenFile := filepath.Join(t.TempDir(), "admin-token")
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tb := newTestBot(t, "LOTSE_ADMIN_ADDR", "0.0.0.0:0", "LOTSE_ADMIN_TOKEN_FILE", tokenFile)
	_, port, err := net.SplitHostPort(strings.TrimPrefix(tb.adminURL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	local := net.JoinHostPort("127.0.0.1", port)
	call := func(path, auth string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://"+local+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}

	if code, _ := call("/healthz", ""); code != http.StatusOK {
		t.Errorf("/healthz without the token: %d, want 200", code)
	}
	if code, _ := call("/readyz", ""); code == http.StatusUnauthorized {
		t.Errorf("/readyz wants the token; orchestrators' probes have none")
	}
	for _, path := range []string{"/metrics", "/backup", "/report?from=2026-01-01&to=2026-12-31"} {
		for _, auth := range []string{"", "Bearer wrong", "Bearer " + token + "x", "Basic " + token, token} {
			if code, body := call(path, auth); code != http.StatusUnauthorized {
				t.Errorf("%s with Authorization %q: %d, want 401", path, auth, code)
			} else if strings.Contains(string(body), "lotse_") || bytes.Contains(body, []byte("clients")) {
				t.Errorf("%s refused, but its body carries data: %.100q", path, body)
			}
		}
		if code, _ := call(path, "Bearer "+token); code != http.StatusOK {
			t.Errorf("%s with the token: %d, want 200", path, code)
		}
	}
	_, metrics := call("/metrics", "Bearer "+token)
	if !strings.Contains(string(metrics), "lotse_outbox_messages") {
		t.Errorf("/metrics with the token has no figures: %.200s", metrics)
	}
	_, backup := call("/backup", "Bearer "+token)
	file := filepath.Join(t.TempDir(), "copy.db")
	os.WriteFile(file, backup, 0o600)
	if db, err := store.Open(file); err != nil {
		t.Errorf("/backup with the token is no database: %v", err)
	} else {
		db.Close()
	}

	// lotse backup and lotse report reach the running Lotse with the token from the same
	// variables, and fail clearly without it.
	out := &syncBuffer{}
	cli := &Main{Getenv: func(k string) string { return tb.env[k] }, Stdout: out, Stderr: out, Now: time.Now}
	cli.env(local)
	if code := exit(cli.Stderr, cli.Run(t.Context(), []string{"backup", filepath.Join(t.TempDir(), "cli.db")})); code != 0 || !strings.Contains(out.String(), "from the running Lotse") {
		t.Errorf("lotse backup with LOTSE_ADMIN_TOKEN_FILE: exit %d, %s", code, out)
	}
	if code := exit(cli.Stderr, cli.Run(t.Context(), []string{"report", "--from", "2026-01-01", "--to", "2026-12-31"})); code != 0 || !strings.Contains(out.String(), "clients") {
		t.Errorf("lotse report with LOTSE_ADMIN_TOKEN_FILE: exit %d, %s", code, out)
	}
	out = &syncBuffer{}
	noToken := &Main{Getenv: func(k string) string {
		if k == "LOTSE_ADMIN_TOKEN_FILE" {
			return ""
		}
		return tb.env[k]
	}, Stdout: out, Stderr: out, Now: time.Now}
	noToken.env(local)
	if code := exit(noToken.Stderr, noToken.Run(t.Context(), []string{"backup", filepath.Join(t.TempDir(), "denied.db")})); code == 0 || !strings.Contains(out.String(), "401") {
		t.Errorf("lotse backup without the token: exit %d, %s; want a failure naming the 401", code, out)
	}

	if strings.Contains(tb.logs.String(), token) {
		t.Error("the admin token was logged")
	}
}

func TestSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	adminFile := file("admin", "s3cret-admin-token\n")
	hookFile := file("hook", "s3cret-hook_value\n")
	badHookFile := file("bad-hook", "not a valid secret!\n")
	spacedFile := file("spaced", "two words\n")
	emptyFile := file("empty", "\n")
	hook := map[string]string{"LOTSE_WEBHOOK_URL": "https://lotse.example.org/hook", "LOTSE_WEBHOOK_LISTEN": "127.0.0.1:0"}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"admin token twice", map[string]string{"LOTSE_ADMIN_TOKEN": "s3cret-admin-token", "LOTSE_ADMIN_TOKEN_FILE": adminFile},
			"set either LOTSE_ADMIN_TOKEN or LOTSE_ADMIN_TOKEN_FILE, not both"},
		{"webhook secret twice", map[string]string{"LOTSE_WEBHOOK_SECRET": "s3cret-hook_value", "LOTSE_WEBHOOK_SECRET_FILE": hookFile},
			"set either LOTSE_WEBHOOK_SECRET or LOTSE_WEBHOOK_SECRET_FILE, not both"},
		{"admin token file missing", map[string]string{"LOTSE_ADMIN_TOKEN_FILE": filepath.Join(dir, "nope")}, "LOTSE_ADMIN_TOKEN_FILE: cannot read"},
		{"admin token file empty", map[string]string{"LOTSE_ADMIN_TOKEN_FILE": emptyFile}, "LOTSE_ADMIN_TOKEN_FILE: " + emptyFile + " is empty"},
		{"admin token with a space", map[string]string{"LOTSE_ADMIN_TOKEN_FILE": spacedFile}, "LOTSE_ADMIN_TOKEN_FILE: use letters"},
		{"webhook secret file malformed", map[string]string{"LOTSE_WEBHOOK_SECRET_FILE": badHookFile}, "LOTSE_WEBHOOK_SECRET_FILE: use 1 to 256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"TELEGRAM_BOT_TOKEN": fakeapi.Token, "LOTSE_DB": filepath.Join(t.TempDir(), "lotse.db")}
			maps.Copy(env, hook)
			maps.Copy(env, tt.env)
			code, out := runMain(t, env)
			if code != exitUsage || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, output %q; want %d and %q", code, out, exitUsage, tt.want)
			}
			for _, secret := range []string{"s3cret", "two words", "not a valid"} {
				if strings.Contains(out, secret) {
					t.Errorf("a secret was printed: %q", out)
				}
			}
		})
	}

	// From their files, the secrets are used: Telegram gets the webhook secret, the admin
	// listener wants the token.
	tb := newTestBot(t, "LOTSE_WEBHOOK_URL", "https://lotse.example.org/hook", "LOTSE_WEBHOOK_LISTEN", "127.0.0.1:0",
		"LOTSE_WEBHOOK_SECRET_FILE", hookFile, "LOTSE_ADMIN_TOKEN_FILE", adminFile)
	tb.api.WaitFor(10*time.Second, func() bool { return len(tb.api.Calls("setWebhook")) > 0 })
	if calls := tb.api.Calls("setWebhook"); len(calls) == 0 || calls[0].Params["secret_token"] != "s3cret-hook_value" {
		t.Errorf("setWebhook: %+v, want the secret from LOTSE_WEBHOOK_SECRET_FILE", calls)
	}
	base := tb.adminURL()
	if code, _ := get(t, base+"/metrics"); code != http.StatusUnauthorized {
		t.Errorf("/metrics without the token from LOTSE_ADMIN_TOKEN_FILE: %d, want 401", code)
	}
}
