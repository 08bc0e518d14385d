package flows

import (
	"regexp"
	"strings"
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

// documents are what TplBring can ask for, by id.
var documents = []struct{ id, msg string }{
	{"pass", "DocPassport"}, {"res", "DocResidence"}, {"jc", "DocJobcenter"}, {"rent", "DocRent"},
	{"bank", "DocBank"}, {"pay", "DocPayslips"}, {"health", "DocHealthCard"}, {"school", "DocSchool"}, {"letters", "DocLetters"},
}

var (
	templateArg = regexp.MustCompile(`^[0-9]{1,9}\.[a-z]{1,8}(\.[a-z0-9]{1,8})?$`)
	sendToArg   = regexp.MustCompile(`^[0-9]{1,9}\.[0-9]{1,10}$`)
	caseArg     = regexp.MustCompile(`^[0-9]{1,9}$`)
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
