package translate

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// The hosts of DeepL's two plans. Keys of the free plan end in ":fx".
const (
	DeepLFreeURL = "https://api-free.deepl.com"
	DeepLProURL  = "https://api.deepl.com"
)

// DeepL is the DeepL API (developers.deepl.com). The key travels only in the
// Authorization header; DeepL refuses keys in the body or the URL since 2026.
type DeepL struct {
	base  string
	auth  http.Header
	key   string
	call  caller
	langs languageCache
}

var _ Engine = (*DeepL)(nil)

// NewDeepL returns the DeepL API at baseURL; an empty baseURL picks the free host for a
// key ending in ":fx" and the pro host otherwise. A nil client means
// http.DefaultClient; requests without a context deadline get DefaultTimeout.
func NewDeepL(baseURL, authKey string, client *http.Client) *DeepL {
	if client == nil {
		client = http.DefaultClient
	}
	if baseURL == "" {
		baseURL = DeepLProURL
		if strings.HasSuffix(authKey, ":fx") {
			baseURL = DeepLFreeURL
		}
	}
	return &DeepL{
		base: baseURL,
		key:  authKey,
		auth: http.Header{"Authorization": {"DeepL-Auth-Key " + authKey}},
		call: caller{name: "DeepL API", client: client, refusal: deeplRefusal},
	}
}

// Name returns "DeepL API".
func (e *DeepL) Name() string { return e.call.name }

// BaseURL returns the host the engine talks to, so an operator can see which plan's
// host a key chose.
func (e *DeepL) BaseURL() string { return e.base }

// deeplLanguage is one entry of GET /v3/languages.
type deeplLanguage struct {
	Lang           string                     `json:"lang"`
	Name           string                     `json:"name"`
	UsableAsSource bool                       `json:"usable_as_source"`
	UsableAsTarget bool                       `json:"usable_as_target"`
	Status         string                     `json:"status"`
	Features       map[string]json.RawMessage `json:"features"`
}

// Languages asks GET /v3/languages?resource=translate_text. DeepL deprecated
// /v2/languages and no longer adds new languages to it: Sorani, Kurmanji and Dari are
// listed only by v3. DeepL translates any source language into any target language; it
// recognizes the source only for languages with the "auto_detection" feature.
func (e *DeepL) Languages(ctx context.Context) (Languages, error) {
	var list []deeplLanguage
	if err := e.call.get(ctx, "languages", endpoint(e.base, "/v3/languages?resource=translate_text"), e.auth, &list, e.key); err != nil {
		return Languages{}, err
	}
	var langs []engineLanguage
	for _, l := range list {
		_, detect := l.Features["auto_detection"]
		langs = append(langs, engineLanguage{code: l.Lang, source: l.UsableAsSource, target: l.UsableAsTarget, detect: l.UsableAsSource && detect})
	}
	ls := newLanguages(langs, true)
	e.langs.store(ls)
	return ls, nil
}

// deeplAnswer is the answer of POST /v2/translate.
type deeplAnswer struct {
	Translations []struct {
		DetectedSourceLanguage string `json:"detected_source_language"`
		Text                   string `json:"text"`
	} `json:"translations"`
}

// Translate sends POST /v2/translate with a JSON body, leaving out source_lang when
// source is empty. preserve_formatting keeps DeepL from "correcting" punctuation and
// capitals, which a message between people should keep.
func (e *DeepL) Translate(ctx context.Context, text, source, target string) (Result, error) {
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
	translated, detected, err := e.translate(ctx, text, src, tgt)
	if err != nil {
		if ErrorKind(err) == Unsupported && source != "" {
			// The engine no longer offers what it listed; ask for the list again.
			e.langs.forget()
		}
		return Result{}, err
	}
	r := Result{Text: translated, Source: source}
	if source == "" {
		r.Source = optionFor(detected)
	}
	return r, nil
}

// Detect has no endpoint of its own to call: DeepL's detection endpoint is a beta that
// accounts must ask for. It translates text into German without a source language and
// reports the source DeepL detected, with confidence 0 since DeepL does not say how sure
// it is. The text is billed like any translation. For a language without automatic
// detection (see Languages.CanDetect) DeepL's answer means little.
func (e *DeepL) Detect(ctx context.Context, text string) (string, float64, error) {
	if strings.TrimSpace(text) == "" {
		return "", 0, nil
	}
	_, detected, err := e.translate(ctx, text, "", "DE")
	if err != nil {
		if de, ok := err.(*Error); ok {
			de.Op = "detect"
		}
		return "", 0, err
	}
	if detected == "" {
		return "", 0, nil
	}
	return optionFor(detected), 0, nil
}

// translate sends one text to POST /v2/translate.
func (e *DeepL) translate(ctx context.Context, text, src, tgt string) (translated, detected string, err error) {
	payload := map[string]any{
		"text":                []string{text},
		"target_lang":         strings.ToUpper(tgt),
		"preserve_formatting": true,
	}
	if src != "" {
		payload["source_lang"] = strings.ToUpper(src)
	}
	var out deeplAnswer
	if err := e.call.postJSON(ctx, "translate", endpoint(e.base, "/v2/translate"), e.auth, payload, &out, text, e.key); err != nil {
		return "", "", err
	}
	if len(out.Translations) != 1 {
		return "", "", &Error{Engine: e.call.name, Op: "translate", Status: http.StatusOK, Kind: Unavailable, Msg: "the answer does not hold exactly one translation"}
	}
	return out.Translations[0].Text, out.Translations[0].DetectedSourceLanguage, nil
}

// deeplRefusal classifies DeepL's answers: a JSON {"message": ..., "detail": ...} or an
// empty body. 456 means the quota is used up; 529 is DeepL's second "too many
// requests"; a 400 about source_lang or target_lang is a language DeepL does not offer.
func deeplRefusal(status int, body []byte) (Kind, string) {
	var e struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
	}
	_ = json.Unmarshal(body, &e)
	msg := strings.TrimSpace(e.Message + " " + e.Detail)
	kind := statusKind(status)
	switch {
	case status == 529:
		kind = RateLimited
	case status == http.StatusBadRequest && (strings.Contains(msg, "target_lang") || strings.Contains(msg, "source_lang")):
		kind = Unsupported
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	return kind, msg
}
