package app

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

var caseLabel = regexp.MustCompile(`K-\d{4}`)

// staffLineOf returns the line of text that names appointment id ("A-3"), or "".
func staffLineOf(text, id string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, " "+id+" ") {
			return l
		}
	}
	return ""
}

// notices counts the manager's messages that are the notice id about a case.
func (tb *testBot) notices(manager int64, id, label string) int {
	n := 0
	for _, m := range tb.api.Messages(manager) {
		if strings.HasPrefix(m.Text, strings.SplitN(say(tb.t, "de", id, "Case", label), " ", 2)[0]+" "+label) {
			n++
		}
	}
	return n
}

func TestManagersSeeTheClientsAnswers(t *testing.T) {
	tb := newBookingBot(t)
	manager := tb.startStaff(900101)
	come := fakeapi.User{ID: 9901, FirstName: "Amal", LanguageCode: "ar"}
	comeToo := fakeapi.User{ID: 9902, FirstName: "Taras", LanguageCode: "uk"}
	later := fakeapi.User{ID: 9903, FirstName: "Parisa", LanguageCode: "fa"}
	cancel := fakeapi.User{ID: 9904, FirstName: "Deniz", LanguageCode: "tr"}
	// Four appointments on Tuesday, A-1 to A-4, with the manager of the Altstadt.
	for _, c := range []struct {
		u          fakeapi.User
		lang, hhmm string
	}{{come, "ar", "09:00"}, {comeToo, "uk", "09:30"}, {later, "fa", "10:00"}, {cancel, "tr", "10:30"}} {
		tb.toDistrict(c.u, c.lang, "Altstadt")
		tb.press(c.u, say(t, c.lang, "MenuAppointments"))
		tb.press(c.u, say(t, c.lang, "ApptBook"))
		tb.chooseSlot(c.u, c.lang, "WeekdayTue", "23.03.", c.hhmm)
		tb.nthCalendarFile(c.u.ID, 1)
	}

	// The week lists them; the labels of the cases come from it. The manager turns the
	// notices on from there.
	tb.api.SendText(manager, "/week")
	week := tb.find(manager.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, " A-4 ") })
	labelOf := map[string]string{}
	for _, id := range []string{"A-1", "A-2", "A-3", "A-4"} {
		if labelOf[id] = caseLabel.FindString(staffLineOf(week.Text, id)); labelOf[id] == "" {
			t.Fatalf("no line of %s in the week:\n%s", id, week.Text)
		}
	}
	if !hasButton(week, say(t, "de", "StaffNoticesTurnOn")) {
		t.Fatalf("the week offers no notices: %v", labels(week))
	}
	tb.press(manager, say(t, "de", "StaffNoticesTurnOn"))
	tb.find(manager.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffNoticesOn")) && hasButton(m, say(t, "de", "StaffNoticesTurnOff"))
	})
	tb.idle()

	// Each answer sends one line: "another time" and cancelled now, more than a day ahead,
	// and "I'll come" from the reminder a day before.
	tb.pressListed(later, "fa", "ApptChange")
	tb.find(later.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "fa", "ApptChooseDay")) })
	tb.pressListed(cancel, "tr", "ApptCancel")
	tb.find(cancel.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "tr", "ApptCancelled")) })
	tb.at(monday.Add(time.Hour + 45*time.Minute))
	tb.find(come.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ar", "ReminderCome")) })
	tb.find(comeToo.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "uk", "ReminderCome")) })
	tb.press(comeToo, say(t, "uk", "ReminderCome"))
	tb.find(comeToo.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "uk", "ReminderThanks")) })
	when := func(hhmm string) flows.Phrase {
		return flows.Phrase{ID: "ApptWhen", Sub: map[string]flows.Phrase{"Day": flows.Msg("WeekdayTue"), "Date": flows.Number("23.03.2027"), "Time": flows.Number(hhmm)}}
	}
	notices := map[string]struct{ id, hhmm string }{
		"A-2": {"StaffNoticeCome", "09:30"}, "A-3": {"StaffNoticeLater", "10:00"}, "A-4": {"StaffNoticeCancel", "10:30"},
	}
	for appt, n := range notices {
		line := render(t, "de", flows.Phrase{ID: n.id, Args: map[string]string{"Case": labelOf[appt]}, Sub: map[string]flows.Phrase{"When": when(n.hhmm)}})
		tb.find(manager.ID, func(m fakeapi.Message) bool { return m.Text == line })
	}

	// Turned off, an answer sends nothing.
	tb.api.SendText(manager, "/notices")
	tb.press(manager, say(t, "de", "StaffNoticesTurnOff"))
	tb.find(manager.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "StaffNoticesOff")) })
	tb.idle()
	tb.press(come, say(t, "ar", "ReminderCome"))
	tb.find(come.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "ReminderThanks")) })
	tb.idle()
	for appt, n := range notices {
		if got := tb.notices(manager.ID, n.id, labelOf[appt]); got != 1 {
			t.Errorf("%d notices %s of %s, want one", got, n.id, labelOf[appt])
		}
	}
	if got := tb.notices(manager.ID, "StaffNoticeCome", labelOf["A-1"]); got != 0 {
		t.Errorf("with the notices off the manager got %d notices of %s", got, labelOf["A-1"])
	}

	// The week shows every answer at its appointment.
	marks := map[string]string{"A-1": "StaffAnswerCome", "A-2": "StaffAnswerCome", "A-3": "StaffAnswerLater", "A-4": "StaffAnswerCancel"}
	tb.api.SendText(manager, "/week")
	week = tb.find(manager.ID, func(m fakeapi.Message) bool {
		return strings.HasSuffix(staffLineOf(m.Text, "A-1"), say(t, "de", "StaffAnswerCome"))
	})
	for appt, mark := range marks {
		if line := staffLineOf(week.Text, appt); !strings.HasSuffix(line, say(t, "de", mark)) {
			t.Errorf("/week line of %s is %q, want it to end with %q", appt, line, say(t, "de", mark))
		}
	}

	// The case cards: the next appointment with "will come", the one to move with "another
	// time", the one called off.
	next := render(t, "de", flows.Join(" ", flows.Phrase{ID: "StaffProfileNext", Sub: map[string]flows.Phrase{"When": when("09:00")}}, flows.Msg("StaffAnswerCome")))
	if card := tb.caseCard(manager, labelOf["A-1"]); !strings.Contains(card, next) {
		t.Errorf("the case card of %s lacks %q:\n%s", labelOf["A-1"], next, card)
	}
	for _, appt := range []string{"A-3", "A-4"} {
		if card := tb.caseCard(manager, labelOf[appt]); !strings.HasSuffix(staffLineOf(card, appt), say(t, "de", marks[appt])) {
			t.Errorf("the case card of %s does not show %s:\n%s", labelOf[appt], marks[appt], card)
		}
	}

	// On the day, /today shows who said they'd come and who will not.
	tb.at(time.Date(2027, 3, 23, 7, 0, 0, 0, berlin))
	tb.api.SendText(manager, "/today")
	today := tb.find(manager.ID, func(m fakeapi.Message) bool {
		return strings.HasPrefix(m.Text, say(t, "de", "StaffToday")) && strings.Contains(m.Text, "23.03.2027")
	})
	for appt, mark := range marks {
		if line := staffLineOf(today.Text, appt); !strings.HasSuffix(line, say(t, "de", mark)) {
			t.Errorf("/today line of %s is %q, want it to end with %q", appt, line, say(t, "de", mark))
		}
	}
}

// caseCard returns the text of the case card of label that the manager asks for.
func (tb *testBot) caseCard(manager fakeapi.User, label string) string {
	tb.t.Helper()
	tb.api.SendText(manager, "/client "+label)
	return tb.find(manager.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(tb.t, "de", "StaffProfileTitle", "Case", label))
	}).Text
}
