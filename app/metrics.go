package app

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

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

// buildInfo is lotse_build_info{version="…"} 1: which build runs, for dashboards and alerts
// that compare instances.
func buildInfo() prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "lotse_build_info",
		Help:        "The version of the running Lotse, in the label; always 1.",
		ConstLabels: prometheus.Labels{"version": buildVersion()},
	}, func() float64 { return 1 })
}
