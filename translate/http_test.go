package translate

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestErrorsNeverShowTheTextOrTheKey(t *testing.T) {
	const text = "Mein Mann Ahmad liegt im Krankenhaus"
	const key = "secret-key-4711"
	// An engine whose error message repeats the request, as a stack trace may.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/languages" {
			_, _ = w.Write([]byte(`[{"code":"de","name":"German","targets":["ar"]},{"code":"ar","name":"Arabic","targets":["de"]}]`))
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":"Cannot translate text: model failed on 'Mein Mann Ahmad liegt im Krankenhaus' (key secret-key-4711)"}`))
	}))
	defer srv.Close()
	_, err := NewLibreTranslate(srv.URL, key, nil).Translate(context.Background(), text, "de", "ar")
	var te *Error
	if !errors.As(err, &te) || te.Kind != Unavailable || te.Status != 500 {
		t.Fatalf("err = %v, want Unavailable with status 500", err)
	}
	if strings.Contains(err.Error(), "Ahmad") || strings.Contains(err.Error(), key) {
		t.Errorf("the error shows the text or the key: %v", err)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 24, 9, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"30":                            30 * time.Second,
		"Thu, 24 Dec 2026 09:02:00 GMT": 2 * time.Minute,
		"soon":                          0,
	} {
		if got := retryAfter(v, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestRateLimitCarriesRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	_, _, err := NewDeepL(srv.URL, "k", nil).Detect(context.Background(), "Hallo")
	var te *Error
	if !errors.As(err, &te) || te.Kind != RateLimited || te.RetryAfter != 7*time.Second || te.Op != "detect" {
		t.Errorf("err = %#v, want a RateLimited detect error with RetryAfter 7s", err)
	}
}
