// Package flows holds Lotse's conversation logic and domain: first contact, languages,
// consent and the menu. It knows nothing of HTTP or Telegram: it turns an Event and the
// stored state into new state and Outgoing messages, all inside one store transaction.
package flows

import (
	"errors"
	"time"
)

// Tx is the part of a store transaction flows need: the role interfaces below, composed.
// Everything done through one Tx is committed together or not at all, so a state change and
// the messages it causes are one fact. A helper that needs one role takes only that role, so
// a test fake or a reader sees at a glance what it touches.
type Tx interface {
	ClientStore
	StaffStore
	AppointmentStore
	RelayStore
	FigureStore
	ActivityStore
	Outbox
}

// ClientStore keeps the clients' records and what belongs to their case: case numbers,
// invitations, the integration plan, and erasure.
type ClientStore interface {
	// Client returns the stored client, or an error with code ENotFound.
	Client(id int64) (*Client, error)
	PutClient(c *Client) error
	// NextCase returns the next case number, counting from 1; ClientByCase finds a client
	// by it, or fails with ENotFound.
	NextCase() (int, error)
	ClientByCase(n int) (*Client, error)
	// Clients calls fn for every client until fn fails. ClientsAfter returns up to limit
	// clients that follow the client with id after in the store's order (0: from the
	// first), for work done in batches.
	Clients(fn func(*Client) error) error
	ClientsAfter(after int64, limit int) ([]*Client, error)
	// PutInvite stores an invitation; Invite returns one, or fails with ENotFound.
	PutInvite(inv *Invite) error
	Invite(token string) (*Invite, error)
	// Plan returns a client's integration plan, or fails with ENotFound; PutPlan stores it,
	// DeletePlan removes it.
	Plan(client int64) (*Plan, error)
	PutPlan(p *Plan) error
	DeletePlan(client int64) error
	// Trace returns everything stored about a client beyond their record; EraseClient
	// deletes the record and all of it.
	Trace(client int64) (*Trace, error)
	EraseClient(client int64) error
}

// StaffStore keeps managers' and admins' preferences.
type StaffStore interface {
	// Staff returns a manager's or admin's stored preferences, or an error with code ENotFound.
	Staff(id int64) (*Staff, error)
	PutStaff(s *Staff) error
}

// AppointmentStore keeps appointments, the seats they take, the days managers blocked, and
// the reminders due.
type AppointmentStore interface {
	// Book stores a new appointment and sets its ID if its slot has fewer than seats
	// bookings, else fails with EConflict.
	Book(a *Appointment, seats int) error
	// PutAppointment stores an appointment's new state; cancelling frees its seat.
	PutAppointment(a *Appointment) error
	// Appointment returns an appointment, or an error with code ENotFound.
	Appointment(id string) (*Appointment, error)
	// ClientAppointments returns a client's appointments.
	ClientAppointments(client int64) ([]*Appointment, error)
	// TakenSeats counts the booked seats of a manager's slots starting in [from, to), by
	// slot key.
	TakenSeats(manager int64, from, to time.Time) (map[string]int, error)
	// ManagerAppointments returns a manager's appointments starting in [from, to).
	ManagerAppointments(manager int64, from, to time.Time) ([]*Appointment, error)
	// BlockDay records that a manager holds no appointments on a day (20060102);
	// DayBlocked reports it.
	BlockDay(manager int64, day string) error
	DayBlocked(manager int64, day string) (bool, error)
	// Schedule stores a reminder; Due removes and returns those due at now.
	Schedule(r Reminder) error
	Due(now time.Time, limit int) ([]Reminder, error)
	// NextDue returns when the earliest reminder is due; ok is false when there is none.
	NextDue() (at time.Time, ok bool, err error)
}

// RelayStore keeps the bookkeeping of messages between clients and the team: which message
// in a staff chat stands for which case, where a client's message is on its way, the headers
// that offer "take case", and the rounds of group news.
type RelayStore interface {
	// PutRelay records that message msg of chat belongs to a client's case; Relay looks it
	// up, or fails with ENotFound. RelayCopies returns where a client's message was copied
	// to: chat → message id.
	PutRelay(chat int64, msg int, ref RelayRef) error
	Relay(chat int64, msg int) (RelayRef, error)
	RelayCopies(client int64, source int) (map[int64]int, error)
	// PutDelivery, Delivery and DeleteDelivery follow a client's message on its way to the
	// team (Delivery fails with ENotFound); Deliveries returns those of one client or, for
	// 0, of everyone, in the order the messages were written per client.
	PutDelivery(d *Delivery) error
	Delivery(client int64, source int) (*Delivery, error)
	DeleteDelivery(client int64, source int) error
	Deliveries(client int64) ([]*Delivery, error)
	// PutIntakeHeader records a header that offers "take case"; TakeIntakeHeaders returns
	// and forgets a client's.
	PutIntakeHeader(h IntakeHeader) error
	TakeIntakeHeaders(client int64) ([]IntakeHeader, error)
	// PutBroadcast stores a round of group news; Broadcast returns one, or fails with
	// ENotFound.
	PutBroadcast(b *Broadcast) error
	Broadcast(id string) (*Broadcast, error)
}

// FigureStore keeps what is counted for reporting, the audit log of staff access to cases,
// and the retention that forgets old bookkeeping.
type FigureStore interface {
	// CountView counts that an FAQ answer was shown in a language; no person is recorded.
	CountView(question, lang string) error
	// Views returns the counts of CountView by question and language.
	Views() (map[string]map[string]int, error)
	// Count adds one to a monthly figure (month like 2006-01); Counts returns the figures of
	// the months from to to, by month and name. Figures count events, never persons.
	Count(month, name string) error
	Counts(from, to string) (map[string]map[string]int, error)
	// Audit records a staff member's access to a case; AuditLog reads the records.
	Audit(e AuditEntry) error
	AuditLog(fn func(AuditEntry) error) error
	// Purge deletes relay bookkeeping, closed appointments, expired invitations and group
	// news rounds older than before, and returns how many records went.
	Purge(before time.Time) (int, error)
}

// ActivityStore keeps group activities and the clients' answers to them. Answers belong to
// their clients: Trace returns them and EraseClient deletes them.
type ActivityStore interface {
	// PutActivity stores an activity and gives a new one its ID; Activity returns one, or
	// fails with ENotFound; Activities calls fn for each until fn fails.
	PutActivity(a *Activity) error
	Activity(id string) (*Activity, error)
	Activities(fn func(*Activity) error) error
	// PutAnswer stores a client's answer; Answer returns one, or fails with ENotFound;
	// Answers returns those to an activity.
	PutAnswer(a *Answer) error
	Answer(activity string, client int64) (*Answer, error)
	Answers(activity string) ([]*Answer, error)
}

// Outbox takes the messages a transaction sends.
type Outbox interface {
	// Send puts a message into the outbox.
	Send(o Outgoing) error
}

// ErasedCase stands in the audit log for the case of a client who was erased.
const ErasedCase = "erased"

// AuditEntry records that a staff member read or changed a case.
type AuditEntry struct {
	At     time.Time `json:"at"`
	Staff  int64     `json:"staff"`
	Action string    `json:"action"`
	Case   string    `json:"case"`
}

// Trace is what is stored about a client beyond their record.
type Trace struct {
	Appointments []*Appointment
	Reminders    []Reminder
	Relays       []RelayRecord
	Invites      []*Invite
	Answers      []*Answer // answers to group activities
	Plan         *Plan     // nil for none
}

// RelayRecord is one message in a staff member's chat that stands for a client's case.
type RelayRecord struct {
	Chat    int64
	Message int
	Ref     RelayRef
}

// Flows handles events. It is safe for concurrent use: all state lives in the store.
type Flows struct {
	Config *Config
	FAQ    *FAQStore
	Now    func() time.Time
	// Observe, if set, is told of events worth counting: reminder_sent, reminder_skipped. It
	// is called only from Tick, whose transaction runs once.
	Observe func(event string)
	// Translator is the town's translation engine; nil while translation is off or the
	// engine has not said which languages it has.
	Translator Translator
	matcher    *LanguageMatcher
}

func (f *Flows) observe(event string) {
	if f.Observe != nil {
		f.Observe(event)
	}
}

// New returns Flows for a validated configuration and FAQ. now is the clock; pass time.Now
// outside tests.
func New(cfg *Config, faq *FAQStore, now func() time.Time) *Flows {
	return &Flows{Config: cfg, FAQ: faq, Now: now, matcher: NewLanguageMatcher(cfg.Languages)}
}

// Handle processes one event from a private chat.
func (f *Flows) Handle(tx Tx, ev Event) error {
	if ev.Kind == EventCommand && ev.Command == "myid" {
		return f.myID(tx, ev)
	}
	if ev.Kind == EventReach {
		return f.reach(tx, ev)
	}
	if f.Config.IsStaff(ev.UserID) {
		return f.handleStaff(tx, ev)
	}
	return f.handleClient(tx, ev)
}

// Failed tells the person behind ev, in their language, that something went wrong. The edge
// calls it after Handle failed or panicked, in a fresh transaction.
func (f *Flows) Failed(tx Tx, ev Event) error {
	t := &turn{tx: tx, ev: ev, lang: f.languageOf(tx, ev)}
	if ev.Kind == EventButton {
		return t.answer(Msg("InternalError"))
	}
	return t.tx.Send(Outgoing{Chat: ev.UserID, Lang: t.lang, Kind: OutSend, Text: []Phrase{Msg("InternalError")}})
}

// languageOf returns the stored language of the person behind ev, else the language their
// phone suggests, else English.
func (f *Flows) languageOf(tx Tx, ev Event) string {
	if f.Config.IsStaff(ev.UserID) {
		if s, err := tx.Staff(ev.UserID); err == nil && s.Lang != "" {
			return s.Lang
		}
		return f.Config.ManagerLanguage
	}
	if c, err := tx.Client(ev.UserID); err == nil && c.Lang != "" {
		return c.Lang
	}
	if s := f.suggestion(ev); s != "" {
		return s
	}
	return "en"
}

// offered reports whether the town offers the language option.
func (f *Flows) offered(option string) bool {
	for _, o := range f.Config.Languages {
		if o == option {
			return true
		}
	}
	return false
}

func isNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == ENotFound
}
