package fakeapi

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestReactionEmojisAreTheSpecList checks the map against the Bot API's
// ReactionTypeEmoji list: 73 emojis, none with a variation selector.
func TestReactionEmojisAreTheSpecList(t *testing.T) {
	if len(reactionEmojis) != 73 {
		t.Fatalf("%d reaction emojis, the Bot API lists 73", len(reactionEmojis))
	}
	for e := range reactionEmojis {
		if e == "" || !utf8.ValidString(e) || strings.ContainsRune(e, '\ufe0f') || strings.TrimSpace(e) != e {
			t.Fatalf("malformed reaction emoji %+q", e)
		}
	}
	for _, e := range []string{"❤", "❤\u200d🔥", "👨\u200d💻", "🤷\u200d♀", "😡", "🗿"} {
		if !reactionEmojis[e] {
			t.Fatalf("%+q is missing", e)
		}
	}
}

// TestCopyMessageRefusesUncopyableKinds stores a message of a kind that
// users cannot create (a service message) and checks that copyMessage
// refuses it, as Telegram refuses to copy service messages.
func TestCopyMessageRefusesUncopyableKinds(t *testing.T) {
	s := New()
	defer s.Close()
	s.SendText(User{ID: 7}, "hi")
	s.mu.Lock()
	service := s.chats[7].addMessageLocked(false, "new_chat_title")
	q := &request{args: map[string]string{"chat_id": "7", "from_chat_id": "7", "message_id": "2"}}
	_, err := s.copyMessage(q)
	s.mu.Unlock()
	if service.id != 2 || err == nil || err.description != "Bad Request: the message can't be copied" {
		t.Fatalf("copy of a service message: %+v", err)
	}
	if got := s.Messages(7); len(got) != 0 {
		t.Fatalf("copied anyway: %+v", got)
	}
}
