package flows

import (
	"strings"

	"golang.org/x/text/language"
)

// Language is one language Lotse offers. Option is what a client picks and what is stored;
// Catalog names the message catalog that serves it. They differ only for Dari, which the
// Persian catalog serves but which Afghans look for under its own name.
type Language struct {
	Option  string // stored choice, e.g. "ar", "prs"
	Catalog string // catalog file, e.g. "ar", "fa"
	Name    string // the language's name in its own script, as shown in the picker
	RTL     bool   // written right to left
	// Zero is the digit zero of the script's own digits, for dates, times and counts; 0 for
	// the Latin digits. Persian, Dari and Pashto readers expect ۰–۹ (Telegram shows them in
	// those languages too); Arabic speakers in Germany mostly use 0–9.
	Zero rune
}

// Languages lists every language Lotse ships, in the order of the picker.
var Languages = []Language{
	{Option: "de", Catalog: "de", Name: "Deutsch"},
	{Option: "en", Catalog: "en", Name: "English"},
	{Option: "ar", Catalog: "ar", Name: "العربية", RTL: true},
	{Option: "fa", Catalog: "fa", Name: "فارسی", RTL: true, Zero: '۰'},
	{Option: "prs", Catalog: "fa", Name: "دری", RTL: true, Zero: '۰'},
	{Option: "ps", Catalog: "ps", Name: "پښتو", RTL: true, Zero: '۰'},
	{Option: "ku", Catalog: "ku", Name: "Kurdî (Kurmancî)"},
	{Option: "ckb", Catalog: "ckb", Name: "کوردی (سۆرانی)", RTL: true},
	{Option: "ti", Catalog: "ti", Name: "ትግርኛ"},
	{Option: "so", Catalog: "so", Name: "Soomaali"},
	{Option: "uk", Catalog: "uk", Name: "Українська"},
	{Option: "ru", Catalog: "ru", Name: "Русский"},
	{Option: "tr", Catalog: "tr", Name: "Türkçe"},
	{Option: "fr", Catalog: "fr", Name: "Français"},
}

// LookupLanguage returns the shipped language with the given option code.
func LookupLanguage(option string) (Language, bool) {
	for _, l := range Languages {
		if l.Option == option {
			return l, true
		}
	}
	return Language{}, false
}

// LanguageName is the name of a language option in the reader's language, from the
// catalogs: a German manager reads "Arabisch" where the picker shows "العربية". An option
// Lotse does not ship is shown as it is, so a stale stored value cannot break a message.
func LanguageName(option string) Phrase {
	if _, ok := LookupLanguage(option); !ok {
		return Literal(option)
	}
	return Msg(LanguageNameID(option))
}

// LanguageNameID is the catalog message that names a language option, e.g. LanguageNameAr.
func LanguageNameID(option string) string {
	if option == "" {
		return "LanguageName"
	}
	return "LanguageName" + strings.ToUpper(option[:1]) + option[1:]
}

// Catalogs returns the distinct catalog codes of all shipped languages.
func Catalogs() []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range Languages {
		if !seen[l.Catalog] {
			seen[l.Catalog] = true
			out = append(out, l.Catalog)
		}
	}
	return out
}

// LanguageMatcher suggests one of the offered languages for a Telegram language_code.
// Telegram reports the language of the phone's interface, which a refugee may have left in
// English or set to a neighbour's language, so the result is only ever a suggestion the client
// confirms. Only exact or high-confidence matches count: x/text would happily map Sorani to
// Arabic with low confidence, and a Sorani speaker must be asked, not served Arabic.
type LanguageMatcher struct {
	options []string
	matcher language.Matcher
}

// NewLanguageMatcher builds a matcher over the offered option codes.
func NewLanguageMatcher(offered []string) *LanguageMatcher {
	m := &LanguageMatcher{}
	var tags []language.Tag
	for _, o := range offered {
		t, err := language.Parse(o)
		if err != nil {
			continue
		}
		m.options = append(m.options, o)
		tags = append(tags, t)
	}
	m.matcher = language.NewMatcher(tags)
	return m
}

func sameLanguage(tag language.Tag, option string) bool {
	base := func(t language.Tag) string {
		b, _ := t.Base()
		if b.String() == "prs" {
			return "fa"
		}
		return b.String()
	}
	return base(tag) == base(language.Make(option))
}

// Suggest returns the offered option that matches code with high confidence, or "".
func (m *LanguageMatcher) Suggest(code string) string {
	if code == "" || len(m.options) == 0 {
		return ""
	}
	tag, err := language.Parse(code)
	if err != nil {
		return ""
	}
	_, index, conf := m.matcher.Match(tag)
	// x/text rates Sorani→Arabic, Pashto→English or Tigrinya→English as "high" when the
	// town does not offer the language itself: only the same language counts.
	if conf < language.High || !sameLanguage(tag, m.options[index]) {
		return ""
	}
	// Persian phones in Afghanistan report fa-AF: offer Dari when the town offers it.
	if m.options[index] == "fa" {
		if region, _ := tag.Region(); region.String() == "AF" {
			for _, o := range m.options {
				if o == "prs" {
					return o
				}
			}
		}
	}
	return m.options[index]
}

// Digits writes the ASCII digits of s in the language's own digits.
func (l Language) Digits(s string) string {
	if l.Zero == 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return l.Zero + (r - '0')
		}
		return r
	}, s)
}
