package flows

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/de"
)

// Slot is a time a client can book with a manager at an office. It comes from the weekly
// office hours of the configuration; bookings take its seats.
type Slot struct {
	Manager      int64
	Office       string
	Start, End   time.Time
	Seats        int
	Interpreters []string
}

// Interprets reports whether the slot's office hours have an interpreter for a client of
// language option lang. Persian and Dari count as one language, as they do for interpreters
// in Germany ("Dari/Farsi"); they are the two options that share a catalog.
func (s Slot) Interprets(lang string) bool {
	l, ok := LookupLanguage(lang)
	if !ok {
		return false
	}
	for _, code := range s.Interpreters {
		if i, _ := LookupLanguage(code); i.Catalog == l.Catalog {
			return true
		}
	}
	return false
}

// Key identifies a slot in storage: the manager's Telegram id and the start. It never goes
// into button data, which a client can read (see SlotRef).
func (s Slot) Key() string { return SlotKey(s.Manager, s.Start) }

// SlotKey is the key of the slot of manager starting at start.
func SlotKey(manager int64, start time.Time) string {
	return strconv.FormatInt(manager, 10) + "-" + strconv.FormatInt(start.Unix(), 10)
}

// SlotRef names a slot in button data: "m", the manager's place in the configuration
// (counting from 1), "-" and the start in Unix seconds. A client's Telegram app holds the
// data of every button it shows, so it must not carry the manager's Telegram id. The place
// changes when the town reorders its managers; a press is re-checked against the client's
// team and the office hours anyway, so an old button either names a slot the client may
// book or is refused. It is "" for a manager not in the configuration.
func (c *Config) SlotRef(s Slot) string {
	for i, m := range c.Managers {
		if m.TelegramID == s.Manager {
			return "m" + strconv.Itoa(i+1) + "-" + strconv.FormatInt(s.Start.Unix(), 10)
		}
	}
	return ""
}

// slotRefPattern is the shape of a SlotRef, for button data patterns too.
const slotRefPattern = `m[1-9][0-9]{0,3}-[1-9][0-9]{0,11}`

var slotRef = regexp.MustCompile(`^m([1-9][0-9]{0,3})-([1-9][0-9]{0,11})$`)

// ParseSlotRef reads a SlotRef; ok is false for anything that is not one, or whose place no
// manager holds.
func (c *Config) ParseSlotRef(ref string) (manager int64, start time.Time, ok bool) {
	parts := slotRef.FindStringSubmatch(ref)
	if parts == nil {
		return 0, time.Time{}, false
	}
	i, _ := strconv.Atoi(parts[1])
	unix, _ := strconv.ParseInt(parts[2], 10, 64)
	if i > len(c.Managers) {
		return 0, time.Time{}, false
	}
	return c.Managers[i-1].TelegramID, time.Unix(unix, 0), true
}

// publicHolidays are the public holidays of Baden-Württemberg, Easter-dependent ones
// included, from github.com/rickar/cal: a maintained calendar beats our own Easter formula.
var publicHolidays = func() *cal.Calendar {
	c := &cal.Calendar{}
	c.AddHoliday(de.HolidaysBW...)
	return c
}()

// IsPublicHoliday reports whether the day of t (in t's zone) is a public holiday in
// Baden-Württemberg.
func IsPublicHoliday(t time.Time) bool {
	actual, _, _ := publicHolidays.IsHoliday(time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, time.UTC))
	return actual
}

// Slots lists, in time order, the slots starting in [from, to) of the given managers (all
// managers for none): the weekly office hours, without Baden-Württemberg's public holidays
// and the configured closures. Times are wall-clock times in the town's zone, so a slot at
// 09:00 stays at 09:00 across the daylight-saving switches.
func (c *Config) Slots(from, to time.Time, managers ...int64) []Slot {
	loc := c.location()
	var out []Slot
	day := time.Date(from.In(loc).Year(), from.In(loc).Month(), from.In(loc).Day(), 0, 0, 0, 0, loc)
	for ; day.Before(to); day = day.AddDate(0, 0, 1) {
		if IsPublicHoliday(day) {
			continue
		}
		weekday := Weekdays[(int(day.Weekday())+6)%7]
		for _, h := range c.OfficeHours {
			if h.Weekday != weekday || (len(managers) > 0 && !slices.Contains(managers, h.Manager)) || c.closed(day, h) {
				continue
			}
			for m := h.from; m+h.SlotMinutes <= h.to; m += h.SlotMinutes {
				start := time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, loc)
				if start.Before(from) || !start.Before(to) {
					continue
				}
				out = append(out, Slot{
					Manager: h.Manager, Office: h.Office, Start: start,
					End:   start.Add(time.Duration(h.SlotMinutes) * time.Minute),
					Seats: h.Seats, Interpreters: h.Interpreters,
				})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Slot) int { return a.Start.Compare(b.Start) })
	return out
}

// Slot returns the configured slot of manager starting at start, if there is one.
func (c *Config) Slot(manager int64, start time.Time) (Slot, bool) {
	for _, s := range c.Slots(start, start.Add(time.Second), manager) {
		if s.Start.Equal(start) {
			return s, true
		}
	}
	return Slot{}, false
}

// closed reports whether a closure covers the day for the block's manager and office.
func (c *Config) closed(day time.Time, h OfficeHours) bool {
	for _, cl := range c.Closures {
		if (cl.Manager == 0 || cl.Manager == h.Manager) && (cl.Office == "" || cl.Office == h.Office) &&
			(cl.Commune == "" || cl.Commune == c.officeCommune(h.Office)) &&
			!day.Before(cl.from) && day.Before(cl.to) {
			return true
		}
	}
	return false
}

// String describes a slot for logs and errors; it names no person.
func (s Slot) String() string {
	return fmt.Sprintf("slot %s at %s", s.Key(), s.Office)
}
