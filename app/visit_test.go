package app

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// visitWhen is how a client or manager sees the home visit on Thursday 1 April 2027,
// 10:00–12:00.
func visitWhen() flows.Phrase {
	return flows.Phrase{ID: "VisitWhen", Sub: map[string]flows.Phrase{
		"Day": flows.Msg("WeekdayThu"), "Date": flows.Number("01.04.2027"), "Window": flows.Number("10:00–12:00"),
	}}
}

// visitReminders counts the visit reminders a client received.
func (tb *testBot) visitReminders(chat int64, lang string) int {
	n := 0
	for _, m := range tb.api.Messages(chat) {
		if strings.HasPrefix(m.Text, "⏰") && hasButton(m, say(tb.t, lang, "VisitLater")) {
			n++
		}
	}
	return n
}

// pressLast presses button data under the user's last message and returns the pop-up the
// bot answered with.
func (tb *testBot) pressLast(u fakeapi.User, data string) string {
	tb.t.Helper()
	// Earlier presses must be answered first, or their answer would be taken for this one's.
	tb.api.WaitFor(10*time.Second, func() bool { return len(tb.api.UnansweredCallbacks()) == 0 })
	m, _ := tb.api.LastMessage(u.ID)
	return tb.pressData(u, m.ID, data)
}

func TestHomeVisitAfterMissedAppointments(t *testing.T) {
	tb := newBookingBot(t)
	y := tb.startStaff(yilmaz)
	admin := tb.startStaff(900001)
	u := fakeapi.User{ID: 8901, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt") // K-0001

	// Two missed appointments in a row: the manager is offered a home visit.
	tb.book(u, "ar", "WeekdayTue", "23.03.", false)
	tb.at(time.Date(2027, 3, 23, 12, 0, 0, 0, berlin))
	tb.press(y, say(t, "de", "StaffMissed", "Appointment", "A-1"))
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return hasButton(m, say(t, "ar", "ApptBook")) && strings.Contains(m.Text, "23.03.2027")
	})
	tb.book(u, "ar", "WeekdayTue", "30.03.", false)
	tb.at(time.Date(2027, 3, 30, 12, 0, 0, 0, berlin))
	tb.press(y, say(t, "de", "StaffMissed", "Appointment", "A-2"))
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "K-0001 · A-2") && hasButton(m, say(t, "de", "StaffVisitPropose"))
	})

	// The manager picks Thursday, 10:00–12:00, with an interpreter.
	tb.press(y, say(t, "de", "StaffVisitPropose"))
	tb.press(y, render(t, "de", flows.Join(" ", flows.Msg("WeekdayThu"), flows.Number("01.04."))))
	windows := tb.find(y.ID, func(m fakeapi.Message) bool { return hasButton(m, "10:00–12:00") })
	if !strings.Contains(windows.Text, "Altstadt") || !hasButton(windows, say(t, "de", "StaffVisitWithInterpreter")) {
		t.Fatalf("the time windows %q %v name no housing or offer no interpreter", windows.Text, labels(windows))
	}
	tb.api.PressData(y, windows.ID, flows.Data(flows.ActVisitAt, "1.20270401.10.y"))
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, render(t, "de", flows.Phrase{ID: "StaffVisitProposed", Args: map[string]string{"Case": "K-0001"}, Sub: map[string]flows.Phrase{"When": visitWhen()}}))
	})

	// The client gets it in Arabic, dates isolated, and will be home.
	l, _ := flows.LookupLanguage("ar")
	want := render(t, "ar", flows.Join("\n",
		flows.Phrase{ID: "VisitProposed", Sub: map[string]flows.Phrase{"When": visitWhen(), "Place": flows.Literal("Altstadt")}},
		flows.Msg("ApptWithInterpreter", "Language", l.Name)))
	offer := tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == want })
	if !strings.Contains(offer.Text, "\u206801.04.2027\u2069") {
		t.Errorf("the date in %q is not isolated", offer.Text)
	}
	tb.press(u, say(t, "ar", "VisitHome"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "VisitThanks") })
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "document" })
	// The client's appointments list the visit, with "another time" only.
	tb.press(u, say(t, "ar", "MenuBack"))
	tb.press(u, say(t, "ar", "MenuAppointments"))
	listed := render(t, "ar", flows.Join("\n",
		flows.Phrase{ID: "VisitListed", Sub: map[string]flows.Phrase{"When": visitWhen(), "Place": flows.Literal("Altstadt")}},
		flows.Msg("ApptWithInterpreter", "Language", l.Name)))
	list := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, listed) })
	if later := render(t, "ar", flows.Join("", flows.Msg("VisitLater"), flows.Literal(" "), flows.Number("01.04."))); !hasButton(list, later) || hasButton(list, say(t, "ar", "VisitHome")) {
		t.Errorf("the client's list %v should offer %q and no longer %q", labels(list), later, say(t, "ar", "VisitHome"))
	}
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, render(t, "de", flows.Phrase{ID: "StaffVisitConfirmed", Args: map[string]string{"Case": "K-0001"}, Sub: map[string]flows.Phrase{"When": visitWhen()}}))
	})

	// The reminder a day ahead comes once, also across a restart; the one two hours ahead
	// comes once too.
	dayBefore := time.Date(2027, 3, 31, 10, 0, 0, 0, berlin)
	tb.at(dayBefore.Add(-time.Minute))
	if n := tb.visitReminders(u.ID, "ar"); n != 0 {
		t.Fatalf("%d reminders before the day before", n)
	}
	tb.at(dayBefore.Add(time.Minute))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "⏰") })
	tb.restart()
	tb.at(dayBefore.Add(2 * time.Minute))
	if n := tb.visitReminders(u.ID, "ar"); n != 1 {
		t.Fatalf("%d reminders a day ahead, want 1", n)
	}
	tb.at(time.Date(2027, 4, 1, 8, 1, 0, 0, berlin))
	tb.waitFor(u.ID, func() bool { return tb.visitReminders(u.ID, "ar") == 2 })
	tb.at(time.Date(2027, 4, 1, 8, 2, 0, 0, berlin))
	if n := tb.visitReminders(u.ID, "ar"); n != 2 {
		t.Fatalf("%d reminders in all, want 2", n)
	}

	// After the window the manager is asked; the visit shows in /today and is marked held.
	tb.at(time.Date(2027, 4, 1, 12, 20, 0, 0, berlin))
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return hasButton(m, say(t, "de", "StaffVisitHeld", "Appointment", "A-3"))
	})
	tb.api.SendText(y, "/today")
	today := tb.find(y.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, say(t, "de", "StaffToday")) })
	line := render(t, "de", flows.Phrase{ID: "StaffVisitLine", Args: map[string]string{"Appointment": "K-0001 · A-3", "Language": l.Name}, Sub: map[string]flows.Phrase{"When": visitWhen(), "District": flows.Literal("Altstadt")}})
	if !strings.Contains(today.Text, line) {
		t.Fatalf("/today %q lacks the visit %q", today.Text, line)
	}
	tb.press(y, say(t, "de", "StaffVisitHeld", "Appointment", "A-3"))
	tb.find(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, line+" ✅") })

	// The case card counts it; the client heard nothing about a missed appointment.
	tb.api.SendText(y, "/client K-0001")
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, render(t, "de", flows.Phrase{ID: "StaffProfileVisits", Sub: map[string]flows.Phrase{"Held": flows.Number("1"), "NotHeld": flows.Number("0")}}))
	})

	// The figures: /stats and the report CSV, without persons.
	tb.api.SendText(admin, "/stats 2027-04")
	tb.find(admin.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, render(t, "de", flows.Phrase{ID: "StatsVisits", Sub: map[string]flows.Phrase{
			"Proposed": flows.Number("1"), "Held": flows.Number("1"), "NotHeld": flows.Number("0"), "Cancelled": flows.Number("0"),
		}}))
	})
	tb.stop()
	out, errs := &syncBuffer{}, &syncBuffer{}
	m := &Main{Getenv: func(k string) string { return tb.env[k] }, Stdout: out, Stderr: errs, Now: tb.now}
	if code := exit(m.Stderr, m.Run(t.Context(), []string{"report", "--from", "2027-01-01", "--to", "2027-12-31"})); code != 0 {
		t.Fatalf("report exited %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantRows := map[string]string{"2027-04/visit.booked": "1", "2027-04/visit.attended": "1", "visits.held": "1", "visits.proposed": "1", "visits.not_held": "0", "2027-03/appt.missed": "2"}
	for _, r := range rows {
		for _, k := range []string{r[0] + "/" + r[1], r[1]} {
			if v, ok := wantRows[k]; ok {
				if v != r[2] {
					t.Errorf("%s = %s, want %s", k, r[2], v)
				}
				delete(wantRows, k)
			}
		}
		if strings.Contains(r[1], "8901") || strings.Contains(r[1], "K-0001") {
			t.Errorf("the report names a person: %v", r)
		}
	}
	for k := range wantRows {
		t.Errorf("report lacks %s:\n%s", k, out)
	}
}

func TestHomeVisitBadInput(t *testing.T) {
	tb := newBookingBot(t)
	y := tb.startStaff(yilmaz)
	other := tb.startStaff(900103) // Oberdorf and Nord: not the Altstadt
	u := fakeapi.User{ID: 8911, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt") // K-0001
	v := fakeapi.User{ID: 8912, FirstName: "Olena", LanguageCode: "uk"}
	tb.toDistrict(v, "uk", "Altstadt")              // K-0002
	tb.book(v, "uk", "WeekdayTue", "23.03.", false) // A-1, an office appointment

	// A client cannot propose visits, by command or by forged buttons.
	tb.api.SendText(u, "/visit K-0001")
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "StaffOnly")) })
	for _, data := range []string{
		flows.Data(flows.ActVisit, "1"),
		flows.Data(flows.ActVisitDay, "1.20270325"),
		flows.Data(flows.ActVisitAt, "1.20270325.10"),
	} {
		if got := tb.pressLast(u, data); got != say(t, "ar", "ButtonExpired") {
			t.Errorf("a client's %s: %q", data, got)
		}
	}

	// Impossible, past, malformed dates name the value.
	for _, tt := range []struct{ arg, id, value string }{
		{"31.02.", "StaffVisitBadDate", "31.02."},
		{"20.03.2027", "StaffVisitPastDate", "20.03.2027"},
		{"morgen", "StaffVisitBadDate", "morgen"},
		{"24.12.2030", "StaffVisitFarDate", "24.12.2030"},
	} {
		tb.api.SendText(y, "/visit K-0001 "+tt.arg)
		tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", tt.id, "Value", tt.value) })
	}
	tb.api.SendText(y, "/visit K-9999")
	tb.find(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "StaffUnknownCase")) })
	tb.api.SendText(other, "/visit K-0001")
	tb.find(other.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffNotYourCase", "Case", "K-0001"))
	})
	if got := tb.pressLast(other, flows.Data(flows.ActVisitAt, "1.20270325.10")); got != say(t, "de", "StaffNotYourCase", "Case", "K-0001") {
		t.Errorf("another district's manager proposed a visit: %q", got)
	}

	// Forged manager buttons: a day past, an hour that is no window, today's window gone by.
	tb.api.SendText(y, "/visit K-0001 25.03.")
	tb.find(y.ID, func(m fakeapi.Message) bool { return hasButton(m, "10:00–12:00") })
	for _, data := range []string{
		flows.Data(flows.ActVisitAt, "1.20270301.10"),
		flows.Data(flows.ActVisitAt, "1.20270325.11"),
		flows.Data(flows.ActVisitAt, "1.20270322.08"),
		flows.Data(flows.ActVisitAt, "1.20270231.10"),
		flows.Data(flows.ActVisitDay, "1.20270321"),
		"1:vsp:1.20270325.10.x",
	} {
		if got := tb.pressLast(y, data); got != say(t, "de", "ButtonExpired") {
			t.Errorf("forged %s: %q", data, got)
		}
	}
	if n := len(tb.api.Messages(u.ID)); hasButton(tb.api.Messages(u.ID)[n-1], say(t, "ar", "VisitHome")) {
		t.Fatal("a forged button proposed a visit")
	}

	// A real visit for K-0001; K-0002 cannot answer it, nor answer an office appointment
	// as if it were a visit.
	tb.press(y, "10:00–12:00")
	tb.find(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ar", "VisitHome")) })
	if got := tb.pressLast(v, flows.Data(flows.ActVisitHome, "A-2")); got != say(t, "uk", "ButtonExpired") {
		t.Errorf("another client answered the visit: %q", got)
	}
	if got := tb.pressLast(v, flows.Data(flows.ActVisitLate, "A-1")); got != say(t, "uk", "ButtonExpired") {
		t.Errorf("an office appointment was answered as a visit: %q", got)
	}
	for _, m := range tb.api.Messages(y.ID) {
		if strings.Contains(m.Text, "K-0002") && (strings.HasPrefix(m.Text, "👍") || strings.HasPrefix(m.Text, "🔁")) {
			t.Errorf("the manager heard of a forged answer: %q", m.Text)
		}
	}

	// "Another time": the manager hears it and can propose again; a second answer is refused.
	tb.press(u, say(t, "ar", "VisitLater"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "VisitLaterThanks") })
	again := tb.find(y.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "de", "StaffVisitPropose")) })
	if !strings.Contains(again.Text, "K-0001") {
		t.Errorf("the manager's note %q does not name the case", again.Text)
	}
	if got := tb.pressLast(u, flows.Data(flows.ActVisitHome, "A-2")); got != say(t, "ar", "ButtonExpired") {
		t.Errorf("a cancelled visit was confirmed: %q", got)
	}
	tb.press(y, say(t, "de", "StaffVisitPropose"))
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.HasPrefix(m.Text, say(t, "de", "StaffVisitDays", "Case", "K-0001"))
	})

	// Another place: a housing site the town does not have is named; one it has is used.
	tb.api.SendText(y, "/visit K-0001 26.03. Mondstadt")
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.HasPrefix(m.Text, say(t, "de", "StaffVisitUnknownPlace", "Value", "Mondstadt", "List", "Altstadt, Musterstadt-Nord, Anschlussunterbringung Lindenweg, Ortsteil Oberdorf"))
	})
	tb.api.SendText(y, "/visit K-0001 26.03. musterstadt-nord")
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "Musterstadt-Nord") && hasButton(m, "14:00–16:00")
	})
	if got := tb.pressLast(y, flows.Data(flows.ActVisitAt, "1.20270326.14.n.mond")); got != say(t, "de", "ButtonExpired") {
		t.Errorf("a forged place: %q", got)
	}
	tb.api.SendText(y, "/visit K-0001 26.03. musterstadt-nord")
	tb.find(y.ID, func(m fakeapi.Message) bool { return hasButton(m, "14:00–16:00") })
	tb.press(y, "14:00–16:00")
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "Musterstadt-Nord") && hasButton(m, say(t, "ar", "VisitHome"))
	})
}

func TestHomeVisitWithoutKnownHousing(t *testing.T) {
	tb := newBookingBot(t)
	y := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 8921, FirstName: "Hadi", LanguageCode: "fa"}
	tb.toMenu(u, "fa", true) // K-0001, no housing site given

	tb.api.SendText(y, "/visit K-0001 25.03.")
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffDistrictUnknown")) && hasButton(m, "10:00–12:00")
	})
	tb.press(y, "10:00–12:00")
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "fa", "VisitPlaceHome")) && hasButton(m, say(t, "fa", "VisitHome"))
	})
	tb.press(u, say(t, "fa", "VisitHome"))
	doc := tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "document" })
	if ics := string(doc.FileData); !strings.Contains(ics, "BEGIN:VEVENT") || strings.Contains(ics, "LOCATION") {
		t.Errorf("the calendar file should hold the visit and name no place:\n%s", ics)
	}
}
