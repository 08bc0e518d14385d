package store

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"time"

	"github.com/lotse-bot/lotse/flows"
)

var (
	bucketAppointments = []byte("appointments")    // id → Appointment
	bucketSeats        = []byte("seats")           // slot key → seats taken
	bucketByManager    = []byte("appt_by_manager") // manager, start, id → nothing
	bucketByClient     = []byte("appt_by_client")  // client, id → nothing
	bucketReminders    = []byte("reminders")       // due time, kind, 0, appointment id → nothing
	bucketBlocked      = []byte("blocked_days")    // manager, day 20060102 → nothing
	bucketInvites      = []byte("invites")         // token → Invite
)

// PutInvite stores an invitation.
func (t *tx) PutInvite(inv *flows.Invite) error {
	b := t.bolt.Bucket(bucketInvites)
	if old, err := getRecord[flows.Invite](b, []byte(inv.Token), "invite"); err == nil {
		if err := t.indexInvite(old, true); err != nil {
			return err
		}
	}
	if err := t.indexInvite(inv, false); err != nil {
		return err
	}
	return putRecord(b, []byte(inv.Token), inv)
}

// Invite returns an invitation, or an error with code ENotFound.
func (t *tx) Invite(token string) (*flows.Invite, error) {
	return getRecord[flows.Invite](t.bolt.Bucket(bucketInvites), []byte(token), "invite")
}

// BlockDay records that a manager holds no appointments on a day.
func (t *tx) BlockDay(manager int64, day string) error {
	return t.bolt.Bucket(bucketBlocked).Put(append(i64(manager), day...), nil)
}

// DayBlocked reports whether a manager blocked a day.
func (t *tx) DayBlocked(manager int64, day string) (bool, error) {
	k, _ := t.bolt.Bucket(bucketBlocked).Cursor().Seek(append(i64(manager), day...))
	return k != nil && bytes.Equal(k, append(i64(manager), day...)), nil
}

// Book stores a new appointment if its slot has a free seat: the check and the taking of
// the seat happen in the one transaction, and bbolt runs write transactions one at a time,
// so two clients can never take the last seat together. A full slot is an EConflict.
func (t *tx) Book(a *flows.Appointment, seats int) error {
	b := t.bolt.Bucket(bucketSeats)
	key := []byte(a.SlotKey())
	taken := uint64(0)
	if v := b.Get(key); len(v) == 8 {
		taken = binary.BigEndian.Uint64(v)
	}
	if taken >= uint64(seats) {
		return flows.Errorf(flows.EConflict, "%s is full", a.SlotKey())
	}
	seq, err := t.bolt.Bucket(bucketAppointments).NextSequence()
	if err != nil {
		return err
	}
	a.ID = "A-" + strconv.FormatUint(seq, 10)
	if err := b.Put(key, u64(taken+1)); err != nil {
		return err
	}
	if err := t.bolt.Bucket(bucketByManager).Put(managerKey(a.Manager, a.Start, a.ID), nil); err != nil {
		return err
	}
	if err := t.bolt.Bucket(bucketByClient).Put(clientKey(a.Client, a.ID), nil); err != nil {
		return err
	}
	return t.PutAppointment(a)
}

// PutAppointment stores an appointment's new state. Cancelling frees its seat.
func (t *tx) PutAppointment(a *flows.Appointment) error {
	b := t.bolt.Bucket(bucketAppointments)
	byEnd := t.bolt.Bucket(bucketApptByEnd)
	prev, err := getRecord[flows.Appointment](b, []byte(a.ID), "appointment")
	switch {
	case err != nil && flows.ErrorCode(err) != flows.ENotFound:
		return err
	case err == nil && prev.Status != flows.StatusCancelled && a.Status == flows.StatusCancelled:
		if err := t.freeSeat(a.SlotKey()); err != nil {
			return err
		}
	}
	if err == nil && !prev.End.Equal(a.End) {
		if err := byEnd.Delete(timed(prev.End, []byte(a.ID))); err != nil {
			return err
		}
	}
	if err := byEnd.Put(timed(a.End, []byte(a.ID)), nil); err != nil {
		return err
	}
	return putRecord(b, []byte(a.ID), a)
}

func (t *tx) freeSeat(slot string) error {
	b := t.bolt.Bucket(bucketSeats)
	v := b.Get([]byte(slot))
	if len(v) != 8 || binary.BigEndian.Uint64(v) <= 1 {
		return b.Delete([]byte(slot))
	}
	return b.Put([]byte(slot), u64(binary.BigEndian.Uint64(v)-1))
}

// Appointment returns an appointment, or an error with code ENotFound.
func (t *tx) Appointment(id string) (*flows.Appointment, error) {
	return getRecord[flows.Appointment](t.bolt.Bucket(bucketAppointments), []byte(id), "appointment")
}

// ClientAppointments returns a client's appointments, oldest booking first.
func (t *tx) ClientAppointments(client int64) ([]*flows.Appointment, error) {
	var out []*flows.Appointment
	prefix := i64(client)
	c := t.bolt.Bucket(bucketByClient).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		a, err := t.Appointment(string(k[8:]))
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// ManagerAppointments returns a manager's appointments starting in [from, to), in time
// order. It reads only that range of the manager's index, however many appointments the
// manager had in other weeks.
func (t *tx) ManagerAppointments(manager int64, from, to time.Time) ([]*flows.Appointment, error) {
	var out []*flows.Appointment
	c := t.bolt.Bucket(bucketByManager).Cursor()
	end := managerKey(manager, to, "")
	for k, _ := c.Seek(managerKey(manager, from, "")); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
		a, err := t.Appointment(string(k[16:]))
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// TakenSeats counts the seats taken in a manager's slots starting in [from, to), by slot
// key.
func (t *tx) TakenSeats(manager int64, from, to time.Time) (map[string]int, error) {
	appts, err := t.ManagerAppointments(manager, from, to)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, a := range appts {
		if a.Status != flows.StatusCancelled {
			out[a.SlotKey()]++
		}
	}
	return out, nil
}

// Schedule stores a reminder in the time index, and under the client it belongs to.
func (t *tx) Schedule(r flows.Reminder) error {
	k := reminderKey(r)
	owner := t.reminderOwner(r)
	if owner == 0 {
		return t.bolt.Bucket(bucketReminders).Put(k, nil)
	}
	if err := t.bolt.Bucket(bucketRemindersByClient).Put(append(i64(owner), k...), nil); err != nil {
		return err
	}
	return t.bolt.Bucket(bucketReminders).Put(k, i64(owner))
}

// Due removes and returns up to limit reminders due at or before now, earliest first. It
// walks the time index from its start and stops at the first reminder not yet due, so the
// cost depends on what is due, not on how many reminders are stored.
func (t *tx) Due(now time.Time, limit int) ([]flows.Reminder, error) {
	var out []flows.Reminder
	var keys, values [][]byte
	c := t.bolt.Bucket(bucketReminders).Cursor()
	for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
		r, ok := parseReminderKey(k)
		if !ok {
			keys, values = append(keys, k), append(values, v) // damaged: drop it
			continue
		}
		if r.At.After(now) {
			break
		}
		out = append(out, r)
		keys, values = append(keys, k), append(values, v)
	}
	for i, k := range keys {
		if err := t.unschedule(k, values[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// NextDue returns when the earliest stored reminder is due; ok is false when none is
// stored.
func (t *tx) NextDue() (at time.Time, ok bool, err error) {
	k, _ := t.bolt.Bucket(bucketReminders).Cursor().First()
	if k == nil {
		return time.Time{}, false, nil
	}
	r, valid := parseReminderKey(k)
	if !valid {
		return time.Time{}, true, nil // damaged: let Due remove it
	}
	return r.At, true, nil
}

func managerKey(manager int64, start time.Time, id string) []byte {
	return append(append(i64(manager), i64(start.Unix())...), id...)
}

func clientKey(client int64, id string) []byte { return append(i64(client), id...) }

func reminderKey(r flows.Reminder) []byte {
	k := append(i64(r.At.Unix()), r.Kind...)
	return append(append(k, 0), r.Appointment...)
}

func parseReminderKey(k []byte) (flows.Reminder, bool) {
	if len(k) < 10 {
		return flows.Reminder{}, false
	}
	kind, id, ok := bytes.Cut(k[8:], []byte{0})
	if !ok {
		return flows.Reminder{}, false
	}
	return flows.Reminder{At: time.Unix(int64(binary.BigEndian.Uint64(k[:8])), 0), Kind: flows.ReminderKind(kind), Appointment: string(id)}, true
}
