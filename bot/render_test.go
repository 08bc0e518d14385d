package bot

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/locales"
)

func newTestRenderer(t *testing.T) *Renderer {
	t.Helper()
	bundle, err := locales.Load(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	return NewRenderer(bundle)
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
		if !strings.Contains(got, "\u206812\u2069") {
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
