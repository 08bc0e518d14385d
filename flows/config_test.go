package flows_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/flows"
)

func TestExampleConfigIsValid(t *testing.T) {
	cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Location.String(), "Europe/Berlin"; got != want {
		t.Errorf("time zone = %s, want %s", got, want)
	}
	if len(cfg.Languages) != len(flows.Languages) {
		t.Errorf("the example offers %d languages, want all %d", len(cfg.Languages), len(flows.Languages))
	}
	if len(cfg.Warnings) != 0 {
		t.Errorf("the example has warnings: %q", cfg.Warnings)
	}
}

func TestConfigErrorsNameFileAndField(t *testing.T) {
	edit := func(old, new string) []byte {
		s := string(flows.ExampleConfig)
		if !strings.Contains(s, old) {
			t.Fatalf("example config lacks %q", old)
		}
		return []byte(strings.Replace(s, old, new, 1))
	}
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"typo in a field name", edit(`name = "Frau Yılmaz"`, `naem = "Frau Yılmaz"`),
			[]string{`town.toml:`, `unknown field "managers.naem" (did you mean "name"?)`}},
		{"typo in a top-level field", edit(`time_zone =`, `timezone =`),
			[]string{`unknown field "timezone" (did you mean "time_zone"?)`}},
		{"unknown time zone", edit(`"Europe/Berlin"`, `"Europe/Berlim"`),
			[]string{`town.toml:9: time_zone: unknown time zone "Europe/Berlim"`}},
		{"unknown district", edit(`districts = ["oberdorf", "nord"]`, `districts = ["oberdorf", "sued"]`),
			[]string{`town.toml:79: managers[3].districts[2]: unknown district "sued"`}},
		{"unknown language", edit(`"ckb", "ti"`, `"ckb", "tir"`),
			[]string{`town.toml:14: languages[9]: unknown language "tir"`}},
		{"duplicate manager", edit(`telegram_id = 900102`, `telegram_id = 900101`),
			[]string{`town.toml:67: managers[2].telegram_id: 900101 is already used by managers[1] (Frau Yılmaz)`}},
		{"broken syntax", edit(`town = "Musterstadt"`, `town = "Musterstadt`),
			[]string{`town.toml:`}},
		{"bad working hours", edit(`working_hours = "08:00-16:00"`, `working_hours = "16:00-08:00"`),
			[]string{`relay.working_hours: "16:00-08:00" is not a working day like "08:00-16:00"`}},
		{"nudge out of range", edit(`nudge_after_hours = 8`, `nudge_after_hours = 1000`),
			[]string{`relay.nudge_after_hours: must be between 1 and 200, not 1000`}},
		{"bad map link", edit(`map_url = "https://www.openstreetmap.org`, `map_url = "ftp://www.openstreetmap.org`),
			[]string{`town.toml:30: offices[1].map_url: must be an http(s) link`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := flows.ParseConfig("town.toml", tt.data)
			if err == nil {
				t.Fatal("config accepted, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

// editExample is the example configuration with each old text replaced by its new one.
func editExample(t *testing.T, oldNew ...string) string {
	t.Helper()
	s := string(flows.ExampleConfig)
	for i := 0; i+1 < len(oldNew); i += 2 {
		if !strings.Contains(s, oldNew[i]) {
			t.Fatalf("example config lacks %q", oldNew[i])
		}
		s = strings.Replace(s, oldNew[i], oldNew[i+1], 1)
	}
	return s
}

// lineOf is "town.toml:N: " for the first line of doc that contains text.
func lineOf(t *testing.T, doc, text string) string {
	t.Helper()
	i := strings.Index(doc, text)
	if i < 0 {
		t.Fatalf("document lacks %q", text)
	}
	return fmt.Sprintf("town.toml:%d: ", strings.Count(doc[:i], "\n")+1)
}

func configProblems(t *testing.T, doc string) []string {
	t.Helper()
	_, err := flows.ParseConfig("town.toml", []byte(doc))
	var cerr *flows.ConfigError
	if !errors.As(err, &cerr) {
		t.Fatalf("got %v, want a *flows.ConfigError", err)
	}
	return cerr.Problems
}

func TestConfigReportsEveryProblemAtItsLine(t *testing.T) {
	doc := editExample(t,
		"telegram_id = 900103", `telegram_id = "900103"`,
		`to = "12:30"`, `to = "12:70"`,
		"burst_minutes = 10", "burst_minuts = 10",
	)
	got := configProblems(t, doc)
	want := []string{
		lineOf(t, doc, `telegram_id = "900103"`) + `managers[3].telegram_id: must be a number without quotes, like telegram_id = 900103`,
		lineOf(t, doc, `to = "12:70"`) + `office_hours[3].to: "12:70" is not a time like 12:00`,
		lineOf(t, doc, "burst_minuts") + `unknown field "relay.burst_minuts" (did you mean "burst_minutes"?)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestConfigTypeErrorsAreProblemsOfTheirField(t *testing.T) {
	tests := []struct {
		old, new string
		want     string // the only problem, after the file and line of new
	}{
		// The quoted id is still understood, so the office hours of manager 900103 stay valid.
		{"telegram_id = 900103", `telegram_id = "900103"`,
			`managers[3].telegram_id: must be a number without quotes, like telegram_id = 900103`},
		{`from = "2026-12-24"`, `from = 2026-12-24`,
			`closures[1].from: must be text in quotes, like from = "2026-12-24"`},
		{`from = "09:00"`, `from = 09:00`,
			`office_hours[1].from: must be text in quotes, like from = "09:00"`},
		{"seats = 2", "seats = 2.5",
			`office_hours[2].seats: must be a whole number, not the number 2.5`},
		{"retention_months = 12", `retention_months = "twelve"`,
			`privacy.retention_months: must be a whole number, not the text "twelve"`},
		{`languages = ["de", "en", "ar", "fa", "prs", "ps", "ku", "ckb", "ti", "so", "uk", "ru", "tr", "fr"]`, `languages = "de"`,
			`languages: must be a list in square brackets, like languages = ["de"]`},
		{`admins = [900001]`, `admins = [900001, "900002"]`,
			`admins[2]: must be a number without quotes, like 900002`},
		{`name = "Frau Yılmaz"`, `name = 42`,
			`managers[1].name: must be text in quotes, like name = "42"`},
	}
	for _, tt := range tests {
		t.Run(tt.new, func(t *testing.T) {
			doc := editExample(t, tt.old, tt.new)
			got := configProblems(t, doc)
			want := []string{lineOf(t, doc, tt.new) + tt.want}
			if !slices.Equal(got, want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestConfigNamesMissingAndMistypedFields(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		at       string // the line the problem names
		want     string
	}{
		{"missing field at its table's header",
			`id = "lindenweg"` + "\nname = \"Gemeinschaftsraum Lindenweg\"", `id = "lindenweg"`,
			"[[offices]]\nid = \"lindenweg\"", `offices[2].name: is missing`},
		{"typo only once, not also as missing",
			`name = "Frau Yılmaz"`, `naem = "Frau Yılmaz"`,
			`naem`, `unknown field "managers.naem" (did you mean "name"?)`},
		{"typo in office hours",
			`weekday = "wed"`, `weekdy = "wed"`,
			`weekdy`, `unknown field "office_hours.weekdy" (did you mean "weekday"?)`},
		{"typo in booking",
			"max_open = 2 ", "max_opn = 2 ",
			`max_opn`, `unknown field "booking.max_opn" (did you mean "max_open"?)`},
		{"typo in a local place's field",
			`url = "https://www.jobcenter-ge.de"`, `ulr = "https://www.jobcenter-ge.de"`,
			`ulr`, `unknown field "local.jobcenter.ulr" (did you mean "url"?)`},
		{"typo in a local place's kind",
			`[local.waste_office]`, `[local.waste_ofice]`,
			`[local.waste_ofice]`, `local.waste_ofice: unknown place (did you mean "waste_office"?)`},
		{"entries after a multi-line string and inside a multi-line list",
			`languages = ["de", "tr", "en"]`, "languages = [\n  \"de\",\n  \"xx\", # a comment\n]",
			`"xx"`, `managers[1].languages[2]: unknown language "xx"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A multi-line string with a table header in it must not confuse the line count.
			doc := editExample(t, tt.old, tt.new, `town = "Musterstadt"`, "town = \"\"\"Muster\n[[managers]]\nstadt\"\"\"")
			got := configProblems(t, doc)
			want := []string{lineOf(t, doc, tt.at) + tt.want}
			if !slices.Equal(got, want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestLongListsOfChoicesWarnButPass(t *testing.T) {
	var b strings.Builder
	b.Write(flows.ExampleConfig)
	for i := range 246 {
		fmt.Fprintf(&b, "\n[[districts]]\nid = \"site-%d\"\nname = \"Wohnheim %d\"\n", i, i)
	}
	cfg, err := flows.ParseConfig("town.toml", []byte(b.String()))
	if err != nil {
		t.Fatalf("a town with 250 districts was refused: %v", err)
	}
	if len(cfg.Warnings) != 1 {
		t.Fatalf("warnings %q, want one", cfg.Warnings)
	}
	w := cfg.Warnings[0]
	for _, want := range []string{lineOf(t, b.String(), "[[districts]]") + "warning: districts: 250 entries", "32 pages", "grouping", "type a name"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q lacks %q", w, want)
		}
	}
}

func TestLoadConfigFileNamesMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.toml")
	_, err := flows.LoadConfigFile(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("got %v, want an error naming %s", err, path)
	}
	if err := os.WriteFile(path, flows.ExampleConfig, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := flows.LoadConfigFile(path); err != nil {
		t.Fatal(err)
	}
}

// FuzzParseConfig feeds mangled configurations to the parser: it must never panic, and every
// problem it reports names the file.
func FuzzParseConfig(f *testing.F) {
	f.Add(flows.ExampleConfig)
	f.Add([]byte("town = \"\"\"a\n[[x]]\"\"\"\nlanguages = [\n'de', # c\n\"x\\\"y\",\n]\n[[managers]]\nname = { a = [1, {b = 2}] }\n"))
	f.Add([]byte("[[office_hours]]\nfrom = 09:00\nto = 1979-05-27T07:32:00\nseats = \"2\"\n[local.\"a b\"]\nname = 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := flows.ParseConfig("town.toml", data)
		if err == nil {
			return
		}
		var cerr *flows.ConfigError
		if !errors.As(err, &cerr) || len(cerr.Problems) == 0 {
			t.Fatalf("got %v, want a *flows.ConfigError with problems", err)
		}
		for _, p := range cerr.Problems {
			if !strings.HasPrefix(p, "town.toml:") {
				t.Errorf("problem %q does not name the file", p)
			}
		}
	})
}
