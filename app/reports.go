package app

import (
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/lotse-bot/lotse/bot"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// reportCommand is "lotse report --from D --to D": the figures of a period as CSV.
func (m *Main) reportCommand(args []string) error {
	flags := flag.NewFlagSet("lotse report", flag.ContinueOnError)
	flags.SetOutput(m.Stderr)
	fromFlag := flags.String("from", "", "first day, like 2026-01-01")
	toFlag := flags.String("to", "", "last day, like 2026-12-31")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usageError(fmt.Errorf("report: unexpected argument %q", flags.Arg(0)))
	}
	from, to, err := reportPeriod(*fromFlag, *toFlag)
	if err != nil {
		return usageError(fmt.Errorf("report: %w", err))
	}
	cfg, err := m.config()
	if err != nil {
		return usageError(fmt.Errorf("report: %w", err))
	}
	content, err := bot.LoadContent(cfg)
	if err != nil {
		return fmt.Errorf("report: %w", err)
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
		return fmt.Errorf("report: %w", err)
	}
	return nil
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
