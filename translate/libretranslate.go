package translate

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// LibreTranslate is a self-hosted LibreTranslate server
// (github.com/LibreTranslate/LibreTranslate). It is called with JSON bodies, which the
// server takes as they are; form bodies would have their line endings rewritten.
type LibreTranslate struct {
	base  string
	key   string
	call  caller
	langs languageCache
}

var _ Engine = (*LibreTranslate)(nil)

// NewLibreTranslate returns the LibreTranslate server at baseURL (which may carry a path
// prefix). apiKey is sent when not empty; servers started with --api-keys want one. A
// nil client means http.DefaultClient; requests without a context deadline get
// DefaultTimeout.
func NewLibreTranslate(baseURL, apiKey string, client *http.Client) *LibreTranslate {
	if client == nil {
		client = http.DefaultClient
	}
	name := "LibreTranslate"
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" {
		name += " (" + u.Hostname() + ")"
	}
	return &LibreTranslate{
		base: baseURL,
		key:  apiKey,
		call: caller{name: name, client: client, refusal: libreRefusal},
	}
}

// Name returns "LibreTranslate (host)".
func (e *LibreTranslate) Name() string { return e.call.name }

// libreLanguage is one entry of GET /languages.
type libreLanguage struct {
	Code    string    `json:"code"`
	Name    string    `json:"name"`
	Targets *[]string `json:"targets"`
}

// Languages asks GET /languages. Each language lists the codes it translates into; a
// pair counts only when listed. Servers older than the "targets" field list only their
// installed languages, which they all translate between (through English), so a list
// without any "targets" offers every pair of its languages.
func (e *LibreTranslate) Languages(ctx context.Context) (Languages, error) {
	var list []libreLanguage
	if err := e.call.get(ctx, "languages", endpoint(e.base, "/languages"), e.header(), &list, e.key); err != nil {
		return Languages{}, err
	}
	withTargets := false
	for _, l := range list {
		withTargets = withTargets || l.Targets != nil
	}
	var langs []engineLanguage
	for _, l := range list {
		// The detector of LibreTranslate considers exactly the installed languages.
		el := engineLanguage{code: l.Code, source: true, detect: true}
		if withTargets && l.Targets != nil {
			el.targets = *l.Targets
		}
		if !withTargets {
			el.target = true
		}
		langs = append(langs, el)
	}
	ls := newLanguages(langs, !withTargets)
	e.langs.store(ls)
	return ls, nil
}

// libreTranslation is the answer of POST /translate for one text.
type libreTranslation struct {
	TranslatedText   *string         `json:"translatedText"`
	DetectedLanguage *libreDetection `json:"detectedLanguage"`
}

// libreDetection is one detected language; LibreTranslate's confidence runs from 0 to
// 100, and 0 means it could not tell (it then says "en").
type libreDetection struct {
	Confidence float64 `json:"confidence"`
	Language   string  `json:"language"`
}

// Translate sends POST /translate with source "auto" when source is empty.
func (e *LibreTranslate) Translate(ctx context.Context, text, source, target string) (Result, error) {
	if strings.TrimSpace(text) == "" {
		return Result{Text: text, Source: source}, nil
	}
	ls, err := e.langs.get(ctx, e.Languages)
	if err != nil {
		return Result{}, err
	}
	src, tgt, same, err := translation(e.call.name, ls, source, target)
	if same || err != nil {
		return Result{Text: text, Source: source}, err
	}
	if src == "" {
		src = "auto"
	}
	payload := map[string]any{"q": text, "source": src, "target": tgt, "format": "text"}
	if e.key != "" {
		payload["api_key"] = e.key
	}
	var out libreTranslation
	if err := e.call.postJSON(ctx, "translate", endpoint(e.base, "/translate"), e.header(), payload, &out, text, e.key); err != nil {
		if ErrorKind(err) == Unsupported && source != "" {
			// The engine no longer offers what it listed; ask for the list again.
			e.langs.forget()
		}
		return Result{}, err
	}
	if out.TranslatedText == nil {
		return Result{}, &Error{Engine: e.call.name, Op: "translate", Status: http.StatusOK, Kind: Unavailable, Msg: "the answer has no translatedText"}
	}
	r := Result{Text: *out.TranslatedText, Source: source}
	if source == "" && out.DetectedLanguage != nil {
		r.Source, r.Confidence = out.DetectedLanguage.option()
	}
	return r, nil
}

// Detect sends POST /detect and takes the engine's first, most confident guess.
func (e *LibreTranslate) Detect(ctx context.Context, text string) (string, float64, error) {
	if strings.TrimSpace(text) == "" {
		return "", 0, nil
	}
	payload := map[string]any{"q": text}
	if e.key != "" {
		payload["api_key"] = e.key
	}
	var out []libreDetection
	if err := e.call.postJSON(ctx, "detect", endpoint(e.base, "/detect"), e.header(), payload, &out, text, e.key); err != nil {
		return "", 0, err
	}
	if len(out) == 0 {
		return "", 0, nil
	}
	lang, confidence := out[0].option()
	return lang, confidence, nil
}

// option returns the detected language as our option and the confidence from 0 to 1;
// a detection without confidence is no detection.
func (d libreDetection) option() (string, float64) {
	c := d.Confidence / 100
	if c <= 0 || d.Language == "" {
		return "", 0
	}
	return optionFor(d.Language), min(c, 1)
}

// header asks for English error messages: LibreTranslate translates them into the
// language the request's Accept-Language names, and we read them.
func (e *LibreTranslate) header() http.Header {
	return http.Header{"Accept-Language": {"en"}}
}

// libreRefusal classifies LibreTranslate's {"error": "..."} answers. A 400 also says
// that a key is required but missing, or that a language or pair is not offered; a 403
// also bans a client for a while after too many rate-limit violations.
func libreRefusal(status int, body []byte) (Kind, string) {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || e.Error == "" {
		return statusKind(status), http.StatusText(status)
	}
	msg, kind := e.Error, statusKind(status)
	switch {
	case status == http.StatusBadRequest && strings.Contains(msg, "API key"):
		kind = Unauthorized
	case status == http.StatusBadRequest && (strings.Contains(msg, "is not supported") && !strings.Contains(msg, "format") ||
		strings.Contains(msg, "is not available as a target language")):
		kind = Unsupported
	case status == http.StatusForbidden && strings.Contains(msg, "limits violations"):
		kind = RateLimited
	}
	return kind, msg
}
