package flows_test

import (
	"os"
	"path/filepath"
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
			[]string{`town.toml: time_zone: unknown time zone "Europe/Berlim"`}},
		{"unknown district", edit(`districts = ["oberdorf", "nord"]`, `districts = ["oberdorf", "sued"]`),
			[]string{`managers[2].districts[1]: unknown district "sued"`}},
		{"unknown language", edit(`"ckb", "ti"`, `"ckb", "tir"`),
			[]string{`languages[8]: unknown language "tir"`}},
		{"duplicate manager", edit(`telegram_id = 900102`, `telegram_id = 900101`),
			[]string{`managers[1].telegram_id: 900101 is already used by managers[0]`}},
		{"broken syntax", edit(`town = "Musterstadt"`, `town = "Musterstadt`),
			[]string{`town.toml:`}},
		{"bad working hours", edit(`working_hours = "08:00-16:00"`, `working_hours = "16:00-08:00"`),
			[]string{`relay.working_hours: "16:00-08:00" is not a working day like "08:00-16:00"`}},
		{"nudge out of range", edit(`nudge_after_hours = 8`, `nudge_after_hours = 1000`),
			[]string{`relay.nudge_after_hours: must be between 1 and 200, not 1000`}},
		{"bad map link", edit(`map_url = "https://www.openstreetmap.org`, `map_url = "ftp://www.openstreetmap.org`),
			[]string{`offices[0].map_url: must be an http(s) link`}},
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
