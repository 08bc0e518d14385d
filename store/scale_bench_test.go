package store_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/app/loadgen"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/locales"
	"github.com/lotse-bot/lotse/store"
)

// BenchmarkScale measures, at 10 000 and 100 000 appointments (and 1 000 000 with
// LOTSE_BENCH_1M=1), what an operator of a large county asks about: the start (opening the
// file), the memory after it and after a night's retention, booking, the scan for due
// reminders, /mydata (the export built in a read transaction), /delete, the night's
// retention (every client of the generated history is past it, so it erases them all),
// the wipe after it, and a backup; and the longest write transaction of all that, which
// every other update waits for. Medians of repeated runs where an operation repeats. Run with:
// go test -run '^$' -bench Scale -benchtime 1x -timeout 60m ./store
// Each size prints a row of the table in docs/performance.md.
func BenchmarkScale(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if os.Getenv("LOTSE_BENCH_1M") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	if err != nil {
		b.Fatal(err)
	}
	faq, err := flows.LoadFAQ(locales.FAQ, "", cfg)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("appointments=%d", n), func(b *testing.B) {
			for b.Loop() {
				measureScale(b, n, cfg, faq)
			}
		})
	}
}

func measureScale(b *testing.B, appointments int, cfg *flows.Config, faq *flows.FAQ) {
	path := filepath.Join(b.TempDir(), "lotse.db")
	db, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	fillHistory(b, db, appointments)
	clients := appointments / 10
	db.Close()
	info, _ := os.Stat(path)

	// The start: opening the file (and checking its schema) as Lotse does.
	var opens []time.Duration
	for range 3 {
		began := time.Now()
		if db, err = store.Open(path); err != nil {
			b.Fatal(err)
		}
		opens = append(opens, time.Since(began))
		if len(opens) < 3 {
			db.Close()
		}
	}
	defer db.Close()
	debug.FreeOSMemory() // what filling the file left on the heap is not Lotse's
	rssStart := loadgen.ReadMemory().RSS
	var mu sync.Mutex
	var longest time.Duration
	db.OnWrite(func(d time.Duration) {
		mu.Lock()
		longest = max(longest, d)
		mu.Unlock()
	})

	// The generated history lies in January 2026; the town's clock stands a month later.
	now := time.Date(2026, 2, 5, 10, 0, 0, 0, time.UTC)
	f := flows.New(cfg, flows.NewFAQStore(faq), func() time.Time { return now })
	median := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2].Microseconds()) / 1000
	}
	timed := func(times int, op func(i int) error) []time.Duration {
		var out []time.Duration
		for i := range times {
			began := time.Now()
			if err := op(i); err != nil {
				b.Fatal(err)
			}
			out = append(out, time.Since(began))
		}
		return out
	}
	// A reminder per client ahead, ten of them due now (the scan below takes the due ones,
	// rolled back, so each round finds the same; the others lie after the night).
	for from := 0; from < clients; from += 5_000 {
		if _, err := db.Do(func(tx flows.Tx) error {
			for c := from; c < min(from+5_000, clients); c++ {
				at := now.Add(time.Duration(c-10) * time.Minute)
				if err := tx.Schedule(flows.Reminder{At: at, Kind: flows.RemindClient, Appointment: fmt.Sprintf("gen-%d", c)}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	mu.Lock()
	longest = 0 // the reminders above are the benchmark's setup, not Lotse's work
	mu.Unlock()
	firstClient := int64(100_000)
	booking := timed(20, func(i int) error {
		_, err := db.Do(func(tx flows.Tx) error {
			start := now.Add(time.Duration(48+i) * time.Hour)
			return tx.Book(&flows.Appointment{Client: firstClient + int64(i), Manager: 900_001, Office: "rathaus", Start: start,
				End: start.Add(30 * time.Minute), Status: flows.StatusBooked, CreatedAt: now}, 1)
		})
		return err
	})
	due := timed(20, func(int) error {
		_, err := db.Update(func(tx flows.Tx) error {
			due, err := tx.Due(now, 100)
			if err == nil && len(due) != 11 {
				err = fmt.Errorf("%d reminders due, want 11", len(due))
			}
			if err != nil {
				return err
			}
			return errRollback
		})
		if err == errRollback {
			err = nil
		}
		return err
	})

	var exported int
	mydata := timed(20, func(i int) error {
		return db.View(func(tx flows.Tx) error {
			docs, err := f.Export(tx, flows.Outgoing{Chat: firstClient + 100 + int64(i), Lang: "ar"})
			if len(docs) != 2 {
				return fmt.Errorf("export of client %d: %d documents", firstClient+100+int64(i), len(docs))
			}
			exported = len(docs[0].File)
			return err
		})
	})
	erase := timed(20, func(i int) error {
		_, err := db.Do(func(tx flows.Tx) error { return tx.EraseClient(firstClient + 200 + int64(i)) })
		return err
	})

	// The night: the scheduler starts the retention, and each step schedules the next at
	// once, as flows.Tick does when Lotse runs.
	if _, err := db.Do(func(tx flows.Tx) error {
		return tx.Schedule(flows.Reminder{At: now, Kind: flows.RemindPurge, Appointment: "retention"})
	}); err != nil {
		b.Fatal(err)
	}
	longestBefore := longest
	longest = 0
	began := time.Now()
	var steps []time.Duration
	for {
		step := time.Now()
		if _, err := db.Do(f.Tick); err != nil {
			b.Fatal(err)
		}
		steps = append(steps, time.Since(step))
		var more bool
		if _, err := db.Update(func(tx flows.Tx) error {
			due, err := tx.Due(now, 1)
			more = len(due) > 0
			if err != nil {
				return err
			}
			return errRollback
		}); err != errRollback {
			b.Fatal(err)
		}
		if !more {
			break
		}
	}
	night := time.Since(began)
	longestNight := longest
	left := 0
	db.View(func(tx flows.Tx) error { return tx.Clients(func(*flows.Client) error { left++; return nil }) })
	began = time.Now()
	if err := db.Wipe(); err != nil {
		b.Fatal(err)
	}
	wipe := time.Since(began)
	debug.FreeOSMemory()
	mem := loadgen.ReadMemory()
	rssNight, rssNightFile := mem.RSS, mem.File
	began = time.Now()
	size, err := db.BackupFile(filepath.Join(b.TempDir(), "backup.db"))
	if err != nil {
		b.Fatal(err)
	}
	backup := time.Since(began)

	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(info.Size())/1e6, "db-MB")
	b.ReportMetric(median(opens), "open-ms")
	b.ReportMetric(rssStart, "rss-after-open-MB")
	b.ReportMetric(median(booking), "booking-ms")
	b.ReportMetric(median(due), "due-scan-ms")
	b.ReportMetric(median(mydata), "mydata-ms")
	b.ReportMetric(median(erase), "delete-ms")
	b.ReportMetric(night.Seconds(), "retention-s")
	b.ReportMetric(float64(clients-left), "retention-erased")
	b.ReportMetric(ms(longestNight), "retention-longest-write-ms")
	b.ReportMetric(ms(wipe), "wipe-ms")
	b.ReportMetric(rssNight, "rss-after-night-MB")
	b.ReportMetric(rssNightFile, "of-it-file-pages-MB")
	b.ReportMetric(backup.Seconds(), "backup-s")
	b.ReportMetric(ms(max(longestBefore, longestNight)), "longest-write-ms")
	fmt.Printf("| %d | %d | %.0f MB | %.0f ms | %.0f MB | %.2f ms | %.2f ms | %.2f ms (%d KB) | %.2f ms | %.1f s (%d erased, %d steps, longest %.0f ms) | %.0f ms | %.0f MB (%.0f MB of it the file's pages) | %.1f s (%.0f MB) | %.0f ms |\n",
		appointments, clients, float64(info.Size())/1e6, median(opens), rssStart, median(booking), median(due), median(mydata), exported/1000,
		median(erase), night.Seconds(), clients-left, len(steps), ms(longestNight), ms(wipe), rssNight, rssNightFile, backup.Seconds(), float64(size)/1e6,
		ms(max(longestBefore, longestNight)))
}
