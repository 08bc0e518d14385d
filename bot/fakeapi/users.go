package fakeapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
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

// Media is a message a user sends: any kind of message a person may send
// the bot from a Telegram app.
type Media struct {
	// Kind is "text", "photo", "document", "voice", "audio", "video",
	// "video_note", "location", "contact" or "sticker".
	Kind string
	// Text is the text of a text message or the caption of a photo,
	// document, voice, audio or video; other kinds have no caption and
	// ignore it. Commands in it get bot_command entities.
	Text string
	// ReplyTo is the id of a message in the same chat that this message
	// replies to; it is ignored if there is no such message (or it is
	// deleted).
	ReplyTo int
	// MediaGroup is the media_group_id of an album the message belongs
	// to. Only photos, documents, audio files and videos can be part of
	// an album; other kinds ignore it. See SendAlbum.
	MediaGroup string
	// FileName is the name of a document, audio file or video; a default
	// name is used when it is empty.
	FileName string
	// Data is the file content of a media message. When nil, sample
	// content is used (for a photo: a small PNG in two sizes); a non-nil
	// empty slice is an empty file. Photo dimensions are read from Data
	// when it is a PNG, JPEG, GIF or WebP image, else they are 800x600.
	Data []byte
	// Latitude and Longitude are the point of a location.
	Latitude, Longitude float64
	// PhoneNumber and ContactName describe a contact; ContactName becomes
	// the contact's first_name ("Kontakt" if empty).
	PhoneNumber, ContactName string
}

// mediaDefaults are the sample file name and content of user media.
var mediaDefaults = map[string]struct {
	name string
	data string
}{
	"document":   {"document.pdf", "%PDF-1.4\n% fake document\n"},
	"voice":      {"", "OggS\x00\x02fake voice message"},
	"audio":      {"audio.mp3", "ID3\x04\x00\x00fake audio"},
	"video":      {"video.mp4", "\x00\x00\x00\x18ftypmp42fake video"},
	"video_note": {"", "\x00\x00\x00\x18ftypmp42fake video note"},
	"sticker":    {"sticker.webp", "RIFF\x00\x00\x00\x00WEBPVP8 "},
}

// SendMedia sends a message of any kind from u to the bot in their private
// chat and returns the update_id (see MessageIDOf for the message_id). It
// returns 0 and sends nothing if m.Kind is unknown.
func (s *Server) SendMedia(u User, m Media) int64 {
	u = u.normalized()
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := s.userMediaLocked(s.privateChatLocked(u), u, m)
	if msg == nil {
		return 0
	}
	return s.enqueueMessageLocked(msg)
}

// userMediaLocked stores a new message from u in chat c, nil if the kind
// is unknown.
func (s *Server) userMediaLocked(c *chat, u User, in Media) *message {
	var (
		f    *storedFile
		data = in.Data
		def  = mediaDefaults[in.Kind]
		name = in.FileName
	)
	if data == nil {
		data = []byte(def.data)
	} else {
		data = append([]byte{}, data...)
	}
	if name == "" {
		name = def.name
	}
	switch in.Kind {
	case "text", "photo", "location", "contact":
	case "document":
		f = s.newFileLocked(in.Kind, name, mimeTypeFor(name), data)
	case "audio":
		f = s.newFileLocked(in.Kind, name, mimeTypeFor(name), data)
		f.duration = 95
	case "video":
		f = s.newFileLocked(in.Kind, name, mimeTypeFor(name), data)
		f.width, f.height, f.duration = 640, 360, 5
	case "video_note":
		f = s.newFileLocked(in.Kind, "", "video/mp4", data)
		f.width, f.height, f.duration = 240, 240, 5
	case "voice":
		f = s.newFileLocked(in.Kind, "", "audio/ogg", data)
		f.duration = 3
	case "sticker":
		f = s.newFileLocked(in.Kind, name, "image/webp", data)
		f.width, f.height = 512, 512
	default:
		return nil
	}
	m := s.userMessageLocked(c, u, in.Kind)
	m.file = f
	switch in.Kind {
	case "photo":
		m.photos = s.userPhotoLocked(in.Data)
	case "location":
		m.latitude, m.longitude = in.Latitude, in.Longitude
	case "contact":
		m.phone, m.contactName = in.PhoneNumber, in.ContactName
		if m.contactName == "" {
			m.contactName = "Kontakt"
		}
	case "sticker":
		m.emoji = "👍"
	}
	if in.Kind == "text" || captionKinds[in.Kind] {
		m.text, m.plain, m.entities = in.Text, in.Text, findBotCommands(in.Text)
	}
	if albumKinds[in.Kind] {
		m.mediaGroup = in.MediaGroup
	}
	if in.ReplyTo != 0 && c.live(in.ReplyTo) != nil {
		m.replyTo = in.ReplyTo
	}
	return m
}

// userPhotoLocked stores the sizes of a photo a user sends: two sizes of a
// sample image without data, else one size with the data.
func (s *Server) userPhotoLocked(data []byte) []*storedFile {
	if data == nil {
		small := s.newFileLocked("photo", "", "image/png", sampleImage())
		small.width, small.height = 90, 68
		large := s.newFileLocked("photo", "", "image/png", sampleImage())
		large.width, large.height = 800, 600
		return []*storedFile{small, large}
	}
	f := s.newFileLocked("photo", "", http.DetectContentType(data), append([]byte{}, data...))
	f.width, f.height = 800, 600
	if width, height, ok := imageSize(data); ok {
		f.width, f.height = width, height
	}
	return []*storedFile{f}
}

// SendAlbum sends an album of n photos (2 to 10) from u to the bot: n
// messages sharing a new media_group_id, the caption on the first. It
// returns their update ids in order, or nil, sending nothing, if n is out
// of range.
func (s *Server) SendAlbum(u User, n int, caption string) []int64 {
	if n < 2 || n > 10 {
		return nil
	}
	u = u.normalized()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChatLocked(u)
	s.nextMediaGroup++
	group := strconv.FormatInt(13700000000000000+s.nextMediaGroup, 10)
	ids := make([]int64, 0, n)
	for i := 0; i < n; i++ {
		in := Media{Kind: "photo", MediaGroup: group}
		if i == 0 {
			in.Text = caption
		}
		ids = append(ids, s.enqueueMessageLocked(s.userMediaLocked(c, u, in)))
	}
	return ids
}

// SendText sends a text message from u to the bot in their private chat
// and returns the update_id (see MessageIDOf for the message_id). Commands
// such as "/start abc" get a bot_command entity, wherever they appear.
func (s *Server) SendText(u User, text string) int64 {
	return s.SendMedia(u, Media{Kind: "text", Text: text})
}

// Opened makes the users' private chats exist as if each had pressed Start in an earlier
// run of the bot, sending nothing now: a bot started on a database of clients it knew before
// can write to them, as on Telegram.
func (s *Server) Opened(users ...User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range users {
		s.privateChatLocked(u.normalized())
	}
}

// ReplyText sends a text message from u that replies to a message (the
// bot's or the user's) in their private chat. If that message does not
// exist, the message is sent without reply_to_message.
func (s *Server) ReplyText(u User, replyToMessageID int, text string) int64 {
	return s.SendMedia(u, Media{Kind: "text", Text: text, ReplyTo: replyToMessageID})
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
	return s.enqueueMessageLocked(s.userMediaLocked(c, u, Media{Kind: "text", Text: text}))
}

// SendSticker sends a sticker from u to the bot.
func (s *Server) SendSticker(u User) int64 {
	return s.SendMedia(u, Media{Kind: "sticker"})
}

// SendPhoto sends a photo with an optional caption from u to the bot. The
// photo comes in two sizes with fake file ids that getFile can serve.
func (s *Server) SendPhoto(u User, caption string) int64 {
	return s.SendMedia(u, Media{Kind: "photo", Text: caption})
}

// SendPhotoData sends a photo with the given image data (PNG, JPEG, GIF or
// WebP) and an optional caption from u to the bot. It fails, sending
// nothing, when data is not such an image or is larger than Telegram takes
// for a photo.
func (s *Server) SendPhotoData(u User, data []byte, caption string) (int64, error) {
	if len(data) > maxPhotoBytes {
		return 0, errors.New("fakeapi: photos must be at most 10 MB")
	}
	if _, _, ok := imageSize(data); !ok {
		return 0, errors.New("fakeapi: the photo is not a PNG, JPEG, GIF or WebP image")
	}
	return s.SendMedia(u, Media{Kind: "photo", Data: data, Text: caption}), nil
}

// SendDocument sends a file with an optional caption from u to the bot.
// The bot can download data through getFile.
func (s *Server) SendDocument(u User, fileName string, data []byte, caption string) int64 {
	if data == nil {
		data = []byte{}
	}
	return s.SendMedia(u, Media{Kind: "document", FileName: fileName, Data: data, Text: caption})
}

// SendVoice sends a voice message from u to the bot.
func (s *Server) SendVoice(u User) int64 {
	return s.SendMedia(u, Media{Kind: "voice"})
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
		ID:           s.newCallbackIDLocked(c),
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
