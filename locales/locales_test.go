package locales_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/locales"
)

// TestCatalogsComplete proves that every shipped language has every message of the source
// catalog, with the same template values and every plural form the language needs.
func TestCatalogsComplete(t *testing.T) {
	problems, err := locales.Check(locales.FS, flows.Catalogs())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

func TestCheckFindsBrokenCatalogs(t *testing.T) {
	source := `
[Welcome]
other = "Hello {{.Town}}"

[PrivacyRetention]
one = "{{.Count}} month"
other = "{{.Count}} months"
`
	tests := []struct {
		name    string
		catalog string
		want    string
	}{
		{"missing message", `
[PrivacyRetention]
one = "{{.Count}} شهر"
other = "{{.Count}} شهر"
`, "active.ar.toml: message Welcome is missing"},
		{"lost value", `
[Welcome]
other = "مرحبا"
[PrivacyRetention]
zero = "{{.Count}}"
one = "{{.Count}}"
two = "{{.Count}}"
few = "{{.Count}}"
many = "{{.Count}}"
other = "{{.Count}}"
`, "message Welcome (other) has values [] , the source has [Town]"},
		{"missing plural form", `
[Welcome]
other = "مرحبا {{.Town}}"
[PrivacyRetention]
one = "{{.Count}} شهر"
other = "{{.Count}} أشهر"
`, "active.ar.toml: message PrivacyRetention lacks the plural form for 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"active.en.toml": {Data: []byte(source)},
				"active.ar.toml": {Data: []byte(tt.catalog)},
			}
			problems, err := locales.Check(fsys, []string{"ar"})
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(problems, "\n")
			if !strings.Contains(strings.ReplaceAll(got, "[] ,", "[],"), strings.ReplaceAll(tt.want, "[] ,", "[],")) {
				t.Errorf("problems:\n%s\nwant one containing %q", got, tt.want)
			}
		})
	}
}

func TestLoadNamesBrokenFile(t *testing.T) {
	fsys := fstest.MapFS{
		"active.en.toml": {Data: []byte("[Welcome]\nother = \"Hi\"\n")},
		"active.fa.toml": {Data: []byte("[Welcome\nother = ")},
	}
	_, err := locales.Load(fsys)
	if err == nil || !strings.Contains(err.Error(), "active.fa.toml") {
		t.Fatalf("got %v, want an error naming active.fa.toml", err)
	}
}

// TestEveryLanguageHasAName proves that staff texts can name every shipped language in every
// catalog: a language added to flows.Languages without its LanguageName message would break
// the messages that name it.
func TestEveryLanguageHasAName(t *testing.T) {
	bundle, err := locales.Load(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, catalog := range flows.Catalogs() {
		loc := i18n.NewLocalizer(bundle, catalog)
		for _, l := range flows.Languages {
			id := flows.LanguageNameID(l.Option)
			got, tag, err := loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id})
			if err != nil || got == "" || tag.String() != catalog {
				t.Errorf("%s: %s is %q from %s (%v)", catalog, id, got, tag, err)
			}
		}
	}
}

// TestTranslationsAreCurrent proves that every translated message carries the hash of the
// English text it was translated from, and that this is the current English text. After
// changing an English text, update its translations and renew their hashes (locales/README.md).
func TestTranslationsAreCurrent(t *testing.T) {
	warnings, err := locales.Stale(locales.FS, flows.Catalogs())
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range warnings {
		t.Error(w)
	}
}

func TestStaleFindsChangedEnglish(t *testing.T) {
	const oldSource = "[Welcome]\ndescription = \"First message.\"\nother = \"Hello {{.Town}}\"\n\n[Bye]\nother = \"Bye\"\n"
	old, err := locales.Messages(fstest.MapFS{"active.en.toml": {Data: []byte(oldSource)}}, "en")
	if err != nil {
		t.Fatal(err)
	}
	translated := fmt.Sprintf("[Welcome]\nhash = %q\nother = \"Hallo {{.Town}}\"\n\n[Bye]\nhash = %q\nother = \"Tschüss\"\n",
		locales.SourceHash(old["Welcome"]), locales.SourceHash(old["Bye"]))
	tests := []struct {
		name, source, translated string
		want                     []string
	}{
		{"unchanged", oldSource, translated, nil},
		{"text changed", strings.Replace(oldSource, "Hello", "Hi", 1), translated,
			[]string{"locales/active.de.toml: message Welcome is stale: translated from an older English text"}},
		{"description changed", strings.Replace(oldSource, "First message.", "The first message.", 1), translated,
			[]string{"locales/active.de.toml: message Welcome is stale: translated from an older English text"}},
		{"no hash", oldSource, "[Welcome]\nother = \"Hallo {{.Town}}\"\n",
			[]string{"locales/active.de.toml: message Welcome has no hash of its English text (go run ./locales/hashcmd)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"active.en.toml": {Data: []byte(tt.source)}, "active.de.toml": {Data: []byte(tt.translated)}}
			got, err := locales.Stale(fsys, []string{"de"})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
