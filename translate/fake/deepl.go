package fake

import (
	"net/http"
	"strings"
)

// DeepLLanguages are a part of the languages DeepL lists for text translation (its API
// reference, June 2026): the ones Lotse's clients speak that DeepL has, Arabic, Persian,
// Dari, Pashto, Sorani, Kurmanji, Ukrainian, Russian, Turkish, French, and a few
// European ones. It has no Tigrinya and no Somali. Codes with a variant are target
// languages only; "en" and "pt" are source languages only, their targets being the
// variants.
var DeepLLanguages = []string{
	"ar", "bg", "ckb", "cs", "da", "de", "el", "en", "en-GB", "en-US", "es", "es-419",
	"fa", "fi", "fr", "hu", "it", "kmr", "nl", "pl", "prs", "ps", "pt", "pt-BR", "pt-PT",
	"ro", "ru", "sv", "tr", "uk", "zh", "zh-Hans", "zh-Hant",
}

// DeepLAutoDetect are the languages DeepL recognizes when source_lang is left out, the
// languages with the "auto_detection" feature in DeepL's own mock server's list. Persian,
// Pashto, Sorani and Kurmanji are not among them.
var DeepLAutoDetect = []string{
	"ar", "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "he", "hu", "id",
	"it", "ja", "ko", "lt", "lv", "nb", "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sv",
	"tr", "uk", "vi", "zh",
}

// NewDeepL starts a fake DeepL API. It serves POST /v2/translate with JSON or form
// bodies and GET /v3/languages?resource=translate_text, and the deprecated GET
// /v2/languages, which like DeepL's lists no language added since v3 (Sorani, Kurmanji,
// Dari).
func NewDeepL(opts Options) *Server {
	if opts.Languages == nil {
		opts.Languages = DeepLLanguages
	}
	if opts.AutoDetect == nil {
		opts.AutoDetect = DeepLAutoDetect
	}
	if opts.Key == "" {
		opts.Key = DeepLKey
	}
	if opts.Translate == nil {
		opts.Translate = Marker
	}
	if opts.Detect == nil {
		opts.Detect = Guess
	}
	return newServer(opts, &deepl{langs: newLanguageSet(opts.Languages), detect: newLanguageSet(opts.AutoDetect)})
}

type deepl struct {
	langs  languageSet
	detect languageSet
}

// maxDeepLRequest is DeepL's limit on the size of a request body.
const maxDeepLRequest = 128 * 1024

// notInV2 are languages DeepL lists only in /v3/languages.
var notInV2 = map[string]bool{"ckb": true, "kmr": true, "prs": true}

func (e *deepl) keySent(c *call) bool {
	return c.r.Header.Get("Authorization") != "" || c.form.Get("auth_key") != "" || c.str("auth_key") != ""
}

func (e *deepl) handle(s *Server, c *call) answer {
	// DeepL takes the key only from the Authorization header since January 2026; a key
	// in the body or the URL is refused like a wrong one.
	if c.r.Header.Get("Authorization") != "DeepL-Auth-Key "+s.opts.Key {
		return answer{status: http.StatusForbidden}
	}
	switch c.r.URL.Path {
	case "/v2/translate":
		if c.r.Method != http.MethodPost {
			return deeplError(http.StatusMethodNotAllowed, "Method not allowed. Use POST.")
		}
		return e.translate(s, c)
	case "/v3/languages":
		if c.r.Method != http.MethodGet {
			return deeplError(http.StatusMethodNotAllowed, "Method not allowed. Use GET.")
		}
		return e.languagesV3(c)
	case "/v2/languages":
		return e.languagesV2(c)
	}
	return deeplError(http.StatusNotFound, "Not found")
}

func (e *deepl) translate(s *Server, c *call) answer {
	if c.media != "application/json" && c.media != "application/x-www-form-urlencoded" {
		return deeplError(http.StatusUnsupportedMediaType, "Called with an unsupported media type. Supported media types: application/json or application/x-www-form-urlencoded. Please set the Content-Type header to a supported type.")
	}
	if len(c.body) > maxDeepLRequest {
		return deeplError(http.StatusRequestEntityTooLarge, "Request size exceeds the limit of 128 KiB.")
	}
	if c.badJSON {
		return deeplError(http.StatusBadRequest, "Invalid JSON body.")
	}
	texts, ok := e.texts(c)
	if !ok {
		return deeplError(http.StatusBadRequest, "Parameter 'text' must be a list of strings.")
	}
	if len(texts) == 0 {
		return deeplError(http.StatusBadRequest, "Parameter 'text' not specified.")
	}
	target := c.str("target_lang")
	if target == "" {
		return deeplError(http.StatusBadRequest, "Parameter 'target_lang' not specified.")
	}
	tgt, ok := e.langs.find(target)
	if !ok || !usableAsTarget(tgt) {
		return deeplError(http.StatusBadRequest, "Value for 'target_lang' not supported.")
	}
	source := c.str("source_lang")
	var src string
	if source != "" {
		if src, ok = e.langs.find(source); !ok || !usableAsSource(src) {
			return deeplError(http.StatusBadRequest, "Value for 'source_lang' not supported.")
		}
	}
	for name, allowed := range map[string][]any{
		"split_sentences":     {"0", "1", "nonewlines"},
		"preserve_formatting": {"0", "1", true, false},
		"tag_handling":        {"xml", "html"},
		"formality":           {"default", "more", "less", "prefer_more", "prefer_less"},
	} {
		if v, ok := c.value(name); ok && !contains(allowed, v) {
			return deeplError(http.StatusBadRequest, "Value for '"+name+"' not supported.")
		}
	}
	type translation struct {
		DetectedSourceLanguage string `json:"detected_source_language"`
		Text                   string `json:"text"`
	}
	var out []translation
	for _, t := range texts {
		from := src
		if from == "" {
			from = e.guess(s, t)
		}
		out = append(out, translation{
			DetectedSourceLanguage: strings.ToUpper(from),
			Text:                   s.alter(s.opts.Translate(t, strings.ToUpper(from), strings.ToUpper(tgt))),
		})
	}
	return jsonAnswer(http.StatusOK, map[string]any{"translations": out})
}

// texts returns the texts of a request: a JSON list of strings, or the repeated form
// field. ok is false for a JSON "text" that is not a list of strings.
func (e *deepl) texts(c *call) ([]string, bool) {
	if !c.isJSON() {
		return c.form["text"], true
	}
	v, present := c.json["text"]
	if !present {
		return nil, true
	}
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	var out []string
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// guess detects the source language among those DeepL recognizes. Where it recognizes
// none it still answers, with English, as DeepL's mock server does: DeepL's guess for a
// language it cannot recognize is no better.
func (e *deepl) guess(s *Server, text string) string {
	lang, confidence := s.opts.Detect(text)
	if code, ok := e.detect.find(lang); ok && confidence > 0 {
		if _, offered := e.langs.find(code); offered {
			return code
		}
	}
	return "en"
}

func (e *deepl) languagesV3(c *call) answer {
	switch c.str("resource") {
	case "translate_text":
	case "":
		return deeplError(http.StatusBadRequest, "Parameter 'resource' not specified.")
	default:
		return deeplError(http.StatusBadRequest, "Value for 'resource' not supported.")
	}
	type feature struct {
		Status string `json:"status"`
	}
	type language struct {
		Lang           string             `json:"lang"`
		Name           string             `json:"name"`
		UsableAsSource bool               `json:"usable_as_source"`
		UsableAsTarget bool               `json:"usable_as_target"`
		Status         string             `json:"status"`
		Features       map[string]feature `json:"features"`
	}
	out := []language{}
	for _, code := range e.langs.sorted() {
		l := language{Lang: code, Name: languageName(code), UsableAsSource: usableAsSource(code), UsableAsTarget: usableAsTarget(code), Status: "stable", Features: map[string]feature{}}
		if _, ok := e.detect.find(code); ok && l.UsableAsSource {
			l.Features["auto_detection"] = feature{Status: "stable"}
		}
		out = append(out, l)
	}
	return jsonAnswer(http.StatusOK, out)
}

func (e *deepl) languagesV2(c *call) answer {
	kind := c.str("type")
	if kind == "" {
		kind = "source"
	}
	if kind != "source" && kind != "target" {
		return deeplError(http.StatusBadRequest, "Parameter 'type' is invalid. 'source' and 'target' are valid values.")
	}
	type language struct {
		Language          string `json:"language"`
		Name              string `json:"name"`
		SupportsFormality *bool  `json:"supports_formality,omitempty"`
	}
	out := []language{}
	for _, code := range e.langs.sorted() {
		if notInV2[strings.ToLower(code)] {
			continue
		}
		if kind == "source" && usableAsSource(code) {
			out = append(out, language{Language: strings.ToUpper(code), Name: languageName(code)})
		}
		if kind == "target" && usableAsTarget(code) {
			no := false
			out = append(out, language{Language: strings.ToUpper(code), Name: languageName(code), SupportsFormality: &no})
		}
	}
	return jsonAnswer(http.StatusOK, out)
}

func (e *deepl) fault(f Fault) answer {
	switch f {
	case TooManyRequests:
		return deeplError(http.StatusTooManyRequests, "Too many requests. Please wait and resend your request.")
	case QuotaExceeded:
		return deeplError(456, "Quota for this billing period has been exceeded.")
	case ServerError:
		return answer{status: http.StatusInternalServerError}
	case BadGateway:
		return htmlAnswer(http.StatusBadGateway, nginxBadGateway)
	case Garbage:
		return htmlAnswer(http.StatusOK, garbagePage)
	}
	return answer{status: http.StatusInternalServerError}
}

// deeplError is DeepL's refusal: {"message": "..."}.
func deeplError(status int, msg string) answer {
	return jsonAnswer(status, map[string]string{"message": msg})
}

// usableAsSource: DeepL translates from base languages, not from variants.
func usableAsSource(code string) bool { return !strings.Contains(code, "-") }

// usableAsTarget: "en" and "pt" are no targets; their variants are.
func usableAsTarget(code string) bool {
	c := strings.ToLower(code)
	return c != "en" && c != "pt"
}

func contains(list []any, v any) bool {
	for _, e := range list {
		if e == v {
			return true
		}
	}
	return false
}
