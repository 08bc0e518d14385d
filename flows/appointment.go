package flows

import "time"

// Status says where an appointment stands.
type Status string

// The statuses of an appointment.
const (
	StatusBooked    Status = "booked"
	StatusCancelled Status = "cancelled"
	StatusAttended  Status = "attended"
	StatusMissed    Status = "missed"
)

// Appointment is a booked seat in a slot: who, with whom, where, when and about what.
type Appointment struct {
	ID          string    `json:"id"`
	Client      int64     `json:"client"`
	Manager     int64     `json:"manager"`
	Office      string    `json:"office"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Topic       string    `json:"topic,omitempty"`       // an FAQ topic id, or "other"
	Interpreter string    `json:"interpreter,omitempty"` // language option, "" for none
	Status      Status    `json:"status"`
	Confirmed   bool      `json:"confirmed,omitempty"` // the client answered a reminder "I will come"
	CreatedAt   time.Time `json:"created_at"`
	// Kind is KindVisit for a home visit, "" for an appointment in office hours.
	Kind string `json:"kind,omitempty"`
	// Place is the district (housing site) id of a home visit, "" when not known.
	Place string `json:"place,omitempty"`
	// Answer is the client's own answer that ended the appointment: AnswerLater or
	// AnswerCancel; "" when it is open or the office cancelled it. Managers see it.
	Answer string `json:"answer,omitempty"`
	// CalendarUID is the UID of the calendar event on the client's phone when it is not
	// the appointment's own id: an appointment the client moved here keeps its event.
	CalendarUID string `json:"cal_uid,omitempty"`
	// Sequence counts the changes of that calendar event (RFC 5545 SEQUENCE): each update
	// or cancellation sent to the phone carries a higher one, so the phone replaces the
	// entry it has instead of adding a second.
	Sequence int `json:"seq,omitempty"`
	// MovedTo is, for an appointment the client moved, the appointment that took its place.
	MovedTo string `json:"moved_to,omitempty"`
}

// The client's answers that end an appointment.
const (
	AnswerLater  = "later"  // "another time": the client moves it
	AnswerCancel = "cancel" // the client cancelled it
)

// CalendarID is the UID of the appointment's calendar event, without the "@lotse" the edge
// adds.
func (a *Appointment) CalendarID() string {
	if a.CalendarUID != "" {
		return a.CalendarUID
	}
	return a.ID
}

// KindVisit marks an appointment that is a home visit: at the client's housing, outside
// office hours, one at a time for its manager.
const KindVisit = "visit"

// IsVisit reports whether the appointment is a home visit.
func (a *Appointment) IsVisit() bool { return a.Kind == KindVisit }

// SlotKey is the key of the appointment's slot. A home visit takes no seat of the office
// hours: its key is its own, so a manager's two visits cannot start at the same time.
func (a *Appointment) SlotKey() string {
	if a.IsVisit() {
		return KindVisit + "-" + SlotKey(a.Manager, a.Start)
	}
	return SlotKey(a.Manager, a.Start)
}

// ReminderKind says what a scheduled reminder is for.
type ReminderKind string

// The kinds of reminders.
const (
	// RemindClient reminds the client of an appointment ahead.
	RemindClient ReminderKind = "client"
	// RemindUnmarked asks the manager, after the slot and a grace period, whether the client
	// came.
	RemindUnmarked ReminderKind = "unmarked"
	// RemindStep reminds the client of a step of their plan; Appointment holds
	// StepReminderPrefix, the step's number and its due day.
	RemindStep ReminderKind = "step"
)

// Reminder is something due at a time: stored in an index by time, so finding what is due
// does not depend on how many reminders are stored.
type Reminder struct {
	At          time.Time
	Appointment string
	Kind        ReminderKind
}
