package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// The retention runs each night: it erases clients who have not used Lotse for the
// configured months and the bookkeeping that is older than that.

// RemindPurge runs the retention once a day.
const RemindPurge ReminderKind = "purge"

// purgeHour is when, in the town's night, the retention runs.
const purgeHour = 3

// Start prepares what runs by itself: the daily retention. The edge calls it when it
// starts; scheduling the same night twice stores one reminder.
func (f *Flows) Start(tx Tx) error {
	return tx.Schedule(Reminder{At: f.nextNight(f.Now()), Kind: RemindPurge, Appointment: retentionKey})
}

func (f *Flows) nextNight(now time.Time) time.Time {
	loc := f.Config.location()
	local := now.In(loc)
	night := time.Date(local.Year(), local.Month(), local.Day(), purgeHour, 0, 0, 0, loc)
	if !night.After(now) {
		night = time.Date(local.Year(), local.Month(), local.Day()+1, purgeHour, 0, 0, 0, loc)
	}
	return night
}

// retentionBatch is how many clients one step of the retention looks at. Each step is one
// transaction; the next step is a reminder due at once, so the scheduler runs it on its next
// tick and the updates that came in between are handled first.
const retentionBatch = 200

// retentionStepTime ends a step early on a slow machine: erasing a client reads and deletes
// all their records, a few hundred microseconds each on two shared cores.
const retentionStepTime = 25 * time.Millisecond

// Steps of a night's retention after the first name where it goes on (the reminder's key):
// retentionKey followed by "." and the last client looked at, or by retentionPurgeStep.
const (
	retentionKey       = "retention"
	retentionPurgeStep = ".purge"
)

// retention runs one step of the night's retention, named by step (the reminder's key): it
// erases the clients of a batch who have not used Lotse for the configured months (unless
// an appointment lies ahead); once every client was looked at, it deletes the records
// retention no longer allows, a batch at a time. Then it schedules the next step, or the
// next night.
func (f *Flows) retention(tx Tx, step string) error {
	now := f.Now()
	cutoff := now.AddDate(0, -f.Config.Privacy.RetentionMonths, 0)
	rest := strings.TrimPrefix(step, retentionKey)
	if rest != retentionPurgeStep {
		after, _ := strconv.ParseInt(strings.TrimPrefix(rest, "."), 10, 64)
		clients, err := tx.ClientsAfter(after, retentionBatch)
		if err != nil {
			return err
		}
		began := time.Now()
		for i, old := range clients {
			if old.LastSeenAt.Before(cutoff) {
				if err := f.eraseInactive(tx, old.ID, now); err != nil {
					return err
				}
			}
			// A step ends after retentionBatch clients, or sooner when it took its time:
			// every update waits for it.
			if i == len(clients)-1 && len(clients) == retentionBatch || time.Since(began) > retentionStepTime && i < len(clients)-1 {
				next := retentionKey + "." + strconv.FormatInt(old.ID, 10)
				return tx.Schedule(Reminder{At: now, Kind: RemindPurge, Appointment: next})
			}
		}
	}
	n, err := tx.Purge(cutoff)
	if err != nil {
		return err
	}
	if n > 0 {
		return tx.Schedule(Reminder{At: now, Kind: RemindPurge, Appointment: retentionKey + retentionPurgeStep})
	}
	return f.Start(tx)
}

// eraseInactive erases a client the retention found inactive, unless an appointment of
// theirs lies ahead.
func (f *Flows) eraseInactive(tx Tx, id int64, now time.Time) error {
	// Erasing one member of a household changes the records of the others: read again.
	c, err := tx.Client(id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	appts, err := tx.ClientAppointments(c.ID)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(appts, func(a *Appointment) bool { return a.Status == StatusBooked && a.Start.After(now) }) {
		return nil
	}
	if err := f.leaveHousehold(tx, c); err != nil {
		return err
	}
	if err := tx.EraseClient(c.ID); err != nil {
		return err
	}
	return tx.Audit(AuditEntry{At: now, Action: "erased-by-retention", Case: ErasedCase})
}
