package flows

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Group activities: a manager puts together a language café, an information evening or an
// excursion with buttons — what, which day, what time, where, how many seats, which
// languages are spoken there, whether an interpreter comes — and sends it to a group of
// their clients. Each client answers "I'll come" or "not this time"; a yes takes a seat while
// seats are left, and can be taken back. The yeses get a reminder; after the activity the
// manager marks who came, and the report counts activities and participants.
//
// The draft waits in the manager's staff record until it is sent; the activity and the
// answers are stored apart, and each answer belongs to its client (export, erasure).

// Activity is a group activity.
type Activity struct {
	ID    string `json:"id"`              // V1, V2, … given by the store
	By    int64  `json:"by"`              // the manager or admin who made it
	Title string `json:"title,omitempty"` // an id of activityTemplates, "" for own words
	// Own is the title in the manager's own words, "" for a template; Words and More are its
	// machine translations into the recipients' languages, kept as they come.
	Own   string      `json:"own,omitempty"`
	Words Rendering   `json:"mt,omitzero"`
	More  []Rendering `json:"mt_more,omitempty"`
	// Waiting is what the draft waits for the manager to type: waitTitle, waitPlace, or "".
	Waiting string `json:"waiting,omitempty"`
	// PlaceText is a place in the manager's words, when it is none of the town's offices.
	PlaceText   string    `json:"place_text,omitempty"`
	Start       time.Time `json:"start"`           // zero while the draft has no day
	Place       string    `json:"place,omitempty"` // an office id
	Seats       int       `json:"seats"`           // 0: as many as come
	SeatsSet    bool      `json:"seats_set,omitempty"`
	Langs       []string  `json:"langs,omitempty"`       // language options spoken there
	LangsSet    bool      `json:"langs_set,omitempty"`   // the draft's languages are chosen
	Interpreter bool      `json:"interpreter,omitempty"` // an interpreter comes
	Invited     int       `json:"invited,omitempty"`     // how many clients got it
	At          time.Time `json:"at"`                    // when the draft was begun
}

// Answer is a client's answer to an activity they were invited to. It repeats the
// activity's title and start, so that the client's export reads without the activity.
type Answer struct {
	Activity string       `json:"activity"`
	Client   int64        `json:"client"`
	Title    string       `json:"title,omitempty"`
	Own      string       `json:"own,omitempty"` // the title in the manager's words
	Start    time.Time    `json:"start"`
	Status   AnswerStatus `json:"status"`
	Came     bool         `json:"came,omitempty"` // the manager marked that they came
	At       time.Time    `json:"at"`             // when the status last changed
}

// AnswerStatus is where a client stands with an activity.
type AnswerStatus string

// The answers a client can give.
const (
	AnswerInvited AnswerStatus = "invited" // not answered yet
	AnswerYes     AnswerStatus = "yes"
	AnswerNo      AnswerStatus = "no"
)

// What a draft activity waits for the manager to type.
const (
	waitTitle = "title"
	waitPlace = "place"
)

// RemindActivity reminds those who said yes of an activity; RemindActivityMarks asks its
// manager, after it, to mark who came. Appointment holds the activity's id.
const (
	RemindActivity      ReminderKind = "activity"
	RemindActivityMarks ReminderKind = "activity_marks"
)

// activityMarksAfter is how long after its start a manager is asked who came.
const activityMarksAfter = 3 * time.Hour

// Figures of group activities.
const (
	statActivities   = "activity.sent" // an activity was sent to clients
	statActivityYes  = "activity.yes"  // a client said they will come
	statActivityCame = "activity.came" // a manager marked that a client came
)

// activityTemplates are the activities a manager can choose; their titles are the catalog
// messages "ActivityTitle" + a name, in each client's language.
var activityTemplates = []readyMade{
	{"cafe", "ActivityTitleCafe", ""},
	{"info", "ActivityTitleInfo", ""},
	{"women", "ActivityTitleWomen", ""},
	{"parents", "ActivityTitleParents", ""},
	{"trip", "ActivityTitleTrip", ""},
}

// Actions of group activities.
const (
	// ActActivity is a manager's step with an activity: new; t.template; d.day; h.hour;
	// p.office; s.seats; l.language or l.ok; i.y|n; g.segment (confirm); x.segment (send);
	// list; v.id (who comes); m.id.case (came, or not).
	ActActivity = "ga"
	// ActJoin is a client's answer: id "." y|n.
	ActJoin = "gy"
)

var (
	activityArg = regexp.MustCompile(`^(new|list|t\.[a-z]{1,8}|d\.[0-9]{8}|h\.[0-9]{2}|p\.(-|[a-z0-9][a-z0-9_-]{0,31})|s\.[0-9]{1,3}|l\.([a-z]{2,3}|ok)|i\.[yn]|[gx]\.(all|d-[a-z0-9][a-z0-9_-]{0,31}|l-[a-z]{2,3})|v\.V[0-9]{1,9}|m\.V[0-9]{1,9}\.[0-9]{1,9})$`)
	joinArg     = regexp.MustCompile(`^V[0-9]{1,9}\.[yn]$`)
)

// activityHours and activitySeats are the start hours and seat counts offered as buttons.
var (
	activityHours = []int{9, 10, 11, 14, 15, 16, 17, 18}
	activitySeats = []int{5, 10, 15, 20, 30, 50}
)

// maxActivityLangs bounds the languages of one activity; more say nothing useful.
const maxActivityLangs = 6

// activityStaff reports whether the person behind t may make group activities.
func (f *Flows) activityStaff(t *turn) bool {
	_, ok := f.Config.Manager(t.ev.UserID)
	return ok || f.Config.IsAdmin(t.ev.UserID)
}

// activityButton walks a manager through a group activity, one button at a time.
func (f *Flows) activityButton(t *turn, arg string) error {
	if !f.activityStaff(t) {
		return t.refuse(f.staffMenu())
	}
	step, value, _ := strings.Cut(arg, ".")
	switch step {
	case "new":
		t.staff.Activity = nil
		return t.show(f.activityTemplatePicker())
	case "list":
		return f.activityList(t)
	case "v":
		return f.activityAttendees(t, value, "")
	case "m":
		return f.activityMark(t, value)
	}
	d := t.staff.Activity
	if step == "t" {
		if value == "own" {
			t.staff.Activity = &Activity{By: t.ev.UserID, Waiting: waitTitle, At: f.Now()}
			return t.show(screen{text: []Phrase{Msg("StaffActivityWriteTitle")}})
		}
		tpl, ok := findTemplate(activityTemplates, value)
		if !ok {
			return t.refuse(f.staffMenu())
		}
		t.staff.Activity = &Activity{By: t.ev.UserID, Title: tpl.id, At: f.Now()}
		return t.show(f.activityDayPicker(t, t.staff.Activity))
	}
	if d == nil || d.Waiting != "" || f.Now().Sub(d.At) > writingPatience {
		t.staff.Activity = nil
		return t.refuse(f.newsMenu().after(Msg("StaffActivityExpired")))
	}
	loc := f.Config.location()
	switch step {
	case "d":
		day, ok := f.pickedDay(value)
		if !ok {
			return t.refuse(f.newsMenu())
		}
		d.Start = day
		return t.show(f.activityHourPicker(d))
	case "h":
		h, _ := strconv.Atoi(value)
		if d.Start.IsZero() || !slices.Contains(activityHours, h) {
			return t.refuse(f.newsMenu())
		}
		local := d.Start.In(loc)
		start := time.Date(local.Year(), local.Month(), local.Day(), h, 0, 0, 0, loc)
		if !start.After(f.Now()) {
			return t.show(f.activityHourPicker(d).after(Msg("StaffActivityPast")))
		}
		d.Start = start
		return t.show(f.activityPlacePicker(d))
	case "p":
		if d.Start.IsZero() {
			return t.refuse(f.newsMenu())
		}
		if value == "-" {
			d.Waiting = waitPlace
			return t.show(screen{text: []Phrase{f.activityDraft(d), Msg("StaffActivityWritePlace")}})
		}
		if _, ok := f.office(value); !ok {
			return t.refuse(f.newsMenu())
		}
		d.Place, d.PlaceText = value, ""
		return t.show(f.activitySeatPicker(d))
	case "s":
		n, _ := strconv.Atoi(value)
		if d.Place == "" && d.PlaceText == "" || n != 0 && !slices.Contains(activitySeats, n) {
			return t.refuse(f.newsMenu())
		}
		d.Seats, d.SeatsSet = n, true
		return t.show(f.activityLangPicker(d))
	case "l":
		if !d.SeatsSet {
			return t.refuse(f.newsMenu())
		}
		if value == "ok" {
			d.LangsSet = true
			return t.show(screen{text: []Phrase{f.activityDraft(d), Msg("StaffActivityInterpreter")}, buttons: [][]Button{
				{{Label: Msg("StaffActivityInterpreterYes"), Data: Data(ActActivity, "i.y")}, {Label: Msg("StaffActivityInterpreterNo"), Data: Data(ActActivity, "i.n")}},
			}})
		}
		if !f.offered(value) {
			return t.refuse(f.newsMenu())
		}
		if i := slices.Index(d.Langs, value); i >= 0 {
			d.Langs = slices.Delete(d.Langs, i, i+1)
		} else if len(d.Langs) < maxActivityLangs {
			d.Langs = append(d.Langs, value)
		}
		return t.show(f.activityLangPicker(d))
	case "i":
		if !d.LangsSet {
			return t.refuse(f.newsMenu())
		}
		d.Interpreter = value == "y"
		p := f.segmentPicker(t, "", func(seg string) string { return Data(ActActivity, "g."+seg) })
		p.text = []Phrase{f.activityDraft(d), Msg("StaffBroadcastSegment")}
		return t.show(p.page(1))
	case "g", "x":
		return f.activitySend(t, d, value, step == "x")
	}
	return t.refuse(f.staffMenu())
}

// maxActivityTitle and maxActivityPlace bound a title and a place in own words, in
// characters: a title and an address, not a letter.
const (
	maxActivityTitle = 100
	maxActivityPlace = 200
)

func (f *Flows) activityDayPicker(t *turn, d *Activity) screen {
	s := f.dayPicker(ActActivity, "d.", false, t.ev.UserID)
	s.text = []Phrase{f.activityDraft(d), Msg("StaffActivityDay")}
	return s
}

// activityWritten takes the manager's message as the title of the activity in their own
// words, then asks for the day; or as its place, then asks for the seats.
func (f *Flows) activityWritten(t *turn) error {
	d := t.staff.Activity
	text := strings.Join(strings.Fields(managerTextOf(t.ev)), " ")
	if d.Waiting == waitPlace {
		if text == "" || utf8.RuneCountInString(text) > maxActivityPlace {
			return t.showNew(screen{text: []Phrase{Msg("StaffActivityPlaceBad", "Max", itoa(maxActivityPlace)), Msg("StaffActivityWritePlace")}})
		}
		d.Place, d.PlaceText, d.Waiting, d.At = "", text, "", f.Now()
		return t.showNew(f.activitySeatPicker(d))
	}
	if text == "" || utf8.RuneCountInString(text) > maxActivityTitle {
		return t.showNew(screen{text: []Phrase{Msg("StaffActivityTitleBad", "Max", itoa(maxActivityTitle)), Msg("StaffActivityWriteTitle")}})
	}
	d.Own, d.Waiting, d.At = text, "", f.Now()
	return t.showNew(f.activityDayPicker(t, d))
}

// activityComplete reports whether a draft has everything a client needs to know.
func activityComplete(d *Activity) bool {
	return (d.Title != "" || d.Own != "") && !d.Start.IsZero() && (d.Place != "" || d.PlaceText != "") && d.SeatsSet && d.LangsSet
}

// activitySend shows how many clients of a segment will get the activity, or sends it.
func (f *Flows) activitySend(t *turn, d *Activity, seg string, send bool) error {
	if !activityComplete(d) {
		return t.refuse(f.newsMenu())
	}
	if !d.Start.After(f.Now()) {
		t.staff.Activity = nil
		return t.refuse(f.newsMenu().after(Msg("StaffActivityPast")))
	}
	recipients, err := f.segment(t, seg)
	if err != nil {
		return err
	}
	if len(recipients) == 0 {
		return t.show(f.newsMenu().after(Msg("StaffBroadcastNone")))
	}
	if !send {
		return t.show(screen{
			text:    []Phrase{Plural("StaffBroadcastConfirm", len(recipients)), f.activityDraft(d)},
			buttons: [][]Button{{{Label: Msg("StaffBroadcastSend"), Data: Data(ActActivity, "x."+seg)}, {Label: Msg("StaffCancel"), Data: Data(ActMenu, ItemHome)}}},
		})
	}
	// The draft goes with the send, so a second press of the button finds none.
	t.staff.Activity = nil
	d.Invited = len(recipients)
	if err := t.tx.PutActivity(d); err != nil {
		return err
	}
	communes := map[string]bool{}
	for _, c := range recipients {
		ans := &Answer{Activity: d.ID, Client: c.ID, Title: d.Title, Own: d.Own, Start: d.Start, Status: AnswerInvited, At: f.Now()}
		if err := t.tx.PutAnswer(ans); err != nil {
			return err
		}
		var o Outgoing
		if d.Own != "" && f.translates(c, t.lang, c.Lang) {
			// The invitation goes out when the title is translated (activityTranslated).
			o = Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutTranslate,
				Translate: &TranslateJob{Dir: TranslateActivity, Text: d.Own, From: t.lang, To: c.Lang, Client: c.ID, Staff: t.ev.UserID, Activity: d.ID}}
		} else {
			s := f.activityInvitation(d, ans, c.Lang)
			o = Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: s.text, Buttons: s.buttons}
		}
		if err := t.tx.Send(o); err != nil {
			return err
		}
		communes[f.communeOf(c)] = true
	}
	month := d.Start.In(f.Config.location()).Format(monthLayout)
	if err := t.tx.Count(month, statActivities); err != nil {
		return err
	}
	for commune := range communes {
		if err := f.countIn(t.tx, month, commune, statActivities); err != nil {
			return err
		}
	}
	if at := f.activityReminderAt(d); !at.IsZero() {
		if err := t.tx.Schedule(Reminder{At: at, Appointment: d.ID, Kind: RemindActivity}); err != nil {
			return err
		}
	}
	if err := t.tx.Schedule(Reminder{At: d.Start.Add(activityMarksAfter), Appointment: d.ID, Kind: RemindActivityMarks}); err != nil {
		return err
	}
	return t.show(screen{text: []Phrase{f.activityDraft(d), {ID: "StaffActivitySent", Sub: map[string]Phrase{"Count": Number(itoa(len(recipients)))}}},
		buttons: [][]Button{{{Label: Msg("StaffActivityWhoComes"), Data: Data(ActActivity, "v."+d.ID)}}}})
}

// activityReminderAt is when those who said yes are reminded: the day before, or three
// hours before an activity of today or tomorrow morning; zero when that has passed.
func (f *Flows) activityReminderAt(a *Activity) time.Time {
	for _, before := range []time.Duration{24 * time.Hour, 3 * time.Hour} {
		if at := a.Start.Add(-before); at.After(f.Now()) {
			return at
		}
	}
	return time.Time{}
}

// activityTemplatePicker offers the kinds of activity.
func (f *Flows) activityTemplatePicker() screen {
	s := screen{text: []Phrase{Msg("StaffActivityChoose")}}
	for _, tpl := range activityTemplates {
		s.buttons = append(s.buttons, []Button{{Label: Msg(tpl.msg), Data: Data(ActActivity, "t."+tpl.id)}})
	}
	return s.withRow([]Button{{Label: Msg("StaffActivityOwnTitle"), Data: Data(ActActivity, "t.own")}})
}

func (f *Flows) activityHourPicker(d *Activity) screen {
	s := screen{text: []Phrase{f.activityDraft(d), Msg("StaffActivityTime")}}
	var row []Button
	for _, h := range activityHours {
		row = append(row, Button{Label: Number(twoDigits(h) + ":00"), Data: Data(ActActivity, "h."+twoDigits(h))})
		if len(row) == 4 {
			s.buttons, row = append(s.buttons, row), nil
		}
	}
	return s
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}

func (f *Flows) activityPlacePicker(d *Activity) screen {
	s := screen{text: []Phrase{f.activityDraft(d), Msg("StaffActivityPlace")}}
	for _, o := range f.Config.Offices {
		s.buttons = append(s.buttons, []Button{{Label: Literal("📍 " + o.Name), Data: Data(ActActivity, "p."+o.ID)}})
	}
	return s.withRow([]Button{{Label: Msg("StaffActivityOtherPlace"), Data: Data(ActActivity, "p.-")}})
}

func (f *Flows) activitySeatPicker(d *Activity) screen {
	s := screen{text: []Phrase{f.activityDraft(d), Msg("StaffActivitySeats")}}
	var row []Button
	for _, n := range activitySeats {
		row = append(row, Button{Label: Number(itoa(n)), Data: Data(ActActivity, "s."+itoa(n))})
	}
	return s.withRow(row).withRow([]Button{{Label: Msg("StaffActivityUnlimited"), Data: Data(ActActivity, "s.0")}})
}

func (f *Flows) activityLangPicker(d *Activity) screen {
	s := screen{text: []Phrase{f.activityDraft(d), Msg("StaffActivityLangs")}}
	var row []Button
	for _, option := range f.Config.Languages {
		l, _ := LookupLanguage(option)
		mark := "▫️ "
		if slices.Contains(d.Langs, option) {
			mark = "✅ "
		}
		row = append(row, Button{Label: Literal(mark + l.Name), Data: Data(ActActivity, "l."+option)})
		if len(row) == 3 {
			s.buttons, row = append(s.buttons, row), nil
		}
	}
	if len(row) > 0 {
		s.buttons = append(s.buttons, row)
	}
	return s.withRow([]Button{{Label: Msg("StaffActivityLangsDone"), Data: Data(ActActivity, "l.ok")}})
}

// activityTitle is an activity's title for a reader in lang: the template's, or the
// manager's words, for a client translated when the translation came.
func activityTitle(a *Activity, lang string, forClient bool) Phrase {
	if a.Own != "" {
		return ownWords(a.Own, a.Words, a.More, lang, forClient)
	}
	tpl, _ := findTemplate(activityTemplates, a.Title)
	return Msg(tpl.msg)
}

// activityText describes an activity as a reader in lang reads it; forClient is false for
// staff, who read their own words as written.
func (f *Flows) activityText(a *Activity, lang string, forClient bool) Phrase {
	lines := []Phrase{activityTitle(a, lang, forClient)}
	if local := a.Start.In(f.Config.location()); local.Hour() > 0 {
		lines = append(lines, Join(" ", Literal("📅"), f.when(a.Start)))
	} else if !a.Start.IsZero() {
		// A draft with its day but no time yet.
		lines = append(lines, Join(" ", Literal("📅"), weekday(local), Number(local.Format("02.01.2006"))))
	}
	if o, ok := f.office(a.Place); ok {
		lines = append(lines, Literal("📍 "+o.Name+", "+o.Address))
	} else if a.PlaceText != "" {
		lines = append(lines, Literal("📍 "+a.PlaceText))
	}
	if len(a.Langs) > 0 {
		var names []Phrase
		for _, option := range a.Langs {
			names = append(names, LanguageName(option))
		}
		lines = append(lines, Phrase{ID: "ActivityLangs", Sub: map[string]Phrase{"Languages": Join(", ", names...)}})
	}
	if a.Interpreter {
		lines = append(lines, Msg("ActivityInterpreter"))
	}
	if a.Seats > 0 {
		lines = append(lines, Phrase{ID: "ActivitySeats", Sub: map[string]Phrase{"Seats": Number(itoa(a.Seats))}})
	}
	return Join("\n", lines...)
}

// activityDraft shows a manager the activity as far as it is put together.
func (f *Flows) activityDraft(d *Activity) Phrase {
	p := f.activityText(d, "", false)
	if d.SeatsSet && d.Seats == 0 {
		p = Join("\n", p, Msg("StaffActivityUnlimited"))
	}
	return p
}

// activityInvitation is the client's message about an activity, with the buttons that fit
// their answer.
func (f *Flows) activityInvitation(a *Activity, ans *Answer, lang string) screen {
	s := screen{text: []Phrase{f.activityText(a, lang, true)}}
	yes := Button{Label: Msg("ActivityYes"), Data: Data(ActJoin, a.ID+".y")}
	no := Button{Label: Msg("ActivityNo"), Data: Data(ActJoin, a.ID+".n")}
	switch ans.Status {
	case AnswerYes:
		s.text = append(s.text, Msg("ActivityYesThanks"))
		return s.withRow([]Button{{Label: Msg("ActivityWithdraw"), Data: no.Data}})
	case AnswerNo:
		s.text = append(s.text, Msg("ActivityNoThanks"))
		return s.withRow([]Button{yes})
	}
	s.text = append(s.text, Msg("ActivityAsk"))
	return s.withRow([]Button{yes, no})
}

// joinButton takes a client's answer to an activity. A yes takes a seat while one is left;
// the store runs one transaction at a time, so two yeses for the last seat cannot both get
// it.
func (f *Flows) joinButton(t *turn, c *Client, arg string) error {
	id, choice, _ := strings.Cut(arg, ".")
	a, err := t.tx.Activity(id)
	if isNotFound(err) {
		return t.showNew(f.clientScreen(c, t.lang).after(Msg("ActivityGone")))
	}
	if err != nil {
		return err
	}
	ans, err := t.tx.Answer(id, c.ID)
	if isNotFound(err) {
		// The button came from someone else's chat or a forged press: not this client's invitation.
		return t.showNew(f.clientScreen(c, t.lang).after(Msg("ActivityNotInvited")))
	}
	if err != nil {
		return err
	}
	if !a.Start.After(f.Now()) {
		return t.answer(Msg("ActivityPast"))
	}
	want := AnswerNo
	if choice == "y" {
		want = AnswerYes
	}
	if ans.Status == want {
		return t.show(f.activityInvitation(a, ans, t.lang))
	}
	if want == AnswerYes && a.Seats > 0 {
		answers, err := t.tx.Answers(id)
		if err != nil {
			return err
		}
		taken := 0
		for _, other := range answers {
			if other.Status == AnswerYes {
				taken++
			}
		}
		if taken >= a.Seats {
			return t.show(screen{text: []Phrase{f.activityText(a, t.lang, true), Msg("ActivityFull")}})
		}
	}
	if want == AnswerYes {
		if err := f.count(t.tx, a.Start, c.ID, statActivityYes); err != nil {
			return err
		}
	} else if ans.Status == AnswerYes {
		if err := f.count(t.tx, a.Start, c.ID, statActivityYes+statUndone); err != nil {
			return err
		}
	}
	ans.Status, ans.At = want, f.Now()
	if err := t.tx.PutAnswer(ans); err != nil {
		return err
	}
	return t.show(f.activityInvitation(a, ans, t.lang))
}

// remindActivity reminds those who said yes of an activity ahead; an activity gone or
// begun is skipped.
func (f *Flows) remindActivity(tx Tx, id string) error {
	a, err := tx.Activity(id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !a.Start.After(f.Now()) {
		f.observe("reminder_skipped")
		return nil
	}
	answers, err := tx.Answers(id)
	if err != nil {
		return err
	}
	for _, ans := range answers {
		if ans.Status != AnswerYes {
			continue
		}
		c, err := tx.Client(ans.Client)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if c.Unreachable {
			continue
		}
		f.observe("reminder_sent")
		if err := tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: []Phrase{Msg("ActivityReminder"), f.activityText(a, c.Lang, true)},
			Buttons: [][]Button{{{Label: Msg("ActivityWithdraw"), Data: Data(ActJoin, a.ID+".n")}}}}); err != nil {
			return err
		}
	}
	return nil
}

// activityOf returns an activity the person behind t may see: their own, or any for an
// admin; nil after telling them it is not there.
func (f *Flows) activityOf(t *turn, id string) (*Activity, error) {
	a, err := t.tx.Activity(id)
	if isNotFound(err) || err == nil && a.By != t.ev.UserID && !f.Config.IsAdmin(t.ev.UserID) {
		return nil, t.refuse(f.newsMenu().after(Msg("StaffActivityGone")))
	}
	return a, err
}

// activityList lists a manager's activities of the last month and ahead (an admin's: all).
func (f *Flows) activityList(t *turn) error {
	since := f.Now().AddDate(0, -1, 0)
	var mine []*Activity
	err := t.tx.Activities(func(a *Activity) error {
		if a.Start.After(since) && (a.By == t.ev.UserID || f.Config.IsAdmin(t.ev.UserID)) {
			mine = append(mine, a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(mine, func(a, b *Activity) int { return a.Start.Compare(b.Start) })
	s := screen{text: []Phrase{Msg("StaffActivities")}}
	if len(mine) == 0 {
		s.text = append(s.text, Msg("StaffActivitiesNone"))
	}
	for _, a := range mine {
		local := a.Start.In(f.Config.location())
		s.buttons = append(s.buttons, []Button{{Label: Join(" ", activityTitle(a, "", false), Number(local.Format("02.01. 15:04"))), Data: Data(ActActivity, "v."+a.ID)}})
	}
	return t.show(s.withRow([]Button{{Label: Msg("StaffActivityNew"), Data: Data(ActActivity, "new")}}))
}

// activityAttendees shows who said yes, by case label and language, the seats left, and
// after the start buttons to mark who came.
func (f *Flows) activityAttendees(t *turn, id string, note string) error {
	a, err := f.activityOf(t, id)
	if err != nil || a == nil {
		return err
	}
	answers, err := t.tx.Answers(id)
	if err != nil {
		return err
	}
	begun := !a.Start.After(f.Now())
	s := screen{text: []Phrase{f.activityDraft(a)}}
	yes, no, came := 0, 0, 0
	var lines []Phrase
	for _, ans := range answers {
		switch ans.Status {
		case AnswerNo:
			no++
			continue
		case AnswerInvited:
			continue
		}
		yes++
		c, err := t.tx.Client(ans.Client)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		mark := "🙋"
		if ans.Came {
			mark = "✅"
			came++
		}
		line := Join(" ", Literal(mark), Literal(c.CaseLabel()), Literal("·"), LanguageName(c.Lang))
		lines = append(lines, line)
		if begun {
			label := Msg("StaffActivityCame", "Case", c.CaseLabel())
			if ans.Came {
				label = Msg("StaffActivityNotCame", "Case", c.CaseLabel())
			}
			s.buttons = append(s.buttons, []Button{{Label: label, Data: Data(ActActivity, "m."+a.ID+"."+itoa(c.Case))}})
		}
	}
	left := Msg("StaffActivityUnlimited")
	if a.Seats > 0 {
		left = Phrase{ID: "StaffActivitySeatsLeft", Sub: map[string]Phrase{"Left": Number(itoa(max(0, a.Seats-yes))), "Seats": Number(itoa(a.Seats))}}
	}
	s.text = append(s.text, Phrase{ID: "StaffActivityAnswers", Sub: map[string]Phrase{
		"Invited": Number(itoa(a.Invited)), "Yes": Number(itoa(yes)), "No": Number(itoa(no)), "Came": Number(itoa(came))}}, left)
	if len(lines) > 0 {
		s.text = append(s.text, Join("\n", lines...))
	}
	if !begun && yes > 0 {
		s.text = append(s.text, Msg("StaffActivityMarkLater"))
	}
	if note != "" {
		s = s.after(Msg(note))
	}
	return t.show(s.withRow([]Button{{Label: Msg("StaffActivities"), Data: Data(ActActivity, "list")}}))
}

// activityMark marks, after the activity began, that a client who said yes came, or takes
// the mark back; the report counts it in the activity's month.
func (f *Flows) activityMark(t *turn, value string) error {
	id, number, _ := strings.Cut(value, ".")
	a, err := f.activityOf(t, id)
	if err != nil || a == nil {
		return err
	}
	if a.Start.After(f.Now()) {
		return t.answer(Msg("StaffActivityNotYet"))
	}
	n, _ := strconv.Atoi(number)
	c, err := t.tx.ClientByCase(n)
	if isNotFound(err) {
		return t.refuse(f.newsMenu())
	}
	if err != nil {
		return err
	}
	ans, err := t.tx.Answer(id, c.ID)
	if isNotFound(err) || err == nil && ans.Status != AnswerYes {
		return t.answer(Msg("StaffActivityNoYes"))
	}
	if err != nil {
		return err
	}
	ans.Came = !ans.Came
	figure := statActivityCame
	if !ans.Came {
		figure += statUndone
	}
	if err := f.count(t.tx, a.Start, c.ID, figure); err != nil {
		return err
	}
	if err := t.tx.PutAnswer(ans); err != nil {
		return err
	}
	return f.activityAttendees(t, id, "")
}

// exportActivities lists the group activities the client was invited to and their answers.
func (f *Flows) exportActivities(x *export) []Phrase {
	if len(x.trace.Answers) == 0 {
		return nil
	}
	lines := []Phrase{Msg("ExportActivitiesTitle")}
	for _, ans := range x.trace.Answers {
		title := Literal(ans.Own)
		if tpl, ok := findTemplate(activityTemplates, ans.Title); ok {
			title = Msg(tpl.msg)
		}
		status := "ExportActivityInvited"
		switch {
		case ans.Came:
			status = "ExportActivityCame"
		case ans.Status == AnswerYes:
			status = "ExportActivityYes"
		case ans.Status == AnswerNo:
			status = "ExportActivityNo"
		}
		lines = append(lines, Join(" ", Literal("•"), title, f.when(ans.Start), Literal("—"), Msg(status)))
	}
	return lines
}

// activityTranslated sends a client the invitation to an activity whose title is in the
// manager's own words, once the engine answered: translated, or as written when it could
// not. The translation is kept with the activity for the reminder and later screens.
func (f *Flows) activityTranslated(tx Tx, job *TranslateJob, r TranslationResult) error {
	a, err := tx.Activity(job.Activity)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if r.Outcome == Translated && r.Text != "" {
		keepRendering(&a.Words, &a.More, Rendering{Lang: job.To, Text: r.Text})
		if err := tx.PutActivity(a); err != nil {
			return err
		}
		if err := f.count(tx, f.Now(), job.Client, statTranslated+job.To); err != nil {
			return err
		}
	}
	c, err := tx.Client(job.Client)
	if isNotFound(err) {
		return nil // erased meanwhile: no trace
	}
	if err != nil {
		return err
	}
	ans, err := tx.Answer(a.ID, c.ID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	s := f.activityInvitation(a, ans, c.Lang)
	return tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: s.text, Buttons: s.buttons})
}

// askActivityMarks asks the manager of an activity, after it, to mark who came; nothing is
// asked when nobody said yes.
func (f *Flows) askActivityMarks(tx Tx, id string) error {
	a, err := tx.Activity(id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	answers, err := tx.Answers(id)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(answers, func(ans *Answer) bool { return ans.Status == AnswerYes }) {
		return nil
	}
	return tx.Send(Outgoing{Chat: a.By, Lang: f.staffLang(tx, a.By), Kind: OutSend,
		Text:    []Phrase{f.activityDraft(a), Msg("StaffActivityMarkNow")},
		Buttons: [][]Button{{{Label: Msg("StaffActivityWhoComes"), Data: Data(ActActivity, "v."+a.ID)}}}})
}
