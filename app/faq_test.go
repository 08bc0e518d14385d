package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

func TestFAQTreeInEveryLanguage(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "1000")
	faq := faqOf(t)
	for i, l := range flows.Languages {
		t.Run(l.Option, func(t *testing.T) {
			t.Parallel()
			lang := l.Option
			code := lang
			if lang == "prs" {
				code = "fa-AF"
			}
			u := fakeapi.User{ID: int64(7000 + i), FirstName: "Walker", LanguageCode: code}
			tb.toMenu(u, lang, i%2 == 0)
			tb.press(u, say(t, lang, "MenuFAQ"))
			for _, topic := range faq.Topics {
				title := render(t, lang, flows.Content(flows.PhraseTopic, topic.ID))
				tb.press(u, title)
				list := tb.last(u.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, title) })
				clean(t, topic.ID, list)
				for _, q := range topic.Questions {
					question := render(t, lang, flows.Content(flows.PhraseQuestion, q.ID))
					answer := render(t, lang, flows.Content(flows.PhraseAnswer, q.ID))
					if strings.TrimSpace(answer) == "" {
						t.Fatalf("%s: empty answer", q.ID)
					}
					tb.press(u, question)
					m := tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, answer) })
					clean(t, q.ID, m)
					if !hasButton(m, say(t, lang, "FaqBack")) || !hasButton(m, say(t, lang, "MenuBack")) {
						t.Errorf("%s: dead end, buttons %v", q.ID, labels(m))
					}
					if wantAsk := i%2 == 0; hasButton(m, say(t, lang, "FaqAskManager")) != wantAsk {
						t.Errorf("%s: 'ask my manager' shown=%v, want %v (consent)", q.ID, !wantAsk, wantAsk)
					}
					tb.press(u, say(t, lang, "FaqBack"))
					tb.last(u.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, title) })
				}
				tb.press(u, say(t, lang, "FaqAllTopics"))
				tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, lang, "FaqTopics")) })
			}
		})
	}
}

func TestRTLAnswersIsolateLocalValues(t *testing.T) {
	faq := faqOf(t)
	found := 0
	for _, topic := range faq.Topics {
		for _, q := range topic.Questions {
			de := render(t, "de", flows.Content(flows.PhraseAnswer, q.ID))
			for _, value := range []string{"07000 123450", "Bahnhofstraße 20, 79999 Musterstadt", "07000 234560", "07000 567890"} {
				if !strings.Contains(de, value) {
					continue
				}
				for _, lang := range []string{"ar", "fa", "ps", "ckb"} {
					got := render(t, lang, flows.Content(flows.PhraseAnswer, q.ID))
					if !strings.Contains(got, "\u2068"+value+"\u2069") {
						t.Errorf("%s in %s: %q not isolated in %q", q.ID, lang, value, got)
					}
				}
				found++
			}
		}
	}
	if found == 0 {
		t.Fatal("no answer uses a local phone number or address: nothing was checked")
	}
}

func TestTownOverrideChangesOneLanguageAndSurvivesABrokenEdit(t *testing.T) {
	faq := faqOf(t)
	q := faq.Topics[0].Questions[0]
	dir := t.TempDir()
	cfg := writeConfig(t, dir, `town = "Musterstadt"`, "town = \"Musterstadt\"\nfaq_dir = \"faq\"")
	os.Mkdir(filepath.Join(dir, "faq"), 0o700)
	override := filepath.Join(dir, "faq", "ar.toml")
	good := "[[questions]]\nid = \"" + q.ID + "\"\nanswer = \"جواب بلدتنا الخاص.\"\n"
	os.WriteFile(override, []byte(good), 0o600)

	tb := newTestBot(t, "LOTSE_CONFIG", cfg)
	ask := func(u fakeapi.User, lang string) fakeapi.Message {
		t.Helper()
		n := len(tb.api.Messages(u.ID))
		tb.api.SendText(u, "/faq")
		tb.waitMessages(u.ID, n+1)
		tb.press(u, render(t, lang, flows.Content(flows.PhraseTopic, q.Topic.ID)))
		tb.press(u, render(t, lang, flows.Content(flows.PhraseQuestion, q.ID)))
		return tb.last(u.ID, func(m fakeapi.Message) bool {
			return strings.Contains(m.Text, render(t, lang, flows.Content(flows.PhraseQuestion, q.ID)))
		})
	}
	ar := fakeapi.User{ID: 7201, FirstName: "Omar", LanguageCode: "ar"}
	uk := fakeapi.User{ID: 7202, FirstName: "Iryna", LanguageCode: "uk"}
	tb.toMenu(ar, "ar", true)
	tb.toMenu(uk, "uk", true)
	if m := ask(ar, "ar"); !strings.Contains(m.Text, "جواب بلدتنا الخاص.") {
		t.Errorf("Arabic answer %q, want the town's override", m.Text)
	}
	if m := ask(uk, "uk"); !strings.Contains(m.Text, render(t, "uk", flows.Content(flows.PhraseAnswer, q.ID))) {
		t.Errorf("Ukrainian answer %q, want the shipped one", m.Text)
	}

	// A broken edit is rejected by lotse check, naming file and entry…
	broken := "[[questions]]\nid = \"" + q.ID + "\"\nanswer = \"Ruf an: {{.jobcenter.phon}}\"\n"
	os.WriteFile(override, []byte(broken), 0o600)
	code, out := runMain(t, nil, "check", cfg)
	if code == 0 || !strings.Contains(out, filepath.Join("faq", "ar.toml")) || !strings.Contains(out, `"`+q.ID+`"`) || !strings.Contains(out, "{{.jobcenter.phon}}") {
		t.Errorf("check of a broken override: exit %d, %q", code, out)
	}
	// …and the running bot keeps the last good content.
	tb.api.WaitFor(5*time.Second, func() bool { return strings.Contains(tb.logs.String(), "keeping the last good content") })
	if m := ask(ar, "ar"); !strings.Contains(m.Text, "جواب بلدتنا الخاص.") {
		t.Errorf("after a broken edit the Arabic answer is %q, want the last good one", m.Text)
	}
	if !strings.Contains(tb.logs.String(), "keeping the last good content") {
		t.Errorf("the broken edit was not logged")
	}
}

func TestFAQStatsForAdmins(t *testing.T) {
	tb := newTestBot(t)
	faq := faqOf(t)
	q := faq.Topics[1].Questions[0]
	for i, lang := range []string{"ar", "ar", "uk"} {
		u := fakeapi.User{ID: int64(7301 + i), FirstName: "Reader", LanguageCode: lang}
		tb.toMenu(u, lang, false)
		tb.press(u, say(t, lang, "MenuFAQ"))
		tb.press(u, render(t, lang, flows.Content(flows.PhraseTopic, q.Topic.ID)))
		tb.press(u, render(t, lang, flows.Content(flows.PhraseQuestion, q.ID)))
		tb.last(u.ID, func(m fakeapi.Message) bool {
			return strings.Contains(m.Text, say(t, lang, "FaqBack")) || hasButton(m, say(t, lang, "FaqBack"))
		})
	}
	admin := fakeapi.User{ID: 900001, FirstName: "Lead", LanguageCode: "de"}
	tb.api.SendText(admin, "/stats faq")
	m := tb.waitMessages(admin.ID, 1)[0]
	for _, want := range []string{"3 × " + render(t, "de", flows.Content(flows.PhraseQuestion, q.ID)), "ar 2", "uk 1"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("stats %q lack %q", m.Text, want)
		}
	}
	client := fakeapi.User{ID: 7399, FirstName: "Curious", LanguageCode: "de"}
	tb.toMenu(client, "de", true)
	n := len(tb.api.Messages(client.ID))
	tb.api.SendText(client, "/stats faq")
	if m := tb.waitMessages(client.ID, n+1)[n]; !strings.Contains(m.Text, say(t, "de", "StaffOnly")) || strings.Contains(m.Text, "×") {
		t.Errorf("a client asking for stats got %q", m.Text)
	}
}

func TestLongAnswerIsSplitCleanly(t *testing.T) {
	faq := faqOf(t)
	q := faq.Topics[0].Questions[0]
	dir := t.TempDir()
	cfg := writeConfig(t, dir, `town = "Musterstadt"`, "town = \"Musterstadt\"\nfaq_dir = \"faq\"")
	os.Mkdir(filepath.Join(dir, "faq"), 0o700)
	// 2 880 characters, within the limit for a town's answer, but 4 080 UTF-16 units: emoji
	// count twice, and with the question the message is longer than Telegram allows.
	long := strings.Repeat("Sehr wichtig 😀😀😀😀😀😀😀😀😀😀\n", 120)
	os.WriteFile(filepath.Join(dir, "faq", "de.toml"), []byte("[[questions]]\nid = \""+q.ID+"\"\nanswer = \"\"\""+long+"\"\"\"\n"), 0o600)
	tb := newTestBot(t, "LOTSE_CONFIG", cfg)
	u := fakeapi.User{ID: 7401, FirstName: "Jonas", LanguageCode: "de"}
	tb.toMenu(u, "de", true)
	tb.api.SendText(u, "/faq")
	tb.press(u, render(t, "de", flows.Content(flows.PhraseTopic, q.Topic.ID)))
	n := len(tb.api.Messages(u.ID))
	tb.press(u, render(t, "de", flows.Content(flows.PhraseQuestion, q.ID)))
	msgs := tb.waitMessages(u.ID, n+1)
	first, second := msgs[n-1], msgs[n]
	if !strings.HasPrefix(first.Text, render(t, "de", flows.Content(flows.PhraseQuestion, q.ID))) || len(first.Buttons) != 0 {
		t.Errorf("first part %q… with buttons %v, want the question and no buttons", first.Text[:40], labels(first))
	}
	if !hasButton(second, say(t, "de", "FaqBack")) {
		t.Errorf("the last part lacks the buttons: %v", labels(second))
	}
	if !strings.HasSuffix(first.Text, "😀") || strings.HasPrefix(second.Text, "\n") {
		t.Errorf("the cut is not between lines")
	}
}
