package flows

import (
	"strconv"
	"strings"
)

// staffBookFor shows a manager their free times for a client (/book K-0042). For a client
// who does not speak German, each time has a second button that books it with an
// interpreter, marked by whether the office hours have one.
func (f *Flows) staffBookFor(t *turn, label string, notes ...Phrase) error {
	if _, ok := f.Config.Manager(t.ev.UserID); !ok {
		return t.show(f.staffMenu().after(Msg("NotUnderstood")))
	}
	c, ok, err := f.clientOfCase(t.tx, label)
	if err != nil {
		return err
	}
	if !ok {
		return t.show(f.staffMenu().after(Msg("StaffUnknownCase")))
	}
	if may, err := f.mayAnswer(t.tx, t.ev.UserID, c); err != nil || !may {
		if err != nil {
			return err
		}
		return t.show(f.staffMenu().after(Msg("StaffNotYourCase", "Case", c.CaseLabel())))
	}
	if !c.Consented() {
		return t.show(f.staffMenu().after(Msg("StaffNoConsent", "Case", c.CaseLabel())))
	}
	p, err := f.staffTimesPicker(t, c)
	if err != nil {
		return err
	}
	return t.show(p.page(1).after(notes...))
}

// staffTimesPicker lists a manager's free times for client c.
func (f *Flows) staffTimesPicker(t *turn, c *Client) (picker, error) {
	from, to := f.horizon()
	taken, err := t.tx.TakenSeats(t.ev.UserID, from, to)
	if err != nil {
		return picker{}, err
	}
	p := picker{
		list: listStaffTimes, context: itoa(c.Case), text: []Phrase{Msg("StaffBookFor", "Case", c.CaseLabel())},
		foot: [][]Button{{backButton()}},
	}
	lang := interpreterLanguage(c)
	if lang != "" {
		hint := Phrase{ID: "StaffBookInterpreterHint", Args: map[string]string{"Case": c.CaseLabel()}, Sub: map[string]Phrase{"Language": LanguageName(lang)}}
		if c.Interpreter {
			hint = Join("\n", hint, f.clientNeedsInterpreter(c))
		}
		p.text = append(p.text, hint)
	}
	for _, slot := range f.Config.Slots(from, to, t.ev.UserID) {
		blocked, err := f.blocked(t.tx, slot)
		if err != nil {
			return picker{}, err
		}
		if blocked || taken[slot.Key()] >= slot.Seats {
			continue
		}
		local := slot.Start.In(f.Config.location())
		arg := strconv.Itoa(c.Case) + "." + f.Config.SlotRef(slot)
		ch := choice{button: Button{Label: Join(" ", weekday(local), Number(local.Format("02.01. 15:04"))), Data: Data(ActBookFor, arg)}}
		if lang != "" {
			label := Msg("StaffBookInterpreterNone")
			if slot.Interprets(lang) {
				label = Msg("StaffBookInterpreterHere")
			}
			ch.extra = []Button{{Label: label, Data: Data(ActBookFor, arg+".y")}}
		}
		p.choices = append(p.choices, ch)
	}
	return p, nil
}

// staffTimesPage shows another page of a manager's free times for a client.
func (f *Flows) staffTimesPage(t *turn, ref pageRef) (handled bool, err error) {
	if _, ok := f.Config.Manager(t.ev.UserID); !ok {
		return false, nil
	}
	c, ok, err := f.clientOfCase(t.tx, ref.context)
	if err != nil || !ok {
		return err != nil, err
	}
	if may, err := f.mayAnswer(t.tx, t.ev.UserID, c); err != nil || !may || !c.Consented() {
		return err != nil, err
	}
	p, err := f.staffTimesPicker(t, c)
	if err != nil {
		return true, err
	}
	return t.showPage(ref, p)
}

// staffBook books the slot of a manager's button for the client, with an interpreter when
// the button says so: the client gets the confirmation and the calendar file in their
// language.
func (f *Flows) staffBook(t *turn, arg string) (handled bool, err error) {
	caseNo, rest, _ := strings.Cut(arg, ".")
	ref, choice, _ := strings.Cut(rest, ".")
	slot, ok := f.bookable(ref, f.Now())
	if !ok || slot.Manager != t.ev.UserID {
		return false, nil
	}
	c, ok, err := f.clientOfCase(t.tx, caseNo)
	if err != nil || !ok || !c.Consented() {
		return err != nil, err
	}
	if may, err := f.mayAnswer(t.tx, t.ev.UserID, c); err != nil || !may {
		return err != nil, err
	}
	if blocked, err := f.blocked(t.tx, slot); err != nil || blocked {
		return err != nil, err
	}
	a := &Appointment{
		Client: c.ID, Manager: slot.Manager, Office: slot.Office, Start: slot.Start, End: slot.End,
		Topic: topicOther, Status: StatusBooked, CreatedAt: f.Now(),
	}
	if choice == "y" {
		a.Interpreter = interpreterLanguage(c)
	}
	switch err := f.storeBooking(t.tx, a, slot.Seats); {
	case ErrorCode(err) == EConflict:
		return true, f.staffBookFor(t, caseNo, Msg("ApptSlotTaken"))
	case err != nil:
		return true, err
	}
	if err := f.scheduleReminders(t.tx, a); err != nil {
		return true, err
	}
	confirm := f.confirmation(a)
	if !c.Unreachable {
		if err := t.tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: confirm.text, Buttons: confirm.buttons}); err != nil {
			return true, err
		}
		if err := t.tx.Send(f.calendar(c, a)); err != nil {
			return true, err
		}
	}
	done := Phrase{ID: "StaffBooked", Args: map[string]string{"Case": c.CaseLabel()}, Sub: map[string]Phrase{"When": f.when(a.Start)}}
	if a.Interpreter != "" {
		done = Join("\n", done, f.staffInterpreter(a))
	}
	return true, t.show(f.staffMenu().after(done))
}

// clientOfCase finds a client by a case label or number.
func (f *Flows) clientOfCase(tx ClientStore, label string) (*Client, bool, error) {
	n, ok := ParseCaseLabel(label)
	if !ok {
		return nil, false, nil
	}
	c, err := tx.ClientByCase(n)
	if isNotFound(err) {
		return nil, false, nil
	}
	return c, err == nil, err
}
