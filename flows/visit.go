package flows

import (
	"cmp"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A home visit (aufsuchende Arbeit) is an Appointment of kind KindVisit: the manager
// proposes a day and a time window at the client's housing, the client answers "I'll be
// home" or "another time", reminders and the "was it held?" prompt come like those of
// appointments, and the visit shows in the manager's day views and the case card.

// visitHours are the starts of the time windows a manager can propose; each window lasts
// visitWindow.
var visitHours = []int{8, 10, 12, 14, 16}

const (
	visitWindow   = 2 * time.Hour
	visitDaysShow = 14  // days offered as buttons
	visitMaxAhead = 180 // days: a typed date further ahead is refused
)

// visitDate is a typed date like "24.12." or "24.12.2026".
var visitDate = regexp.MustCompile(`^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})?$`)

// visitCommand handles "/visit K-0042" (the days), "/visit K-0042 24.12." (the time
// windows of that day at the client's housing) and "/visit K-0042 24.12. Nordstadt" (at
// another housing site of the town).
func (f *Flows) visitCommand(t *turn, arg string) error {
	if _, ok := f.Config.Manager(t.ev.UserID); !ok {
		return t.show(f.staffMenu().after(Msg("NotUnderstood")))
	}
	fields := strings.Fields(arg)
	if len(fields) == 0 {
		return t.show(f.staffMenu().after(Msg("StaffVisitUsage")))
	}
	place := ""
	if len(fields) > 2 {
		name := strings.Join(fields[2:], " ")
		d, ok := f.findDistrict(name)
		if !ok {
			var names []string
			for _, d := range f.Config.Districts {
				names = append(names, d.Name)
			}
			return t.show(screen{text: []Phrase{Msg("StaffVisitUnknownPlace", "Value", name, "List", strings.Join(names, ", "))}})
		}
		place = d.ID
	}
	c, err := f.visitCase(t, fields[0])
	if err != nil || c == nil {
		return err
	}
	if len(fields) == 1 {
		return f.visitDays(t, c)
	}
	day, note := f.parseVisitDate(fields[1])
	if note != nil {
		return t.show(screen{text: []Phrase{*note}})
	}
	return f.visitWindows(t, c, day, place)
}

// findDistrict finds a housing site by its id or name, ignoring case.
func (f *Flows) findDistrict(s string) (District, bool) {
	for _, d := range f.Config.Districts {
		if strings.EqualFold(d.ID, s) || strings.EqualFold(d.Name, s) {
			return d, true
		}
	}
	return District{}, false
}

// visitCase returns the client of a case label if the staff member may propose them a visit;
// otherwise it tells them why not and returns nil.
func (f *Flows) visitCase(t *turn, label string) (*Client, error) {
	c, err := f.caseOf(t, label)
	if err != nil || c == nil {
		return nil, err
	}
	if !c.Consented() {
		return nil, f.staffNote(t, Msg("StaffNoConsent", "Case", c.CaseLabel()))
	}
	return c, nil
}

// parseVisitDate reads a typed day. A date without a year lies in this year, or in the
// next one when it passed more than half a year ago ("05.01." in December). A date that does
// not exist, lies in the past or too far ahead gives a note naming it.
func (f *Flows) parseVisitDate(s string) (time.Time, *Phrase) {
	today := f.today()
	m := visitDate.FindStringSubmatch(s)
	bad := Msg("StaffVisitBadDate", "Value", s)
	if m == nil {
		return time.Time{}, &bad
	}
	d, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	y := today.Year()
	if m[3] != "" {
		y, _ = strconv.Atoi(m[3])
	}
	day := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, today.Location())
	if day.Day() != d || int(day.Month()) != mo {
		return time.Time{}, &bad
	}
	if m[3] == "" && day.Before(today.AddDate(0, -6, 0)) {
		day = day.AddDate(1, 0, 0)
	}
	switch {
	case day.Before(today):
		p := Msg("StaffVisitPastDate", "Value", s)
		return time.Time{}, &p
	case day.After(today.AddDate(0, 0, visitMaxAhead)):
		p := Msg("StaffVisitFarDate", "Value", s)
		return time.Time{}, &p
	}
	return day, nil
}

// today is the start of today in the town's zone.
func (f *Flows) today() time.Time {
	now := f.Now().In(f.Config.location())
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
}

// visitDays offers a manager the coming days for a visit to client c.
func (f *Flows) visitDays(t *turn, c *Client) error {
	today := f.today()
	s := screen{text: []Phrase{Msg("StaffVisitDays", "Case", c.CaseLabel())}}
	var row []Button
	for i := 0; i < visitDaysShow; i++ {
		day := today.AddDate(0, 0, i)
		if day.Weekday() == time.Sunday || len(f.visitStarts(day)) == 0 {
			continue
		}
		row = append(row, Button{Label: Join(" ", weekday(day), Number(day.Format("02.01."))), Data: Data(ActVisitDay, itoa(c.Case)+"."+day.Format("20060102"))})
		if len(row) == 3 {
			s.buttons, row = append(s.buttons, row), nil
		}
	}
	if len(row) > 0 {
		s.buttons = append(s.buttons, row)
	}
	s.buttons = append(s.buttons, []Button{backButton()})
	return t.show(s)
}

// visitStarts are the starts of the time windows of a day that still lie ahead.
func (f *Flows) visitStarts(day time.Time) []time.Time {
	var out []time.Time
	for _, h := range visitHours {
		if start := time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, day.Location()); start.After(f.Now()) {
			out = append(out, start)
		}
	}
	return out
}

// visitWindows offers a manager the time windows of a day for a visit to client c at
// housing site place ("" for the client's own), each with a second button "with an
// interpreter" when the client does not speak German.
func (f *Flows) visitWindows(t *turn, c *Client, day time.Time, place string) error {
	starts := f.visitStarts(day)
	if len(starts) == 0 {
		return t.show(screen{text: []Phrase{Msg("StaffVisitPastDate", "Value", day.Format("02.01.2006"))}})
	}
	head := []Phrase{
		Phrase{ID: "StaffVisitWindows", Args: map[string]string{"Case": c.CaseLabel()}, Sub: map[string]Phrase{"Day": Join(", ", weekday(day), Number(day.Format("02.01.2006")))}},
		Phrase{ID: "StaffVisitPlace", Sub: map[string]Phrase{"District": f.housing(cmp.Or(place, c.District))}},
	}
	lang := interpreterLanguage(c)
	if lang != "" {
		head = append(head, Phrase{ID: "StaffVisitInterpreterHint", Args: map[string]string{"Case": c.CaseLabel()}, Sub: map[string]Phrase{"Language": LanguageName(lang)}})
		if c.Interpreter {
			head = append(head, f.clientNeedsInterpreter(c))
		}
	}
	s := screen{text: []Phrase{Join("\n", head...)}}
	for _, start := range starts {
		arg := itoa(c.Case) + "." + start.Format("20060102") + "." + start.Format("15")
		without, with := arg, arg+".y"
		if place != "" {
			without, with = arg+".n."+place, with+"."+place
		}
		row := []Button{{Label: f.window(start), Data: Data(ActVisitAt, without)}}
		if lang != "" {
			row = append(row, Button{Label: Msg("StaffVisitWithInterpreter"), Data: Data(ActVisitAt, with)})
		}
		s.buttons = append(s.buttons, row)
	}
	s.buttons = append(s.buttons, []Button{{Label: Msg("StaffVisitOtherDay"), Data: Data(ActVisit, itoa(c.Case))}}, []Button{backButton()})
	return t.show(s)
}

// window says a visit's time window, like "10:00–12:00".
func (f *Flows) window(start time.Time) Phrase {
	local := start.In(f.Config.location())
	return Number(local.Format("15:04") + "–" + local.Add(visitWindow).Format("15:04"))
}

// visitWhen says a visit's day and time window.
func (f *Flows) visitWhen(a *Appointment) Phrase {
	local := a.Start.In(f.Config.location())
	return Phrase{ID: "VisitWhen", Sub: map[string]Phrase{"Day": weekday(local), "Date": Number(local.Format("02.01.2006")), "Window": f.window(a.Start)}}
}

// housing names a district for a manager, or says it is not known.
func (f *Flows) housing(district string) Phrase {
	if name := f.districtName(district); name != "" {
		return Literal(name)
	}
	return Msg("StaffDistrictUnknown")
}

// visitPlace names a visit's place for its client: the housing site, else "your home".
func (f *Flows) visitPlace(a *Appointment) Phrase {
	if name := f.districtName(a.Place); name != "" {
		return Literal(name)
	}
	return Msg("VisitPlaceHome")
}

// visitButton handles a manager's visit buttons. handled is false for data that does not fit
// (a day past, a window that does not exist): the caller refuses it.
func (f *Flows) visitButton(t *turn, a Action) (handled bool, err error) {
	if _, ok := f.Config.Manager(t.ev.UserID); !ok {
		return false, nil
	}
	parts := strings.Split(a.Arg, ".")
	if a.Name == ActVisit {
		c, err := f.visitCase(t, parts[0])
		if err != nil || c == nil {
			return true, err
		}
		return true, f.visitDays(t, c)
	}
	day, err := time.ParseInLocation("20060102", parts[1], f.Config.location())
	if err != nil || day.Format("20060102") != parts[1] || day.Before(f.today()) || day.After(f.today().AddDate(0, 0, visitMaxAhead)) {
		return false, nil
	}
	if a.Name == ActVisitDay {
		if len(f.visitStarts(day)) == 0 {
			return false, nil
		}
		c, err := f.visitCase(t, parts[0])
		if err != nil || c == nil {
			return true, err
		}
		return true, f.visitWindows(t, c, day, "")
	}
	var start time.Time
	for _, s := range f.visitStarts(day) {
		if s.Format("15") == parts[2] {
			start = s
		}
	}
	if start.IsZero() {
		return false, nil
	}
	c, err := f.visitCase(t, parts[0])
	if err != nil || c == nil {
		return true, err
	}
	withInterpreter := len(parts) > 3 && parts[3] == "y"
	if withInterpreter && interpreterLanguage(c) == "" {
		return false, nil
	}
	place := c.District
	if len(parts) > 4 {
		if f.districtName(parts[4]) == "" {
			return false, nil
		}
		place = parts[4]
	}
	return true, f.proposeVisit(t, c, start, withInterpreter, place)
}

// proposeVisit stores a visit at housing site place and sends it to the client in their
// language with the buttons to answer; its reminders are scheduled like an appointment's.
func (f *Flows) proposeVisit(t *turn, c *Client, start time.Time, withInterpreter bool, place string) error {
	a := &Appointment{
		Client: c.ID, Manager: t.ev.UserID, Kind: KindVisit, Place: place,
		Start: start, End: start.Add(visitWindow), Status: StatusBooked, CreatedAt: f.Now(),
	}
	if withInterpreter {
		a.Interpreter = interpreterLanguage(c)
	}
	switch err := f.storeBooking(t.tx, a, 1); {
	case ErrorCode(err) == EConflict:
		return t.show(screen{text: []Phrase{Msg("StaffVisitTaken")}})
	case err != nil:
		return err
	}
	if err := f.scheduleReminders(t.tx, a); err != nil {
		return err
	}
	if err := f.audit(t.tx, t.ev.UserID, "visit-proposed", c); err != nil {
		return err
	}
	done := Phrase{ID: "StaffVisitProposed", Args: map[string]string{"Case": c.CaseLabel()}, Sub: map[string]Phrase{"When": f.visitWhen(a)}}
	if c.Unreachable {
		done = Msg("StaffVisitUnreachable", "Case", c.CaseLabel())
	} else if err := t.tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: []Phrase{f.visitText("VisitProposed", a)}, Buttons: visitAnswerButtons(a)}); err != nil {
		return err
	}
	if a.Interpreter != "" {
		done = Join("\n", done, f.staffInterpreter(a))
	}
	return t.show(f.staffMenu().after(done))
}

// visitText is a message to the client about visit a: the heading id, when, where, and the
// interpreter.
func (f *Flows) visitText(heading string, a *Appointment) Phrase {
	p := Phrase{ID: heading, Sub: map[string]Phrase{"When": f.visitWhen(a), "Place": f.visitPlace(a)}}
	if a.Interpreter != "" {
		l, _ := LookupLanguage(a.Interpreter)
		p = Join("\n", p, Msg("ApptWithInterpreter", "Language", l.Name))
	}
	return p
}

// visitAnswerButtons are the client's answers to a visit: "I'll be home" until they said so,
// and "another time".
func visitAnswerButtons(a *Appointment) [][]Button {
	var rows [][]Button
	if !a.Confirmed {
		rows = append(rows, []Button{{Label: Msg("VisitHome"), Data: Data(ActVisitHome, a.ID)}})
	}
	return append(rows, []Button{{Label: Msg("VisitLater"), Data: Data(ActVisitLate, a.ID)}})
}

// visitAnswer records a client's answer to a visit and tells the manager. handled is false
// for a visit that is not the client's or no longer open.
func (f *Flows) visitAnswer(t *turn, c *Client, act Action) (handled bool, err error) {
	a, err := t.tx.Appointment(act.Arg)
	if isNotFound(err) || (err == nil && (!a.IsVisit() || a.Client != c.ID || a.Status != StatusBooked || !a.End.After(f.Now()))) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	args := map[string]string{"Case": c.CaseLabel()}
	if act.Name == ActVisitHome {
		a.Confirmed = true
		if err := t.tx.PutAppointment(a); err != nil {
			return true, err
		}
		if err := f.toManager(t.tx, a.Manager, Phrase{ID: "StaffVisitConfirmed", Args: args, Sub: map[string]Phrase{"When": f.visitWhen(a)}}); err != nil {
			return true, err
		}
		if err := t.show(screen{text: []Phrase{Msg("VisitThanks")}, buttons: [][]Button{{backButton()}}}); err != nil {
			return true, err
		}
		return true, t.tx.Send(f.calendar(c, a))
	}
	// The phone has the visit in its calendar once the client said they'd be home.
	var cancel *Outgoing
	if a.Confirmed {
		o := f.calendarCancel(c, a)
		cancel = &o
	}
	a.Answer = AnswerLater
	if err := f.setStatus(t.tx, a, StatusCancelled); err != nil {
		return true, err
	}
	if cancel != nil {
		if err := t.tx.Send(*cancel); err != nil {
			return true, err
		}
	}
	again := []Button{{Label: Msg("StaffVisitPropose"), Data: Data(ActVisit, itoa(c.Case))}}
	if err := f.toManager(t.tx, a.Manager, Phrase{ID: "StaffVisitLater", Args: args, Sub: map[string]Phrase{"When": f.visitWhen(a)}}, again); err != nil {
		return true, err
	}
	return true, t.show(screen{text: []Phrase{Msg("VisitLaterThanks")}, buttons: [][]Button{{backButton()}}})
}

// openVisits returns the client's home visits not yet over and not called off.
func (f *Flows) openVisits(tx AppointmentStore, c *Client) ([]*Appointment, error) {
	all, err := tx.ClientAppointments(c.ID)
	if err != nil {
		return nil, err
	}
	var out []*Appointment
	for _, a := range all {
		if a.IsVisit() && a.Status == StatusBooked && a.End.After(f.Now()) {
			out = append(out, a)
		}
	}
	return out, nil
}

// remindVisit sends a client the reminder of a visit.
func (f *Flows) remindVisit(tx Outbox, c *Client, a *Appointment) error {
	return tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: []Phrase{f.visitText("VisitReminder", a)}, Buttons: visitAnswerButtons(a)})
}

// markVisit records whether a visit was held.
func (f *Flows) markVisit(t *turn, a *Appointment, held bool) error {
	status := StatusMissed
	if held {
		status = StatusAttended
	}
	if err := f.setStatus(t.tx, a, status); err != nil {
		return err
	}
	return t.show(screen{text: []Phrase{f.staffLine(t.tx, a), Msg("StaffMarked")}})
}

// visitLine describes a visit to its manager: when, which, the client's language, the place.
func (f *Flows) visitLine(tx ClientStore, a *Appointment) Phrase {
	lang, label := "", a.ID
	if c, err := tx.Client(a.Client); err == nil {
		l, _ := LookupLanguage(c.Lang)
		lang, label = l.Name, c.CaseLabel()+" · "+a.ID
	}
	line := Phrase{ID: "StaffVisitLine", Args: map[string]string{"Appointment": label, "Language": lang}, Sub: map[string]Phrase{"When": f.visitWhen(a), "District": f.housing(a.Place)}}
	switch {
	case a.Status == StatusAttended:
		line = Join(" ", line, Literal("✅"))
	case a.Status == StatusMissed:
		line = Join(" ", line, Literal("❌"))
	case a.Confirmed:
		line = Join(" ", line, Literal("👍"))
	}
	return line
}
