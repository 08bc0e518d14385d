package fakeapi

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// callbackState tracks a callback query the server issued.
type callbackState struct {
	answered bool
	chat     *chat // where the button was pressed; nil for raw updates
}

const queryTooOld = "query is too old and response timeout expired or query ID is invalid"

// newCallbackIDLocked issues a callback query id for a press in chat c.
func (s *Server) newCallbackIDLocked(c *chat) string {
	id := strconv.FormatInt(s.nextCallback, 10)
	s.nextCallback++
	s.callbacks[id] = &callbackState{chat: c}
	return id
}

func (s *Server) answerCallbackQuery(q *request) (any, *apiError) {
	id := strings.TrimSpace(q.str("callback_query_id"))
	if id == "" {
		return nil, badRequest("callback_query_id is empty")
	}
	if _, err := q.boolArg("show_alert"); err != nil {
		return nil, err
	}
	if _, _, err := q.intArg("cache_time"); err != nil {
		return nil, err
	}
	if n := utf16Len(q.str("text")); n > maxCallbackText {
		return nil, badRequest("MESSAGE_TOO_LONG: callback answer text is %d characters, at most %d allowed", n, maxCallbackText)
	}
	if u := q.str("url"); u != "" && !validButtonURL(u, false) {
		return nil, badRequest("URL_INVALID")
	}
	state, ok := s.callbacks[id]
	if !ok || state.answered {
		return nil, badRequest(queryTooOld)
	}
	state.answered = true
	if text := q.str("text"); text != "" && state.chat != nil {
		state.chat.received = append(state.chat.received, Message{ChatID: state.chat.id, From: "bot", UserID: s.botID, Kind: "popup", Text: text, PlainText: text, Date: time.Now()})
	}
	return true, nil
}

// CallbackAnswers returns the successful answerCallbackQuery calls, in
// order. Calls("answerCallbackQuery") also includes failed ones.
func (s *Server) CallbackAnswers() []Call {
	var out []Call
	for _, c := range s.Calls("answerCallbackQuery") {
		if c.Status == http.StatusOK {
			out = append(out, c)
		}
	}
	return out
}

// UnansweredCallbacks returns the ids of issued callback queries the bot
// has not answered yet, sorted.
func (s *Server) UnansweredCallbacks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id, state := range s.callbacks {
		if !state.answered {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}
