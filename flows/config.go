package flows

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"github.com/BurntSushi/toml"
)

// ExampleConfig is the configuration of Musterstadt, a fictional town. The bot runs on it when
// no LOTSE_CONFIG is given, and it is the template a municipality copies.
//
//go:embed musterstadt.toml
var ExampleConfig []byte

// ExampleConfigName is the name under which ExampleConfig appears in messages.
const ExampleConfigName = "musterstadt.toml (built-in example)"

// Config is one municipality's configuration, read from one human-editable TOML file.
type Config struct {
	Town string `toml:"town"`
	// County is the Landkreis of a configuration that lists communes; see Commune.
	County          string    `toml:"county"`
	Communes        []Commune `toml:"communes"`
	TimeZone        string    `toml:"time_zone"`
	Languages       []string  `toml:"languages"`
	ManagerLanguage string    `toml:"manager_language"`
	// FallbackLanguage serves a town's own FAQ entries that lack a translation.
	FallbackLanguage string        `toml:"fallback_language"`
	Privacy          Privacy       `toml:"privacy"`
	Offices          []Office      `toml:"offices"`
	Districts        []District    `toml:"districts"`
	Managers         []Manager     `toml:"managers"`
	Admins           []int64       `toml:"admins"`
	OfficeHours      []OfficeHours `toml:"office_hours"`
	Closures         []Closure     `toml:"closures"`
	Booking          Booking       `toml:"booking"`
	Relay            Relay         `toml:"relay"`
	Translation      Translation   `toml:"translation"`
	Plan             PlanSettings  `toml:"plan"`
	// Local names the places an answer may point to, by kind (see LocalPlaces).
	Local map[string]Place `toml:"local"`
	// Services is the directory of regular services clients are referred to (services.go).
	Services  []Service `toml:"services"`
	Referrals Referrals `toml:"referrals"`
	// FAQDir holds the town's own FAQ files (<language>.toml), relative to the configuration
	// file. Optional.
	FAQDir string `toml:"faq_dir"`

	// Dir is the directory of the configuration file; "" for the built-in example.
	Dir string `toml:"-"`

	// Location is TimeZone loaded; set by Validate.
	Location *time.Location `toml:"-"`

	// Warnings are what `lotse check` points out without refusing the file: lists too long to
	// choose from comfortably. Each names the file and line.
	Warnings []string `toml:"-"`
}

// Privacy holds what the privacy notice promises.
type Privacy struct {
	RetentionMonths int `toml:"retention_months"`
}

// Office is a place where managers hold office hours.
type Office struct {
	ID      string `toml:"id"`
	Name    string `toml:"name"`
	Address string `toml:"address"`
	MapURL  string `toml:"map_url"`
	// Commune is the id of the commune the office is in; "" for an office of the county.
	Commune string `toml:"commune"`
}

// District is a part of town or a follow-up housing site (Anschlussunterbringung) a client
// lives in; it decides which managers are responsible.
type District struct {
	ID   string `toml:"id"`
	Name string `toml:"name"`
	// Commune is the id of the commune the district belongs to.
	Commune string `toml:"commune"`
	// Names are what clients read beside the official name, by language option, e.g. a
	// short translated description: "سكن ليندنفيغ (Anschlussunterbringung Lindenweg)".
	Names map[string]string `toml:"names"`
}

// OfficeHours is a weekly block in which a manager can be met at an office.
type OfficeHours struct {
	Manager int64  `toml:"manager"`
	Office  string `toml:"office"`
	Weekday string `toml:"weekday"` // mon … sun
	From    string `toml:"from"`    // 15:04
	To      string `toml:"to"`
	// SlotMinutes is the length of one appointment; default 30.
	SlotMinutes int `toml:"slot_minutes"`
	// Seats is how many clients can book the same slot; default 1.
	Seats int `toml:"seats"`
	// Interpreters lists the languages an interpreter is present for in this block.
	Interpreters []string `toml:"interpreters"`

	from, to int // minutes after midnight, set by validate
}

// Closure is a time without office hours: holidays of the office, a team day, a manager's
// leave. Dates are inclusive.
type Closure struct {
	From    string `toml:"from"` // 2006-01-02
	To      string `toml:"to"`   // default: From
	Manager int64  `toml:"manager"`
	Office  string `toml:"office"`
	// Commune closes every office of that commune.
	Commune string `toml:"commune"`

	from, to time.Time // first day and the day after the last, midnight in the town's zone
}

// Booking holds the rules of appointments.
type Booking struct {
	// DaysAhead is how far ahead clients can book; default 14.
	DaysAhead int `toml:"days_ahead"`
	// CancelCutoffHours is how long before an appointment clients can still cancel it
	// themselves; later cancellations reach the manager as a message. Default 24.
	CancelCutoffHours int `toml:"cancel_cutoff_hours"`
	// MaxOpen is how many future appointments one client may hold; default 2.
	MaxOpen int `toml:"max_open"`
	// Reminders are the offsets before an appointment at which the client is reminded;
	// default ["24h", "2h"].
	Reminders []string `toml:"reminders"`
	// GraceMinutes after the end of a slot, an unmarked appointment prompts the manager;
	// default 15.
	GraceMinutes int `toml:"grace_minutes"`

	reminders []time.Duration
}

// Relay holds the rules of clients' messages to their managers.
type Relay struct {
	// NudgeAfterHours is how many working hours (Monday to Friday, WorkingHours, without
	// public holidays) a client may wait for an answer before the manager is reminded once;
	// default 8.
	NudgeAfterHours int `toml:"nudge_after_hours"`
	// WorkingHours is the working day, like "08:00-16:00" (the default).
	WorkingHours string `toml:"working_hours"`
	// BurstMinutes: messages a client sends within this many minutes of the last one go under
	// the same header, with one "delivered" note; default 10.
	BurstMinutes int `toml:"burst_minutes"`
	// FloodPerMinute is how many messages a client may send in a minute before they are asked
	// to wait; default 20.
	FloodPerMinute int `toml:"flood_per_minute"`

	workFrom, workTo time.Duration
}

// Translation names the machine-translation engine the town uses for free text between
// clients and managers. It is off unless Engine is set; the engine's key comes from the
// environment (LOTSE_TRANSLATION_KEY or LOTSE_TRANSLATION_KEY_FILE), never from this file.
type Translation struct {
	// Engine is "libretranslate" (the town's own server) or "deepl" (DeepL API under a
	// data-processing contract); "" turns translation off.
	Engine string `toml:"engine"`
	// URL is the engine's address: required for LibreTranslate; for DeepL optional (the
	// free or pro host follows from the key).
	URL string `toml:"url"`
	// TimeoutSeconds bounds one request to the engine; default 5.
	TimeoutSeconds int `toml:"timeout_seconds"`
}

// Engines are the translation engines Lotse can talk to.
var Engines = []string{"libretranslate", "deepl"}

// On reports whether the town translates free text.
func (t Translation) On() bool { return t.Engine != "" }

// Timeout is how long one request to the engine may take.
func (t Translation) Timeout() time.Duration { return time.Duration(t.TimeoutSeconds) * time.Second }

// Validate checks the section and fills in its defaults; each problem names its field.
func (t *Translation) Validate() []string { return t.validate() }

// parseClock reads a time of day like "08:30".
func parseClock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// Place is a local service an answer may name: the town's Jobcenter, its foreigners'
// authority, where to register for kindergarten…
type Place struct {
	Name    string `toml:"name"`
	Address string `toml:"address"`
	Phone   string `toml:"phone"`
	URL     string `toml:"url"`
}

// LocalPlaces are the kinds of places a configuration's [local] section may describe and
// FAQ answers may use as {{.kind.field}}.
var LocalPlaces = []string{
	"jobcenter", "foreigners_office", "citizens_office", "kita_registration", "school_office",
	"migration_counselling", "recognition_counselling", "language_school", "waste_office",
	"pregnancy_counselling",
}

// Weekdays are the weekday keys of office hours, Monday first.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// Manager is an integration manager (Integrationsmanagerin / Integrationsmanager): a social
// worker who owns client cases.
type Manager struct {
	TelegramID int64    `toml:"telegram_id"`
	Name       string   `toml:"name"`
	Languages  []string `toml:"languages"`
	Districts  []string `toml:"districts"`
	Office     string   `toml:"office"`
	// Phone is the manager's office telephone number, for the ready-made reply "please
	// call me". Optional.
	Phone string `toml:"phone"`
}

// LoadConfigFile reads and validates the configuration at path.
func LoadConfigFile(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c, err := ParseConfig(path, data)
	if err != nil {
		return nil, err
	}
	c.Dir = filepath.Dir(path)
	return c, nil
}

// FAQPath is the directory of the town's own FAQ files, or "" when it has none.
func (c *Config) FAQPath() string {
	if c.FAQDir == "" || filepath.IsAbs(c.FAQDir) {
		return c.FAQDir
	}
	return filepath.Join(c.Dir, c.FAQDir)
}

// ParseConfig parses and validates a configuration. name is used in error messages.
// The error is a *ConfigError that lists every problem found, each naming the file, the line
// and the field.
func ParseConfig(name string, data []byte) (*Config, error) {
	var tree map[string]any
	if _, err := toml.Decode(string(data), &tree); err != nil {
		return nil, &ConfigError{Problems: []string{syntaxProblem(name, err)}}
	}
	d := newConfigDecoder(string(data))
	d.fit("", tree, reflect.TypeFor[Config]())
	var c Config
	if err := d.decode(string(data), tree, &c); err != nil {
		// A value fit let through and the library refuses: its message is all there is.
		return nil, &ConfigError{Problems: append(d.place(name, d.problems, ""), syntaxProblem(name, err))}
	}
	d.add(c.validate(d.has))
	warnings := d.place(name, c.choiceWarnings(), "warning: ")
	if len(d.problems) > 0 {
		return nil, &ConfigError{Problems: d.place(name, d.problems, ""), Warnings: warnings}
	}
	c.Warnings = warnings
	return &c, nil
}

// choiceLimit is the longest list of choices that is still easy to page through.
const choiceLimit = 5 * pageSize

// choiceWarnings warns of lists people choose from that are long enough to tire them.
func (c *Config) choiceWarnings() []configProblem {
	var warnings []configProblem
	for _, l := range []struct {
		field  string
		n      int
		advice string
	}{
		{"communes", len(c.Communes), "Tell clients they can type a name to search instead of paging."},
		{"districts", c.districtChoices(), "Consider grouping them, for example the housing sites of one part of town or " +
			"commune as one district, and tell clients they can type a name to search instead of paging."},
		{"offices", len(c.Offices), "Consider fewer offices, for example one per building, and tell clients they can " +
			"type a name to search instead of paging."},
		{"managers", len(c.Managers), "Staff can type a manager's name instead of paging; consider whether all of " +
			"them belong in one configuration."},
	} {
		if l.n > choiceLimit {
			pages := (l.n + pageSize - 1) / pageSize
			warnings = append(warnings, configProblem{l.field, fmt.Sprintf(
				"%s: %d entries in one list; shown %d at a time, choosing from them can take %d pages. %s",
				l.field, l.n, pageSize, pages, l.advice)})
		}
	}
	return warnings
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// location is the town's zone, or UTC while the configuration is still invalid.
func (c *Config) location() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// ReminderOffsets are the parsed reminder offsets, longest first.
func (b *Booking) ReminderOffsets() []time.Duration {
	out := slices.Clone(b.reminders)
	slices.Sort(out)
	slices.Reverse(out)
	return out
}

// Manager returns the configured manager with the given Telegram user id.
func (c *Config) Manager(id int64) (Manager, bool) {
	for _, m := range c.Managers {
		if m.TelegramID == id {
			return m, true
		}
	}
	return Manager{}, false
}

// IsAdmin reports whether the Telegram user id belongs to an admin.
// The team leads of a commune are admins of their commune (see AdminCommunes).
func (c *Config) IsAdmin(id int64) bool {
	communes, all := c.AdminCommunes(id)
	return all || len(communes) > 0
}

// IsStaff reports whether the user is a manager or an admin: staff never go through the
// client's first contact.
func (c *Config) IsStaff(id int64) bool {
	_, ok := c.Manager(id)
	return ok || c.IsAdmin(id)
}
