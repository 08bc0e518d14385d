// Package translate talks to the machine-translation engines a town may choose: a
// self-hosted LibreTranslate or the DeepL API. It asks each engine which languages it
// offers and never assumes a language the engine did not list; it tells temporary
// failures (timeouts, rate limits, server errors) from permanent ones (a wrong key, a
// language the engine lacks); and Check tells whether a translation kept the numbers,
// dates, phone numbers, addresses and case labels of the original.
//
// Language codes in this package are Lotse's language options (de, en, ar, fa, prs, ps,
// ku, ckb, ti, so, uk, ru, tr, fr); each adapter maps them to the engine's own codes.
//
// The text being translated and the engine's key never appear in an error message, so
// errors can be logged as they are.
package translate

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Engine is one machine-translation service.
type Engine interface {
	// Name is shown in the privacy notice and logs, e.g. "LibreTranslate
	// (translate.example.de)" or "DeepL API".
	Name() string
	// Languages asks the engine which of our languages it can translate between.
	Languages(ctx context.Context) (Languages, error)
	// Translate translates text from source ("" lets the engine detect it) to target.
	Translate(ctx context.Context, text, source, target string) (Result, error)
	// Detect returns the language of text and how sure the engine is, from 0 to 1. An
	// empty lang means the engine could not tell; a lang with confidence 0 means the
	// engine does not say how sure it is.
	Detect(ctx context.Context, text string) (lang string, confidence float64, err error)
}

// Result is a translation.
type Result struct {
	Text string
	// Source is the language of the original: the one given, or the one the engine
	// detected, as our language option when we have one for it. It is "" when the
	// engine could not tell; its translation then rests on a guess.
	Source string
	// Confidence is how sure the engine is of a detected Source, from 0 to 1; 0 when the
	// source was given or the engine does not say (DeepL never does).
	Confidence float64
}

// Kind says what kind of failure an Error is, and so what a caller can do about it.
type Kind string

// The kinds of Error. Unavailable and RateLimited are temporary: the same request may
// succeed later. The others need a person: a new key, a bigger plan, another engine, or
// no translation for this language.
const (
	// Unavailable: no answer in time, a network failure, a 5xx status or a response
	// that is not what the API documents (such as an HTML page from a proxy).
	Unavailable Kind = "unavailable"
	// RateLimited: the engine asked us to slow down (429; DeepL also 529).
	RateLimited Kind = "rate_limited"
	// QuotaExceeded: the character quota of the billing period is used up (DeepL 456).
	// Retrying does not help until the period ends or the plan changes.
	QuotaExceeded Kind = "quota_exceeded"
	// Unauthorized: the engine refused the key (403), or wants one and got none.
	Unauthorized Kind = "unauthorized"
	// Unsupported: the engine does not offer the language or the language pair.
	Unsupported Kind = "unsupported"
	// Invalid: the engine refused the request as malformed or too large, or the base
	// URL points at something that is not the API (404, 405).
	Invalid Kind = "invalid"
)

// Error is a failure of an engine request. Its message names the engine, the operation
// and the engine's own explanation, never the text or the key.
type Error struct {
	Engine string // the engine's Name
	Op     string // "translate", "detect" or "languages"
	Status int    // HTTP status, 0 if no response arrived
	Kind   Kind
	Msg    string // what went wrong, in the engine's words when it gave any
	// RetryAfter is how long the engine asked us to wait (Retry-After header); 0 if it
	// did not say.
	RetryAfter time.Duration
	Err        error // the underlying error, e.g. context.DeadlineExceeded
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s %s: %s", e.Engine, e.Op, e.Kind)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether the same request may succeed when tried again later.
func (e *Error) Temporary() bool { return e.Kind == Unavailable || e.Kind == RateLimited }

// IsTemporary reports whether err is an *Error that may go away when the request is
// tried again later.
func IsTemporary(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Temporary()
}

// ErrorKind returns the Kind of an *Error in err's chain, or "" if there is none.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}
