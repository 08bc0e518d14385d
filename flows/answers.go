package flows

import "time"

// A client answers an appointment from its reminder or their list: "I'll come", "another
// time", or cancel. The answer stays on the appointment, so that the manager sees it in
// /today, /week and the case card; a manager who asks for it also gets one short message
// per answer.

// RemindMoveEnd ends a move the client began with "another time" and did not finish: the
// old entry leaves their phone's calendar. Appointment holds the moved appointment's id.
const RemindMoveEnd ReminderKind = "move"

// moveWait is how long an appointment being moved keeps its calendar entry for the one
// booked in its place, before the entry is cancelled. Picking a day and a time takes a few
// minutes; a client who leaves it for longer may not come back to it.
const moveWait = 30 * time.Minute

// moving returns the appointment client c is moving, nil when none (or it can no longer
// be moved: its calendar entry was cancelled, or another took its place).
func (f *Flows) moving(tx Tx, c *Client) (*Appointment, error) {
	if c.Moving == "" {
		return nil, nil
	}
	a, err := tx.Appointment(c.Moving)
	if isNotFound(err) {
		c.Moving = ""
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if a.Client != c.ID || a.Status != StatusCancelled || a.MovedTo != "" {
		c.Moving = ""
		return nil, nil
	}
	return a, nil
}

// endMove cancels the calendar entry of an appointment the client began to move and did
// not book again in time.
func (f *Flows) endMove(tx Tx, id string) error {
	a, err := tx.Appointment(id)
	if isNotFound(err) {
		return nil // erased with its client
	}
	if err != nil {
		return err
	}
	c, err := tx.Client(a.Client)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	still, err := f.moving(tx, c)
	if err != nil || still == nil || still.ID != a.ID {
		return err
	}
	c.Moving = ""
	if err := tx.PutClient(c); err != nil {
		return err
	}
	if c.Unreachable {
		return nil
	}
	cancel := f.calendarCancel(c, a)
	if err := tx.PutAppointment(a); err != nil {
		return err
	}
	return tx.Send(cancel)
}

// answerMark is what a manager's line of appointment a says of the client's answer, and
// false when the client gave none.
func answerMark(a *Appointment) (Phrase, bool) {
	switch {
	case a.Status == StatusCancelled && a.Answer == AnswerLater:
		return Msg("StaffAnswerLater"), true
	case a.Status == StatusCancelled && a.Answer == AnswerCancel:
		return Msg("StaffAnswerCancel"), true
	case a.Status == StatusBooked && a.Confirmed && !a.IsVisit():
		return Msg("StaffAnswerCome"), true // a visit's line has its own 👍
	}
	return Phrase{}, false
}

// tellAnswer sends the manager of appointment a one short line with client c's answer, if
// the manager asked for such notices.
func (f *Flows) tellAnswer(tx Tx, c *Client, a *Appointment) error {
	s, err := tx.Staff(a.Manager)
	if isNotFound(err) {
		return nil
	}
	if err != nil || !s.AnswerNotices {
		return err
	}
	id := "StaffNoticeCome"
	switch {
	case a.Status == StatusCancelled && a.Answer == AnswerLater:
		id = "StaffNoticeLater"
	case a.Status == StatusCancelled:
		id = "StaffNoticeCancel"
	}
	return f.toManager(tx, a.Manager, Phrase{ID: id, Args: map[string]string{"Case": c.CaseLabel()}, Sub: map[string]Phrase{"When": f.when(a.Start)}})
}

// noticesScreen tells a manager whether they get a message for each answer, with the
// button that turns it the other way.
func (f *Flows) noticesScreen(s *Staff) screen {
	if s.AnswerNotices {
		return screen{text: []Phrase{Msg("StaffNoticesOn")}, buttons: [][]Button{{{Label: Msg("StaffNoticesTurnOff"), Data: Data(ActNotices, "off")}}, {backButton()}}}
	}
	return screen{text: []Phrase{Msg("StaffNoticesOff")}, buttons: [][]Button{{{Label: Msg("StaffNoticesTurnOn"), Data: Data(ActNotices, "on")}}, {backButton()}}}
}
