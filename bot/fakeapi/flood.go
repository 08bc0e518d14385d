package fakeapi

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// LimitRate makes the server refuse messages beyond perSecond a second over all chats with
// 429 Too Many Requests and a retry_after, as Telegram does with a bot that floods. It allows
// bursts of up to perSecond messages, Telegram's "about 30 messages per second". Sending,
// copying, forwarding and editing messages count; 0 lifts the limit.
func (s *Server) LimitRate(perSecond float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flood = nil
	if perSecond > 0 {
		s.flood = rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond)))
	}
}

// floodRefusal is the 429 for a message beyond the rate set with LimitRate, or nil.
func (s *Server) floodRefusal(method string, now time.Time) *apiError {
	if !strings.HasPrefix(method, "send") && !strings.HasPrefix(method, "edit") && method != "copymessage" && method != "forwardmessage" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flood == nil {
		return nil
	}
	r := s.flood.ReserveN(now, 1)
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		after := int(math.Ceil(delay.Seconds()))
		return &apiError{code: http.StatusTooManyRequests, description: fmt.Sprintf("Too Many Requests: retry after %d", after), retryAfter: after}
	}
	return nil
}
