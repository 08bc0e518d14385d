package flows_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/flows"
)

func TestServicesConfig(t *testing.T) {
	cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Services) < 3 {
		t.Fatalf("the example lists %d services, want several", len(cfg.Services))
	}
	if got, want := cfg.Referrals.FollowupDays, 14; got != want {
		t.Errorf("followup_days = %d, want %d", got, want)
	}
	for _, s := range cfg.Services {
		if s.Address != "" && !strings.HasPrefix(s.MapURL, "https://") {
			t.Errorf("service %s has no map link: %q", s.ID, s.MapURL)
		}
	}
	kita := cfg.Services[4]
	if got, want := kita.MapURL, "https://www.openstreetmap.org/search?query=Marktplatz+1%2C+79999+Musterstadt%2C+Zimmer+12"; got != want {
		t.Errorf("default map link = %q, want %q", got, want)
	}
}

func TestServicesConfigErrorsNameLineAndField(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string // the problem, after the file and the line of new
	}{
		{"unknown category", `category = "debt"`, `category = "dept"`,
			`services[6].category: unknown category "dept" (did you mean "debt"?)`},
		{"bad weekday", `{ weekday = "thu", from = "13:00"`, `{ weekday = "thursday", from = "13:00"`,
			`services[1].hours[2].weekday: "thursday" is not one of mon, tue`},
		{"hours backwards", `{ weekday = "thu", from = "13:00", to = "16:00" }`, `{ weekday = "thu", from = "13:00", to = "12:00" }`,
			`services[1].hours[2].to: 12:00 is not after 13:00`},
		{"unknown language", `languages = ["de", "en", "uk"]`, `languages = ["de", "en", "ukr"]`,
			`services[2].languages[3]: unknown language "ukr"`},
		{"bad website", `website = "https://www.caritas.de"`, `website = "www.caritas.de"`,
			`services[1].website: must be an http(s) link, not "www.caritas.de"`},
		{"duplicate id", `id = "jmd"`, `id = "mbe"`,
			`services[2].id: "mbe" is used twice`},
		{"description in an unknown language", `ar = "جواز`, `arab = "جواز`,
			`services[1].brings.arab: "arab" is not a language option`},
		{"name too long", `name = "Jugendmigrationsdienst (JMD) Musterkreis"`, `name = "` + strings.Repeat("Jugendmigrationsdienst ", 5) + `"`,
			`services[2].name: is 115 characters long; at most 100 fit a button`},
		{"followup out of range", `followup_days = 14`, `followup_days = 400`,
			`referrals.followup_days: must be between 1 and 180, not 400`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := string(flows.ExampleConfig)
			if !strings.Contains(s, tt.old) {
				t.Fatalf("example config lacks %q", tt.old)
			}
			edited := strings.Replace(s, tt.old, tt.new, 1)
			line := strings.Count(s[:strings.Index(s, tt.old)], "\n") + 1
			_, err := flows.ParseConfig("town.toml", []byte(edited))
			if err == nil {
				t.Fatal("config accepted, want an error")
			}
			if want := fmt.Sprintf("town.toml:%d: %s", line, tt.want); !strings.Contains(err.Error(), want) {
				t.Errorf("error:\n%v\nwant it to contain %q", err, want)
			}
		})
	}
}
