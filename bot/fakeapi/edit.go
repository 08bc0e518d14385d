package fakeapi

import (
	"bytes"
	"time"
)

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

// editTargetLocked finds the bot message an edit method refers to.
func (s *Server) editTargetLocked(q *request) (*message, *apiError) {
	if q.str("inline_message_id") != "" {
		// The fake bot has no inline mode, so no inline message exists.
		return nil, badRequest("MESSAGE_ID_INVALID")
	}
	_, m, err := s.liveMessageLocked(q, "edit", true)
	if err != nil {
		return nil, err
	}
	if !m.fromBot {
		return nil, badRequest("message can't be edited")
	}
	return m, nil
}

func (s *Server) editMessageText(q *request) (any, *apiError) {
	if err := checkJSONObjectArg(q, "link_preview_options"); err != nil {
		return nil, err
	}
	if q.str("inline_message_id") == "" {
		if _, err := parseChatRef(q.str("chat_id"), "chat_id"); err != nil {
			return nil, err
		}
	}
	markup, err := parseReplyMarkup(q, true)
	if err != nil {
		return nil, err
	}
	text, plain, entities, err := messageText(q)
	if err != nil {
		return nil, err
	}
	m, err := s.editTargetLocked(q)
	if err != nil {
		return nil, err
	}
	if m.kind != "text" {
		return nil, badRequest("there is no text in the message to edit")
	}
	newInline, newJSON := inlineOf(markup)
	if plain == m.plain && sameEntities(entities, m.entities) && bytes.Equal(newJSON, m.inlineJSON) {
		return nil, badRequest(notModified)
	}
	m.text, m.plain, m.entities, m.parseMode = text, plain, entities, q.str("parse_mode")
	m.inline, m.inlineJSON = newInline, newJSON
	markEdited(m)
	s.receivedLocked(m)
	return s.renderLocked(m, true), nil
}

func (s *Server) editMessageReplyMarkup(q *request) (any, *apiError) {
	if q.str("inline_message_id") == "" {
		if _, err := parseChatRef(q.str("chat_id"), "chat_id"); err != nil {
			return nil, err
		}
	}
	markup, err := parseReplyMarkup(q, true)
	if err != nil {
		return nil, err
	}
	m, err := s.editTargetLocked(q)
	if err != nil {
		return nil, err
	}
	newInline, newJSON := inlineOf(markup)
	if bytes.Equal(newJSON, m.inlineJSON) {
		return nil, badRequest(notModified)
	}
	m.inline, m.inlineJSON = newInline, newJSON
	markEdited(m)
	s.receivedLocked(m)
	return s.renderLocked(m, true), nil
}

// inlineOf returns the inline keyboard of a markup, nil if none.
func inlineOf(mk *replyMarkup) ([][]Button, []byte) {
	if mk == nil || mk.inlineJSON == nil {
		return nil, nil
	}
	return mk.inline, mk.inlineJSON
}

func markEdited(m *message) {
	m.editCount++
	m.editDate = time.Now()
}

func sameEntities(a, b []Entity) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (s *Server) deleteMessage(q *request) (any, *apiError) {
	c, m, err := s.liveMessageLocked(q, "delete", false)
	if err != nil {
		return nil, err
	}
	c.deleteLocked(m)
	return true, nil
}

// liveMessageLocked finds the message chat_id and message_id name, for an action like
// "edit": Telegram answers "message to edit not found" for one that is gone. With
// blocked, a chat whose user blocked the bot is refused first.
func (s *Server) liveMessageLocked(q *request, action string, blocked bool) (*chat, *message, *apiError) {
	c, msgID, err := s.chatMessageLocked(q)
	if err != nil {
		return nil, nil, err
	}
	if blocked {
		if err := s.checkBlockedLocked(c); err != nil {
			return nil, nil, err
		}
	}
	m := c.live(int(msgID))
	if m == nil {
		return nil, nil, badRequest("message to %s not found", action)
	}
	return c, m, nil
}
