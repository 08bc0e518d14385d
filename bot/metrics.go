package bot

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lotse-bot/lotse/flows"
)

// Metrics are what the bot counts for Prometheus. They name kinds and results, never
// persons or content.
type Metrics struct {
	Updates     *prometheus.CounterVec // by kind of event
	Handling    prometheus.Histogram   // seconds from taking an update to committing its effects
	Sends       *prometheus.CounterVec // Bot API calls by method and result
	RateLimited prometheus.Counter     // 429 answers
	RetryAfter  prometheus.Counter     // seconds Telegram asked us to wait
	Relays      prometheus.Counter     // clients' messages delivered to managers
	Reminders   *prometheus.CounterVec // appointment reminders by result: sent, skipped
	// Translations counts machine translations by direction and outcome;
	// TranslationSeconds is how long the engine took for one.
	Translations       *prometheus.CounterVec
	TranslationSeconds prometheus.Histogram

	lastContact atomic.Int64 // unix nanoseconds of the last answer from Telegram
}

// NewMetrics creates the bot's metrics and registers them with reg (nil: not registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Updates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lotse_updates_total",
			Help: "Updates taken from Telegram, by kind: text, command, button, media, edited, reach (the person blocked or unblocked the bot), ignored, invalid."}, []string{"kind"}),
		Handling: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "lotse_update_handling_seconds",
			Help: "Time from taking an update to committing its state and messages.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
		Sends: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lotse_sends_total",
			Help: "Bot API calls of the sender by method and result: ok, retry, refused, blocked."}, []string{"method", "result"}),
		RateLimited: prometheus.NewCounter(prometheus.CounterOpts{Name: "lotse_rate_limited_total", Help: "429 Too Many Requests answers from Telegram."}),
		RetryAfter:  prometheus.NewCounter(prometheus.CounterOpts{Name: "lotse_retry_after_seconds_total", Help: "Seconds Telegram asked the sender to wait."}),
		Relays:      prometheus.NewCounter(prometheus.CounterOpts{Name: "lotse_relays_total", Help: "Clients' messages delivered to managers."}),
		Reminders: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lotse_reminders_total",
			Help: "Appointment reminders by result: sent, or skipped (cancelled, past, or a later reminder of the same appointment came due too)."}, []string{"result"}),
		Translations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lotse_translations_total",
			Help: "Machine translations by direction (in: client to manager, out: manager to client, follow: after the original) and outcome: translated, same_language, unavailable, changed."}, []string{"dir", "outcome"}),
		TranslationSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "lotse_translation_seconds",
			Help: "Time the engine took for one translation job, retries included.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 12)}),
	}
	for _, r := range []string{"sent", "skipped"} {
		m.Reminders.WithLabelValues(r)
	}
	if reg != nil {
		reg.MustRegister(m.Updates, m.Handling, m.Sends, m.RateLimited, m.RetryAfter, m.Relays, m.Reminders, m.Translations, m.TranslationSeconds)
	}
	return m
}

// contact records that Telegram answered.
func (m *Metrics) contact() { m.lastContact.Store(time.Now().UnixNano()) }

// LastContact is when Telegram last answered a call (zero before the first).
func (m *Metrics) LastContact() time.Time {
	if n := m.lastContact.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// eventKind names an event's kind for the metrics.
func eventKind(k flows.EventKind) string {
	return map[flows.EventKind]string{flows.EventText: "text", flows.EventCommand: "command", flows.EventButton: "button",
		flows.EventMedia: "media", flows.EventEdited: "edited", flows.EventReach: "reach"}[k]
}
