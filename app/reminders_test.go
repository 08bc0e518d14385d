package app

import (
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// reminders counts the reminders a chat got: messages with the "I will come" button.
func (tb *testBot) reminders(chat int64, lang string) int {
	n := 0
	for _, m := range tb.api.Messages(chat) {
		if hasButton(m, say(tb.t, lang, "ReminderCome")) {
			n++
		}
	}
	return n
}

// bookTuesday takes a new client to the menu and books Tuesday 30 March 2027, 09:00 in
// Berlin (07:00 UTC) — two days after the switch to summer time — while the clock stands on
// the Monday before, in winter time.
func bookTuesday(t *testing.T, tb *testBot, u fakeapi.User, lang string) {
	t.Helper()
	tb.toMenu(u, lang, true)
	tb.book(u, lang, "WeekdayTue", "30.03.", false)
}

func TestRemindersAtTheRightTimesAcrossDaylightSaving(t *testing.T) {
	for _, tt := range []struct {
		name    string
		booking time.Time // the clock when booking, before a switch
		label   string    // the appointment's day on its button
		start   time.Time // the appointment, after the switch
	}{
		{"spring", monday, "30.03.", time.Date(2027, 3, 30, 7, 0, 0, 0, time.UTC)},
		{"autumn", time.Date(2027, 10, 25, 8, 0, 0, 0, berlin), "02.11.", time.Date(2027, 11, 2, 8, 0, 0, 0, time.UTC)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tb := newTestBot(t)
			tb.setNow(tt.booking)
			u := fakeapi.User{ID: 9101, FirstName: "Hadi", LanguageCode: "fa"}
			tb.toMenu(u, "fa", true)
			tb.book(u, "fa", "WeekdayTue", tt.label, false)

			for _, offset := range []time.Duration{24 * time.Hour, 2 * time.Hour} {
				due := tt.start.Add(-offset)
				before := tb.reminders(u.ID, "fa")
				tb.at(due.Add(-time.Second))
				if got := tb.reminders(u.ID, "fa"); got != before {
					t.Fatalf("a reminder came before %v", due)
				}
				tb.at(due)
				tb.api.WaitFor(5*time.Second, func() bool { return tb.reminders(u.ID, "fa") == before+1 })
				if got := tb.reminders(u.ID, "fa"); got != before+1 {
					t.Fatalf("at %v (%s before the appointment) %d reminders, want %d", due, offset, got, before+1)
				}
			}
			m, _ := tb.api.LastMessage(u.ID)
			if nine := render(t, "fa", flows.Number("09:00")); nine != "\u2068۰۹:۰۰\u2069" || !strings.Contains(m.Text, nine) {
				t.Errorf("the reminder %q does not say 09:00 local time in Persian digits", m.Text)
			}
		})
	}
}

func TestRestartLosesNoReminderAndSendsNoneTwice(t *testing.T) {
	tb := newBookingBot(t)
	u := fakeapi.User{ID: 9201, FirstName: "Mila", LanguageCode: "uk"}
	bookTuesday(t, tb, u, "uk")
	tb.stop()
	// While the bot is down, both reminders fall due; the appointment still lies ahead.
	tb.setNow(time.Date(2027, 3, 30, 6, 0, 0, 0, time.UTC))
	tb.start()
	tb.api.WaitFor(5*time.Second, func() bool { return tb.reminders(u.ID, "uk") > 0 })
	tb.restart()
	time.Sleep(300 * time.Millisecond)
	if got := tb.reminders(u.ID, "uk"); got != 1 {
		t.Errorf("%d reminders after downtime and restarts, want exactly 1 (the latest)", got)
	}
	// A reminder whose appointment passed while the bot was down is skipped (the manager is
	// asked whether the client came instead).
	manager := tb.startStaff(900103)
	other := fakeapi.User{ID: 9202, FirstName: "Ivan", LanguageCode: "uk"}
	tb.setNow(monday)
	tb.toMenu(other, "uk", true)
	tb.book(other, "uk", "WeekdayThu", "25.03.", false)
	tb.stop()
	tb.setNow(time.Date(2027, 3, 25, 10, 0, 0, 0, time.UTC)) // after the appointment
	tb.start()
	time.Sleep(300 * time.Millisecond)
	if got := tb.reminders(other.ID, "uk"); got != 0 {
		t.Errorf("%d reminders for an appointment already past", got)
	}
	tb.find(manager.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "de", "StaffCame", "Appointment", "A-2")) })
}

func TestReminderAnswers(t *testing.T) {
	tb := newBookingBot(t)
	u := fakeapi.User{ID: 9301, FirstName: "Nadia", LanguageCode: "ar"}
	bookTuesday(t, tb, u, "ar")
	tb.at(time.Date(2027, 3, 29, 7, 0, 0, 0, time.UTC))
	tb.find(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ar", "ReminderCome")) })
	tb.press(u, say(t, "ar", "ReminderCome"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "ReminderThanks")) })
	tb.stop()
	db := tb.db()
	var appts []*flows.Appointment
	db.View(func(tx flows.Tx) (err error) { appts, err = tx.ClientAppointments(u.ID); return err })
	if len(appts) != 1 || !appts[0].Confirmed {
		t.Errorf("the answer 'I will come' was not recorded: %+v", appts)
	}
}

func TestBlockedClientIsSkippedAndTheManagerTold(t *testing.T) {
	tb := newBookingBot(t)
	manager := tb.startStaff(900101)
	u := fakeapi.User{ID: 9401, FirstName: "Karim", LanguageCode: "ar"}
	bookTuesday(t, tb, u, "ar")
	tb.api.Block(u.ID)
	// Something the bot sends marks the client unreachable: here the FAQ answer to /faq.
	tb.api.SendText(u, "/menu")
	tb.refused("sendMessage", 403)
	time.Sleep(100 * time.Millisecond)
	tb.at(time.Date(2027, 3, 29, 7, 0, 0, 0, time.UTC))
	m := tb.find(manager.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "A-1") })
	if !strings.Contains(m.Text, say(t, "de", "WeekdayTue")) {
		t.Errorf("the manager got %q, want the undelivered reminder", m.Text)
	}
}

func TestMissedAppointmentsFollowUpAndEscalate(t *testing.T) {
	tb := newBookingBot(t)
	manager := tb.startStaff(900101)
	u := fakeapi.User{ID: 9501, FirstName: "Yara", LanguageCode: "ar"}
	bookTuesday(t, tb, u, "ar")

	// After the slot and the grace period the manager is asked once.
	tb.at(time.Date(2027, 3, 30, 7, 44, 0, 0, time.UTC))
	if n := len(tb.api.Messages(manager.ID)); n != 1 {
		t.Fatalf("the manager was asked before the grace period ended")
	}
	tb.at(time.Date(2027, 3, 30, 7, 45, 0, 0, time.UTC))
	tb.find(manager.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "de", "StaffMissed", "Appointment", "A-1")) })
	tb.at(time.Date(2027, 3, 30, 9, 0, 0, 0, time.UTC))
	if n := len(tb.api.Messages(manager.ID)); n != 2 {
		t.Errorf("the manager got %d messages, want the question once", n)
	}
	tb.press(manager, say(t, "de", "StaffMissed", "Appointment", "A-1"))
	follow := tb.find(u.ID, func(m fakeapi.Message) bool {
		return hasButton(m, say(t, "ar", "ApptBook")) && strings.Contains(m.Text, "\u206830.03.2027\u2069")
	})
	if strings.Contains(follow.Text, "{{") {
		t.Errorf("follow-up %q", follow.Text)
	}

	// A second miss in a row suggests a home visit.
	tb.setNow(time.Date(2027, 3, 31, 8, 0, 0, 0, berlin))
	tb.book(u, "ar", "WeekdayThu", "01.04.", false)
	tb.setNow(time.Date(2027, 4, 1, 12, 0, 0, 0, berlin))
	other := tb.startStaff(900103)
	tb.api.SendText(other, "/today")
	tb.find(other.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "StaffToday")) })
	tb.press(other, say(t, "de", "StaffMissed", "Appointment", "A-2"))
	tb.find(other.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "StaffMarked")) })
	tb.find(900103, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "A-2") && strings.Contains(m.Text, say(t, "de", "StaffDistrictUnknown"))
	})
}
