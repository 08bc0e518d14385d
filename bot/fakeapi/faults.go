package fakeapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault is a response the server gives instead of handling a request.
type Fault struct {
	// Status is the HTTP status and error_code, e.g. 429, 500, 502 or 403.
	// With Status 0 the request is handled normally after Delay.
	Status int
	// RetryAfter is sent as parameters.retry_after (use it with 429).
	RetryAfter int
	// Delay is waited before responding.
	Delay time.Duration
	// Description overrides the default description for Status.
	Description string
	// RawBody, if set, is sent verbatim as text/html instead of a JSON
	// error, like the HTML error pages of a proxy in front of the API.
	RawBody string
}

// InjectFaults makes the next len(faults) calls of method (case-insensitive;
// "" for any method except getUpdates) get these responses in order, after
// which normal handling resumes. A faulted request has no effect: a 429'd
// sendMessage delivers nothing. Faults queued for a specific method are
// used before faults queued for "".
func (s *Server) InjectFaults(method string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	s.faults[key] = append(s.faults[key], faults...)
}

// nextFault takes the next injected fault for a method, if any.
func (s *Server) nextFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{method, ""} {
		if key == "" && method == "getupdates" {
			continue
		}
		if queue := s.faults[key]; len(queue) > 0 {
			s.faults[key] = queue[1:]
			return queue[0], true
		}
	}
	return Fault{}, false
}

// writeFault sends an injected fault and records the call.
func (s *Server) writeFault(w http.ResponseWriter, call Call, f Fault) {
	desc := f.Description
	if desc == "" {
		switch f.Status {
		case http.StatusTooManyRequests:
			desc = fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
		case http.StatusForbidden:
			desc = "Forbidden: bot was blocked by the user"
		case http.StatusBadRequest:
			desc = "Bad Request: injected fault"
		default:
			desc = http.StatusText(f.Status)
			if desc == "" {
				desc = "Error " + strconv.Itoa(f.Status)
			}
		}
	}
	call.Status = f.Status
	call.Error = desc
	if f.RawBody != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.RawBody))
	} else {
		writeError(w, &apiError{code: f.Status, description: desc, retryAfter: f.RetryAfter})
	}
	s.record(call)
}

// Block makes the user block the bot: sending, copying, editing or
// reacting to messages and sending chat actions in their private chat are
// refused with 403 "Forbidden: bot was blocked by the user".
// Like Telegram, it also sends the bot a my_chat_member update (the bot's status in the
// private chat becomes "kicked") when the user had a chat with the bot.
func (s *Server) Block(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, blocked := s.blocked[userID]; !blocked {
		s.memberUpdateLocked(userID, "member", "kicked")
	}
	s.blocked[userID] = "Forbidden: bot was blocked by the user"
}

// memberUpdateLocked queues the my_chat_member update of a user who blocked or unblocked the
// bot in their private chat.
func (s *Server) memberUpdateLocked(userID int64, from, to string) {
	c, ok := s.chats[userID]
	if !ok || c.kind != "private" {
		return
	}
	user := userAPIUser(c.user)
	old, next := apiChatMember{Status: from, User: s.botAPIUser()}, apiChatMember{Status: to, User: s.botAPIUser()}
	if to == "kicked" {
		forever := int64(0)
		next.UntilDate = &forever
	} else {
		forever := int64(0)
		old.UntilDate = &forever
	}
	s.enqueueLocked(&apiUpdate{MyChatMember: &apiMemberUpdate{Chat: c.apiChat(), From: user, Date: time.Now().Unix(), OldChatMember: old, NewChatMember: next}})
}

// Deactivate makes the user delete their account: what Block refuses is
// refused with 403 "Forbidden: user is deactivated". Unblock undoes it.
func (s *Server) Deactivate(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[userID] = "Forbidden: user is deactivated"
}

// Unblock undoes Block and Deactivate; a user who blocked the bot unblocks it, with the
// my_chat_member update ("member") Telegram sends then.
func (s *Server) Unblock(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if desc, blocked := s.blocked[userID]; blocked && strings.Contains(desc, "blocked") {
		s.memberUpdateLocked(userID, "kicked", "member")
	}
	delete(s.blocked, userID)
}

// SetSlow delays every response by d; 0 disables the delay.
func (s *Server) SetSlow(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slow = d
}

func (s *Server) slowDelay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.slow
}

// checkBlockedLocked refuses sends to a chat whose user blocked the bot.
func (s *Server) checkBlockedLocked(c *chat) *apiError {
	if desc, ok := s.blocked[c.id]; ok {
		return &apiError{code: http.StatusForbidden, description: desc}
	}
	return nil
}
