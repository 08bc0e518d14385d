package fakeapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// User is a fake Telegram user that test code acts as.
type User struct {
	ID           int64
	FirstName    string
	LanguageCode string
	Username     string
}

// normalized fills in a first name, which Telegram always has.
func (u User) normalized() User {
	if u.FirstName == "" {
		u.FirstName = fmt.Sprintf("User %d", u.ID)
	}
	return u
}

// userMessageLocked stores a new message from u in chat c.
func (s *Server) userMessageLocked(c *chat, u User, kind string) *message {
	m := c.addMessageLocked(false, kind)
	m.sender = u
	return m
}

func (s *Server) enqueueMessageLocked(m *message) int64 {
	return s.enqueueLocked(&apiUpdate{Message: s.renderLocked(m, true)})
}

// SendText sends a text message from u to the bot in their private chat
// and returns the update_id (see MessageIDOf for the message_id). Commands
// such as "/start abc" get a bot_command entity, wherever they appear.
func (s *Server) SendText(u User, text string) int64 {
	u = u.normalized()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChatLocked(u)
	m := s.userMessageLocked(c, u, "text")
	m.text, m.plain, m.entities = text, text, findBotCommands(text)
	return s.enqueueMessageLocked(m)
}

// ReplyText sends a text message from u that replies to a message (the
// bot's or the user's) in their private chat. If that message does not
// exist, the message is sent without reply_to_message.
func (s *Server) ReplyText(u User, replyToMessageID int, text string) int64 {
	u = u.normalized()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChatLocked(u)
	m := s.userMessageLocked(c, u, "text")
	m.text, m.plain, m.entities = text, text, findBotCommands(text)
	if c.live(replyToMessageID) != nil {
		m.replyTo = replyToMessageID
	}
	return s.enqueueMessageLocked(m)
}

// SendGroupText sends a text message from u in a group chat (type "group").
// A positive groupID is negated, as group ids are negative.
func (s *Server) SendGroupText(u User, groupID int64, text string) int64 {
	u = u.normalized()
	if groupID > 0 {
		groupID = -groupID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.groupChatLocked(groupID)
	m := s.userMessageLocked(c, u, "text")
	m.text, m.plain, m.entities = text, text, findBotCommands(text)
	return s.enqueueMessageLocked(m)
}

// SendSticker sends a sticker from u to the bot.
func (s *Server) SendSticker(u User) int64 {
	u = u.normalized()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChatLocked(u)
	m := s.userMessageLocked(c, u, "sticker")
	f := s.newFileLocked("sticker", "sticker.webp", "image/webp", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.width, f.height = 512, 512
	m.file, m.emoji = f, "👍"
	return s.enqueueMessageLocked(m)
}

// SendPhoto sends a photo with an optional caption from u to the bot. The
// photo comes in two sizes with fake file ids that getFile can serve.
func (s *Server) SendPhoto(u User, caption string) int64 {
	u = u.normalized()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChatLocked(u)
	m := s.userMessageLocked(c, u, "photo")
	small := s.newFileLocked("photo", "", "image/png", sampleImage())
	small.width, small.height = 90, 68
	large := s.newFileLocked("photo", "", "image/png", sampleImage())
	large.width, large.height = 800, 600
	m.photos = []*storedFile{small, large}
	m.text, m.plain, m.entities = caption, caption, findBotCommands(caption)
	return s.enqueueMessageLocked(m)
}

// SendPhotoData sends a photo with the given image data (PNG, JPEG, GIF or
// WebP) and an optional caption from u to the bot. It fails, sending
// nothing, when data is not such an image or is larger than Telegram takes
// for a photo.
func (s *Server) SendPhotoData(u User, data []byte, caption string) (int64, error) {
	if len(data) > maxPhotoBytes {
		return 0, errors.New("fakeapi: photos must be at most 10 MB")
	}
	width, height, ok := imageSize(data)
	if !ok {
		return 0, errors.New("fakeapi: the photo is not a PNG, JPEG, GIF or WebP image")
	}
	u = u.normalized()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChatLocked(u)
	m := s.userMessageLocked(c, u, "photo")
	f := s.newFileLocked("photo", "", http.DetectContentType(data), append([]byte(nil), data...))
	f.width, f.height = width, height
	m.photos = []*storedFile{f}
	m.text, m.plain, m.entities = caption, caption, findBotCommands(caption)
	return s.enqueueMessageLocked(m), nil
}

// SendDocument sends a file with an optional caption from u to the bot.
// The bot can download data through getFile.
func (s *Server) SendDocument(u User, fileName string, data []byte, caption string) int64 {
	u = u.normalized()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChatLocked(u)
	m := s.userMessageLocked(c, u, "document")
	m.file = s.newFileLocked("document", fileName, mimeTypeFor(fileName), append([]byte(nil), data...))
	m.text, m.plain, m.entities = caption, caption, findBotCommands(caption)
	return s.enqueueMessageLocked(m)
}

// SendVoice sends a voice message from u to the bot.
func (s *Server) SendVoice(u User) int64 {
	u = u.normalized()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChatLocked(u)
	m := s.userMessageLocked(c, u, "voice")
	m.file = s.newFileLocked("voice", "", "audio/ogg", []byte("OggS\x00\x02fake voice message"))
	return s.enqueueMessageLocked(m)
}

// EditText edits a text message u sent earlier in their private chat and
// enqueues an edited_message update. It returns the update_id, or 0 if u
// has no such text message.
func (s *Server) EditText(u User, messageID int, newText string) int64 {
	u = u.normalized()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[u.ID]
	if !ok {
		return 0
	}
	m := c.live(messageID)
	if m == nil || m.fromBot || m.sender.ID != u.ID || m.kind != "text" {
		return 0
	}
	m.text, m.plain, m.entities = newText, newText, findBotCommands(newText)
	m.editCount++
	m.editDate = time.Now()
	return s.enqueueLocked(&apiUpdate{EditedMessage: s.renderLocked(m, true)})
}

// Press presses an inline button in u's private chat: it finds the most
// recent bot message with a button labelled label (an exact match anywhere
// is preferred over a substring match) and enqueues a callback_query with
// the message as it currently looks. It fails if no such button exists or
// the button has no callback_data.
func (s *Server) Press(u User, label string) (int64, error) {
	u = u.normalized()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[u.ID]
	if !ok {
		return 0, fmt.Errorf("%w: user %d has no chat with the bot", ErrNoButton, u.ID)
	}
	m, button, found := findButton(c, func(text string) bool { return text == label })
	if !found {
		m, button, found = findButton(c, func(text string) bool { return strings.Contains(text, label) })
	}
	if !found {
		return 0, fmt.Errorf("%w: no inline button labelled %q in chat %d", ErrNoButton, label, c.id)
	}
	if button.Kind != "callback_data" {
		return 0, fmt.Errorf("fakeapi: button %q in message %d is a %s button, not a callback button", button.Text, m.id, button.Kind)
	}
	return s.enqueueCallbackLocked(u, c, m.id, button.Data), nil
}

// findButton searches bot messages newest first for a matching button.
func findButton(c *chat, match func(string) bool) (*message, Button, bool) {
	for i := len(c.messages) - 1; i >= 0; i-- {
		m := c.messages[i]
		if !m.fromBot {
			continue
		}
		for _, row := range m.inline {
			for _, b := range row {
				if match(b.Text) {
					return m, b, true
				}
			}
		}
	}
	return nil, Button{}, false
}

// PressData enqueues a callback_query from u with arbitrary (possibly
// forged) data on a message of their private chat. If the message does not
// exist, the query carries an inaccessible message (date 0).
func (s *Server) PressData(u User, messageID int, data string) int64 {
	u = u.normalized()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChatLocked(u)
	return s.enqueueCallbackLocked(u, c, messageID, data)
}

// ErrNoButton is wrapped by the errors of Press when no matching button
// exists.
var ErrNoButton = errors.New("fakeapi: no such button")

func (s *Server) enqueueCallbackLocked(u User, c *chat, messageID int, data string) int64 {
	cq := &apiCallbackQuery{
		ID:           s.newCallbackIDLocked(),
		From:         userAPIUser(u),
		ChatInstance: c.instance,
		Data:         data,
	}
	if m := c.live(messageID); m != nil {
		cq.Message = s.renderLocked(m, true)
	} else {
		cq.Message = &apiInaccessibleMessage{Chat: c.apiChat(), MessageID: messageID, Date: 0}
	}
	return s.enqueueLocked(&apiUpdate{CallbackQuery: cq})
}
