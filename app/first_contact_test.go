package app

import (
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

func TestArabicPhoneIsGreetedInArabic(t *testing.T) {
	tb := newTestBot(t)
	amira := fakeapi.User{ID: 101, FirstName: "Amira", LanguageCode: "ar"}
	tb.api.SendText(amira, "/start")

	first := tb.waitMessages(amira.ID, 1)[0]
	if want := say(t, "ar", "LanguageConfirm"); !strings.Contains(first.Text, want) {
		t.Errorf("first message %q lacks the Arabic question %q", first.Text, want)
	}
	if !hasButton(first, say(t, "ar", "LanguageConfirmYes")) || !hasButton(first, say(t, "ar", "LanguageOther")) {
		t.Errorf("buttons %v, want Arabic yes / other language", labels(first))
	}

	tb.press(amira, say(t, "ar", "LanguageConfirmYes"))
	notice := tb.last(amira.ID, func(m fakeapi.Message) bool { return m.Edited })
	if !strings.Contains(notice.Text, say(t, "ar", "PrivacyQuestion")) {
		t.Errorf("after confirming Arabic: %q, want the privacy notice in Arabic", notice.Text)
	}
	if notice.ID != first.ID {
		t.Errorf("the privacy notice came as a new message, want the greeting edited in place")
	}
	if answers := tb.api.CallbackAnswers(); len(answers) == 0 {
		t.Errorf("the button press was never answered; the phone shows a spinner")
	}
}

func TestSoraniIsNeverServedArabic(t *testing.T) {
	t.Run("town offers Sorani", func(t *testing.T) {
		tb := newTestBot(t)
		u := fakeapi.User{ID: 102, FirstName: "Dilan", LanguageCode: "ckb"}
		tb.api.SendText(u, "/start")
		m := tb.waitMessages(u.ID, 1)[0]
		if want := say(t, "ckb", "LanguageConfirm"); !strings.Contains(m.Text, want) {
			t.Errorf("got %q, want the Sorani question %q", m.Text, want)
		}
	})
	t.Run("town does not offer Sorani", func(t *testing.T) {
		dir := t.TempDir()
		cfg := writeConfig(t, dir, `languages = ["de", "en", "ar", "fa", "prs", "ps", "ku", "ckb", "ti", "so", "uk", "ru", "tr", "fr"]`, `languages = ["de", "en", "ar"]`)
		tb := newTestBot(t, "LOTSE_CONFIG", cfg)
		u := fakeapi.User{ID: 103, FirstName: "Dilan", LanguageCode: "ckb"}
		tb.api.SendText(u, "/start")
		m := tb.waitMessages(u.ID, 1)[0]
		if strings.Contains(m.Text, say(t, "ar", "LanguageConfirm")) {
			t.Fatalf("a Sorani phone was greeted in Arabic: %q", m.Text)
		}
		for _, name := range []string{"Deutsch", "English", "العربية"} {
			if !hasButton(m, name) {
				t.Errorf("picker lacks %s: %v", name, labels(m))
			}
		}
	})
}

func TestUnknownLanguageGetsPickerInEveryScript(t *testing.T) {
	tb := newTestBot(t)
	u := fakeapi.User{ID: 104, FirstName: "Tesfay", LanguageCode: "xx"}
	tb.api.SendText(u, "/start")
	m := tb.waitMessages(u.ID, 1)[0]
	for _, l := range flows.Languages {
		if !hasButton(m, l.Name) {
			t.Errorf("picker lacks %s (%s)", l.Name, l.Option)
		}
	}
	for _, word := range []string{"Sprache", "Language"} {
		if !strings.Contains(m.Text, word) {
			t.Errorf("picker text %q lacks %q", m.Text, word)
		}
	}

	tb.press(u, "ትግርኛ")
	m = tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ti", "PrivacyQuestion")) })
	if !strings.Contains(m.Text, say(t, "ti", "LanguageSaved")) {
		t.Errorf("got %q, want the Tigrinya confirmation", m.Text)
	}
}

func TestLanguageChoiceSurvivesRestart(t *testing.T) {
	tb := newTestBot(t)
	u := fakeapi.User{ID: 105, FirstName: "Olena", LanguageCode: "en"}
	tb.api.SendText(u, "/start")
	tb.waitMessages(u.ID, 1)
	tb.press(u, say(t, "en", "LanguageOther"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, "Українська") })
	tb.press(u, "Українська")
	tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "uk", "PrivacyQuestion")) })
	tb.press(u, say(t, "uk", "PrivacyAccept"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "uk", "ConsentThanks")) })

	tb.restart()
	n := len(tb.api.Messages(u.ID))
	tb.api.SendText(u, "/menu")
	m := tb.waitMessages(u.ID, n+1)[n]
	if !strings.Contains(m.Text, say(t, "uk", "MenuPrompt")) {
		t.Errorf("after restart: %q, want the Ukrainian menu", m.Text)
	}
}

func TestConsentIsStoredAndRespected(t *testing.T) {
	tb := newTestBot(t)
	yes := fakeapi.User{ID: 106, FirstName: "Ahmad", LanguageCode: "fa"}
	no := fakeapi.User{ID: 107, FirstName: "Maryam", LanguageCode: "fa"}
	for _, u := range []fakeapi.User{yes, no} {
		tb.api.SendText(u, "/start")
		tb.waitMessages(u.ID, 1)
		tb.press(u, say(t, "fa", "LanguageConfirmYes"))
		tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "fa", "PrivacyAccept")) })
	}
	tb.press(yes, say(t, "fa", "PrivacyAccept"))
	tb.last(yes.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "fa", "ConsentThanks")) })
	tb.press(yes, say(t, "fa", "DistrictSkip"))
	tb.press(no, say(t, "fa", "PrivacyDecline"))
	m := tb.last(no.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "fa", "ConsentDeclined")) })
	if !hasButton(m, say(t, "fa", "MenuPrivacy")) {
		t.Errorf("after declining, the menu %v lacks the privacy button to agree later", labels(m))
	}

	// The privacy screen shows each person's own choice and offers to change it.
	tb.press(no, say(t, "fa", "MenuPrivacy"))
	m = tb.last(no.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "fa", "PrivacyStatusMissing")) })
	if !hasButton(m, say(t, "fa", "PrivacyAccept")) {
		t.Errorf("privacy screen of a decliner: %v, want the agree button", labels(m))
	}
	tb.press(yes, say(t, "fa", "MenuPrivacy"))
	m = tb.last(yes.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "fa", "PrivacyStatusGiven")) })
	if !hasButton(m, say(t, "fa", "PrivacyWithdraw")) {
		t.Errorf("privacy screen of a consenter: %v, want the withdraw button", labels(m))
	}

	tb.stop()
	db := tb.db()
	c, err := db.Client(yes.ID)
	if err != nil || !c.Consented() || c.ConsentAt.IsZero() {
		t.Errorf("consenting client stored as %+v, %v", c, err)
	}
	c, err = db.Client(no.ID)
	if err != nil || c.Consented() || c.DeclinedAt.IsZero() {
		t.Errorf("declining client stored as %+v, %v", c, err)
	}
}

func TestLanguageCommandKeepsTheFlow(t *testing.T) {
	tb := newTestBot(t)
	u := fakeapi.User{ID: 108, FirstName: "Yonas", LanguageCode: "de"}
	tb.api.SendText(u, "/start")
	tb.waitMessages(u.ID, 1)
	tb.press(u, say(t, "de", "LanguageConfirmYes"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "PrivacyQuestion")) })

	// In the middle of the privacy notice, the client switches to Arabic…
	tb.api.SendText(u, "/language")
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, "العربية") })
	tb.press(u, "العربية")
	// …and is still at the privacy notice, now in Arabic.
	m := tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "PrivacyQuestion")) })
	if !hasButton(m, say(t, "ar", "PrivacyAccept")) {
		t.Errorf("buttons %v, want the Arabic consent buttons", labels(m))
	}

	// /help in the middle keeps the flow too.
	n := len(tb.api.Messages(u.ID))
	tb.api.SendText(u, "/help")
	m = tb.waitMessages(u.ID, n+1)[n]
	if !strings.Contains(m.Text, say(t, "ar", "PrivacyQuestion")) || !hasButton(m, say(t, "ar", "PrivacyAccept")) {
		t.Errorf("/help at the privacy notice: %q %v, want help plus the notice", m.Text, labels(m))
	}
}

func TestStartPayload(t *testing.T) {
	tb := newTestBot(t)
	invited := fakeapi.User{ID: 109, FirstName: "Samir", LanguageCode: "ar"}
	tb.api.SendText(invited, "/start inv-AbCdEfGhIjKlMnOpQr")
	m := tb.waitMessages(invited.ID, 1)[0]
	if strings.Contains(m.Text, say(t, "ar", "BadLink")) {
		t.Errorf("a valid invite was called broken: %q", m.Text)
	}
	garbage := fakeapi.User{ID: 110, FirstName: "Hana", LanguageCode: "ar"}
	tb.api.SendText(garbage, "/start <script>alert(1)</script>")
	m = tb.waitMessages(garbage.ID, 1)[0]
	if !strings.Contains(m.Text, say(t, "ar", "BadLink")) || !strings.Contains(m.Text, say(t, "ar", "LanguageConfirm")) {
		t.Errorf("garbage payload: %q, want a polite note and the normal greeting", m.Text)
	}

	tb.stop()
	db := tb.db()
	if c, err := db.Client(invited.ID); err != nil || c.Invite != "AbCdEfGhIjKlMnOpQr" {
		t.Errorf("invited client stored as %+v, %v; want the invite token kept", c, err)
	}
	if c, err := db.Client(garbage.ID); err != nil || c.Invite != "" {
		t.Errorf("garbage stored as invite: %+v, %v", c, err)
	}
}

func TestManagerIsGreetedAsStaff(t *testing.T) {
	tb := newTestBot(t)
	manager := fakeapi.User{ID: 900102, FirstName: "Karim", LanguageCode: "en"}
	tb.api.SendText(manager, "/start")
	m := tb.waitMessages(manager.ID, 1)[0]
	if want := say(t, "de", "ManagerWelcome", "Name", "Herr Haddad", "Town", "Musterstadt"); !strings.Contains(m.Text, want) {
		t.Errorf("manager got %q, want the German staff greeting %q", m.Text, want)
	}
	if strings.Contains(m.Text, say(t, "de", "PrivacyQuestion")) {
		t.Errorf("a manager was asked for a client's consent")
	}
}

func TestCommandMenusPerLanguage(t *testing.T) {
	tb := newTestBot(t)
	tb.api.WaitFor(5*1e9, func() bool { return len(tb.api.Commands("uk")) > 0 })
	for _, code := range []string{"", "de", "ar", "uk", "ti", "fa"} {
		cmds := tb.api.Commands(code)
		if len(cmds) != len(flows.ClientCommands) {
			t.Errorf("language %q: %d commands, want %d", code, len(cmds), len(flows.ClientCommands))
			continue
		}
		lang := code
		if lang == "" {
			lang = "en"
		}
		if want := say(t, lang, "CommandLanguage"); cmds[3].Description != want {
			t.Errorf("language %q: /language described as %q, want %q", code, cmds[3].Description, want)
		}
		if want := say(t, lang, "CommandPrivacy"); cmds[4].Command != "privacy" || cmds[4].Description != want {
			t.Errorf("language %q: /privacy is %+v, want %q", code, cmds[4], want)
		}
		if want := say(t, lang, "CommandDelete"); cmds[6].Command != "delete" || cmds[6].Description != want {
			t.Errorf("language %q: /delete is %+v, want %q", code, cmds[6], want)
		}
	}
}
