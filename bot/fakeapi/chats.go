package fakeapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// chat is one conversation known to the server. A chat becomes known when a
// user writes in it; the bot can only send to known chats.
type chat struct {
	id       int64
	kind     string // "private" or "group"
	title    string
	user     User // the other party of a private chat
	nextID   int
	messages []*message // in order of sending, deleted ones removed
	byID     map[int]*message
	deleted  []*message
	instance string // chat_instance of callback queries
	// received is everything the bot showed in the chat, for Received: each bot message as
	// sent and after each edit, and the pop-ups answering presses.
	received []Message
}

// message is a stored message, sent by the bot or by a user.
type message struct {
	id      int
	chat    *chat
	fromBot bool
	sender  User   // for user messages
	kind    string // one of the Kind values of Message, never "copy"
	copied  bool
	srcChat int64
	srcID   int
	content
	mediaGroup string // media_group_id of an album
	replyTo    int
	date       time.Time
	editDate   time.Time
	editCount  int
	deleted    bool
	reactions  []string // the bot's reaction emojis

	inline         [][]Button
	inlineJSON     json.RawMessage
	keyboard       [][]string
	removeKeyboard bool
	forceReply     bool
}

// content is what copyMessage carries over to the copy: the text or
// caption and the media.
type content struct {
	text        string // text or caption as sent
	plain       string // text or caption after entity parsing
	entities    []Entity
	parseMode   string
	file        *storedFile
	photos      []*storedFile
	emoji       string // of a sticker
	latitude    float64
	longitude   float64
	phone       string // of a contact
	contactName string
}

// captionKinds are the kinds of messages that carry a caption.
var captionKinds = map[string]bool{"photo": true, "document": true, "voice": true, "audio": true, "video": true}

// albumKinds are the kinds of messages that can be part of an album.
var albumKinds = map[string]bool{"photo": true, "document": true, "audio": true, "video": true}

// Message is a message as it currently looks in a chat (edits applied).
type Message struct {
	ID     int
	ChatID int64
	From   string // "bot" or "user"
	UserID int64  // the sender's user id (the bot's id for bot messages)
	// Kind is "text", "photo", "document", "sticker", "voice", "audio",
	// "video", "video_note", "location", "contact" or, for messages created
	// by copyMessage, "copy" (see CopyOf). In Received, "popup" is the text
	// of an answerCallbackQuery shown to the user who pressed the button.
	Kind   string
	CopyOf string // the copied message's kind when Kind is "copy"
	// CopiedFrom and CopiedID identify the message a copy was made of:
	// its chat and message id. Both are 0 unless Kind is "copy".
	CopiedFrom int64
	CopiedID   int
	Text       string // text or caption as sent (raw, including HTML tags)
	PlainText  string // text or caption after entity parsing
	ParseMode  string
	Entities   []Entity
	// Buttons is the inline keyboard.
	Buttons [][]Button
	// ReplyKeyboard holds the button texts of a custom reply keyboard sent
	// with the message; RemoveKeyboard and ForceReply record the other
	// kinds of reply markup.
	ReplyKeyboard  [][]string
	RemoveKeyboard bool
	ForceReply     bool
	// Edited and EditCount count editMessageText and editMessageReplyMarkup
	// calls (user edits for user messages).
	Edited    bool
	EditCount int
	// FileID, FileName and FileData describe the file of a media message
	// (the largest size of a photo).
	FileID   string
	FileName string
	FileData []byte // shared with the server: do not modify
	// MediaGroup is the media_group_id of a message that is part of an
	// album, "" otherwise.
	MediaGroup string
	// Latitude and Longitude are the point of a location message.
	Latitude, Longitude float64
	// PhoneNumber and ContactName describe a shared contact.
	PhoneNumber string
	ContactName string
	// Reactions are the emojis the bot currently reacts to the message
	// with (setMessageReaction), nil if none.
	Reactions []string
	ReplyTo   int
	// Date is when the message was delivered, with wall-clock precision.
	Date time.Time
	// EditDate is when the message was last edited.
	EditDate time.Time
	Deleted  bool
}

func (s *Server) privateChatLocked(u User) *chat {
	c, ok := s.chats[u.ID]
	if !ok {
		c = s.newChatLocked(u.ID, "private")
	}
	c.user = u
	return c
}

func (s *Server) groupChatLocked(id int64) *chat {
	c, ok := s.chats[id]
	if !ok {
		c = s.newChatLocked(id, "group")
		c.title = fmt.Sprintf("Test group %d", -id)
	}
	return c
}

func (s *Server) newChatLocked(id int64, kind string) *chat {
	c := &chat{
		id:       id,
		kind:     kind,
		nextID:   1,
		byID:     map[int]*message{},
		instance: fmt.Sprintf("%d", 7000000000000000000+id%1000000000000),
	}
	s.chats[id] = c
	return c
}

// addMessageLocked appends a new message with the next id of the chat.
func (c *chat) addMessageLocked(fromBot bool, kind string) *message {
	m := &message{id: c.nextID, chat: c, fromBot: fromBot, kind: kind, date: time.Now()}
	c.nextID++
	c.messages = append(c.messages, m)
	c.byID[m.id] = m
	return m
}

// live returns a message that exists and is not deleted.
func (c *chat) live(id int) *message {
	m, ok := c.byID[id]
	if !ok || m.deleted {
		return nil
	}
	return m
}

func (c *chat) deleteLocked(m *message) {
	m.deleted = true
	for i, other := range c.messages {
		if other == m {
			c.messages = append(c.messages[:i:i], c.messages[i+1:]...)
			break
		}
	}
	c.deleted = append(c.deleted, m)
}

func (s *Server) botAPIUser() *apiUser {
	return &apiUser{ID: s.botID, IsBot: true, FirstName: s.botName, Username: s.botUsername}
}

func userAPIUser(u User) apiUser {
	return apiUser{ID: u.ID, IsBot: false, FirstName: u.FirstName, Username: u.Username, LanguageCode: u.LanguageCode}
}

func (c *chat) apiChat() apiChat {
	if c.kind == "private" {
		return apiChat{ID: c.id, Type: "private", FirstName: c.user.FirstName, Username: c.user.Username}
	}
	return apiChat{ID: c.id, Type: c.kind, Title: c.title}
}

func apiEntities(entities []Entity) []apiEntity {
	if len(entities) == 0 {
		return nil
	}
	out := make([]apiEntity, len(entities))
	for i, e := range entities {
		out[i] = apiEntity{
			Type:           e.Type,
			Offset:         e.Offset,
			Length:         e.Length,
			URL:            e.URL,
			Language:       e.Language,
			CustomEmojiID:  e.CustomEmojiID,
			UnixTime:       e.UnixTime,
			DateTimeFormat: e.DateTimeFormat,
		}
	}
	return out
}

// renderLocked builds the Bot API Message object. withReply controls
// whether reply_to_message is included (Telegram does not nest it further).
func (s *Server) renderLocked(m *message, withReply bool) *apiMessage {
	out := &apiMessage{
		MessageID: m.id,
		Chat:      m.chat.apiChat(),
		Date:      m.date.Unix(),
	}
	if m.fromBot {
		out.From = s.botAPIUser()
	} else {
		from := userAPIUser(m.sender)
		out.From = &from
	}
	if !m.editDate.IsZero() {
		out.EditDate = m.editDate.Unix()
	}
	if withReply && m.replyTo != 0 {
		if target := m.chat.live(m.replyTo); target != nil {
			out.ReplyToMessage = s.renderLocked(target, false)
		}
	}
	out.MediaGroupID = m.mediaGroup
	if m.kind == "text" {
		out.Text = m.plain
		out.Entities = apiEntities(m.entities)
	} else if captionKinds[m.kind] {
		out.Caption = m.plain
		out.CaptionEntities = apiEntities(m.entities)
	}
	f := m.file
	switch m.kind {
	case "photo":
		for _, p := range m.photos {
			out.Photo = append(out.Photo, apiPhotoSize{FileID: p.id, FileUniqueID: p.uniqueID, Width: p.width, Height: p.height, FileSize: p.size})
		}
	case "document":
		if f != nil {
			out.Document = &apiDocument{FileID: f.id, FileUniqueID: f.uniqueID, FileName: f.name, MimeType: f.mimeType, FileSize: f.size}
		}
	case "sticker":
		if f != nil {
			out.Sticker = &apiSticker{FileID: f.id, FileUniqueID: f.uniqueID, Type: "regular", Width: f.width, Height: f.height, Emoji: m.emoji, FileSize: f.size}
		}
	case "voice":
		if f != nil {
			out.Voice = &apiVoice{FileID: f.id, FileUniqueID: f.uniqueID, Duration: f.duration, MimeType: f.mimeType, FileSize: f.size}
		}
	case "audio":
		if f != nil {
			out.Audio = &apiAudio{FileID: f.id, FileUniqueID: f.uniqueID, Duration: f.duration, FileName: f.name, MimeType: f.mimeType, FileSize: f.size}
		}
	case "video":
		if f != nil {
			out.Video = &apiVideo{FileID: f.id, FileUniqueID: f.uniqueID, Width: f.width, Height: f.height, Duration: f.duration, FileName: f.name, MimeType: f.mimeType, FileSize: f.size}
		}
	case "video_note":
		if f != nil {
			out.VideoNote = &apiVideoNote{FileID: f.id, FileUniqueID: f.uniqueID, Length: f.width, Duration: f.duration, FileSize: f.size}
		}
	case "location":
		out.Location = &apiLocation{Latitude: m.latitude, Longitude: m.longitude}
	case "contact":
		out.Contact = &apiContact{PhoneNumber: m.phone, FirstName: m.contactName}
	}
	if len(m.inlineJSON) > 0 {
		out.ReplyMarkup = m.inlineJSON
	}
	return out
}

// public converts a stored message into the exported view.
func (s *Server) public(m *message) Message {
	out := Message{
		ID:             m.id,
		ChatID:         m.chat.id,
		From:           "user",
		UserID:         m.sender.ID,
		Kind:           m.kind,
		Text:           m.text,
		PlainText:      m.plain,
		ParseMode:      m.parseMode,
		Entities:       append([]Entity(nil), m.entities...),
		RemoveKeyboard: m.removeKeyboard,
		ForceReply:     m.forceReply,
		Edited:         m.editCount > 0,
		EditCount:      m.editCount,
		MediaGroup:     m.mediaGroup,
		Latitude:       m.latitude,
		Longitude:      m.longitude,
		PhoneNumber:    m.phone,
		ContactName:    m.contactName,
		Reactions:      append([]string(nil), m.reactions...),
		ReplyTo:        m.replyTo,
		Date:           m.date,
		EditDate:       m.editDate,
		Deleted:        m.deleted,
	}
	if m.fromBot {
		out.From = "bot"
		out.UserID = s.botID
	}
	if m.copied {
		out.Kind = "copy"
		out.CopyOf = m.kind
		out.CopiedFrom, out.CopiedID = m.srcChat, m.srcID
	}
	for _, row := range m.inline {
		out.Buttons = append(out.Buttons, append([]Button(nil), row...))
	}
	for _, row := range m.keyboard {
		out.ReplyKeyboard = append(out.ReplyKeyboard, append([]string(nil), row...))
	}
	f := m.file
	if len(m.photos) > 0 {
		f = m.photos[len(m.photos)-1]
	}
	if f != nil {
		out.FileID = f.id
		out.FileName = f.name
		out.FileData = f.data
	}
	return out
}

// Chats returns the ids of every chat the fake knows, private chats and groups, in
// ascending order: the ids a test may search the bot's log for.
func (s *Server) Chats() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := slices.Collect(maps.Keys(s.chats))
	slices.Sort(ids)
	return ids
}

// Messages returns the messages the bot has sent to a chat and that are
// not deleted, oldest first, as they currently look.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesLocked(chatID, true)
}

// ChatLog returns all messages of a chat that are not deleted, from the bot
// and from users, in order. Message.From tells them apart.
func (s *Server) ChatLog(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesLocked(chatID, false)
}

// Received returns everything the bot showed in a chat, in order: every
// message as it was sent and again after each edit (deleted ones too), and
// the pop-ups answering the user's button presses (Kind "popup"). It is
// what the person saw over time, where Messages is only how the chat looks
// now.
func (s *Server) Received(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	if !ok {
		return nil
	}
	return append([]Message(nil), c.received...)
}

// receivedLocked records how a bot message looks as a send or an edit
// brings it to its chat.
func (s *Server) receivedLocked(m *message) {
	m.chat.received = append(m.chat.received, s.public(m))
}

// DeletedMessages returns the messages deleted from a chat, in order of
// deletion.
func (s *Server) DeletedMessages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	if !ok {
		return nil
	}
	out := make([]Message, 0, len(c.deleted))
	for _, m := range c.deleted {
		out = append(out, s.public(m))
	}
	return out
}

func (s *Server) messagesLocked(chatID int64, botOnly bool) []Message {
	c, ok := s.chats[chatID]
	if !ok {
		return nil
	}
	var out []Message
	for _, m := range c.messages {
		if botOnly && !m.fromBot {
			continue
		}
		out = append(out, s.public(m))
	}
	return out
}

// LastMessage returns the most recent message the bot sent to a chat that
// is not deleted.
func (s *Server) LastMessage(chatID int64) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	if !ok {
		return Message{}, false
	}
	for i := len(c.messages) - 1; i >= 0; i-- {
		if c.messages[i].fromBot {
			return s.public(c.messages[i]), true
		}
	}
	return Message{}, false
}

// MessageByID returns one message of a chat (bot or user, deleted ones
// included) by its id.
func (s *Server) MessageByID(chatID int64, messageID int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	if !ok {
		return Message{}, false
	}
	m, ok := c.byID[messageID]
	if !ok {
		return Message{}, false
	}
	return s.public(m), true
}

// WaitFor polls cond every few milliseconds until it returns true or the
// timeout elapses, and reports whether it became true. cond may call any
// method of the server.
func (s *Server) WaitFor(timeout time.Duration, cond func() bool) bool {
	if cond == nil {
		return false
	}
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if !time.Now().Before(deadline) {
			return false
		}
		time.Sleep(3 * time.Millisecond)
	}
}

// WaitMessages waits until the bot has sent at least n (not deleted)
// messages to a chat and returns them; ok is false on timeout, in which case
// the messages present at that time are returned.
func (s *Server) WaitMessages(chatID int64, n int, timeout time.Duration) ([]Message, bool) {
	var msgs []Message
	ok := s.WaitFor(timeout, func() bool {
		msgs = s.Messages(chatID)
		return len(msgs) >= n
	})
	return msgs, ok
}
