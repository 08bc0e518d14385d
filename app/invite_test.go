package app

import (
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

func TestInvitationAssignsTheClientToTheManager(t *testing.T) {
	tb := newBookingBot(t)
	haddad := tb.startStaff(900102)
	payload := tb.invite(haddad)
	if strings.Contains(tb.api.Messages(haddad.ID)[1].Text, "900102") {
		t.Errorf("the invitation shows the manager's Telegram id")
	}

	u := fakeapi.User{ID: 9601, FirstName: "Mahmoud", LanguageCode: "ar"}
	tb.api.SendText(u, "/start "+payload)
	tb.press(u, say(t, "ar", "LanguageConfirmYes"))
	tb.press(u, say(t, "ar", "PrivacyAccept"))
	m := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "ConsentThanks")) })
	if !strings.Contains(m.Text, say(t, "ar", "InviteAccepted", "Name", "Herr Haddad")) || !hasButton(m, say(t, "ar", "MenuAppointments")) {
		t.Errorf("after consent: %q %v, want the manager named and the menu (no district question)", m.Text, labels(m))
	}
	// Booking offers only the own manager's office hours: Wednesdays at the Lindenweg.
	tb.press(u, say(t, "ar", "MenuAppointments"))
	tb.press(u, say(t, "ar", "ApptBook"))
	days := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "ApptChooseDay")) })
	for _, l := range labels(days) {
		if strings.Contains(l, say(t, "ar", "WeekdayTue")) || strings.Contains(l, say(t, "ar", "WeekdayThu")) {
			t.Errorf("an assigned client is offered another manager's day %q", l)
		}
	}
	if !hasButton(days, render(t, "ar", flows.Join(" ", flows.Msg("WeekdayWed"), flows.Number("24.03.")))) {
		t.Errorf("the own manager's Wednesday is missing: %v", labels(days))
	}

	// The link works once.
	late := fakeapi.User{ID: 9602, FirstName: "Second", LanguageCode: "de"}
	tb.api.SendText(late, "/start "+payload)
	tb.press(late, say(t, "de", "LanguageConfirmYes"))
	tb.press(late, say(t, "de", "PrivacyAccept"))
	m = tb.find(late.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "ConsentThanks")) })
	if !strings.Contains(m.Text, say(t, "de", "BadLink")) {
		t.Errorf("a used invitation was accepted again: %q", m.Text)
	}

	// An invitation expires.
	expired := tb.invite(haddad)
	tb.setNow(monday.Add(15 * 24 * time.Hour))
	third := fakeapi.User{ID: 9603, FirstName: "Third", LanguageCode: "de"}
	tb.api.SendText(third, "/start "+expired)
	tb.press(third, say(t, "de", "LanguageConfirmYes"))
	tb.press(third, say(t, "de", "PrivacyAccept"))
	m = tb.find(third.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "ConsentThanks")) })
	if !strings.Contains(m.Text, say(t, "de", "BadLink")) {
		t.Errorf("an expired invitation was accepted: %q", m.Text)
	}

	tb.stop()
	db := tb.db()
	for id, want := range map[int64]int64{u.ID: 900102, late.ID: 0, third.ID: 0} {
		if c, err := db.Client(id); err != nil || c.Manager != want {
			t.Errorf("client %d assigned to %d (%v), want %d", id, c.Manager, err, want)
		}
	}
}

func TestClientsCannotInvite(t *testing.T) {
	tb := newTestBot(t)
	u := fakeapi.User{ID: 9701, FirstName: "Curious", LanguageCode: "de"}
	tb.toMenu(u, "de", true)
	n := len(tb.api.Messages(u.ID))
	tb.api.SendText(u, "/invite")
	if m := tb.waitMessages(u.ID, n+1)[n]; !strings.Contains(m.Text, say(t, "de", "StaffOnly")) {
		t.Errorf("a client's /invite got %q", m.Text)
	}
}
