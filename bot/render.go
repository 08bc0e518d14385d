package bot

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/lotse-bot/lotse/flows"
)

// Unicode isolates keep an inserted value (a time, an address, a name, a word in another
// language) from reordering the text around it.
const (
	firstStrongIsolate = "\u2068"
	popIsolate         = "\u2069"
)

// maxTextUnits is Telegram's limit for a message text, counted in UTF-16 code units.
const maxTextUnits = 4096

// Renderer turns flows' language-neutral messages into text in the recipient's language.
type Renderer struct {
	localizers map[string]*i18n.Localizer // by catalog
}

// NewRenderer returns a renderer over the loaded catalogs.
func NewRenderer(bundle *i18n.Bundle) *Renderer {
	r := &Renderer{localizers: map[string]*i18n.Localizer{}}
	for _, catalog := range flows.Catalogs() {
		r.localizers[catalog] = i18n.NewLocalizer(bundle, catalog)
	}
	return r
}

// Text renders the message text of o.
func (r *Renderer) Text(o flows.Outgoing) (string, error) {
	sep := "\n\n"
	if o.Inline {
		sep = " · "
	}
	parts := make([]string, 0, len(o.Text))
	for _, p := range o.Text {
		s, err := r.Phrase(o.Lang, p)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	return truncate(strings.Join(parts, sep), maxTextUnits), nil
}

// Phrase renders one phrase for a recipient reading lang. Values inserted into right-to-left
// text are isolated, and so is a phrase in another language than the recipient's.
func (r *Renderer) Phrase(lang string, p flows.Phrase) (string, error) {
	if p.ID == "" {
		return p.Literal, nil
	}
	own := lang
	if p.Lang != "" {
		own = p.Lang
	}
	l, ok := flows.LookupLanguage(own)
	if !ok {
		l, _ = flows.LookupLanguage("en")
	}
	data := make(map[string]any, len(p.Args)+1)
	for k, v := range p.Args {
		data[k] = isolate(l, v)
	}
	cfg := &i18n.LocalizeConfig{MessageID: p.ID, TemplateData: data}
	if p.Plural {
		data["Count"] = isolate(l, strconv.Itoa(p.Count))
		cfg.PluralCount = p.Count
	}
	s, err := r.localizers[l.Catalog].Localize(cfg)
	if err != nil {
		return "", fmt.Errorf("render %s in %s: %w", p.ID, l.Catalog, err)
	}
	if p.Lang != "" && p.Lang != lang {
		s = firstStrongIsolate + s + popIsolate
	}
	return s, nil
}

func isolate(l flows.Language, v string) string {
	if !l.RTL || v == "" {
		return v
	}
	return firstStrongIsolate + v + popIsolate
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
