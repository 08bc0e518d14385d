package flows

import (
	"slices"
	"strings"
	"time"
)

// topicOther is the topic of an appointment about something the FAQ has no topic for.
const topicOther = "other"

// bookingButton handles the appointment buttons. handled is false for data that does not
// fit the client's state (an appointment not theirs, a slot that does not exist): the caller
// refuses it.
func (f *Flows) bookingButton(t *turn, c *Client, a Action) (handled bool, err error) {
	if !c.Consented() {
		return true, t.show(f.needConsent())
	}
	now := f.Now()
	switch a.Name {
	case ActAppts:
		return true, f.showAppointments(t, c)
	case ActBook:
		c.BookStep = ""
		if a.Arg != "" {
			// "Book an appointment about this" from the plan: the appointment names the step.
			p, err := plan(t.tx, c)
			if err != nil {
				return true, err
			}
			if _, s, ok := stepAt(p, a.Arg); ok && !s.Done {
				c.BookStep = a.Arg
			}
		}
		return true, f.showDays(t, c)
	case ActDay:
		day, err := time.ParseInLocation("20060102", a.Arg, f.Config.location())
		if err != nil {
			return false, nil
		}
		return true, f.showTimes(t, c, day)
	case ActTime, ActTopicFor, ActInterp, ActConfirm:
		parts := strings.Split(a.Arg, ".")
		slot, ok := f.bookable(parts[0], now)
		if !ok || !slices.Contains(f.team(c), slot.Manager) {
			return false, nil
		}
		blocked, err := f.blocked(t.tx, slot)
		if err != nil {
			return true, err
		}
		if blocked {
			return false, nil
		}
		topic, interp := "", ""
		if len(parts) > 1 {
			topic = parts[1]
			if _, ok := f.FAQ.Get().Topic(topic); !ok && topic != topicOther && !isStepTopic(topic) {
				return false, nil
			}
		}
		if len(parts) > 2 {
			interp = parts[2]
		}
		if a.Name == ActTime && c.BookStep != "" {
			// About a step of the plan: no need to ask what it is about.
			a.Name, topic = ActTopicFor, stepTopic(c.BookStep)
		}
		switch a.Name {
		case ActTime:
			return true, t.show(f.chooseTopic(slot))
		case ActTopicFor:
			if lang := interpreterLanguage(c); lang != "" && slot.Interprets(lang) {
				return true, t.show(f.chooseInterpreter(c, slot, topic))
			}
			return true, f.check(t, c, slot, topic, c.Interpreter)
		case ActInterp:
			if interpreterLanguage(c) != "" {
				c.Interpreter = interp == "y"
			}
			return true, f.check(t, c, slot, topic, interp == "y")
		default:
			return true, f.book(t, c, slot, topic, interp == "y")
		}
	case ActWillCome:
		return f.willCome(t, c, a.Arg)
	case ActCancel, ActResched:
		appt, err := t.tx.Appointment(a.Arg)
		if isNotFound(err) || (err == nil && (appt.Client != c.ID || appt.Status != StatusBooked || !appt.Start.After(now))) {
			return false, nil
		}
		if err != nil {
			return true, err
		}
		if a.Name == ActResched {
			// The appointment moves: the one booked next takes its place in the phone's
			// calendar, and if none is booked soon the entry is cancelled (endMove).
			appt.Answer, c.Moving = AnswerLater, appt.ID
			if err := t.tx.Schedule(Reminder{At: now.Add(moveWait), Appointment: appt.ID, Kind: RemindMoveEnd}); err != nil {
				return true, err
			}
		} else {
			appt.Answer = AnswerCancel
			if err := t.tx.Send(f.calendarCancel(c, appt)); err != nil {
				return true, err
			}
		}
		note, err := f.cancel(t, appt)
		if err != nil {
			return true, err
		}
		if note.ID != "ApptCancelledLate" { // the manager was told already
			if err := f.tellAnswer(t.tx, c, appt); err != nil {
				return true, err
			}
		}
		if a.Name == ActResched {
			return true, f.showDays(t, c, note)
		}
		return true, f.showAppointments(t, c, note)
	}
	return false, nil
}

// needConsent explains that booking needs the privacy consent, with the way to give it.
func (f *Flows) needConsent() screen {
	return screen{
		text:    []Phrase{Msg("ApptNeedConsent")},
		buttons: [][]Button{{{Label: Msg("MenuPrivacy"), Data: Data(ActMenu, ItemPrivacy)}}, {backButton()}},
	}
}

// open returns the client's appointments still ahead.
func (f *Flows) open(t *turn, c *Client) ([]*Appointment, error) {
	all, err := t.tx.ClientAppointments(c.ID)
	if err != nil {
		return nil, err
	}
	var out []*Appointment
	now := f.Now()
	for _, a := range all {
		if a.Status == StatusBooked && a.Start.After(now) && !a.IsVisit() {
			out = append(out, a)
		}
	}
	return out, nil
}

// showAppointments lists the client's appointments ahead, each with cancel and another
// time, and offers to book one.
func (f *Flows) showAppointments(t *turn, c *Client, notes ...Phrase) error {
	open, err := f.open(t, c)
	if err != nil {
		return err
	}
	visits, err := f.openVisits(t.tx, c)
	if err != nil {
		return err
	}
	s := screen{text: append(notes, Msg("ApptNone"))}
	if len(open)+len(visits) > 0 {
		s.text = append(notes, Msg("ApptListTitle"))
	}
	for _, a := range open {
		s.text = append(s.text, f.summary(a.Start, a.Office, f.arrangedInterpreter(a)))
		short := Join("", Literal(" "), Number(a.Start.In(f.Config.location()).Format("02.01. 15:04")))
		s.buttons = append(s.buttons, []Button{
			{Label: Join("", Msg("ApptCancel"), short), Data: Data(ActCancel, a.ID)},
			{Label: Join("", Msg("ApptChange"), short), Data: Data(ActResched, a.ID)},
		})
	}
	for _, a := range visits {
		s.text = append(s.text, f.visitText("VisitListed", a))
		short := Join("", Literal(" "), Number(a.Start.In(f.Config.location()).Format("02.01.")))
		var row []Button
		for _, b := range visitAnswerButtons(a) {
			row = append(row, Button{Label: Join("", b[0].Label, short), Data: b[0].Data})
		}
		s.buttons = append(s.buttons, row)
	}
	if len(open) < f.Config.Booking.MaxOpen {
		s.buttons = append(s.buttons, []Button{{Label: Msg("ApptBook"), Data: Data(ActBook)}})
	}
	s.buttons = append(s.buttons, []Button{backButton()})
	return t.show(s)
}

// team returns the managers whose slots the client may book: their own manager, else those
// of the client's district, else every manager.
func (f *Flows) team(c *Client) []int64 {
	if _, ok := f.Config.Manager(c.Manager); ok {
		return []int64{c.Manager}
	}
	var all, district []int64
	for _, m := range f.Config.Managers {
		all = append(all, m.TelegramID)
		if slices.Contains(m.Districts, c.District) {
			district = append(district, m.TelegramID)
		}
	}
	if len(district) > 0 {
		return district
	}
	// A client who did not say where in their commune they live has the commune's team.
	if commune := f.Config.communeManagers(f.communeOf(c)); len(commune) > 0 {
		return commune
	}
	return all
}

// freeSlots are the slots of the client's team with a free seat.
func (f *Flows) freeSlots(t *turn, c *Client, from, to time.Time) ([]Slot, error) {
	team := f.team(c)
	taken := map[string]int{}
	for _, m := range team {
		seats, err := t.tx.TakenSeats(m, from, to)
		if err != nil {
			return nil, err
		}
		for k, n := range seats {
			taken[k] = n
		}
	}
	var out []Slot
	commune := f.communeOf(c)
	for _, s := range f.Config.Slots(from, to, team...) {
		if !f.officeServes(s.Office, commune) {
			continue // a manager of several communes meets the client in the client's own
		}
		blocked, err := f.blocked(t.tx, s)
		if err != nil {
			return nil, err
		}
		if taken[s.Key()] < s.Seats && !blocked {
			out = append(out, s)
		}
	}
	return out, nil
}

// blocked reports whether the slot's manager blocked its day.
func (f *Flows) blocked(tx AppointmentStore, s Slot) (bool, error) {
	return tx.DayBlocked(s.Manager, s.Start.In(f.Config.location()).Format("20060102"))
}

// horizon is the time window clients can book in: from now to the end of the last day.
func (f *Flows) horizon() (time.Time, time.Time) {
	now := f.Now().In(f.Config.location())
	end := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location()).AddDate(0, 0, f.Config.Booking.DaysAhead+1)
	return now, end
}

// showDays offers the days with free slots.
func (f *Flows) showDays(t *turn, c *Client, notes ...Phrase) error {
	open, err := f.open(t, c)
	if err != nil {
		return err
	}
	if len(open) >= f.Config.Booking.MaxOpen {
		return t.show(screen{text: []Phrase{Plural("ApptTooMany", f.Config.Booking.MaxOpen)}, buttons: [][]Button{{{Label: Msg("MenuAppointments"), Data: Data(ActAppts)}}, {backButton()}}})
	}
	from, to := f.horizon()
	slots, err := f.freeSlots(t, c, from, to)
	if err != nil {
		return err
	}
	s := screen{text: append(notes, Msg("ApptChooseDay"))}
	var row []Button
	seen := map[string]bool{}
	for _, slot := range slots {
		day := slot.Start.In(f.Config.location())
		key := day.Format("20060102")
		if seen[key] {
			continue
		}
		seen[key] = true
		row = append(row, Button{Label: Join(" ", weekday(day), Number(day.Format("02.01."))), Data: Data(ActDay, key)})
		if len(row) == 2 {
			s.buttons, row = append(s.buttons, row), nil
		}
	}
	if len(row) > 0 {
		s.buttons = append(s.buttons, row)
	}
	if len(seen) == 0 {
		s.text = append(notes, Plural("ApptNoSlots", f.Config.Booking.DaysAhead))
		if len(f.Config.OfficeHours) > 0 {
			s.text = append(s.text, Join("\n", Msg("FaqOfficeHours"), f.officeHours(c)))
		}
	}
	s.buttons = append(s.buttons, []Button{backButton()})
	return t.show(s)
}

// showTimes offers the free times of a day.
func (f *Flows) showTimes(t *turn, c *Client, day time.Time) error {
	p, err := f.timesPicker(t, c, day)
	if err != nil {
		return err
	}
	if len(p.choices) == 0 {
		return f.showDays(t, c, Msg("ApptSlotTaken"))
	}
	return t.show(p.page(1))
}

// timesPage shows another page of the free times of a day.
func (f *Flows) timesPage(t *turn, c *Client, ref pageRef) (handled bool, err error) {
	day, err := time.ParseInLocation("20060102", ref.context, f.Config.location())
	if err != nil || !c.Consented() {
		return false, nil
	}
	p, err := f.timesPicker(t, c, day)
	if err != nil {
		return true, err
	}
	return t.showPage(ref, p)
}

// timesPicker lists the free times of a day: three in a row, or one in a row with the office
// where the town has several.
func (f *Flows) timesPicker(t *turn, c *Client, day time.Time) (picker, error) {
	from, to := f.horizon()
	dayEnd := day.AddDate(0, 0, 1)
	if day.After(from) {
		from = day
	}
	if dayEnd.Before(to) {
		to = dayEnd
	}
	slots, err := f.freeSlots(t, c, from, to)
	if err != nil {
		return picker{}, err
	}
	p := picker{
		list: listTimes, context: day.Format("20060102"), columns: 3,
		text: []Phrase{{ID: "ApptChooseTime", Sub: map[string]Phrase{"When": Join(", ", weekday(day), Number(day.Format("02.01.2006")))}}},
		foot: [][]Button{{{Label: Msg("ApptChange"), Data: Data(ActBook)}, backButton()}},
	}
	if len(f.Config.Offices) > 1 {
		p.columns = 1
	}
	for _, slot := range slots {
		label := Number(slot.Start.In(f.Config.location()).Format("15:04"))
		if len(f.Config.Offices) > 1 {
			label = Join(" · ", label, Literal(f.officeName(slot.Office)))
		}
		p.choices = append(p.choices, choice{button: Button{Label: label, Data: Data(ActTime, f.Config.SlotRef(slot))}})
	}
	return p, nil
}

// bookable returns the slot a button's slot reference names if it exists in the
// configuration, lies ahead and within the booking horizon. Seats are checked when booking.
func (f *Flows) bookable(ref string, now time.Time) (Slot, bool) {
	manager, start, ok := f.Config.ParseSlotRef(ref)
	if !ok || !start.After(now) {
		return Slot{}, false
	}
	if _, end := f.horizon(); !start.Before(end) {
		return Slot{}, false
	}
	return f.Config.Slot(manager, start)
}

// chooseTopic asks what the appointment is about: the FAQ's topics and "something else".
func (f *Flows) chooseTopic(slot Slot) screen {
	s := screen{text: []Phrase{f.summary(slot.Start, slot.Office, ""), Msg("ApptChooseTopic")}}
	for _, topic := range f.FAQ.Get().Topics {
		s.buttons = append(s.buttons, []Button{{Label: Content(PhraseTopic, topic.ID), Data: Data(ActTopicFor, f.Config.SlotRef(slot)+"."+topic.ID)}})
	}
	s.buttons = append(s.buttons, []Button{{Label: Msg("ApptTopicOther"), Data: Data(ActTopicFor, f.Config.SlotRef(slot)+"."+topicOther)}})
	return s
}

// interpreterLanguage is the language a client would need an interpreter for: theirs, unless
// it is German.
func interpreterLanguage(c *Client) string {
	if _, ok := LookupLanguage(c.Lang); !ok || c.Lang == "de" {
		return ""
	}
	return c.Lang
}

// chooseInterpreter asks a client whether they need the interpreter the slot has for their
// language.
func (f *Flows) chooseInterpreter(c *Client, slot Slot, topic string) screen {
	l, _ := LookupLanguage(c.Lang)
	arg := f.Config.SlotRef(slot) + "." + topic
	return screen{
		text: []Phrase{f.summary(slot.Start, slot.Office, ""), Msg("ApptInterpreter", "Language", l.Name)},
		buttons: [][]Button{
			{{Label: Msg("ApptInterpreterYes", "Language", l.Name), Data: Data(ActInterp, arg+".y")}},
			{{Label: Msg("ApptInterpreterNo"), Data: Data(ActInterp, arg+".n")}},
		},
	}
}

// maxInterpreterSlots is how many times with an interpreter a client is offered instead of
// a time without one; perDayInterpreterSlots how many of them may fall on one day, so that
// the choice spans days.
const (
	maxInterpreterSlots    = 6
	perDayInterpreterSlots = 2
)

// check shows the appointment to be booked, with the button that books it. wants says the
// client needs an interpreter. Where the slot has none for their language, the client is
// told so plainly and offered the free times that have one, or to book anyway with a note
// to their manager; a client who did not ask can still say they need one.
func (f *Flows) check(t *turn, c *Client, slot Slot, topic string, wants bool) error {
	arg := f.Config.SlotRef(slot) + "." + topic + "."
	lang := interpreterLanguage(c)
	l, _ := LookupLanguage(lang)
	change := []Button{{Label: Msg("ApptChange"), Data: Data(ActBook)}, backButton()}
	confirm := func(label, choice string) []Button {
		return []Button{{Label: Msg(label), Data: Data(ActConfirm, arg+choice)}}
	}
	switch {
	case lang == "" || (!wants && slot.Interprets(lang)):
		return t.show(screen{
			text:    []Phrase{Msg("ApptCheck"), f.summary(slot.Start, slot.Office, "")},
			buttons: [][]Button{confirm("ApptConfirm", "n"), change},
		})
	case wants && slot.Interprets(lang):
		return t.show(screen{
			text:    []Phrase{Msg("ApptCheck"), f.summary(slot.Start, slot.Office, lang)},
			buttons: [][]Button{confirm("ApptConfirm", "y"), change},
		})
	case !wants:
		return t.show(screen{
			text: []Phrase{Msg("ApptCheck"), f.summary(slot.Start, slot.Office, "")},
			buttons: [][]Button{
				confirm("ApptConfirm", "n"),
				{{Label: Msg("ApptInterpreterNeed"), Data: Data(ActInterp, arg+"y")}},
				change,
			},
		})
	}
	others, err := f.interpreterSlots(t, c, lang)
	if err != nil {
		return err
	}
	s := screen{text: []Phrase{f.summary(slot.Start, slot.Office, ""), Msg("ApptNoInterpreterHere", "Language", l.Name)}}
	if len(others) == 0 {
		s.text = append(s.text, Msg("ApptNoInterpreterTimes", "Language", l.Name))
	} else {
		s.text = append(s.text, Msg("ApptInterpreterTimes", "Language", l.Name))
	}
	for _, o := range others {
		local := o.Start.In(f.Config.location())
		label := Join(" ", weekday(local), Number(local.Format("02.01. 15:04")))
		if len(f.Config.Offices) > 1 {
			label = Join(" · ", label, Literal(f.officeName(o.Office)))
		}
		s.buttons = append(s.buttons, []Button{{Label: label, Data: Data(ActInterp, f.Config.SlotRef(o)+"."+topic+".y")}})
	}
	s.text = append(s.text, Msg("ApptBookAnyway"))
	s.buttons = append(s.buttons,
		confirm("ApptConfirmTellManager", "y"),
		[]Button{{Label: Msg("ApptInterpreterNo"), Data: Data(ActInterp, arg+"n")}},
		change)
	return t.show(s)
}

// interpreterSlots are the first free times ahead, in the client's team, with an
// interpreter for lang.
func (f *Flows) interpreterSlots(t *turn, c *Client, lang string) ([]Slot, error) {
	from, to := f.horizon()
	free, err := f.freeSlots(t, c, from, to)
	if err != nil {
		return nil, err
	}
	var out []Slot
	perDay := map[string]int{}
	for _, s := range free {
		day := s.Start.In(f.Config.location()).Format("20060102")
		if !s.Interprets(lang) || perDay[day] == perDayInterpreterSlots {
			continue
		}
		perDay[day]++
		if out = append(out, s); len(out) == maxInterpreterSlots {
			break
		}
	}
	return out, nil
}

// book books the slot for the client, if a seat is still free and the client has room for
// another appointment, and sends the confirmation with a calendar file. A client who needs
// an interpreter has it stored on the appointment, and their manager is told.
func (f *Flows) book(t *turn, c *Client, slot Slot, topic string, interpreter bool) error {
	open, err := f.open(t, c)
	if err != nil {
		return err
	}
	if len(open) >= f.Config.Booking.MaxOpen {
		return f.showDays(t, c)
	}
	c.BookStep = ""
	a := &Appointment{
		Client: c.ID, Manager: slot.Manager, Office: slot.Office, Start: slot.Start, End: slot.End,
		Topic: topic, Status: StatusBooked, CreatedAt: f.Now(),
	}
	if interpreter {
		a.Interpreter = interpreterLanguage(c)
	}
	moved, err := f.moving(t.tx, c)
	if err != nil {
		return err
	}
	if moved != nil {
		a.CalendarUID, a.Sequence = moved.CalendarID(), moved.Sequence+1
	}
	switch err := f.storeBooking(t.tx, a, slot.Seats); {
	case ErrorCode(err) == EConflict:
		return f.showDays(t, c, Msg("ApptSlotTaken"))
	case err != nil:
		return err
	}
	if moved != nil {
		c.Moving, moved.MovedTo = "", a.ID
		if err := t.tx.PutAppointment(moved); err != nil {
			return err
		}
	}
	if err := f.scheduleReminders(t.tx, a); err != nil {
		return err
	}
	if a.Interpreter != "" {
		if err := f.tellInterpreter(t.tx, a); err != nil {
			return err
		}
	}
	if err := t.show(f.confirmation(a)); err != nil {
		return err
	}
	return t.tx.Send(f.calendar(c, a))
}

// tellInterpreter tells the manager of a new appointment that its client needs an
// interpreter: one the office hours have, or one the manager has to arrange.
func (f *Flows) tellInterpreter(tx Tx, a *Appointment) error {
	heading := "StaffBookedInterpreter"
	if !f.interpreterArranged(a) {
		heading = "StaffBookedNeedsInterpreter"
	}
	return f.toManager(tx, a.Manager, Join("\n", Msg(heading), f.staffLine(tx, a)))
}

// confirmation tells a client their appointment is booked: when, where, what to bring,
// with a map. It names an interpreter only when the office hours have one; a client who
// needs one there is none for hears that their manager knows.
func (f *Flows) confirmation(a *Appointment) screen {
	s := screen{text: []Phrase{Msg("ApptBooked"), f.summary(a.Start, a.Office, f.arrangedInterpreter(a))}}
	if a.Interpreter != "" && !f.interpreterArranged(a) {
		l, _ := LookupLanguage(a.Interpreter)
		s.text = append(s.text, Msg("ApptInterpreterManagerTold", "Language", l.Name))
	}
	s.text = append(s.text, Msg("ApptBring"))
	if o, ok := f.office(a.Office); ok && o.MapURL != "" {
		s.buttons = append(s.buttons, []Button{{Label: Msg("ApptMap"), URL: o.MapURL}})
	}
	s.buttons = append(s.buttons, []Button{{Label: Msg("MenuAppointments"), Data: Data(ActAppts)}, backButton()})
	return s
}

// calendar is the .ics file of an appointment for its client; it names the interpreter
// when one is arranged.
func (f *Flows) calendar(c *Client, a *Appointment) Outgoing {
	e := &CalendarEvent{
		UID: a.ID, Start: a.Start, End: a.End, Title: Msg("ApptCalendarTitle"),
		Place: f.place(a.Office), Created: a.CreatedAt,
	}
	if a.IsVisit() {
		e.Title, e.Place = Msg("VisitCalendarTitle"), f.districtName(a.Place)
	}
	if lang := f.arrangedInterpreter(a); lang != "" {
		l, _ := LookupLanguage(lang)
		e.Notes = []Phrase{Msg("ApptWithInterpreter", "Language", l.Name)}
	}
	caption := Msg("ApptCalendarFile")
	if a.Sequence > 0 {
		// An update of the event the phone has: the same UID, a newer revision.
		e.UID, e.Sequence, e.Created, caption = a.CalendarID(), a.Sequence, f.Now(), Msg("ApptCalendarUpdateFile")
	}
	return Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutCalendar, Text: []Phrase{caption}, Event: e}
}

// calendarCancel counts a change of the appointment's calendar event and returns the file
// that removes the event from the client's phone; the caller stores the appointment.
func (f *Flows) calendarCancel(c *Client, a *Appointment) Outgoing {
	a.Sequence++
	o := f.calendar(c, a)
	o.Event.Cancel = true
	o.Text = []Phrase{Msg("ApptCalendarCancelFile")}
	return o
}

// interpreterArranged reports whether an interpreter for the appointment's client is there:
// its office hours list the language. The configuration decides, not the booking: older
// Lotse versions stored an interpreter for any slot.
func (f *Flows) interpreterArranged(a *Appointment) bool {
	if a.Interpreter == "" {
		return false
	}
	if a.IsVisit() {
		return true // the manager chose to bring one
	}
	slot, ok := f.Config.Slot(a.Manager, a.Start)
	return ok && slot.Interprets(a.Interpreter)
}

// arrangedInterpreter is the language of the appointment's interpreter if one is there,
// else "".
func (f *Flows) arrangedInterpreter(a *Appointment) string {
	if !f.interpreterArranged(a) {
		return ""
	}
	return a.Interpreter
}

// scheduleReminders stores the client's reminders that still lie ahead, and the prompt to
// the manager after the slot.
func (f *Flows) scheduleReminders(tx AppointmentStore, a *Appointment) error {
	now := f.Now()
	for _, before := range f.Config.Booking.ReminderOffsets() {
		if at := a.Start.Add(-before); at.After(now) {
			if err := tx.Schedule(Reminder{At: at, Appointment: a.ID, Kind: RemindClient}); err != nil {
				return err
			}
		}
	}
	grace := time.Duration(f.Config.Booking.GraceMinutes) * time.Minute
	return tx.Schedule(Reminder{At: a.End.Add(grace), Appointment: a.ID, Kind: RemindUnmarked})
}

// cancel cancels a client's appointment and returns the note that says so. Shortly before
// the appointment — within the cancel cut-off, or once reminders went out — the manager is
// told as well.
func (f *Flows) cancel(t *turn, a *Appointment) (Phrase, error) {
	if err := f.setStatus(t.tx, a, StatusCancelled); err != nil {
		return Phrase{}, err
	}
	late := time.Duration(f.Config.Booking.CancelCutoffHours) * time.Hour
	for _, r := range f.Config.Booking.ReminderOffsets() {
		late = max(late, r)
	}
	if f.Now().Add(late).Before(a.Start) {
		return Msg("ApptCancelled"), nil
	}
	lang := f.Config.ManagerLanguage
	if s, err := t.tx.Staff(a.Manager); err == nil && s.Lang != "" {
		lang = s.Lang
	}
	if err := t.tx.Send(Outgoing{Chat: a.Manager, Lang: lang, Kind: OutSend, Text: []Phrase{
		{ID: "StaffApptCancelledLate", Args: map[string]string{"Appointment": a.ID}, Sub: map[string]Phrase{"When": f.when(a.Start)}},
	}}); err != nil {
		return Phrase{}, err
	}
	return Msg("ApptCancelledLate"), nil
}

// summary describes an appointment: when, where, and the interpreter for language option
// interpreter if one is there ("" for none).
func (f *Flows) summary(start time.Time, office, interpreter string) Phrase {
	o, _ := f.office(office)
	p := Phrase{ID: "ApptSummary", Args: map[string]string{"Office": o.Name, "Address": o.Address}, Sub: map[string]Phrase{"When": f.when(start)}}
	if interpreter == "" {
		return p
	}
	l, _ := LookupLanguage(interpreter)
	return Join("\n", p, Msg("ApptWithInterpreter", "Language", l.Name))
}

// when says a time as weekday, date and time of day in the town's zone.
func (f *Flows) when(t time.Time) Phrase {
	local := t.In(f.Config.location())
	return Phrase{ID: "ApptWhen", Sub: map[string]Phrase{"Day": weekday(local), "Date": Number(local.Format("02.01.2006")), "Time": Number(local.Format("15:04"))}}
}

// weekdayIDs name the weekdays in the catalogs, Sunday first like time.Weekday.
var weekdayIDs = [7]string{"WeekdaySun", "WeekdayMon", "WeekdayTue", "WeekdayWed", "WeekdayThu", "WeekdayFri", "WeekdaySat"}

func weekday(t time.Time) Phrase { return Msg(weekdayIDs[t.Weekday()]) }

func (f *Flows) office(id string) (Office, bool) {
	for _, o := range f.Config.Offices {
		if o.ID == id {
			return o, true
		}
	}
	return Office{}, false
}

func (f *Flows) officeName(id string) string {
	o, _ := f.office(id)
	return o.Name
}

// place is an office's name and address, for calendar files.
func (f *Flows) place(id string) string {
	o, _ := f.office(id)
	return o.Name + ", " + o.Address
}
