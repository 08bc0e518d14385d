package app

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

func TestBadInputGetsSensibleAnswers(t *testing.T) {
	tb := newTestBot(t)
	managers := []fakeapi.User{tb.startStaff(900101), tb.startStaff(900102), tb.startStaff(900103)}
	u := fakeapi.User{ID: 240, FirstName: "Nour", LanguageCode: "ar"}
	tb.api.SendText(u, "/start")
	first := tb.waitMessages(u.ID, 1)[0]

	// Forged button data: another action's data, garbage, data longer than Telegram allows.
	for _, data := range []string{"1:consent:yes", "1:lang:xx", "1:menu:help", "DROP TABLE", strings.Repeat("ü", 40)} {
		before := len(tb.api.CallbackAnswers())
		tb.api.PressData(u, first.ID, data)
		tb.api.WaitFor(5*time.Second, func() bool { return len(tb.api.CallbackAnswers()) > before })
		answers := tb.api.CallbackAnswers()
		if len(answers) == before {
			t.Fatalf("forged data %q was never answered", data)
		}
		if got := answers[len(answers)-1].Params["text"]; got != say(t, "ar", "ButtonExpired") {
			t.Errorf("forged data %q answered with %q, want the Arabic 'no longer valid'", data, got)
		}
	}
	// Each refused press shows the current screen again, below.
	tb.waitMessages(u.ID, 6)
	tb.stop()
	db := tb.db()
	if c, err := db.Client(u.ID); err != nil || c.Lang != "" || c.Consented() {
		t.Fatalf("forged buttons changed the client: %+v, %v", c, err)
	}
	db.Close()
	tb.start()

	n := len(tb.api.Messages(u.ID))
	tb.api.SendText(u, strings.Repeat("أ", 10000))
	m := tb.waitMessages(u.ID, n+1)[n]
	// Before a language is chosen, any text gets the greeting again.
	if !strings.Contains(m.Text, say(t, "ar", "LanguageConfirm")) {
		t.Errorf("10 000 characters answered with %q", m.Text)
	}

	n++
	tb.api.SendSticker(u)
	m = tb.waitMessages(u.ID, n+1)[n]
	if !strings.Contains(m.Text, say(t, "ar", "OnlyText")) {
		t.Errorf("a sticker answered with %q", m.Text)
	}

	n++
	tb.api.EditText(u, first.ID-1, "/start edited")
	tb.api.SendGroupText(u, -1001, "/start")
	tb.api.SendGroupText(u, -1001, "hello bot")
	poll, _ := json.Marshal(map[string]any{"update_id": 770001, "poll": map[string]any{"id": "1", "question": "?", "options": []any{}}})
	tb.api.EnqueueRaw(poll)
	tb.api.EnqueueRaw(json.RawMessage(`{"update_id": 770002, "message": "not an object"}`))
	tb.api.EnqueueRaw(json.RawMessage(`{"update_id": 770003, "something_new": {"x": 1}}`))
	tb.api.WaitFor(5*time.Second, func() bool { return tb.api.PendingUpdates() == 0 })
	tb.quiet(u.ID, n)
	if msgs := tb.api.Messages(-1001); len(msgs) != 0 {
		t.Errorf("the bot chatted in a group: %s", texts(msgs))
	}

	// The bot is still alive and answers; in the menu, text goes to the managers — here the
	// intake, as the client named no district — and the client learns it arrived.
	tb.press(u, say(t, "ar", "LanguageConfirmYes"))
	tb.press(u, say(t, "ar", "PrivacyAccept"))
	tb.press(u, say(t, "ar", "DistrictSkip"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "MenuPrompt")) })
	n = len(tb.api.Messages(u.ID))
	long := strings.Repeat("x", 10000)
	tb.api.SendText(u, long)
	m = tb.waitMessages(u.ID, n+1)[n]
	if !strings.Contains(m.Text, say(t, "ar", "RelayDelivered")) {
		t.Errorf("10 000 characters in the menu answered with %q %v", m.Text, labels(m))
	}
	for _, mgr := range managers {
		got := tb.waitMessages(mgr.ID, 3)
		if !strings.HasPrefix(got[1].Text, "✉️ K-0001 · Nour") || got[2].Kind != "copy" || got[2].Text != long {
			t.Errorf("manager %d got %s", mgr.ID, texts(got[1:]))
		}
	}
}
