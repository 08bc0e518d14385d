package store_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// fillReminders stores n reminders one minute apart after base (a million reach two years
// ahead), in batches.
func fillReminders(b *testing.B, db *store.DB, base time.Time, n int) {
	b.Helper()
	const batch = 50_000
	for done := 0; done < n; done += batch {
		if _, err := db.Do(func(tx flows.Tx) error {
			for i := done; i < min(done+batch, n); i++ {
				at := base.Add(time.Duration(i)*time.Minute + time.Hour)
				if err := tx.Schedule(flows.Reminder{At: at, Appointment: fmt.Sprintf("A-%d", i), Kind: flows.RemindClient}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDueReminders measures finding the reminders due now with 1 000 and with
// 1 000 000 stored: the scheduler walks the time index only up to now, so both should cost
// the same. Run with: go test -run '^$' -bench DueReminders ./store
func BenchmarkDueReminders(b *testing.B) {
	for _, stored := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("stored=%d", stored), func(b *testing.B) {
			db := MustOpenDB(b)
			base := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
			fillReminders(b, db, base, stored)
			b.ResetTimer()
			for b.Loop() {
				// Ten reminders become due, as every few minutes in a busy town; the
				// transaction is rolled back so each round finds the same.
				_, err := db.Update(func(tx flows.Tx) error {
					due, err := tx.Due(base.Add(time.Hour+9*time.Minute), 100)
					if err != nil {
						return err
					}
					if len(due) != 10 {
						return fmt.Errorf("%d due, want 10", len(due))
					}
					return errRollback
				})
				if err != errRollback {
					b.Fatal(err)
				}
			}
		})
	}
}

var errRollback = fmt.Errorf("roll back")

// BenchmarkFreeSlots measures computing a manager's free slots for the next 14 days, with
// no bookings and with a year of bookings: the manager index is read only for those 14
// days. Run with: go test -run '^$' -bench FreeSlots ./store
func BenchmarkFreeSlots(b *testing.B) {
	cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2027, 6, 1, 8, 0, 0, 0, cfg.Location)
	for _, history := range []bool{false, true} {
		b.Run(fmt.Sprintf("year_of_bookings=%v", history), func(b *testing.B) {
			db := MustOpenDB(b)
			booked := 0
			if history {
				db.Do(func(tx flows.Tx) error {
					for _, s := range cfg.Slots(now.AddDate(-1, 0, 0), now, 900101) {
						for seat := 0; seat < s.Seats; seat++ {
							a := &flows.Appointment{Client: int64(booked), Manager: s.Manager, Office: s.Office, Start: s.Start, End: s.End, Status: flows.StatusBooked}
							if err := tx.Book(a, s.Seats); err != nil {
								return err
							}
							booked++
						}
					}
					return nil
				})
			}
			b.ResetTimer()
			for b.Loop() {
				err := db.View(func(tx flows.Tx) error {
					to := now.AddDate(0, 0, 14)
					taken, err := tx.TakenSeats(900101, now, to)
					if err != nil {
						return err
					}
					free := 0
					for _, s := range cfg.Slots(now, to, 900101) {
						if taken[s.Key()] < s.Seats {
							free++
						}
					}
					if free == 0 {
						return fmt.Errorf("no free slots")
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(booked), "appointments")
		})
	}
}

// BenchmarkCompact measures the compaction after an erasure, during which updates wait, for
// a town of 5 000 clients with a note and a relay record each. Run with:
// go test -run '^$' -bench Compact -benchtime 5x ./store
func BenchmarkCompact(b *testing.B) {
	db := MustOpenDB(b)
	if _, err := db.Do(func(tx flows.Tx) error {
		for i := range int64(5_000) {
			notes := []flows.Note{{At: time.Now(), By: 900101, Text: fmt.Sprintf("Termin beim Jobcenter, Unterlagen %d mitbringen; Sprachkurs B1 ab Mai", i)}}
			if err := tx.PutClient(&flows.Client{ID: 100_000 + i, Lang: "ar", Case: int(i + 1), CreatedAt: time.Now(), Notes: notes}); err != nil {
				return err
			}
			if err := tx.PutRelay(900101, int(i), flows.RelayRef{Client: 100_000 + i, Source: int(i), At: time.Now()}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := db.Compact(); err != nil {
			b.Fatal(err)
		}
	}
	if info, err := os.Stat(db.Path()); err == nil {
		b.ReportMetric(float64(info.Size())/1e6, "MB")
	}
}

// fillTown stores n clients, each as fillClient leaves them (an appointment, two reminders,
// five relay records, an invitation, a waiting message, an audit entry), relayed a year
// before at, in transactions of 5 000 clients.
func fillTown(b *testing.B, db *store.DB, n int, at time.Time) {
	b.Helper()
	const batch = 5_000
	for done := 0; done < n; done += batch {
		if _, err := db.Do(func(tx flows.Tx) error {
			for i := done; i < min(done+batch, n); i++ {
				if err := fillClient(b, tx, int64(1_000_000+i), i+1, at.AddDate(-1, 0, 0)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClientTrace measures what /mydata and /delete cost for one client, in a town of
// 1 000 and of 50 000 clients: the trace and the erasure read only the client's index
// entries, so both sizes should cost the same. The erasure is rolled back, so each round
// erases the same client. Run with:
// go test -run '^$' -bench ClientTrace -benchtime 200x ./store
func BenchmarkClientTrace(b *testing.B) {
	at := time.Date(2027, 3, 22, 8, 0, 0, 0, time.UTC)
	for _, clients := range []int{1_000, 50_000} {
		db := MustOpenDB(b)
		fillTown(b, db, clients, at)
		one := int64(1_000_000 + clients/2)
		b.Run(fmt.Sprintf("clients=%d/trace", clients), func(b *testing.B) {
			for b.Loop() {
				err := db.View(func(tx flows.Tx) error {
					tr, err := tx.Trace(one)
					if err == nil && len(tr.Relays) != 5 {
						err = fmt.Errorf("%d relay records traced, want 5", len(tr.Relays))
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("clients=%d/erase", clients), func(b *testing.B) {
			for b.Loop() {
				if _, err := db.Update(func(tx flows.Tx) error {
					if err := tx.EraseClient(one); err != nil {
						return err
					}
					return errRollback
				}); err != errRollback {
					b.Fatal(err)
				}
			}
		})
		// One step of the nightly retention: a batch of the oldest expired records, however
		// many expired.
		b.Run(fmt.Sprintf("clients=%d/purge_step", clients), func(b *testing.B) {
			for b.Loop() {
				if _, err := db.Update(func(tx flows.Tx) error {
					n, err := tx.Purge(at)
					if err == nil && n == 0 {
						err = fmt.Errorf("nothing purged")
					}
					if err != nil {
						return err
					}
					return errRollback
				}); err != errRollback {
					b.Fatal(err)
				}
			}
		})
		db.Close()
	}
}

// fillHistory stores a town's history through the store's own API, in the proportions
// measured in issue 16: one client per ten appointments, with a note, five relayed
// messages and two audit entries per client.
func fillHistory(b *testing.B, db *store.DB, appointments int) {
	b.Helper()
	const perClient, batch = 10, 1_000 // clients per transaction
	base := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	clients := appointments / perClient
	for done := 0; done < clients; done += batch {
		if _, err := db.Do(func(tx flows.Tx) error {
			for c := done; c < min(done+batch, clients); c++ {
				id, manager := int64(100_000+c), int64(900_000+c%1_000)
				notes := []flows.Note{{At: base, By: manager, Text: fmt.Sprintf("Termin beim Jobcenter, Unterlagen %d mitbringen; Sprachkurs B1 ab Mai", c)}}
				if err := tx.PutClient(&flows.Client{ID: id, Lang: "ar", Case: c + 1, CreatedAt: base, Notes: notes}); err != nil {
					return err
				}
				for i := range perClient {
					// Each manager's clients take consecutive half hours.
					start := base.Add(time.Duration((c/1_000)*perClient+i) * 30 * time.Minute)
					a := &flows.Appointment{Client: id, Manager: manager, Office: "rathaus", Start: start, End: start.Add(30 * time.Minute), Status: flows.StatusBooked, CreatedAt: base}
					if err := tx.Book(a, 1); err != nil {
						return err
					}
				}
				for i := range 5 {
					if err := tx.PutRelay(manager, c*5+i, flows.RelayRef{Client: id, Source: i, At: base}); err != nil {
						return err
					}
				}
				for _, action := range []string{"mydata", "note"} {
					if err := tx.Audit(flows.AuditEntry{At: base, Staff: manager, Action: action, Case: fmt.Sprint(c + 1)}); err != nil {
						return err
					}
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// peakHeap samples the heap in use while fn runs and returns how far it rose above what
// was in use before.
func peakHeap(fn func()) (rise uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	floor, peak := m.HeapAlloc, m.HeapAlloc
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(stop)
	<-stopped
	return peak - floor
}

// BenchmarkBackup measures a backup of the running bot at 10 000 and 100 000 appointments
// (and 1 000 000 with LOTSE_BENCH_1M=1): written to a file as the scheduled backups are,
// streamed as over the admin listener, and streamed while an erasure notice waits (the
// copy goes through temporary files then). It reports the time, the file's size and how
// far the heap rose. Run with:
// go test -run '^$' -bench Backup -benchtime 3x ./store
func BenchmarkBackup(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if os.Getenv("LOTSE_BENCH_1M") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		db := MustOpenDB(b)
		fillHistory(b, db, n)
		info, err := os.Stat(db.Path())
		if err != nil {
			b.Fatal(err)
		}
		dir := b.TempDir()
		run := func(b *testing.B, backup func() (int64, error)) {
			var rise uint64
			var size int64
			for b.Loop() {
				rise = max(rise, peakHeap(func() {
					if size, err = backup(); err != nil {
						b.Fatal(err)
					}
				}))
			}
			b.ReportMetric(float64(info.Size())/1e6, "db-MB")
			b.ReportMetric(float64(size)/1e6, "backup-MB")
			b.ReportMetric(float64(rise)/1e6, "peak-heap-MB")
		}
		toFile := func() (int64, error) { return db.BackupFile(filepath.Join(dir, "backup.db")) }
		toStream := func() (int64, error) { return db.Backup(dir, io.Discard) }
		b.Run(fmt.Sprintf("appointments=%d/to=file", n), func(b *testing.B) { run(b, toFile) })
		b.Run(fmt.Sprintf("appointments=%d/to=stream", n), func(b *testing.B) { run(b, toStream) })
		// A client's erasure, with her goodbye still waiting to be sent.
		if _, err := db.Do(func(tx flows.Tx) error {
			if err := tx.EraseClient(100_000); err != nil {
				return err
			}
			return tx.Send(flows.Outgoing{Chat: 100_000, Kind: flows.OutSend, Text: []flows.Phrase{flows.Msg("Deleted")}})
		}); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("appointments=%d/to=stream/notice_waiting", n), func(b *testing.B) { run(b, toStream) })
	}
}

// BenchmarkWipe measures what follows an erasure at 10 000 and 100 000 appointments (and
// 1 000 000 with LOTSE_BENCH_1M=1): a retention step erases 200 clients, then the free
// pages are wiped (Wipe, as the running bot does) or the file is compacted (Compact, as
// before). A writer stores a record every millisecond meanwhile; the longest it waited is
// what every update waits at worst. Run with:
// go test -run '^$' -bench Wipe -benchtime 3x ./store
func BenchmarkWipe(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if os.Getenv("LOTSE_BENCH_1M") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		db := MustOpenDB(b)
		fillHistory(b, db, n)
		next := int64(100_000) // the generated clients, erased in order
		for _, way := range []struct {
			name  string
			clean func() error
		}{{"wipe", db.Wipe}, {"compact", db.Compact}} {
			b.Run(fmt.Sprintf("appointments=%d/%s", n, way.name), func(b *testing.B) {
				var longest time.Duration
				for b.Loop() {
					b.StopTimer()
					if _, err := db.Do(func(tx flows.Tx) error {
						for range 200 {
							if err := tx.EraseClient(next); err != nil {
								return err
							}
							next++
						}
						return nil
					}); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					stop, waited := make(chan struct{}), make(chan time.Duration)
					go func() {
						var most time.Duration
						for i := int64(0); ; i++ {
							select {
							case <-stop:
								waited <- most
								return
							case <-time.After(time.Millisecond):
							}
							began := time.Now()
							if _, err := db.Do(func(tx flows.Tx) error { return tx.PutClient(&flows.Client{ID: 1 + i%10, CreatedAt: began}) }); err != nil {
								b.Error(err)
							}
							most = max(most, time.Since(began))
						}
					}()
					if err := way.clean(); err != nil {
						b.Fatal(err)
					}
					close(stop)
					longest = max(longest, <-waited)
				}
				b.ReportMetric(float64(longest.Microseconds())/1e3, "longest-write-wait-ms")
			})
		}
	}
}
