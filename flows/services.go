package flows

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The services directory is the Lotsenfunktion's map: the regular services a manager refers
// clients to (migration counselling, the Jobcenter, language courses, Kita and school
// offices, counselling, volunteers). Clients browse it as "Help nearby" in their language;
// managers refer a client to one of its services from the case card or a relay header
// (referral.go).

// Service is one entry of the town's [[services]]: a place a client can go to for help.
type Service struct {
	ID       string `toml:"id"`
	Category string `toml:"category"`
	// Commune is the commune the service serves, "" for the whole county.
	Commune string         `toml:"commune"`
	Name    string         `toml:"name"`
	Address string         `toml:"address"`
	Phone   string         `toml:"phone"`
	Website string         `toml:"website"`
	MapURL  string         `toml:"map_url"` // default: an OpenStreetMap search of Address
	Hours   []ServiceHours `toml:"hours"`
	// Languages are the language options the service's staff speak.
	Languages []string `toml:"languages"`
	// Description says in a sentence what the service does, in German (or the town's own
	// language); Descriptions gives it in other languages.
	Description  string            `toml:"description"`
	Descriptions map[string]string `toml:"descriptions"`
	// Bring says what to bring to an appointment; Brings in other languages.
	Bring  string            `toml:"bring"`
	Brings map[string]string `toml:"brings"`
}

// ServiceHours is a weekly block in which a service is open.
type ServiceHours struct {
	Weekday string `toml:"weekday"` // mon … sun
	From    string `toml:"from"`    // 15:04
	To      string `toml:"to"`

	from, to int // minutes after midnight, set by validate
}

// maxServiceName bounds a service's name, which labels a button and is a plan step's words.
const maxServiceName = 100

// Referrals holds the rules of referrals to services.
type Referrals struct {
	// FollowupDays is how many days after a referral the client is asked whether it
	// worked; default 14.
	FollowupDays int `toml:"followup_days"`
}

// ServiceCategory is a kind of service; its name is the catalog message "ServiceCategory"
// + the capitalised id.
type ServiceCategory struct {
	ID    string
	Emoji string
	// Field is the field of action of the integration plan a referral to it belongs to.
	Field string
}

// ServiceCategories are the kinds of services a town can list, in the order clients see
// them.
var ServiceCategories = []ServiceCategory{
	{ID: "migration", Emoji: "🤝", Field: "papers"},
	{ID: "youth", Emoji: "🧑", Field: "school"},
	{ID: "language", Emoji: "🗣", Field: "language"},
	{ID: "jobcenter", Emoji: "💼", Field: "work"},
	{ID: "foreigners", Emoji: "📄", Field: "papers"},
	{ID: "kita-school", Emoji: "🎒", Field: "school"},
	{ID: "health", Emoji: "🩺", Field: "health"},
	{ID: "debt", Emoji: "💶", Field: "money"},
	{ID: "pregnancy", Emoji: "🤰", Field: "family"},
	{ID: "volunteers", Emoji: "🙌", Field: "family"},
}

func serviceCategory(id string) (ServiceCategory, bool) {
	return byID(ServiceCategories, id, func(c ServiceCategory) string { return c.ID })
}

func categoryIDs() []string {
	var ids []string
	for _, c := range ServiceCategories {
		ids = append(ids, c.ID)
	}
	return ids
}

// categoryName names a category with its emoji, in the reader's language.
func categoryName(c ServiceCategory) Phrase {
	return Join(" ", Literal(c.Emoji), Msg("ServiceCategory"+catalogID(c.ID)))
}

// validate fills defaults and returns every problem of [[services]], each starting with
// the field's path; has and given work as in Config.validate.
func (c *Config) validateServices(has func(field string) bool) []string {
	var problems []string
	bad := func(field, format string, args ...any) {
		problems = append(problems, field+": "+fmt.Sprintf(format, args...))
	}
	given := func(field string) bool {
		if !has(field) {
			bad(field, "is missing")
			return false
		}
		return true
	}
	texts := func(field string, byLang map[string]string) {
		for lang, text := range byLang {
			if _, ok := LookupLanguage(lang); !ok {
				bad(field+"."+lang, "%q is not a language option of Lotse (%s)", lang, shippedOptions())
			}
			if strings.TrimSpace(text) == "" {
				bad(field+"."+lang, "must not be empty")
			}
		}
	}
	ids := map[string]bool{}
	for i := range c.Services {
		s := &c.Services[i]
		f := fmt.Sprintf("services[%d]", i+1)
		if given(f + ".id") {
			checkID(bad, f+".id", s.ID, ids)
		}
		if _, ok := serviceCategory(s.Category); given(f+".category") && !ok {
			if guess := closest(s.Category, categoryIDs()); guess != "" {
				bad(f+".category", "unknown category %q (did you mean %q?)", s.Category, guess)
			} else {
				bad(f+".category", "unknown category %q (one of %s)", s.Category, strings.Join(categoryIDs(), ", "))
			}
		}
		switch {
		case !given(f + ".name"):
		case strings.TrimSpace(s.Name) == "":
			bad(f+".name", "must not be empty")
		case utf8.RuneCountInString(s.Name) > maxServiceName:
			// The name becomes a button and the words of a plan step.
			bad(f+".name", "is %d characters long; at most %d fit a button", utf8.RuneCountInString(s.Name), maxServiceName)
		}
		if s.Website != "" && !isWebLink(s.Website) {
			bad(f+".website", "must be an http(s) link, not %q", s.Website)
		}
		if s.MapURL != "" && !isWebLink(s.MapURL) {
			bad(f+".map_url", "must be an http(s) link, not %q", s.MapURL)
		}
		if s.MapURL == "" && strings.TrimSpace(s.Address) != "" {
			s.MapURL = "https://www.openstreetmap.org/search?query=" + url.QueryEscape(s.Address)
		}
		for j := range s.Hours {
			h := &s.Hours[j]
			at := fmt.Sprintf("%s.hours[%d]", f, j+1)
			if given(at+".weekday") && !slices.Contains(Weekdays, h.Weekday) {
				bad(at+".weekday", "%q is not one of %s", h.Weekday, strings.Join(Weekdays, ", "))
			}
			from, errFrom := time.Parse("15:04", h.From)
			to, errTo := time.Parse("15:04", h.To)
			hasFrom, hasTo := given(at+".from"), given(at+".to")
			switch {
			case hasFrom && errFrom != nil:
				bad(at+".from", "%q is not a time like 08:00", h.From)
			case hasTo && errTo != nil:
				bad(at+".to", "%q is not a time like 12:00", h.To)
			case hasFrom && hasTo && errFrom == nil && errTo == nil && !to.After(from):
				bad(at+".to", "%s is not after %s", h.To, h.From)
			}
			h.from, h.to = from.Hour()*60+from.Minute(), to.Hour()*60+to.Minute()
		}
		for j, code := range s.Languages {
			if _, ok := LookupLanguage(code); !ok {
				bad(fmt.Sprintf("%s.languages[%d]", f, j+1), "unknown language %q (shipped: %s)", code, shippedOptions())
			}
		}
		texts(f+".descriptions", s.Descriptions)
		texts(f+".brings", s.Brings)
		for _, t := range []struct{ field, text string }{{"description", s.Description}, {"bring", s.Bring}} {
			if has(f+"."+t.field) && strings.TrimSpace(t.text) == "" {
				bad(f+"."+t.field, "must not be empty")
			}
		}
	}
	if c.Referrals.FollowupDays == 0 {
		c.Referrals.FollowupDays = 14
	}
	if d := c.Referrals.FollowupDays; d < 1 || d > 180 {
		bad("referrals.followup_days", "must be between 1 and 180, not %d", d)
	}
	return problems
}

// servicesFor returns the services client c sees: the county's and those of the commune
// they live in. Every question of which services a client sees goes through here.
func (f *Flows) servicesFor(c *Client) []Service {
	commune := f.communeOf(c)
	var out []Service
	for _, s := range f.Config.Services {
		if s.Commune == "" || s.Commune == commune {
			out = append(out, s)
		}
	}
	return out
}

// serviceFor returns the service with the given id if client c sees it.
func (f *Flows) serviceFor(c *Client, id string) (Service, bool) {
	return byID(f.servicesFor(c), id, func(s Service) string { return s.ID })
}

// categoriesFor returns the categories of which client c sees services.
func (f *Flows) categoriesFor(c *Client) []ServiceCategory {
	var out []ServiceCategory
	services := f.servicesFor(c)
	for _, cat := range ServiceCategories {
		if slices.ContainsFunc(services, func(s Service) bool { return s.Category == cat.ID }) {
			out = append(out, cat)
		}
	}
	return out
}

// Button arguments of the services directory.
var (
	serviceArg = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
)

// ---- Client side: Help nearby ----

// servicesButton handles a client's "Help nearby" buttons: the categories, the services
// of one, a service's card. handled is false for a category or service the client does not
// see.
func (f *Flows) servicesButton(t *turn, c *Client, a Action) (handled bool, err error) {
	back := []Button{{Label: Msg("MenuServices"), Data: Data(ActServices)}, backButton()}
	switch {
	case a.Name == ActServices && a.Arg == "":
		cats := f.categoriesFor(c)
		if len(cats) == 0 {
			return true, t.show(screen{text: []Phrase{Msg("ServicesNone")}, buttons: [][]Button{{backButton()}}})
		}
		var buttons []Button
		for _, cat := range cats {
			buttons = append(buttons, Button{Label: categoryName(cat), Data: Data(ActServices, cat.ID)})
		}
		s := screen{text: []Phrase{Msg("ServicesTitle")}}
		for row := range slices.Chunk(buttons, 2) {
			s.buttons = append(s.buttons, row)
		}
		return true, t.show(s.withRow([]Button{backButton()}))
	case a.Name == ActServices:
		cat, ok := serviceCategory(a.Arg)
		if !ok || !slices.Contains(f.categoriesFor(c), cat) {
			return false, nil
		}
		p := f.servicePicker(c, cat, listServices, "", func(svc Service) string { return Data(ActService, svc.ID) })
		p.foot = [][]Button{back}
		return true, t.show(p.page(1))
	case a.Name == ActService:
		svc, ok := f.serviceFor(c, a.Arg)
		if !ok {
			return false, nil
		}
		card := f.serviceCard(svc, c.Lang, false)
		return true, t.show(card.withRow(back))
	}
	return false, nil
}

// servicePicker lists the services of category cat client c sees, a page at a time: a
// county may have dozens of one kind. Its paging buttons carry the category's place in
// ServiceCategories after context.
func (f *Flows) servicePicker(c *Client, cat ServiceCategory, list, context string, data func(Service) string) picker {
	place := itoa(slices.IndexFunc(ServiceCategories, func(o ServiceCategory) bool { return o.ID == cat.ID }))
	if context != "" {
		context += "."
	}
	p := picker{list: list, context: context + place, text: []Phrase{{ID: "ServicesOfCategory", Sub: map[string]Phrase{"Category": categoryName(cat)}}}}
	for _, svc := range f.servicesFor(c) {
		if svc.Category == cat.ID {
			p.choices = append(p.choices, choice{key: svc.ID, name: svc.Name, button: Button{Label: Literal(svc.Name), Data: data(svc)}})
		}
	}
	return p
}

// placeCategories are the service categories of the kinds of local places FAQ answers name.
var placeCategories = map[string]string{
	"jobcenter": "jobcenter", "foreigners_office": "foreigners", "migration_counselling": "migration",
	"language_school": "language", "kita_registration": "kita-school", "school_office": "kita-school",
	"pregnancy_counselling": "pregnancy",
}

// maxAnswerServices bounds the service buttons under an FAQ answer.
const maxAnswerServices = 3

// answerServices are the services a client sees of the kinds FAQ answer id names, so that the
// answer leads to their cards.
func (f *Flows) answerServices(c *Client, id string) []Service {
	var cats []string
	for _, kind := range f.FAQ.Get().Places(id) {
		if cat, ok := placeCategories[kind]; ok {
			cats = append(cats, cat)
		}
	}
	var out []Service
	for _, svc := range f.servicesFor(c) {
		if slices.Contains(cats, svc.Category) && len(out) < maxAnswerServices {
			out = append(out, svc)
		}
	}
	return out
}

// categoryAt is the category at a place in ServiceCategories, from a paging button.
func categoryAt(place string) (ServiceCategory, bool) {
	i, err := strconv.Atoi(place)
	if err != nil || i < 0 || i >= len(ServiceCategories) {
		return ServiceCategory{}, false
	}
	return ServiceCategories[i], true
}

// servicesPage shows another page of the services of a category.
func (f *Flows) servicesPage(t *turn, c *Client, ref pageRef) (handled bool, err error) {
	cat, ok := categoryAt(ref.context)
	if !ok || !c.decided() {
		return false, nil
	}
	p := f.servicePicker(c, cat, listServices, "", func(svc Service) string { return Data(ActService, svc.ID) })
	p.foot = [][]Button{{{Label: Msg("MenuServices"), Data: Data(ActServices)}, backButton()}}
	return t.showPage(ref, p)
}

// serviceCard is a service in the reader's language: name and category, what it does,
// where, how to call, when it is open and whether it is open now, the languages spoken,
// and with bring what to bring; a button opens the map.
func (f *Flows) serviceCard(s Service, lang string, bring bool) screen {
	cat, _ := serviceCategory(s.Category)
	head := []Phrase{{ID: "ServiceCardTitle", Args: map[string]string{"Name": s.Name}, Sub: map[string]Phrase{"Category": categoryName(cat)}}}
	if d := inLanguage(s.Description, s.Descriptions, lang); d.Kind != "" || d.ID != "" {
		head = append(head, d)
	}
	var lines []Phrase
	if s.Address != "" {
		lines = append(lines, Msg("ServiceAddress", "Address", s.Address))
	}
	if s.Phone != "" {
		lines = append(lines, Msg("ServicePhone", "Phone", s.Phone))
	}
	if s.Website != "" {
		lines = append(lines, Msg("ServiceWebsite", "Website", s.Website))
	}
	if len(s.Languages) > 0 {
		var names []Phrase
		for _, l := range s.Languages {
			names = append(names, LanguageName(l))
		}
		lines = append(lines, Phrase{ID: "ServiceLanguages", Sub: map[string]Phrase{"Languages": Join(", ", names...)}})
	}
	text := []Phrase{Join("\n", head...)}
	if len(lines) > 0 {
		text = append(text, Join("\n", lines...))
	}
	if len(s.Hours) > 0 {
		text = append(text, f.serviceHours(s))
	}
	if bring {
		if b := inLanguage(s.Bring, s.Brings, lang); b.Kind != "" || b.ID != "" {
			text = append(text, Phrase{ID: "ServiceBring", Sub: map[string]Phrase{"Text": b}})
		}
	}
	var buttons [][]Button
	if s.MapURL != "" {
		buttons = append(buttons, []Button{{Label: Msg("ServiceMapButton"), URL: s.MapURL}})
	}
	return screen{text: text, buttons: buttons}
}

// inLanguage is a service's text in lang if the town gives it, else the text as written,
// marked as German; the zero Phrase when there is none.
func inLanguage(text string, byLang map[string]string, lang string) Phrase {
	switch {
	case byLang[lang] != "":
		return Literal(byLang[lang])
	case text == "":
		return Phrase{}
	case lang == "de":
		return Literal(text)
	}
	return Msg("ServiceInGerman", "Text", text)
}

// serviceHours lists a service's opening hours, Monday first, and says whether it is open
// now or when it opens next, in the town's zone; public holidays count as closed.
func (f *Flows) serviceHours(s Service) Phrase {
	hours := slices.Clone(s.Hours)
	slices.SortStableFunc(hours, func(a, b ServiceHours) int {
		if c := slices.Index(Weekdays, a.Weekday) - slices.Index(Weekdays, b.Weekday); c != 0 {
			return c
		}
		return a.from - b.from
	})
	var lines []Phrase
	for _, h := range hours {
		lines = append(lines, Phrase{ID: "ServiceHoursLine", Sub: map[string]Phrase{
			"Day": Msg(weekdayIDs[(slices.Index(Weekdays, h.Weekday)+1)%7]), "Time": Number(h.From + "–" + h.To)}})
	}
	now := f.Now().In(f.Config.location())
	if until, ok := openUntil(hours, now); ok {
		lines = append(lines, Phrase{ID: "ServiceOpenNow", Sub: map[string]Phrase{"Time": Number(until)}})
	} else if at, ok := nextOpening(hours, now); ok {
		lines = append(lines, Phrase{ID: "ServiceOpens", Sub: map[string]Phrase{"Day": weekday(at), "Time": Number(at.Format("15:04"))}})
	}
	return Join("\n", lines...)
}

// weekdayKey is the key of t's weekday in Weekdays.
func weekdayKey(t time.Time) string { return Weekdays[(int(t.Weekday())+6)%7] }

// openUntil reports whether one of the hours is open at now, and until when.
func openUntil(hours []ServiceHours, now time.Time) (string, bool) {
	if IsPublicHoliday(now) {
		return "", false
	}
	minute := now.Hour()*60 + now.Minute()
	for _, h := range hours {
		if h.Weekday == weekdayKey(now) && h.from <= minute && minute < h.to {
			return h.To, true
		}
	}
	return "", false
}

// nextOpening is when the service opens next after now, within a week and a day; public
// holidays are skipped.
func nextOpening(hours []ServiceHours, now time.Time) (time.Time, bool) {
	for d := 0; d <= 8; d++ {
		day := now.AddDate(0, 0, d)
		if IsPublicHoliday(day) {
			continue
		}
		var best time.Time
		for _, h := range hours {
			if h.Weekday != weekdayKey(day) {
				continue
			}
			at := time.Date(day.Year(), day.Month(), day.Day(), h.from/60, h.from%60, 0, 0, now.Location())
			if at.After(now) && (best.IsZero() || at.Before(best)) {
				best = at
			}
		}
		if !best.IsZero() {
			return best, true
		}
	}
	return time.Time{}, false
}
