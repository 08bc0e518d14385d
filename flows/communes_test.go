package flows_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/flows"
)

func TestExampleCountyIsValid(t *testing.T) {
	cfg, err := flows.ParseConfig("landkreis.toml", flows.ExampleCounty)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(cfg.Communes), 3; got != want {
		t.Errorf("communes = %d, want %d", got, want)
	}
	if got, want := cfg.Town, "Landkreis Musterkreis"; got != want {
		t.Errorf("staff texts name %q, want the county %q", got, want)
	}
	if len(cfg.Warnings) != 0 {
		t.Errorf("the example county has warnings: %q", cfg.Warnings)
	}
}

func TestSingleTownIsACountyOfOneCommune(t *testing.T) {
	s := strings.Replace(string(flows.ExampleConfig), "[privacy]", "[[communes]]\nid = \"muster\"\nname = \"Musterstadt\"\n\n[privacy]", 1)
	cfg, err := flows.ParseConfig("town.toml", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range cfg.Districts {
		if d.Commune != "muster" {
			t.Errorf("district %s belongs to %q, want the only commune", d.ID, d.Commune)
		}
	}
	if got, want := cfg.Town, "Musterstadt"; got != want {
		t.Errorf("town = %q, want %q", got, want)
	}
}

func TestCommuneMistakesNameFileLineAndField(t *testing.T) {
	edit := func(t *testing.T, base []byte, old, new string) []byte {
		t.Helper()
		s := string(base)
		if !strings.Contains(s, old) {
			t.Fatalf("example lacks %q", old)
		}
		return []byte(strings.Replace(s, old, new, 1))
	}
	county := flows.ExampleCounty
	tests := []struct {
		name string
		base []byte
		old  string
		new  string
		want string
	}{
		{"unknown commune of a district", county, "id = \"nord\"\ncommune = \"musterstadt\"", "id = \"nord\"\ncommune = \"musterstat\"",
			`landkreis.toml:91: districts[2].commune: unknown commune "musterstat" (did you mean "musterstadt"?)`},
		{"district without a commune", county, "id = \"nord\"\ncommune = \"musterstadt\"\n", "id = \"nord\"\n",
			`landkreis.toml:89: districts[2].commune: is missing: with several communes every district names its commune`},
		{"duplicate commune id", county, `id = "lindental"`, `id = "musterstadt"`,
			`landkreis.toml:35: communes[2].id: "musterstadt" is used twice`},
		{"duplicate commune name", county, `name = "Lindental"`, `name = "Musterstadt"`,
			`landkreis.toml:36: communes[2].name: "Musterstadt" is already the name of communes[1]`},
		{"commune without a name", county, "id = \"birkenau\"\nname = \"Birkenau\"\n", "id = \"birkenau\"\n",
			`communes[3].name: is missing`},
		{"unknown language of a commune name", county, `ru = "Линденталь (Lindental)"`, `rus = "Линденталь (Lindental)"`,
			`landkreis.toml:37: communes[2].names.rus: unknown language "rus"`},
		{"bad commune admin", county, "admins = [910003]", "admins = [-3]",
			`landkreis.toml:38: communes[2].admins[1]: must be a positive Telegram user id`},
		{"unknown place of a commune", county, "[communes.local.citizens_office]\nname = \"Bürgeramt Lindental\"", "[communes.local.citizen_office]\nname = \"Bürgeramt Lindental\"",
			`landkreis.toml:40: communes[2].local.citizen_office: unknown place (did you mean "citizens_office"?)`},
		{"unknown commune of a closure", county, `commune = "birkenau"` + "\nfrom", `commune = "birkenow"` + "\nfrom",
			`closures[2].commune: unknown commune "birkenow" (did you mean "birkenau"?)`},
		{"office hours in a commune the manager does not serve", county, "manager = 910101\noffice = \"rathaus\"", "manager = 910101\noffice = \"birkenau-rathaus\"",
			`office_hours[1].office: "birkenau-rathaus" is in commune "birkenau", where Frau Yılmaz serves no district`},
		{"county missing", county, `county = "Landkreis Musterkreis"`, ``,
			`landkreis.toml: county: is missing`},
		{"commune in a file without communes", flows.ExampleConfig, "id = \"nord\"\n", "id = \"nord\"\ncommune = \"nord\"\n",
			`landkreis.toml:44: districts[2].commune: unknown commune "nord": the file lists no [[communes]]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := flows.ParseConfig("landkreis.toml", edit(t, tt.base, tt.old, tt.new))
			var ce *flows.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a ConfigError", err)
			}
			for _, p := range ce.Problems {
				if strings.Contains(p, tt.want) {
					return
				}
			}
			t.Errorf("problems %q\nlack %q", ce.Problems, tt.want)
		})
	}
}

func TestCommuneClosureClosesOnlyItsOffices(t *testing.T) {
	cfg, err := flows.ParseConfig("landkreis.toml", flows.ExampleCounty)
	if err != nil {
		t.Fatal(err)
	}
	// Birkenau closes 15–19 February 2027: Frau Kovalenko's Friday there is off, her
	// Thursday in Lindental is not.
	from := time.Date(2027, 2, 15, 0, 0, 0, 0, cfg.Location)
	offices := map[string]bool{}
	for _, s := range cfg.Slots(from, from.AddDate(0, 0, 7), 910103) {
		offices[s.Office] = true
	}
	if !offices["lindental-rathaus"] || offices["birkenau-rathaus"] {
		t.Errorf("slots in the week of Birkenau's closure at %v, want Lindental's only", offices)
	}
}
