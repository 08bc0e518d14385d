package app

import (
	"cmp"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/lotse-bot/lotse/bot"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// telegramSilence is how long Telegram may stay silent before the bot is not ready.
const telegramSilence = 3 * time.Minute

// adminServer is the admin listener's handler: health, readiness, metrics, backup and report of
// the running bot.
type adminServer struct {
	db      *store.DB
	metrics *bot.Metrics
	reg     *prometheus.Registry
	token   string
	stuck   time.Duration
	flows   func() *flows.Flows
	logIDs  *logIDs
}

func newAdmin(db *store.DB, metrics *bot.Metrics, reg *prometheus.Registry, o ops, f func() *flows.Flows, ids *logIDs) *adminServer {
	a := &adminServer{db: db, metrics: metrics, reg: reg, token: o.AdminToken, stuck: o.StuckOutbox, flows: f, logIDs: ids}
	writes := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "lotse_db_write_seconds",
		Help:    "How long each write transaction of the database took; every other write waits meanwhile.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}})
	db.OnWrite(func(d time.Duration) { writes.Observe(d.Seconds()) })
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), &storeCollector{db: db}, buildInfo(), writes)
	return a
}

func (a *adminServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", a.ready)
	mux.HandleFunc("GET /metrics", a.guard(promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{}).ServeHTTP))
	mux.HandleFunc("GET /backup", a.guard(a.backup))
	mux.HandleFunc("GET /report", a.guard(a.report))
	mux.HandleFunc("GET /logid", a.guard(a.logID))
	return mux
}

// guard requires the admin token, when one is set, for what tells more than "alive" and
// "ready": the case database, the figures, the metrics. Without a token the listener is on
// this machine only (checkAdminListener sees to it) and stays open to its local admin.
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

// backup streams a copy of the database as it reads it (see store.DB.Backup), so a backup
// of a large file costs the bot no memory. A failure before the first byte answers 500; a
// failure later cuts the connection, so the client cannot take a truncated copy for whole.
func (a *adminServer) backup(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="lotse.db"`)
	n, err := a.db.Backup(filepath.Dir(a.db.Path()), w)
	if err == nil {
		return
	}
	slog.Error("backup over the admin listener failed", "err", err, "bytes", n)
	if n == 0 {
		http.Error(w, "backup failed; see the log", http.StatusInternalServerError)
		return
	}
	panic(http.ErrAbortHandler)
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

// equalSecret compares in constant time, also of the secret's length.
func equalSecret(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// logID answers the name that the chat or user id ?id has in the log (see lotse logid).
func (a *adminServer) logID(w http.ResponseWriter, r *http.Request) {
	id, err := parseTelegramID(r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, a.logIDs.of(id)+"\n")
}
