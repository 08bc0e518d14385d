package flows

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// dueBatch is how many due reminders one Tick handles; the rest wait for the next.
const dueBatch = 100

// Tick sends what is due now: clients' reminders and the managers' "did the client come?".
// The edge calls it regularly, and at once after a restart. A reminder leaves the index in
// the same transaction as the messages it causes, so none is lost and none is sent twice.
// After downtime, a reminder is still sent if its appointment lies ahead and skipped if
// not; of several reminders of one appointment that came due meanwhile, only the latest is
// sent. A plan step's reminders follow the same rules, against the step's day.
func (f *Flows) Tick(tx Tx) error {
	tx = scheduled{tx}
	now := f.Now()
	due, err := tx.Due(now, dueBatch)
	if err != nil {
		return err
	}
	sort.SliceStable(due, func(i, j int) bool { return due[i].At.After(due[j].At) })
	remindedOf := map[string]bool{}
	for _, r := range due {
		switch r.Kind {
		case RemindNudge:
			if err := f.nudge(tx, r.Appointment); err != nil {
				return err
			}
			continue
		case RemindStep:
			// Of a step's reminders that came due during downtime, only the latest is sent.
			if remindedOf[r.Appointment] {
				f.observe("reminder_skipped")
				continue
			}
			remindedOf[r.Appointment] = true
			if err := f.remindStep(tx, r); err != nil {
				return err
			}
			continue
		case RemindFollowUp:
			if err := f.followUp(tx, r); err != nil {
				return err
			}
			continue
		case RemindActivity:
			if err := f.remindActivity(tx, r.Appointment); err != nil {
				return err
			}
			continue
		case RemindActivityMarks:
			if err := f.askActivityMarks(tx, r.Appointment); err != nil {
				return err
			}
			continue
		case RemindPurge:
			if err := f.retention(tx, r.Appointment); err != nil {
				return err
			}
			continue
		case RemindMoveEnd:
			if err := f.endMove(tx, r.Appointment); err != nil {
				return err
			}
			continue
		case RemindKept:
			var client int64
			if _, err := fmt.Sscanf(r.Appointment, "C%d.kept", &client); err == nil {
				if err := f.retryKept(tx, client); err != nil {
					return err
				}
			}
			continue
		}
		a, err := tx.Appointment(r.Appointment)
		if isNotFound(err) {
			continue // erased with its client
		}
		if err != nil {
			return err
		}
		switch r.Kind {
		case RemindClient:
			if remindedOf[a.ID] || a.Status != StatusBooked || !a.Start.After(now) {
				f.observe("reminder_skipped")
				continue
			}
			remindedOf[a.ID] = true
			f.observe("reminder_sent")
			if err := f.remind(tx, a); err != nil {
				return err
			}
		case RemindUnmarked:
			if a.Status == StatusBooked {
				if err := f.askManager(tx, a); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Pending reports whether a reminder is due: a read-only look, so the edge writes to the
// database only when there is something to send.
func (f *Flows) Pending(tx Tx) (bool, error) {
	at, ok, err := tx.NextDue()
	return ok && !at.After(f.Now()), err
}

// remind sends a client the reminder of an appointment, with buttons to confirm, cancel or
// move it; it names the interpreter only when the office hours have one. A client who
// blocked the bot is skipped, and the manager is told.
func (f *Flows) remind(tx Tx, a *Appointment) error {
	c, err := tx.Client(a.Client)
	if err != nil {
		return err
	}
	if c.Unreachable {
		return f.toManager(tx, a.Manager, Phrase{ID: "StaffReminderUndelivered", Args: map[string]string{"Appointment": a.ID}, Sub: map[string]Phrase{"When": f.when(a.Start)}})
	}
	if a.IsVisit() {
		return f.remindVisit(tx, c, a)
	}
	o, _ := f.office(a.Office)
	text := Phrase{ID: "ReminderText", Args: map[string]string{"Office": o.Name, "Address": o.Address}, Sub: map[string]Phrase{"When": f.when(a.Start)}}
	if lang := f.arrangedInterpreter(a); lang != "" {
		l, _ := LookupLanguage(lang)
		text = Join("\n", text, Msg("ApptWithInterpreter", "Language", l.Name))
	}
	return tx.Send(Outgoing{
		Chat: c.ID, Lang: c.Lang, Kind: OutSend,
		Text: []Phrase{text},
		Buttons: [][]Button{
			{{Label: Msg("ReminderCome"), Data: Data(ActWillCome, a.ID)}},
			{{Label: Msg("ApptCancel"), Data: Data(ActCancel, a.ID)}, {Label: Msg("ApptChange"), Data: Data(ActResched, a.ID)}},
		},
	})
}

// askManager asks the manager once, after the slot and the grace period, whether the client
// came.
func (f *Flows) askManager(tx Tx, a *Appointment) error {
	if a.IsVisit() {
		return f.toManager(tx, a.Manager, Phrase{ID: "StaffVisitUnmarked", Args: map[string]string{"Appointment": a.ID}, Sub: map[string]Phrase{"When": f.visitWhen(a)}}, markButtons(a))
	}
	return f.toManager(tx, a.Manager, Phrase{ID: "StaffUnmarked", Args: map[string]string{"Appointment": a.ID}, Sub: map[string]Phrase{"When": f.when(a.Start)}}, markButtons(a))
}

// markButtons are the "came" and "did not come" buttons of an appointment, "held" and "not
// held" of a visit.
func markButtons(a *Appointment) []Button {
	if a.IsVisit() {
		return []Button{
			{Label: Msg("StaffVisitHeld", "Appointment", a.ID), Data: Data(ActCame, a.ID)},
			{Label: Msg("StaffVisitNotHeld", "Appointment", a.ID), Data: Data(ActMissed, a.ID)},
		}
	}
	return []Button{
		{Label: Msg("StaffCame", "Appointment", a.ID), Data: Data(ActCame, a.ID)},
		{Label: Msg("StaffMissed", "Appointment", a.ID), Data: Data(ActMissed, a.ID)},
	}
}

// toManager sends a manager a message in their language, with optional rows of buttons.
func (f *Flows) toManager(tx Tx, manager int64, text Phrase, rows ...[]Button) error {
	lang := f.Config.ManagerLanguage
	if s, err := tx.Staff(manager); err == nil && s.Lang != "" {
		lang = s.Lang
	}
	return tx.Send(Outgoing{Chat: manager, Lang: lang, Kind: OutSend, Text: []Phrase{text}, Buttons: rows})
}

// willCome records that the client answered a reminder "I will come", and tells the
// manager if they asked for it.
func (f *Flows) willCome(t *turn, c *Client, id string) (handled bool, err error) {
	a, err := t.tx.Appointment(id)
	if isNotFound(err) || (err == nil && (a.Client != c.ID || a.Status != StatusBooked)) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	again := a.Confirmed
	a.Confirmed = true
	if err := t.tx.PutAppointment(a); err != nil {
		return true, err
	}
	if !again { // a second press of the same button is no news
		if err := f.tellAnswer(t.tx, c, a); err != nil {
			return true, err
		}
	}
	return true, t.show(screen{text: []Phrase{Msg("ReminderThanks")}, buttons: [][]Button{{backButton()}}})
}

// staffAppointments lists a manager's appointments of a period with the marking buttons
// and the clients' answers; of the cancelled ones, only those the client called off, so the
// manager sees who will not come. It offers the notices of answers.
func (f *Flows) staffAppointments(t *turn, heading string, from, to time.Time) error {
	appts, err := t.tx.ManagerAppointments(t.ev.UserID, from, to)
	if err != nil {
		return err
	}
	s := screen{text: []Phrase{Msg(heading)}}
	for _, a := range appts {
		if a.Status == StatusCancelled && a.Answer == "" {
			continue
		}
		s.text = append(s.text, f.staffLine(t.tx, a))
		if a.Status == StatusBooked && !a.Start.After(f.Now()) {
			s.buttons = append(s.buttons, markButtons(a))
		}
	}
	if len(s.text) == 1 {
		s.text = append(s.text, Msg("StaffNoAppointments"))
	}
	if t.staff != nil {
		s.buttons = append(s.buttons, f.noticesScreen(t.staff).buttons[0])
	}
	return t.show(s)
}

// staffLine describes an appointment to its manager: when, which, the client's language,
// the topic and the interpreter; a home visit names its time window and place instead of a
// topic.
func (f *Flows) staffLine(tx Tx, a *Appointment) Phrase {
	if a.IsVisit() {
		v := f.visitLine(tx, a)
		if mark, ok := answerMark(a); ok {
			v = Join(" ", v, mark)
		}
		if a.Interpreter != "" {
			v = Join("\n", v, f.staffInterpreter(a))
		}
		return v
	}
	lang, label := "", a.ID
	if c, err := tx.Client(a.Client); err == nil {
		l, _ := LookupLanguage(c.Lang)
		lang, label = l.Name, c.CaseLabel()+" · "+a.ID
	}
	topic := Msg("ApptTopicOther")
	if _, ok := f.FAQ.Get().Topic(a.Topic); ok {
		topic = Content(PhraseTopic, a.Topic)
	} else if n, ok := strings.CutPrefix(a.Topic, stepTopicPrefix); ok {
		topic = f.stepTopicLine(tx, a.Client, strings.ReplaceAll(n, "-", "."))
	}
	line := Phrase{ID: "StaffApptLine", Args: map[string]string{"Appointment": label, "Language": lang}, Sub: map[string]Phrase{"When": f.when(a.Start), "Topic": topic}}
	switch a.Status {
	case StatusAttended:
		line = Join(" ", line, Literal("✅"))
	case StatusMissed:
		line = Join(" ", line, Literal("❌"))
	}
	if mark, ok := answerMark(a); ok {
		line = Join(" ", line, mark)
	}
	if a.Interpreter != "" {
		line = Join("\n", line, f.staffInterpreter(a))
	}
	return line
}

// staffInterpreter tells a manager that an appointment's client needs an interpreter,
// naming the language in the manager's language, and whether the office hours have one.
func (f *Flows) staffInterpreter(a *Appointment) Phrase {
	id := "StaffApptInterpreter"
	if !f.interpreterArranged(a) {
		id = "StaffApptInterpreterMissing"
	}
	return Phrase{ID: id, Sub: map[string]Phrase{"Language": LanguageName(a.Interpreter)}}
}

// mark records whether the client came. A missed appointment sends the client a kind
// follow-up with the way to book again; the second miss in a row suggests a home visit to
// the manager.
func (f *Flows) mark(t *turn, id string, came bool) (handled bool, err error) {
	a, err := t.tx.Appointment(id)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	if (a.Manager != t.ev.UserID && !f.Config.IsAdmin(t.ev.UserID)) || a.Status == StatusCancelled || a.Start.After(f.Now()) {
		return false, nil
	}
	if a.IsVisit() {
		return true, f.markVisit(t, a, came)
	}
	status := StatusMissed
	if came {
		status = StatusAttended
	}
	if err := f.setStatus(t.tx, a, status); err != nil {
		return true, err
	}
	if err := t.show(screen{text: []Phrase{f.staffLine(t.tx, a), Msg("StaffMarked")}}); err != nil {
		return true, err
	}
	if came {
		return true, nil
	}
	c, err := t.tx.Client(a.Client)
	if err != nil {
		return true, err
	}
	if !c.Unreachable {
		if err := t.tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend,
			Text:    []Phrase{{ID: "MissedFollowUp", Sub: map[string]Phrase{"When": f.when(a.Start)}}},
			Buttons: [][]Button{{{Label: Msg("ApptBook"), Data: Data(ActBook)}}, {backButton()}},
		}); err != nil {
			return true, err
		}
	}
	if missed, err := f.missedInARow(t.tx, c.ID); err != nil || missed < 2 {
		return true, err
	}
	housing := Msg("StaffDistrictUnknown")
	for _, d := range f.Config.Districts {
		if d.ID == c.District {
			housing = Literal(d.Name)
		}
	}
	propose := []Button{{Label: Msg("StaffVisitPropose"), Data: Data(ActVisit, itoa(c.Case))}}
	return true, f.toManager(t.tx, a.Manager, Phrase{ID: "StaffHomeVisit", Args: map[string]string{"Appointment": c.CaseLabel() + " · " + a.ID}, Sub: map[string]Phrase{"District": housing}}, propose)
}

// missedInARow counts the client's latest marked appointments that were missed, back to the
// last one attended.
func (f *Flows) missedInARow(tx AppointmentStore, client int64) (int, error) {
	appts, err := tx.ClientAppointments(client)
	if err != nil {
		return 0, err
	}
	sort.Slice(appts, func(i, j int) bool { return appts[i].Start.After(appts[j].Start) })
	n := 0
	for _, a := range appts {
		if a.IsVisit() {
			continue
		}
		switch a.Status {
		case StatusMissed:
			n++
		case StatusAttended:
			return n, nil
		}
	}
	return n, nil
}

// scheduled marks what the scheduler sends (reminders, follow-ups, notices), so that it
// waits behind answers and relays, also when it is still in the outbox after a restart.
type scheduled struct{ Tx }

func (s scheduled) Send(o Outgoing) error {
	o.Scheduled = true
	return s.Tx.Send(o)
}
