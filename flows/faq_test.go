package flows_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lotse-bot/lotse/flows"
)

// miniFAQ is a small FAQ in every catalog: one topic, two questions. Texts carry the
// catalog's code so tests see which language was served.
func miniFAQ() fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, c := range flows.Catalogs() {
		fsys[c+".toml"] = &fstest.MapFile{Data: []byte(`
[[topics]]
id = "work"
title = "💼 work ` + c + `"

[[questions]]
id = "jobcenter"
topic = "work"
question = "jobcenter question ` + c + `"
keywords = "amt"
answer = """
First line ` + c + `.
Call {{.jobcenter.name}} at {{.jobcenter.phone}}.
Write to {{.school_office.name}}.
Office hours:
{{.office_hours}}
"""

[[questions]]
id = "kita"
topic = "work"
question = "kindergarten place ` + c + `"
keywords = "kita"
answer = "Register early ` + c + `."
`)}
	}
	return fsys
}

func exampleConfig(t *testing.T) *flows.Config {
	t.Helper()
	cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestAnswerLeavesOutLinesWithMissingValues(t *testing.T) {
	cfg := exampleConfig(t)
	faq, err := flows.LoadFAQ(miniFAQ(), "", cfg)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{"jobcenter": map[string]string{"name": "Jobcenter X", "phone": "0700"}}
	got := faq.Answer("ar", "jobcenter", values)
	want := "First line ar.\nCall Jobcenter X at 0700.\nOffice hours:"
	if got != want {
		t.Errorf("answer =\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(got, "{{") || strings.Contains(got, "no value") {
		t.Errorf("a placeholder leaked: %q", got)
	}
}

func writeOverride(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestTownOverridesOneLanguageAndAddsEntries(t *testing.T) {
	cfg := exampleConfig(t)
	dir := t.TempDir()
	writeOverride(t, dir, "ar.toml", `
[[questions]]
id = "kita"
answer = "جواب محلي"
`)
	writeOverride(t, dir, "en.toml", `
[[topics]]
id = "local"
title = "🏘️ Our town"

[[questions]]
id = "library"
topic = "local"
question = "Where is the library?"
answer = "Next to the town hall."
`)
	faq, err := flows.LoadFAQ(miniFAQ(), dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := faq.Answer("ar", "kita", nil); got != "جواب محلي" {
		t.Errorf("Arabic answer = %q, want the town's own", got)
	}
	if got := faq.Answer("uk", "kita", nil); got != "Register early uk." {
		t.Errorf("Ukrainian answer = %q, want the shipped one unchanged", got)
	}
	if got := faq.QuestionText("ar", "kita"); got != "kindergarten place ar" {
		t.Errorf("Arabic question = %q, want the shipped one", got)
	}
	// The town's new entry exists only in English, the fallback language.
	if _, ok := faq.Question("library"); !ok {
		t.Fatal("the town's question was not added")
	}
	if got := faq.Answer("ti", "library", nil); got != "Next to the town hall." {
		t.Errorf("Tigrinya falls back to %q, want the English text", got)
	}
	if got := faq.TopicTitle("fa", "local"); got != "🏘️ Our town" {
		t.Errorf("topic title in Persian = %q", got)
	}
}

func TestBrokenOverridesAreRejectedNamingFileAndEntry(t *testing.T) {
	cfg := exampleConfig(t)
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"unknown topic", "de.toml", "[[questions]]\nid = \"new\"\ntopic = \"nosuch\"\nquestion = \"?\"\nanswer = \"!\"\n",
			[]string{"de.toml", `questions[0] "new"`, `unknown topic "nosuch"`}},
		{"broken template", "fa.toml", "[[questions]]\nid = \"kita\"\nanswer = \"Call {{.jobcenter.phone\"\n",
			[]string{"fa.toml", `questions[0] "kita"`, "broken template"}},
		{"unknown value", "uk.toml", "[[questions]]\nid = \"kita\"\nanswer = \"Call {{.mayor.phone}}\"\n",
			[]string{"uk.toml", `questions[0] "kita"`, "unknown value {{.mayor.phone}}"}},
		{"too long", "ru.toml", "[[questions]]\nid = \"kita\"\nanswer = \"" + strings.Repeat("я", 3001) + "\"\n",
			[]string{"ru.toml", `questions[0] "kita"`, "the answer has 3001 characters"}},
		{"missing languages", "de.toml", "[[topics]]\nid = \"local\"\ntitle = \"Ort\"\n[[questions]]\nid = \"pool\"\ntopic = \"local\"\nquestion = \"Schwimmbad?\"\nanswer = \"Am Park.\"\n",
			nil},
		{"typo in a field", "ar.toml", "[[questions]]\nid = \"kita\"\nanwser = \"x\"\n",
			[]string{"ar.toml", `unknown field "questions.anwser"`}},
		{"syntax", "tr.toml", "[[questions]\nid = 1",
			[]string{"tr.toml:2"}},
		{"unknown language", "xx.toml", "",
			[]string{"xx.toml", `unknown language "xx"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeOverride(t, dir, tt.file, tt.content)
			_, err := flows.LoadFAQ(miniFAQ(), dir, cfg)
			if tt.want == nil {
				// German only: the fallback English is missing, but the German source serves.
				if err != nil {
					t.Fatalf("a German-only addition was rejected: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestSearchNormalizes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Müll Straße", "mull strasse"},
		{"KÜNDIGUNG", "kundigung"},
		{"كتاب", "کتاب"},
		{"مدرسة", "مدرسه"},
		{"أطفال", "اطفال"},
		{"می\u200cخواهم", "میخواهم"},
		{"ДЕТСКИЙ САД ёлка", "детскии сад елка"},
		{"İŞ ARIYORUM", "is ariyorum"},
		{"١٢٣ ۴۵۶", "123 456"},
		{"مُسْتَشْفَى", "مستشفی"},
	}
	for _, tt := range tests {
		if got := flows.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
