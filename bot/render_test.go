package bot

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/lotse-bot/lotse/flows"
)

func newTestRenderer(t *testing.T) *Renderer {
	t.Helper()
	cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	content, err := LoadContent(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return content.Renderer(cfg)
}

func TestRTLValuesAreIsolated(t *testing.T) {
	r := newTestRenderer(t)
	for _, lang := range []string{"ar", "fa", "prs", "ps", "ckb"} {
		got, err := r.Phrase(lang, flows.Msg("Welcome", "Town", "Musterstadt"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, "\u2068Musterstadt\u2069") {
			t.Errorf("%s: %q does not isolate the town", lang, got)
		}
		got, _ = r.Phrase(lang, flows.Plural("PrivacyRetention", 12))
		l, _ := flows.LookupLanguage(lang)
		if !strings.Contains(got, "\u2068"+l.Digits("12")+"\u2069") {
			t.Errorf("%s: %q does not isolate the number", lang, got)
		}
	}
	got, _ := r.Phrase("de", flows.Msg("Welcome", "Town", "Musterstadt"))
	if strings.ContainsAny(got, "\u2068\u2069") {
		t.Errorf("left-to-right text got isolates: %q", got)
	}
}

func TestPluralForms(t *testing.T) {
	r := newTestRenderer(t)
	one, _ := r.Phrase("ru", flows.Plural("PrivacyRetention", 1))
	few, _ := r.Phrase("ru", flows.Plural("PrivacyRetention", 3))
	many, _ := r.Phrase("ru", flows.Plural("PrivacyRetention", 12))
	if one == few || few == many {
		t.Errorf("Russian plural forms are not distinct:\n%s\n%s\n%s", one, few, many)
	}
}

func TestTruncateCountsUTF16(t *testing.T) {
	s := strings.Repeat("😀", 3000) // 6000 UTF-16 units
	got := truncate(s, maxTextUnits)
	if n := len(utf16.Encode([]rune(got))); n > maxTextUnits {
		t.Errorf("truncated to %d units, want ≤ %d", n, maxTextUnits)
	}
	if !strings.HasSuffix(got, "…") {
		t.Errorf("cut is not marked")
	}
	if short := "kurz"; truncate(short, maxTextUnits) != short {
		t.Errorf("short text changed")
	}
}

func TestSplitKeepsPartsWithinTelegramsLimit(t *testing.T) {
	para := strings.Repeat("Ein kurzer Satz. ", 100) // 1700 bytes
	text := strings.Join([]string{para, para, para, strings.Repeat("😀", 2500)}, "\n\n")
	parts := split(text, maxTextUnits)
	if len(parts) < 3 {
		t.Fatalf("%d parts, want the text split", len(parts))
	}
	if got := strings.Join(parts, ""); strings.ReplaceAll(got, " ", "") == "" {
		t.Fatal("parts are empty")
	}
	total := 0
	for i, p := range parts {
		n := len(utf16.Encode([]rune(p)))
		if n > maxTextUnits || n == 0 {
			t.Errorf("part %d has %d units", i, n)
		}
		total += len([]rune(strings.ReplaceAll(strings.ReplaceAll(p, " ", ""), "\n", "")))
	}
	if want := len([]rune(strings.ReplaceAll(strings.ReplaceAll(text, " ", ""), "\n", ""))); total != want {
		t.Errorf("parts hold %d characters, the text %d: something was lost", total, want)
	}
	if !strings.HasSuffix(parts[0], "Satz.") {
		t.Errorf("first part ends %q, want a cut between sentences", parts[0][len(parts[0])-20:])
	}
	if short := split("kurz", maxTextUnits); len(short) != 1 || short[0] != "kurz" {
		t.Errorf("short text split into %q", short)
	}
}

func TestDatesAndTimesInTheLanguagesDigits(t *testing.T) {
	r := newTestRenderer(t)
	for lang, want := range map[string]string{"fa": "\u2068۲۳.۰۳.۲۰۲۷\u2069", "ps": "\u2068۲۳.۰۳.۲۰۲۷\u2069", "ar": "\u206823.03.2027\u2069", "de": "23.03.2027"} {
		if got, _ := r.Phrase(lang, flows.Number("23.03.2027")); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}

func TestListsUseTheLanguagesComma(t *testing.T) {
	r := newTestRenderer(t)
	day := flows.Join(", ", flows.Msg("WeekdayTue"), flows.Number("23.03.2027"))
	for lang, comma := range map[string]string{"ar": "، ", "fa": "، ", "ckb": "، ", "de": ", ", "uk": ", "} {
		got, err := r.Phrase(lang, day)
		if err != nil || !strings.Contains(got, comma) || (comma != ", " && strings.Contains(got, ", ")) {
			t.Errorf("%s: %q (%v), want the comma %q", lang, got, err, comma)
		}
	}
}
