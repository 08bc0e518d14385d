package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// The example town's staff: Frau Yılmaz alone looks after the Altstadt, Frau Kovalenko
// alone after Oberdorf; Yılmaz and Haddad share the Lindenweg site. 900001 is the admin.
const (
	yilmaz    = 900101
	haddad    = 900102
	kovalenko = 900103
	admin     = 900001
)

// toDistrict takes a new client through first contact, with consent, to the menu, naming
// where they live.
func (tb *testBot) toDistrict(u fakeapi.User, lang, district string) {
	tb.t.Helper()
	tb.api.SendText(u, "/start")
	tb.press(u, say(tb.t, lang, "LanguageConfirmYes"))
	tb.press(u, say(tb.t, lang, "PrivacyAccept"))
	tb.press(u, "🏠 "+district)
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(tb.t, lang, "MenuWrite")) })
}

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

// copies returns the copies of a client's messages in a chat.
func copies(msgs []fakeapi.Message, client int64) []fakeapi.Message {
	var out []fakeapi.Message
	for _, m := range msgs {
		if m.Kind == "copy" && m.CopiedFrom == client {
			out = append(out, m)
		}
	}
	return out
}

// count counts the messages in a chat that contain text.
func (tb *testBot) count(chat int64, text string) int {
	n := 0
	for _, m := range tb.api.Messages(chat) {
		if strings.Contains(m.Text, text) {
			n++
		}
	}
	return n
}

// reacted waits until the bot put 👍 on a message of a manager.
func (tb *testBot) reacted(chat int64, msg int) {
	tb.t.Helper()
	ok := tb.api.WaitFor(5*time.Second, func() bool {
		m, found := tb.api.MessageByID(chat, msg)
		return found && len(m.Reactions) == 1 && m.Reactions[0] == "👍"
	})
	if !ok {
		tb.t.Errorf("message %d of chat %d got no 👍", msg, chat)
	}
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
				tb.api.ReplyText(mgr, cps[0].ID, "Ich kümmere mich darum."),
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
	if len(flowsTemplates(t)) < 15 {
		t.Errorf("only %d ready-made replies", len(flowsTemplates(t)))
	}
}

// flowsTemplates reads the ready-made replies a manager is offered, from the picker.
func flowsTemplates(t *testing.T) []string {
	tb := newTestBot(t)
	mgr := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 5202, FirstName: "A", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	tb.api.SendText(u, "?")
	tb.find(mgr.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" })
	tb.press(mgr, say(t, "de", "RelayTemplates"))
	m := tb.last(mgr.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "de", "TplThanksLabel")) })
	return labels(m)
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
	tb.press(h, say(t, "de", "RelayTake"))
	tb.find(h.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffTaken", "Case", "K-0003") })
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return m.Text == say(t, "de", "StaffTakenByOther", "Case", "K-0003", "Name", "Herr Haddad")
	})
	// Yılmaz's old "take case" is refused politely; her reply to the old copy too.
	before := len(tb.api.CallbackAnswers())
	tb.press(y, say(t, "de", "RelayTake"))
	tb.api.WaitFor(5*time.Second, func() bool { return len(tb.api.CallbackAnswers()) > before })
	if got := tb.api.CallbackAnswers()[before].Params["text"]; got != say(t, "de", "StaffAlreadyTaken", "Case", "K-0003", "Name", "Herr Haddad") {
		t.Errorf("second take answered %q", got)
	}
	old := copies(tb.api.Messages(y.ID), shared.ID)[0]
	n := len(tb.api.Messages(shared.ID))
	tb.api.ReplyText(y, old.ID, "Ich antworte auch")
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

// waitFor waits for cond, failing the test if it never holds.
func (tb *testBot) waitFor(chat int64, cond func() bool) {
	tb.t.Helper()
	if !tb.api.WaitFor(5*time.Second, cond) {
		tb.t.Fatalf("chat %d: condition never held; messages: %s", chat, texts(tb.api.Messages(chat)))
	}
}
