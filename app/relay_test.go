package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// sent is the message a user sent with update id.
func (tb *testBot) sent(u fakeapi.User, update int64) fakeapi.Message {
	tb.t.Helper()
	id := tb.api.MessageIDOf(update)
	for _, m := range tb.api.ChatLog(u.ID) {
		if m.ID == id {
			return m
		}
	}
	tb.t.Fatalf("no message for update %d", update)
	return fakeapi.Message{}
}

func TestRoundTripsOfEveryKindInArabicTigrinyaUkrainian(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	staff := map[int64]fakeapi.User{yilmaz: tb.startStaff(yilmaz), kovalenko: tb.startStaff(kovalenko)}
	for i, tc := range []struct {
		lang, name, district, districtName string
		manager                            int64
	}{
		{"ar", "نور", "Altstadt", "Altstadt", yilmaz},
		{"ti", "ሰላም", "Ortsteil Oberdorf", "Ortsteil Oberdorf", kovalenko},
		{"uk", "Олена", "Altstadt", "Altstadt", yilmaz},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			tb.t = t
			u := fakeapi.User{ID: int64(5101 + i), FirstName: tc.name, LanguageCode: tc.lang}
			mgr := staff[tc.manager]
			tb.toDistrict(u, tc.lang, tc.district)
			before := len(tb.api.Messages(mgr.ID))

			// One burst: text, a photo of a letter, an album, a voice note, a PDF.
			text := tb.api.SendText(u, "سؤال عن رسالة من مركز العمل")
			photo := tb.api.SendPhoto(u, "Jobcenter")
			album := tb.api.SendAlbum(u, 3, "صفحات")
			voice := tb.api.SendVoice(u)
			doc := tb.api.SendDocument(u, "bescheid.pdf", []byte("%PDF-1.4 fake"), "")
			got := tb.waitMessages(mgr.ID, before+8)[before:]
			header := got[0]
			l, _ := flows.LookupLanguage(tc.lang)
			for _, want := range []string{fmt.Sprintf("K-%04d", i+1), tc.name, l.Name, tc.districtName} {
				if !strings.Contains(header.Text, want) {
					t.Errorf("header %q lacks %q", header.Text, want)
				}
			}
			if !hasButton(header, say(t, "de", "RelayTemplates")) || hasButton(header, say(t, "de", "RelayTake")) {
				t.Errorf("header buttons %v", labels(header))
			}
			cps := copies(got, u.ID)
			wantKinds := []string{"text", "photo", "photo", "photo", "photo", "voice", "document"}
			if len(cps) != len(wantKinds) {
				t.Fatalf("manager got %d copies, want %d: %s", len(cps), len(wantKinds), texts(got))
			}
			for j, k := range wantKinds {
				if cps[j].CopyOf != k {
					t.Errorf("copy %d is a %s, want %s", j, cps[j].CopyOf, k)
				}
			}
			for j, upd := range append([]int64{text, photo}, append(album, voice, doc)...) {
				if src := tb.sent(u, upd); cps[j].CopiedID != src.ID {
					t.Errorf("copy %d is of message %d, want %d", j, cps[j].CopiedID, src.ID)
				}
			}
			tb.quiet(mgr.ID, before+8)
			tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, tc.lang, "RelayDelivered")) })
			if n := tb.count(u.ID, say(t, tc.lang, "RelayDelivered")); n != 1 {
				t.Errorf("client got %d 'delivered' notes for one burst, want 1", n)
			}

			// The manager answers each kind by replying to a copy or to the header.
			clientBefore := len(tb.api.Messages(u.ID))
			replies := []int64{
				tb.reply(mgr, cps[0].ID, "Ich kümmere mich darum."),
				tb.api.SendMedia(mgr, fakeapi.Media{Kind: "photo", Text: "So sieht das Formular aus", ReplyTo: header.ID}),
				tb.api.SendMedia(mgr, fakeapi.Media{Kind: "voice", ReplyTo: cps[2].ID}),
				tb.api.SendMedia(mgr, fakeapi.Media{Kind: "document", FileName: "antrag.pdf", ReplyTo: cps[6].ID}),
			}
			answers := tb.waitMessages(u.ID, clientBefore+4)[clientBefore:]
			for j, k := range []string{"text", "photo", "voice", "document"} {
				if answers[j].Kind != "copy" || answers[j].CopyOf != k || answers[j].CopiedFrom != mgr.ID {
					t.Errorf("answer %d reached the client as %s of %s from %d", j, answers[j].Kind, answers[j].CopyOf, answers[j].CopiedFrom)
				}
				tb.reacted(mgr.ID, tb.api.MessageIDOf(replies[j]))
			}
			if answers[0].Text != "Ich kümmere mich darum." {
				t.Errorf("client got %q", answers[0].Text)
			}
		})
	}
}

func TestGermanTemplateArrivesInArabic(t *testing.T) {
	tb := newBookingBot(t)
	mgr := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 5201, FirstName: "Nour", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	tb.api.SendText(u, "مرحبا")
	tb.find(mgr.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" })

	// "Bitte bringen Sie mit …": label, document, and the Arabic text with the Arabic
	// document name.
	tb.press(mgr, say(t, "de", "RelayTemplates"))
	picker := tb.last(mgr.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "de", "TplThanksLabel")) })
	if n := len(labels(picker)); n < 15 {
		t.Errorf("only %d ready-made replies: %v", n, labels(picker))
	}
	tb.press(mgr, say(t, "de", "TplBringLabel"))
	tb.press(mgr, say(t, "de", "DocPassport"))
	want := render(t, "ar", flows.Phrase{ID: "TplBring", Sub: map[string]flows.Phrase{"Document": flows.Msg("DocPassport")}})
	m := tb.last(u.ID, func(m fakeapi.Message) bool { return m.Text == want })
	if strings.ContainsAny(m.Text, "abcdefghijklmnopqrstuvwxyzäöüß") {
		t.Errorf("Arabic template has Latin letters: %q", m.Text)
	}
	tb.last(mgr.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffTemplateSent", "Case", "K-0001", "Language", "العربية")) &&
			strings.Contains(m.Text, render(t, "de", flows.Phrase{ID: "TplBring", Sub: map[string]flows.Phrase{"Document": flows.Msg("DocPassport")}}))
	})

	// "Ich antworte bis …" with a date: isolated and in the client's digits; "please call"
	// with the manager's office number.
	tb.press(mgr, say(t, "de", "RelayTemplates"))
	tb.press(mgr, say(t, "de", "TplAnswerByLabel"))
	tb.press(mgr, render(t, "de", flows.Join(" ", flows.Msg("WeekdayWed"), flows.Number("24.03."))))
	date := flows.Join(", ", flows.Msg("WeekdayWed"), flows.Number("24.03.2027"))
	want = render(t, "ar", flows.Phrase{ID: "TplAnswerBy", Sub: map[string]flows.Phrase{"Date": date}})
	m = tb.last(u.ID, func(m fakeapi.Message) bool { return m.Text == want })
	if !strings.Contains(m.Text, "\u206824.03.2027\u2069") {
		t.Errorf("date not isolated: %q", m.Text)
	}
	tb.press(mgr, say(t, "de", "RelayTemplates"))
	tb.press(mgr, say(t, "de", "TplCallLabel"))
	tb.last(u.ID, func(m fakeapi.Message) bool {
		return m.Text == say(t, "ar", "TplCall", "Phone", "07000 123-401")
	})

	// "Bitte buchen Sie einen Termin" carries the booking button in Arabic.
	tb.press(mgr, say(t, "de", "RelayTemplates"))
	tb.press(mgr, say(t, "de", "TplBookApptLabel"))
	m = tb.last(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "TplBookAppt") })
	if !hasButton(m, say(t, "ar", "ApptBook")) {
		t.Errorf("booking template without the Arabic booking button: %v", labels(m))
	}
}

func TestInviteDistrictIntakeAndReassignment(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	y, h, k := tb.startStaff(yilmaz), tb.startStaff(haddad), tb.startStaff(kovalenko)
	tb.startStaff(admin)

	// An invitation assigns: the client's message goes to the inviting manager only.
	tb.api.SendText(k, "/invite")
	invite := tb.find(k.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "start=inv-") })
	link := invite.Text[strings.Index(invite.Text, "start=")+len("start="):]
	link = strings.Fields(link)[0]
	invited := fakeapi.User{ID: 5301, FirstName: "Olena", LanguageCode: "uk"}
	tb.api.SendText(invited, "/start "+link)
	tb.press(invited, say(t, "uk", "LanguageConfirmYes"))
	tb.press(invited, say(t, "uk", "PrivacyAccept"))
	tb.last(invited.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "uk", "MenuWrite")) })
	tb.api.SendText(invited, "Добрий день")
	tb.find(k.ID, func(m fakeapi.Message) bool { return len(copies([]fakeapi.Message{m}, invited.ID)) == 1 })

	// The Altstadt has one manager: the district assigns.
	alt := fakeapi.User{ID: 5302, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(alt, "ar", "Altstadt")
	tb.api.SendText(alt, "سؤال")
	tb.find(y.ID, func(m fakeapi.Message) bool { return len(copies([]fakeapi.Message{m}, alt.ID)) == 1 })

	// Lindenweg is shared: both see the intake header with "take case"; Haddad takes it.
	shared := fakeapi.User{ID: 5303, FirstName: "Dawit", LanguageCode: "ti"}
	tb.toDistrict(shared, "ti", "Anschlussunterbringung Lindenweg")
	tb.api.SendText(shared, "ሰላም")
	for _, mgr := range []fakeapi.User{y, h} {
		hdr := tb.find(mgr.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "K-0003") })
		if !hasButton(hdr, say(t, "de", "RelayTake")) || !strings.Contains(hdr.Text, say(t, "de", "RelayHeaderIntake")) {
			t.Errorf("intake header for %d: %q %v", mgr.ID, hdr.Text, labels(hdr))
		}
		tb.find(mgr.ID, func(m fakeapi.Message) bool { return len(copies([]fakeapi.Message{m}, shared.ID)) == 1 })
	}
	if len(copies(tb.api.Messages(k.ID), shared.ID)) != 0 {
		t.Error("a manager outside the district saw the intake")
	}
	yHdr := tb.find(y.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "✉️ K-0003") })
	tb.press(h, say(t, "de", "RelayTake"))
	tb.find(h.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffTaken", "Case", "K-0003") })
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return m.Text == say(t, "de", "StaffTakenByOther", "Case", "K-0003", "Name", "Herr Haddad")
	})
	// The intake header in both chats now names the owner and offers no "take case".
	owner := say(t, "de", "RelayHeaderOwner", "Name", "Herr Haddad")
	for _, mgr := range []fakeapi.User{y, h} {
		tb.waitFor(mgr.ID, func() bool {
			hdr := tb.find(mgr.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "✉️ K-0003") })
			return strings.Contains(hdr.Text, owner) && !strings.Contains(hdr.Text, say(t, "de", "RelayHeaderIntake")) && !hasButton(hdr, say(t, "de", "RelayTake"))
		})
	}
	// A press of Yılmaz's "take case" that crossed the edit is refused politely; her reply
	// to the old copy too.
	before := len(tb.api.CallbackAnswers())
	tb.api.PressData(y, yHdr.ID, yHdr.Buttons[0][0].Data)
	tb.api.WaitFor(5*time.Second, func() bool { return len(tb.api.CallbackAnswers()) > before })
	if got := tb.api.CallbackAnswers()[before].Params["text"]; got != say(t, "de", "StaffAlreadyTaken", "Case", "K-0003", "Name", "Herr Haddad") {
		t.Errorf("second take answered %q", got)
	}
	old := copies(tb.api.Messages(y.ID), shared.ID)[0]
	n := len(tb.api.Messages(shared.ID))
	tb.reply(y, old.ID, "Ich antworte auch")
	tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffNotYourCase", "Case", "K-0003") })
	tb.api.SendText(shared, "ሓደ ሕቶ")
	tb.waitFor(h.ID, func() bool { return len(copies(tb.api.Messages(h.ID), shared.ID)) == 2 })
	if len(copies(tb.api.Messages(y.ID), shared.ID)) != 1 {
		t.Error("after the take, the other manager still gets the client's messages")
	}

	// The admin moves the case to Frau Kovalenko: everyone concerned is told.
	tb.api.SendText(fakeapi.User{ID: admin, FirstName: "Staff", LanguageCode: "de"}, "/assign K-0003 Kovalenko")
	tb.find(admin, func(m fakeapi.Message) bool {
		return m.Text == say(t, "de", "StaffAssigned", "Case", "K-0003", "Name", "Frau Kovalenko")
	})
	tb.find(k.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffAssignedToYou", "Case", "K-0003") })
	tb.find(h.ID, func(m fakeapi.Message) bool {
		return m.Text == say(t, "de", "StaffTakenByOther", "Case", "K-0003", "Name", "Frau Kovalenko")
	})
	tb.find(shared.ID, func(m fakeapi.Message) bool {
		return m.Text == say(t, "ti", "ClientReassigned", "Name", "Frau Kovalenko")
	})
	tb.api.SendText(shared, "ካልእ ሕቶ")
	tb.waitFor(k.ID, func() bool { return len(copies(tb.api.Messages(k.ID), shared.ID)) == 1 })
	if len(copies(tb.api.Messages(h.ID), shared.ID)) != 2 {
		t.Error("after reassignment, the previous manager still gets the client's messages")
	}
	if len(tb.api.Messages(shared.ID)) < n {
		t.Error("messages vanished")
	}
}

func TestAwaySubstituteAndTheUnansweredNudge(t *testing.T) {
	tb := newBookingBot(t) // Monday 22 March 2027, 08:00 in Berlin
	y, h := tb.startStaff(yilmaz), tb.startStaff(haddad)
	u := fakeapi.User{ID: 5401, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")

	// Frau Yılmaz is away Monday to Friday; Herr Haddad stands in.
	tb.api.SendText(y, "/away 22.03. 26.03. Haddad")
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return m.Text == render(t, "de", flows.Phrase{ID: "StaffAwaySet", Args: map[string]string{"Name": "Herr Haddad"},
			Sub: map[string]flows.Phrase{"From": flows.Number("22.03.2027"), "To": flows.Number("26.03.2027")}})
	})
	tb.find(h.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "Frau Yılmaz") && strings.Contains(m.Text, "26.03.2027")
	})

	tb.at(monday.Add(time.Hour)) // 09:00
	tb.api.SendText(u, "هل يمكنك مساعدتي؟")
	hdr := tb.find(h.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "K-0001") })
	if !strings.Contains(hdr.Text, render(t, "de", flows.Phrase{ID: "RelayHeaderSubstitute", Args: map[string]string{"Name": "Frau Yılmaz"}, Sub: map[string]flows.Phrase{"Date": flows.Number("26.03.2027")}})) {
		t.Errorf("substitute's header is not marked: %q", hdr.Text)
	}
	tb.waitFor(h.ID, func() bool { return len(copies(tb.api.Messages(h.ID), u.ID)) == 1 })
	if len(copies(tb.api.Messages(y.ID), u.ID)) != 0 {
		t.Error("the absent manager got the message")
	}
	notice := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "AwaySubstitute")) })
	for _, want := range []string{render(t, "ar", flows.Phrase{ID: "AwayNotice", Sub: map[string]flows.Phrase{"Date": flows.Number("26.03.2027")}}), say(t, "ar", "FaqOfficeHours"), say(t, "ar", "WeekdayTue")} {
		if !strings.Contains(notice.Text, want) {
			t.Errorf("away notice %q lacks %q", notice.Text, want)
		}
	}

	// Nobody answers. Eight working hours (08:00–16:00) after Monday 09:00 is Tuesday 09:00:
	// the substitute is nudged once, then never again for the same wait.
	nudge := say(t, "de", "StaffNudge", "Case", "K-0001")
	nudge = nudge[:strings.Index(nudge, "K-0001")+len("K-0001")]
	tb.at(time.Date(2027, 3, 23, 8, 59, 0, 0, berlin))
	if tb.count(h.ID, nudge) != 0 {
		t.Fatal("nudged before eight working hours")
	}
	tb.at(time.Date(2027, 3, 23, 9, 1, 0, 0, berlin))
	tb.waitFor(h.ID, func() bool { return tb.count(h.ID, nudge) == 1 })
	tb.at(time.Date(2027, 3, 25, 9, 1, 0, 0, berlin))
	if n := tb.count(h.ID, nudge); n != 1 {
		t.Errorf("%d nudges for one wait, want 1", n)
	}
	// The substitute answers the case through the header; the wait ends.
	tb.reply(h, hdr.ID, "Ich vertrete Frau Yılmaz und helfe Ihnen.")
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" && m.CopiedFrom == h.ID })

	// Back again: messages reach Frau Yılmaz directly.
	tb.api.SendText(y, "/away off")
	tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffAwayOff") })
	tb.api.SendText(u, "شكرا")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })

	// A date that does not exist is refused with the reason.
	tb.api.SendText(y, "/away 31.02. 02.03.")
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffAwayBadDate", "Value", "31.02."))
	})
}

func TestRelaySurvivesRateLimitsErrorsAndAnAbruptStop(t *testing.T) {
	tb := newTestBot(t)
	y := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 5501, FirstName: "Olena", LanguageCode: "uk"}
	tb.toDistrict(u, "uk", "Altstadt")

	// A storm of 429s and server errors on copyMessage: the copy arrives once.
	tb.api.InjectFaults("copyMessage", fakeapi.Fault{Status: 429, RetryAfter: 1}, fakeapi.Fault{Status: 500}, fakeapi.Fault{Status: 502, RawBody: "<html>Bad Gateway</html>"}, fakeapi.Fault{Status: 429, RetryAfter: 1})
	tb.api.SendText(u, "перше")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })

	// The bot stops between receipt and delivery: the copy waits in the outbox (Telegram
	// keeps failing), and after the restart it is delivered exactly once.
	tb.api.InjectFaults("copyMessage", fakeapi.Fault{Status: 500}, fakeapi.Fault{Status: 500}, fakeapi.Fault{Status: 500})
	tb.api.SendText(u, "друге")
	tb.api.WaitFor(5*time.Second, func() bool { return len(tb.api.Calls("copyMessage")) >= 7 })
	tb.stop()
	pending, err := func() (int, error) {
		db := tb.db()
		defer db.Close()
		out, err := db.Outbox()
		return len(out), err
	}()
	if err != nil || pending == 0 {
		t.Fatalf("nothing waited in the outbox across the stop (%d, %v): the test did not test the restart", pending, err)
	}
	tb.start()
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 2 })
	tb.quiet(y.ID, len(tb.api.Messages(y.ID)))
	if n := len(copies(tb.api.Messages(y.ID), u.ID)); n != 2 {
		t.Errorf("manager has %d copies, want 2", n)
	}

	// After another restart, a reply to the copy still reaches the client.
	tb.restart()
	second := copies(tb.api.Messages(y.ID), u.ID)[1]
	tb.reply(y, second.ID, "Отримала, відповім сьогодні.")
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return m.Kind == "copy" && m.Text == "Отримала, відповім сьогодні."
	})
}

func TestProtection(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	y, k := tb.startStaff(yilmaz), tb.startStaff(kovalenko)
	u := fakeapi.User{ID: 5601, FirstName: "Amal", LanguageCode: "ar"}
	other := fakeapi.User{ID: 5602, FirstName: "Dawit", LanguageCode: "ti"}
	tb.toDistrict(u, "ar", "Altstadt")
	tb.toDistrict(other, "ti", "Ortsteil Oberdorf")
	tb.api.SendText(u, "سؤال")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	clientMsgs := len(tb.api.Messages(u.ID))

	// A client cannot use manager commands or buttons.
	for _, cmd := range []string{"/r K-0002 hallo", "/clients", "/client K-0002", "/broadcast", "/assign K-0001 Haddad", "/away off"} {
		n := len(tb.api.Messages(other.ID))
		tb.api.SendText(other, cmd)
		if m := tb.waitMessages(other.ID, n+1)[n]; !strings.Contains(m.Text, say(t, "ti", "StaffOnly")) {
			t.Errorf("client's %s answered %q", cmd, m.Text)
		}
	}
	menu := tb.last(other.ID, func(m fakeapi.Message) bool { return len(m.Buttons) > 0 })
	for _, data := range []string{"1:tpl:1", "1:tps:1.recv", "1:take:1", "1:prof:1", "1:rto:1.3", "1:bcg:info.20270323.all"} {
		before := len(tb.api.CallbackAnswers())
		tb.api.PressData(other, menu.ID, data)
		tb.api.WaitFor(5*time.Second, func() bool { return len(tb.api.CallbackAnswers()) > before })
		if got := tb.api.CallbackAnswers()[before].Params["text"]; got != say(t, "ti", "ButtonExpired") {
			t.Errorf("client pressing %s: %q", data, got)
		}
	}

	// A manager cannot reach a case that is not theirs, by command or forged button.
	tb.api.SendText(k, "/r K-0001 Hallo")
	tb.find(k.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffNotYourCase", "Case", "K-0001") })
	tb.api.SendText(k, "/client K-0001")
	tb.waitFor(k.ID, func() bool { return tb.count(k.ID, say(t, "de", "StaffNotYourCase", "Case", "K-0001")) == 2 })
	tb.api.SendText(k, "/book K-0001")
	tb.waitFor(k.ID, func() bool { return tb.count(k.ID, say(t, "de", "StaffNotYourCase", "Case", "K-0001")) == 3 })
	tb.api.SendText(k, "/note K-0001 neugierig")
	tb.waitFor(k.ID, func() bool { return tb.count(k.ID, say(t, "de", "StaffNotYourCase", "Case", "K-0001")) == 4 })
	kmenu := tb.last(k.ID, func(m fakeapi.Message) bool { return true })
	for _, data := range []string{"1:tps:1.recv", "1:tps:1.by.20991231", "1:tps:1.bring.gold", "1:take:1", "1:tps:77.recv", "1:bcg:nope.20270323.all", "1:rto:1.999999"} {
		before := len(tb.api.CallbackAnswers())
		tb.api.PressData(k, kmenu.ID, data)
		tb.api.WaitFor(5*time.Second, func() bool { return len(tb.api.CallbackAnswers()) > before })
		if got := tb.api.CallbackAnswers()[before].Params["text"]; got == "" {
			t.Errorf("forged %s was answered without a reason", data)
		}
	}

	// A reply to something that is not a client's message is explained; a message without
	// a reply asks which case, and the chosen case gets it.
	staffMenu := tb.find(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "MenuPrompt")) })
	tb.reply(y, staffMenu.ID, "Antwort ins Leere")
	tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffNotRelay") })
	tb.api.SendText(y, "Wofür ist das?")
	ask := tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffWhichCase") })
	if len(ask.Buttons) != 1 || !strings.Contains(ask.Buttons[0][0].Text, "K-0001") {
		t.Fatalf("which-case buttons %v", labels(ask))
	}
	tb.press(y, ask.Buttons[0][0].Text)
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" && m.Text == "Wofür ist das?" })

	// Nothing leaked: the client saw only the bot's own messages and this one answer; the
	// other client saw nothing of the case.
	for _, m := range tb.api.Messages(u.ID)[clientMsgs:] {
		if m.Kind == "copy" && (m.CopiedFrom != y.ID || m.Text != "Wofür ist das?") {
			t.Errorf("client got %s %q from %d", m.Kind, m.Text, m.CopiedFrom)
		}
	}
	for _, m := range tb.api.Messages(other.ID) {
		if m.Kind == "copy" || strings.Contains(m.Text, "K-0001") || strings.Contains(m.Text, "Amal") {
			t.Errorf("the other client saw %q", m.Text)
		}
	}
}

func TestManagerWhoBlockedTheBotDoesNotSwallowMessages(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	y, h := tb.startStaff(yilmaz), tb.startStaff(haddad)
	tb.startStaff(admin)
	u := fakeapi.User{ID: 5701, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	tb.api.Block(y.ID)
	tb.api.SendText(u, "مرحبا")
	// Herr Haddad shares the Lindenweg with her: he gets the message, marked as rerouted.
	tb.waitFor(h.ID, func() bool { return len(copies(tb.api.Messages(h.ID), u.ID)) == 1 })
	tb.find(h.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "RelayHeaderRerouted", "Name", "Frau Yılmaz"))
	})
	tb.find(admin, func(m fakeapi.Message) bool {
		return m.Text == say(t, "de", "StaffManagerBlocked", "Name", "Frau Yılmaz")
	})
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "RelayDelivered")) })
	// Her colleague may answer while she cannot be reached.
	hdr := tb.find(h.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "K-0001") })
	tb.reply(h, hdr.ID, "Ich helfe Ihnen.")
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" && m.CopiedFrom == h.ID })
	// The next message goes straight to him; once she writes again, to her.
	tb.api.SendText(u, "شكرا")
	tb.waitFor(h.ID, func() bool { return len(copies(tb.api.Messages(h.ID), u.ID)) == 2 })
	tb.api.Unblock(y.ID)
	tb.api.SendText(y, "/menu")
	tb.waitFor(y.ID, func() bool { return tb.count(y.ID, say(t, "de", "MenuPrompt")) >= 2 })
	tb.api.SendText(u, "سؤال آخر")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
}

func TestFloodEditsAndTopics(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	y := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 5801, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")

	// "Talk to my manager about this" names the FAQ topic in the header.
	faq := faqOf(t)
	q := faq.Topics[0].Questions[0]
	tb.press(u, say(t, "ar", "MenuFAQ"))
	tb.press(u, render(t, "ar", flows.Content(flows.PhraseTopic, q.Topic.ID)))
	tb.press(u, render(t, "ar", flows.Content(flows.PhraseQuestion, q.ID)))
	tb.press(u, say(t, "ar", "FaqAskManager"))
	tb.last(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, render(t, "ar", flows.Content(flows.PhraseQuestion, q.ID)))
	})
	first := tb.api.SendText(u, "متى يبدأ الدورة؟")
	hdr := tb.find(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "K-0001") })
	if want := render(t, "de", flows.Phrase{ID: "RelayHeaderTopic", Sub: map[string]flows.Phrase{"Topic": flows.Content(flows.PhraseTopic, q.Topic.ID)}}); !strings.Contains(hdr.Text, want) {
		t.Errorf("header %q lacks the topic %q", hdr.Text, want)
	}

	// An edit reaches the manager, marked and replying to the copy.
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	cp := copies(tb.api.Messages(y.ID), u.ID)[0]
	tb.api.EditText(u, tb.api.MessageIDOf(first), "متى تبدأ الدورة؟")
	edit := tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "RelayEdited", "Case", "K-0001"))
	})
	if edit.ReplyTo != cp.ID || !strings.Contains(edit.Text, "متى تبدأ الدورة؟") {
		t.Errorf("edit %q replies to %d, want the copy %d", edit.Text, edit.ReplyTo, cp.ID)
	}

	// 30 messages in a burst: 20 pass, one polite notice, the rest wait.
	for i := 0; i < 30; i++ {
		tb.api.SendText(u, fmt.Sprintf("رسالة %d", i))
	}
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "FloodNotice") })
	tb.api.WaitFor(5*time.Second, func() bool { return tb.api.PendingUpdates() == 0 })
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) >= 19 })
	time.Sleep(300 * time.Millisecond)
	if n := len(copies(tb.api.Messages(y.ID), u.ID)); n > 21 || n < 19 {
		t.Errorf("manager got %d copies of a flood, want about 20", n)
	}
	if n := tb.count(u.ID, say(t, "ar", "FloodNotice")); n != 1 {
		t.Errorf("%d flood notices, want 1", n)
	}
}

func TestCasesCardNotesAndGroupNews(t *testing.T) {
	tb := newBookingBot(t)
	y := tb.startStaff(yilmaz)
	clients := []fakeapi.User{{ID: 5901, FirstName: "A", LanguageCode: "ar"}, {ID: 5902, FirstName: "B", LanguageCode: "uk"}, {ID: 5903, FirstName: "C", LanguageCode: "ar"}}
	for _, c := range clients {
		tb.toDistrict(c, c.LanguageCode, "Altstadt")
	}
	tb.api.SendText(clients[0], "سؤال")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), clients[0].ID)) == 1 })

	tb.api.SendText(y, "/clients")
	list := tb.find(y.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, say(t, "de", "StaffClientsTitle")[:4]) })
	if !strings.Contains(list.Text, "K-0001") || !strings.Contains(list.Text, "K-0003") || strings.Index(list.Text, "K-0001") > strings.Index(list.Text, "K-0002") {
		t.Errorf("case list, waiting first: %q", list.Text)
	}

	tb.api.SendText(y, "/note K-0001 Brief vom Jobcenter, Frist 30.03.")
	tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffNoteAdded", "Case", "K-0001") })
	tb.api.SendText(y, "/client K-0001")
	card := tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffProfileTitle", "Case", "K-0001"))
	})
	for _, want := range []string{"العربية", "Altstadt", "Frau Yılmaz", "Brief vom Jobcenter, Frist 30.03."} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("case card lacks %q: %q", want, card.Text)
		}
	}

	// Group news to the Arabic-speaking clients: two, each in Arabic, with an opt-out.
	tb.api.SendText(y, "/broadcast")
	tb.press(y, say(t, "de", "BcLanguageCafeLabel"))
	tb.press(y, render(t, "de", flows.Join(" ", flows.Msg("WeekdayThu"), flows.Number("25.03."))))
	tb.press(y, "🌐 العربية")
	confirm := tb.last(y.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "de", "StaffBroadcastSend")) })
	if !strings.Contains(confirm.Text, render(t, "de", flows.Plural("StaffBroadcastConfirm", 2))) {
		t.Errorf("confirmation %q does not say 2", confirm.Text)
	}
	tb.press(y, say(t, "de", "StaffBroadcastSend"))
	news := render(t, "ar", flows.Phrase{ID: "BcLanguageCafe", Sub: map[string]flows.Phrase{"Date": flows.Join(", ", flows.Msg("WeekdayThu"), flows.Number("25.03.2027"))}})
	for _, c := range []fakeapi.User{clients[0], clients[2]} {
		m := tb.find(c.ID, func(m fakeapi.Message) bool { return m.Text == news })
		if !hasButton(m, say(t, "ar", "BroadcastOptOut")) {
			t.Errorf("news without opt-out: %v", labels(m))
		}
	}
	done := render(t, "de", flows.Phrase{ID: "StaffBroadcastDone", Sub: map[string]flows.Phrase{"Sent": flows.Number("2"), "Count": flows.Number("2")}})
	tb.waitFor(y.ID, func() bool { m, _ := tb.api.MessageByID(y.ID, confirm.ID); return m.Text == done })
	if tb.count(clients[1].ID, "☕") != 0 {
		t.Error("the Ukrainian client got the Arabic group's news")
	}
	// Pressing "send" again sends nothing twice.
	tb.api.PressData(y, confirm.ID, confirm.Buttons[0][0].Data)
	tb.quiet(clients[0].ID, len(tb.api.Messages(clients[0].ID)))

	// One client turns the news off: the next round counts one fewer.
	tb.press(clients[0], say(t, "ar", "BroadcastOptOut"))
	tb.find(clients[0].ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "BroadcastOptedOut")) })
	tb.api.SendText(y, "/broadcast")
	tb.press(y, say(t, "de", "BcLanguageCafeLabel"))
	tb.press(y, render(t, "de", flows.Join(" ", flows.Msg("WeekdayThu"), flows.Number("25.03."))))
	tb.press(y, "🌐 العربية")
	confirm = tb.last(y.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "de", "StaffBroadcastSend")) })
	if !strings.Contains(confirm.Text, render(t, "de", flows.Plural("StaffBroadcastConfirm", 1))) {
		t.Errorf("after an opt-out, confirmation %q does not say 1", confirm.Text)
	}
}
