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

// newDeepL starts a fake DeepL and an adapter talking to it with the fake's key.
func newDeepL(t *testing.T, opts fake.Options) (*fake.Server, *translate.DeepL) {
	t.Helper()
	srv := fake.NewDeepL(opts)
	t.Cleanup(srv.Close)
	return srv, translate.NewDeepL(srv.URL, fake.DeepLKey, nil)
}

func TestDeepLHostFollowsTheKey(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"279a2e9d-83b3-c416-7e2d-f721593e42a0:fx", translate.DeepLFreeURL},
		{"279a2e9d-83b3-c416-7e2d-f721593e42a0", translate.DeepLProURL},
	} {
		if got := translate.NewDeepL("", tc.key, nil).BaseURL(); got != tc.want {
			t.Errorf("key %q: BaseURL() = %q, want %q", tc.key, got, tc.want)
		}
	}
	if got := translate.NewDeepL("https://deepl.proxy.example", "k:fx", nil).BaseURL(); got != "https://deepl.proxy.example" {
		t.Errorf("a given base URL was replaced by %q", got)
	}
}

func TestDeepLLanguages(t *testing.T) {
	_, e := newDeepL(t, fake.Options{})
	ls, err := e.Languages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// DeepL has Pashto, Kurmanji, Sorani and Dari, but no Tigrinya and no Somali.
	want := []string{"de", "en", "ar", "fa", "prs", "ps", "ku", "ckb", "uk", "ru", "tr", "fr"}
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
		{"de", "en", true},
		{"en", "de", true},
		{"ku", "de", true},
		{"de", "ckb", true},
		{"prs", "fa", true}, // DeepL has Dari of its own
		{"ti", "de", false},
		{"de", "so", false},
		{"en", "en", false},
	} {
		if got := ls.CanTranslate(tc.from, tc.to); got != tc.want {
			t.Errorf("CanTranslate(%q, %q) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
	// DeepL recognizes Arabic and Ukrainian, not Persian, Pashto or the Kurdish ones.
	for lang, want := range map[string]bool{"ar": true, "uk": true, "de": true, "fa": false, "ps": false, "ku": false, "ckb": false, "ti": false} {
		if got := ls.CanDetect(lang); got != want {
			t.Errorf("CanDetect(%q) = %v, want %v", lang, got, want)
		}
	}
}

func TestDeepLTranslateGivenSource(t *testing.T) {
	srv, e := newDeepL(t, fake.Options{})
	for _, tc := range []struct {
		source, target   string
		sentSrc, sentTgt string
	}{
		{"de", "en", "DE", "EN-GB"},
		{"ku", "de", "KMR", "DE"},
		{"de", "ckb", "DE", "CKB"},
		{"prs", "de", "PRS", "DE"},
	} {
		text := "Termin am 24.12.2026 um 09:00 in Zimmer 3"
		r, err := e.Translate(context.Background(), text, tc.source, tc.target)
		if err != nil {
			t.Fatalf("%s→%s: %v", tc.source, tc.target, err)
		}
		if want := "[" + tc.sentSrc + "→" + tc.sentTgt + "] " + text; r.Text != want || r.Source != tc.source {
			t.Errorf("%s→%s: Text, Source = %q, %q; want %q, %q", tc.source, tc.target, r.Text, r.Source, want, tc.source)
		}
		req := lastRequest(t, srv, "/v2/translate")
		want := map[string][]string{"text": {text}, "source_lang": {tc.sentSrc}, "target_lang": {tc.sentTgt}, "preserve_formatting": {"true"}}
		if req.Method != "POST" || req.ContentType != "application/json" || !req.KeySent || !reflect.DeepEqual(req.Params, want) {
			t.Errorf("%s→%s: request = %s %s key %v %v, want POST application/json with the key and %v",
				tc.source, tc.target, req.Method, req.ContentType, req.KeySent, req.Params, want)
		}
	}
}

func TestDeepLTranslateDetectsSource(t *testing.T) {
	srv, e := newDeepL(t, fake.Options{})
	r, err := e.Translate(context.Background(), "Hallo, ich habe eine Frage zum Termin", "", "ar")
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != "de" || r.Confidence != 0 {
		t.Errorf("Source, Confidence = %q, %v; want de, 0 (DeepL gives no confidence)", r.Source, r.Confidence)
	}
	if _, sent := lastRequest(t, srv, "/v2/translate").Params["source_lang"]; sent {
		t.Error("source_lang was sent for a detection")
	}
}

func TestDeepLDetect(t *testing.T) {
	_, e := newDeepL(t, fake.Options{})
	lang, confidence, err := e.Detect(context.Background(), "Привіт, у мене є питання")
	if err != nil {
		t.Fatal(err)
	}
	if lang != "uk" || confidence != 0 {
		t.Errorf("Detect = %q, %v; want uk, 0", lang, confidence)
	}
}

func TestDeepLRefusesWhatItDidNotList(t *testing.T) {
	srv, e := newDeepL(t, fake.Options{})
	for _, pair := range [][2]string{{"ti", "de"}, {"de", "so"}} {
		_, err := e.Translate(context.Background(), "Hallo", pair[0], pair[1])
		if translate.ErrorKind(err) != translate.Unsupported || translate.IsTemporary(err) {
			t.Errorf("Translate %s→%s: err = %v, want a permanent Unsupported error", pair[0], pair[1], err)
		}
	}
	if n := srv.Calls("/v2/translate"); n != 0 {
		t.Errorf("%d translate requests for languages DeepL did not list, want 0", n)
	}
}

func TestDeepLWrongKey(t *testing.T) {
	srv := fake.NewDeepL(fake.Options{})
	t.Cleanup(srv.Close)
	const key = "11111111-2222-3333-4444-555555555555:fx"
	e := translate.NewDeepL(srv.URL, key, nil)
	for _, call := range []func() error{
		func() error { _, err := e.Languages(context.Background()); return err },
		func() error { _, err := e.Translate(context.Background(), "Hallo", "de", "ar"); return err },
	} {
		err := call()
		var te *translate.Error
		if !errors.As(err, &te) || te.Kind != translate.Unauthorized || te.Status != 403 || te.Temporary() {
			t.Errorf("err = %v, want a permanent Unauthorized error with status 403", err)
		}
		if err != nil && strings.Contains(err.Error(), key) {
			t.Errorf("the error shows the key: %v", err)
		}
	}
}

func TestDeepLFailures(t *testing.T) {
	for _, tc := range []struct {
		fault     fake.Fault
		kind      translate.Kind
		status    int
		temporary bool
	}{
		{fake.TooManyRequests, translate.RateLimited, 429, true},
		{fake.QuotaExceeded, translate.QuotaExceeded, 456, false},
		{fake.ServerError, translate.Unavailable, 500, true},
		{fake.BadGateway, translate.Unavailable, 502, true},
		{fake.Garbage, translate.Unavailable, 200, true},
	} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			srv, e := newDeepL(t, fake.Options{})
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
			if _, err := e.Translate(context.Background(), text, "de", "ar"); err != nil {
				t.Errorf("after the fault: %v", err)
			}
		})
	}
}

func TestDeepLSlowerThanTheDeadline(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  fake.Options
		fault fake.Fault
	}{
		{"hang", fake.Options{}, fake.Hang},
		{"latency", fake.Options{Latency: time.Minute}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, e := newDeepL(t, tc.opts)
			if tc.fault != 0 {
				primeLanguages(t, e)
				srv.FailNext(1, tc.fault)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, _, err := e.Detect(ctx, "Hallo")
			if translate.ErrorKind(err) != translate.Unavailable || !translate.IsTemporary(err) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want a temporary Unavailable error wrapping context.DeadlineExceeded", err)
			}
		})
	}
}
