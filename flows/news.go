package flows

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Group news: a manager sends one of a few ready-made announcements (an information evening,
// the language café, the office closed) to many clients at once, each in their language.

// newsTemplates are the group news a manager can send to many clients at once.
var newsTemplates = []readyMade{
	{"info", "BcInfoEvening", "date"},
	{"cafe", "BcLanguageCafe", "date"},
	{"women", "BcWomenCafe", "date"},
	{"closed", "BcOfficeClosed", "date"},
}

// newsArg is the button data of group news: news id, then day, then who gets it.
var newsArg = regexp.MustCompile(`^[a-z]{1,8}(\.[0-9]{8}(\.(all|d-[a-z0-9][a-z0-9_-]{0,31}|l-[a-z]{2,3}))?)?$`)

// newsMenu lists the group news a manager can send.
func (f *Flows) newsMenu() screen {
	s := screen{text: []Phrase{Msg("StaffBroadcastChoose")}}
	for _, n := range newsTemplates {
		s.buttons = append(s.buttons, []Button{{Label: Msg(n.msg + "Label"), Data: Data(ActNews, n.id)}})
	}
	// Group activities, with a day, time, place and seats, and answers to count.
	return s.withRow([]Button{{Label: Msg("StaffActivityNew"), Data: Data(ActActivity, "new")}, {Label: Msg("StaffActivities"), Data: Data(ActActivity, "list")}})
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
		return t.show(f.segmentPicker(t, tpl.id+"."+parts[1], newsTo(tpl.id+"."+parts[1])).page(1))
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

// newsTo makes the button data of a segment of group news; news is the news and its day.
func newsTo(news string) func(seg string) string {
	return func(seg string) string { return Data(ActNews, news+"."+seg) }
}

// segmentPicker offers the groups a manager can send group news or a group activity to:
// their clients, those of one housing site, those of one language. context is what the
// paging buttons carry: the news and its day, "info.20270323", or "" for the activity in
// the manager's draft; to makes the button data of a segment.
func (f *Flows) segmentPicker(t *turn, context string, to func(seg string) string) picker {
	p := picker{
		list: listSegments, context: context, text: []Phrase{Msg("StaffBroadcastSegment")},
		head: [][]Button{{{Label: Msg("StaffSegmentMine"), Data: to("all")}}},
	}
	m, _ := f.Config.Manager(t.ev.UserID)
	led, county := f.Config.AdminCommunes(t.ev.UserID)
	for _, d := range f.Config.Districts {
		if county || slices.Contains(led, d.Commune) || slices.Contains(m.Districts, d.ID) {
			p.choices = append(p.choices, choice{key: d.ID, name: d.Name, button: Button{Label: Literal("🏠 " + d.Name), Data: to("d-" + d.ID)}})
		}
	}
	var row []Button
	for _, option := range f.Config.Languages {
		l, _ := LookupLanguage(option)
		row = append(row, Button{Label: Literal("🌐 " + l.Name), Data: to("l-" + option)})
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
	if ref.context == "" {
		// The activity in the manager's draft.
		d := t.staff.Activity
		if d == nil || !activityComplete(d) {
			return false, nil
		}
		p := f.segmentPicker(t, "", func(seg string) string { return Data(ActActivity, "g."+seg) })
		p.text = []Phrase{f.activityDraft(d), Msg("StaffBroadcastSegment")}
		return t.showPage(ref, p)
	}
	id, day, _ := strings.Cut(ref.context, ".")
	if _, ok := findTemplate(newsTemplates, id); !ok {
		return false, nil
	}
	if _, ok := f.pickedDay(day); !ok {
		return false, nil
	}
	return t.showPage(ref, f.segmentPicker(t, ref.context, newsTo(ref.context)))
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
