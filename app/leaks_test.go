package app

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// secrets are the ways a Telegram id can be written where a person may read it: in Latin,
// Arabic-Indic and Persian digits.
func secrets(ids ...int64) []string {
	var out []string
	for _, id := range ids {
		s := strconv.FormatInt(id, 10)
		out = append(out, s)
		for _, zero := range []rune{'٠', '۰'} {
			out = append(out, strings.Map(func(r rune) rune { return zero + r - '0' }, s))
		}
	}
	return out
}

// leaks lists where what a chat received shows one of the needles: texts and captions,
// pop-ups, link targets, button labels, callback data and links, file names and contents,
// shared contacts. A copy's origin is the fake's bookkeeping, not something the chat shows
// (copyMessage hides it), so it is not searched.
func leaks(msgs []fakeapi.Message, needles []string) []string {
	var found []string
	check := func(m fakeapi.Message, where string, hay []byte) {
		for _, n := range needles {
			if bytes.Contains(hay, []byte(n)) {
				found = append(found, fmt.Sprintf("message %d (%s) %s shows %q: %q", m.ID, m.Kind, where, n, truncateForLog(hay)))
			}
		}
	}
	for _, m := range msgs {
		check(m, "text", []byte(m.Text))
		check(m, "plain text", []byte(m.PlainText))
		for _, e := range m.Entities {
			check(m, "link", []byte(e.URL))
		}
		for _, row := range m.Buttons {
			for _, b := range row {
				check(m, "button label", []byte(b.Text))
				check(m, "button data", []byte(b.Data))
				check(m, "button link", []byte(b.URL))
			}
		}
		check(m, "file name", []byte(m.FileName))
		check(m, "file", m.FileData)
		check(m, "contact", []byte(m.PhoneNumber+" "+m.ContactName))
	}
	return found
}

func truncateForLog(b []byte) string {
	if r := []rune(string(b)); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return string(b)
}

// TestNothingAClientSeesNamesStaffOrAnotherClient runs a whole client session in Arabic —
// first contact, consent, district, language, FAQ, two bookings with calendar files, a
// reschedule and a cancellation, a message to the managers with their answer and ready-made
// replies, group news, invitations, a reminder, a missed appointment, /privacy, /mydata and
// /delete — and then searches everything the client's chat ever showed for the staff's
// Telegram ids and for anything of another client. Everything the staff saw is searched for
// the clients' Telegram ids.
func TestNothingAClientSeesNamesStaffOrAnotherClient(t *testing.T) {
	tb := newBookingBot(t)
	y, h, k := tb.startStaff(yilmaz), tb.startStaff(haddad), tb.startStaff(kovalenko)
	adm := tb.startStaff(admin)
	ar := func(id string, kv ...string) string { return say(t, "ar", id, kv...) }
	day := func(weekday, date string) string {
		return render(t, "ar", flows.Join(" ", flows.Msg(weekday), flows.Number(date)))
	}
	at := func(hhmm, office string) string {
		return render(t, "ar", flows.Join(" · ", flows.Number(hhmm), flows.Literal(office)))
	}
	const rathaus, lindenweg = "Rathaus Musterstadt, Bürgerbüro", "Gemeinschaftsraum Lindenweg"

	// Another client of the same district books the Thursday 09:00 and writes: both
	// managers of Musterstadt-Nord get the intake.
	other := fakeapi.User{ID: 5550012345, FirstName: "Dawit", LanguageCode: "ti"}
	tb.toDistrict(other, "ti", "Musterstadt-Nord") // K-0001
	tb.book(other, "ti", "WeekdayThu", "25.03.", false)
	tb.api.SendText(other, "ሰላም")
	tb.waitFor(h.ID, func() bool { return len(copies(tb.api.Messages(h.ID), other.ID)) == 1 })

	// First contact in Arabic, consent, the district; the language picker once more.
	u := fakeapi.User{ID: 6660054321, FirstName: "Amal", LanguageCode: "ar"}
	tb.api.SendText(u, "/start")
	tb.press(u, ar("LanguageConfirmYes"))
	tb.press(u, ar("PrivacyAccept"))
	tb.press(u, "🏠 Musterstadt-Nord") // K-0002
	tb.press(u, ar("MenuLanguage"))
	tb.press(u, "العربية")
	tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, ar("LanguageSaved")) })

	// The FAQ: a topic, a question, its answer; a search.
	faq := faqOf(t)
	q := faq.Topics[0].Questions[0]
	tb.press(u, ar("MenuFAQ"))
	tb.press(u, render(t, "ar", flows.Content(flows.PhraseTopic, q.Topic.ID)))
	tb.press(u, render(t, "ar", flows.Content(flows.PhraseQuestion, q.ID)))
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, ar("FaqAskManager")) })
	tb.api.SendText(u, "جواز السفر")
	tb.last(u.ID, func(m fakeapi.Message) bool { return !hasButton(m, ar("FaqAskManager")) })
	tb.press(u, ar("MenuBack"))

	// Two bookings with both managers of the district, each with its calendar file.
	documents := func() int {
		n := 0
		for _, m := range tb.api.Messages(u.ID) {
			if m.Kind == "document" {
				n++
			}
		}
		return n
	}
	tb.book(u, "ar", "WeekdayThu", "01.04.", true) // Frau Kovalenko, Rathaus
	bookAt := func(dayLabel, timeLabel string) {
		t.Helper()
		files := documents()
		tb.press(u, dayLabel)
		tb.press(u, timeLabel)
		tb.press(u, ar("ApptTopicOther"))
		// Only office hours with an Arabic interpreter ask about one.
		next := tb.find(u.ID, func(m fakeapi.Message) bool {
			return hasButton(m, ar("ApptInterpreterNo")) || hasButton(m, ar("ApptConfirm"))
		})
		if hasButton(next, ar("ApptInterpreterNo")) {
			tb.press(u, ar("ApptInterpreterNo"))
		}
		tb.press(u, ar("ApptConfirm"))
		tb.waitFor(u.ID, func() bool { return documents() == files+1 })
	}
	tb.press(u, ar("MenuAppointments"))
	tb.press(u, ar("ApptBook"))
	bookAt(day("WeekdayWed", "24.03."), at("14:00", lindenweg)) // Herr Haddad, Lindenweg

	// Another time for the Wednesday, then the Thursday cancelled.
	tb.press(u, ar("MenuAppointments"))
	tb.press(u, render(t, "ar", flows.Join("", flows.Msg("ApptChange"), flows.Literal(" "), flows.Number("24.03. 14:00"))))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, ar("ApptChooseDay")) })
	bookAt(day("WeekdayWed", "31.03."), at("14:00", lindenweg))
	tb.press(u, ar("MenuAppointments"))
	tb.press(u, render(t, "ar", flows.Join("", flows.Msg("ApptCancel"), flows.Literal(" "), flows.Number("01.04. 09:00"))))
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, ar("ApptCancelled")) && !strings.Contains(m.Text, ar("ApptChooseDay"))
	})
	tb.press(u, ar("MenuBack"))

	// "Talk to my manager about this", a text and a photo; Herr Haddad answers, which takes
	// the case, and sends ready-made replies.
	tb.press(u, ar("MenuFAQ"))
	tb.press(u, render(t, "ar", flows.Content(flows.PhraseTopic, q.Topic.ID)))
	tb.press(u, render(t, "ar", flows.Content(flows.PhraseQuestion, q.ID)))
	tb.press(u, ar("FaqAskManager"))
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, render(t, "ar", flows.Phrase{ID: "WriteAbout", Sub: map[string]flows.Phrase{"Question": flows.Content(flows.PhraseQuestion, q.ID)}}))
	})
	tb.api.SendText(u, "عندي سؤال عن رسالة من مركز العمل")
	tb.api.SendPhoto(u, "الرسالة")
	tb.waitFor(h.ID, func() bool { return len(copies(tb.api.Messages(h.ID), u.ID)) == 2 })
	tb.waitFor(k.ID, func() bool { return len(copies(tb.api.Messages(k.ID), u.ID)) == 2 })
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == ar("RelayDelivered") })
	tb.reply(h, copies(tb.api.Messages(h.ID), u.ID)[0].ID, "Ich kümmere mich darum.")
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" })
	tb.find(k.ID, func(m fakeapi.Message) bool {
		return m.Text == say(t, "de", "StaffTakenByOther", "Case", "K-0002", "Name", "Herr Haddad")
	})
	for _, tpl := range []string{"TplCallLabel", "TplBookApptLabel"} {
		tb.press(h, say(t, "de", "RelayTemplates"))
		tb.press(h, say(t, "de", tpl))
	}
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == ar("TplCall", "Phone", "07000 123-402") })
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == ar("TplBookAppt") })
	tb.press(u, ar("ApptBook"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, ar("ApptChooseDay")) })
	tb.api.SendText(h, "/note K-0002 Brief vom Jobcenter")
	tb.find(h.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffNoteAdded", "Case", "K-0002") })

	// Group news for the Arabic-speaking clients.
	tb.api.SendText(h, "/broadcast")
	tb.press(h, say(t, "de", "BcLanguageCafeLabel"))
	tb.press(h, render(t, "de", flows.Join(" ", flows.Msg("WeekdayThu"), flows.Number("25.03."))))
	tb.press(h, "🌐 العربية")
	tb.press(h, say(t, "de", "StaffBroadcastSend"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return hasButton(m, ar("BroadcastOptOut")) })

	// A broken invitation, then Frau Kovalenko's.
	tb.api.SendText(u, "/start inv-AAAAAAAAAAAAAAAAAAAAAAAA")
	tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, ar("BadLink")) })
	tb.api.SendText(u, "/start "+tb.invite(k))
	tb.last(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, ar("InviteAccepted", "Name", "Frau Kovalenko"))
	})

	// The reminder of Wednesday's appointment, "I will come", and the follow-up when Herr
	// Haddad marks it missed.
	tb.at(time.Date(2027, 3, 30, 14, 0, 0, 0, berlin))
	tb.press(u, ar("ReminderCome"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, ar("ReminderThanks")) })
	tb.at(time.Date(2027, 3, 31, 15, 0, 0, 0, berlin))
	var missed fakeapi.Message
	var missedData string
	tb.waitFor(h.ID, func() bool {
		for _, m := range tb.api.Messages(h.ID) {
			for _, row := range m.Buttons {
				for _, b := range row {
					if strings.HasPrefix(b.Data, flows.Data(flows.ActMissed)+":") {
						missed, missedData = m, b.Data
						return true
					}
				}
			}
		}
		return false
	})
	tb.api.PressData(h, missed.ID, missedData)
	when := flows.Phrase{ID: "ApptWhen", Sub: map[string]flows.Phrase{"Day": flows.Msg("WeekdayWed"), "Date": flows.Number("31.03.2027"), "Time": flows.Number("14:00")}}
	followUp := render(t, "ar", flows.Phrase{ID: "MissedFollowUp", Sub: map[string]flows.Phrase{"When": when}})
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == followUp })

	// A forged button, /privacy, /mydata and /delete.
	m, _ := tb.api.LastMessage(u.ID)
	answered := len(tb.api.CallbackAnswers())
	tb.api.PressData(u, m.ID, flows.Data(flows.ActCancel, "A-1")) // the other client's appointment
	tb.waitFor(u.ID, func() bool { return len(tb.api.CallbackAnswers()) > answered })
	tb.api.SendText(u, "/privacy")
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, ar("PrivacyMyData")) })
	tb.press(u, ar("PrivacyMyData"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "document" && strings.HasSuffix(m.FileName, ".json") })
	tb.api.SendText(u, "/delete")
	tb.press(u, ar("DeleteYes"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == ar("Deleted") })

	// The session really showed what is searched: slots, calendar files, the export.
	received := tb.api.Received(u.ID)
	var slots, calendars, exports, popups int
	for _, m := range received {
		for _, row := range m.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Data, flows.Data(flows.ActConfirm)+":") {
					slots++
				}
			}
		}
		switch {
		case m.Kind == "popup":
			popups++
		case m.Kind == "document" && strings.HasSuffix(m.FileName, ".ics"):
			calendars++
		case m.Kind == "document" && strings.HasSuffix(m.FileName, ".json"):
			exports++
		}
	}
	// Three bookings (one of them the move, sent as an update) and the cancellation.
	if slots < 3 || calendars != 4 || exports != 1 || popups == 0 {
		t.Fatalf("the session showed %d booking buttons, %d calendar files, %d exports, %d pop-ups", slots, calendars, exports, popups)
	}

	needles := append(secrets(yilmaz, haddad, kovalenko, admin, other.ID), other.FirstName, "K-0001")
	for _, leak := range leaks(received, needles) {
		t.Error("the client saw staff or another client: " + leak)
	}
	for _, staff := range []fakeapi.User{y, h, k, adm} {
		for _, leak := range leaks(tb.api.Received(staff.ID), secrets(u.ID, other.ID)) {
			t.Errorf("staff member %d saw a client's Telegram id: %s", staff.ID, leak)
		}
	}
}
