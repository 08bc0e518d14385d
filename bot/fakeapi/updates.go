package fakeapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"
)

// firstUpdateID is the update_id of the first update; like Telegram's it is
// an arbitrary positive number, so bots must not assume they start at 1.
const firstUpdateID = 500000001

// maxPollTimeout caps the long-polling timeout, in seconds.
const maxPollTimeout = 50

// queuedUpdate is an update waiting to be confirmed by the bot.
type queuedUpdate struct {
	id   int64
	kind string
	raw  json.RawMessage
	// forced marks updates added with EnqueueRaw: they are delivered at
	// least once even if their update_id is below the bot's offset, which
	// is how tests simulate a duplicate delivery.
	forced bool
}

// defaultExcludedUpdates are left out when allowed_updates is empty.
var defaultExcludedUpdates = map[string]bool{
	"chat_member":            true,
	"message_reaction":       true,
	"message_reaction_count": true,
}

// enqueueLocked assigns the next update_id to u and queues it.
func (s *Server) enqueueLocked(u *apiUpdate) int64 {
	u.UpdateID = s.nextUpdateID
	s.nextUpdateID++
	raw, err := json.Marshal(u)
	if err != nil {
		return 0
	}
	kind := "message"
	switch {
	case u.EditedMessage != nil:
		kind = "edited_message"
		s.updateMessages[u.UpdateID] = u.EditedMessage.MessageID
	case u.CallbackQuery != nil:
		kind = "callback_query"
	case u.MyChatMember != nil:
		kind = "my_chat_member"
	case u.Message != nil:
		s.updateMessages[u.UpdateID] = u.Message.MessageID
	}
	s.insertLocked(&queuedUpdate{id: u.UpdateID, kind: kind, raw: raw})
	return u.UpdateID
}

// insertLocked adds an update in update_id order and wakes long polls.
func (s *Server) insertLocked(u *queuedUpdate) {
	i := sort.Search(len(s.queue), func(i int) bool { return s.queue[i].id > u.id })
	s.queue = append(s.queue, nil)
	copy(s.queue[i+1:], s.queue[i:])
	s.queue[i] = u
	s.wakeLocked()
}

// wakeLocked wakes every waiting getUpdates call.
func (s *Server) wakeLocked() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// EnqueueRaw queues an arbitrary update JSON object as-is. It must be an
// object with an integer update_id; anything else is ignored. The update is
// delivered at least once even if its update_id was already confirmed, so
// enqueueing an update_id a second time simulates a duplicate delivery.
// Chats and callback queries contained in the update become known to the
// server.
func (s *Server) EnqueueRaw(raw json.RawMessage) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return
	}
	var id int64
	if err := json.Unmarshal(fields["update_id"], &id); err != nil {
		return
	}
	kind := ""
	for name := range fields {
		if name != "update_id" && (kind == "" || name < kind) {
			kind = name
		}
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if id >= s.nextUpdateID {
		s.nextUpdateID = id + 1
	}
	s.learnFromRawLocked(fields)
	s.insertLocked(&queuedUpdate{id: id, kind: kind, raw: compact.Bytes(), forced: true})
}

// learnFromRawLocked registers chats and callback query ids found in a raw
// update so that the bot may answer them.
func (s *Server) learnFromRawLocked(fields map[string]json.RawMessage) {
	type rawChat struct {
		ID        int64  `json:"id"`
		Type      string `json:"type"`
		Title     string `json:"title"`
		FirstName string `json:"first_name"`
		Username  string `json:"username"`
	}
	type rawMessage struct {
		Chat *rawChat `json:"chat"`
	}
	learn := func(c *rawChat) {
		if c == nil || c.ID == 0 {
			return
		}
		if _, ok := s.chats[c.ID]; ok {
			return
		}
		kind := c.Type
		if kind == "" {
			kind = "private"
		}
		nc := s.newChatLocked(c.ID, kind)
		nc.title = c.Title
		nc.user = User{ID: c.ID, FirstName: c.FirstName, Username: c.Username}
	}
	for _, name := range []string{"message", "edited_message", "channel_post", "edited_channel_post"} {
		var m rawMessage
		if json.Unmarshal(fields[name], &m) == nil {
			learn(m.Chat)
		}
	}
	var cq struct {
		ID      string      `json:"id"`
		Message *rawMessage `json:"message"`
	}
	if json.Unmarshal(fields["callback_query"], &cq) == nil {
		if cq.ID != "" {
			if _, ok := s.callbacks[cq.ID]; !ok {
				s.callbacks[cq.ID] = &callbackState{}
			}
		}
		if cq.Message != nil {
			learn(cq.Message.Chat)
		}
	}
}

// PendingUpdates returns the number of updates not yet confirmed by the bot.
func (s *Server) PendingUpdates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// MessageIDOf returns the message_id carried by the message or
// edited_message update with the given update_id (as returned by SendText
// and friends), or 0.
func (s *Server) MessageIDOf(updateID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.updateMessages[updateID]
}

// getUpdates implements long polling with Telegram's offset semantics.
func (s *Server) getUpdates(q *request) (any, *apiError) {
	offset, _, err := q.intArg("offset")
	if err != nil {
		return nil, err
	}
	limit, ok, err := q.intArg("limit")
	if err != nil {
		return nil, err
	}
	if !ok {
		limit = 100
	}
	limit = min(max(limit, 1), 100)
	timeout, _, err := q.intArg("timeout")
	if err != nil {
		return nil, err
	}
	timeout = min(max(timeout, 0), maxPollTimeout)
	allowed, allowedGiven, err := parseAllowedUpdates(q)
	if err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhookURL != "" {
		return nil, &apiError{code: http.StatusConflict, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if allowedGiven {
		s.allowedUpdates = allowed
	}
	s.pollSeq++
	mySeq := s.pollSeq
	s.wakeLocked() // an older pending getUpdates is terminated with 409
	s.confirmLocked(offset)

	deadline := time.Now().Add(time.Duration(timeout) * time.Second)
	for {
		if mySeq != s.pollSeq {
			return nil, &apiError{code: http.StatusConflict, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		}
		updates := s.takeLocked(int(limit))
		if len(updates) > 0 || !time.Now().Before(deadline) {
			return updates, nil
		}
		wake := s.wake
		s.mu.Unlock()
		timer := time.NewTimer(time.Until(deadline))
		stop := false
		select {
		case <-wake:
		case <-timer.C:
		case <-q.ctx.Done():
			stop = true
		case <-s.done:
			stop = true
		}
		timer.Stop()
		s.mu.Lock()
		if stop {
			return []json.RawMessage{}, nil
		}
	}
}

func parseAllowedUpdates(q *request) ([]string, bool, *apiError) {
	value, ok, err := q.jsonArg("allowed_updates")
	if err != nil || !ok {
		return nil, false, err
	}
	list, isList := value.([]any)
	if !isList {
		return nil, false, badRequest("can't parse allowed_updates: expected an Array of String")
	}
	allowed := []string{}
	for _, item := range list {
		name, isString := item.(string)
		if !isString {
			return nil, false, badRequest("can't parse allowed_updates: expected an Array of String")
		}
		allowed = append(allowed, name)
	}
	return allowed, true, nil
}

// confirmLocked drops updates confirmed by offset. A negative offset keeps
// only the last -offset updates.
func (s *Server) confirmLocked(offset int64) {
	switch {
	case offset > 0:
		kept := s.queue[:0:0]
		for _, u := range s.queue {
			if u.id >= offset || u.forced {
				kept = append(kept, u)
			}
		}
		s.queue = kept
	case offset < 0:
		keep := -offset
		if int64(len(s.queue)) > keep {
			s.queue = append([]*queuedUpdate(nil), s.queue[int64(len(s.queue))-keep:]...)
		}
	}
}

// takeLocked returns up to limit pending updates the bot subscribed to.
// Updates of types the bot did not subscribe to are dropped, as Telegram
// would not have created them.
func (s *Server) takeLocked(limit int) []json.RawMessage {
	out := []json.RawMessage{}
	kept := s.queue[:0:0]
	for _, u := range s.queue {
		if !s.wantsLocked(u.kind) {
			continue
		}
		kept = append(kept, u)
		if len(out) < limit {
			out = append(out, u.raw)
			u.forced = false
		}
	}
	s.queue = kept
	return out
}

func (s *Server) wantsLocked(kind string) bool {
	if len(s.allowedUpdates) == 0 {
		return !defaultExcludedUpdates[kind]
	}
	for _, name := range s.allowedUpdates {
		if name == kind {
			return true
		}
	}
	return false
}

// setWebhook stores a webhook URL. The fake never delivers updates to it,
// but getUpdates is refused while it is set, like on Telegram.
func (s *Server) setWebhook(q *request) (any, *apiError) {
	rawURL := strings.TrimSpace(q.str("url"))
	if rawURL != "" && !validButtonURL(rawURL, true) {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	drop, err := q.boolArg("drop_pending_updates")
	if err != nil {
		return nil, err
	}
	maxConn, ok, err := q.intArg("max_connections")
	if err != nil {
		return nil, err
	}
	if !ok {
		maxConn = 40
	}
	if secret, ok := q.args["secret_token"]; ok && secret != "" {
		if len(secret) > 256 || strings.Trim(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
			return nil, badRequest("secret token contains unallowed characters")
		}
	}
	allowed, allowedGiven, err := parseAllowedUpdates(q)
	if err != nil {
		return nil, err
	}
	if drop {
		s.queue = nil
	}
	if allowedGiven {
		s.allowedUpdates = allowed
	}
	s.webhookURL = rawURL
	s.webhookMaxConn = int(min(max(maxConn, 1), 100))
	s.wakeLocked()
	if rawURL == "" {
		return described{true, "Webhook was deleted"}, nil
	}
	return described{true, "Webhook was set"}, nil
}

func (s *Server) deleteWebhook(q *request) (any, *apiError) {
	drop, err := q.boolArg("drop_pending_updates")
	if err != nil {
		return nil, err
	}
	if drop {
		s.queue = nil
	}
	if s.webhookURL == "" {
		return described{true, "Webhook is already deleted"}, nil
	}
	s.webhookURL = ""
	return described{true, "Webhook was deleted"}, nil
}

func (s *Server) getWebhookInfo(*request) (any, *apiError) {
	info := apiWebhookInfo{URL: s.webhookURL, PendingUpdateCount: len(s.queue)}
	if s.webhookURL != "" {
		info.MaxConnections = s.webhookMaxConn
		info.AllowedUpdates = s.allowedUpdates
	}
	return info, nil
}

// WebhookURL returns the webhook URL set by the bot, "" if none.
func (s *Server) WebhookURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL
}
