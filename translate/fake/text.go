package fake

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Marker is the default "translation": the text unchanged behind a visible label of the
// language pair, "[ar→de] text", so numbers, dates and addresses survive and a reader
// sees at once that no real engine was at work.
func Marker(text, source, target string) string {
	return "[" + source + "→" + target + "] " + text
}

// Dictionary returns a Translate function that answers the texts it knows with their
// entry, whatever the language pair, and all others with Marker.
func Dictionary(entries map[string]string) func(text, source, target string) string {
	return func(text, source, target string) string {
		if t, ok := entries[text]; ok {
			return t
		}
		return Marker(text, source, target)
	}
}

// Guess is the default language detection, good enough for tests and no more: a text
// Marker made is in its target language; otherwise letters peculiar to a language
// decide (Pashto ټ ښ, Sorani ڵ ۆ, Persian پ گ, Ukrainian і ї, Turkish ğ ı, German ä ß,
// Kurmanji ê with ş), then a few common words, then the script. Codes are ISO 639
// ("kmr" for Kurmanji).
func Guess(text string) (lang string, confidence float64) {
	if rest, ok := strings.CutPrefix(text, "["); ok {
		if pair, _, ok := strings.Cut(rest, "] "); ok {
			if _, target, ok := strings.Cut(pair, "→"); ok && target != "" {
				return strings.ToLower(target), 0.95
			}
		}
	}
	has := func(letters string) bool { return strings.ContainsAny(text, letters) }
	switch {
	case has("ټډړږښځڅڼۍې"):
		return "ps", 0.9
	case has("ڵڕۆێە"):
		return "ckb", 0.9
	case has("پچژگکی"):
		return "fa", 0.85
	case script(text, unicode.Arabic):
		return "ar", 0.7
	case has("іїєґІЇЄҐ"):
		return "uk", 0.9
	case script(text, unicode.Cyrillic):
		return "ru", 0.8
	case script(text, unicode.Ethiopic):
		return "ti", 0.7
	case has("ğıİĞ"):
		return "tr", 0.9
	case has("äßÄ"):
		return "de", 0.9
	case has("êîûÊÎÛ") && has("şŞ"):
		return "kmr", 0.8
	}
	words := " " + strings.ToLower(strings.Join(strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r)
	}), " ")) + " "
	for _, w := range []struct{ lang, words string }{
		{"de", "hallo ich und der die das ist nicht bitte termin sie ihr"},
		{"fr", "je le la les est vous bonjour merci rendez"},
		{"so", "waa iyo waxaan ku fadlan mahadsanid"},
		{"en", "the and is are you my please thank appointment"},
	} {
		for _, word := range strings.Fields(w.words) {
			if strings.Contains(words, " "+word+" ") {
				return w.lang, 0.8
			}
		}
	}
	if has("öüÖÜ") {
		return "de", 0.7
	}
	if has("éèêàçœ") {
		return "fr", 0.7
	}
	if script(text, unicode.Latin) {
		return "en", 0.4
	}
	return "", 0
}

// script tells whether most letters of text are of the table's script.
func script(text string, table *unicode.RangeTable) bool {
	in, letters := 0, 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(table, r) {
				in++
			}
		}
	}
	return letters > 0 && in*2 > letters
}

// changeLastDigit turns the last ASCII digit of text into the next one.
func changeLastDigit(text string) string {
	i := strings.LastIndexAny(text, "0123456789")
	if i < 0 {
		return text
	}
	d := '0' + (rune(text[i])-'0'+1)%10
	return text[:i] + string(d) + text[i+1:]
}

// dropLastNumber removes the last run of digits of text together with the spaces,
// hyphens, slashes, dots and colons between its digits, so "ruf 07000 123-401 an"
// loses the whole phone number.
func dropLastNumber(text string) string {
	end := strings.LastIndexAny(text, "0123456789")
	if end < 0 {
		return text
	}
	end++
	start := end - 1
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if r >= '0' && r <= '9' || r == '+' {
			start -= size
			continue
		}
		// A separator counts when a digit comes right before it.
		if strings.ContainsRune(" -/.:", r) && start-size > 0 {
			p, _ := utf8.DecodeLastRuneInString(text[:start-size])
			if p >= '0' && p <= '9' {
				start -= size
				continue
			}
		}
		break
	}
	return strings.TrimRight(text[:start], " ") + text[end:]
}
