package flows

import (
	"slices"
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
	return tx.Schedule(Reminder{At: f.nextNight(f.Now()), Kind: RemindPurge, Appointment: "retention"})
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

// retention erases clients who have not used Lotse for the configured months (unless an
// appointment lies ahead), and the records retention no longer allows; then it schedules
// the next night.
func (f *Flows) retention(tx Tx) error {
	now := f.Now()
	cutoff := now.AddDate(0, -f.Config.Privacy.RetentionMonths, 0)
	var inactive []*Client
	err := tx.Clients(func(c *Client) error {
		if c.LastSeenAt.Before(cutoff) {
			inactive = append(inactive, c)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, old := range inactive {
		// Erasing one member of a household changes the records of the others: read again.
		c, err := tx.Client(old.ID)
		if err != nil {
			return err
		}
		appts, err := tx.ClientAppointments(c.ID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(appts, func(a *Appointment) bool { return a.Status == StatusBooked && a.Start.After(now) }) {
			continue
		}
		if err := f.leaveHousehold(tx, c); err != nil {
			return err
		}
		if err := tx.EraseClient(c.ID); err != nil {
			return err
		}
		if err := tx.Audit(AuditEntry{At: now, Action: "erased-by-retention", Case: ErasedCase}); err != nil {
			return err
		}
	}
	if _, err := tx.Purge(cutoff); err != nil {
		return err
	}
	return f.Start(tx)
}
