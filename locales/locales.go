// Package locales embeds Lotse's message catalogs, one go-i18n TOML file per language.
package locales

import (
	"crypto/sha1"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Source is the catalog every other catalog is compared against.
const Source = "en"

//go:embed active.*.toml
var files embed.FS

// FS holds the embedded catalogs.
var FS fs.FS = files

//go:embed faq/*.toml
var faqFiles embed.FS

// FAQ holds the shipped FAQ content, one file per catalog: de.toml (the source), en.toml …
var FAQ fs.FS = mustSub(faqFiles, "faq")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // only a wrong literal above can cause this
	}
	return sub
}

// Load parses every catalog in fsys into a bundle. It fails on a file that does not parse,
// naming the file.
func Load(fsys fs.FS) (*i18n.Bundle, error) {
	bundle := i18n.NewBundle(language.MustParse(Source))
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(fsys, "active.*.toml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no catalogs (active.*.toml) found")
	}
	for _, name := range names {
		if _, err := bundle.LoadMessageFileFS(fsys, name); err != nil {
			return nil, fmt.Errorf("locales/%s: %w", name, err)
		}
	}
	return bundle, nil
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// Check loads the catalogs in fsys and compares each wanted language with the source: every
// message present, the same template values, every plural form the language needs, and
// texts that render. It returns one line per problem, naming file and message.
func Check(fsys fs.FS, catalogs []string) ([]string, error) {
	bundle, err := Load(fsys)
	if err != nil {
		return nil, err
	}
	byLang := map[string]map[string]*i18n.MessageTemplate{}
	for _, tag := range bundle.LanguageTags() {
		byLang[tag.String()] = nil
	}
	files := map[string]map[string]*i18n.Message{}
	for _, catalog := range append([]string{Source}, catalogs...) {
		msgs, err := Messages(fsys, catalog)
		if errors.Is(err, fs.ErrNotExist) {
			files[catalog] = nil
			continue
		}
		if err != nil {
			return nil, err
		}
		files[catalog] = msgs
	}
	source := files[Source]
	ids := make([]string, 0, len(source))
	for id := range source {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	var problems []string
	for _, catalog := range catalogs {
		name := "locales/active." + catalog + ".toml"
		msgs := files[catalog]
		if msgs == nil {
			problems = append(problems, name+": missing")
			continue
		}
		loc := i18n.NewLocalizer(bundle, catalog)
		for _, id := range ids {
			m, ok := msgs[id]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: message %s is missing", name, id))
				continue
			}
			problems = append(problems, checkMessage(name, loc, source[id], m)...)
		}
		for id := range msgs {
			if _, ok := source[id]; !ok {
				problems = append(problems, fmt.Sprintf("%s: message %s is not in the source catalog", name, id))
			}
		}
	}
	sort.Strings(problems)
	return problems, nil
}

func checkMessage(file string, loc *i18n.Localizer, src, m *i18n.Message) []string {
	var problems []string
	want := placeholders(src.Other)
	for form, text := range forms(m) {
		if got := placeholders(text); !slices.Equal(got, want) {
			problems = append(problems, fmt.Sprintf("%s: message %s (%s) has values %v, the source has %v", file, m.ID, form, got, want))
		}
		if strings.TrimSpace(text) == "" {
			problems = append(problems, fmt.Sprintf("%s: message %s (%s) is empty", file, m.ID, form))
		}
	}
	plural := src.One != "" || src.Few != "" || src.Many != ""
	if !plural {
		return problems
	}
	// Render every count a message realistically shows; go-i18n fails when the language's
	// plural rule picks a form the catalog lacks.
	for n := 0; n <= 200; n++ {
		data := map[string]any{}
		for _, v := range want {
			data[v] = "x"
		}
		data["Count"] = n
		if _, err := loc.Localize(&i18n.LocalizeConfig{MessageID: m.ID, PluralCount: n, TemplateData: data}); err != nil {
			problems = append(problems, fmt.Sprintf("%s: message %s lacks the plural form for %d: %v", file, m.ID, n, err))
			break
		}
	}
	return problems
}

func forms(m *i18n.Message) map[string]string {
	out := map[string]string{}
	for form, text := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
		if text != "" || form == "other" {
			out[form] = text
		}
	}
	return out
}

func placeholders(text string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// Messages parses the catalog of one language in fsys, by message id. An absent file is an
// error wrapping fs.ErrNotExist.
func Messages(fsys fs.FS, catalog string) (map[string]*i18n.Message, error) {
	name := "active." + catalog + ".toml"
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	mf, err := i18n.ParseMessageFileBytes(raw, name, map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
	if err != nil {
		return nil, fmt.Errorf("locales/%s: %w", name, err)
	}
	msgs := make(map[string]*i18n.Message, len(mf.Messages))
	for _, m := range mf.Messages {
		msgs[m.ID] = m
	}
	return msgs, nil
}

// SourceHash is the hash of a source message that `goi18n merge` writes into translations
// ("sha1-" and the hex SHA-1 of the description followed by the "other" text; see hash in
// go-i18n's goi18n/merge_command.go). A translation carrying another hash was made from an
// older English text, and `goi18n merge` offers it for translation again.
func SourceHash(m *i18n.Message) string {
	return fmt.Sprintf("sha1-%x", sha1.Sum([]byte(m.Description+m.Other)))
}

// Stale compares the hash of every translated message in the wanted catalogs with the
// source's and returns one warning per translation made from an older English text, and per
// translation that carries no hash at all, naming file and message.
func Stale(fsys fs.FS, catalogs []string) ([]string, error) {
	source, err := Messages(fsys, Source)
	if err != nil {
		return nil, err
	}
	var warnings []string
	for _, catalog := range catalogs {
		if catalog == Source {
			continue
		}
		msgs, err := Messages(fsys, catalog)
		if errors.Is(err, fs.ErrNotExist) {
			continue // Check reports the missing file
		}
		if err != nil {
			return nil, err
		}
		name := "locales/active." + catalog + ".toml"
		for id, m := range msgs {
			src, ok := source[id]
			switch {
			case !ok:
			case m.Hash == "":
				warnings = append(warnings, fmt.Sprintf("%s: message %s has no hash of its English text (go run ./locales/hashcmd)", name, id))
			case m.Hash != SourceHash(src):
				warnings = append(warnings, fmt.Sprintf("%s: message %s is stale: translated from an older English text", name, id))
			}
		}
	}
	sort.Strings(warnings)
	return warnings, nil
}
