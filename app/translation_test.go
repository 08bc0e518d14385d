package app

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/translate/fake"
)

// quoted returns the text of a message's expandable quote, "" if it has none.
func quoted(m fakeapi.Message) string {
	units := utf16.Encode([]rune(m.PlainText))
	for _, e := range m.Entities {
		if e.Type == "expandable_blockquote" && e.Offset+e.Length <= len(units) {
			return string(utf16.Decode(units[e.Offset : e.Offset+e.Length]))
		}
	}
	return ""
}

func TestTranslationBothWaysWithTheOriginalAtHand(t *testing.T) {
	tb, engine := newTranslatingBot(t, fake.Options{})
	y := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 8101, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")

	// The privacy notice names the engine.
	tb.api.SendText(u, "/privacy")
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, render(t, "ar", flows.Msg("PrivacyTranslation", "Engine", "LibreTranslate (127.0.0.1)")))
	})

	// Her Arabic message: the copy, and under it the German translation.
	text := "عندي موعد في 24.12.2026 الساعة 09:00"
	tb.api.SendText(u, text)
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	cp := copies(tb.api.Messages(y.ID), u.ID)[0]
	tr := tb.find(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "[ar→de] "+text) })
	if tr.ReplyTo != cp.ID || !strings.HasPrefix(tr.Text, render(t, "de", flows.Phrase{ID: "TranslationFrom", Sub: map[string]flows.Phrase{"Language": flows.LanguageName("ar")}})) {
		t.Errorf("translation %q replies to %d, want the copy %d under its title", tr.Text, tr.ReplyTo, cp.ID)
	}

	// Her German answer reaches her in Arabic with the German original collapsed; the
	// manager sees the translation and its way back.
	answer := "Bitte kommen Sie am 24.12. um 09:00 ins Rathaus."
	reply := tb.reply(y, tr.ID, answer)
	got := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "[de→ar] "+answer) })
	if q := quoted(got); q != answer {
		t.Errorf("the client's message %q quotes %q, want the German original", got.Text, q)
	}
	if !strings.Contains(got.Text, render(t, "ar", flows.Phrase{ID: "TranslationOriginal", Sub: map[string]flows.Phrase{"Language": flows.LanguageName("de")}})) {
		t.Errorf("the client's message %q does not say it was translated by machine", got.Text)
	}
	shown := tb.find(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "[ar→de] [de→ar] "+answer) })
	if !strings.Contains(shown.Text, "[de→ar] "+answer) || !hasButton(shown, say(t, "de", "TranslationCorrect")) {
		t.Errorf("the manager sees %q %v, want the translation, its way back and a correction button", shown.Text, labels(shown))
	}
	tb.reacted(y.ID, tb.api.MessageIDOf(reply))

	// A correction reaches her as such, translated.
	tb.press(y, say(t, "de", "TranslationCorrect"))
	prompt := tb.find(y.ID, func(m fakeapi.Message) bool {
		return m.Text == say(t, "de", "TranslationCorrectPrompt", "Case", "K-0001")
	})
	tb.reply(y, prompt.ID, "Nicht 09:00, sondern 10:00.")
	corr := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "[de→ar] Nicht 09:00, sondern 10:00.") })
	if !strings.HasPrefix(corr.Text, say(t, "ar", "TranslationCorrection")) {
		t.Errorf("the correction %q is not marked as one", corr.Text)
	}

	// "!" sends a text as written.
	tb.reply(y, tr.ID, "!Frau Yılmaz, Zimmer 12")
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == "Frau Yılmaz, Zimmer 12" })

	// A text written without replying goes, once she picks the case, translated too.
	tb.api.SendText(y, "Haben Sie den Brief dabei?")
	tb.press(y, "✉️ K-0001 · العربية")
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "[de→ar] Haben Sie den Brief dabei?") })

	// No German word reached the engine as the client's, and no name: only message texts.
	for _, r := range engine.Requests() {
		if q := strings.Join(r.Params["q"], ""); strings.Contains(q, "Amal") {
			t.Errorf("the engine got the client's name: %v", r.Params)
		}
	}
	tb.api.SendText(tb.startStaff(admin), "/stats")
	stats := tb.find(admin, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "📊") })
	if want := render(t, "de", flows.Phrase{ID: "StatsTranslated", Sub: map[string]flows.Phrase{"List": flows.Literal("العربية 4")}}); !strings.Contains(stats.Text, want) {
		t.Errorf("/stats lacks %q:\n%s", want, stats.Text)
	}
}

func TestNoTranslationWhereItIsNotNeededOrNotPossible(t *testing.T) {
	tb, _ := newTranslatingBot(t, fake.Options{})
	y, k := tb.startStaff(yilmaz), tb.startStaff(kovalenko)

	// A Ukrainian client who writes German gets no "translation" from Ukrainian.
	uk := fakeapi.User{ID: 8201, FirstName: "Olena", LanguageCode: "uk"}
	tb.toDistrict(uk, "uk", "Ortsteil Oberdorf")
	tb.api.SendText(uk, "Schönen Tag, ich möchte einen Termin für Freitag.")
	tb.waitFor(k.ID, func() bool { return len(copies(tb.api.Messages(k.ID), uk.ID)) == 1 })

	// A Tigrinya client on an engine without Tigrinya: the manager is told once.
	ti := fakeapi.User{ID: 8202, FirstName: "Dawit", LanguageCode: "ti"}
	tb.toDistrict(ti, "ti", "Altstadt")
	tb.api.SendText(ti, "ሰላም")
	tb.api.SendText(ti, "ሓደ ሕቶ ኣሎኒ")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), ti.ID)) == 2 })
	missing := render(t, "de", flows.Phrase{ID: "TranslationMissing", Sub: map[string]flows.Phrase{"Language": flows.Literal("ትግርኛ")}})
	tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == missing })
	tb.idle()
	if n := tb.count(y.ID, missing); n != 1 {
		t.Errorf("Frau Yılmaz was told %d times that Tigrinya is missing, want once", n)
	}
	if n := tb.count(k.ID, "🌐"); n != 0 {
		t.Errorf("Frau Kovalenko got %d translation notes for a German text", n)
	}
	// Her German answer to him goes as written.
	cp := copies(tb.api.Messages(y.ID), ti.ID)[0]
	tb.reply(y, cp.ID, "Guten Tag!")
	tb.find(ti.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" && m.Text == "Guten Tag!" })
}

func TestASlowOrFailingEngineNeverHoldsAMessageBack(t *testing.T) {
	tb, engine := newTranslatingBot(t, fake.Options{})
	y := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 8301, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")

	// 429, 500 and garbage: the copy comes at once, the translation after the retries.
	engine.FailNext(1, fake.TooManyRequests)
	engine.FailNext(1, fake.ServerError)
	engine.FailNext(1, fake.Garbage)
	tb.api.SendText(u, "سؤال عن الجوب سنتر")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "[ar→de] سؤال عن الجوب سنتر")
	})

	// An engine that hangs: her answer arrives as written after the timeout, the
	// translation follows, the manager is told.
	engine.FailNext(1, fake.Hang)
	cp := copies(tb.api.Messages(y.ID), u.ID)[0]
	tb.reply(y, cp.ID, "Morgen um 10:00 bei mir.")
	original := tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == "Morgen um 10:00 bei mir." })
	follow := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "[de→ar] Morgen um 10:00 bei mir.") })
	if follow.ReplyTo != original.ID || !strings.HasPrefix(follow.Text, say(t, "ar", "TranslationFollows")) {
		t.Errorf("the late translation %q replies to %d, want the original %d", follow.Text, follow.ReplyTo, original.ID)
	}
	tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "TranslationLate", "Case", "K-0001") })

	// A translation that changes a time is not sent: the original goes, the manager knows.
	engine.AlterNext(1, fake.ChangeDigit)
	tb.reply(y, cp.ID, "Termin am 24.12. um 09:00.")
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == "Termin am 24.12. um 09:00." })
	tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "TranslationChangedOut", "Case", "K-0001") })
	tb.idle()
	for _, m := range tb.api.Messages(u.ID) {
		if strings.Contains(m.Text, "24.12. um 09:01") || strings.Contains(m.Text, "24.12. um 10:00") {
			t.Errorf("the client got a changed time: %q", m.Text)
		}
	}

	// Across an abrupt stop the translation of a client's message arrives, once.
	engine.FailNext(2, fake.ServerError)
	tb.api.SendText(u, "رسالة أخرى")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 2 })
	tb.restart()
	tb.find(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "[ar→de] رسالة أخرى") })
	tb.idle()
	if n := tb.count(y.ID, "[ar→de] رسالة أخرى"); n != 1 {
		t.Errorf("the translation arrived %d times, want once", n)
	}
	for chat, text := range map[int64]string{u.ID: "[de→ar] Morgen um 10:00 bei mir.", y.ID: "[ar→de] سؤال عن الجوب سنتر"} {
		if n := tb.count(chat, text); n != 1 {
			t.Errorf("%q arrived %d times, want once", text, n)
		}
	}
}

func TestClientsAndManagersTurnTranslationOff(t *testing.T) {
	tb, engine := newTranslatingBot(t, fake.Options{})
	y := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 8401, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")

	// The client says no in 🔒: her messages and the answers go as written.
	tb.api.SendText(u, "/privacy")
	tb.press(u, say(t, "ar", "PrivacyMTRefuse"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "PrivacyMTOff")) })
	calls := len(engine.Requests())
	tb.api.SendText(u, "لا تترجم")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	cp := copies(tb.api.Messages(y.ID), u.ID)[0]
	tb.reply(y, cp.ID, "Gut.")
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" && m.Text == "Gut." })
	tb.idle()
	if n := len(engine.Requests()) - calls; n != 0 {
		t.Errorf("the engine got %d requests after the client said no", n)
	}
	// /mydata names the setting.
	tb.api.SendText(u, "/mydata")
	export := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.HasSuffix(m.FileName, ".json") })
	if !strings.Contains(string(export.FileData), `"machine_translation": "off at your request`) {
		t.Errorf("/mydata does not name the setting:\n%s", export.FileData)
	}
	readable := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.HasSuffix(m.FileName, ".txt") })
	if want := say(t, "ar", "ExportMTOffByYou"); !strings.Contains(string(readable.FileData), want) {
		t.Errorf("the document to read lacks %q:\n%s", want, readable.FileData)
	}

	// She allows it again; her manager turns it off for the case.
	tb.api.SendText(u, "/privacy")
	tb.press(u, say(t, "ar", "PrivacyMTAllow"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "PrivacyMTOn")) })
	tb.api.SendText(y, "/translate K-0001 off")
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return m.Text == say(t, "de", "TranslationSwitchedOff", "Case", "K-0001")
	})
	calls = len(engine.Requests())
	tb.api.SendText(u, "رسالة")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 2 })
	tb.idle()
	if n := len(engine.Requests()) - calls; n != 0 {
		t.Errorf("the engine got %d requests for a case with translation off", n)
	}
	tb.api.SendText(y, "/translate K-0001 on")
	tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "TranslationSwitchedOn", "Case", "K-0001") })
}

func TestPrivacyNoticeFollowsTheSetting(t *testing.T) {
	// Without an engine the notice names none and the consent records the plain notice.
	tb := newTestBot(t)
	u := fakeapi.User{ID: 8501, FirstName: "Amal", LanguageCode: "ar"}
	tb.api.SendText(u, "/start")
	tb.press(u, say(t, "ar", "LanguageConfirmYes"))
	notice := tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ar", "PrivacyAccept")) })
	if strings.Contains(notice.Text, "🌐") {
		t.Errorf("the notice %q mentions translation, which is off", notice.Text)
	}
	tb.press(u, say(t, "ar", "PrivacyAccept"))
	tb.api.SendText(u, "/mydata")
	export := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.HasSuffix(m.FileName, ".json") })
	for _, want := range []string{`"privacy_notice_version": "1"`, `"machine_translation": "off"`} {
		if !strings.Contains(string(export.FileData), want) {
			t.Errorf("/mydata lacks %s:\n%s", want, export.FileData)
		}
	}
}

func TestDeepLTranslatesTheSameWay(t *testing.T) {
	engine := fake.NewDeepL(fake.Options{})
	t.Cleanup(engine.Close)
	config := writeConfig(t, t.TempDir(), "[relay]", "[translation]\nengine = \"deepl\"\nurl = \""+engine.URL+"\"\n\n[relay]")
	tb := newTestBot(t, "LOTSE_CONFIG", config, "LOTSE_RATE_GLOBAL", "1000", "LOTSE_TRANSLATION_KEY", fake.DeepLKey)
	y := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 8601, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	tb.api.SendText(u, "سؤال عن الجوب سنتر")
	tr := tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(strings.ToLower(m.Text), "→de] سؤال عن الجوب سنتر")
	})
	tb.reply(y, tr.ID, "Kommen Sie morgen.")
	got := tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(strings.ToLower(m.Text), "→ar] kommen sie morgen.")
	})
	if quoted(got) != "Kommen Sie morgen." {
		t.Errorf("the client's message %q lacks the German original", got.Text)
	}
	for _, r := range engine.Requests() {
		if !r.KeySent {
			t.Errorf("a request to DeepL went without the key: %s %s", r.Method, r.Path)
		}
	}
}

func TestCheckAndReadinessReportTheEngine(t *testing.T) {
	engine := fake.NewLibreTranslate(fake.Options{})
	t.Cleanup(engine.Close)
	withEngine := func(url string) string {
		return writeConfig(t, t.TempDir(), "[relay]", "[translation]\nengine = \"libretranslate\"\nurl = \""+url+"\"\ntimeout_seconds = 1\n\n[relay]")
	}
	// An engine that answers, but lacks languages the town offers: check passes and says so.
	code, out := runMain(t, nil, "check", withEngine(engine.URL))
	if code != 0 || !strings.Contains(out, "translation: LibreTranslate (127.0.0.1) answers") || !strings.Contains(out, "cannot translate ps, ku, ckb, ti, so to de") {
		t.Errorf("check with a working engine: exit %d, %q", code, out)
	}
	// One that does not answer: a warning, not a failure.
	code, out = runMain(t, nil, "check", withEngine("http://127.0.0.1:1"))
	if code != 0 || !strings.Contains(out, "does not answer") {
		t.Errorf("check with an engine that does not answer: exit %d, %q", code, out)
	}
	// A typo in the engine's name is a problem naming the field.
	bad := writeConfig(t, t.TempDir(), "[relay]", "[translation]\nengine = \"libretranslat\"\nurl = \"https://translate.example.de\"\n\n[relay]")
	code, out = runMain(t, nil, "check", bad)
	if code == 0 || !strings.Contains(out, `translation.engine: unknown engine "libretranslat" (did you mean "libretranslate"?)`) {
		t.Errorf("check with a misspelt engine: exit %d, %q", code, out)
	}

	// A running Lotse whose engine does not answer relays without translating and says why.
	tb := newTestBot(t, "LOTSE_CONFIG", withEngine("http://127.0.0.1:1"), "LOTSE_RATE_GLOBAL", "1000")
	y := tb.startStaff(yilmaz)
	var ready struct {
		Translation string `json:"translation"`
	}
	tb.readyz(&ready)
	if ready.Translation == "ok" || ready.Translation == "off" || ready.Translation == "" {
		t.Errorf("/readyz says the engine is %q", ready.Translation)
	}
	u := fakeapi.User{ID: 8701, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	tb.api.SendText(u, "مرحبا")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	tb.idle()
	if n := tb.count(y.ID, "🌐"); n != 0 {
		t.Errorf("the manager got %d translation notes from an engine that never answered", n)
	}
}
