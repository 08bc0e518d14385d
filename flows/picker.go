package flows

import (
	"hash/fnv"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// pageSize is how many choices a picker shows at once: a list that fits needs no paging, and
// eight names in a column are still easy to tell apart on a small phone.
const pageSize = 8

// The lists a picker pages through, named by one letter in the paging buttons' data.
const (
	listDistricts  = "d" // a client's district or housing site, after consent
	listCommunes   = "c" // a client's commune in a county of several
	listTimes      = "t" // context: a day 20060102; the free times a client can book
	listSegments   = "s" // context: news "." day; who gets group news
	listAssign     = "a" // context: a case number; the manager an admin gives the case to
	listSubstitute = "w" // context: from "." to, days 20060102; who stands in for an absent manager
	listStaffTimes = "b" // context: a case number; a manager's free times for a client
	listServices   = "v" // context: a category's place; the services of a category a client sees
	listReferTo    = "r" // context: a case number "." a category's place; the services to refer to
)

// A picker is a list of choices from the configuration — districts and housing sites,
// managers, the times of a day — shown a page at a time under ◀ ▶ buttons and "page 2/32", so
// that a town with 250 housing sites never sends Telegram more buttons than it accepts
// (100 in a message). A list that fits on one page looks like a plain list of buttons.
//
// Paging buttons carry the list, the page and a version of the choices, never the choices
// themselves: pressing one rebuilds the list from the stored state and the configuration,
// and a page that is not there any more, or a list that changed since, is refused.
type picker struct {
	list    string // one of the list* names
	context string // what the list depends on, [0-9a-z.]; in the paging data
	text    []Phrase
	// hint is added to the text while the list has more than one page, e.g. that typing
	// finds a name; ID "" for none.
	hint    Phrase
	choices []choice
	columns int // choices in a row; 0 means 1
	// head and foot are rows shown above and below the choices on every page.
	head, foot [][]Button
	// step is the client's step whose question this is, for the screens it makes.
	step Step
}

// choice is one entry of a picker.
type choice struct {
	key    string // what the list's owner needs when the choice is typed rather than pressed
	name   string // what typing finds the choice by
	button Button
	extra  []Button // shown beside button in its row, e.g. "book with an interpreter"
}

// pages is the number of pages, at least 1.
func (p picker) pages() int { return max(1, (len(p.choices)+pageSize-1)/pageSize) }

// versionSpace bounds a list version to four base-36 characters.
const versionSpace = 36 * 36 * 36 * 36

// version names the choices as they are: any change to them — another search, a reloaded
// configuration, a seat taken meanwhile — gives another version, so an old paging button
// cannot show a page of a different list.
func (p picker) version() string {
	h := fnv.New32a()
	for _, c := range p.choices {
		h.Write([]byte(c.button.Data))
		h.Write([]byte{0})
	}
	return strconv.FormatUint(uint64(h.Sum32()%versionSpace), 36)
}

// page returns page n, counting from 1, as a screen. Paging wraps around: ◀ on the first
// page goes to the last, so the row of paging buttons always looks the same.
func (p picker) page(n int) screen {
	pages := p.pages()
	n = min(max(n, 1), pages)
	s := screen{text: slices.Clone(p.text), step: p.step}
	if pages > 1 && p.hint.ID != "" {
		s.text = append(s.text, p.hint)
	}
	s.buttons = append(s.buttons, p.head...)
	columns := max(p.columns, 1)
	var row []Button
	for _, c := range p.choices[(n-1)*pageSize : min(n*pageSize, len(p.choices))] {
		row = append(append(row, c.button), c.extra...)
		if len(row) >= columns {
			s.buttons, row = append(s.buttons, row), nil
		}
	}
	if len(row) > 0 {
		s.buttons = append(s.buttons, row)
	}
	if pages > 1 {
		version := p.version()
		data := func(page int) string {
			arg := p.list + "." + strconv.Itoa(page) + "." + version
			if p.context != "" {
				arg += "." + p.context
			}
			return Data(ActPage, arg)
		}
		s.buttons = append(s.buttons, []Button{
			{Label: Msg("PickerPrevious"), Data: data((n+pages-2)%pages + 1)},
			{Label: Phrase{ID: "PickerPage", Sub: map[string]Phrase{"Page": Number(strconv.Itoa(n)), "Pages": Number(strconv.Itoa(pages))}}, Data: data(n)},
			{Label: Msg("PickerNext"), Data: data(n%pages + 1)},
		})
	}
	s.buttons = append(s.buttons, p.foot...)
	return s
}

// pageArg is the argument of a paging button: list "." page "." version ["." context].
var pageArg = regexp.MustCompile(`^([a-z])\.([0-9]{1,4})\.([0-9a-z]{1,4})(?:\.([0-9a-z.]{1,40}))?$`)

// pageRef is a parsed paging button.
type pageRef struct {
	list    string
	page    int
	version string
	context string
}

// parsePage parses the argument of a paging button.
func parsePage(arg string) (pageRef, bool) {
	m := pageArg.FindStringSubmatch(arg)
	if m == nil {
		return pageRef{}, false
	}
	n, err := strconv.Atoi(m[2])
	return pageRef{list: m[1], page: n, version: m[3], context: m[4]}, err == nil && n >= 1
}

// showPage shows the page a paging button asks for, of the candidate it was made from: the
// whole list, or the one a search narrowed it to. handled is false when no candidate has
// that page in that version, for the caller to refuse the button.
func (t *turn) showPage(ref pageRef, candidates ...picker) (handled bool, err error) {
	for _, p := range candidates {
		if p.list == ref.list && p.context == ref.context && p.version() == ref.version && ref.page <= p.pages() {
			return true, t.show(p.page(ref.page))
		}
	}
	return false, nil
}

// maxQueryRunes bounds what a search looks at: names are short, a pasted letter is not one.
const maxQueryRunes = 64

// narrow returns the picker with only the choices whose names contain every word typed,
// ignoring case, diacritics and letter variants (Normalize): "schonblick" finds
// "Schönblick", "lindenweg anschluss" finds "Anschlussunterbringung Lindenweg". A name that
// is exactly what was typed is the only match, even where longer names contain it.
func (p picker) narrow(query string) picker {
	words := strings.Fields(Normalize(truncateRunes(query, maxQueryRunes)))
	whole := strings.Join(words, " ")
	var found []choice
	for _, c := range p.choices {
		if len(words) == 0 {
			break
		}
		name := strings.Join(strings.Fields(Normalize(c.name)), " ")
		if name == whole {
			found = []choice{c}
			break
		}
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(name, w) }) {
			found = append(found, c)
		}
	}
	p.choices = found
	return p
}

// pick finds the choice a person typed. One match is returned with ok. Otherwise the
// matches are shown, or, when nothing matches, a note saying so and the whole list again;
// kept is the query when the matches fill more than one page, so that their paging buttons
// can find them again ("" otherwise).
func (t *turn) pick(p picker, query string) (c choice, ok bool, kept string, err error) {
	found := p.narrow(query)
	switch n := len(found.choices); {
	case n == 1:
		return found.choices[0], true, "", nil
	case n == 0:
		return choice{}, false, "", t.show(p.page(1).after(Msg("PickerNoMatch", "Query", truncateRunes(strings.TrimSpace(query), 40))))
	case n > pageSize:
		kept = truncateRunes(query, maxQueryRunes)
	}
	return choice{}, false, kept, t.show(found.page(1).after(Plural("PickerMatches", len(found.choices))))
}

// searchName is what typing finds a place by: its official name and, where the client reads
// another, that one too; a name typed exactly as either is the only match.
func searchName(official, shown string) string {
	if shown == official || strings.Contains(official, shown) {
		return official
	}
	return official + " " + shown
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// managerRef names the manager at index i of the configuration in button data: by the
// place in the list and two letters derived from the manager, never by their Telegram id.
// The letters make a button made before the list was reordered fail rather than name
// someone else.
func (f *Flows) managerRef(i int) string {
	return strconv.Itoa(i) + managerCheck(f.Config.Managers[i])
}

var managerRefPattern = regexp.MustCompile(`^([0-9]{1,4})([a-z]{2})$`)

// managerOfRef returns the manager a managerRef names, if the configuration still has them
// at that place.
func (f *Flows) managerOfRef(ref string) (Manager, bool) {
	m := managerRefPattern.FindStringSubmatch(ref)
	if m == nil {
		return Manager{}, false
	}
	i, err := strconv.Atoi(m[1])
	if err != nil || i >= len(f.Config.Managers) || managerCheck(f.Config.Managers[i]) != m[2] {
		return Manager{}, false
	}
	return f.Config.Managers[i], true
}

func managerCheck(m Manager) string {
	h := fnv.New32a()
	h.Write([]byte(strconv.FormatInt(m.TelegramID, 10) + "\x00" + m.Name))
	sum := h.Sum32()
	return string([]byte{'a' + byte(sum%26), 'a' + byte(sum/26%26)})
}

// managerPicker lists the managers except skip for a staff tool; choosing one sends action
// with context "." the manager's reference.
func (f *Flows) managerPicker(list, context, action string, skip int64, text Phrase) picker {
	p := picker{list: list, context: context, text: []Phrase{text}}
	for i, m := range f.Config.Managers {
		if m.TelegramID == skip {
			continue
		}
		ref := f.managerRef(i)
		p.choices = append(p.choices, choice{key: ref, name: m.Name, button: Button{Label: Literal("👤 " + m.Name), Data: Data(action, context+"."+ref)}})
	}
	return p
}
