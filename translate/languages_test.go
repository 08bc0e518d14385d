package translate

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestLanguagesClaimOnlyListedPairs(t *testing.T) {
	// A LibreTranslate with direct models only: German and Arabic each talk to English
	// but not to each other.
	ls := newLanguages([]engineLanguage{
		{code: "de", source: true, detect: true, targets: []string{"en"}},
		{code: "en", source: true, detect: true, targets: []string{"de", "ar"}},
		{code: "ar", source: true, detect: true, targets: []string{"en"}},
	}, false)
	for _, tc := range []struct {
		from, to string
		want     bool
	}{
		{"de", "en", true},
		{"en", "ar", true},
		{"ar", "en", true},
		{"de", "ar", false},
		{"ar", "de", false},
	} {
		if got := ls.CanTranslate(tc.from, tc.to); got != tc.want {
			t.Errorf("CanTranslate(%q, %q) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestLanguagesMapOurCodes(t *testing.T) {
	ls := newLanguages([]engineLanguage{
		{code: "DE", source: true, target: true},
		{code: "EN", source: true},
		{code: "EN-US", target: true},
		{code: "EN-GB", target: true},
		{code: "KU", source: true, target: true},
		{code: "KMR", source: true, target: true},
		{code: "FA", source: true, target: true},
	}, true)
	for _, tc := range []struct {
		from, to, src, tgt string
	}{
		{"de", "en", "DE", "EN-GB"}, // British English first
		{"en", "de", "EN", "DE"},
		{"ku", "de", "KMR", "DE"}, // "kmr" names Kurmanji for sure; "ku" may be any Kurdish
		{"prs", "de", "FA", "DE"}, // no Dari: Persian serves it, as Lotse's catalogs do
	} {
		src, tgt, ok := ls.codes(tc.from, tc.to)
		if !ok || src != tc.src || tgt != tc.tgt {
			t.Errorf("codes(%q, %q) = %q, %q, %v; want %q, %q, true", tc.from, tc.to, src, tgt, ok, tc.src, tc.tgt)
		}
	}
	for code, want := range map[string]string{"KMR": "ku", "ku": "ku", "EN-GB": "en", "fa": "fa", "PRS": "prs", "es": "es"} {
		if got := optionFor(code); got != want {
			t.Errorf("optionFor(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestLibreTranslateWithoutTargets(t *testing.T) {
	// LibreTranslate before the "targets" field listed its installed languages only; it
	// translated between all of them.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"code":"en","name":"English"},{"code":"de","name":"German"},{"code":"fa","name":"Persian"}]`))
	}))
	defer srv.Close()
	ls, err := NewLibreTranslate(srv.URL, "", nil).Languages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !ls.CanTranslate("fa", "de") || !ls.CanTranslate("de", "en") || ls.CanTranslate("de", "ar") {
		t.Errorf("CanTranslate fa→de %v, de→en %v, de→ar %v; want true, true, false",
			ls.CanTranslate("fa", "de"), ls.CanTranslate("de", "en"), ls.CanTranslate("de", "ar"))
	}
}
