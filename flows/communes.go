package flows

import (
	_ "embed"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
)

// ExampleCounty is the configuration of the Landkreis Musterkreis, a fictional county of three
// communes: the template for a Landratsamt.
//
//go:embed landkreis.toml
var ExampleCounty []byte

// Commune is one municipality (Gemeinde) of a Landkreis whose Landratsamt runs the
// integration management for many of them at once. Each has its own offices, districts and
// housing sites, local places and team leads; its office hours are those held at its offices,
// and its managers are those serving its districts (one may serve several communes). A file
// without communes is a county of one commune: its town.
type Commune struct {
	ID   string `toml:"id"`
	Name string `toml:"name"`
	// Names are what clients read instead of Name, by language option: the official name in
	// their script, perhaps with a short translated description beside it.
	Names map[string]string `toml:"names"`
	// Admins are the Telegram user ids of the commune's team leads: they see its figures and
	// cases only. The county's admins (the top-level admins) see every commune.
	Admins []int64 `toml:"admins"`
	// Local are the commune's own places for FAQ answers; they override the county's of the
	// same kind.
	Local map[string]Place `toml:"local"`
	// FAQDir holds the commune's own answers to FAQ questions (<catalog>.toml, relative to
	// the configuration file), which its clients read instead of the county's. Optional.
	FAQDir string `toml:"faq_dir"`
}

// FAQPath is the directory of a commune's own answers, or "" when it has none.
func (c *Config) communeFAQPath(m Commune) string {
	if m.FAQDir == "" || filepath.IsAbs(m.FAQDir) {
		return m.FAQDir
	}
	return filepath.Join(c.Dir, m.FAQDir)
}

// validateCommunes checks the [[communes]] section and the commune named by districts,
// offices, closures and office hours. A district of a file with one commune belongs to it
// unless it says otherwise.
func (c *Config) validateCommunes(has func(field string) bool) []string {
	var problems []string
	bad := func(field, format string, args ...any) {
		problems = append(problems, field+": "+fmt.Sprintf(format, args...))
	}
	ids := map[string]bool{}
	names := map[string]string{}
	// A county names itself; one town listing itself as its only commune may keep its town.
	if len(c.Communes) > 0 && (has("county") || !has("town")) {
		if !has("county") {
			bad("county", "is missing: the Landkreis that runs the integration management of the communes, like \"Landkreis Musterkreis\"")
		} else if strings.TrimSpace(c.County) == "" {
			bad("county", "must not be empty")
		}
	}
	for i, m := range c.Communes {
		f := fmt.Sprintf("communes[%d]", i+1)
		if !has(f + ".id") {
			bad(f+".id", "is missing")
		} else {
			checkID(bad, f+".id", m.ID, ids)
		}
		switch name := strings.TrimSpace(m.Name); {
		case !has(f + ".name"):
			bad(f+".name", "is missing")
		case name == "":
			bad(f+".name", "must not be empty")
		case names[Normalize(name)] != "":
			bad(f+".name", "%q is already the name of %s", m.Name, names[Normalize(name)])
		default:
			names[Normalize(name)] = f
		}
		namesProblems(bad, f, m.Names)
		for j, id := range m.Admins {
			if id <= 0 {
				bad(fmt.Sprintf("%s.admins[%d]", f, j+1), "must be a positive Telegram user id")
			}
		}
		problems = append(problems, placeProblems(f+".local", m.Local, has)...)
	}
	// known checks a commune a section names.
	known := func(field, id string) {
		switch {
		case id == "" || ids[id]:
		case len(c.Communes) == 0:
			bad(field, "unknown commune %q: the file lists no [[communes]]", id)
		default:
			all := slices.Sorted(maps.Keys(ids))
			if guess := closest(id, all); guess != "" {
				bad(field, "unknown commune %q (did you mean %q?)", id, guess)
			} else {
				bad(field, "unknown commune %q (not in [[communes]]: %s)", id, strings.Join(all, ", "))
			}
		}
	}
	for i := range c.Districts {
		d := &c.Districts[i]
		f := fmt.Sprintf("districts[%d].commune", i+1)
		switch {
		case d.Commune == "" && len(c.Communes) == 1:
			d.Commune = c.Communes[0].ID
		case d.Commune == "" && len(c.Communes) > 1:
			bad(f, "is missing: with several communes every district names its commune")
		default:
			known(f, d.Commune)
		}
	}
	for i, o := range c.Offices {
		known(fmt.Sprintf("offices[%d].commune", i+1), o.Commune)
	}
	for i, cl := range c.Closures {
		known(fmt.Sprintf("closures[%d].commune", i+1), cl.Commune)
	}
	for i, s := range c.Services {
		known(fmt.Sprintf("services[%d].commune", i+1), s.Commune)
	}
	// Office hours follow their office: a manager holds them only in a commune they serve.
	for i, h := range c.OfficeHours {
		m, ok := c.Manager(h.Manager)
		commune := c.officeCommune(h.Office)
		if !ok || commune == "" || !ids[commune] || len(m.Districts) == 0 || slices.Contains(c.managerCommunes(m), commune) {
			continue
		}
		bad(fmt.Sprintf("office_hours[%d].office", i+1), "%q is in commune %q, where %s serves no district",
			h.Office, commune, m.Name)
	}
	return problems
}

// Commune returns the configured commune with the given id.
func (c *Config) Commune(id string) (Commune, bool) {
	for _, m := range c.Communes {
		if m.ID == id {
			return m, true
		}
	}
	return Commune{}, false
}

// districtCommune is the commune of district id, "" for none.
func (c *Config) districtCommune(id string) string {
	for _, d := range c.Districts {
		if d.ID == id {
			return d.Commune
		}
	}
	return ""
}

// officeCommune is the commune of office id, "" for an office of the county.
func (c *Config) officeCommune(id string) string {
	for _, o := range c.Offices {
		if o.ID == id {
			return o.Commune
		}
	}
	return ""
}

// managerCommunes are the communes a manager serves: those of their districts, in the order
// of the configuration.
func (c *Config) managerCommunes(m Manager) []string {
	var out []string
	for _, d := range c.Districts {
		if d.Commune != "" && slices.Contains(m.Districts, d.ID) && !slices.Contains(out, d.Commune) {
			out = append(out, d.Commune)
		}
	}
	return out
}

// communeManagers are the managers serving a district of commune id.
func (c *Config) communeManagers(id string) []int64 {
	var out []int64
	for _, m := range c.Managers {
		if slices.Contains(c.managerCommunes(m), id) {
			out = append(out, m.TelegramID)
		}
	}
	return out
}

// AdminCommunes returns the communes an admin sees: all of them (all is true) for an admin
// of the county, else those the person leads.
func (c *Config) AdminCommunes(id int64) (communes []string, all bool) {
	if slices.Contains(c.Admins, id) {
		return nil, true
	}
	for _, m := range c.Communes {
		if slices.Contains(m.Admins, id) {
			communes = append(communes, m.ID)
		}
	}
	return communes, false
}

// communeOf is the commune a client lives in: the one they chose, else their district's, else
// the only one there is or their manager serves; "" while unknown.
func (f *Flows) communeOf(c *Client) string {
	if c.Commune != "" {
		return c.Commune
	}
	if d := f.Config.districtCommune(c.District); d != "" {
		return d
	}
	if len(f.Config.Communes) == 1 {
		return f.Config.Communes[0].ID
	}
	if m, ok := f.Config.Manager(c.Manager); ok {
		if served := f.Config.managerCommunes(m); len(served) == 1 {
			return served[0]
		}
	}
	return ""
}

// townOf is what texts call the client's town: their commune's name, or the configuration's
// town while the commune is unknown.
func (f *Flows) townOf(c *Client, lang string) string {
	if name := f.Config.CommuneName(f.communeOf(c), lang); name != "" {
		return name
	}
	return f.Config.Town
}

// officeServes reports whether office id holds office hours for clients of commune: an
// office of the county serves everyone, and a client whose commune is unknown is offered
// every office.
func (f *Flows) officeServes(office, commune string) bool {
	oc := f.Config.officeCommune(office)
	return oc == "" || commune == "" || oc == commune
}

// officeHours is the list of office hours a client is shown: their commune's.
func (f *Flows) officeHours(c *Client) Phrase {
	p := Content(PhraseOfficeHours, "")
	p.Literal = f.communeOf(c)
	return p
}

// answer is the answer to FAQ question id with the local values of the client's commune.
func (f *Flows) answer(c *Client, id string) Phrase {
	p := Content(PhraseAnswer, id)
	p.Literal = f.communeOf(c)
	return p
}

// LocalPlacesOf returns the places FAQ answers name for clients of commune id: the county's,
// with the commune's own in place of those of the same kind.
func (c *Config) LocalPlacesOf(commune string) map[string]Place {
	out := maps.Clone(c.Local)
	if out == nil {
		out = map[string]Place{}
	}
	if m, ok := c.Commune(commune); ok {
		maps.Copy(out, m.Local)
	}
	return out
}

// OfficesOf returns the offices that serve clients of commune id ("" for all): its own and the
// county's.
func (c *Config) OfficesOf(commune string) []Office {
	var out []Office
	for _, o := range c.Offices {
		if commune == "" || o.Commune == "" || o.Commune == commune {
			out = append(out, o)
		}
	}
	return out
}

// CommuneName is the name of commune id for a reader of language option lang: the name the
// configuration gives in that language, else the official one; "" for an unknown commune.
func (c *Config) CommuneName(id, lang string) string {
	m, ok := c.Commune(id)
	if !ok {
		return ""
	}
	if name := m.Names[lang]; name != "" {
		return name
	}
	return m.Name
}

// adminSees reports whether admin id may see case c: a county's admin every case, a
// commune's team lead the cases of their communes.
func (f *Flows) adminSees(id int64, c *Client) bool {
	led, all := f.Config.AdminCommunes(id)
	return all || slices.Contains(led, f.communeOf(c))
}

// districtChoices is the length of the longest list of districts a client chooses from: in a
// county, those of one commune.
func (c *Config) districtChoices() int {
	if len(c.Communes) == 0 {
		return len(c.Districts)
	}
	perCommune := map[string]int{}
	longest := 0
	for _, d := range c.Districts {
		perCommune[d.Commune]++
		longest = max(longest, perCommune[d.Commune])
	}
	return longest
}

// namesProblems checks the names per language of a commune or district: known languages,
// none empty.
func namesProblems(bad func(field, format string, args ...any), entry string, names map[string]string) {
	for _, lang := range slices.Sorted(maps.Keys(names)) {
		if _, ok := LookupLanguage(lang); !ok {
			bad(entry+".names."+lang, "unknown language %q (shipped: %s)", lang, shippedOptions())
		} else if strings.TrimSpace(names[lang]) == "" {
			bad(entry+".names."+lang, "must not be empty")
		}
	}
}
