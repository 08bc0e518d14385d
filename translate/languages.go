package translate

import (
	"context"
	"strings"
	"sync"
	"time"
)

// Languages is what an engine said it can do, in our language options: which language
// pairs it translates and which languages it recognizes. It claims nothing the engine did
// not list. The zero value offers nothing.
type Languages struct {
	source map[string]string // option → engine code usable as a source
	target map[string]string // option → engine code usable as a target
	// pairs holds the offered engine pairs as lower-case "source>target"; nil when any
	// source goes to any target, as with DeepL.
	pairs  map[string]bool
	detect map[string]bool // lower-case engine codes the engine recognizes
}

// engineCodes maps each of our language options to the engine codes that can serve it,
// best first. English as a target is British English where the engine distinguishes
// variants (DeepL), since the readers learn English in Europe. Dari falls back to Persian,
// as Lotse's own catalogs do; Kurmanji is "kmr" at DeepL and "ku" at engines that call
// Kurmanji just Kurdish. Options missing here map to themselves.
var engineCodes = []struct {
	option string
	codes  []string
}{
	{"de", []string{"de"}},
	{"en", []string{"en-GB", "en-US", "en"}},
	{"ar", []string{"ar"}},
	{"fa", []string{"fa"}},
	{"prs", []string{"prs", "fa"}},
	{"ps", []string{"ps"}},
	{"ku", []string{"kmr", "ku"}},
	{"ckb", []string{"ckb"}},
	{"ti", []string{"ti"}},
	{"so", []string{"so"}},
	{"uk", []string{"uk"}},
	{"ru", []string{"ru"}},
	{"tr", []string{"tr"}},
	{"fr", []string{"fr"}},
}

// engineLanguage is one language as an engine lists it.
type engineLanguage struct {
	code           string
	source, target bool
	detect         bool
	targets        []string // the codes it translates into; nil if the engine lists no pairs
}

// newLanguages maps an engine's language list onto our options. With anyPair, every
// source language translates into every target language; otherwise only the listed
// targets of each language count.
func newLanguages(list []engineLanguage, anyPair bool) Languages {
	byCode := map[string]engineLanguage{}
	for _, l := range list {
		byCode[strings.ToLower(l.code)] = l
	}
	ls := Languages{source: map[string]string{}, target: map[string]string{}, detect: map[string]bool{}}
	if !anyPair {
		ls.pairs = map[string]bool{}
	}
	for _, l := range list {
		if l.detect {
			ls.detect[strings.ToLower(l.code)] = true
		}
		for _, t := range l.targets {
			if !anyPair {
				ls.pairs[strings.ToLower(l.code)+">"+strings.ToLower(t)] = true
			}
			// Being among the targets of a language makes a language a target.
			tl, listed := byCode[strings.ToLower(t)]
			if !listed {
				tl = engineLanguage{code: t}
			}
			tl.target = true
			byCode[strings.ToLower(t)] = tl
		}
	}
	for _, option := range options() {
		for _, c := range candidates(option) {
			l, ok := byCode[strings.ToLower(c)]
			if !ok {
				continue
			}
			if _, done := ls.source[option]; !done && l.source {
				ls.source[option] = l.code
			}
			if _, done := ls.target[option]; !done && l.target {
				ls.target[option] = l.code
			}
		}
	}
	return ls
}

// options lists our language options in the order of engineCodes.
func options() []string {
	out := make([]string, len(engineCodes))
	for i, e := range engineCodes {
		out[i] = e.option
	}
	return out
}

// candidates returns the engine codes that may serve an option, best first.
func candidates(option string) []string {
	for _, e := range engineCodes {
		if e.option == option {
			return e.codes
		}
	}
	return []string{option}
}

// optionFor maps an engine's language code back to our option: "KMR" → "ku",
// "EN-GB" → "en". A language we have no option for keeps its code, in lower case.
func optionFor(code string) string {
	for _, e := range engineCodes {
		for _, c := range e.codes {
			if strings.EqualFold(c, code) {
				return e.option
			}
		}
	}
	return strings.ToLower(code)
}

// CanTranslate reports whether the engine offers a translation from one of our languages
// into another.
func (ls Languages) CanTranslate(from, to string) bool {
	_, _, ok := ls.codes(from, to)
	return ok && from != ""
}

// CanDetect reports whether the engine recognizes text in the language.
func (ls Languages) CanDetect(lang string) bool {
	code, ok := ls.source[lang]
	return ok && ls.detect[strings.ToLower(code)]
}

// Sources returns our languages the engine translates from into at least one other of
// our languages, in the order of Lotse's language picker.
func (ls Languages) Sources() []string {
	var out []string
	for _, from := range options() {
		for _, to := range options() {
			if ls.CanTranslate(from, to) {
				out = append(out, from)
				break
			}
		}
	}
	return out
}

// Targets returns our languages the engine translates into from at least one other of
// our languages, in the order of Lotse's language picker.
func (ls Languages) Targets() []string {
	var out []string
	for _, to := range options() {
		for _, from := range options() {
			if ls.CanTranslate(from, to) {
				out = append(out, to)
				break
			}
		}
	}
	return out
}

// codes returns the engine codes for a translation from one option into another; an
// empty from asks the engine to detect the source. ok is false when the engine did not
// list the pair, or when both options map to the same engine language.
func (ls Languages) codes(from, to string) (src, tgt string, ok bool) {
	tgt, ok = ls.target[to]
	if !ok {
		return "", "", false
	}
	if from == "" {
		return "", tgt, true
	}
	src, ok = ls.source[from]
	if !ok || from == to || sameLanguage(src, tgt) {
		return "", "", false
	}
	if ls.pairs != nil && !ls.pairs[strings.ToLower(src)+">"+strings.ToLower(tgt)] {
		return "", "", false
	}
	return src, tgt, true
}

// translation decides how to serve a translation request with the engine's languages:
// the engine codes to send, or same when both languages are one engine language (Dari
// and Persian at an engine without Dari) and the text needs no translation.
func translation(name string, ls Languages, source, target string) (src, tgt string, same bool, err error) {
	if source != "" && source == target {
		return "", "", true, nil
	}
	if source != "" {
		s, sok := ls.source[source]
		t, tok := ls.target[target]
		if sok && tok && sameLanguage(s, t) {
			return "", "", true, nil
		}
	}
	src, tgt, ok := ls.codes(source, target)
	if !ok {
		from := source
		if from == "" {
			from = "any language"
		}
		return "", "", false, &Error{Engine: name, Op: "translate", Kind: Unsupported, Msg: "the engine offers no translation from " + from + " to " + target}
	}
	return src, tgt, false, nil
}

// sameLanguage reports whether two engine codes name the same language, ignoring
// variants: "en" and "en-GB" do.
func sameLanguage(a, b string) bool {
	base := func(c string) string {
		c, _, _ = strings.Cut(c, "-")
		return strings.ToLower(c)
	}
	return base(a) == base(b)
}

// languageTTL is how long an adapter trusts the language list it fetched for Translate.
// Engines change their languages rarely (an operator installs a model, DeepL releases a
// language); an hour keeps a translation from costing a second request.
const languageTTL = time.Hour

// languageCache keeps an engine's language list for Translate.
type languageCache struct {
	mu      sync.Mutex
	ls      Languages
	fetched time.Time
}

// get returns the cached list, fetching it when it is missing or old.
func (c *languageCache) get(ctx context.Context, fetch func(context.Context) (Languages, error)) (Languages, error) {
	c.mu.Lock()
	ls, fetched := c.ls, c.fetched
	c.mu.Unlock()
	if !fetched.IsZero() && time.Since(fetched) < languageTTL {
		return ls, nil
	}
	return fetch(ctx)
}

// store keeps a freshly fetched list.
func (c *languageCache) store(ls Languages) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ls, c.fetched = ls, time.Now()
}

// forget drops the list, so the next translation asks the engine again; used when the
// engine refuses a language it had listed.
func (c *languageCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fetched = time.Time{}
}
