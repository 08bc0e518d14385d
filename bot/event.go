package bot

import (
	"strings"
	"unicode"

	"github.com/go-telegram/bot/models"

	"github.com/lotse-bot/lotse/flows"
)

// toEvent turns an update into a flows event. ok is false for updates the bot does not
// answer: messages in groups and channels, and update types it does not use. chat is the
// queue the update belongs to; updates of one chat are handled in order.
func toEvent(u *models.Update, botUsername string) (ev flows.Event, chat int64, ok bool) {
	switch {
	case u.Message != nil:
		return messageEvent(u.Message, botUsername, flows.EventText)
	case u.EditedMessage != nil:
		return messageEvent(u.EditedMessage, botUsername, flows.EventEdited)
	case u.MyChatMember != nil:
		m := u.MyChatMember
		if m.Chat.Type != models.ChatTypePrivate || m.From.ID == 0 {
			return flows.Event{}, m.Chat.ID, false
		}
		status := m.NewChatMember.Type
		if status != models.ChatMemberTypeBanned && status != models.ChatMemberTypeMember {
			return flows.Event{}, m.Chat.ID, false
		}
		return flows.Event{Kind: flows.EventReach, UserID: m.From.ID, Text: string(status)}, m.From.ID, true
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		ev = flows.Event{
			Kind:         flows.EventButton,
			UserID:       q.From.ID,
			LanguageCode: q.From.LanguageCode,
			FirstName:    q.From.FirstName,
			Data:         q.Data,
			CallbackID:   q.ID,
		}
		if m := q.Message.Message; m != nil {
			if m.Chat.Type != models.ChatTypePrivate {
				return flows.Event{}, m.Chat.ID, false
			}
			ev.MessageID = m.ID
		}
		return ev, q.From.ID, q.From.ID != 0
	}
	return flows.Event{}, 0, false
}

func messageEvent(m *models.Message, botUsername string, kind flows.EventKind) (flows.Event, int64, bool) {
	if m.Chat.Type != models.ChatTypePrivate || m.From == nil || m.From.IsBot {
		// The bot does not chat in groups and channels.
		return flows.Event{}, m.Chat.ID, false
	}
	ev := flows.Event{
		Kind:         kind,
		UserID:       m.From.ID,
		LanguageCode: m.From.LanguageCode,
		FirstName:    m.From.FirstName,
		MessageID:    m.ID,
		Text:         m.Text,
		MediaGroup:   m.MediaGroupID,
	}
	if r := m.ReplyToMessage; r != nil && r.Chat.ID == m.Chat.ID {
		ev.ReplyTo = r.ID
	}
	if m.Text == "" {
		ev.Media, ev.Text = mediaKind(m), m.Caption
		if kind == flows.EventText {
			ev.Kind = flows.EventMedia
		}
	} else if cmd, args, ok := parseCommand(m.Text, botUsername); ok && kind == flows.EventText {
		ev.Kind, ev.Command, ev.Text = flows.EventCommand, cmd, args
	}
	return ev, m.Chat.ID, true
}

// mediaKind names what a message without text carries, "" for kinds Lotse does not pass on
// (polls, games, service messages: Telegram cannot copy some of them).
func mediaKind(m *models.Message) string {
	switch {
	case len(m.Photo) > 0:
		return "photo"
	case m.Document != nil:
		return "document"
	case m.Voice != nil:
		return "voice"
	case m.Audio != nil:
		return "audio"
	case m.Video != nil:
		return "video"
	case m.VideoNote != nil:
		return "video_note"
	case m.Location != nil:
		return "location"
	case m.Contact != nil:
		return "contact"
	case m.Sticker != nil:
		return "sticker"
	}
	return ""
}

// parseCommand splits "/start@lotse_bot payload" into "start" and "payload". Only text that
// begins with the command counts: Telegram's entity offsets are UTF-16 units, and reading
// them as byte offsets breaks on Arabic text before a command. A command addressed to
// another bot is not ours.
func parseCommand(text, botUsername string) (cmd, args string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	word, rest, _ := strings.Cut(text[1:], " ")
	if i := strings.IndexFunc(word, unicode.IsSpace); i >= 0 {
		word, rest = word[:i], word[i:]+" "+rest
	}
	word, target, addressed := strings.Cut(word, "@")
	if addressed && !strings.EqualFold(target, botUsername) {
		return "", "", false
	}
	if word == "" || len(word) > 32 {
		return "", "", false
	}
	for _, r := range word {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return "", "", false
		}
	}
	return strings.ToLower(word), strings.TrimSpace(rest), true
}
