package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/lotse-bot/lotse/bot"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// Operations: the admin listener (health, readiness, metrics, backups and reports of the
// running bot), scheduled backups, the backup and report commands, logging, webhook mode.

const (
	defaultAdminAddr       = "127.0.0.1:9090"
	defaultShutdownTimeout = 10 * time.Second
	defaultErasureDelay    = time.Minute
	telegramSilence        = 3 * time.Minute // no answer from Telegram for longer: not ready
)

// ops are the operational settings read from the environment.
type ops struct {
	AdminAddr       string        // "" when switched off
	AdminToken      string        // required as a bearer token for /metrics, /backup and /report, if set
	ShutdownTimeout time.Duration // sending what is left when stopping
	StuckOutbox     time.Duration // a message waiting longer makes the bot not ready
	Webhook         *bot.Webhook
	WebhookListen   string
	BackupDir       string
	BackupEvery     time.Duration
	BackupKeep      int
	ErasureDelay    time.Duration // from an erasure to the compaction that removes its remains
}

// readOps reads the operational environment; every error names its variable.
func (m *Main) readOps() (ops, error) {
	o := ops{AdminAddr: defaultAdminAddr, ShutdownTimeout: defaultShutdownTimeout, StuckOutbox: 5 * time.Minute, WebhookListen: ":8443", BackupEvery: 24 * time.Hour, BackupKeep: 7,
		ErasureDelay: defaultErasureDelay}
	switch v := m.Getenv("LOTSE_ADMIN_ADDR"); v {
	case "":
	case "off":
		o.AdminAddr = ""
	default:
		if _, _, err := net.SplitHostPort(v); err != nil {
			return o, fmt.Errorf("LOTSE_ADMIN_ADDR: %q is not host:port (or \"off\")", v)
		}
		o.AdminAddr = v
	}
	token, source, err := m.secret("LOTSE_ADMIN_TOKEN")
	if err != nil {
		return o, err
	}
	if !adminToken(token) {
		return o, fmt.Errorf("%s: use letters, digits and punctuation, without spaces", source)
	}
	o.AdminToken = token
	if o.AdminAddr != "" && !isLoopback(o.AdminAddr) && o.AdminToken == "" {
		return o, fmt.Errorf("LOTSE_ADMIN_ADDR: %s can be reached from other machines, and the admin listener hands out "+
			"the whole case database (/backup): set a bearer token in LOTSE_ADMIN_TOKEN or in a file named by "+
			"LOTSE_ADMIN_TOKEN_FILE, or listen on %s (or \"off\")", o.AdminAddr, defaultAdminAddr)
	}
	hookSecret, hookSecretSource, err := m.secret("LOTSE_WEBHOOK_SECRET")
	if err != nil {
		return o, err
	}
	for _, d := range []struct {
		name     string
		dst      *time.Duration
		min, max time.Duration
	}{
		{"LOTSE_SHUTDOWN_TIMEOUT", &o.ShutdownTimeout, 0, 0},
		{"LOTSE_BACKUP_INTERVAL", &o.BackupEvery, time.Minute, 0},
		{"LOTSE_OUTBOX_STUCK", &o.StuckOutbox, time.Second, 0},
		{"LOTSE_ERASURE_DELAY", &o.ErasureDelay, 100 * time.Millisecond, time.Hour},
	} {
		if v := m.Getenv(d.name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t < d.min {
				return o, fmt.Errorf("%s: %q is not a duration like \"30s\" or \"24h\" (at least %s)", d.name, v, d.min)
			}
			if d.max > 0 && t > d.max {
				return o, fmt.Errorf("%s: %q is longer than %s", d.name, v, d.max)
			}
			*d.dst = t
		}
	}
	if v := m.Getenv("LOTSE_BACKUP_KEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return o, fmt.Errorf("LOTSE_BACKUP_KEEP: %q is not a number of backups from 1 to 1000", v)
		}
		o.BackupKeep = n
	}
	o.BackupDir = m.Getenv("LOTSE_BACKUP_DIR")
	if raw := m.Getenv("LOTSE_WEBHOOK_URL"); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return o, fmt.Errorf("LOTSE_WEBHOOK_URL: %q is not an https address (Telegram sends webhooks over https only)", raw)
		}
		secret := hookSecret
		if secret == "" {
			b := make([]byte, 32)
			rand.Read(b)
			secret = hex.EncodeToString(b)
		} else if !webhookSecret(secret) {
			return o, fmt.Errorf("%s: use 1 to 256 characters of A-Z, a-z, 0-9, _ and -", hookSecretSource)
		}
		o.Webhook = &bot.Webhook{URL: raw, Secret: secret}
		if v := m.Getenv("LOTSE_WEBHOOK_LISTEN"); v != "" {
			o.WebhookListen = v
		}
	}
	return o, nil
}

// adminToken reports whether s can travel as a bearer token in an HTTP header.
func adminToken(s string) bool {
	for _, r := range s {
		if r <= ' ' || r > '~' {
			return false
		}
	}
	return true
}

// webhookSecret reports whether s is a secret Telegram accepts.
func webhookSecret(s string) bool {
	if len(s) == 0 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// logger builds the log from LOTSE_LOG_FORMAT (text, json) and LOTSE_LOG_LEVEL.
func (m *Main) logger() (*slog.Logger, error) {
	var level slog.Level
	if v := m.Getenv("LOTSE_LOG_LEVEL"); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			return nil, fmt.Errorf("LOTSE_LOG_LEVEL: %q is not one of debug, info, warn, error", v)
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch v := m.Getenv("LOTSE_LOG_FORMAT"); v {
	case "", "text":
		return slog.New(slog.NewTextHandler(m.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(m.Stderr, opts)), nil
	default:
		return nil, fmt.Errorf("LOTSE_LOG_FORMAT: %q is not text or json", v)
	}
}

// adminServer is the admin listener's handler: health, readiness, metrics, backup and report of
// the running bot.
type adminServer struct {
	db      *store.DB
	metrics *bot.Metrics
	reg     *prometheus.Registry
	token   string
	stuck   time.Duration
	flows   func() *flows.Flows
}

func newAdmin(db *store.DB, metrics *bot.Metrics, reg *prometheus.Registry, o ops, f func() *flows.Flows) *adminServer {
	a := &adminServer{db: db, metrics: metrics, reg: reg, token: o.AdminToken, stuck: o.StuckOutbox, flows: f}
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), &storeCollector{db: db})
	return a
}

func (a *adminServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", a.ready)
	mux.HandleFunc("GET /metrics", a.guard(promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{}).ServeHTTP))
	mux.HandleFunc("GET /backup", a.guard(a.backup))
	mux.HandleFunc("GET /report", a.guard(a.report))
	return mux
}

// guard requires the admin token, when one is set, for what tells more than "alive" and
// "ready": the case database, the figures, the metrics. Without a token the listener is on
// this machine only (readOps sees to it) and stays open to its local admin.
func (a *adminServer) guard(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a.token != "" {
			scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			if !strings.EqualFold(scheme, "Bearer") || !equalSecret(strings.TrimSpace(token), a.token) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="lotse admin"`)
				http.Error(w, "unauthorized: send the admin token as Authorization: Bearer …", http.StatusUnauthorized)
				return
			}
		}
		next(w, r)
	}
}

// ready answers 200 when the database works, Telegram answered lately and the outbox moves.
func (a *adminServer) ready(w http.ResponseWriter, r *http.Request) {
	var problems []string
	depth, oldest, err := a.db.OutboxStats()
	switch {
	case err != nil:
		problems = append(problems, "database: "+err.Error())
	case depth > 0 && time.Since(oldest) > a.stuck:
		problems = append(problems, fmt.Sprintf("outbox stuck: %d messages, the oldest waiting since %s", depth, oldest.UTC().Format(time.RFC3339)))
	}
	if last := a.metrics.LastContact(); time.Since(last) > telegramSilence {
		if last.IsZero() {
			problems = append(problems, "Telegram has not answered yet")
		} else {
			problems = append(problems, "Telegram has not answered since "+last.UTC().Format(time.RFC3339))
		}
	}
	// Staff who never opened Lotse cannot receive their cases' messages; named by their place
	// in the configuration only. It is worth a look, not a reason to stop traffic.
	var notOpened []string
	var kept int
	translation := "off"
	if f := a.flows(); f != nil {
		if t, ok := f.Translator.(interface{ Problem() string }); ok {
			// Lotse relays without translating while the engine is down: worth an alert,
			// no reason to stop traffic.
			translation = cmp.Or(t.Problem(), "ok")
		}
		a.db.View(func(tx flows.Tx) error {
			notOpened, _ = f.NotOpened(tx)
			kept, _ = f.KeptMessages(tx)
			return nil
		})
	}
	w.Header().Set("Content-Type", "application/json")
	status := http.StatusOK
	if len(problems) > 0 {
		status = http.StatusServiceUnavailable
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"ready": len(problems) == 0, "problems": problems, "outbox": depth,
		"staff_not_opened": notOpened, "kept_messages": kept, "translation": translation})
}

func (a *adminServer) backup(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="lotse.db"`)
	if _, err := a.db.Backup(filepath.Dir(a.db.Path()), w); err != nil {
		slog.Error("backup over the admin listener failed", "err", err)
	}
}

func (a *adminServer) report(w http.ResponseWriter, r *http.Request) {
	from, to, err := reportPeriod(r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	csv, err := report(a.db, a.flows(), from, to)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Write(csv)
}

// report renders the figures of a period as CSV.
func report(db *store.DB, f *flows.Flows, from, to time.Time) ([]byte, error) {
	var out []byte
	err := db.View(func(tx flows.Tx) error {
		g, err := f.Report(tx, from, to)
		if err != nil {
			return err
		}
		out, err = g.CSV()
		return err
	})
	return out, err
}

// reportPeriod reads --from and --to dates (2006-01-02).
func reportPeriod(from, to string) (time.Time, time.Time, error) {
	f, err := time.Parse("2006-01-02", from)
	if err != nil {
		return f, f, fmt.Errorf("--from: %q is not a date like 2026-01-01", from)
	}
	t, err := time.Parse("2006-01-02", to)
	if err != nil || t.Before(f) {
		return f, t, fmt.Errorf("--to: %q is not a date like 2026-12-31 on or after --from", to)
	}
	return f, t, nil
}

// equalSecret compares in constant time, also of the secret's length.
func equalSecret(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// storeCollector reports the outbox and the clients by language at each scrape; the count
// of clients is read at most once a minute.
type storeCollector struct {
	db *store.DB

	mu      sync.Mutex
	counted time.Time
	byLang  map[string]int
}

var (
	outboxDepth   = prometheus.NewDesc("lotse_outbox_messages", "Messages waiting to be sent.", nil, nil)
	outboxAge     = prometheus.NewDesc("lotse_outbox_oldest_age_seconds", "How long the oldest waiting message has waited.", nil, nil)
	activeClients = prometheus.NewDesc("lotse_clients", "Clients who consented, by language.", []string{"language"}, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxDepth
	ch <- outboxAge
	ch <- activeClients
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	depth, oldest, err := c.db.OutboxStats()
	if err == nil {
		ch <- prometheus.MustNewConstMetric(outboxDepth, prometheus.GaugeValue, float64(depth))
		age := 0.0
		if depth > 0 {
			age = time.Since(oldest).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(outboxAge, prometheus.GaugeValue, age)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.counted) > time.Minute {
		byLang := map[string]int{}
		err := c.db.View(func(tx flows.Tx) error {
			return tx.Clients(func(cl *flows.Client) error {
				if cl.Consented() {
					byLang[cl.Lang]++
				}
				return nil
			})
		})
		if err == nil {
			c.byLang, c.counted = byLang, time.Now()
		}
	}
	for lang, n := range c.byLang {
		ch <- prometheus.MustNewConstMetric(activeClients, prometheus.GaugeValue, float64(n), lang)
	}
}

// backupGlob matches the scheduled backups in the backup directory; their names sort by time.
const backupGlob = "lotse-*.db"

// backups writes a backup into dir every interval and keeps the newest keep of them. After
// an erasure (a signal on scrub), and once at start, it rewrites the kept backups that still
// hold a client the erasure ledger names.
func (m *Main) backups(ctx context.Context, db *store.DB, dir string, every time.Duration, keep int, scrub <-chan struct{}) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		m.log.Error("backup directory cannot be created; no scheduled backups", "dir", dir, "err", err)
		return
	}
	store.CleanBackupDir(dir)
	m.scrubBackups(db, dir)
	backup := func() {
		name := filepath.Join(dir, "lotse-"+time.Now().UTC().Format("20060102T150405Z")+".db")
		if n, err := db.BackupFile(name); err != nil {
			m.log.Error("scheduled backup failed", "file", name, "err", err)
		} else {
			m.log.Info("backup written", "file", name, "bytes", n)
			pruneBackups(m.log, dir, keep)
		}
	}
	backup()
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-scrub:
			m.scrubBackups(db, dir)
		case <-ticker.C:
			backup()
		}
	}
}

// scrubBackups rewrites the kept backups that still hold clients erased after they were
// written, without them.
func (m *Main) scrubBackups(db *store.DB, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, backupGlob))
	for _, f := range files {
		n, err := db.ScrubBackup(f)
		if err != nil {
			m.log.Error("removing erased clients from a kept backup failed", "file", f, "err", err)
		} else if n > 0 {
			m.log.Info("kept backup rewritten without erased clients", "file", f, "clients", n)
		}
	}
}

// pruneBackups removes all but the newest keep backups in dir.
func pruneBackups(log *slog.Logger, dir string, keep int) {
	matches, err := filepath.Glob(filepath.Join(dir, backupGlob))
	if err != nil || len(matches) <= keep {
		return
	}
	slices.Sort(matches) // the names sort by time
	for _, old := range matches[:len(matches)-keep] {
		if err := os.Remove(old); err != nil {
			log.Warn("removing an old backup failed", "file", old, "err", err)
		}
	}
}

// backupCommand is "lotse backup FILE": a consistent copy of the database, taken directly
// when no Lotse runs on it, else from the running Lotse through its admin listener.
func (m *Main) backupCommand(args []string) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(m.Stderr, "usage: lotse backup FILE\n")
		return exitUsage
	}
	target := args[0]
	n, via, err := m.withDB(func(db *store.DB) (int64, error) { return db.BackupFile(target) },
		func(base string, client *http.Client, token string) (int64, error) {
			return store.WriteFileAtomic(target, func(w io.Writer) (int64, error) { return fetch(client, base+"/backup", token, w) })
		})
	if err != nil {
		fmt.Fprintf(m.Stderr, "lotse backup: %v\n", err)
		return exitFailure
	}
	check, err := store.Open(target)
	if err != nil {
		fmt.Fprintf(m.Stderr, "lotse backup: the copy %s does not open: %v\n", target, err)
		return exitFailure
	}
	check.Close()
	fmt.Fprintf(m.Stdout, "backup written to %s (%d bytes, %s)\n", target, n, via)
	return exitOK
}

// reportCommand is "lotse report --from D --to D": the figures of a period as CSV.
func (m *Main) reportCommand(args []string) int {
	flags := flag.NewFlagSet("lotse report", flag.ContinueOnError)
	flags.SetOutput(m.Stderr)
	fromFlag := flags.String("from", "", "first day, like 2026-01-01")
	toFlag := flags.String("to", "", "last day, like 2026-12-31")
	if err := flags.Parse(args); err != nil || flags.NArg() > 0 {
		return exitUsage
	}
	from, to, err := reportPeriod(*fromFlag, *toFlag)
	if err != nil {
		fmt.Fprintf(m.Stderr, "lotse report: %v\n", err)
		return exitUsage
	}
	cfg, err := m.config()
	if err != nil {
		fmt.Fprintf(m.Stderr, "lotse report: %v\n", err)
		return exitUsage
	}
	content, err := bot.LoadContent(cfg)
	if err != nil {
		fmt.Fprintf(m.Stderr, "lotse report: %v\n", err)
		return exitFailure
	}
	f := flows.New(cfg, content.FAQ, m.Now)
	_, _, err = m.withDB(func(db *store.DB) (int64, error) {
		csv, err := report(db, f, from, to)
		if err != nil {
			return 0, err
		}
		n, err := m.Stdout.Write(csv)
		return int64(n), err
	}, func(base string, client *http.Client, token string) (int64, error) {
		q := url.Values{"from": {*fromFlag}, "to": {*toFlag}}
		return fetch(client, base+"/report?"+q.Encode(), token, m.Stdout)
	})
	if err != nil {
		fmt.Fprintf(m.Stderr, "lotse report: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// withDB runs direct on the database LOTSE_DB when no Lotse holds it, else remote against
// the running Lotse's admin listener (LOTSE_ADMIN_ADDR, LOTSE_ADMIN_TOKEN or its _FILE).
func (m *Main) withDB(direct func(*store.DB) (int64, error), remote func(base string, client *http.Client, token string) (int64, error)) (int64, string, error) {
	path := m.Getenv("LOTSE_DB")
	if path == "" {
		path = "lotse.db"
	}
	if _, err := os.Stat(path); err != nil {
		return 0, "", fmt.Errorf("LOTSE_DB: %w", err)
	}
	db, err := store.OpenWait(path, 100*time.Millisecond)
	if err == nil {
		defer db.Close()
		n, err := direct(db)
		return n, "read from " + path, err
	}
	if !strings.Contains(err.Error(), "in use by another Lotse process") {
		return 0, "", err
	}
	o, err := m.readOps()
	if err != nil {
		return 0, "", err
	}
	if o.AdminAddr == "" {
		return 0, "", fmt.Errorf("%s is in use by a running Lotse and LOTSE_ADMIN_ADDR is off: switch the admin listener on, or stop Lotse", path)
	}
	base := "http://" + o.AdminAddr
	n, err := remote(base, &http.Client{Timeout: 10 * time.Minute}, o.AdminToken)
	return n, "from the running Lotse at " + o.AdminAddr, err
}

// fetch copies the body of a GET to w.
func fetch(client *http.Client, u, token string, w io.Writer) (int64, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("the running Lotse's admin listener: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return 0, fmt.Errorf("the running Lotse's admin listener answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return io.Copy(w, resp.Body)
}
