package translate

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrEmptyTranslation is Check's answer to an empty translation of a text that had
// something to say.
var ErrEmptyTranslation = errors.New("translate: the translation is empty")

// Item is something in a text that a translation must carry over unchanged.
type Item struct {
	// What it is: "URL", "e-mail address", "date", "time", "case label", "phone number"
	// or "number".
	What string
	// Value is the item as the original writes it, with its digits in ASCII.
	Value string
}

// CheckError lists what a translation lost or changed. Its message counts the items but
// does not show them, since they are often personal data (a phone number, an address);
// Missing holds them for the person who reads the translation.
type CheckError struct {
	Missing []Item
}

func (e *CheckError) Error() string {
	var order []string
	counts := map[string]int{}
	for _, it := range e.Missing {
		if counts[it.What] == 0 {
			order = append(order, it.What)
		}
		counts[it.What]++
	}
	parts := make([]string, len(order))
	for i, what := range order {
		parts[i] = fmt.Sprintf("%d %s", counts[what], what)
	}
	return "translate: the translation lost or changed " + strings.Join(parts, ", ")
}

// Check tells whether translated kept what a translation must not touch: URLs, e-mail
// addresses, dates (24.12.2026, 24.12., 2026-12-24, 24/12/2026), times (09:00), case
// labels (K-0042), phone numbers (07000 123-401, +49 …) and other numbers. Each such item
// of the original must appear in the translation as often as in the original. Before
// comparing, both texts get ASCII digits for Arabic-Indic and Persian ones, lose
// direction marks and isolates, and get plain spaces and hyphens for their typographic
// variants; phone numbers compare by their digits, so "07000 123-401" may come back as
// "07000 123401". A date without a year may lose its final dot to the sentence.
//
// Check errs on the side of caution: an engine that writes 9:00 as "9:00 AM" or 1.250,50
// as 1,250.50 changed what the reader sees, and Check says so.
//
// A translation identical to its original is not an error: names, numbers and short
// replies ("OK") often translate to themselves, and only the caller knows whether the
// languages differ. An empty translation of a non-empty original is ErrEmptyTranslation.
// Otherwise the error is a *CheckError.
func Check(original, translated string) error {
	if strings.TrimSpace(original) != "" && strings.TrimSpace(translated) == "" {
		return ErrEmptyTranslation
	}
	want := extract(original)
	if len(want) == 0 {
		return nil
	}
	have := map[string]int{}
	for _, f := range extract(translated) {
		have[f.key]++
	}
	var missing []Item
	for _, f := range want {
		if have[f.key] > 0 {
			have[f.key]--
			continue
		}
		missing = append(missing, f.Item)
	}
	if len(missing) > 0 {
		return &CheckError{Missing: missing}
	}
	return nil
}

// found is an item at its place in a text, with the key it compares by.
type found struct {
	Item
	at  int
	key string
}

// itemPattern finds one kind of item. Patterns run in order, and each hides what it
// found from the later ones, so a date is not also three numbers.
type itemPattern struct {
	what string
	re   *regexp.Regexp
	// trim shortens a match, e.g. a URL by the punctuation of the sentence around it.
	trim func(string) string
	// key is what the item compares by; nil means its value.
	key func(string) string
}

var itemPatterns = []itemPattern{
	{what: "URL", re: regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"'«»\x00]+`), trim: trimURL},
	{what: "e-mail address", re: regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`), key: strings.ToLower},
	{what: "date", re: regexp.MustCompile(`\d{4}-\d{1,2}-\d{1,2}`)},
	{what: "date", re: regexp.MustCompile(`\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})?`), key: func(v string) string { return strings.TrimSuffix(v, ".") }},
	{what: "date", re: regexp.MustCompile(`\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})`)},
	{what: "time", re: regexp.MustCompile(`\d{1,2}:\d{2}(?::\d{2})?`)},
	{what: "case label", re: regexp.MustCompile(`\b[A-Z]{1,5}-\d+(?:[-/]\d+)*`)},
	{what: "phone number", re: regexp.MustCompile(`\+?\(?\d(?:[ ./()-]{0,2}\d){5,}`), key: phoneKey},
	{what: "number", re: regexp.MustCompile(`\d+(?:[.,]\d+)*`)},
}

// extract finds the items of a text, in the order they appear.
func extract(text string) []found {
	s := []byte(normalize(text))
	var out []found
	for _, p := range itemPatterns {
		for _, loc := range p.re.FindAllIndex(s, -1) {
			i, j := loc[0], loc[1]
			if p.trim != nil {
				j = i + len(p.trim(string(s[i:j])))
			}
			// A match inside a longer run of digits is not this item.
			if j <= i || digitBefore(s, i) || digitAfter(s, j) {
				continue
			}
			v := string(s[i:j])
			f := found{Item: Item{What: p.what, Value: v}, at: i, key: v}
			if p.key != nil {
				f.key = p.key(v)
			}
			if p.what == "phone number" && !strings.ContainsAny(v, " ./()-+") {
				f.What = "number" // a long number written in one piece
			}
			out = append(out, f)
			for k := i; k < j; k++ {
				s[k] = 0
			}
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].at < out[b].at })
	return out
}

// normalize turns what differs between scripts and typography but not in meaning into one
// form: Arabic-Indic, Persian and full-width digits become ASCII digits, direction marks,
// isolates and zero-width spaces go, no-break and thin spaces become spaces, and
// typographic hyphens and the minus sign become "-".
func normalize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '٠' && r <= '٩':
			return '0' + r - '٠'
		case r >= '۰' && r <= '۹':
			return '0' + r - '۰'
		case r >= '０' && r <= '９':
			return '0' + r - '０'
		case r == '\u200e' || r == '\u200f' || r == '\u061c' || r == '\u200b' || r == '\ufeff' ||
			r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069':
			return -1
		case r == '\u00a0' || r == '\u2007' || r == '\u2009' || r == '\u202f':
			return ' '
		case r >= '\u2010' && r <= '\u2013' || r == '\u2212':
			return '-'
		}
		return r
	}, s)
}

// trimURL drops the punctuation a sentence puts after a URL, and a closing bracket that
// the URL did not open.
func trimURL(u string) string {
	for u != "" {
		r, size := utf8.DecodeLastRuneInString(u)
		switch {
		case strings.ContainsRune(".,;:!?'\"»›…", r):
		case r == ')' && strings.Count(u, "(") < strings.Count(u, ")"):
		case r == ']' && strings.Count(u, "[") < strings.Count(u, "]"):
		default:
			return u
		}
		u = u[:len(u)-size]
	}
	return u
}

// phoneKey compares phone numbers by their digits and a leading plus.
func phoneKey(v string) string {
	var b strings.Builder
	if strings.HasPrefix(v, "+") {
		b.WriteByte('+')
	}
	for _, r := range v {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func digitBefore(s []byte, i int) bool {
	r, _ := utf8.DecodeLastRune(s[:i])
	return i > 0 && unicode.IsDigit(r)
}

func digitAfter(s []byte, j int) bool {
	r, _ := utf8.DecodeRune(s[j:])
	return j < len(s) && unicode.IsDigit(r)
}
