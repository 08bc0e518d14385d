package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/lotse-bot/lotse/flows"
)

// Unicode isolates keep an inserted value (a time, an address, a name, a word in another
// language) from reordering the text around it.
const (
	firstStrongIsolate = "\u2068"
	popIsolate         = "\u2069"
	rightToLeftMark    = "\u200f"
	byteOrderMark      = "\ufeff"
)

// Telegram's limits, counted in UTF-16 code units: a message text, and the pop-up answering
// a button press.
const (
	maxTextUnits    = 4096
	maxCaptionUnits = 1024
	maxPopupUnits   = 200
)

// Renderer turns flows' language-neutral messages into text in the recipient's language.
type Renderer struct {
	localizers map[string]*i18n.Localizer // by catalog
	faq        *flows.FAQStore
	cfg        *flows.Config
	bot        string // the bot's username, for deep links; set once before sending starts
	// static holds the messages rendered without arguments, by catalog and message id:
	// the catalogs do not change while Lotse runs, and most buttons and headings are such.
	static sync.Map
}

// NewRenderer returns a renderer over the loaded catalogs, the FAQ and the town's
// configuration.
func NewRenderer(bundle *i18n.Bundle, faq *flows.FAQStore, cfg *flows.Config) *Renderer {
	r := &Renderer{localizers: map[string]*i18n.Localizer{}, faq: faq, cfg: cfg}
	for _, catalog := range flows.Catalogs() {
		r.localizers[catalog] = i18n.NewLocalizer(bundle, catalog)
	}
	return r
}

// Text renders the message text of o.
func (r *Renderer) Text(o flows.Outgoing) (string, error) {
	return r.join(o.Lang, o.Text, "\n\n")
}

// Commands renders a command menu in lang: each command with its description from the
// catalogs.
func (r *Renderer) Commands(lang string, commands []flows.Command) ([]models.BotCommand, error) {
	out := make([]models.BotCommand, 0, len(commands))
	for _, c := range commands {
		desc, err := r.Phrase(lang, flows.Msg(c.Msg))
		if err != nil {
			return nil, err
		}
		out = append(out, models.BotCommand{Command: c.Name, Description: desc})
	}
	return out, nil
}

// Document renders the body of a document to read, o.Body, as UTF-8 text in the recipient's
// language, paragraphs separated by a blank line. It starts with a byte order mark, which
// tells older text viewers (Windows Notepad among them) that the file is UTF-8. In
// right-to-left languages each line starts with a right-to-left mark: a plain text file has
// no direction of its own, and a viewer takes a line that opens with an emoji and an
// isolated value (a place, a date) for left-to-right.
func (r *Renderer) Document(o flows.Outgoing) ([]byte, error) {
	text, err := r.join(o.Lang, o.Body, "\n\n")
	if err != nil {
		return nil, err
	}
	if l, _ := flows.LookupLanguage(o.Lang); l.RTL {
		text = rightToLeftMark + strings.ReplaceAll(text, "\n", "\n"+rightToLeftMark)
	}
	return []byte(byteOrderMark + text + "\n"), nil
}

// join renders phrases and joins them with sep.
func (r *Renderer) join(lang string, phrases []flows.Phrase, sep string) (string, error) {
	parts := make([]string, 0, len(phrases))
	for _, p := range phrases {
		s, err := r.Phrase(lang, p)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, sep), nil
}

// Phrase renders one phrase for a recipient reading lang. Values inserted into right-to-left
// text are isolated, and so is a phrase in another language than the recipient's.
func (r *Renderer) Phrase(lang string, p flows.Phrase) (string, error) {
	switch p.Kind {
	case flows.PhraseLiteral:
		return p.Literal, nil
	case flows.PhraseJoin:
		sep := p.Literal
		if l, _ := flows.LookupLanguage(lang); l.RTL && sep == ", " {
			sep = "، " // the Arabic comma, in Arabic, Persian, Pashto and Sorani
		}
		return r.join(lang, p.Parts, sep)
	case flows.PhraseInviteLink:
		return r.InviteLink(p.Literal), nil
	case flows.PhraseNumber:
		l, _ := flows.LookupLanguage(lang)
		return isolate(l, l.Digits(p.Literal)), nil
	case flows.PhraseTopic, flows.PhraseQuestion, flows.PhraseAnswer, flows.PhraseOfficeHours:
		return r.content(lang, p)
	}
	own := lang
	if p.Lang != "" {
		own = p.Lang
	}
	l, ok := flows.LookupLanguage(own)
	if !ok {
		l, _ = flows.LookupLanguage("en")
	}
	static := len(p.Args) == 0 && len(p.Sub) == 0 && !p.Plural
	key := l.Catalog + "\x00" + p.ID
	if static {
		if s, ok := r.static.Load(key); ok {
			return r.marked(lang, p, s.(string)), nil
		}
	}
	data := make(map[string]any, len(p.Args)+1)
	for k, v := range p.Args {
		data[k] = isolate(l, v)
	}
	for k, sub := range p.Sub {
		v, err := r.Phrase(own, sub)
		if err != nil {
			return "", err
		}
		data[k] = v
	}
	cfg := &i18n.LocalizeConfig{MessageID: p.ID, TemplateData: data}
	if p.Plural {
		data["Count"] = isolate(l, l.Digits(strconv.Itoa(p.Count)))
		cfg.PluralCount = p.Count
	}
	s, err := r.localizers[l.Catalog].Localize(cfg)
	if err != nil {
		return "", fmt.Errorf("render %s in %s: %w", p.ID, l.Catalog, err)
	}
	if static {
		r.static.Store(key, s)
	}
	return r.marked(lang, p, s), nil
}

// marked isolates s, phrase p rendered, when p is in another language than the recipient's.
func (r *Renderer) marked(lang string, p flows.Phrase, s string) string {
	if p.Lang != "" && p.Lang != lang {
		return firstStrongIsolate + s + popIsolate
	}
	return s
}

// InviteLink is the deep link that opens the bot with an invitation token.
func (r *Renderer) InviteLink(token string) string {
	return "https://t.me/" + r.bot + "?start=inv-" + token
}

// content renders FAQ entries and the office hours.
func (r *Renderer) content(lang string, p flows.Phrase) (string, error) {
	faq := r.faq.Get()
	switch p.Kind {
	case flows.PhraseTopic:
		if _, ok := faq.Topic(p.ID); ok {
			return faq.TopicTitle(lang, p.ID), nil
		}
	case flows.PhraseQuestion:
		if _, ok := faq.Question(p.ID); ok {
			return faq.QuestionText(lang, p.ID), nil
		}
	case flows.PhraseAnswer:
		if _, ok := faq.Question(p.ID); ok {
			return faq.AnswerIn(lang, p.ID, p.Literal, r.localValues(lang, p.Literal)), nil
		}
	case flows.PhraseOfficeHours:
		return r.officeHours(lang, p.Literal)
	}
	// The town removed the entry since the message was queued.
	return "", fmt.Errorf("render %s %q: no such entry", p.Kind, p.ID)
}

// localValues are the values FAQ answers may use for a client of commune ("" where the town
// is one commune or the client's is unknown), isolated for right-to-left text. Empty values
// are left out, so the lines that need them are dropped.
func (r *Renderer) localValues(lang, commune string) map[string]any {
	l, _ := flows.LookupLanguage(lang)
	town := r.cfg.CommuneName(commune, lang)
	if town == "" {
		town = r.cfg.Town
	}
	values := map[string]any{"town": isolate(l, town)}
	if offices := r.cfg.OfficesOf(commune); len(offices) > 0 {
		o := offices[0]
		values["office"] = nonEmpty(l, map[string]string{"name": o.Name, "address": o.Address})
	}
	if hours, err := r.officeHours(lang, commune); err == nil && hours != "" {
		// A list: it starts on a line of its own even after "Office hours:".
		values["office_hours"] = "\n" + hours
	}
	for kind, p := range r.cfg.LocalPlacesOf(commune) {
		values[kind] = nonEmpty(l, map[string]string{"name": p.Name, "address": p.Address, "phone": p.Phone, "url": p.URL})
	}
	return values
}

func nonEmpty(l flows.Language, fields map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range fields {
		if v != "" {
			out[k] = isolate(l, v)
		}
	}
	return out
}

// weekdayMessages name the weekdays of office hours, in the order of flows.Weekdays.
var weekdayMessages = []string{"WeekdayMon", "WeekdayTue", "WeekdayWed", "WeekdayThu", "WeekdayFri", "WeekdaySat", "WeekdaySun"}

// officeHours lists the town's office hours in lang, one block a line: weekday, times,
// office; of the offices serving commune, or of all for "".
func (r *Renderer) officeHours(lang, commune string) (string, error) {
	l, _ := flows.LookupLanguage(lang)
	offices := r.cfg.OfficesOf(commune)
	hours := slices.DeleteFunc(slices.Clone(r.cfg.OfficeHours), func(h flows.OfficeHours) bool {
		return !slices.ContainsFunc(offices, func(o flows.Office) bool { return o.ID == h.Office })
	})
	slices.SortStableFunc(hours, func(a, b flows.OfficeHours) int {
		if c := slices.Index(flows.Weekdays, a.Weekday) - slices.Index(flows.Weekdays, b.Weekday); c != 0 {
			return c
		}
		return strings.Compare(a.From, b.From)
	})
	var lines []string
	for _, h := range hours {
		day, err := r.Phrase(lang, flows.Msg(weekdayMessages[slices.Index(flows.Weekdays, h.Weekday)]))
		if err != nil {
			return "", err
		}
		place := h.Office
		for _, o := range r.cfg.Offices {
			if o.ID == h.Office {
				place = o.Name + ", " + o.Address
			}
		}
		lines = append(lines, "• "+day+" "+isolate(l, l.Digits(h.From+"–"+h.To))+" · "+isolate(l, place))
	}
	return strings.Join(lines, "\n"), nil
}

func isolate(l flows.Language, v string) string {
	if !l.RTL || v == "" {
		return v
	}
	return firstStrongIsolate + v + popIsolate
}

// split cuts text into parts of at most max UTF-16 code units, preferring to cut between
// paragraphs, then between lines, then between words.
func split(text string, max int) []string {
	var parts []string
	for units(text) > max {
		cut := cutPoint(text, max)
		parts = append(parts, strings.TrimRight(text[:cut], " \n"))
		text = strings.TrimLeft(text[cut:], " \n")
	}
	return append(parts, text)
}

// cutPoint returns the byte index at which to cut text so that the first part has at most
// max units: after the last paragraph break, line break or space that fits.
func cutPoint(text string, max int) int {
	fits := 0 // bytes of text that fit
	n := 0
	for i, r := range text {
		n += len(utf16.Encode([]rune{r}))
		if n > max {
			break
		}
		fits = i + len(string(r))
	}
	head := text[:fits]
	for _, sep := range []string{"\n\n", "\n", " "} {
		if i := strings.LastIndex(head, sep); i > fits/2 {
			return i + len(sep)
		}
	}
	return fits
}

// utf16Len is the exact length of s in UTF-16 code units, as Telegram counts entity offsets.
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// units is at least the length of s in UTF-16 code units, exact for long texts: enough to
// tell whether a text fits.
func units(s string) int {
	if len(s) <= maxTextUnits/2 {
		return len(s) // fast path: never more units than bytes
	}
	return len(utf16.Encode([]rune(s)))
}

// truncate cuts s to at most max UTF-16 code units, on a rune boundary, marking the cut.
func truncate(s string, max int) string {
	if len(s) <= max || len(utf16.Encode([]rune(s))) <= max {
		return s
	}
	units := 0
	for i, r := range s {
		units += len(utf16.Encode([]rune{r}))
		if units > max-1 {
			return s[:i] + "…"
		}
	}
	return s
}

// inlineKeyboard is Telegram's InlineKeyboardMarkup. The library's button struct sends an
// empty copy_text object with every button, which Telegram rejects, so Lotse uses its own.
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// Keyboard renders the buttons of o, or returns nil when it has none.
func (r *Renderer) Keyboard(o flows.Outgoing) (*inlineKeyboard, error) {
	if len(o.Buttons) == 0 {
		return nil, nil
	}
	kb := &inlineKeyboard{InlineKeyboard: make([][]inlineButton, 0, len(o.Buttons))}
	for _, row := range o.Buttons {
		out := make([]inlineButton, 0, len(row))
		for _, b := range row {
			label, err := r.Phrase(o.Lang, b.Label)
			if err != nil {
				return nil, err
			}
			out = append(out, inlineButton{Text: label, CallbackData: b.Data, URL: b.URL})
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, out)
	}
	return kb, nil
}
