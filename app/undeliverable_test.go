package app

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

// writeEveryKind sends a text, a photo and an album of three, and returns their message ids
// in the client's chat, in order.
func (tb *testBot) writeEveryKind(u fakeapi.User) []int {
	tb.t.Helper()
	var ids []int
	for _, update := range append([]int64{tb.api.SendText(u, "مرحبا"), tb.api.SendPhoto(u, "رسالة")}, tb.api.SendAlbum(u, 3, "")...) {
		ids = append(ids, tb.api.MessageIDOf(update))
	}
	return ids
}

// copiedIDs are the client's message ids that a chat holds copies of, in the chat's order.
func copiedIDs(msgs []fakeapi.Message, client int64) []int {
	var ids []int
	for _, m := range copies(msgs, client) {
		ids = append(ids, m.CopiedID)
	}
	return ids
}

func TestAClientsMessagesReachTheColleagueWhenTheManagerCannotReceive(t *testing.T) {
	for _, tc := range []struct {
		name    string
		refuse  func(tb *testBot, y fakeapi.User) // makes Frau Yılmaz unable to receive
		opened  bool
		refusal string
	}{
		{"never opened the bot", func(*testBot, fakeapi.User) {}, false, "chat not found"},
		// Telegram tells the bot of a block at once (my_chat_member): nothing is even tried.
		{"blocked the bot", func(tb *testBot, y fakeapi.User) { tb.api.Block(y.ID) }, true, ""},
		{"deleted the account", func(tb *testBot, y fakeapi.User) { tb.api.Deactivate(y.ID) }, true, "user is deactivated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
			y := fakeapi.User{ID: yilmaz, FirstName: "Staff", LanguageCode: "de"}
			if tc.opened {
				y = tb.startStaff(yilmaz)
			}
			h := tb.startStaff(haddad)
			tb.startStaff(admin)
			// The Altstadt is Frau Yılmaz's alone; Herr Haddad shares the Lindenweg with her.
			u := fakeapi.User{ID: 7101, FirstName: "Amal", LanguageCode: "ar"}
			tb.toDistrict(u, "ar", "Altstadt")
			tc.refuse(tb, y)
			sent := tb.writeEveryKind(u)

			tb.waitFor(h.ID, func() bool { return len(copies(tb.api.Messages(h.ID), u.ID)) == len(sent) })
			if got := copiedIDs(tb.api.Messages(h.ID), u.ID); !slices.Equal(got, sent) {
				t.Errorf("Herr Haddad got copies of %v, want %v once each, in order", got, sent)
			}
			msgs := tb.api.Messages(h.ID)
			first := slices.IndexFunc(msgs, func(m fakeapi.Message) bool { return m.Kind == "copy" })
			if first < 1 || !strings.HasPrefix(msgs[first-1].Text, "✉️ K-0001") ||
				!strings.Contains(msgs[first-1].Text, say(t, "de", "RelayHeaderRerouted", "Name", "Frau Yılmaz")) {
				t.Errorf("the first copy is not under a header that says why it came:%s", texts(msgs))
			}
			refused := slices.ContainsFunc(append(tb.api.Calls("sendMessage"), tb.api.Calls("copyMessage")...), func(c fakeapi.Call) bool {
				return strings.Contains(c.Error, tc.refusal)
			})
			if !refused && tc.refusal != "" {
				t.Errorf("Telegram never answered %q for Frau Yılmaz", tc.refusal)
			}
			tb.idle()
			if n := tb.count(u.ID, say(t, "ar", "RelayDelivered")); n != 1 {
				t.Errorf("the client got %d ✅ notes, want 1", n)
			}
			if n := tb.count(u.ID, say(t, "ar", "RelayKept")); n != 0 {
				t.Errorf("the client was told %d times that the message was kept, though a colleague got it", n)
			}
			tb.find(admin, func(m fakeapi.Message) bool {
				return m.Text == say(t, "de", "StaffManagerBlocked", "Name", "Frau Yılmaz")
			})
		})
	}
}

func TestAnIntakeReachesTheColleagueWhoCanReceive(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	// Frau Yılmaz never opened the bot; Herr Haddad shares the Lindenweg with her.
	h := tb.startStaff(haddad)
	u := fakeapi.User{ID: 7151, FirstName: "Dawit", LanguageCode: "ti"}
	tb.toDistrict(u, "ti", "Anschlussunterbringung Lindenweg")
	sent := tb.writeEveryKind(u)
	tb.waitFor(h.ID, func() bool { return len(copies(tb.api.Messages(h.ID), u.ID)) == len(sent) })
	// A message of the same burst typed after the refusal.
	later := tb.api.MessageIDOf(tb.api.SendText(u, "ሓደ ሕቶ"))
	tb.waitFor(h.ID, func() bool { return len(copies(tb.api.Messages(h.ID), u.ID)) == len(sent)+1 })
	if got := copiedIDs(tb.api.Messages(h.ID), u.ID); !slices.Equal(got, append(sent, later)) {
		t.Errorf("Herr Haddad got copies of %v, want %v once each, in order", got, append(sent, later))
	}
	msgs := tb.api.Messages(h.ID)
	first := slices.IndexFunc(msgs, func(m fakeapi.Message) bool { return m.Kind == "copy" })
	if first < 1 || !strings.HasPrefix(msgs[first-1].Text, "✉️ K-0001") {
		t.Errorf("the first copy came without a header:%s", texts(msgs))
	}
	tb.idle()
	if n := tb.count(u.ID, say(t, "ti", "RelayDelivered")); n != 1 {
		t.Errorf("the client got %d ✅ notes, want 1", n)
	}
}

func TestMessagesNobodyCanReceiveAreKeptAndArriveOnceInOrder(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	// Nobody of the team has opened the bot yet.
	u := fakeapi.User{ID: 7201, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	sent := tb.writeEveryKind(u)
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "RelayKept") })
	// A later message of the same burst is kept too, without a second notice.
	more := tb.api.MessageIDOf(tb.api.SendText(u, "هل وصلت رسالتي؟"))
	sent = append(sent, more)
	tb.api.WaitFor(5*time.Second, func() bool { return tb.api.PendingUpdates() == 0 })
	tb.idle()
	if n := tb.count(u.ID, say(t, "ar", "RelayKept")); n != 1 {
		t.Errorf("the client was told %d times that the messages are kept, want 1", n)
	}
	if n := tb.count(u.ID, say(t, "ar", "RelayDelivered")); n != 0 {
		t.Errorf("the client was told %d times that the message arrived, though nobody has it", n)
	}
	var kept struct {
		Kept int `json:"kept_messages"`
	}
	tb.readyz(&kept)
	if kept.Kept != len(sent) {
		t.Errorf("/readyz counts %d kept messages, want %d", kept.Kept, len(sent))
	}

	// Across a restart, the kept messages wait; when Frau Yılmaz opens the bot, they arrive
	// once, under a header, in the order written.
	tb.restart()
	y := tb.startStaff(yilmaz)
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == len(sent) })
	msgs := tb.api.Messages(y.ID)
	if got := copiedIDs(msgs, u.ID); !slices.Equal(got, sent) {
		t.Errorf("Frau Yılmaz got copies of %v, want %v once each, in order", got, sent)
	}
	first := slices.IndexFunc(msgs, func(m fakeapi.Message) bool { return m.Kind == "copy" })
	if first < 1 || !strings.HasPrefix(msgs[first-1].Text, "✉️ K-0001") {
		t.Errorf("the kept messages came without a header:%s", texts(msgs))
	}
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "RelayDelivered") })
	// She writes again later: nothing comes twice.
	tb.api.SendText(y, "/menu")
	tb.idle()
	if got := copiedIDs(tb.api.Messages(y.ID), u.ID); !slices.Equal(got, sent) {
		t.Errorf("after another message of hers, copies are %v, want %v", got, sent)
	}
	if n := tb.count(u.ID, say(t, "ar", "RelayDelivered")); n != 1 {
		t.Errorf("the client got %d ✅ notes, want 1", n)
	}
	tb.readyz(&kept)
	if kept.Kept != 0 {
		t.Errorf("/readyz still counts %d kept messages", kept.Kept)
	}
}

func TestAnAbruptStopBetweenRefusalAndRerouteLosesNothing(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	y, h := tb.startStaff(yilmaz), tb.startStaff(haddad)
	u := fakeapi.User{ID: 7301, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	tb.api.Block(y.ID)
	calls := len(tb.api.Calls("copyMessage"))
	// Telegram answers slowly from now on: the stop comes while the refusal is being
	// recorded, or just before.
	tb.api.SetSlow(50 * time.Millisecond)
	sent := tb.api.MessageIDOf(tb.api.SendText(u, "مرحبا"))
	tb.api.WaitFor(5*time.Second, func() bool { return len(tb.api.Calls("copyMessage")) > calls })
	tb.stop()
	tb.api.SetSlow(0)
	tb.start()
	tb.waitFor(h.ID, func() bool { return len(copies(tb.api.Messages(h.ID), u.ID)) == 1 })
	tb.idle()
	if got := copiedIDs(tb.api.Messages(h.ID), u.ID); !slices.Equal(got, []int{sent}) {
		t.Errorf("Herr Haddad got copies of %v, want [%d]", got, sent)
	}
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "RelayDelivered") })
	tb.idle()
	if n := tb.count(u.ID, say(t, "ar", "RelayDelivered")); n != 1 {
		t.Errorf("the client got %d ✅ notes, want 1", n)
	}
}

func TestABurstKeepsItsHeaderWhenTheFirstWasRefused(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	y := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 7401, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	// Telegram refuses the header for a reason Lotse does not know; the copy arrives.
	tb.api.InjectFaults("sendMessage", fakeapi.Fault{Status: 400, Description: "Bad Request: SOMETHING_NEW_HAPPENED"})
	tb.api.SendText(u, "مرحبا")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	tb.api.SendText(u, "سؤال")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 2 })
	msgs := tb.api.Messages(y.ID)
	second := slices.IndexFunc(msgs, func(m fakeapi.Message) bool {
		return m.Kind == "copy" && m.CopiedFrom == u.ID && m.ID > copies(msgs, u.ID)[0].ID
	})
	if second < 1 || !strings.HasPrefix(msgs[second-1].Text, "✉️ K-0001") || !hasButton(msgs[second-1], say(t, "de", "RelayTemplates")) {
		t.Errorf("the next copy of the burst came without a header and its buttons:%s", texts(msgs))
	}
	if !strings.Contains(tb.logs.String(), "SOMETHING_NEW_HAPPENED") {
		t.Error("an unknown refusal was not logged")
	}
}

func TestEditsFollowTheCase(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	y, h, k := tb.startStaff(yilmaz), tb.startStaff(haddad), tb.startStaff(kovalenko)
	a := tb.startStaff(admin)
	u := fakeapi.User{ID: 7501, FirstName: "Dawit", LanguageCode: "ti"}
	tb.toDistrict(u, "ti", "Anschlussunterbringung Lindenweg")
	first := tb.api.SendText(u, "ሰላም")
	for _, mgr := range []fakeapi.User{y, h} {
		tb.waitFor(mgr.ID, func() bool { return len(copies(tb.api.Messages(mgr.ID), u.ID)) == 1 })
	}
	tb.press(h, say(t, "de", "RelayTake"))
	tb.find(h.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffTaken", "Case", "K-0001") })

	edited := say(t, "de", "RelayEdited", "Case", "K-0001")
	tb.api.EditText(u, tb.api.MessageIDOf(first), "ሰላም ኩን")
	edit := tb.find(h.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, edited) })
	if cp := copies(tb.api.Messages(h.ID), u.ID)[0]; edit.ReplyTo != cp.ID {
		t.Errorf("the edit replies to %d, want Herr Haddad's copy %d", edit.ReplyTo, cp.ID)
	}

	tb.api.SendText(a, "/assign K-0001 Kovalenko")
	tb.find(k.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffAssignedToYou", "Case", "K-0001") })
	tb.api.EditText(u, tb.api.MessageIDOf(first), "ሰላም ኩን ክትርኢ")
	tb.find(k.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, edited) && strings.Contains(m.Text, "ክትርኢ")
	})
	tb.idle()
	if n := tb.count(y.ID, edited); n != 0 {
		t.Errorf("Frau Yılmaz, who never had the case, got %d edits", n)
	}
	if n := tb.count(h.ID, edited); n != 1 {
		t.Errorf("Herr Haddad got %d edits, want only the one from while the case was his", n)
	}
}

func TestTeamAndMyID(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	y, k := tb.startStaff(yilmaz), tb.startStaff(kovalenko)
	a := tb.startStaff(admin)
	u := fakeapi.User{ID: 7601, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	tb.api.SendText(u, "مرحبا")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	tb.api.Block(k.ID)
	tb.api.SendText(a, "/assign K-0001 Kovalenko")
	tb.find(admin, func(m fakeapi.Message) bool {
		return m.Text == say(t, "de", "StaffManagerBlocked", "Name", "Frau Kovalenko")
	})

	tb.api.SendText(a, "/team")
	team := tb.find(a.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "👥") })
	for _, want := range []string{
		"Frau Yılmaz · " + say(t, "de", "TeamOpened"),
		"Herr Haddad · " + say(t, "de", "TeamNeverOpened"),
		"Frau Kovalenko · " + say(t, "de", "TeamUnreachable"),
		say(t, "de", "TeamAdmin", "ID", "900001") + " · " + say(t, "de", "TeamOpened"),
		say(t, "de", "TeamHint"),
	} {
		if !strings.Contains(team.Text, want) {
			t.Errorf("/team lacks %q:\n%s", want, team.Text)
		}
	}
	// Clients and managers cannot see the team.
	tb.api.SendText(y, "/team")
	tb.find(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "StaffOnly")) })

	// Anyone learns their own id; someone unknown is not recorded as a client for it.
	stranger := fakeapi.User{ID: 7699, FirstName: "New", LanguageCode: "de"}
	tb.api.SendText(stranger, "/myid")
	tb.find(stranger.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "MyID", "ID", "7699") })
	// Had the stranger been recorded, he would be case K-0002.
	tb.api.SendText(a, "/client K-0002")
	tb.find(a.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffUnknownCase") })
	tb.api.SendText(u, "/myid")
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "7601") })

	var ready struct {
		NotOpened []string `json:"staff_not_opened"`
	}
	tb.readyz(&ready)
	if !slices.Equal(ready.NotOpened, []string{"managers[2]"}) {
		t.Errorf("/readyz names %v as never having opened the bot, want [managers[2]]", ready.NotOpened)
	}
	if !strings.Contains(tb.logs.String(), `who="managers[1] managers[2] managers[3] admins[1]"`) {
		t.Errorf("the start-up log does not name who never opened the bot:\n%s", tb.logs.String())
	}
}

func TestUnblockingTheBotBringsTheKeptMessages(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	y, h, a := tb.startStaff(yilmaz), tb.startStaff(haddad), tb.startStaff(admin)
	u := fakeapi.User{ID: 7701, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	// Everyone who could get her message blocks the bot; Telegram tells Lotse at once.
	for _, s := range []fakeapi.User{y, h, a} {
		tb.api.Block(s.ID)
	}
	tb.idle()
	sent := tb.api.MessageIDOf(tb.api.SendText(u, "مرحبا"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "RelayKept") })
	if calls := tb.api.Calls("copyMessage"); len(calls) != 0 {
		t.Errorf("Lotse tried %d copies to people it knew had blocked it", len(calls))
	}
	// Frau Yılmaz unblocks the bot without writing: the kept message reaches her.
	tb.api.Unblock(y.ID)
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	if got := copiedIDs(tb.api.Messages(y.ID), u.ID); !slices.Equal(got, []int{sent}) {
		t.Errorf("Frau Yılmaz got copies of %v, want [%d]", got, sent)
	}
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "RelayDelivered") })
}

func TestAMessageRefusedForAnUnknownReasonIsTriedAgain(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	tb.setNow(monday)
	y := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 7801, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	tb.api.InjectFaults("copyMessage", fakeapi.Fault{Status: 400, Description: "Bad Request: SOMETHING_NEW_HAPPENED"})
	sent := tb.api.MessageIDOf(tb.api.SendText(u, "مرحبا"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "RelayKept") })
	if n := len(copies(tb.api.Messages(y.ID), u.ID)); n != 0 {
		t.Fatalf("Frau Yılmaz got %d copies though Telegram refused", n)
	}
	// An hour later Lotse tries again, and Telegram takes it.
	tb.setNow(monday.Add(61 * time.Minute))
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	if got := copiedIDs(tb.api.Messages(y.ID), u.ID); !slices.Equal(got, []int{sent}) {
		t.Errorf("Frau Yılmaz got copies of %v, want [%d]", got, sent)
	}
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "RelayDelivered") })
}
