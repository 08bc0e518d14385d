// Package app is the Lotse program: the command line, the environment, the wiring of
// database, domain and Telegram edge, and the operator's side (admin listener, backups,
// reports, logs). The lotse command at the repository root only calls Command.
package app

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	_ "time/tzdata" // time zones work even on a machine without them

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lotse-bot/lotse/bot"
	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/locales"
	"github.com/lotse-bot/lotse/playground"
	"github.com/lotse-bot/lotse/store"
	"github.com/lotse-bot/lotse/translate"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the bot stopped with an error, or check found problems
	exitUsage   = 2 // bad command line or environment
)

// Command runs the lotse command line args (without the program's name) as the process
// does: SIGINT and SIGTERM stop it, SIGHUP reloads it, and its error is printed once to
// standard error. stamped is the version the build stamped into the lotse command, if any.
// It returns the exit code.
func Command(stamped string, args []string) int {
	version = stamped
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	reload := make(chan struct{}, 1)
	go func() {
		for range hup {
			select {
			case reload <- struct{}{}:
			default:
			}
		}
	}()
	m := &Main{Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now, Reload: reload}
	return exit(m.Stderr, m.Run(ctx, args))
}

// exitError ends Lotse with code. Without err it was reported already: check lists its
// problems, and a flag set prints its own complaint.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as a problem of the command line or the environment.
func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// exit prints err once to w and returns the exit code it stands for: exitOK for nil,
// exitFailure unless err says otherwise.
func exit(w io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	var e *exitError
	if !errors.As(err, &e) {
		fmt.Fprintf(w, "lotse: %v\n", err)
		return exitFailure
	}
	if e.err != nil {
		fmt.Fprintf(w, "lotse: %v\n", err)
	}
	return e.code
}

// Main is the program: it reads the environment, opens the database and runs the bot. Tests
// start it in a few lines with their own environment.
type Main struct {
	Getenv func(string) string
	Stdout io.Writer
	Stderr io.Writer
	Now    func() time.Time
	// FAQPoll is how often the town's FAQ files are checked for changes; default 10 s.
	FAQPoll time.Duration
	// Tick is how often due reminders are looked for; default 1 s.
	Tick time.Duration
	// Reload asks a running bot to read its configuration and content again (SIGHUP).
	Reload <-chan struct{}

	log         *slog.Logger
	environ     environment
	logIDs      *logIDs
	adminAddr   atomic.Pointer[string]
	webhookAddr atomic.Pointer[string]
}

// AdminAddr is the address the admin listener listens on, "" before it started.
func (m *Main) AdminAddr() string {
	if a := m.adminAddr.Load(); a != nil {
		return *a
	}
	return ""
}

// Run runs the subcommand in args. Its error is for main to print; exit tells the code.
func (m *Main) Run(ctx context.Context, args []string) error {
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	case "version":
		fmt.Fprintln(m.Stdout, "lotse", buildVersion())
		return nil
	}
	env, err := readEnv(m.Getenv)
	if err != nil {
		return usageError(err)
	}
	m.environ = env
	m.logIDs = &logIDs{}
	m.log = newLogger(m.Stderr, env, m.logIDs)
	switch cmd {
	case "run":
		return m.runBot(ctx)
	case "playground":
		return m.playground(ctx, args)
	case "check":
		return m.check(args)
	case "backup":
		return m.backupCommand(args)
	case "report":
		return m.reportCommand(args)
	case "logid":
		return m.logIDCommand(args)
	case "loadgen":
		return m.loadgenCommand(args)
	default:
		return usageError(fmt.Errorf("unknown command %q\n\n%s", cmd, strings.TrimSuffix(usage, "\n")))
	}
}

const usage = `Usage:
  lotse            run the bot
  lotse playground [-addr 127.0.0.1:8080] [-db F] [-public]
                   try the bot in a web page as several people at once, with no token and no
                   network: the real bot against a built-in stand-in for Telegram
  lotse check [F]  validate the configuration F (default: $LOTSE_CONFIG) and the catalogs
  lotse backup F   write a consistent copy of the database to F, also while Lotse runs
  lotse report --from 2026-01-01 --to 2026-12-31
                   the figures for reporting, as CSV
  lotse logid ID   the name a chat or user id has in the log
  lotse loadgen -appointments N
                   fill a new database at LOTSE_DB with a made-up history of N appointments
                   (N/10 clients), to measure Lotse at a size (docs/performance.md)
  lotse version    the version this binary was built from

Environment:
  TELEGRAM_BOT_TOKEN       the bot's token from @BotFather (or TELEGRAM_BOT_TOKEN_FILE: a file holding it)
  TELEGRAM_API_URL         Bot API server (default https://api.telegram.org)
  LOTSE_CONFIG             the municipality's configuration (default: the built-in example town)
  LOTSE_DB                 database file (default lotse.db)
  LOTSE_RATE_GLOBAL        messages per second over all chats (default 30)
  LOTSE_RATE_CHAT          messages per second in one chat (default 1)
  LOTSE_ADMIN_ADDR         health, readiness, metrics, backup and report (default 127.0.0.1:9090; "off")
  LOTSE_ADMIN_TOKEN        bearer token for /metrics, /backup and /report (or LOTSE_ADMIN_TOKEN_FILE);
                           required when LOTSE_ADMIN_ADDR can be reached from other machines
  LOTSE_WEBHOOK_URL        receive updates by webhook at this https address instead of polling
  LOTSE_WEBHOOK_LISTEN     where the webhook is served, behind the reverse proxy (default :8443)
  LOTSE_WEBHOOK_SECRET     the webhook's secret token (or LOTSE_WEBHOOK_SECRET_FILE; default: random at each start)
  LOTSE_BACKUP_DIR         write backups into this directory (LOTSE_BACKUP_INTERVAL 24h, LOTSE_BACKUP_KEEP 7)
  LOTSE_ERASURE_DELAY      from an erasure to the wipe that removes its remains from the file (default 1m)
  LOTSE_SHUTDOWN_TIMEOUT   how long a stop keeps sending what is queued (default 10s)
  LOTSE_OUTBOX_STUCK       a message waiting longer makes /readyz fail (default 5m)
  LOTSE_LOG_FORMAT         text or json (default text); LOTSE_LOG_LEVEL debug, info, warn, error
  LOTSE_TRANSLATION_KEY    the translation engine's key, when the town's [translation] uses one (or LOTSE_TRANSLATION_KEY_FILE)
`

// runBot runs the bot configured by the environment until ctx ends.
func (m *Main) runBot(ctx context.Context) error {
	e := m.environ
	token, err := e.requireToken()
	if err != nil {
		return usageError(err)
	}
	cfg, err := m.config()
	if err != nil {
		return usageError(err)
	}
	if err := e.Ops.checkAdminListener(); err != nil {
		return usageError(err)
	}
	if cfg.Translation.Engine == "deepl" && e.TranslationKey == "" {
		return usageError(errors.New("translation.engine is deepl: set LOTSE_TRANSLATION_KEY or LOTSE_TRANSLATION_KEY_FILE to the DeepL API key"))
	}
	return m.serve(ctx, serveOptions{Token: token, APIURL: e.APIURL, DBPath: e.DBPath, Config: cfg, Limits: e.Limits, Now: m.Now, Ops: e.Ops, TranslationKey: e.TranslationKey})
}

// serveOptions are what a running bot needs: where Telegram is, where the data lives, the
// town, the sending limits, the clock and the operational settings.
type serveOptions struct {
	Token  string
	APIURL string
	DBPath string
	Config *flows.Config
	Limits bot.Limits
	Now    func() time.Time
	Ops    ops
	// TranslationKey is the translation engine's key (LOTSE_TRANSLATION_KEY); Engine, when
	// set, is used instead of the one the configuration names (the playground's).
	TranslationKey string
	Engine         translate.Engine
}

// serve opens the database and runs the bot until ctx ends; the playground uses it too. On
// Reload it reads the configuration and content again: good ones replace the running bot
// (journal and outbox carry over, nothing is lost), bad ones are logged and the bot goes on
// with the old.
func (m *Main) serve(ctx context.Context, o serveOptions) error {
	content, err := bot.LoadContent(o.Config)
	if err != nil {
		return err
	}
	db, err := store.OpenWith(o.DBPath, store.Options{Ledgers: ledgers(o.DBPath, o.Ops.BackupDir)})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := m.logIDs.load(db); err != nil {
		return err
	}
	// A restored copy older than an erasure brings the erased client back: erase them again.
	if n, err := db.ApplyLedger(); err != nil {
		return fmt.Errorf("applying the erasure ledger: %w", err)
	} else if n > 0 {
		m.log.Info("erasure ledger applied: clients erased again", "count", n)
	}
	// The goroutines that work on the files end before the database closes.
	var background sync.WaitGroup
	bgCtx, stopBackground := context.WithCancel(ctx)
	defer func() {
		stopBackground()
		background.Wait()
	}()
	var scrub chan struct{}
	if o.Ops.BackupDir != "" {
		scrub = make(chan struct{}, 1)
		background.Go(func() { m.backups(bgCtx, db, o.Ops.BackupDir, o.Ops.BackupEvery, o.Ops.BackupKeep, scrub) })
	}
	background.Go(func() {
		db.WipeAfterErasures(bgCtx, cmp.Or(o.Ops.ErasureDelay, defaultErasureDelay), func(err error) {
			if err != nil {
				m.log.Error("wiping the database's free pages after an erasure failed; trying again", "err", err)
				return
			}
			m.log.Info("database wiped after an erasure")
			select {
			case scrub <- struct{}{}:
			default: // a scrub is waiting already, or there are no kept backups
			}
		})
	})

	reg := prometheus.NewRegistry()
	metrics := bot.NewMetrics(reg)
	var current atomic.Pointer[flows.Flows]
	var running atomic.Pointer[bot.Bot]
	var servers []*http.Server
	defer func() {
		for _, srv := range servers {
			srv.Close()
		}
	}()
	if o.Ops.AdminAddr != "" {
		a := newAdmin(db, metrics, reg, o.Ops, current.Load, m.logIDs)
		srv, addr, err := listen(o.Ops.AdminAddr, a.handler())
		if err != nil {
			return fmt.Errorf("admin listener (LOTSE_ADMIN_ADDR): %w", err)
		}
		servers = append(servers, srv)
		m.adminAddr.Store(&addr)
		m.log.Info("admin listener: /healthz /readyz /metrics /backup /report", "addr", addr)
	}
	if w := o.Ops.Webhook; w != nil {
		u, _ := url.Parse(w.URL)
		mux := http.NewServeMux()
		mux.Handle(cmp.Or(u.Path, "/"), http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if b := running.Load(); b != nil {
				b.WebhookHandler().ServeHTTP(rw, r)
				return
			}
			http.Error(rw, "starting", http.StatusServiceUnavailable)
		}))
		srv, addr, err := listen(o.Ops.WebhookListen, mux)
		if err != nil {
			return fmt.Errorf("webhook listener (LOTSE_WEBHOOK_LISTEN): %w", err)
		}
		servers = append(servers, srv)
		m.webhookAddr.Store(&addr)
		m.log.Info("receiving updates by webhook", "listen", addr)
	}
	cfg := o.Config
	for {
		runCtx, stop := context.WithCancel(ctx)
		f := flows.New(cfg, content.FAQ, o.Now)
		engine := o.Engine
		if engine == nil {
			engine = newEngine(cfg.Translation, o.TranslationKey)
		}
		var translator bot.Translator
		if t := newTranslator(runCtx, engine, cfg.Translation.Timeout(), m.log); t != nil {
			f.Translator, translator = t, t
		}
		f.Observe = func(event string) {
			if result, ok := strings.CutPrefix(event, "reminder_"); ok {
				metrics.Reminders.WithLabelValues(result).Inc()
			}
		}
		current.Store(f)
		b, err := bot.New(bot.Options{
			Token:    o.Token,
			APIURL:   o.APIURL,
			DB:       db,
			Flows:    f,
			Config:   cfg,
			FAQ:      content.FAQ,
			Catalogs: content.Catalogs,
			Log:      m.log,
			Limits:   o.Limits,
			Metrics:  metrics,
			Webhook:  o.Ops.Webhook,

			TickInterval:       m.Tick,
			ShutdownTimeout:    o.Ops.ShutdownTimeout,
			Translator:         translator,
			TranslationTimeout: cfg.Translation.Timeout(),
		})
		if err != nil {
			stop()
			return err
		}
		running.Store(b)
		m.log.Info("Lotse starting", "town", cfg.Town, "db", o.DBPath)
		m.warnNotOpened(db, f)
		go m.watchFAQ(runCtx, content.FAQ, cfg)
		done := make(chan error, 1)
		go func() { done <- b.Run(runCtx) }()
		var next *flows.Config
		var nextContent bot.Content
		for next == nil {
			select {
			case err := <-done:
				stop()
				if errors.Is(err, bot.ErrUnauthorized) {
					return usageError(err)
				}
				if err != nil {
					return err
				}
				m.log.Info("Lotse stopped")
				return nil
			case <-m.Reload:
				c, err := m.config()
				if err == nil {
					nextContent, err = bot.LoadContent(c)
				}
				if err != nil {
					m.log.Error("reload rejected; keeping the running configuration", "problems", err.Error())
					continue
				}
				next = c
			}
		}
		running.Store(nil)
		stop()
		if err := <-done; err != nil {
			return err
		}
		cfg, content = next, nextContent
		m.log.Info("configuration and content reloaded", "town", cfg.Town)
	}
}

// ledgers are the files of the erasure ledger: beside the database, and in the backup
// directory, so that it travels with the backups.
func ledgers(dbPath, backupDir string) []string {
	files := []string{dbPath + ".erased"}
	if backupDir != "" {
		files = append(files, filepath.Join(backupDir, "lotse.erased"))
	}
	return files
}

// listen serves h on addr and returns the server and the address it got.
func listen(addr string, h http.Handler) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return srv, ln.Addr().String(), nil
}

// playground runs the real bot against a built-in fake Telegram and serves a web page on
// which one chats with it as several people at once.
func (m *Main) playground(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("lotse playground", flag.ContinueOnError)
	flags.SetOutput(m.Stderr)
	addr := flags.String("addr", "127.0.0.1:8080", "address of the web page")
	dbPath := flags.String("db", "", "database file (default: a fresh one in a temporary directory, removed at exit)")
	public := flags.Bool("public", false, "allow an -addr that other machines can reach")
	translateURL := flags.String("translate-url", "", "a LibreTranslate server to translate free text with (its key, if it needs one, in LOTSE_TRANSLATION_KEY); default: no translation")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usageError(fmt.Errorf("playground: unexpected argument %q", flags.Arg(0)))
	}
	if !*public && !isLoopback(*addr) {
		return usageError(fmt.Errorf("playground: %s can be reached from other machines, and the playground has no login: "+
			"whoever opens it can read and write every chat in it. Use an address like 127.0.0.1:8080, "+
			"or add -public if that is what you want", *addr))
	}
	cfg, err := m.config()
	if err != nil {
		return usageError(err)
	}
	key := m.environ.TranslationKey
	if *translateURL != "" {
		tr := flows.Translation{Engine: "libretranslate", URL: *translateURL}
		if problems := tr.Validate(); len(problems) > 0 {
			return usageError(fmt.Errorf("playground: -translate-url: %s", strings.Join(problems, "; ")))
		}
		cfg.Translation = tr
	}
	engine := ""
	if e := newEngine(cfg.Translation, key); e != nil {
		engine = e.Name()
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "lotse-playground-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "lotse.db")
	}

	api := fakeapi.New()
	defer api.Close()
	clock := playground.NewClock(m.Now)
	page := playground.New(playground.Options{
		API:         api,
		Clock:       clock,
		People:      playground.StartingPeople(cfg),
		Town:        cfg.Town,
		Location:    cfg.Location,
		Translation: engine,
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("playground: %w", err)
	}
	srv := &http.Server{Handler: page, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	fmt.Fprintf(m.Stdout, "Lotse playground: open %s in your browser. Ctrl+C stops it.\n", pageURL(ln.Addr()))

	// Snappy answers matter more here than Telegram's real per-chat limit.
	limits := bot.Limits{PerChat: 20}
	return m.serve(ctx, serveOptions{Token: fakeapi.Token, APIURL: api.URL(), DBPath: *dbPath, Config: cfg, Limits: limits, Now: clock.Now,
		Ops: ops{ShutdownTimeout: time.Second}, TranslationKey: key})
}

// isLoopback reports whether addr (host:port) listens on this machine only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// pageURL is the address to open in a browser for a listener's address.
func pageURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String() + "/"
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port)) + "/"
}

// watchFAQ reloads the town's FAQ files when they change. A change with problems is logged
// and rejected; the bot keeps the last good content.
func (m *Main) watchFAQ(ctx context.Context, faqs *flows.FAQStore, cfg *flows.Config) {
	dir := cfg.FAQPath()
	if dir == "" {
		return
	}
	last := dirStamp(dir)
	poll := m.FAQPoll
	if poll == 0 {
		poll = 10 * time.Second
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		stamp := dirStamp(dir)
		if stamp == last {
			continue
		}
		last = stamp
		faq, err := flows.LoadFAQ(locales.FAQ, dir, cfg)
		if err != nil {
			m.log.Error("the changed FAQ files have problems; keeping the last good content", "dir", dir, "problems", err.Error())
			continue
		}
		faqs.Set(faq)
		m.log.Info("FAQ files reloaded", "dir", dir)
	}
}

// dirStamp summarises the names, sizes and modification times of the files in dir.
func dirStamp(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "unreadable"
	}
	var b strings.Builder
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			fmt.Fprintf(&b, "%s %d %d;", e.Name(), info.Size(), info.ModTime().UnixNano())
		}
	}
	return b.String()
}

// parseFlags parses args into flags. The flag set has printed its complaint already; -h
// is no failure.
func parseFlags(flags *flag.FlagSet, args []string) error {
	err := flags.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return &exitError{code: exitUsage}
	}
	return nil
}

// config loads LOTSE_CONFIG, or the built-in example town when it is not set.
func (m *Main) config() (*flows.Config, error) {
	path := m.environ.ConfigPath
	if path == "" {
		m.log.Warn("LOTSE_CONFIG is not set: running on the built-in example town Musterstadt")
		return flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	}
	cfg, err := flows.LoadConfigFile(path)
	if err == nil {
		for _, w := range cfg.Warnings {
			m.log.Warn("configuration warning", "warning", w)
		}
	}
	return cfg, err
}

// check validates a configuration file and the catalogs and reports every problem, then how
// many there were. Warnings are shown but do not count: the file can be used as it is.
func (m *Main) check(args []string) error {
	if len(args) > 1 {
		return usageError(errors.New("check: give at most one configuration file"))
	}
	path := m.environ.ConfigPath
	if len(args) == 1 {
		path = args[0]
	}
	problems, warnings := 0, 0
	report := func(lines []string) {
		for _, l := range lines {
			fmt.Fprintln(m.Stderr, l)
		}
	}
	var cfg *flows.Config
	var err error
	if path == "" {
		cfg, err = flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	} else {
		cfg, err = flows.LoadConfigFile(path)
	}
	var cerr *flows.ConfigError
	switch {
	case errors.As(err, &cerr):
		report(cerr.Warnings)
		report(cerr.Problems)
		problems += len(cerr.Problems)
		warnings += len(cerr.Warnings)
	case err != nil:
		fmt.Fprintln(m.Stderr, err)
		problems++
	default:
		report(cfg.Warnings)
		warnings += len(cfg.Warnings)
		communes := ""
		if len(cfg.Communes) > 0 {
			communes = fmt.Sprintf("%d communes, ", len(cfg.Communes))
		}
		fmt.Fprintf(m.Stdout, "%s: ok (%s, %s%d managers, %d languages)\n", cfgName(path), cfg.Town, communes, len(cfg.Managers), len(cfg.Languages))
	}
	if cfg != nil && cfg.Translation.On() {
		lines := m.checkEngine(cfg)
		report(lines)
		warnings += len(lines)
	}
	if cfg != nil {
		if _, err := flows.LoadFAQ(locales.FAQ, cfg.FAQPath(), cfg); err != nil {
			fmt.Fprintf(m.Stderr, "FAQ content:\n%v\n", err)
			problems += strings.Count(err.Error(), "\n") + 1
		} else {
			fmt.Fprintf(m.Stdout, "FAQ: ok\n")
		}
	}
	catalogProblems, err := locales.Check(locales.FS, flows.Catalogs())
	if err != nil {
		fmt.Fprintln(m.Stderr, err)
		problems++
	}
	report(catalogProblems)
	problems += len(catalogProblems)
	// A stale translation still reads well enough to ship; a translator should look at it.
	stale, staleErr := locales.Stale(locales.FS, flows.Catalogs())
	if staleErr != nil {
		stale = []string{staleErr.Error()}
	}
	report(stale)
	warnings += len(stale)
	if err == nil && len(catalogProblems) == 0 {
		fmt.Fprintf(m.Stdout, "catalogs: ok (%d languages)\n", len(flows.Catalogs()))
	}
	summary := plural(problems, "problem")
	if problems == 0 {
		summary = "no problems"
	}
	if warnings > 0 {
		summary += ", " + plural(warnings, "warning")
	}
	if problems > 0 {
		fmt.Fprintln(m.Stderr, summary)
		return &exitError{code: exitFailure}
	}
	fmt.Fprintln(m.Stdout, summary)
	return nil
}

// plural is "1 problem" or "3 problems".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func cfgName(path string) string {
	if path == "" {
		return flows.ExampleConfigName
	}
	return path
}

// warnNotOpened logs the managers and admins who never opened Lotse, by their place in the
// configuration: Telegram lets a bot write only to people who started it, so their cases'
// messages go to colleagues until they do.
func (m *Main) warnNotOpened(db *store.DB, f *flows.Flows) {
	var missing []string
	err := db.View(func(tx flows.Tx) error {
		var err error
		missing, err = f.NotOpened(tx)
		return err
	})
	switch {
	case err != nil:
		m.log.Error("reading the team failed", "err", err)
	case len(missing) > 0:
		m.log.Warn("staff who never opened Lotse cannot receive messages yet; each must open the bot once",
			"count", len(missing), "who", strings.Join(missing, " "))
	}
}

// checkEngine asks the configured translation engine which languages it has and returns
// warnings: the engine does not answer, or lacks languages the town offers. They are
// warnings, not problems: Lotse runs without translation, and check may run where the
// engine cannot be reached.
func (m *Main) checkEngine(cfg *flows.Config) []string {
	engine := newEngine(cfg.Translation, m.environ.TranslationKey)
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Translation.Timeout())
	defer cancel()
	langs, err := engine.Languages(ctx)
	if err != nil {
		return []string{fmt.Sprintf("translation: %s does not answer (%v); Lotse will relay without translating until it does", engine.Name(), err)}
	}
	var missing []string
	for _, l := range cfg.Languages {
		if l != cfg.ManagerLanguage && !langs.CanTranslate(l, cfg.ManagerLanguage) {
			missing = append(missing, l)
		}
	}
	fmt.Fprintf(m.Stdout, "translation: %s answers\n", engine.Name())
	if len(missing) > 0 {
		return []string{fmt.Sprintf("translation: %s cannot translate %s to %s: managers read those clients' messages as written", engine.Name(), strings.Join(missing, ", "), cfg.ManagerLanguage)}
	}
	return nil
}
