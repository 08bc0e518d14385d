package app

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

func TestBookingInTheClientsLanguageWithCalendarFile(t *testing.T) {
	for i, lang := range []string{"ar", "fa", "uk", "de"} {
		t.Run(lang, func(t *testing.T) {
			tb := newBookingBot(t)
			u := fakeapi.User{ID: int64(8100 + i), FirstName: "Client", LanguageCode: lang}
			tb.toMenu(u, lang, true)
			tb.bookFirstSlot(u, lang)
			msgs := tb.api.Messages(u.ID)
			var booked, file fakeapi.Message
			for _, m := range msgs {
				if strings.Contains(m.Text, say(t, lang, "ApptBooked")) {
					booked = m
				}
				if m.Kind == "document" {
					file = m
				}
			}
			when := render(t, lang, flows.Phrase{ID: "ApptWhen", Sub: map[string]flows.Phrase{"Day": flows.Msg("WeekdayTue"), "Date": flows.Number("23.03.2027"), "Time": flows.Number("09:00")}})
			for _, want := range []string{when, "Rathaus Musterstadt, Bürgerbüro", "Marktplatz 1, 79999 Musterstadt", say(t, lang, "ApptBring")} {
				if !strings.Contains(booked.Text, want) {
					t.Errorf("confirmation %q lacks %q", booked.Text, want)
				}
			}
			if date := render(t, lang, flows.Number("23.03.2027")); (lang == "ar" || lang == "fa") && (!strings.HasPrefix(date, "\u2068") || !strings.Contains(booked.Text, date)) {
				t.Errorf("the date is not isolated in %q", booked.Text)
			}
			if !hasButton(booked, say(t, lang, "ApptMap")) {
				t.Errorf("no map button: %v", labels(booked))
			}
			// Tuesday's office hours have no interpreter: none is promised.
			if l, _ := flows.LookupLanguage(lang); strings.Contains(booked.Text, say(t, lang, "ApptWithInterpreter", "Language", l.Name)) {
				t.Errorf("the confirmation %q promises an interpreter the office hours do not have", booked.Text)
			}
			// The calendar file is valid iCalendar, checked with a second, independent parser.
			if !strings.HasSuffix(file.FileName, ".ics") || file.Text != say(t, lang, "ApptCalendarFile") {
				t.Fatalf("calendar file %q with caption %q (kind %q); messages: %s", file.FileName, file.Text, file.Kind, texts(msgs))
			}
			cal, err := ical.NewDecoder(bytes.NewReader(file.FileData)).Decode()
			if err != nil {
				t.Fatalf("the .ics does not parse: %v\n%s", err, file.FileData)
			}
			events := cal.Events()
			if len(events) != 1 {
				t.Fatalf("%d events in the .ics", len(events))
			}
			start, err := events[0].DateTimeStart(berlin)
			if err != nil || !start.Equal(time.Date(2027, 3, 23, 9, 0, 0, 0, berlin)) {
				t.Errorf("DTSTART %v (%v), want Tuesday 09:00 in Berlin", start, err)
			}
			if sum, _ := events[0].Props.Text(ical.PropSummary); sum != say(t, lang, "ApptCalendarTitle") {
				t.Errorf("SUMMARY %q, want the title in %s", sum, lang)
			}
		})
	}
}

func TestCancelAndRescheduleFreeTheSeat(t *testing.T) {
	for i, lang := range []string{"ar", "fa", "uk", "de"} {
		t.Run(lang, func(t *testing.T) {
			tb := newBookingBot(t)
			u := fakeapi.User{ID: int64(8201 + 10*i), FirstName: "First", LanguageCode: lang}
			tb.toMenu(u, lang, true)
			tb.bookFirstSlot(u, lang)
			tb.press(u, say(t, lang, "MenuAppointments"))
			list := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, lang, "ApptListTitle")) })
			for _, l := range labels(list) {
				if strings.HasPrefix(l, say(t, lang, "ApptCancel")) {
					tb.press(u, l)
				}
			}
			tb.find(u.ID, func(m fakeapi.Message) bool {
				return strings.Contains(m.Text, say(t, lang, "ApptCancelled")) && strings.Contains(m.Text, say(t, lang, "ApptNone"))
			})

			// The seat is free again: another client books it.
			other := fakeapi.User{ID: int64(8202 + 10*i), FirstName: "Second", LanguageCode: lang}
			tb.toMenu(other, lang, true)
			tb.bookFirstSlot(other, lang)

			// Rescheduling cancels and offers the days again, in the client's script.
			tb.press(other, say(t, lang, "MenuAppointments"))
			list = tb.find(other.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, lang, "ApptListTitle")) })
			for _, l := range labels(list) {
				if strings.HasPrefix(l, say(t, lang, "ApptChange")) {
					tb.press(other, l)
				}
			}
			m := tb.find(other.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, lang, "ApptChooseDay")) })
			if !strings.Contains(m.Text, say(t, lang, "ApptCancelled")) {
				t.Errorf("reschedule screen %q does not say the old appointment is cancelled", m.Text)
			}
			tuesday := render(t, lang, flows.Join(" ", flows.Msg("WeekdayTue"), flows.Number("23.03.")))
			if !hasButton(m, tuesday) {
				t.Errorf("the freed Tuesday %q is not offered again: %v", tuesday, labels(m))
			}
		})
	}
}

func TestLateCancellationReachesTheManager(t *testing.T) {
	tb := newBookingBot(t)
	tb.startStaff(900101)
	u := fakeapi.User{ID: 8301, FirstName: "Samir", LanguageCode: "ar"}
	tb.toMenu(u, "ar", true)
	tb.bookFirstSlot(u, "ar")
	tb.setNow(time.Date(2027, 3, 23, 7, 0, 0, 0, berlin)) // two hours before
	tb.press(u, say(t, "ar", "MenuAppointments"))
	list := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "ApptListTitle")) })
	for _, l := range labels(list) {
		if strings.HasPrefix(l, say(t, "ar", "ApptCancel")) {
			tb.press(u, l)
		}
	}
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "ApptCancelledLate")) })
	msgs := tb.waitMessages(900101, 2)
	if !strings.Contains(msgs[1].Text, "A-") || !strings.Contains(msgs[1].Text, say(t, "de", "WeekdayTue")) {
		t.Errorf("the manager got %q, want the late cancellation in German", msgs[1].Text)
	}
}

func TestFiftyClientsRaceForOneSeat(t *testing.T) {
	tb := newBookingBot(t)
	slot := slotRef(t, 900101, time.Date(2027, 3, 23, 9, 0, 0, 0, berlin))
	var users []fakeapi.User
	for i := 0; i < 50; i++ {
		u := fakeapi.User{ID: int64(8400 + i), FirstName: "Racer", LanguageCode: "de"}
		users = append(users, u)
	}
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tb.api.SendText(u, "/start")
		}()
	}
	wg.Wait()
	for _, u := range users {
		tb.press(u, say(t, "de", "LanguageConfirmYes"))
	}
	for _, u := range users {
		tb.press(u, say(t, "de", "PrivacyAccept"))
	}
	for _, u := range users {
		tb.press(u, say(t, "de", "DistrictSkip"))
	}
	for _, u := range users {
		tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "de", "MenuAppointments")) })
	}
	// Everyone presses "book it" for the same slot at once.
	for _, u := range users {
		m, _ := tb.api.LastMessage(u.ID)
		wg.Add(1)
		go func() {
			defer wg.Done()
			tb.api.PressData(u, m.ID, flows.Data(flows.ActConfirm, slot+".other.n"))
		}()
	}
	wg.Wait()
	won, fresh := 0, 0
	for _, u := range users {
		m := tb.last(u.ID, func(m fakeapi.Message) bool {
			return strings.Contains(m.Text, say(t, "de", "ApptBooked")) || strings.Contains(m.Text, say(t, "de", "ApptSlotTaken")) || m.Kind == "document"
		})
		switch {
		case m.Kind == "document" || strings.Contains(m.Text, say(t, "de", "ApptBooked")):
			won++
		case hasButton(m, render(t, "de", flows.Join(" ", flows.Msg("WeekdayWed"), flows.Number("24.03.")))):
			fresh++
		}
	}
	if won != 1 || fresh != 49 {
		t.Errorf("%d clients won the one seat and %d got a fresh choice; want 1 and 49", won, fresh)
	}
}

func TestForgedBookingButtonsAreRefused(t *testing.T) {
	tb := newBookingBot(t)
	owner := fakeapi.User{ID: 8501, FirstName: "Owner", LanguageCode: "de"}
	thief := fakeapi.User{ID: 8502, FirstName: "Thief", LanguageCode: "de"}
	tb.toMenu(owner, "de", true)
	tb.toMenu(thief, "de", true)
	tb.bookFirstSlot(owner, "de")
	m, _ := tb.api.LastMessage(thief.ID)
	past := slotRef(t, 900101, time.Date(2027, 3, 16, 9, 0, 0, 0, berlin))
	farAhead := slotRef(t, 900101, time.Date(2027, 6, 1, 9, 0, 0, 0, berlin))
	notASlot := slotRef(t, 900101, time.Date(2027, 3, 23, 9, 7, 0, 0, berlin))
	thursday := time.Date(2027, 3, 25, 9, 0, 0, 0, berlin).Unix()
	for _, data := range []string{
		flows.Data(flows.ActCancel, "A-1"), // the owner's appointment
		flows.Data(flows.ActResched, "A-1"),
		flows.Data(flows.ActConfirm, past+".other.n"),
		flows.Data(flows.ActConfirm, farAhead+".other.n"),
		flows.Data(flows.ActConfirm, notASlot+".other.n"),
		flows.Data(flows.ActConfirm, slotRef(t, 900101, time.Date(2027, 3, 24, 9, 0, 0, 0, berlin))+".nosuchtopic.n"),
		// A button from before slots were named without the manager's Telegram id, and a
		// place in the list of managers that nobody holds.
		flows.Data(flows.ActConfirm, flows.SlotKey(900103, time.Unix(thursday, 0))+".other.n"),
		flows.Data(flows.ActConfirm, fmt.Sprintf("m9-%d.other.n", thursday)),
	} {
		before := len(tb.api.CallbackAnswers())
		tb.api.PressData(thief, m.ID, data)
		tb.api.WaitFor(5*time.Second, func() bool { return len(tb.api.CallbackAnswers()) > before })
		answers := tb.api.CallbackAnswers()
		if got := answers[len(answers)-1].Params["text"]; got != say(t, "de", "ButtonExpired") {
			t.Errorf("forged %q answered %q, want refused", data, got)
		}
	}
	tb.stop()
	db := tb.db()
	var appts []*flows.Appointment
	db.View(func(tx flows.Tx) (err error) { appts, err = tx.ClientAppointments(owner.ID); return err })
	if len(appts) != 1 || appts[0].Status != flows.StatusBooked {
		t.Errorf("the owner's appointment was touched: %+v", appts)
	}
	db.View(func(tx flows.Tx) (err error) { appts, err = tx.ClientAppointments(thief.ID); return err })
	if len(appts) != 0 {
		t.Errorf("forged data booked %d appointments", len(appts))
	}
}

func TestManagerBlocksADay(t *testing.T) {
	tb := newBookingBot(t)
	manager := tb.startStaff(900101)
	u := fakeapi.User{ID: 8601, FirstName: "Rahim", LanguageCode: "ps"}
	tb.toMenu(u, "ps", true)
	tb.bookFirstSlot(u, "ps") // Tuesday 23.03., 09:00 with this manager

	tb.press(manager, say(t, "de", "StaffBlock"))
	tb.press(manager, render(t, "de", flows.Join(" ", flows.Msg("WeekdayTue"), flows.Number("23.03."))))
	done := tb.find(manager.ID, func(m fakeapi.Message) bool {
		return strings.HasPrefix(m.Text, "🚫") && strings.Contains(m.Text, "23.03.2027")
	})
	if !strings.Contains(done.Text, "1") {
		t.Errorf("the manager was not told how many clients were informed: %q", done.Text)
	}
	told := tb.find(u.ID, func(m fakeapi.Message) bool {
		return hasButton(m, say(t, "ps", "ApptBook")) && strings.Contains(m.Text, render(t, "ps", flows.Number("23.03.2027")))
	})
	if strings.Contains(told.Text, "{{") {
		t.Errorf("client told %q", told.Text)
	}
	// The day is gone from the choice; other days remain.
	tb.press(u, say(t, "ps", "ApptBook"))
	days := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ps", "ApptChooseDay")) })
	if hasButton(days, render(t, "ps", flows.Join(" ", flows.Msg("WeekdayTue"), flows.Number("23.03.")))) {
		t.Errorf("the blocked day is still offered: %v", labels(days))
	}
	if !hasButton(days, render(t, "ps", flows.Join(" ", flows.Msg("WeekdayWed"), flows.Number("24.03.")))) {
		t.Errorf("other days are gone too: %v", labels(days))
	}
	// A client cannot block days.
	before := len(tb.api.CallbackAnswers())
	tb.api.PressData(u, days.ID, flows.Data(flows.ActBlock, "20270324"))
	tb.api.WaitFor(5*time.Second, func() bool { return len(tb.api.CallbackAnswers()) > before })
	if a := tb.api.CallbackAnswers(); a[len(a)-1].Params["text"] != say(t, "ps", "ButtonExpired") {
		t.Errorf("a client's block button was not refused")
	}
}

func TestDistrictDecidesWhoseSlotsAndTheHousingOfAHomeVisit(t *testing.T) {
	tb := newBookingBot(t)
	tb.startStaff(900101)
	u := fakeapi.User{ID: 8701, FirstName: "Aziz", LanguageCode: "de"}
	tb.api.SendText(u, "/start")
	tb.press(u, say(t, "de", "LanguageConfirmYes"))
	tb.press(u, say(t, "de", "PrivacyAccept"))
	tb.press(u, "🏠 Altstadt") // only Frau Yılmaz (Tuesdays, Rathaus) works there
	tb.press(u, say(t, "de", "MenuAppointments"))
	tb.press(u, say(t, "de", "ApptBook"))
	days := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "ApptChooseDay")) })
	for _, l := range labels(days) {
		if strings.HasPrefix(l, say(t, "de", "WeekdayWed")) || strings.HasPrefix(l, say(t, "de", "WeekdayThu")) {
			t.Errorf("a client of the Altstadt is offered %q, another district's office hours", l)
		}
	}
	// A forged button for another district's slot is refused.
	before := len(tb.api.CallbackAnswers())
	tb.api.PressData(u, days.ID, flows.Data(flows.ActTime, slotRef(t, 900103, time.Date(2027, 3, 25, 9, 0, 0, 0, berlin))))
	tb.api.WaitFor(5*time.Second, func() bool { return len(tb.api.CallbackAnswers()) > before })
	if a := tb.api.CallbackAnswers(); a[len(a)-1].Params["text"] != say(t, "de", "ButtonExpired") {
		t.Errorf("another district's slot was accepted")
	}
	tb.press(u, say(t, "de", "MenuBack"))

	// Two misses in a row: the home visit names the housing.
	tb.book(u, "de", "WeekdayTue", "23.03.", false)
	tb.at(time.Date(2027, 3, 23, 12, 0, 0, 0, berlin))
	tb.press(fakeapi.User{ID: 900101}, say(t, "de", "StaffMissed", "Appointment", "A-1"))
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "23.03.2027") && hasButton(m, say(t, "de", "ApptBook"))
	})
	tb.book(u, "de", "WeekdayTue", "30.03.", false)
	tb.at(time.Date(2027, 3, 30, 12, 0, 0, 0, berlin))
	tb.press(fakeapi.User{ID: 900101}, say(t, "de", "StaffMissed", "Appointment", "A-2"))
	visit := tb.find(900101, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "A-2") && strings.Contains(m.Text, "Altstadt")
	})
	if !strings.Contains(visit.Text, "K-0001") {
		t.Errorf("the home visit %q does not name the case", visit.Text)
	}
}

func TestManagerBooksForAClient(t *testing.T) {
	tb := newBookingBot(t)
	manager := tb.startStaff(900101)
	u := fakeapi.User{ID: 8801, FirstName: "Lina", LanguageCode: "ti"}
	tb.toMenu(u, "ti", true) // case K-0001
	shy := fakeapi.User{ID: 8802, FirstName: "Shy", LanguageCode: "ti"}
	tb.toMenu(shy, "ti", false) // case K-0002, no consent

	tb.api.SendText(manager, "/book K-0002")
	tb.find(manager.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffNoConsent", "Case", "K-0002"))
	})
	tb.api.SendText(manager, "/book K-9999")
	tb.find(manager.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "StaffUnknownCase")) })

	tb.api.SendText(manager, "/book k1")
	slots := tb.find(manager.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffBookFor", "Case", "K-0001"))
	})
	first := render(t, "de", flows.Join(" ", flows.Msg("WeekdayTue"), flows.Number("23.03. 09:00")))
	if !hasButton(slots, first) {
		t.Fatalf("the manager's free times %v lack %q", labels(slots), first)
	}
	tb.press(manager, first)
	tb.find(manager.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "K-0001") && strings.Contains(m.Text, "23.03.2027")
	})
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ti", "ApptBooked")) })
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "document" })

	// A client cannot use the manager's button.
	m, _ := tb.api.LastMessage(shy.ID)
	before := len(tb.api.CallbackAnswers())
	tb.api.PressData(shy, m.ID, flows.Data(flows.ActBookFor, "2."+slotRef(t, 900101, time.Date(2027, 3, 30, 9, 0, 0, 0, berlin))))
	tb.api.WaitFor(5*time.Second, func() bool { return len(tb.api.CallbackAnswers()) > before })
	if a := tb.api.CallbackAnswers(); a[len(a)-1].Params["text"] != say(t, "ti", "ButtonExpired") {
		t.Errorf("a client booked through the manager's button")
	}
}
