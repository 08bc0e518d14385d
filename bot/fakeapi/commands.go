package fakeapi

import (
	"fmt"
	"strings"
)

// BotCommand is one entry of the bot's command menu.
type BotCommand struct {
	Command     string
	Description string
}

// Limits of setMyCommands.
const (
	maxCommands          = 100
	maxCommandLength     = 32
	maxCommandDescLength = 256
)

// scopeTypes lists the BotCommandScope types and whether they need chat_id
// and user_id.
var scopeTypes = map[string]struct{ chat, user bool }{
	"default":                 {},
	"all_private_chats":       {},
	"all_group_chats":         {},
	"all_chat_administrators": {},
	"chat":                    {chat: true},
	"chat_administrators":     {chat: true},
	"chat_member":             {chat: true, user: true},
}

// commandKeyLocked validates scope and language_code and returns the key
// the commands are stored under.
func (s *Server) commandKeyLocked(q *request) (string, *apiError) {
	lang := q.str("language_code")
	if lang != "" && !validLanguageCode(lang) {
		return "", badRequest("invalid language_code %q: must be empty or a two-letter ISO 639-1 code", truncate(lang, 20))
	}
	scope := "default"
	value, ok, err := q.jsonArg("scope")
	if err != nil {
		return "", err
	}
	if ok {
		obj, isObj := value.(map[string]any)
		if !isObj {
			return "", badRequest("can't parse BotCommandScope JSON object")
		}
		typ, _ := obj["type"].(string)
		rules, known := scopeTypes[typ]
		if !known {
			return "", badRequest("can't parse BotCommandScope: unsupported type %q", truncate(typ, 40))
		}
		scope = typ
		if rules.chat {
			chatText, _ := jsonValueToArg(obj["chat_id"])
			ref, err := parseChatRef(chatText, "scope.chat_id")
			if err != nil {
				return "", err
			}
			c, err := s.resolveChatLocked(ref)
			if err != nil {
				return "", err
			}
			scope = fmt.Sprintf("%s:%d", typ, c.id)
		}
		if rules.user {
			userID, isInt := jsonInt(obj["user_id"])
			if !isInt {
				return "", badRequest("can't parse BotCommandScope: user_id must be an Integer")
			}
			scope = fmt.Sprintf("%s:%d", scope, userID)
		}
	}
	return scope + "/" + lang, nil
}

func validLanguageCode(s string) bool {
	return len(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z'
}

func validCommand(s string) bool {
	if len(s) < 1 || len(s) > maxCommandLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func (s *Server) setMyCommands(q *request) (any, *apiError) {
	value, ok, err := q.jsonArg("commands")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, badRequest("commands is empty")
	}
	list, isList := value.([]any)
	if !isList {
		return nil, badRequest("can't parse commands: expected an Array of BotCommand")
	}
	if len(list) < 1 || len(list) > maxCommands {
		return nil, badRequest("commands must contain 1-%d items, got %d", maxCommands, len(list))
	}
	commands := make([]BotCommand, 0, len(list))
	seen := map[string]bool{}
	for i, item := range list {
		obj, isObj := item.(map[string]any)
		if !isObj {
			return nil, badRequest("can't parse BotCommand %d: expected an Object", i+1)
		}
		command, _ := obj["command"].(string)
		description, _ := obj["description"].(string)
		if !validCommand(command) {
			return nil, badRequest("BOT_COMMAND_INVALID: command %q must be 1-%d characters of a-z, 0-9 and _", truncate(command, 40), maxCommandLength)
		}
		if seen[command] {
			return nil, badRequest("BOT_COMMAND_INVALID: command %q is listed twice", command)
		}
		seen[command] = true
		if n := utf16Len(strings.TrimSpace(description)); n < 1 || utf16Len(description) > maxCommandDescLength {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID: description of %q must be 1-%d characters", command, maxCommandDescLength)
		}
		commands = append(commands, BotCommand{Command: command, Description: description})
	}
	key, err := s.commandKeyLocked(q)
	if err != nil {
		return nil, err
	}
	s.commands[key] = commands
	return true, nil
}

func (s *Server) deleteMyCommands(q *request) (any, *apiError) {
	key, err := s.commandKeyLocked(q)
	if err != nil {
		return nil, err
	}
	delete(s.commands, key)
	return true, nil
}

func (s *Server) getMyCommands(q *request) (any, *apiError) {
	key, err := s.commandKeyLocked(q)
	if err != nil {
		return nil, err
	}
	out := []apiBotCommand{}
	for _, c := range s.commands[key] {
		out = append(out, apiBotCommand(c))
	}
	return out, nil
}

// Commands returns what setMyCommands stored for the default scope and the
// given language_code ("" for the commands without a language).
func (s *Server) Commands(languageCode string) []BotCommand {
	return s.ScopedCommands("default", languageCode)
}

// ScopedCommands returns what setMyCommands stored for a scope and a
// language_code. scope is a BotCommandScope type, followed for chat scopes
// by ":<chat_id>" (and ":<user_id>" for chat_member), e.g.
// "all_private_chats" or "chat:42".
func (s *Server) ScopedCommands(scope, languageCode string) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]BotCommand(nil), s.commands[scope+"/"+languageCode]...)
}
