package translate_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/translate"
	"github.com/lotse-bot/lotse/translate/fake"
)

// newLibre starts a fake LibreTranslate and an adapter talking to it with key.
func newLibre(t *testing.T, opts fake.Options, key string) (*fake.Server, *translate.LibreTranslate) {
	t.Helper()
	srv := fake.NewLibreTranslate(opts)
	t.Cleanup(srv.Close)
	return srv, translate.NewLibreTranslate(srv.URL, key, nil)
}

func TestLibreTranslateName(t *testing.T) {
	e := translate.NewLibreTranslate("https://translate.example.de/lt/", "", nil)
	if got, want := e.Name(), "LibreTranslate (translate.example.de)"; got != want {
		t.Errorf("Name() = %q, want %q", got, want)
	}
}

func TestLibreTranslateLanguages(t *testing.T) {
	_, e := newLibre(t, fake.Options{}, "")
	ls, err := e.Languages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The Argos models cover Arabic, Persian, Ukrainian, Russian, Turkish and French;
	// Dari is served by Persian; Pashto, Kurmanji, Sorani, Tigrinya and Somali are missing.
	want := []string{"de", "en", "ar", "fa", "prs", "uk", "ru", "tr", "fr"}
	if got := ls.Sources(); !reflect.DeepEqual(got, want) {
		t.Errorf("Sources() = %v, want %v", got, want)
	}
	if got := ls.Targets(); !reflect.DeepEqual(got, want) {
		t.Errorf("Targets() = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		from, to string
		want     bool
	}{
		{"ar", "de", true},
		{"de", "fa", true},
		{"prs", "de", true},
		{"uk", "en", true},
		{"ti", "de", false},
		{"de", "ckb", false},
		{"ps", "de", false},
		{"de", "so", false},
		{"ku", "de", false},
		{"de", "de", false},
		{"prs", "fa", false},
	} {
		if got := ls.CanTranslate(tc.from, tc.to); got != tc.want {
			t.Errorf("CanTranslate(%q, %q) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
	if !ls.CanDetect("fa") || ls.CanDetect("ti") {
		t.Errorf("CanDetect(fa) = %v, CanDetect(ti) = %v; want true, false", ls.CanDetect("fa"), ls.CanDetect("ti"))
	}
}

func TestLibreTranslateLanguagesWithKurdishModels(t *testing.T) {
	// An operator who installed community models for Kurdish may list them as "ku" and
	// "ckb"; Lotse's Kurmanji then maps to "ku".
	srv, e := newLibre(t, fake.Options{Languages: []string{"de", "en", "ku", "ckb"}}, "")
	ls, err := e.Languages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !ls.CanTranslate("ku", "de") || !ls.CanTranslate("de", "ckb") || ls.CanTranslate("ar", "de") {
		t.Errorf("CanTranslate ku→de %v, de→ckb %v, ar→de %v; want true, true, false",
			ls.CanTranslate("ku", "de"), ls.CanTranslate("de", "ckb"), ls.CanTranslate("ar", "de"))
	}
	r, err := e.Translate(context.Background(), "Silav, pirseke min heye", "ku", "de")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Text, "[ku→de] Silav, pirseke min heye"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if got := lastRequest(t, srv, "/translate").Params["source"]; !reflect.DeepEqual(got, []string{"ku"}) {
		t.Errorf("source sent = %v, want [ku]", got)
	}
}

func TestLibreTranslateTranslateGivenSource(t *testing.T) {
	srv, e := newLibre(t, fake.Options{}, "")
	text := "Ihr Termin ist am 24.12.2026 um 09:00.\r\nBitte bringen Sie K-0042 mit."
	r, err := e.Translate(context.Background(), text, "de", "ar")
	if err != nil {
		t.Fatal(err)
	}
	// The text arrives as sent: JSON keeps the line ending a form body would lose.
	if got, want := r.Text, "[de→ar] "+text; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if r.Source != "de" || r.Confidence != 0 {
		t.Errorf("Source, Confidence = %q, %v; want de, 0", r.Source, r.Confidence)
	}
	if err := translate.Check(text, r.Text); err != nil {
		t.Errorf("Check: %v", err)
	}
	req := lastRequest(t, srv, "/translate")
	want := map[string][]string{"q": {text}, "source": {"de"}, "target": {"ar"}, "format": {"text"}}
	if req.Method != "POST" || req.ContentType != "application/json" || !reflect.DeepEqual(req.Params, want) {
		t.Errorf("request = %s %s %v, want POST application/json %v", req.Method, req.ContentType, req.Params, want)
	}
}

func TestLibreTranslateTranslateDetectsSource(t *testing.T) {
	srv, e := newLibre(t, fake.Options{}, "")
	for _, tc := range []struct {
		text, source string
		confidence   float64
	}{
		{"مرحبا، عندي سؤال عن الموعد", "ar", 0.7},
		{"سلام، یک سوال دارم", "fa", 0.85},
		{"Привіт, у мене є питання", "uk", 0.9},
	} {
		r, err := e.Translate(context.Background(), tc.text, "", "de")
		if err != nil {
			t.Fatal(err)
		}
		if r.Source != tc.source || r.Confidence != tc.confidence {
			t.Errorf("%q: Source, Confidence = %q, %v; want %q, %v", tc.text, r.Source, r.Confidence, tc.source, tc.confidence)
		}
		if got := lastRequest(t, srv, "/translate").Params["source"]; !reflect.DeepEqual(got, []string{"auto"}) {
			t.Errorf("source sent = %v, want [auto]", got)
		}
	}
}

func TestLibreTranslateDetect(t *testing.T) {
	_, e := newLibre(t, fake.Options{}, "")
	lang, confidence, err := e.Detect(context.Background(), "سلام، یک سوال دارم")
	if err != nil {
		t.Fatal(err)
	}
	if lang != "fa" || confidence != 0.85 {
		t.Errorf("Detect = %q, %v; want fa, 0.85", lang, confidence)
	}
	// Ethiopic script: LibreTranslate has no Tigrinya, so it cannot tell (it says
	// English with confidence 0), and Detect says so.
	lang, confidence, err = e.Detect(context.Background(), "ሰላም፡ ሕቶ ኣለኒ")
	if err != nil {
		t.Fatal(err)
	}
	if lang != "" || confidence != 0 {
		t.Errorf("Detect(Tigrinya) = %q, %v; want \"\", 0", lang, confidence)
	}
}

func TestLibreTranslateRefusesWhatItDidNotList(t *testing.T) {
	srv, e := newLibre(t, fake.Options{}, "")
	for _, pair := range [][2]string{{"ti", "de"}, {"de", "ps"}, {"so", "en"}} {
		_, err := e.Translate(context.Background(), "Hallo", pair[0], pair[1])
		if translate.ErrorKind(err) != translate.Unsupported || translate.IsTemporary(err) {
			t.Errorf("Translate %s→%s: err = %v, want a permanent Unsupported error", pair[0], pair[1], err)
		}
	}
	if n := srv.Calls("/translate"); n != 0 {
		t.Errorf("%d translate requests for languages the engine did not list, want 0", n)
	}
}

func TestLibreTranslateNeedsNoRequestForNothing(t *testing.T) {
	srv, e := newLibre(t, fake.Options{}, "")
	// Dari and Persian are one engine language: the text stays as it is.
	r, err := e.Translate(context.Background(), "سلام", "prs", "fa")
	if err != nil || r.Text != "سلام" {
		t.Errorf("Translate prs→fa = %q, %v; want the text unchanged", r.Text, err)
	}
	r, err = e.Translate(context.Background(), "  ", "de", "ar")
	if err != nil || r.Text != "  " {
		t.Errorf("Translate(blank) = %q, %v; want the text unchanged", r.Text, err)
	}
	if n := srv.Calls("/translate"); n != 0 {
		t.Errorf("%d translate requests, want 0", n)
	}
}

func TestLibreTranslateKey(t *testing.T) {
	const key = "lt-key-1234"
	srv, good := newLibre(t, fake.Options{Key: key}, key)
	if _, err := good.Translate(context.Background(), "Hallo", "de", "ar"); err != nil {
		t.Fatalf("with the right key: %v", err)
	}
	if req := lastRequest(t, srv, "/translate"); !req.KeySent {
		t.Error("the key was not sent")
	}
	for _, tc := range []struct {
		name, key string
		status    int
	}{
		{"wrong key", "not-the-key", 403},
		{"no key", "", 400},
	} {
		e := translate.NewLibreTranslate(srv.URL, tc.key, nil)
		_, err := e.Translate(context.Background(), "Hallo", "de", "ar")
		var te *translate.Error
		if !errors.As(err, &te) || te.Kind != translate.Unauthorized || te.Status != tc.status || te.Temporary() {
			t.Errorf("%s: err = %v, want a permanent Unauthorized error with status %d", tc.name, err, tc.status)
		}
		if err != nil && tc.key != "" && strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: the error shows the key: %v", tc.name, err)
		}
	}
}

func TestLibreTranslateFailures(t *testing.T) {
	for _, tc := range []struct {
		fault     fake.Fault
		kind      translate.Kind
		status    int
		temporary bool
	}{
		{fake.TooManyRequests, translate.RateLimited, 429, true},
		{fake.QuotaExceeded, translate.RateLimited, 429, true}, // LibreTranslate's daily limit is a 429 too
		{fake.ServerError, translate.Unavailable, 500, true},
		{fake.BadGateway, translate.Unavailable, 502, true},
		{fake.Garbage, translate.Unavailable, 200, true},
	} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			srv, e := newLibre(t, fake.Options{}, "")
			primeLanguages(t, e)
			srv.FailNext(1, tc.fault)
			text := "Mein Sohn ist krank, Telefon 07000 123-401"
			_, err := e.Translate(context.Background(), text, "de", "ar")
			var te *translate.Error
			if !errors.As(err, &te) || te.Kind != tc.kind || te.Status != tc.status || te.Temporary() != tc.temporary {
				t.Fatalf("err = %v, want kind %s, status %d, temporary %v", err, tc.kind, tc.status, tc.temporary)
			}
			if strings.Contains(err.Error(), "07000") || strings.Contains(err.Error(), "krank") {
				t.Errorf("the error shows the text: %v", err)
			}
			// The fault was for one request only.
			if _, err := e.Translate(context.Background(), text, "de", "ar"); err != nil {
				t.Errorf("after the fault: %v", err)
			}
		})
	}
}

func TestLibreTranslateHangsBeyondTheDeadline(t *testing.T) {
	srv, e := newLibre(t, fake.Options{}, "")
	primeLanguages(t, e)
	srv.FailNext(1, fake.Hang)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := e.Translate(ctx, "Hallo", "de", "ar")
	if translate.ErrorKind(err) != translate.Unavailable || !translate.IsTemporary(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a temporary Unavailable error wrapping context.DeadlineExceeded", err)
	}
}

func TestLibreTranslateTextLimit(t *testing.T) {
	_, e := newLibre(t, fake.Options{MaxChars: 20}, "")
	_, err := e.Translate(context.Background(), strings.Repeat("Guten Tag ", 5), "de", "en")
	var te *translate.Error
	if !errors.As(err, &te) || te.Kind != translate.Invalid || te.Status != 400 || !strings.Contains(te.Msg, "exceeds text limit (20)") {
		t.Errorf("err = %v, want Invalid with LibreTranslate's text limit message", err)
	}
}

func TestLibreTranslateMistakesAreCaught(t *testing.T) {
	srv, e := newLibre(t, fake.Options{}, "")
	primeLanguages(t, e)
	text := "Termin am 24.12.2026 um 09:00, Rückruf unter 07000 123-401."
	for _, tc := range []struct {
		alteration fake.Alteration
		what       string
	}{
		{fake.ChangeDigit, "phone number"},
		{fake.DropNumber, "phone number"},
	} {
		srv.AlterNext(1, tc.alteration)
		r, err := e.Translate(context.Background(), text, "de", "ar")
		if err != nil {
			t.Fatal(err)
		}
		var ce *translate.CheckError
		if err := translate.Check(text, r.Text); !errors.As(err, &ce) || len(ce.Missing) != 1 || ce.Missing[0].What != tc.what {
			t.Errorf("alteration %d: Check(%q) = %v, want the %s missing", tc.alteration, r.Text, err, tc.what)
		}
	}
}

// primeLanguages fetches the language list, so that a fault injected next hits the
// translation rather than the list.
func primeLanguages(t *testing.T, e translate.Engine) {
	t.Helper()
	if _, err := e.Languages(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// lastRequest returns the last request the server received for path.
func lastRequest(t *testing.T, srv *fake.Server, path string) fake.Request {
	t.Helper()
	reqs := srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Path == path {
			return reqs[i]
		}
	}
	t.Fatalf("no request for %s", path)
	return fake.Request{}
}
