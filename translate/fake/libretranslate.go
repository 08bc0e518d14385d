package fake

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// LibreTranslateLanguages are the languages of a LibreTranslate that installed every
// model of the Argos Translate package index (argospm-index, 2025), with the codes
// LibreTranslate gives them ("pt-BR", "zh-Hans", "zh-Hant" for Argos's pb, zh, zt). It
// has Arabic, Persian, Ukrainian, Russian, Turkish and French, but no Tigrinya, Sorani,
// Pashto, Somali or Kurmanji. Every language translates into every other, through
// English where Argos has no direct model.
var LibreTranslateLanguages = []string{
	"ar", "az", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "eo", "es", "et", "eu",
	"fa", "fi", "fr", "ga", "gl", "he", "hi", "hu", "id", "it", "ja", "ko", "ky", "lt",
	"lv", "ms", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sq", "sv", "th",
	"tl", "tr", "uk", "ur", "zh-Hans", "zh-Hant",
}

// NewLibreTranslate starts a fake LibreTranslate. It serves GET /languages, POST
// /translate and POST /detect, with JSON or form bodies.
func NewLibreTranslate(opts Options) *Server {
	if opts.Languages == nil {
		opts.Languages = LibreTranslateLanguages
	}
	if opts.Translate == nil {
		opts.Translate = Marker
	}
	if opts.Detect == nil {
		opts.Detect = Guess
	}
	return newServer(opts, &libre{langs: newLanguageSet(opts.Languages)})
}

type libre struct {
	langs languageSet
}

// Flask's answers for paths and methods it has no view for.
const (
	flaskNotFound = `<!doctype html>
<html lang=en>
<title>404 Not Found</title>
<h1>Not Found</h1>
<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>
`
	flaskMethodNotAllowed = `<!doctype html>
<html lang=en>
<title>405 Method Not Allowed</title>
<h1>Method Not Allowed</h1>
<p>The method is not allowed for the requested URL.</p>
`
)

func (e *libre) handle(s *Server, c *call) answer {
	var route func(*Server, *call) answer
	var method string
	switch c.r.URL.Path {
	case "/languages":
		route, method = e.languages, http.MethodGet
	case "/translate":
		route, method = e.translate, http.MethodPost
	case "/detect":
		route, method = e.detect, http.MethodPost
	default:
		return htmlAnswer(http.StatusNotFound, flaskNotFound)
	}
	if c.r.Method != method {
		return htmlAnswer(http.StatusMethodNotAllowed, flaskMethodNotAllowed)
	}
	if c.isJSON() && c.badJSON {
		return libreError(http.StatusBadRequest, "Invalid JSON format")
	}
	if method == http.MethodPost {
		if a, refused := e.access(s, c); refused {
			return a
		}
	}
	return route(s, c)
}

// access checks the key as LibreTranslate's access_check does for /translate and
// /detect (not for /languages).
func (e *libre) access(s *Server, c *call) (answer, bool) {
	if s.opts.Key == "" {
		return answer{}, false
	}
	key := c.str("api_key")
	switch {
	case key == "":
		return libreError(http.StatusBadRequest, "Please contact the server operator to get an API key"), true
	case key != s.opts.Key:
		return libreError(http.StatusForbidden, "Invalid API key"), true
	}
	return answer{}, false
}

func (e *libre) keySent(c *call) bool { return c.str("api_key") != "" }

func (e *libre) languages(_ *Server, _ *call) answer {
	type language struct {
		Code    string   `json:"code"`
		Name    string   `json:"name"`
		Targets []string `json:"targets"`
	}
	var out []language
	for _, code := range e.langs.sorted() {
		targets := []string{}
		for _, t := range e.langs.sorted() {
			if t != code {
				targets = append(targets, t)
			}
		}
		out = append(out, language{Code: code, Name: languageName(code), Targets: targets})
	}
	return jsonAnswer(http.StatusOK, out)
}

type libreDetection struct {
	Confidence float64 `json:"confidence"`
	Language   string  `json:"language"`
}

func (e *libre) translate(s *Server, c *call) answer {
	q, ok := c.value("q")
	texts, batch := e.texts(q)
	if !ok || len(texts) == 0 || !batch && texts[0] == "" {
		return libreError(http.StatusBadRequest, "Invalid request: missing q parameter")
	}
	source, target := strings.ToLower(c.str("source")), strings.ToLower(c.str("target"))
	if source == "" {
		return libreError(http.StatusBadRequest, "Invalid request: missing source parameter")
	}
	if target == "" {
		return libreError(http.StatusBadRequest, "Invalid request: missing target parameter")
	}
	if v, ok := c.value("alternatives"); ok {
		if _, err := strconv.Atoi(fmt.Sprint(v)); err != nil {
			return libreError(http.StatusBadRequest, "Invalid request: alternatives parameter is not a number")
		}
	}
	if !c.isJSON() && !batch {
		// Form bodies get their line endings made Unix-style, as LibreTranslate does.
		texts[0] = strings.Join(strings.Split(strings.ReplaceAll(texts[0], "\r\n", "\n"), "\r"), "\n")
	}
	if limit := s.opts.MaxChars; limit > 0 {
		for _, t := range texts {
			if n := utf8.RuneCountInString(t); n > limit {
				return libreError(http.StatusBadRequest, fmt.Sprintf("Invalid request: request (%d) exceeds text limit (%d)", n, limit))
			}
		}
	}
	src := source
	var detected libreDetection
	if source == "auto" {
		detected = e.guess(s, strings.Join(texts, "\n"))
		src = detected.Language
		if detected.Confidence == 0 {
			// LibreTranslate then assumes English, if it has it.
			if _, ok := e.langs.find("en"); !ok {
				return libreError(http.StatusBadRequest, "auto is not supported")
			}
		}
	}
	srcCode, ok := e.langs.find(src)
	if !ok {
		return libreError(http.StatusBadRequest, src+" is not supported")
	}
	tgtCode, ok := e.langs.find(target)
	if !ok {
		return libreError(http.StatusBadRequest, target+" is not supported")
	}
	if srcCode == tgtCode {
		return libreError(http.StatusBadRequest, fmt.Sprintf("%s (%s) is not available as a target language from %s (%s)",
			languageName(tgtCode), tgtCode, languageName(srcCode), srcCode))
	}
	format := c.str("format")
	if format != "" && format != "text" && format != "html" {
		return libreError(http.StatusBadRequest, format+" format is not supported")
	}
	var out []string
	for _, t := range texts {
		out = append(out, s.alter(s.opts.Translate(t, srcCode, tgtCode)))
	}
	result := map[string]any{"translatedText": out[0]}
	if batch {
		result["translatedText"] = out
	}
	if source == "auto" {
		result["detectedLanguage"] = detected
		if batch {
			all := make([]libreDetection, len(texts))
			for i := range all {
				all[i] = detected
			}
			result["detectedLanguage"] = all
		}
	}
	return jsonAnswer(http.StatusOK, result)
}

// texts returns the text or texts of q, and whether q was a list.
func (e *libre) texts(q any) ([]string, bool) {
	switch q := q.(type) {
	case string:
		return []string{q}, false
	case []any:
		var out []string
		for _, v := range q {
			s, ok := v.(string)
			if !ok {
				return nil, true
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

func (e *libre) detect(s *Server, c *call) answer {
	q := c.str("q")
	if q == "" {
		return libreError(http.StatusBadRequest, "Invalid request: missing q parameter")
	}
	return jsonAnswer(http.StatusOK, []libreDetection{e.guess(s, q)})
}

// guess detects the language among the installed ones; like LibreTranslate it answers
// English with confidence 0 when it cannot tell.
func (e *libre) guess(s *Server, text string) libreDetection {
	lang, confidence := s.opts.Detect(text)
	code, ok := e.langs.find(lang)
	if !ok || confidence <= 0 {
		return libreDetection{Confidence: 0, Language: "en"}
	}
	return libreDetection{Confidence: float64(int(confidence*100 + 0.5)), Language: code}
}

func (e *libre) fault(f Fault) answer {
	switch f {
	case TooManyRequests:
		return libreError(http.StatusTooManyRequests, "Slowdown: 30 per 1 minute")
	case QuotaExceeded:
		return libreError(http.StatusTooManyRequests, "Slowdown: 1000 per 1 day")
	case ServerError:
		return libreError(http.StatusInternalServerError, "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.")
	case BadGateway:
		return htmlAnswer(http.StatusBadGateway, nginxBadGateway)
	case Garbage:
		return htmlAnswer(http.StatusOK, garbagePage)
	}
	return libreError(http.StatusInternalServerError, "unknown fault "+f.String())
}

// libreError is LibreTranslate's refusal: {"error": "..."}.
func libreError(status int, msg string) answer {
	return jsonAnswer(status, map[string]string{"error": msg})
}

const nginxBadGateway = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

const garbagePage = `<!DOCTYPE html>
<html><head><title>Anmeldung erforderlich</title></head>
<body><p>Bitte melden Sie sich am Portal an.</p></body></html>
`

// languageName is the English name of a language code, as both engines list it.
func languageName(code string) string {
	if n, ok := languageNames[strings.ToLower(code)]; ok {
		return n
	}
	return code
}

var languageNames = map[string]string{
	"ar": "Arabic", "az": "Azerbaijani", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan",
	"ckb": "Kurdish (Sorani)", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
	"en": "English", "en-gb": "English (British)", "en-us": "English (American)",
	"eo": "Esperanto", "es": "Spanish", "es-419": "Spanish (Latin American)", "et": "Estonian",
	"eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish",
	"gl": "Galician", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian",
	"it": "Italian", "ja": "Japanese", "kmr": "Kurdish (Kurmanji)", "ko": "Korean",
	"ku": "Kurdish", "ky": "Kyrgyz", "lt": "Lithuanian", "lv": "Latvian", "ms": "Malay",
	"nb": "Norwegian", "nl": "Dutch", "pl": "Polish", "prs": "Dari", "ps": "Pashto",
	"pt": "Portuguese", "pt-br": "Portuguese (Brazilian)", "pt-pt": "Portuguese (European)",
	"ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "so": "Somali",
	"sq": "Albanian", "sv": "Swedish", "th": "Thai", "ti": "Tigrinya", "tl": "Tagalog",
	"tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese",
	"zh": "Chinese", "zh-hans": "Chinese (simplified)", "zh-hant": "Chinese (traditional)",
}
