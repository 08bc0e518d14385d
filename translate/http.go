package translate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultTimeout bounds a request whose context has no deadline, so a hanging engine
// cannot hold a message forever.
const DefaultTimeout = 20 * time.Second

// maxResponse bounds what we read of a response; a translation of a Telegram message is
// a few kilobytes.
const maxResponse = 1 << 20

const userAgent = "Lotse (github.com/lotse-bot/lotse)"

// caller sends the requests of one engine and turns every failure into an *Error.
type caller struct {
	name   string
	client *http.Client
	// refusal classifies a non-2xx answer from the engine's status and body and
	// returns the engine's explanation.
	refusal func(status int, body []byte) (Kind, string)
}

// postJSON sends payload as a JSON body and decodes the JSON answer into out. secrets
// (the text, the key) are kept out of any error message.
func (c *caller) postJSON(ctx context.Context, op, u string, header http.Header, payload, out any, secrets ...string) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return &Error{Engine: c.name, Op: op, Kind: Invalid, Msg: "cannot encode the request", Err: err}
	}
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return c.badURL(op, err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	return c.do(ctx, op, req, out, secrets...)
}

// get sends a GET request and decodes the JSON answer into out.
func (c *caller) get(ctx context.Context, op, u string, header http.Header, out any, secrets ...string) error {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return c.badURL(op, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return c.do(ctx, op, req, out, secrets...)
}

func (c *caller) badURL(op string, err error) error {
	return &Error{Engine: c.name, Op: op, Kind: Invalid, Msg: "the engine's base URL is not usable", Err: err}
}

func (c *caller) do(ctx context.Context, op string, req *http.Request, out any, secrets ...string) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	req = req.WithContext(ctx)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := c.client.Do(req)
	if err != nil {
		return c.noAnswer(ctx, op, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return c.noAnswer(ctx, op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		kind, msg := c.refusal(resp.StatusCode, body)
		return &Error{
			Engine: c.name, Op: op, Status: resp.StatusCode, Kind: kind,
			Msg:        withhold(msg, secrets),
			RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
	}
	if len(body) > maxResponse {
		return &Error{Engine: c.name, Op: op, Status: resp.StatusCode, Kind: Unavailable, Msg: "the answer is too large"}
	}
	// The body itself is never quoted: it may repeat the text.
	if err := json.Unmarshal(body, out); err != nil {
		return &Error{Engine: c.name, Op: op, Status: resp.StatusCode, Kind: Unavailable, Msg: "the answer is not the JSON the API documents", Err: err}
	}
	return nil
}

// noAnswer describes a request that got no usable response.
func (c *caller) noAnswer(ctx context.Context, op string, err error) error {
	e := &Error{Engine: c.name, Op: op, Kind: Unavailable, Err: err}
	switch {
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded:
		e.Msg = "no answer in time"
	case errors.Is(err, context.Canceled):
		e.Msg = "the request was cancelled"
	default:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is in the engine's name already
		}
		e.Msg = "no answer: " + err.Error()
	}
	return e
}

// withhold shortens an engine's message to one line and drops it entirely when it
// repeats a secret (the text being translated, or the key), as an error page may.
func withhold(msg string, secrets []string) string {
	msg = strings.Join(strings.Fields(msg), " ")
	for _, s := range secrets {
		for _, part := range append(strings.Split(s, "\n"), s) {
			part = strings.TrimSpace(part)
			if utf8.RuneCountInString(part) >= 4 && strings.Contains(msg, part) {
				return "(the engine's message repeats the request and is withheld)"
			}
		}
	}
	if utf8.RuneCountInString(msg) > 200 {
		r := []rune(msg)
		msg = string(r[:200]) + "…"
	}
	return msg
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// statusKind is the kind of failure an HTTP status means at both engines.
func statusKind(status int) Kind {
	switch {
	case status == http.StatusTooManyRequests:
		return RateLimited
	case status == 456:
		return QuotaExceeded
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return Unauthorized
	case status >= 500:
		return Unavailable
	default:
		return Invalid
	}
}

// endpoint joins a base URL, which may carry a path prefix, and an API path.
func endpoint(base, path string) string {
	return strings.TrimRight(base, "/") + path
}
