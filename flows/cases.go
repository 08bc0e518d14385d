package flows

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// itoa writes a case number for button data.
func itoa(n int) string { return strconv.Itoa(n) }

// mayAnswer reports whether staff member id may read and answer client c's case: the
// client's manager; while the manager is away, the substitute; while nobody looks after the
// client, or the manager blocked the bot, the managers the messages go to. Admins see case
// cards and may reassign, but answer only as managers.
func (f *Flows) mayAnswer(tx Tx, id int64, c *Client) (bool, error) {
	if _, ok := f.Config.Manager(id); !ok {
		return false, nil
	}
	if c.Manager == id {
		return true, nil
	}
	m, ok := f.Config.Manager(c.Manager)
	if !ok {
		return slices.Contains(f.team(c), id), nil
	}
	s, err := f.staff(tx, m.TelegramID)
	if err != nil {
		return false, err
	}
	if a := s.Away; a != nil && a.Substitute == id && f.awayAt(a, f.Now()) {
		return true, nil
	}
	return s.Unreachable && slices.Contains(f.colleagues(m), id), nil
}

// caseOf returns the client of a case label or button argument if staff member t may
// answer it; otherwise it tells them why not and returns nil.
func (f *Flows) caseOf(t *turn, label string) (*Client, error) {
	c, ok, err := f.clientOfCase(t.tx, label)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, f.staffNote(t, Msg("StaffUnknownCase"))
	}
	may, err := f.mayAnswer(t.tx, t.ev.UserID, c)
	if err != nil {
		return nil, err
	}
	if !may {
		return nil, f.staffNote(t, Msg("StaffNotYourCase", "Case", c.CaseLabel()))
	}
	return c, nil
}

// staffNote tells a staff member something: as a pop-up when they pressed a button, else as
// a message.
func (f *Flows) staffNote(t *turn, p Phrase) error {
	if t.ev.Kind == EventButton {
		return t.answer(p)
	}
	return t.showNew(screen{text: []Phrase{p}})
}

// staffMessage handles a manager's text or media that is not a command: a reply to a
// client's message goes to that client; anything else makes Lotse ask whom it is for.
func (f *Flows) staffMessage(t *turn) error {
	if t.ev.ReplyTo == 0 && t.staff != nil && t.staff.Activity != nil && t.staff.Activity.Waiting != "" {
		return f.activityWritten(t)
	}
	if _, ok := f.Config.Manager(t.ev.UserID); !ok {
		return t.show(f.staffMenu().after(Msg("NotUnderstood")))
	}
	if t.ev.ReplyTo == 0 && t.staff != nil && t.staff.Writing != nil {
		return f.planWritten(t)
	}
	if t.ev.ReplyTo == 0 {
		return f.askWhichCase(t)
	}
	ref, err := t.tx.Relay(t.ev.UserID, t.ev.ReplyTo)
	if isNotFound(err) {
		return t.showNew(screen{text: []Phrase{Msg("StaffNotRelay")}})
	}
	if err != nil {
		return err
	}
	c, err := t.tx.Client(ref.Client)
	if isNotFound(err) {
		return t.showNew(screen{text: []Phrase{Msg("StaffUnknownCase")}})
	}
	if err != nil {
		return err
	}
	return f.answerCase(t, c, t.ev.MessageID, managerTextOf(t.ev), ref.Correction)
}

// managerTextOf is the text of a manager's message that may be translated: a text message's,
// not a caption.
func managerTextOf(ev Event) string {
	if ev.Media != "" {
		return ""
	}
	return ev.Text
}

// answerCase passes message msg of the manager's chat on to client c, if the manager may
// answer the case: a text in the client's language when the town translates, else a copy.
// Answering a case nobody looks after takes it.
func (f *Flows) answerCase(t *turn, c *Client, msg int, text string, correction bool) error {
	may, err := f.mayAnswer(t.tx, t.ev.UserID, c)
	if err != nil {
		return err
	}
	if !may {
		return f.staffNote(t, Msg("StaffNotYourCase", "Case", c.CaseLabel()))
	}
	done := Outgoing{Chat: t.ev.UserID, Kind: OutReact, MessageID: msg, Text: []Phrase{Literal(reaction)}}
	return f.toClient(t, c, f.managerText(t, c, text, msg, correction, Outgoing{Kind: OutCopy, FromChat: t.ev.UserID, MessageID: msg}), done)
}

// managerText is how a manager's text reaches client c: as a translation job, as written
// (without the prefix that asked for it), or as the given copy.
func (f *Flows) managerText(t *turn, c *Client, text string, msg int, correction bool, copied Outgoing) Outgoing {
	if job, ok := f.translateOut(t, c, text, msg, correction); ok {
		return job
	}
	if text != "" && (asWritten(text) != text || correction) {
		o := Outgoing{Kind: OutSend, Text: []Phrase{Literal(asWritten(text))}}
		if correction {
			o.Text = append([]Phrase{Msg("TranslationCorrection")}, o.Text...)
		}
		return o
	}
	return copied
}

// toClient sends o to client c on behalf of the manager of turn t, then done to the
// manager; if the client cannot get it, the manager is told.
func (f *Flows) toClient(t *turn, c *Client, o Outgoing, done ...Outgoing) error {
	switch {
	case !c.Consented():
		return f.staffNote(t, Msg("StaffClientNoConsent", "Case", c.CaseLabel()))
	case c.Unreachable:
		return f.staffNote(t, Msg("StaffClientUnreachable", "Case", c.CaseLabel()))
	}
	if c.Manager == 0 {
		if err := f.take(t, c); err != nil {
			return err
		}
	}
	o.Chat, o.Lang = c.ID, c.Lang
	o.Then = done
	o.Else = []Outgoing{{Chat: t.ev.UserID, Lang: t.lang, Kind: OutSend, Text: []Phrase{Msg("StaffClientUnreachable", "Case", c.CaseLabel())}}}
	if err := t.tx.Send(o); err != nil {
		return err
	}
	if !c.WaitingSince.IsZero() {
		minutes := int(max(0, f.Now().Sub(c.WaitingSince)) / time.Minute)
		if err := f.count(t.tx, c.WaitingSince, c.ID, statAnswer+strconv.Itoa(minutes)); err != nil {
			return err
		}
	}
	c.WaitingSince = time.Time{}
	if err := f.countServed(t.tx, c); err != nil {
		return err
	}
	return f.saveClient(t.tx, c)
}

// take makes the manager of turn t responsible for client c and tells the colleagues who
// saw the case in the intake.
func (f *Flows) take(t *turn, c *Client) error {
	me := t.ev.UserID
	c.Manager = me
	for _, other := range c.RelayTo {
		if other == me {
			continue
		}
		if err := t.tx.Send(Outgoing{Chat: other, Lang: f.staffLang(t.tx, other), Kind: OutSend,
			Text: []Phrase{Msg("StaffTakenByOther", "Case", c.CaseLabel(), "Name", f.managerName(me))}}); err != nil {
			return err
		}
	}
	c.RelayTo = []int64{me}
	if err := f.refreshIntakeHeaders(t.tx, c); err != nil {
		return err
	}
	if err := f.audit(t.tx, me, "take", c); err != nil {
		return err
	}
	return f.saveClient(t.tx, c)
}

// takeButton handles "take case" under an intake header.
func (f *Flows) takeButton(t *turn, arg string) error {
	c, ok, err := f.clientOfCase(t.tx, arg)
	if err != nil || !ok {
		return err
	}
	if c.Manager == t.ev.UserID {
		return t.answer(Msg("StaffTaken", "Case", c.CaseLabel()))
	}
	if c.Manager != 0 {
		return t.answer(Msg("StaffAlreadyTaken", "Case", c.CaseLabel(), "Name", f.managerName(c.Manager)))
	}
	if may, err := f.mayAnswer(t.tx, t.ev.UserID, c); err != nil || !may {
		if err != nil {
			return err
		}
		return t.answer(Msg("StaffNotYourCase", "Case", c.CaseLabel()))
	}
	if err := f.take(t, c); err != nil {
		return err
	}
	return t.showNew(screen{text: []Phrase{Msg("StaffTaken", "Case", c.CaseLabel())}, buttons: f.caseButtons(c)})
}

// writeTo handles "/r K-0042 text".
func (f *Flows) writeTo(t *turn) error {
	label, text, _ := strings.Cut(strings.TrimSpace(t.ev.Text), " ")
	text = strings.TrimSpace(text)
	if label == "" || text == "" {
		return t.showNew(screen{text: []Phrase{Msg("StaffRUsage")}})
	}
	label, n := splitMember(label)
	c, err := f.caseOf(t, label)
	if err != nil || c == nil {
		return err
	}
	if n != "" {
		// "/r K-0042/2 …" writes to the household's second member.
		if c, err = f.member(t, c, n); err != nil || c == nil {
			return err
		}
	}
	return f.toClient(t, c, f.managerText(t, c, text, t.ev.MessageID, false, Outgoing{Kind: OutSend, Text: []Phrase{Literal(text)}}),
		Outgoing{Chat: t.ev.UserID, Kind: OutReact, MessageID: t.ev.MessageID, Text: []Phrase{Literal(reaction)}})
}

// askWhichCase asks a manager who wrote without replying whom the message is for, offering
// the cases that wrote last.
func (f *Flows) askWhichCase(t *turn) error {
	recent, err := f.casesOf(t.tx, t.ev.UserID)
	if err != nil {
		return err
	}
	slices.SortFunc(recent, func(a, b *Client) int { return b.RelayAt.Compare(a.RelayAt) })
	s := screen{text: []Phrase{Msg("StaffWhichCaseNone")}}
	offered := map[int]bool{}
	for _, c := range recent {
		if len(s.buttons) == 5 || c.RelayAt.IsZero() {
			break
		}
		if offered[c.Case] {
			continue // a household's members share the case
		}
		offered[c.Case] = true
		l, _ := LookupLanguage(c.Lang)
		s.buttons = append(s.buttons, []Button{{Label: Literal("✉️ " + c.CaseLabel() + " · " + l.Name), Data: Data(ActSendTo, itoa(c.Case)+"."+itoa(t.ev.MessageID))}})
	}
	if len(s.buttons) > 0 {
		s.text = []Phrase{Msg("StaffWhichCase")}
		if text := managerTextOf(t.ev); text != "" && t.staff != nil {
			t.staff.Draft = &Draft{Message: t.ev.MessageID, Text: text}
		}
	}
	return t.showNew(s)
}

// sendToButton sends the message a manager wrote without replying to the case they chose.
func (f *Flows) sendToButton(t *turn, arg string) error {
	label, msg, _ := strings.Cut(arg, ".")
	id, err := strconv.Atoi(msg)
	if err != nil || id <= 0 || id >= t.ev.MessageID {
		return t.refuse(f.staffMenu())
	}
	c, err := f.caseOf(t, label)
	if err != nil || c == nil {
		return err
	}
	text := ""
	if d := t.staff.Draft; d != nil && d.Message == id {
		text = d.Text
	}
	t.staff.Draft = nil
	if err := f.answerCase(t, c, id, text, false); err != nil {
		return err
	}
	return t.show(screen{text: []Phrase{Msg("StaffSentTo", "Case", c.CaseLabel())}})
}

// casesOf returns the clients manager id looks after, and those of their intake; an admin
// who is no manager gets every case.
func (f *Flows) casesOf(tx ClientStore, id int64) ([]*Client, error) {
	_, manager := f.Config.Manager(id)
	var out []*Client
	err := tx.Clients(func(c *Client) error {
		switch {
		case c.Case == 0 || !c.Consented():
		case !manager && f.adminSees(id, c), c.Manager == id, (c.Manager == 0 && !c.RelayAt.IsZero() && slices.Contains(c.RelayTo, id)):
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// byCase lists each case once, by the client who holds it; a household waits since its
// members' oldest unanswered message.
func byCase(clients []*Client) []*Client {
	holders := map[int64]*Client{}
	for _, c := range clients {
		if c.Holder == 0 {
			holders[c.ID] = c
		}
	}
	var out []*Client
	for _, c := range clients {
		h, ok := holders[c.Holder]
		switch {
		case c.Holder == 0:
			out = append(out, c)
		case ok && !c.WaitingSince.IsZero() && (h.WaitingSince.IsZero() || c.WaitingSince.Before(h.WaitingSince)):
			h.WaitingSince = c.WaitingSince
		}
	}
	return out
}

// listCases shows a manager their cases: waiting ones first, the longest waiting on top,
// then by last contact.
func (f *Flows) listCases(t *turn) error {
	cases, err := f.casesOf(t.tx, t.ev.UserID)
	if err != nil {
		return err
	}
	cases = byCase(cases)
	if len(cases) == 0 {
		return t.show(f.staffMenu().after(Msg("StaffClientsNone")))
	}
	slices.SortFunc(cases, func(a, b *Client) int {
		if wa, wb := !a.WaitingSince.IsZero(), !b.WaitingSince.IsZero(); wa != wb {
			if wa {
				return -1
			}
			return 1
		} else if wa {
			return a.WaitingSince.Compare(b.WaitingSince)
		}
		return cmp.Compare(b.LastSeenAt.Unix(), a.LastSeenAt.Unix())
	})
	const maxLines = 100
	lines := []Phrase{Plural("StaffClientsTitle", len(cases))}
	loc := f.Config.location()
	for i, c := range cases {
		if i == maxLines {
			lines = append(lines, Literal("…"))
			break
		}
		l, _ := LookupLanguage(c.Lang)
		line := Phrase{ID: "StaffClientLine", Args: map[string]string{"Case": c.CaseLabel(), "Language": l.Name}, Sub: map[string]Phrase{"Date": Number(c.LastSeenAt.In(loc).Format("02.01.2006"))}}
		parts := []Phrase{line}
		if len(c.Members) > 0 {
			parts = append(parts, Literal("👪 "+itoa(len(c.Members)+1)))
		}
		if c.Manager == 0 {
			parts = append([]Phrase{Literal("🆕")}, parts...)
		}
		if !c.WaitingSince.IsZero() {
			parts = append(parts, Phrase{ID: "StaffClientWaiting", Sub: map[string]Phrase{"Since": Number(c.WaitingSince.In(loc).Format("02.01. 15:04"))}})
		}
		lines = append(lines, Join(" · ", parts...))
	}
	return t.show(screen{text: []Phrase{Join("\n", lines...)}, buttons: [][]Button{{backButton()}}})
}

// profile shows a case card: language, housing, manager, the interpreter the client needs,
// appointments, notes.
func (f *Flows) profile(t *turn, label string) error {
	c, ok, err := f.clientOfCase(t.tx, label)
	if err != nil {
		return err
	}
	if !ok {
		return f.staffNote(t, Msg("StaffUnknownCase"))
	}
	may, err := f.mayAnswer(t.tx, t.ev.UserID, c)
	if err != nil {
		return err
	}
	if !may && !(f.Config.IsAdmin(t.ev.UserID) && f.adminSees(t.ev.UserID, c)) {
		return f.staffNote(t, Msg("StaffNotYourCase", "Case", c.CaseLabel()))
	}
	if err := f.audit(t.tx, t.ev.UserID, "case-card", c); err != nil {
		return err
	}
	loc := f.Config.location()
	l, _ := LookupLanguage(c.Lang)
	details := Phrase{ID: "StaffProfileDetails", Args: map[string]string{"Language": l.Name}, Sub: map[string]Phrase{
		"District": Msg("StaffDistrictUnknown"), "Manager": Msg("StaffNobody"),
		"Since": Number(c.CreatedAt.In(loc).Format("02.01.2006")), "Last": Number(c.LastSeenAt.In(loc).Format("02.01.2006")),
	}}
	if name := f.districtName(c.District); name != "" {
		details.Sub["District"] = Literal(name)
	}
	if name := f.managerName(c.Manager); name != "" {
		details.Sub["Manager"] = Literal(name)
	}
	head := []Phrase{Msg("StaffProfileTitle", "Case", c.CaseLabel()), details}
	if c.Interpreter && interpreterLanguage(c) != "" {
		head = append(head, f.clientNeedsInterpreter(c))
	}
	text := []Phrase{Join("\n", head...)}
	all, err := household(t.tx, c)
	if err != nil {
		return err
	}
	if len(all) > 1 {
		text = append(text, f.householdLines(all))
	}
	// A household's appointments are the case's: every member's count.
	var appts []*Appointment
	for _, m := range all {
		mine, err := t.tx.ClientAppointments(m.ID)
		if err != nil {
			return err
		}
		appts = append(appts, mine...)
	}
	count, visits := map[Status]int{}, map[Status]int{}
	var next, nextVisit *Appointment
	for _, a := range appts {
		if a.IsVisit() {
			visits[a.Status]++
			if a.Status == StatusBooked && a.End.After(f.Now()) && (nextVisit == nil || a.Start.Before(nextVisit.Start)) {
				nextVisit = a
			}
			continue
		}
		count[a.Status]++
		if a.Status == StatusBooked && a.Start.After(f.Now()) && (next == nil || a.Start.Before(next.Start)) {
			next = a
		}
	}
	figures := []Phrase{{ID: "StaffProfileAppointments", Sub: map[string]Phrase{
		"Held": Number(itoa(count[StatusAttended])), "Missed": Number(itoa(count[StatusMissed])), "Cancelled": Number(itoa(count[StatusCancelled])),
	}}}
	if next != nil {
		line := Phrase{ID: "StaffProfileNext", Sub: map[string]Phrase{"When": f.when(next.Start)}}
		if mark, ok := answerMark(next); ok {
			line = Join(" ", line, mark)
		}
		figures = append(figures, line)
		if next.Interpreter != "" {
			figures = append(figures, f.staffInterpreter(next))
		}
	}
	if len(visits) > 0 {
		figures = append(figures, Phrase{ID: "StaffProfileVisits", Sub: map[string]Phrase{
			"Held": Number(itoa(visits[StatusAttended])), "NotHeld": Number(itoa(visits[StatusMissed])),
		}})
	}
	if nextVisit != nil {
		figures = append(figures, Join("\n", Msg("StaffProfileNextVisit"), f.staffLine(t.tx, nextVisit)))
	}
	// Appointments ahead the client called off or wants to move: the manager may call back.
	for _, a := range appts {
		if _, ok := answerMark(a); ok && a.Status == StatusCancelled && a.Start.After(f.Now()) {
			figures = append(figures, f.staffLine(t.tx, a))
		}
	}
	if p, err := plan(t.tx, c); err != nil {
		return err
	} else if n, s, ok := nextStep(p); ok {
		figures = append(figures, Phrase{ID: "StaffProfileNextStep", Args: map[string]string{"Step": n}, Sub: map[string]Phrase{"What": Literal(s.Text), "Date": f.dueDay(s.Due)}})
	}
	text = append(text, Join("\n", figures...))
	if len(c.Notes) == 0 {
		text = append(text, Msg("StaffProfileNoNotes"))
	} else {
		notes := []Phrase{Msg("StaffProfileNotes")}
		for _, n := range c.Notes {
			notes = append(notes, Join(" – ", Number(n.At.In(loc).Format("02.01.2006")), Literal(n.Text), Literal(f.managerName(n.By))))
		}
		text = append(text, Join("\n", notes...))
	}
	var buttons [][]Button
	if may {
		buttons = f.caseButtons(c)
		if c.Consented() {
			buttons = append(buttons, []Button{{Label: Msg("StaffVisitPropose"), Data: Data(ActVisit, itoa(c.Case))}},
				[]Button{{Label: Msg("StaffHouseholdAdd"), Data: Data(ActHousehold, itoa(c.Case))}})
		}
	}
	return t.showNew(screen{text: text, buttons: buttons})
}

// clientNeedsInterpreter tells a manager that the client said they need an interpreter.
func (f *Flows) clientNeedsInterpreter(c *Client) Phrase {
	return Phrase{ID: "StaffProfileInterpreter", Sub: map[string]Phrase{"Language": LanguageName(c.Lang)}}
}

// addNote handles "/note K-0042 text".
func (f *Flows) addNote(t *turn) error {
	label, text, _ := strings.Cut(strings.TrimSpace(t.ev.Text), " ")
	text = strings.TrimSpace(text)
	if label == "" || text == "" || utf8.RuneCountInString(text) > maxNoteRunes {
		return t.showNew(screen{text: []Phrase{Msg("StaffNoteUsage")}})
	}
	c, err := f.caseOf(t, label)
	if err != nil || c == nil {
		return err
	}
	c.Notes = append(c.Notes, Note{At: f.Now(), By: t.ev.UserID, Text: text})
	if err := f.saveClient(t.tx, c); err != nil {
		return err
	}
	if err := f.audit(t.tx, t.ev.UserID, "note", c); err != nil {
		return err
	}
	return t.showNew(screen{text: []Phrase{Msg("StaffNoteAdded", "Case", c.CaseLabel())}})
}

// assign handles an admin's "/assign K-0042 Name": the case moves to that manager, who is
// told, as are the previous manager and the client. Without a name, or with one that fits
// several managers or none, the admin chooses from the list.
func (f *Flows) assign(t *turn, s *Staff) error {
	if !f.Config.IsAdmin(t.ev.UserID) {
		return t.showNew(screen{text: []Phrase{Msg("StaffOnly")}})
	}
	label, name, _ := strings.Cut(strings.TrimSpace(t.ev.Text), " ")
	name = strings.TrimSpace(name)
	if label == "" {
		return t.showNew(screen{text: []Phrase{Msg("StaffAssignUsage")}})
	}
	c, ok, err := f.clientOfCase(t.tx, label)
	if err != nil {
		return err
	}
	if !ok {
		return t.showNew(screen{text: []Phrase{Msg("StaffUnknownCase")}})
	}
	if !f.adminSees(t.ev.UserID, c) {
		return t.showNew(screen{text: []Phrase{Msg("StaffNotYourCase", "Case", c.CaseLabel())}})
	}
	p := f.assignPicker(c)
	if name == "" {
		return t.show(p.page(1))
	}
	found, ok, kept, err := t.pick(p, name)
	s.Search = kept
	if err != nil || !ok {
		return err
	}
	m, _ := f.managerOfRef(found.key)
	return f.assignTo(t, c, m)
}

// assignPicker lists the managers an admin can give case c to.
func (f *Flows) assignPicker(c *Client) picker {
	return f.managerPicker(listAssign, itoa(c.Case), ActAssign, 0, Msg("StaffAssignChoose", "Case", c.CaseLabel()))
}

// assignButton gives a case to the manager an admin chose from the list.
func (f *Flows) assignButton(t *turn, arg string) (handled bool, err error) {
	caseNo, ref, _ := strings.Cut(arg, ".")
	m, ok := f.managerOfRef(ref)
	if !ok || !f.Config.IsAdmin(t.ev.UserID) {
		return false, nil
	}
	c, ok, err := f.clientOfCase(t.tx, caseNo)
	if err != nil || !ok || !f.adminSees(t.ev.UserID, c) {
		return err != nil, err
	}
	return true, f.assignTo(t, c, m)
}

// assignPage shows another page of the managers a case can go to.
func (f *Flows) assignPage(t *turn, s *Staff, ref pageRef) (handled bool, err error) {
	if !f.Config.IsAdmin(t.ev.UserID) {
		return false, nil
	}
	c, ok, err := f.clientOfCase(t.tx, ref.context)
	if err != nil || !ok {
		return err != nil, err
	}
	all := f.assignPicker(c)
	return t.showPage(ref, all, all.narrow(s.Search))
}

// assignTo moves case c to manager m and tells everyone concerned.
func (f *Flows) assignTo(t *turn, c *Client, m Manager) error {
	previous := c.Manager
	c.Manager, c.RelayTo = m.TelegramID, nil
	if err := f.refreshIntakeHeaders(t.tx, c); err != nil {
		return err
	}
	if err := f.saveClient(t.tx, c); err != nil {
		return err
	}
	if err := f.audit(t.tx, t.ev.UserID, "assign:"+m.Name, c); err != nil {
		return err
	}
	tell := func(to int64, p Phrase) error {
		return t.tx.Send(Outgoing{Chat: to, Lang: f.staffLang(t.tx, to), Kind: OutSend, Text: []Phrase{p}})
	}
	if m.TelegramID != t.ev.UserID {
		if err := tell(m.TelegramID, Msg("StaffAssignedToYou", "Case", c.CaseLabel())); err != nil {
			return err
		}
	}
	if previous != 0 && previous != m.TelegramID && previous != t.ev.UserID {
		if err := tell(previous, Msg("StaffTakenByOther", "Case", c.CaseLabel(), "Name", m.Name)); err != nil {
			return err
		}
	}
	if previous != m.TelegramID && c.Consented() && !c.Unreachable {
		if err := t.tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: []Phrase{Msg("ClientReassigned", "Name", m.Name)}}); err != nil {
			return err
		}
	}
	return t.show(screen{text: []Phrase{Msg("StaffAssigned", "Case", c.CaseLabel(), "Name", m.Name)}})
}

func (f *Flows) managerName(id int64) string {
	m, _ := f.Config.Manager(id)
	return m.Name
}
