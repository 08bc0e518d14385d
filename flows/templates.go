package flows

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// A readyMade is a ready-made message a manager picks by its label in their language and the
// client reads in theirs: both come from the catalogs, so a German label sends Arabic text.
type readyMade struct {
	id    string // in button data
	msg   string // catalog message; its label is msg + "Label"
	param string // what the manager chooses before sending: "", "date", "doc", "phone", "day"
}

// templates are the ready-made replies under a relayed message.
var templates = []readyMade{
	{"recv", "TplReceived", ""},
	{"by", "TplAnswerBy", "date"},
	{"bring", "TplBring", "doc"},
	{"call", "TplCall", "phone"},
	{"conf", "TplApptConfirmed", ""},
	{"photo", "TplSendPhoto", ""},
	{"away", "TplAway", "date"},
	{"oh", "TplOfficeHours", "day"},
	{"done", "TplDone", ""},
	{"more", "TplMoreInfo", ""},
	{"book", "TplBookAppt", ""},
	{"fwd", "TplForwarded", ""},
	{"dl", "TplDeadline", ""},
	{"interp", "TplInterpreter", ""},
	{"mail", "TplCheckMail", ""},
	{"thanks", "TplThanks", ""},
}

// newsTemplates are the group news a manager can send to many clients at once.
var newsTemplates = []readyMade{
	{"info", "BcInfoEvening", "date"},
	{"cafe", "BcLanguageCafe", "date"},
	{"women", "BcWomenCafe", "date"},
	{"closed", "BcOfficeClosed", "date"},
}

// documents are what TplBring can ask for, by id.
var documents = []struct{ id, msg string }{
	{"pass", "DocPassport"}, {"res", "DocResidence"}, {"jc", "DocJobcenter"}, {"rent", "DocRent"},
	{"bank", "DocBank"}, {"pay", "DocPayslips"}, {"health", "DocHealthCard"}, {"school", "DocSchool"}, {"letters", "DocLetters"},
}

var (
	templateArg = regexp.MustCompile(`^[0-9]{1,9}\.[a-z]{1,8}(\.[a-z0-9]{1,8})?$`)
	sendToArg   = regexp.MustCompile(`^[0-9]{1,9}\.[0-9]{1,10}$`)
	caseArg     = regexp.MustCompile(`^[0-9]{1,9}$`)
	newsArg     = regexp.MustCompile(`^[a-z]{1,8}(\.[0-9]{8}(\.(all|d-[a-z0-9][a-z0-9_-]{0,31}|l-[a-z]{2,3}))?)?$`)
)

func findTemplate(list []readyMade, id string) (readyMade, bool) {
	for _, t := range list {
		if t.id == id {
			return t, true
		}
	}
	return readyMade{}, false
}

// templateMenu lists the ready-made replies for a case.
func (f *Flows) templateMenu(t *turn, label string) error {
	c, err := f.caseOf(t, label)
	if err != nil || c == nil {
		return err
	}
	l, _ := LookupLanguage(c.Lang)
	s := screen{text: []Phrase{Msg("StaffTemplatesFor", "Case", c.CaseLabel(), "Language", l.Name)}}
	var row []Button
	for _, tpl := range templates {
		row = append(row, Button{Label: Msg(tpl.msg + "Label"), Data: Data(ActTemplate, itoa(c.Case)+"."+tpl.id)})
		if len(row) == 2 {
			s.buttons, row = append(s.buttons, row), nil
		}
	}
	if len(row) > 0 {
		s.buttons = append(s.buttons, row)
	}
	return t.showNew(s)
}

// templateButton sends a ready-made reply, after asking for its date, document or day.
func (f *Flows) templateButton(t *turn, arg string) error {
	parts := strings.Split(arg, ".")
	c, err := f.caseOf(t, parts[0])
	if err != nil || c == nil {
		return err
	}
	tpl, ok := findTemplate(templates, parts[1])
	if !ok {
		return t.refuse(f.staffMenu())
	}
	value := ""
	if len(parts) == 3 {
		value = parts[2]
	}
	prefix := itoa(c.Case) + "." + tpl.id + "."
	p := Phrase{ID: tpl.msg}
	var buttons [][]Button
	switch tpl.param {
	case "date", "day":
		if value == "" {
			return t.show(f.dayPicker(ActTemplate, prefix, tpl.param == "day", t.ev.UserID))
		}
		day, ok := f.pickedDay(value)
		if !ok {
			return t.refuse(f.staffMenu())
		}
		name := map[string]string{"date": "Date", "day": "Day"}[tpl.param]
		p.Sub = map[string]Phrase{name: Join(", ", weekday(day), Number(day.Format("02.01.2006")))}
	case "doc":
		if value == "" {
			s := screen{text: []Phrase{Msg("StaffTemplateDocument")}}
			for _, d := range documents {
				s.buttons = append(s.buttons, []Button{{Label: Msg(d.msg), Data: Data(ActTemplate, prefix+d.id)}})
			}
			return t.show(s)
		}
		found := false
		for _, d := range documents {
			if d.id == value {
				p.Sub, found = map[string]Phrase{"Document": Msg(d.msg)}, true
			}
		}
		if !found {
			return t.refuse(f.staffMenu())
		}
	case "phone":
		m, _ := f.Config.Manager(t.ev.UserID)
		if m.Phone == "" {
			return t.answer(Msg("StaffTemplateNoPhone"))
		}
		p.Args = map[string]string{"Phone": m.Phone}
	}
	text := []Phrase{p}
	switch tpl.id {
	case "oh":
		text = append(text, f.officeHoursNote(c))
	case "book":
		buttons = [][]Button{{{Label: Msg("ApptBook"), Data: Data(ActBook)}}}
	}
	if err := f.toClient(t, c, Outgoing{Kind: OutSend, Text: text, Buttons: buttons}); err != nil {
		return err
	}
	if !c.Consented() || c.Unreachable {
		return nil
	}
	l, _ := LookupLanguage(c.Lang)
	return t.show(screen{text: append([]Phrase{Msg("StaffTemplateSent", "Case", c.CaseLabel(), "Language", l.Name)}, text...)})
}

// dayPicker offers the coming days: for office hours, the days the manager holds them.
func (f *Flows) dayPicker(action, prefix string, officeHours bool, manager int64) screen {
	loc := f.Config.location()
	now := f.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	horizon := f.Config.Booking.DaysAhead
	held := map[string]bool{}
	if officeHours {
		for _, s := range f.Config.Slots(today, today.AddDate(0, 0, horizon+1), manager) {
			held[s.Start.In(loc).Format("20060102")] = true
		}
		if len(held) == 0 {
			for _, s := range f.Config.Slots(today, today.AddDate(0, 0, horizon+1)) {
				held[s.Start.In(loc).Format("20060102")] = true
			}
		}
	}
	s := screen{text: []Phrase{Msg("StaffTemplateDate")}}
	var row []Button
	for i := 0; i <= horizon; i++ {
		day := today.AddDate(0, 0, i)
		key := day.Format("20060102")
		if officeHours && !held[key] || !officeHours && (day.Weekday() == time.Saturday || day.Weekday() == time.Sunday) {
			continue
		}
		row = append(row, Button{Label: Join(" ", weekday(day), Number(day.Format("02.01."))), Data: Data(action, prefix+key)})
		if len(row) == 3 {
			s.buttons, row = append(s.buttons, row), nil
		}
	}
	if len(row) > 0 {
		s.buttons = append(s.buttons, row)
	}
	return s
}

// pickedDay reads a day from button data: today or up to a year ahead.
func (f *Flows) pickedDay(s string) (time.Time, bool) {
	loc := f.Config.location()
	day, err := time.ParseInLocation("20060102", s, loc)
	now := f.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	return day, err == nil && !day.Before(today) && day.Before(today.AddDate(1, 0, 0))
}

// newsMenu lists the group news a manager can send.
func (f *Flows) newsMenu() screen {
	s := screen{text: []Phrase{Msg("StaffBroadcastChoose")}}
	for _, n := range newsTemplates {
		s.buttons = append(s.buttons, []Button{{Label: Msg(n.msg + "Label"), Data: Data(ActNews, n.id)}})
	}
	return s
}

// newsButton walks a manager through group news: the message, its day, the recipients,
// and a confirmation that says how many clients will get it.
func (f *Flows) newsButton(t *turn, arg string, send bool) error {
	if _, ok := f.Config.Manager(t.ev.UserID); !ok && !f.Config.IsAdmin(t.ev.UserID) {
		return t.refuse(f.staffMenu())
	}
	parts := strings.Split(arg, ".")
	tpl, ok := findTemplate(newsTemplates, parts[0])
	if !ok {
		return t.refuse(f.staffMenu())
	}
	if len(parts) == 1 {
		return t.show(f.dayPicker(ActNews, tpl.id+".", false, t.ev.UserID))
	}
	day, ok := f.pickedDay(parts[1])
	if !ok {
		return t.refuse(f.staffMenu())
	}
	if len(parts) == 2 {
		return t.show(f.segmentPicker(t, tpl.id+"."+parts[1]).page(1))
	}
	recipients, err := f.segment(t, parts[2])
	if err != nil {
		return err
	}
	text := Phrase{ID: tpl.msg, Sub: map[string]Phrase{"Date": Join(", ", weekday(day), Number(day.Format("02.01.2006")))}}
	if len(recipients) == 0 {
		return t.show(f.staffMenu().after(Msg("StaffBroadcastNone")))
	}
	if !send {
		return t.show(screen{
			text:    []Phrase{Plural("StaffBroadcastConfirm", len(recipients)), text},
			buttons: [][]Button{{{Label: Msg("StaffBroadcastSend"), Data: Data(ActNewsSend, arg)}, {Label: Msg("StaffCancel"), Data: Data(ActMenu, ItemHome)}}},
		})
	}
	// One confirmation sends once, however often its button is pressed.
	b := &Broadcast{ID: fmt.Sprintf("%d-%d", t.ev.UserID, t.ev.MessageID), Sender: t.ev.UserID, Progress: t.ev.MessageID, Count: len(recipients), At: f.Now()}
	if _, err := t.tx.Broadcast(b.ID); err == nil {
		return t.answer(Msg("ButtonExpired"))
	} else if !isNotFound(err) {
		return err
	}
	if err := t.tx.PutBroadcast(b); err != nil {
		return err
	}
	for _, c := range recipients {
		if err := t.tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: []Phrase{text}, Broadcast: b.ID,
			Buttons: [][]Button{{{Label: Msg("BroadcastOptOut"), Data: Data(ActNewsOff, "off")}}}}); err != nil {
			return err
		}
	}
	return t.show(screen{text: []Phrase{{ID: "StaffBroadcastProgress", Sub: map[string]Phrase{"Sent": Number("0"), "Count": Number(itoa(b.Count))}}}})
}

// segmentPicker offers the groups a manager can send group news to: their clients, those of
// one housing site, those of one language. news is the news and its day, "info.20270323".
func (f *Flows) segmentPicker(t *turn, news string) picker {
	prefix := news + "."
	p := picker{
		list: listSegments, context: news, text: []Phrase{Msg("StaffBroadcastSegment")},
		head: [][]Button{{{Label: Msg("StaffSegmentMine"), Data: Data(ActNews, prefix+"all")}}},
	}
	m, _ := f.Config.Manager(t.ev.UserID)
	led, county := f.Config.AdminCommunes(t.ev.UserID)
	for _, d := range f.Config.Districts {
		if county || slices.Contains(led, d.Commune) || slices.Contains(m.Districts, d.ID) {
			p.choices = append(p.choices, choice{key: d.ID, name: d.Name, button: Button{Label: Literal("🏠 " + d.Name), Data: Data(ActNews, prefix+"d-"+d.ID)}})
		}
	}
	var row []Button
	for _, option := range f.Config.Languages {
		l, _ := LookupLanguage(option)
		row = append(row, Button{Label: Literal("🌐 " + l.Name), Data: Data(ActNews, prefix+"l-"+option)})
		if len(row) == 3 {
			p.foot, row = append(p.foot, row), nil
		}
	}
	if len(row) > 0 {
		p.foot = append(p.foot, row)
	}
	return p
}

// segmentPage shows another page of the housing sites group news can go to.
func (f *Flows) segmentPage(t *turn, ref pageRef) (handled bool, err error) {
	if _, ok := f.Config.Manager(t.ev.UserID); !ok && !f.Config.IsAdmin(t.ev.UserID) {
		return false, nil
	}
	id, day, _ := strings.Cut(ref.context, ".")
	if _, ok := findTemplate(newsTemplates, id); !ok {
		return false, nil
	}
	if _, ok := f.pickedDay(day); !ok {
		return false, nil
	}
	return t.showPage(ref, f.segmentPicker(t, ref.context))
}

// segment returns the clients of a group who can get group news: the manager's own (every
// client for an admin), with consent, reachable, news not turned off.
func (f *Flows) segment(t *turn, seg string) ([]*Client, error) {
	cases, err := f.casesOf(t.tx, t.ev.UserID)
	if err != nil {
		return nil, err
	}
	var out []*Client
	for _, c := range cases {
		if c.Manager == 0 || c.NoNews || c.Unreachable || !c.Consented() {
			continue
		}
		district, isDistrict := strings.CutPrefix(seg, "d-")
		switch {
		case seg == "all":
		case isDistrict && c.District == district:
		case strings.HasPrefix(seg, "l-") && c.Lang == seg[2:]:
		default:
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// broadcastSettled counts a delivered or failed group news message and shows the sender the
// progress: every tenth, and at the end.
func (f *Flows) broadcastSettled(tx Tx, id string, delivered bool) error {
	b, err := tx.Broadcast(id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if delivered {
		b.Sent++
	} else {
		b.Failed++
	}
	if err := tx.PutBroadcast(b); err != nil {
		return err
	}
	done := b.Sent + b.Failed
	step := max(1, b.Count/10)
	if done != b.Count && done%step != 0 {
		return nil
	}
	msg := "StaffBroadcastProgress"
	if done == b.Count {
		msg = "StaffBroadcastDone"
	}
	return tx.Send(Outgoing{Chat: b.Sender, Lang: f.staffLang(tx, b.Sender), Kind: OutEdit, EditID: b.Progress,
		Text: []Phrase{{ID: msg, Sub: map[string]Phrase{"Sent": Number(itoa(b.Sent)), "Count": Number(itoa(b.Count))}}}})
}
