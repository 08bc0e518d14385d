package flows

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// problems collects what is wrong with a configuration, each entry starting with the path of
// its field, so that a town's editor finds the line to mend.
type problems struct {
	list []string
	// section is put before each field, like "booking."; "" for the top level.
	section string
	// has reports whether the file gives a field, so that a field left out is called
	// missing rather than empty; nil counts every field as given.
	has func(field string) bool
}

// bad notes a problem with a field.
func (p *problems) bad(field, format string, args ...any) {
	p.list = append(p.list, p.section+field+": "+fmt.Sprintf(format, args...))
}

// given notes a required field the file leaves out, and reports whether it is there.
func (p *problems) given(field string) bool {
	if p.has != nil && !p.has(field) {
		p.bad(field, "is missing")
		return false
	}
	return true
}

// number fills in a number's default when it is left out (0) and checks its range.
func (p *problems) number(field string, v *int, def, lo, hi int) {
	if *v == 0 {
		*v = def
	}
	if *v < lo || *v > hi {
		p.bad(field, "must be between %d and %d, not %d", lo, hi, *v)
	}
}

// named checks the id and the name of an entry of a list, like [[offices]]; seen gathers
// the ids, so that one used twice is told.
func (p *problems) named(entry, id, name string, seen map[string]bool) {
	if p.given(entry + ".id") {
		checkID(p.bad, entry+".id", id, seen)
	}
	if p.given(entry+".name") && strings.TrimSpace(name) == "" {
		p.bad(entry+".name", "must not be empty")
	}
}

// ownID checks the id of a town's own entry beside the shipped ones, which seen holds
// already: it must not take a shipped id.
func (p *problems) ownID(field, id string, seen map[string]bool, shipped string) {
	if seen[id] && idPattern.MatchString(id) {
		p.bad(field, "%q is a shipped %s already", id, shipped)
		return
	}
	checkID(p.bad, field, id, seen)
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// validate fills defaults and returns every problem, each starting with the field's path;
// entries of lists count from 1, as people count. has reports whether the file gives a field,
// so that a field left out is called missing rather than empty. Each section has its own
// check, in the order of the file.
func (c *Config) validate(has func(field string) bool) []string {
	p := &problems{has: has}
	c.validateTown(p)
	offices := c.validateOffices(p)
	districts := c.validateDistricts(p)
	c.validateManagers(p, offices, districts)
	c.validateOfficeHours(p, offices)
	c.validateClosures(p, offices)
	p.list = append(p.list, c.Booking.validate()...)
	p.list = append(p.list, c.Relay.validate()...)
	p.list = append(p.list, c.Translation.validate()...)
	p.list = append(p.list, c.Plan.validate()...)
	p.list = append(p.list, c.validateServices(p.has)...)
	c.validateLocal(p)
	for i, id := range c.Admins {
		if id <= 0 {
			p.bad(fmt.Sprintf("admins[%d]", i+1), "must be a positive Telegram user id")
		}
	}
	p.list = append(p.list, c.validateCommunes(p.has)...)
	return p.list
}

// validateTown checks the top-level settings: the town, its zone, languages and privacy.
func (c *Config) validateTown(p *problems) {
	if len(c.Communes) > 0 && (p.has == nil || !p.has("town")) {
		c.Town = c.County // a county's staff texts name the county where a town's name the town
	} else if p.given("town") && strings.TrimSpace(c.Town) == "" {
		p.bad("town", "must not be empty")
	}
	if c.TimeZone == "" {
		c.TimeZone = "Europe/Berlin"
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		p.bad("time_zone", "unknown time zone %q", c.TimeZone)
	}
	c.Location = loc
	if len(c.Languages) == 0 {
		for _, l := range Languages {
			c.Languages = append(c.Languages, l.Option)
		}
	}
	seen := map[string]bool{}
	for i, code := range c.Languages {
		if _, ok := LookupLanguage(code); !ok {
			p.bad(fmt.Sprintf("languages[%d]", i+1), "unknown language %q (shipped: %s)", code, shippedOptions())
		}
		if seen[code] {
			p.bad(fmt.Sprintf("languages[%d]", i+1), "%q is listed twice", code)
		}
		seen[code] = true
	}
	if c.ManagerLanguage == "" {
		c.ManagerLanguage = "de"
	}
	if _, ok := LookupLanguage(c.ManagerLanguage); !ok {
		p.bad("manager_language", "unknown language %q (shipped: %s)", c.ManagerLanguage, shippedOptions())
	}
	if c.FallbackLanguage == "" {
		c.FallbackLanguage = "en"
	}
	if _, ok := LookupLanguage(c.FallbackLanguage); !ok {
		p.bad("fallback_language", "unknown language %q (shipped: %s)", c.FallbackLanguage, shippedOptions())
	}
	if c.Privacy.RetentionMonths == 0 {
		c.Privacy.RetentionMonths = 12
	}
	if c.Privacy.RetentionMonths < 1 || c.Privacy.RetentionMonths > 120 {
		p.bad("privacy.retention_months", "must be between 1 and 120, not %d", c.Privacy.RetentionMonths)
	}
}

// validateOffices checks [[offices]] and returns the ids seen.
func (c *Config) validateOffices(p *problems) map[string]bool {
	offices := map[string]bool{}
	for i, o := range c.Offices {
		f := fmt.Sprintf("offices[%d]", i+1)
		p.named(f, o.ID, o.Name, offices)
		if p.given(f+".address") && strings.TrimSpace(o.Address) == "" {
			p.bad(f+".address", "must not be empty")
		}
		if o.MapURL != "" && !isWebLink(o.MapURL) {
			p.bad(f+".map_url", "must be an http(s) link, not %q", o.MapURL)
		}
	}
	return offices
}

// validateDistricts checks [[districts]] and returns the ids seen.
func (c *Config) validateDistricts(p *problems) map[string]bool {
	districts := map[string]bool{}
	for i, d := range c.Districts {
		p.named(fmt.Sprintf("districts[%d]", i+1), d.ID, d.Name, districts)
		namesProblems(p.bad, fmt.Sprintf("districts[%d]", i+1), d.Names)
	}
	return districts
}

// validateManagers checks [[managers]] against the offices and districts.
func (c *Config) validateManagers(p *problems, offices, districts map[string]bool) {
	if len(c.Managers) == 0 {
		p.bad("managers", "at least one manager is needed")
	}
	people := map[int64]string{}
	for i, m := range c.Managers {
		f := fmt.Sprintf("managers[%d]", i+1)
		prev, dup := people[m.TelegramID]
		switch {
		case !p.given(f + ".telegram_id"):
		case m.TelegramID <= 0:
			p.bad(f+".telegram_id", "must be a positive Telegram user id")
		case dup:
			p.bad(f+".telegram_id", "%d is already used by %s", m.TelegramID, prev)
		default:
			people[m.TelegramID] = strings.TrimSuffix(fmt.Sprintf("%s (%s)", f, m.Name), " ()")
		}
		if p.given(f+".name") && strings.TrimSpace(m.Name) == "" {
			p.bad(f+".name", "must not be empty")
		}
		for j, code := range m.Languages {
			if _, ok := LookupLanguage(code); !ok {
				p.bad(fmt.Sprintf("%s.languages[%d]", f, j+1), "unknown language %q", code)
			}
		}
		for j, d := range m.Districts {
			if !districts[d] {
				p.bad(fmt.Sprintf("%s.districts[%d]", f, j+1), "unknown district %q (not in [[districts]])", d)
			}
		}
		if m.Office != "" && !offices[m.Office] {
			p.bad(f+".office", "unknown office %q (not in [[offices]])", m.Office)
		}
	}
}

// validateOfficeHours checks [[office_hours]] and fills in their parsed times.
func (c *Config) validateOfficeHours(p *problems, offices map[string]bool) {
	for i := range c.OfficeHours {
		h := &c.OfficeHours[i]
		f := fmt.Sprintf("office_hours[%d]", i+1)
		if _, ok := c.Manager(h.Manager); p.given(f+".manager") && !ok {
			p.bad(f+".manager", "%d is not a manager's telegram_id", h.Manager)
		}
		if p.given(f+".office") && !offices[h.Office] {
			p.bad(f+".office", "unknown office %q (not in [[offices]])", h.Office)
		}
		if p.given(f+".weekday") && !slices.Contains(Weekdays, h.Weekday) {
			p.bad(f+".weekday", "%q is not one of %s", h.Weekday, strings.Join(Weekdays, ", "))
		}
		from, errFrom := time.Parse("15:04", h.From)
		to, errTo := time.Parse("15:04", h.To)
		hasFrom, hasTo := p.given(f+".from"), p.given(f+".to")
		switch {
		case hasFrom && errFrom != nil:
			p.bad(f+".from", "%q is not a time like 09:00", h.From)
		case hasTo && errTo != nil:
			p.bad(f+".to", "%q is not a time like 12:00", h.To)
		case hasFrom && hasTo && errFrom == nil && errTo == nil && !to.After(from):
			p.bad(f+".to", "%s is not after %s", h.To, h.From)
		}
		h.from, h.to = from.Hour()*60+from.Minute(), to.Hour()*60+to.Minute()
		p.number(f+".slot_minutes", &h.SlotMinutes, 30, 5, 480)
		p.number(f+".seats", &h.Seats, 1, 1, 100)
		for j, code := range h.Interpreters {
			if _, ok := LookupLanguage(code); !ok {
				p.bad(fmt.Sprintf("%s.interpreters[%d]", f, j+1), "unknown language %q", code)
			}
		}
	}
}

// validateClosures checks [[closures]] and fills in their parsed days; it needs the town's
// zone, so it runs after validateTown.
func (c *Config) validateClosures(p *problems, offices map[string]bool) {
	for i := range c.Closures {
		cl := &c.Closures[i]
		f := fmt.Sprintf("closures[%d]", i+1)
		if cl.To == "" {
			cl.To = cl.From
		}
		from, errFrom := time.ParseInLocation("2006-01-02", cl.From, c.location())
		to, errTo := time.ParseInLocation("2006-01-02", cl.To, c.location())
		switch {
		case !p.given(f + ".from"):
		case errFrom != nil:
			p.bad(f+".from", "%q is not a date like 2026-12-24", cl.From)
		case errTo != nil:
			p.bad(f+".to", "%q is not a date like 2027-01-06", cl.To)
		case to.Before(from):
			p.bad(f+".to", "%s is before %s", cl.To, cl.From)
		}
		cl.from, cl.to = from, to.AddDate(0, 0, 1)
		if _, ok := c.Manager(cl.Manager); cl.Manager != 0 && !ok {
			p.bad(f+".manager", "%d is not a manager's telegram_id", cl.Manager)
		}
		if cl.Office != "" && !offices[cl.Office] {
			p.bad(f+".office", "unknown office %q (not in [[offices]])", cl.Office)
		}
	}
}

// validateLocal checks [local]: the kinds of places FAQ answers may name.
func (c *Config) validateLocal(p *problems) {
	p.list = append(p.list, placeProblems("local", c.Local, p.has)...)
}

// placeProblems checks a [local] section, or a commune's: known kinds, names, links.
func placeProblems(section string, places map[string]Place, has func(field string) bool) []string {
	p := &problems{has: has}
	for kind, pl := range places {
		f := section + "." + kind
		if !slices.Contains(LocalPlaces, kind) {
			if guess := closest(kind, LocalPlaces); guess != "" {
				p.bad(f, "unknown place (did you mean %q?)", guess)
			} else {
				p.bad(f, "unknown place (known: %s)", strings.Join(LocalPlaces, ", "))
			}
			continue
		}
		if p.given(f+".name") && strings.TrimSpace(pl.Name) == "" {
			p.bad(f+".name", "must not be empty")
		}
		if pl.URL != "" && !isWebLink(pl.URL) {
			p.bad(f+".url", "must be an http(s) link, not %q", pl.URL)
		}
	}
	return p.list
}

// validate fills defaults and returns every problem, each starting with the field's path.
func (b *Booking) validate() []string {
	p := &problems{section: "booking."}
	p.number("days_ahead", &b.DaysAhead, 14, 1, 90)
	p.number("cancel_cutoff_hours", &b.CancelCutoffHours, 24, 0, 336)
	p.number("max_open", &b.MaxOpen, 2, 1, 20)
	p.number("grace_minutes", &b.GraceMinutes, 15, 0, 240)
	if b.Reminders == nil {
		b.Reminders = []string{"24h", "2h"}
	}
	b.reminders = nil
	for i, r := range b.Reminders {
		d, err := time.ParseDuration(r)
		if err != nil || d <= 0 || d > 14*24*time.Hour {
			p.bad(fmt.Sprintf("reminders[%d]", i+1), "%q is not a time before the appointment like \"24h\" or \"90m\"", r)
			continue
		}
		b.reminders = append(b.reminders, d)
	}
	return p.list
}

// validate fills defaults and returns every problem, each starting with the field's path.
func (r *Relay) validate() []string {
	p := &problems{section: "relay."}
	p.number("nudge_after_hours", &r.NudgeAfterHours, 8, 1, 200)
	p.number("burst_minutes", &r.BurstMinutes, 10, 1, 240)
	p.number("flood_per_minute", &r.FloodPerMinute, 20, 3, 600)
	if r.WorkingHours == "" {
		r.WorkingHours = "08:00-16:00"
	}
	from, to, ok := strings.Cut(r.WorkingHours, "-")
	f, err1 := parseClock(strings.TrimSpace(from))
	t, err2 := parseClock(strings.TrimSpace(to))
	if !ok || err1 != nil || err2 != nil || t <= f {
		p.bad("working_hours", "%q is not a working day like \"08:00-16:00\"", r.WorkingHours)
	}
	r.workFrom, r.workTo = f, t
	return p.list
}

// validate fills defaults and returns every problem, each starting with the field's path.
func (t *Translation) validate() []string {
	p := &problems{section: "translation."}
	p.number("timeout_seconds", &t.TimeoutSeconds, 5, 1, 60)
	switch {
	case t.Engine == "" && t.URL != "":
		p.bad("engine", "is missing: name the engine at %q (one of %s), or remove url", t.URL, strings.Join(Engines, ", "))
	case t.Engine == "":
	case !slices.Contains(Engines, t.Engine):
		if guess := closest(t.Engine, Engines); guess != "" {
			p.bad("engine", "unknown engine %q (did you mean %q?)", t.Engine, guess)
		} else {
			p.bad("engine", "unknown engine %q (one of %s)", t.Engine, strings.Join(Engines, ", "))
		}
	case t.Engine == "libretranslate" && t.URL == "":
		p.bad("url", "is missing: the address of the town's LibreTranslate server, like \"https://translate.example.de\"")
	}
	if t.URL != "" && !isWebLink(t.URL) {
		p.bad("url", "%q is not an http(s) address like \"https://translate.example.de\"", t.URL)
	}
	return p.list
}

func isWebLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func checkID(bad func(string, string, ...any), field, id string, seen map[string]bool) {
	switch {
	case !idPattern.MatchString(id):
		bad(field, "%q must be 1–32 characters of a-z, 0-9, _ and -", id)
	case seen[id]:
		bad(field, "%q is used twice", id)
	}
	seen[id] = true
}

func shippedOptions() string {
	var codes []string
	for _, l := range Languages {
		codes = append(codes, l.Option)
	}
	sort.Strings(codes)
	return strings.Join(codes, ", ")
}
