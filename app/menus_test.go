package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// chatMenu waits until the command menu of a chat lists want, described in lang, and
// returns it.
func (tb *testBot) chatMenu(chat int64, lang string, want []string) []fakeapi.BotCommand {
	tb.t.Helper()
	scope := fmt.Sprintf("chat:%d", chat)
	var got []fakeapi.BotCommand
	matches := func() bool {
		got = tb.api.ScopedCommands(scope, "")
		if len(got) != len(want) {
			return false
		}
		for i, c := range got {
			if c.Command != want[i] || c.Description != say(tb.t, lang, commandMsg(tb.t, c.Command)) {
				return false
			}
		}
		return true
	}
	if !tb.api.WaitFor(10e9, matches) {
		tb.t.Fatalf("chat %d: command menu is %+v, want %v in %s", chat, got, want, lang)
	}
	return got
}

// commandMsg is the catalog message that describes a command.
func commandMsg(t *testing.T, name string) string {
	t.Helper()
	for _, c := range flows.ClientCommands {
		if c.Name == name {
			return c.Msg
		}
	}
	msg := map[string]string{"today": "CommandToday", "week": "CommandWeek", "clients": "CommandClients", "invite": "CommandInvite", "away": "CommandAway", "notices": "CommandNotices",
		"broadcast": "CommandBroadcast", "team": "CommandTeam", "stats": "CommandStats", "audit": "CommandAudit"}[name]
	if msg == "" {
		t.Fatalf("no description of /%s", name)
	}
	return msg
}

var clientMenu = []string{"start", "menu", "faq", "language", "privacy", "mydata", "delete", "help"}

func TestSoraniClientGetsASoraniMenuThatFollowsTheLanguage(t *testing.T) {
	tb := newTestBot(t)
	// An English phone: Telegram's menus per language_code can only show English.
	u := fakeapi.User{ID: 17001, FirstName: "Shno", LanguageCode: "en"}
	tb.api.SendText(u, "/start")
	tb.press(u, say(t, "en", "LanguageOther"))
	tb.press(u, "کوردی (سۆرانی)")
	menu := tb.chatMenu(u.ID, "ckb", clientMenu)
	if menu[5].Description == say(t, "en", "CommandMyData") {
		t.Errorf("the Sorani menu shows English: %+v", menu)
	}
	if calls := len(tb.api.Calls("setMyCommands")); calls == 0 {
		t.Fatal("no setMyCommands call seen")
	}

	// More messages in the same language do not set the menu again.
	tb.press(u, say(t, "ckb", "PrivacyAccept"))
	tb.press(u, say(t, "ckb", "DistrictSkip"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ckb", "MenuFAQ")) })
	tb.idle()
	if got := chatMenuCalls(tb, u.ID); got != 1 {
		t.Errorf("the chat's menu was set %d times, want once", got)
	}

	tb.api.SendText(u, "/language")
	tb.press(u, "Deutsch")
	tb.chatMenu(u.ID, "de", clientMenu)

	// Dari is served by the Persian catalog and gets the menu in it.
	tb.api.SendText(u, "/language")
	tb.press(u, "دری")
	tb.chatMenu(u.ID, "fa", clientMenu)
}

// chatMenuCalls counts the setMyCommands calls for one chat's scope that Telegram took.
func chatMenuCalls(tb *testBot, chat int64) int {
	n := 0
	for _, c := range tb.api.Calls("setMyCommands") {
		if c.Status == 200 && strings.Contains(fmt.Sprint(c.Params["scope"]), fmt.Sprint(chat)) {
			n++
		}
	}
	return n
}

func TestStaffGetAStaffMenuForTheirRoleAndLanguage(t *testing.T) {
	tb := newTestBot(t)
	manager := tb.startStaff(haddad)
	managerMenu := []string{"menu", "today", "week", "clients", "invite", "away", "notices", "broadcast", "language", "help"}
	tb.chatMenu(manager.ID, "de", managerMenu)

	tb.api.SendText(manager, "/language")
	tb.press(manager, "English")
	tb.chatMenu(manager.ID, "en", managerMenu)

	// The county's team lead, who has no cases of their own, gets the admin commands.
	lead := tb.startStaff(admin)
	tb.chatMenu(lead.ID, "de", []string{"menu", "clients", "broadcast", "team", "stats", "audit", "language", "help"})

	// A client's menu is no staff menu.
	u := fakeapi.User{ID: 17002, FirstName: "Olena", LanguageCode: "uk"}
	tb.toMenu(u, "uk", true)
	menu := tb.chatMenu(u.ID, "uk", clientMenu)
	if slices.ContainsFunc(menu, func(c fakeapi.BotCommand) bool { return c.Command == "today" }) {
		t.Errorf("a client's menu lists /today: %+v", menu)
	}
}

// switchLanguage picks another language with /language, in the middle of whatever the
// client was doing, and returns the screen shown then.
func (tb *testBot) switchLanguage(u fakeapi.User, name, lang string) fakeapi.Message {
	tb.t.Helper()
	tb.idle()
	tb.api.SendText(u, "/language")
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, name) })
	tb.press(u, name)
	m := tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(tb.t, lang, "LanguageSaved")) })
	tb.idle()
	return m
}

func TestLanguageSwitchKeepsTheBookingStep(t *testing.T) {
	tb := newBookingBot(t)
	u := fakeapi.User{ID: 17003, FirstName: "Amal", LanguageCode: "de"}
	tb.toMenu(u, "de", true)
	tb.press(u, say(t, "de", "MenuAppointments"))
	tb.press(u, say(t, "de", "ApptBook"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "ApptChooseDay")) })

	day := func(lang string) string {
		return render(t, lang, flows.Join(" ", flows.Msg("WeekdayTue"), flows.Number("23.03.")))
	}
	m := tb.switchLanguage(u, "English", "en")
	if !strings.Contains(m.Text, say(t, "en", "ApptChooseDay")) || !hasButton(m, day("en")) {
		t.Fatalf("after the switch the day step is gone: %q %v", m.Text, labels(m))
	}

	tb.press(u, day("en"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, slotLabel(t, "en", "09:00")) })
	m = tb.switchLanguage(u, "العربية", "ar")
	if !hasButton(m, slotLabel(t, "ar", "09:00")) {
		t.Fatalf("after the switch the time step is gone: %q %v", m.Text, labels(m))
	}

	tb.press(u, slotLabel(t, "ar", "09:00"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ar", "ApptTopicOther")) })
	m = tb.switchLanguage(u, "Türkçe", "tr")
	if !strings.Contains(m.Text, say(t, "tr", "ApptChooseTopic")) || !hasButton(m, say(t, "tr", "ApptTopicOther")) {
		t.Fatalf("after the switch the topic step is gone: %q %v", m.Text, labels(m))
	}

	tb.press(u, say(t, "tr", "ApptTopicOther"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "tr", "ApptConfirm")) })
	m = tb.switchLanguage(u, "Українська", "uk")
	if !strings.Contains(m.Text, say(t, "uk", "ApptCheck")) || !hasButton(m, say(t, "uk", "ApptConfirm")) {
		t.Fatalf("after the switch the confirmation step is gone: %q %v", m.Text, labels(m))
	}

	// The booking goes on from there, in the new language.
	tb.press(u, say(t, "uk", "ApptConfirm"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "uk", "ApptBooked")) })
}

func TestLanguageSwitchKeepsTheFAQAnswer(t *testing.T) {
	tb := newTestBot(t)
	q := faqOf(t).Topics[0].Questions[0]
	u := fakeapi.User{ID: 17004, FirstName: "Dawit", LanguageCode: "en"}
	tb.toMenu(u, "en", true)
	tb.press(u, say(t, "en", "MenuFAQ"))
	tb.press(u, render(t, "en", flows.Content(flows.PhraseTopic, q.Topic.ID)))
	tb.press(u, render(t, "en", flows.Content(flows.PhraseQuestion, q.ID)))
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "en", "FaqBack")) })

	m := tb.switchLanguage(u, "ትግርኛ", "ti")
	if want := render(t, "ti", flows.Content(flows.PhraseQuestion, q.ID)); !strings.Contains(m.Text, want) || !hasButton(m, say(t, "ti", "FaqBack")) {
		t.Fatalf("after the switch the answer is gone, want %q: %q %v", want, m.Text, labels(m))
	}
	// The answer was read once, whatever the language it was shown in after.
	var views map[string]map[string]int
	tb.stop()
	if err := tb.db().View(func(tx flows.Tx) (err error) { views, err = tx.Views(); return err }); err != nil {
		t.Fatal(err)
	}
	if got := views[q.ID]; got["en"] != 1 || got["ti"] != 0 {
		t.Errorf("views of the answer: %v, want en 1 only", got)
	}
}

func TestLanguageSwitchKeepsThePlan(t *testing.T) {
	tb := newBookingBot(t)
	manager := tb.startStaff(haddad)
	u := fakeapi.User{ID: 17005, FirstName: "Amal", LanguageCode: "ar"}
	tb.invited(manager, u, "ar")
	for _, cmd := range []string{"/goal K-0001 work 31.12.2027 work-recognition", "/step K-0001 1 client 31.03.2027 Zeugnisse kopieren"} {
		before := len(tb.api.Messages(manager.ID))
		tb.api.SendText(manager, cmd)
		tb.waitMessages(manager.ID, before+1)
	}
	tb.press(u, say(t, "ar", "MenuPlan"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "PlanGoalWorkRecognition")) })

	m := tb.switchLanguage(u, "English", "en")
	if !strings.Contains(m.Text, say(t, "en", "PlanTitle")) || !strings.Contains(m.Text, say(t, "en", "PlanGoalWorkRecognition")) ||
		!hasButton(m, say(t, "en", "PlanDoneButton", "Step", "1.1")) {
		t.Fatalf("after the switch the plan is gone: %q %v", m.Text, labels(m))
	}
}

func TestLanguageSwitchKeepsTheDistrictQuestion(t *testing.T) {
	tb := newTestBot(t)
	u := fakeapi.User{ID: 17006, FirstName: "Leyla", LanguageCode: "tr"}
	tb.api.SendText(u, "/start")
	tb.press(u, say(t, "tr", "LanguageConfirmYes"))
	tb.press(u, say(t, "tr", "PrivacyAccept"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "tr", "DistrictSkip")) })

	m := tb.switchLanguage(u, "Kurdî (Kurmancî)", "ku")
	if !strings.Contains(m.Text, say(t, "ku", "DistrictAsk")) || !hasButton(m, say(t, "ku", "DistrictSkip")) {
		t.Fatalf("after the switch the district question is gone: %q %v", m.Text, labels(m))
	}
	tb.press(u, say(t, "ku", "DistrictSkip"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ku", "MenuFAQ")) })

	// From the main menu, a switch shows the main menu.
	m = tb.switchLanguage(u, "Français", "fr")
	if !hasButton(m, say(t, "fr", "MenuFAQ")) {
		t.Fatalf("after the switch from the menu: %q %v", m.Text, labels(m))
	}
}

func TestAChatMenuTelegramDidNotTakeIsSetLater(t *testing.T) {
	tb := newTestBot(t)
	tb.api.WaitFor(10e9, func() bool { return len(tb.api.Commands("uk")) > 0 })

	// Telegram asks to wait: the sender waits and sets the menu then.
	tb.api.InjectFaults("setMyCommands", fakeapi.Fault{Status: 429, RetryAfter: 1})
	u := fakeapi.User{ID: 17007, FirstName: "Olena", LanguageCode: "uk"}
	tb.api.SendText(u, "/start")
	tb.press(u, say(t, "uk", "LanguageConfirmYes"))
	tb.refused("setMyCommands", 429)
	tb.chatMenu(u.ID, "uk", clientMenu)

	// Telegram refuses it for a reason Lotse does not know: the client's next message tries
	// again.
	tb.api.InjectFaults("setMyCommands", fakeapi.Fault{Status: 400, Description: "Bad Request: something unexpected"})
	v := fakeapi.User{ID: 17008, FirstName: "Ahmad", LanguageCode: "ps"}
	tb.api.SendText(v, "/start")
	tb.press(v, say(t, "ps", "LanguageConfirmYes"))
	tb.refused("setMyCommands", 400)
	tb.idle()
	if got := tb.api.ScopedCommands(fmt.Sprintf("chat:%d", v.ID), ""); len(got) != 0 {
		t.Fatalf("a refused menu is there: %+v", got)
	}
	tb.api.SendText(v, "/menu")
	tb.chatMenu(v.ID, "ps", clientMenu)
}

func TestAMenuFollowsTheRoleAfterAReload(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir)
	tb := newTestBot(t, "LOTSE_CONFIG", path)
	u := fakeapi.User{ID: 17009, FirstName: "Sara", LanguageCode: "de"}
	tb.toMenu(u, "de", true)
	tb.chatMenu(u.ID, "de", clientMenu)

	// The town makes them a team lead: their next message brings the staff menu.
	reload := func(replace ...string) {
		t.Helper()
		before := strings.Count(tb.logs.String(), "configuration and content reloaded")
		writeConfig(t, dir, replace...)
		tb.reload <- struct{}{}
		tb.waitFor(u.ID, func() bool { return strings.Count(tb.logs.String(), "configuration and content reloaded") > before })
	}
	reload("admins = [900001]", "admins = [900001, 17009]")
	tb.api.SendText(u, "/menu")
	lead := []string{"menu", "clients", "broadcast", "team", "stats", "audit", "language", "help"}
	tb.chatMenu(u.ID, "de", lead)

	// And back: the client menu returns.
	reload()
	tb.api.SendText(u, "/menu")
	tb.chatMenu(u.ID, "de", clientMenu)
}
