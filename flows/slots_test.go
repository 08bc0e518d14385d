package flows_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/flows"
)

// townWith returns the example town with extra configuration appended.
func townWith(t *testing.T, extra string) *flows.Config {
	t.Helper()
	cfg, err := flows.ParseConfig("town.toml", []byte(string(flows.ExampleConfig)+"\n"+extra))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

const mondayHours = `
[[office_hours]]
manager = 900101
office = "rathaus"
weekday = "mon"
from = "09:00"
to = "10:00"
slot_minutes = 20
seats = 2
interpreters = ["ar"]
`

func TestNoSlotsOnPublicHolidays(t *testing.T) {
	cfg := townWith(t, mondayHours)
	berlin := cfg.Location
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation("2006-01-02", s, berlin)
		return d
	}
	tests := []struct {
		day  string
		want int
	}{
		{"2027-03-22", 3}, // an ordinary Monday: 09:00, 09:20, 09:40
		{"2027-03-29", 0}, // Easter Monday 2027
		{"2026-06-04", 0}, // Corpus Christi 2026, a Thursday: a holiday in Baden-Württemberg
		{"2026-06-11", 7}, // the Thursday after: 09:00–12:30 in 30-minute slots
	}
	for _, tt := range tests {
		got := cfg.Slots(day(tt.day), day(tt.day).AddDate(0, 0, 1), 900101, 900103)
		if len(got) != tt.want {
			t.Errorf("%s: %d slots, want %d", tt.day, len(got), tt.want)
		}
	}
	if !flows.IsPublicHoliday(day("2027-03-29")) || !flows.IsPublicHoliday(day("2027-01-06")) || flows.IsPublicHoliday(day("2027-03-30")) {
		t.Errorf("Baden-Württemberg holidays wrong around Easter 2027 or Epiphany")
	}
	slots := cfg.Slots(day("2027-03-22"), day("2027-03-23"), 900101)
	if s := slots[0]; s.Seats != 2 || s.End.Sub(s.Start) != 20*time.Minute || strings.Join(s.Interpreters, ",") != "ar" || s.Office != "rathaus" {
		t.Errorf("slot %+v does not carry the block's seats, length, interpreters and office", s)
	}
}

func TestSlotsKeepWallClockTimeAcrossDaylightSaving(t *testing.T) {
	cfg := townWith(t, "")
	berlin := cfg.Location
	// Tuesdays around the switches of 2027: 28 March (to summer time) and 31 October (back).
	for _, tt := range []struct {
		pair [2]string
		gap  time.Duration // between the two 09:00s: a week, an hour less or more
	}{{[2]string{"2027-03-23", "2027-03-30"}, 167 * time.Hour}, {[2]string{"2027-10-26", "2027-11-02"}, 169 * time.Hour}} {
		pair := tt.pair
		var firsts []time.Time
		for _, d := range pair {
			day, _ := time.ParseInLocation("2006-01-02", d, berlin)
			slots := cfg.Slots(day, day.AddDate(0, 0, 1), 900101)
			if len(slots) == 0 {
				t.Fatalf("no slots on %s", d)
			}
			local := slots[0].Start.In(berlin)
			if local.Hour() != 9 || local.Minute() != 0 {
				t.Errorf("%s: first slot at %s, want 09:00 local", d, local.Format("15:04"))
			}
			firsts = append(firsts, slots[0].Start)
		}
		if gap := firsts[1].Sub(firsts[0]); gap != tt.gap {
			t.Errorf("%v: %v between the 09:00 slots, want %v", pair, gap, tt.gap)
		}
	}
}

func TestClosuresRemoveSlots(t *testing.T) {
	cfg := townWith(t, `
[[closures]]
from = "2026-12-22"
to = "2027-01-08"

[[closures]]
from = "2027-02-02"
manager = 900101
`)
	berlin := cfg.Location
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation("2006-01-02", s, berlin)
		return d
	}
	if got := cfg.Slots(day("2026-12-22"), day("2027-01-09")); len(got) != 0 {
		t.Errorf("%d slots during the Christmas closure", len(got))
	}
	if got := cfg.Slots(day("2027-02-02"), day("2027-02-03"), 900101); len(got) != 0 {
		t.Errorf("manager on leave has %d slots", len(got))
	}
	if got := cfg.Slots(day("2027-01-12"), day("2027-01-13"), 900101); len(got) == 0 {
		t.Errorf("no slots after the closure")
	}
}

func TestBookingConfigErrors(t *testing.T) {
	example := string(flows.ExampleConfig)
	for _, tt := range []struct{ old, new, want string }{
		{`reminders = ["24h", "2h"]`, `reminders = ["yesterday"]`, `booking.reminders[1]: "yesterday"`},
		{"max_open = 2 ", "max_open = 99 ", "booking.max_open: must be between 1 and 20"},
		{`from = "2026-12-24"`, `from = "24.12.2026"`, `closures[1].from: "24.12.2026" is not a date`},
		{`interpreters = ["fa", "uk"]`, `interpreters = ["xx"]`, `office_hours[2].interpreters[1]: unknown language "xx"`},
		{"slot_minutes = 30\nseats = 2", "slot_minutes = 1\nseats = 2", "office_hours[2].slot_minutes: must be between 5 and 480"},
	} {
		if !strings.Contains(example, tt.old) {
			t.Fatalf("example lacks %q", tt.old)
		}
		_, err := flows.ParseConfig("town.toml", []byte(strings.Replace(example, tt.old, tt.new, 1)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want %q", tt.new, err, tt.want)
		}
	}
}

func TestSlotRefNamesNoTelegramID(t *testing.T) {
	cfg := townWith(t, "")
	start := time.Date(2027, 3, 30, 7, 0, 0, 0, time.UTC)
	for _, m := range cfg.Managers {
		ref := cfg.SlotRef(flows.Slot{Manager: m.TelegramID, Start: start})
		if strings.Contains(ref, strconv.FormatInt(m.TelegramID, 10)) {
			t.Errorf("%q carries the manager's Telegram id", ref)
		}
		got, s, ok := cfg.ParseSlotRef(ref)
		if !ok || got != m.TelegramID || !s.Equal(start) {
			t.Errorf("%q read back as %d %v %v", ref, got, s, ok)
		}
		if data := flows.Data(flows.ActConfirm, ref+".recognition.y"); len(data) > 64 {
			t.Errorf("%q is longer than Telegram's 64 bytes", data)
		}
	}
	if ref := cfg.SlotRef(flows.Slot{Manager: 42, Start: start}); ref != "" {
		t.Errorf("a slot of no configured manager got %q", ref)
	}
	// The old keys with the manager's id, places no manager holds, and anything else.
	for _, bad := range []string{
		flows.SlotKey(900101, start), "m0-1806562800", "m4-1806562800", "m9999-1806562800",
		"m+1-1806562800", "m01-1806562800", "m1-", "m1--5", "m1-0", "M1-1806562800", "", "m1-1806562800x",
	} {
		if _, _, ok := cfg.ParseSlotRef(bad); ok {
			t.Errorf("ParseSlotRef(%q) accepted", bad)
		}
	}
}

func TestSlotInterpretsOnlyItsLanguages(t *testing.T) {
	slot := flows.Slot{Interpreters: []string{"ar", "fa"}}
	for lang, want := range map[string]bool{
		"ar": true, "fa": true,
		"prs": true, // Dari: a Persian interpreter serves it
		"uk":  false, "ckb": false, "de": false, "": false, "xx": false,
	} {
		if got := slot.Interprets(lang); got != want {
			t.Errorf("a slot with interpreters %v interprets %q: %v, want %v", slot.Interpreters, lang, got, want)
		}
	}
	if (flows.Slot{}).Interprets("ar") {
		t.Errorf("a slot without interpreters interprets Arabic")
	}
}
