package app

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// In the example town only Frau Kovalenko's Thursday office hours have an interpreter for
// Arabic (and Dari/Farsi); Herr Haddad's Wednesday ones have one for Dari/Farsi and
// Ukrainian; Frau Yılmaz's Tuesday ones have none.

// interpreterLine is what a manager reading lang sees under an appointment whose client
// needs an interpreter for option: id is StaffApptInterpreter (there in the office hours)
// or StaffApptInterpreterMissing.
func interpreterLine(t *testing.T, lang, id, option string) string {
	t.Helper()
	return render(t, lang, flows.Phrase{ID: id, Sub: map[string]flows.Phrase{"Language": flows.LanguageName(option)}})
}

// pickSlot takes a client from a fresh menu to the screen after choosing the topic
// "something else" for a time at an office on a day (a weekday message and a date like
// "23.03."). The screens replace each other in the menu's message, so older messages with
// the same buttons cannot get in the way.
func (tb *testBot) pickSlot(u fakeapi.User, lang, weekday, date, hhmm, office string) fakeapi.Message {
	tb.t.Helper()
	t := tb.t
	before := len(tb.api.Messages(u.ID))
	tb.api.SendText(u, "/menu")
	menu := tb.waitMessages(u.ID, before+1)[before]
	tb.press(u, say(t, lang, "MenuAppointments"))
	tb.press(u, say(t, lang, "ApptBook"))
	tb.press(u, render(t, lang, flows.Join(" ", flows.Msg(weekday), flows.Number(date))))
	tb.press(u, render(t, lang, flows.Join(" · ", flows.Number(hhmm), flows.Literal(office))))
	tb.press(u, say(t, lang, "ApptTopicOther"))
	return tb.find(u.ID, func(m fakeapi.Message) bool {
		return m.ID == menu.ID && (hasButton(m, say(t, lang, "ApptConfirm")) || hasButton(m, say(t, lang, "ApptInterpreterNo")))
	})
}

// otherTime is the label of a time with an interpreter offered instead of one without.
func otherTime(t *testing.T, lang, weekday, dateTime, office string) string {
	t.Helper()
	return render(t, lang, flows.Join(" · ", flows.Join(" ", flows.Msg(weekday), flows.Number(dateTime)), flows.Literal(office)))
}

const (
	rathaus   = "Rathaus Musterstadt, Bürgerbüro"
	lindenweg = "Gemeinschaftsraum Lindenweg"
)

func TestNoInterpreterPromisedWhereTheOfficeHoursHaveNone(t *testing.T) {
	tb := newBookingBot(t)
	y, k := tb.startStaff(yilmaz), tb.startStaff(kovalenko)
	tb.startStaff(haddad)
	u := fakeapi.User{ID: 6601, FirstName: "Huda", LanguageCode: "ar"}
	tb.toMenu(u, "ar", true) // no district: every manager's office hours
	arabic, _ := flows.LookupLanguage("ar")
	ar := func(id string, kv ...string) string { return say(t, "ar", id, kv...) }
	promises := []string{
		ar("ApptWithInterpreter", "Language", arabic.Name),
		ar("ApptInterpreter", "Language", arabic.Name),
		ar("ApptInterpreterYes", "Language", arabic.Name),
	}

	// Tuesday at the Rathaus has no interpreter: she is not asked, nothing promises one, and
	// she can say she needs one.
	check := tb.pickSlot(u, "ar", "WeekdayTue", "23.03.", "09:00", rathaus)
	for _, p := range promises {
		if strings.Contains(check.Text, p) || hasButton(check, p) {
			t.Errorf("the check of a time without an interpreter promises one (%q): %q %v", p, check.Text, labels(check))
		}
	}
	if !hasButton(check, ar("ApptConfirm")) || !hasButton(check, ar("ApptInterpreterNeed")) {
		t.Fatalf("the check %q offers %v, want to book and to ask for an interpreter", check.Text, labels(check))
	}

	// She needs one: she is told plainly and offered Thursdays, which have one, or to book
	// anyway.
	tb.press(u, ar("ApptInterpreterNeed"))
	offer := tb.last(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, ar("ApptNoInterpreterHere", "Language", arabic.Name))
	})
	if !strings.Contains(offer.Text, ar("ApptInterpreterTimes", "Language", arabic.Name)) || !strings.Contains(offer.Text, ar("ApptBookAnyway")) {
		t.Errorf("the offer %q does not name the times with an interpreter and the way to book anyway", offer.Text)
	}
	for _, want := range []string{
		otherTime(t, "ar", "WeekdayThu", "25.03. 09:00", rathaus),
		otherTime(t, "ar", "WeekdayThu", "01.04. 09:30", rathaus),
		ar("ApptConfirmTellManager"),
	} {
		if !hasButton(offer, want) {
			t.Errorf("the offer lacks %q: %v", want, labels(offer))
		}
	}
	if wed := otherTime(t, "ar", "WeekdayWed", "24.03. 14:00", lindenweg); hasButton(offer, wed) {
		t.Errorf("Wednesday, which has no Arabic interpreter, is offered as having one")
	}

	// She books Tuesday anyway: the confirmation promises nothing, her manager is told.
	tb.press(u, ar("ApptConfirmTellManager"))
	booked := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, ar("ApptBooked")) })
	if strings.Contains(booked.Text, promises[0]) || !strings.Contains(booked.Text, ar("ApptInterpreterManagerTold", "Language", arabic.Name)) {
		t.Errorf("the confirmation %q should say the manager knows, and promise no interpreter", booked.Text)
	}
	missing := interpreterLine(t, "de", "StaffApptInterpreterMissing", "ar")
	if !strings.Contains(missing, "Arabisch") {
		t.Fatalf("the German line %q does not name Arabic in German", missing)
	}
	notice := tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffBookedNeedsInterpreter"))
	})
	if !strings.Contains(notice.Text, missing) || !strings.Contains(notice.Text, "K-0001 · A-1") {
		t.Errorf("Frau Yılmaz's notice %q lacks the case or %q", notice.Text, missing)
	}
	tb.api.SendText(y, "/week")
	week := tb.find(y.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, say(t, "de", "StaffWeek")) })
	if !strings.Contains(week.Text, missing) {
		t.Errorf("/week %q lacks %q", week.Text, missing)
	}

	// The reminder a day ahead mentions no interpreter either.
	tb.at(time.Date(2027, 3, 22, 9, 0, 0, 0, berlin))
	reminder := tb.find(u.ID, func(m fakeapi.Message) bool { return hasButton(m, ar("ReminderCome")) })
	if strings.Contains(reminder.Text, promises[0]) {
		t.Errorf("the reminder %q promises an interpreter", reminder.Text)
	}

	// Lotse remembers that she needs one: on the next Tuesday she is told at once, and she
	// takes a Thursday with an interpreter instead.
	offer = tb.pickSlot(u, "ar", "WeekdayTue", "30.03.", "09:00", rathaus)
	if !strings.Contains(offer.Text, ar("ApptNoInterpreterHere", "Language", arabic.Name)) {
		t.Fatalf("the second booking shows %q, want the note that Tuesday has no interpreter", offer.Text)
	}
	tb.press(u, otherTime(t, "ar", "WeekdayThu", "25.03. 09:00", rathaus))
	check = tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, ar("ApptConfirm")) })
	if !strings.Contains(check.Text, promises[0]) || !strings.Contains(check.Text, render(t, "ar", flows.Number("25.03.2027"))) {
		t.Errorf("the check %q is not Thursday with an interpreter", check.Text)
	}
	tb.press(u, ar("ApptConfirm"))
	booked = tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, ar("ApptBooked")) && strings.Contains(m.Text, render(t, "ar", flows.Number("25.03.2027")))
	})
	if !strings.Contains(booked.Text, promises[0]) {
		t.Errorf("the confirmation %q does not name the interpreter", booked.Text)
	}
	there := interpreterLine(t, "de", "StaffApptInterpreter", "ar")
	tb.find(k.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffBookedInterpreter")) && strings.Contains(m.Text, there)
	})

	// What Lotse remembers is hers to see.
	tb.api.SendText(u, "/mydata")
	doc := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.HasSuffix(m.FileName, ".json") })
	if !bytes.Contains(doc.FileData, []byte(`"needs_interpreter": true`)) || !bytes.Contains(doc.FileData, []byte(`"interpreter": "ar"`)) {
		t.Errorf("her data does not show the interpreter she needs:\n%s", doc.FileData)
	}
}

func TestInterpreterOfferedWhereTheOfficeHoursHaveOne(t *testing.T) {
	tb := newBookingBot(t)
	k, h := tb.startStaff(kovalenko), tb.startStaff(haddad)
	tb.startStaff(yilmaz)
	ukrainian, _ := flows.LookupLanguage("uk")
	arabic, _ := flows.LookupLanguage("ar")

	// A Ukrainian client on Thursday at 09:00 gets no Arabic interpreter, and is not asked.
	olena := fakeapi.User{ID: 6611, FirstName: "Olena", LanguageCode: "uk"}
	tb.toMenu(olena, "uk", true)
	uk := func(id string, kv ...string) string { return say(t, "uk", id, kv...) }
	check := tb.pickSlot(olena, "uk", "WeekdayThu", "25.03.", "09:00", rathaus)
	if strings.Contains(check.Text, arabic.Name) || strings.Contains(check.Text, "🗣️") || hasButton(check, uk("ApptInterpreterYes", "Language", ukrainian.Name)) {
		t.Errorf("the Ukrainian client's check %q (%v) offers an interpreter", check.Text, labels(check))
	}
	// She needs one: Wednesdays at the Lindenweg have one for Ukrainian.
	tb.press(olena, uk("ApptInterpreterNeed"))
	offer := tb.last(olena.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, uk("ApptNoInterpreterHere", "Language", ukrainian.Name))
	})
	wed := otherTime(t, "uk", "WeekdayWed", "24.03. 14:00", lindenweg)
	if hasButton(offer, otherTime(t, "uk", "WeekdayThu", "25.03. 09:30", rathaus)) || !hasButton(offer, wed) {
		t.Fatalf("the Ukrainian client is offered %v, want Wednesdays and no Thursday", labels(offer))
	}
	tb.press(olena, wed)
	tb.press(olena, uk("ApptConfirm"))
	booked := tb.find(olena.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, uk("ApptBooked")) })
	if !strings.Contains(booked.Text, uk("ApptWithInterpreter", "Language", ukrainian.Name)) {
		t.Errorf("the confirmation %q does not name the interpreter", booked.Text)
	}
	tb.find(h.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, interpreterLine(t, "de", "StaffApptInterpreter", "uk")) && strings.Contains(m.Text, "Ukrainisch")
	})

	// An Arabic client on the same Thursday slot is asked, and takes the interpreter.
	huda := fakeapi.User{ID: 6612, FirstName: "Huda", LanguageCode: "ar"}
	tb.toMenu(huda, "ar", true)
	ar := func(id string, kv ...string) string { return say(t, "ar", id, kv...) }
	ask := tb.pickSlot(huda, "ar", "WeekdayThu", "25.03.", "09:00", rathaus)
	if !strings.Contains(ask.Text, ar("ApptInterpreter", "Language", arabic.Name)) || !hasButton(ask, ar("ApptInterpreterNo")) {
		t.Fatalf("the Arabic client is not asked about the interpreter: %q %v", ask.Text, labels(ask))
	}
	tb.press(huda, ar("ApptInterpreterYes", "Language", arabic.Name))
	check = tb.last(huda.ID, func(m fakeapi.Message) bool { return hasButton(m, ar("ApptConfirm")) })
	with := ar("ApptWithInterpreter", "Language", arabic.Name)
	if !strings.Contains(check.Text, with) {
		t.Errorf("the check %q does not name the interpreter", check.Text)
	}
	tb.press(huda, ar("ApptConfirm"))
	booked = tb.find(huda.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, ar("ApptBooked")) })
	if !strings.Contains(booked.Text, with) {
		t.Errorf("the confirmation %q does not name the interpreter", booked.Text)
	}
	file := tb.find(huda.ID, func(m fakeapi.Message) bool { return m.Kind == "document" })
	cal, err := ical.NewDecoder(bytes.NewReader(file.FileData)).Decode()
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("calendar file: %v\n%s", err, file.FileData)
	}
	if desc, _ := cal.Events()[0].Props.Text(ical.PropDescription); desc != with {
		t.Errorf("the calendar entry says %q, want %q", desc, with)
	}

	// Frau Kovalenko is told, and sees it in /week, in /today and on the case card, with the
	// language named in German.
	there := interpreterLine(t, "de", "StaffApptInterpreter", "ar")
	if there != "🗣️ Dolmetschen: Arabisch" {
		t.Errorf("the German interpreter line is %q", there)
	}
	tb.find(k.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffBookedInterpreter")) && strings.Contains(m.Text, there) && strings.Contains(m.Text, "K-0002 · A-2")
	})
	tb.api.SendText(k, "/week")
	week := tb.find(k.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, say(t, "de", "StaffWeek")) })
	if !strings.Contains(week.Text, "A-2") || !strings.Contains(week.Text, there) || strings.Contains(week.Text, "A-1") {
		t.Errorf("/week %q should list A-2 with %q, and not Herr Haddad's A-1", week.Text, there)
	}
	tb.api.SendText(k, "/client K-0002")
	card := tb.find(k.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffProfileTitle", "Case", "K-0002"))
	})
	needs := render(t, "de", flows.Phrase{ID: "StaffProfileInterpreter", Sub: map[string]flows.Phrase{"Language": flows.LanguageName("ar")}})
	if !strings.Contains(card.Text, needs) || !strings.Contains(card.Text, there) {
		t.Errorf("the case card %q lacks %q or %q", card.Text, needs, there)
	}

	// The reminder a day ahead names the interpreter.
	tb.at(time.Date(2027, 3, 24, 9, 0, 0, 0, berlin))
	reminder := tb.find(huda.ID, func(m fakeapi.Message) bool { return hasButton(m, ar("ReminderCome")) })
	if !strings.Contains(reminder.Text, with) {
		t.Errorf("the reminder %q does not name the interpreter", reminder.Text)
	}
	tb.setNow(time.Date(2027, 3, 25, 8, 0, 0, 0, berlin))
	tb.api.SendText(k, "/today")
	today := tb.find(k.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, say(t, "de", "StaffToday")) })
	if !strings.Contains(today.Text, "A-2") || !strings.Contains(today.Text, there) {
		t.Errorf("/today %q lacks A-2 with %q", today.Text, there)
	}
}

func TestManagerBooksWithAnInterpreter(t *testing.T) {
	tb := newBookingBot(t)
	k, y := tb.startStaff(kovalenko), tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 6621, FirstName: "Huda", LanguageCode: "ar"}
	tb.toMenu(u, "ar", true) // K-0001
	de := fakeapi.User{ID: 6622, FirstName: "Lena", LanguageCode: "de"}
	tb.toMenu(de, "de", true) // K-0002
	arabic, _ := flows.LookupLanguage("ar")
	with := say(t, "ar", "ApptWithInterpreter", "Language", arabic.Name)

	// Frau Kovalenko's Thursday has an Arabic interpreter: the second button says so.
	tb.api.SendText(k, "/book K-0001")
	slots := tb.find(k.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffBookFor", "Case", "K-0001"))
	})
	hint := render(t, "de", flows.Phrase{ID: "StaffBookInterpreterHint", Args: map[string]string{"Case": "K-0001"}, Sub: map[string]flows.Phrase{"Language": flows.LanguageName("ar")}})
	if !strings.Contains(slots.Text, hint) || !strings.Contains(hint, "Arabisch") {
		t.Errorf("the free times %q lack %q", slots.Text, hint)
	}
	if !hasButton(slots, say(t, "de", "StaffBookInterpreterHere")) || hasButton(slots, say(t, "de", "StaffBookInterpreterNone")) {
		t.Errorf("Thursday's times should all offer the planned interpreter: %v", labels(slots))
	}
	thursday := slotRef(t, kovalenko, time.Date(2027, 3, 25, 9, 0, 0, 0, berlin))
	tb.api.PressData(k, slots.ID, flows.Data(flows.ActBookFor, "1."+thursday+".y"))
	there := interpreterLine(t, "de", "StaffApptInterpreter", "ar")
	tb.find(k.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "K-0001") && strings.Contains(m.Text, there)
	})
	booked := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "ApptBooked")) })
	if !strings.Contains(booked.Text, with) {
		t.Errorf("the client's confirmation %q does not name the interpreter", booked.Text)
	}

	// Frau Yılmaz's Tuesday has none: she arranges it, and the client is promised nothing.
	tb.api.SendText(y, "/book K-0001")
	slots = tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffBookFor", "Case", "K-0001"))
	})
	if !hasButton(slots, say(t, "de", "StaffBookInterpreterNone")) || hasButton(slots, say(t, "de", "StaffBookInterpreterHere")) {
		t.Errorf("Tuesday's times should offer an interpreter to arrange: %v", labels(slots))
	}
	tuesday := slotRef(t, yilmaz, time.Date(2027, 3, 23, 9, 0, 0, 0, berlin))
	tb.api.PressData(y, slots.ID, flows.Data(flows.ActBookFor, "1."+tuesday+".y"))
	missing := interpreterLine(t, "de", "StaffApptInterpreterMissing", "ar")
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "K-0001") && strings.Contains(m.Text, missing)
	})
	booked = tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "ar", "ApptBooked")) && strings.Contains(m.Text, render(t, "ar", flows.Number("23.03.2027")))
	})
	if strings.Contains(booked.Text, with) || !strings.Contains(booked.Text, say(t, "ar", "ApptInterpreterManagerTold", "Language", arabic.Name)) {
		t.Errorf("the client's confirmation %q should promise no interpreter and say the manager knows", booked.Text)
	}

	// A German client gets no interpreter buttons, and a forged one books without.
	tb.api.SendText(y, "/book K-0002")
	slots = tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffBookFor", "Case", "K-0002"))
	})
	if strings.Contains(slots.Text, "🗣️") || hasButton(slots, say(t, "de", "StaffBookInterpreterNone")) {
		t.Errorf("the free times for a German client offer an interpreter: %q %v", slots.Text, labels(slots))
	}
	later := slotRef(t, yilmaz, time.Date(2027, 3, 23, 9, 30, 0, 0, berlin))
	tb.api.PressData(y, slots.ID, flows.Data(flows.ActBookFor, "2."+later+".y"))
	done := tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "K-0002") && strings.Contains(m.Text, "23.03.2027")
	})
	if strings.Contains(done.Text, "🗣️") {
		t.Errorf("a German client was booked with an interpreter: %q", done.Text)
	}
}

func TestGermanClientsAreNotAskedAboutInterpreters(t *testing.T) {
	tb := newBookingBot(t)
	k := tb.startStaff(kovalenko)
	u := fakeapi.User{ID: 6631, FirstName: "Lena", LanguageCode: "de"}
	tb.toMenu(u, "de", true)
	check := tb.pickSlot(u, "de", "WeekdayThu", "25.03.", "09:00", rathaus)
	if strings.Contains(check.Text, "🗣️") || hasButton(check, say(t, "de", "ApptInterpreterNeed")) || !hasButton(check, say(t, "de", "ApptConfirm")) {
		t.Errorf("a German client's check %q (%v) talks about interpreters", check.Text, labels(check))
	}
	// Forged "with an interpreter" data books without one, and tells nobody.
	slot := slotRef(t, kovalenko, time.Date(2027, 3, 25, 9, 0, 0, 0, berlin))
	tb.api.PressData(u, check.ID, flows.Data(flows.ActConfirm, slot+".other.y"))
	booked := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "ApptBooked")) })
	if strings.Contains(booked.Text, "🗣️") || strings.Contains(booked.Text, "✉️") {
		t.Errorf("the confirmation %q talks about an interpreter", booked.Text)
	}
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "document" })
	tb.quiet(k.ID, 1)
}
