// Package fake runs stand-ins for the HTTP APIs of LibreTranslate and DeepL, for tests
// and the playground. Each is an httptest server that checks requests the way the real
// API does (method, path, content type, required fields, key, language codes, text
// size) and answers in the real API's shapes, refusals included. Its "translation" is
// deterministic and visibly fake ("[ar→de] text"); a test can make the next answers
// fail, hang, or change a number, and can read the requests the server received until it
// is closed.
//
// The facts behind the checks come from LibreTranslate's source (libretranslate/app.py:
// JSON or form bodies, {"error": "..."} refusals, confidence 0–100) and DeepL's API
// reference and OpenAPI file (JSON bodies with text as a list, the key only in the
// Authorization header, /v3/languages, 456 for a used-up quota).
//
// All methods are safe for concurrent use.
package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure a fake engine. The zero value is a realistic engine.
type Options struct {
	// Languages are the engine's language codes as the engine writes them. Nil means
	// the default of the engine: LibreTranslateLanguages or DeepLLanguages.
	Languages []string
	// AutoDetect are the languages DeepL recognizes when source_lang is left out; nil
	// means DeepLAutoDetect. LibreTranslate recognizes all its languages.
	AutoDetect []string
	// Key is the key the server accepts. A LibreTranslate with Key "" is open to all,
	// like one started without --api-keys; with a Key it refuses a wrong key (403) and
	// a missing one (400), like one started with --api-keys --require-api-key-origin.
	// A DeepL with Key "" accepts DeepLKey.
	Key string
	// Translate makes the translation of a text between engine codes; nil means Marker.
	// The source is the detected one when the request left it out.
	Translate func(text, source, target string) string
	// Detect tells the language of a text as an engine code, with a confidence from 0
	// to 1; nil means Guess. A language the engine does not offer counts as not
	// recognized.
	Detect func(text string) (lang string, confidence float64)
	// MaxChars is LibreTranslate's --char-limit: a longer text is refused with 400.
	// 0 means no limit, LibreTranslate's default. DeepL always refuses request bodies
	// over 128 KiB.
	MaxChars int
	// Latency delays every answer.
	Latency time.Duration
}

// DeepLKey is the auth key a fake DeepL accepts unless Options.Key says otherwise. It
// ends in ":fx" like a key of DeepL's free plan.
const DeepLKey = "00000000-0000-4000-8000-000000000000:fx"

// Fault is a failure the server answers with instead of handling a request.
type Fault int

const (
	// TooManyRequests answers 429 as the engine does when it wants us to slow down.
	TooManyRequests Fault = iota + 1
	// ServerError answers 500.
	ServerError
	// BadGateway answers 502 with the HTML page of a reverse proxy whose engine is down.
	BadGateway
	// QuotaExceeded answers DeepL's 456 "Quota for this billing period has been
	// exceeded"; LibreTranslate has no quota and answers with its daily rate limit, 429.
	QuotaExceeded
	// Garbage answers 200 with an HTML page instead of JSON.
	Garbage
	// Hang gives no answer until the client gives up or the server closes.
	Hang
)

func (f Fault) String() string {
	switch f {
	case TooManyRequests:
		return "TooManyRequests"
	case ServerError:
		return "ServerError"
	case BadGateway:
		return "BadGateway"
	case QuotaExceeded:
		return "QuotaExceeded"
	case Garbage:
		return "Garbage"
	case Hang:
		return "Hang"
	}
	return fmt.Sprintf("Fault(%d)", int(f))
}

// Alteration is a mistake the server makes in a translation it otherwise delivers, to
// test that Lotse notices.
type Alteration int

const (
	// ChangeDigit turns the last digit of the translation into the next one (9 into 0),
	// so a time, a date or a phone number changes.
	ChangeDigit Alteration = iota + 1
	// DropNumber removes the last number of the translation with the spaces, hyphens,
	// slashes, dots and colons inside it: a whole phone number, date or time.
	DropNumber
)

// Request is one request the server received. The key is not kept.
type Request struct {
	Method      string
	Path        string
	Query       url.Values
	ContentType string // media type without parameters
	// Params are the fields of the body (form or JSON) and of the query; a JSON list
	// gives all its elements, other JSON values their JSON text.
	Params  map[string][]string
	KeySent bool  // a key came along, as a field or an Authorization header
	Status  int   // status of the answer, 0 while it is pending
	Fault   Fault // the injected fault that answered, if any
}

// Server is a fake engine.
type Server struct {
	// URL is the base URL of the API, e.g. "http://127.0.0.1:4567".
	URL string

	ts     *httptest.Server
	opts   Options
	engine engine
	done   chan struct{}
	once   sync.Once

	mu          sync.Mutex
	requests    []*Request
	faults      []Fault
	alterations []Alteration
}

// engine is what differs between LibreTranslate and DeepL.
type engine interface {
	// handle answers a request that got no fault.
	handle(s *Server, c *call) answer
	// fault answers with an injected fault.
	fault(f Fault) answer
	// keySent tells whether the request carries a key.
	keySent(c *call) bool
}

// call is a request being handled.
type call struct {
	r       *http.Request
	body    []byte
	media   string         // media type of the body
	form    url.Values     // form fields and query parameters, for form bodies
	json    map[string]any // decoded JSON object, for JSON bodies
	badJSON bool           // a JSON body that is not an object
}

// answer is a response.
type answer struct {
	status      int
	contentType string
	body        []byte
}

// jsonAnswer encodes v as the JSON body of an answer.
func jsonAnswer(status int, v any) answer {
	b, err := json.Marshal(v)
	if err != nil {
		return answer{status: http.StatusInternalServerError, contentType: "text/plain", body: []byte(err.Error())}
	}
	return answer{status: status, contentType: "application/json", body: append(b, '\n')}
}

func htmlAnswer(status int, page string) answer {
	return answer{status: status, contentType: "text/html; charset=utf-8", body: []byte(page)}
}

// maxBody bounds what the server reads of a request: more than DeepL's 128 KiB limit, so
// it can refuse a bigger request as DeepL does.
const maxBody = 1 << 20

func newServer(opts Options, e engine) *Server {
	s := &Server{opts: opts, engine: e, done: make(chan struct{})}
	s.ts = httptest.NewServer(s)
	s.URL = s.ts.URL
	return s
}

// ServeHTTP handles one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	c := &call{r: r, body: body}
	c.parse()
	rec := &Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), ContentType: c.media,
		Params: c.params(), KeySent: s.engine.keySent(c),
	}
	// The record keeps no key, whatever field carried it.
	delete(rec.Params, "api_key")
	delete(rec.Params, "auth_key")
	rec.Query.Del("api_key")
	rec.Query.Del("auth_key")
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	var fault Fault
	if len(s.faults) > 0 {
		fault, s.faults = s.faults[0], s.faults[1:]
	}
	s.mu.Unlock()

	if !s.wait(r.Context(), s.opts.Latency) {
		return
	}
	var a answer
	switch {
	case fault == Hang:
		s.setStatus(rec, 0, fault)
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		return
	case fault != 0:
		a = s.engine.fault(fault)
	default:
		a = s.engine.handle(s, c)
	}
	s.setStatus(rec, a.status, fault)
	if a.contentType != "" {
		w.Header().Set("Content-Type", a.contentType)
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// wait sleeps for d unless the request ends or the server closes first.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

func (s *Server) setStatus(rec *Request, status int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Status, rec.Fault = status, f
}

// FailNext makes the next n requests, to any path, get fault f instead of an answer.
// Faults queue up in the order they are added.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// AlterNext makes the next n successful translations come back with mistake a.
func (s *Server) AlterNext(n int, a Alteration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.alterations = append(s.alterations, a)
	}
}

// alter applies the next queued alteration, if any, to a translation.
func (s *Server) alter(text string) string {
	s.mu.Lock()
	var a Alteration
	if len(s.alterations) > 0 {
		a, s.alterations = s.alterations[0], s.alterations[1:]
	}
	s.mu.Unlock()
	switch a {
	case ChangeDigit:
		return changeLastDigit(text)
	case DropNumber:
		return dropLastNumber(text)
	}
	return text
}

// Requests returns copies of the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
	}
	return out
}

// Calls counts the requests received for an API path such as "/translate"; "" counts
// all.
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if path == "" || r.Path == path {
			n++
		}
	}
	return n
}

// Close ends hanging requests, stops the server and forgets the requests it received:
// they hold the texts that were sent.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.done)
		s.ts.CloseClientConnections()
		s.ts.Close()
		s.mu.Lock()
		s.requests = nil
		s.mu.Unlock()
	})
}

// parse reads the body the way the APIs do: a JSON object for application/json, fields
// for form bodies; query parameters count as fields too.
func (c *call) parse() {
	c.media, _, _ = mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	c.form = url.Values{}
	for k, v := range c.r.URL.Query() {
		c.form[k] = append(c.form[k], v...)
	}
	switch c.media {
	case "application/json":
		var v any
		if json.Unmarshal(c.body, &v) != nil {
			c.badJSON = true
			return
		}
		obj, ok := v.(map[string]any)
		if !ok {
			c.badJSON = true
			return
		}
		c.json = obj
	case "application/x-www-form-urlencoded":
		if f, err := url.ParseQuery(string(c.body)); err == nil {
			for k, v := range f {
				c.form[k] = append(c.form[k], v...)
			}
		}
	case "multipart/form-data":
		r := c.r.Clone(c.r.Context())
		r.Body = io.NopCloser(bytes.NewReader(c.body))
		if r.ParseMultipartForm(maxBody) == nil && r.MultipartForm != nil {
			for k, v := range r.MultipartForm.Value {
				c.form[k] = append(c.form[k], v...)
			}
		}
	}
}

// isJSON tells whether the body was meant as JSON.
func (c *call) isJSON() bool { return c.media == "application/json" }

// value returns a field: from the JSON object for JSON bodies, else the first form
// value. ok is false when the field is missing.
func (c *call) value(name string) (any, bool) {
	if c.isJSON() {
		v, ok := c.json[name]
		return v, ok && v != nil
	}
	vs, ok := c.form[name]
	if !ok || len(vs) == 0 {
		return nil, false
	}
	return vs[0], true
}

// str returns a field as a string; a field that is not a string is "".
func (c *call) str(name string) string {
	v, _ := c.value(name)
	s, _ := v.(string)
	return s
}

// params flattens the fields for the record.
func (c *call) params() map[string][]string {
	out := map[string][]string{}
	if !c.isJSON() {
		for k, v := range c.form {
			out[k] = append([]string(nil), v...)
		}
		return out
	}
	for k, v := range c.json {
		switch v := v.(type) {
		case string:
			out[k] = []string{v}
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					out[k] = append(out[k], s)
				} else {
					b, _ := json.Marshal(e)
					out[k] = append(out[k], string(b))
				}
			}
		default:
			b, _ := json.Marshal(v)
			out[k] = []string{string(b)}
		}
	}
	for k, v := range c.r.URL.Query() {
		out[k] = append(out[k], v...)
	}
	return out
}

// languageSet is an engine's language list, with case-insensitive lookup.
type languageSet struct {
	codes []string
	index map[string]string // lower case → as listed
}

func newLanguageSet(codes []string) languageSet {
	ls := languageSet{codes: append([]string(nil), codes...), index: map[string]string{}}
	for _, c := range codes {
		ls.index[strings.ToLower(c)] = c
	}
	return ls
}

// find returns a code as listed, and whether it is listed.
func (ls languageSet) find(code string) (string, bool) {
	c, ok := ls.index[strings.ToLower(code)]
	return c, ok
}

// sorted returns the codes in alphabetical order.
func (ls languageSet) sorted() []string {
	out := append([]string(nil), ls.codes...)
	sort.Strings(out)
	return out
}
