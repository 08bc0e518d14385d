package app

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/lotse-bot/lotse/app/loadgen"
	"github.com/lotse-bot/lotse/store"
)

// loadgenCommand is "lotse loadgen -appointments N": a new database at LOTSE_DB holding a
// town's history of N appointments (see package loadgen), to measure Lotse at a size before
// a town reaches it. The clients belong to the configured town's managers, so the bot can be
// run on the file at once. It refuses an existing file: it is never meant for real data.
func (m *Main) loadgenCommand(args []string) error {
	flags := flag.NewFlagSet("lotse loadgen", flag.ContinueOnError)
	flags.SetOutput(m.Stderr)
	appointments := flags.Int("appointments", 0, "how many appointments; a tenth as many clients")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usageError(fmt.Errorf("loadgen: unexpected argument %q", flags.Arg(0)))
	}
	if *appointments < loadgen.AppointmentsPerClient {
		return usageError(errors.New("loadgen: -appointments must be at least 10"))
	}
	if _, err := os.Stat(m.environ.DBPath); err == nil {
		return usageError(fmt.Errorf("loadgen: %s exists; give a new file in LOTSE_DB", m.environ.DBPath))
	}
	cfg, err := m.config()
	if err != nil {
		return usageError(fmt.Errorf("loadgen: %w", err))
	}
	db, err := store.Open(m.environ.DBPath)
	if err != nil {
		return fmt.Errorf("loadgen: %w", err)
	}
	defer db.Close()
	town := loadgen.Town{Appointments: *appointments, Languages: []string{"ar", "fa", "uk", "ti", "ru", "tr", "so", "ps"}}
	for _, manager := range cfg.Managers {
		town.Managers = append(town.Managers, manager.TelegramID)
	}
	start, shown := time.Now(), time.Now()
	filled, err := loadgen.Fill(db, town, func(f loadgen.Filled) {
		if time.Since(shown) > 10*time.Second {
			shown = time.Now()
			fmt.Fprintf(m.Stdout, "%d appointments…\n", f.Appointments)
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s: %d clients, %d appointments, %d relayed messages, %d audit entries in %s\n",
		m.environ.DBPath, filled.Clients, filled.Appointments, filled.Relays, filled.Audit, time.Since(start).Round(time.Millisecond))
	return nil
}
