package fakeapi

import (
	"strings"
)

// commonSendBools are the optional boolean parameters of send methods.
var commonSendBools = []string{"disable_notification", "protect_content", "allow_paid_broadcast"}

// chatLocked resolves a chat_id-like parameter to a known chat.
func (s *Server) chatLocked(q *request, name string) (*chat, *apiError) {
	ref, err := parseChatRef(q.str(name), name)
	if err != nil {
		return nil, err
	}
	return s.resolveChatLocked(ref)
}

func (s *Server) resolveChatLocked(ref chatRef) (*chat, *apiError) {
	if ref.username != "" {
		// Private chats cannot be addressed by username, and the fake
		// has no public groups or channels.
		return nil, errChatNotFound()
	}
	c, ok := s.chats[ref.id]
	if !ok {
		return nil, errChatNotFound()
	}
	return c, nil
}

// targetLocked resolves the chat a message is sent to: it must be known and
// the user must not have blocked the bot.
func (s *Server) targetLocked(q *request) (*chat, *apiError) {
	c, err := s.chatLocked(q, "chat_id")
	if err != nil {
		return nil, err
	}
	if err := s.checkBlockedLocked(c); err != nil {
		return nil, err
	}
	return c, nil
}

// chatMessageLocked reads chat_id and message_id of a request about an existing message
// and resolves the chat.
func (s *Server) chatMessageLocked(q *request) (*chat, int64, *apiError) {
	ref, err := parseChatRef(q.str("chat_id"), "chat_id")
	if err != nil {
		return nil, 0, err
	}
	msgID, err := q.requiredInt("message_id")
	if err != nil {
		return nil, 0, err
	}
	c, err := s.resolveChatLocked(ref)
	if err != nil {
		return nil, 0, err
	}
	return c, msgID, nil
}

// targetWithReplyLocked resolves the chat a message goes to and the message it replies to.
func (s *Server) targetWithReplyLocked(q *request) (*chat, int, *apiError) {
	c, err := s.targetLocked(q)
	if err != nil {
		return nil, 0, err
	}
	replyTo, err := s.replyToLocked(q, c)
	if err != nil {
		return nil, 0, err
	}
	return c, replyTo, nil
}

// replyToLocked validates reply_parameters (or the older
// reply_to_message_id) and returns the id of the message replied to.
func (s *Server) replyToLocked(q *request, c *chat) (int, *apiError) {
	var (
		id          int64
		allowAbsent bool
	)
	value, ok, err := q.jsonArg("reply_parameters")
	if err != nil {
		return 0, err
	}
	if ok {
		obj, isObj := value.(map[string]any)
		if !isObj {
			return 0, badRequest("can't parse reply parameters JSON object")
		}
		n, isInt := jsonInt(obj["message_id"])
		if !isInt {
			return 0, badRequest("can't parse reply parameters JSON object: message_id must be an Integer")
		}
		id = n
		allowAbsent, _ = obj["allow_sending_without_reply"].(bool)
		if rawChat, present := obj["chat_id"]; present && rawChat != nil {
			chatText, _ := jsonValueToArg(rawChat)
			ref, err := parseChatRef(chatText, "reply_parameters.chat_id")
			if err != nil {
				return 0, err
			}
			other, err := s.resolveChatLocked(ref)
			if err != nil {
				return 0, err
			}
			if other != c {
				if other.live(int(id)) == nil {
					return 0, badRequest("message to be replied not found")
				}
				return 0, nil // replies to other chats are shown as quotes only
			}
		}
	} else {
		n, present, err := q.intArg("reply_to_message_id")
		if err != nil || !present {
			return 0, err
		}
		id = n
		allowAbsent, err = q.boolArg("allow_sending_without_reply")
		if err != nil {
			return 0, err
		}
	}
	if c.live(int(id)) == nil {
		if allowAbsent {
			return 0, nil
		}
		return 0, badRequest("message to be replied not found")
	}
	return int(id), nil
}

// applyMarkup stores a validated reply markup on a message.
func applyMarkup(m *message, mk *replyMarkup) {
	m.inline, m.inlineJSON = nil, nil
	if mk == nil {
		return
	}
	m.inline = mk.inline
	m.inlineJSON = mk.inlineJSON
	m.keyboard = mk.keyboard
	m.removeKeyboard = mk.remove
	m.forceReply = mk.forceReply
}

// checkJSONObjectArg validates an optional parameter that must be a JSON
// object, such as link_preview_options.
func checkJSONObjectArg(q *request, name string) *apiError {
	value, ok, err := q.jsonArg(name)
	if err != nil || !ok {
		return err
	}
	if _, isObj := value.(map[string]any); !isObj {
		return badRequest("can't parse %s JSON object", name)
	}
	return nil
}

func (s *Server) sendMessage(q *request) (any, *apiError) {
	if err := q.checkBools(commonSendBools...); err != nil {
		return nil, err
	}
	if err := checkJSONObjectArg(q, "link_preview_options"); err != nil {
		return nil, err
	}
	if _, err := parseChatRef(q.str("chat_id"), "chat_id"); err != nil {
		return nil, err
	}
	markup, err := parseReplyMarkup(q, false)
	if err != nil {
		return nil, err
	}
	text, plain, entities, err := messageText(q)
	if err != nil {
		return nil, err
	}
	c, replyTo, err := s.targetWithReplyLocked(q)
	if err != nil {
		return nil, err
	}
	m := c.addMessageLocked(true, "text")
	m.text, m.plain, m.entities, m.parseMode = text, plain, entities, q.str("parse_mode")
	m.replyTo = replyTo
	applyMarkup(m, markup)
	s.receivedLocked(m)
	return s.renderLocked(m, true), nil
}

// caption validates the caption parameters of a media message.
func captionArgs(q *request) (string, string, []Entity, *apiError) {
	text := q.str("caption")
	plain, entities, err := formatText(text, q.str("parse_mode"), q.str("caption_entities"))
	if err != nil {
		return "", "", nil, err
	}
	if n := utf16Len(plain); n > maxCaptionLength {
		return "", "", nil, badRequest("message caption is too long (%d UTF-16 code units after entity parsing, at most %d allowed)", n, maxCaptionLength)
	}
	return text, plain, entities, nil
}

func (s *Server) sendPhoto(q *request) (any, *apiError) {
	return s.sendMedia(q, "photo")
}

func (s *Server) sendDocument(q *request) (any, *apiError) {
	return s.sendMedia(q, "document")
}

// sendMedia implements sendPhoto and sendDocument.
func (s *Server) sendMedia(q *request, kind string) (any, *apiError) {
	if err := q.checkBools(append(commonSendBools, "show_caption_above_media", "has_spoiler", "disable_content_type_detection")...); err != nil {
		return nil, err
	}
	if _, err := parseChatRef(q.str("chat_id"), "chat_id"); err != nil {
		return nil, err
	}
	if !q.has(kind) {
		return nil, badRequest("there is no %s in the request", kind)
	}
	markup, err := parseReplyMarkup(q, false)
	if err != nil {
		return nil, err
	}
	text, plain, entities, err := captionArgs(q)
	if err != nil {
		return nil, err
	}
	c, replyTo, err := s.targetWithReplyLocked(q)
	if err != nil {
		return nil, err
	}
	f, err := s.inputFileLocked(q, kind, kind)
	if err != nil {
		return nil, err
	}
	m := c.addMessageLocked(true, kind)
	m.text, m.plain, m.entities, m.parseMode = text, plain, entities, q.str("parse_mode")
	m.replyTo = replyTo
	if kind == "photo" {
		m.photos = []*storedFile{f}
	} else {
		m.file = f
	}
	applyMarkup(m, markup)
	s.receivedLocked(m)
	return s.renderLocked(m, true), nil
}

// copyMessage copies a message of any kind the fake knows: the copy has
// the same text or media, the original caption unless a new one is given
// (only media with captions take one), but no album, reply, reactions or
// inline keyboard of the original.
func (s *Server) copyMessage(q *request) (any, *apiError) {
	if err := q.checkBools(append(commonSendBools, "show_caption_above_media")...); err != nil {
		return nil, err
	}
	if _, err := parseChatRef(q.str("chat_id"), "chat_id"); err != nil {
		return nil, err
	}
	fromRef, err := parseChatRef(q.str("from_chat_id"), "from_chat_id")
	if err != nil {
		return nil, err
	}
	msgID, err := q.requiredInt("message_id")
	if err != nil {
		return nil, err
	}
	if _, _, err := q.intArg("video_start_timestamp"); err != nil {
		return nil, err
	}
	markup, err := parseReplyMarkup(q, false)
	if err != nil {
		return nil, err
	}
	var (
		newCaption  bool
		text, plain string
		entities    []Entity
	)
	if q.has("caption") {
		newCaption = true
		text, plain, entities, err = captionArgs(q)
		if err != nil {
			return nil, err
		}
	}
	from, err := s.resolveChatLocked(fromRef)
	if err != nil {
		return nil, err
	}
	src := from.live(int(msgID))
	if src == nil {
		return nil, badRequest("message to copy not found")
	}
	if !copyableKinds[src.kind] {
		return nil, badRequest("the message can't be copied")
	}
	c, replyTo, err := s.targetWithReplyLocked(q)
	if err != nil {
		return nil, err
	}
	m := c.addMessageLocked(true, src.kind)
	m.copied, m.srcChat, m.srcID = true, from.id, src.id
	m.content = src.content
	if newCaption && captionKinds[src.kind] {
		m.text, m.plain, m.entities, m.parseMode = text, plain, entities, q.str("parse_mode")
	}
	m.replyTo = replyTo
	applyMarkup(m, markup)
	s.receivedLocked(m)
	return apiMessageID{MessageID: m.id}, nil
}

// copyableKinds are the kinds of messages copyMessage copies. Telegram
// cannot copy service, invoice, giveaway and paid media messages, which
// the fake does not have.
var copyableKinds = map[string]bool{
	"text": true, "photo": true, "document": true, "sticker": true, "voice": true, "audio": true,
	"video": true, "video_note": true, "location": true, "contact": true,
}

// chatActions are the valid values of sendChatAction's action.
var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "upload_document": true,
	"choose_sticker": true, "find_location": true, "record_video_note": true,
	"upload_video_note": true,
}

func (s *Server) sendChatAction(q *request) (any, *apiError) {
	if _, err := parseChatRef(q.str("chat_id"), "chat_id"); err != nil {
		return nil, err
	}
	action := q.str("action")
	if action == "" {
		return nil, badRequest("action is empty")
	}
	if !chatActions[action] {
		return nil, badRequest("wrong parameter action in request")
	}
	if _, err := s.targetLocked(q); err != nil {
		return nil, err
	}
	return true, nil
}

// messageText reads and checks the text of sendMessage and editMessageText: present, not
// empty after entity parsing, at most 4096 UTF-16 code units.
func messageText(q *request) (text, plain string, entities []Entity, err *apiError) {
	text, ok := q.args["text"]
	if !ok {
		return "", "", nil, badRequest("message text is empty")
	}
	plain, entities, err = formatText(text, q.str("parse_mode"), q.str("entities"))
	if err != nil {
		return "", "", nil, err
	}
	if strings.TrimSpace(plain) == "" {
		return "", "", nil, badRequest("message text is empty")
	}
	if n := utf16Len(plain); n > maxTextLength {
		return "", "", nil, badRequest("message is too long (%d UTF-16 code units after entity parsing, at most %d allowed)", n, maxTextLength)
	}
	return text, plain, entities, nil
}
