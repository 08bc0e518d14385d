package fakeapi

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Entity is a formatting entity of a message text, with offsets and lengths
// in UTF-16 code units as in the Bot API.
type Entity struct {
	Type           string
	Offset         int
	Length         int
	URL            string
	Language       string
	CustomEmojiID  string
	UnixTime       int64
	DateTimeFormat string
}

// Text limits of the Bot API, in UTF-16 code units after entity parsing.
const (
	maxTextLength     = 4096
	maxCaptionLength  = 1024
	maxCallbackText   = 200
	maxCallbackData   = 64
	maxCopyTextLength = 256
)

// utf16Len returns the length of s in UTF-16 code units, the unit Telegram
// uses for all text limits and entity offsets.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// utf16Units counts the UTF-16 code units of one byte of UTF-8 text: a
// leading byte starts one unit (two for four-byte sequences), continuation
// bytes add nothing.
func utf16Units(b byte) int {
	switch {
	case b < 0x80:
		return 1
	case b&0xC0 == 0x80:
		return 0
	case b >= 0xF0:
		return 2
	default:
		return 1
	}
}

// formatText parses text according to parse_mode (or takes explicit
// entities) and returns the plain text with its entities.
func formatText(text, parseMode, entitiesJSON string) (string, []Entity, *apiError) {
	if !utf8.ValidString(text) {
		return "", nil, badRequest("text must be encoded in UTF-8")
	}
	if strings.TrimSpace(entitiesJSON) != "" {
		entities, err := parseEntitiesJSON(entitiesJSON, text)
		if err != nil {
			return "", nil, err
		}
		return text, entities, nil
	}
	var (
		plain    string
		entities []Entity
		err      error
	)
	switch strings.ToLower(parseMode) {
	case "":
		return text, nil, nil
	case "html":
		plain, entities, err = parseHTML(text)
	case "markdownv2":
		plain, entities, err = parseMarkdownV2(text)
	case "markdown":
		plain, entities, err = parseMarkdown(text)
	default:
		return "", nil, badRequest("unsupported parse_mode %q", truncate(parseMode, 20))
	}
	if err != nil {
		return "", nil, badRequest("can't parse entities: %s", err.Error())
	}
	sortEntities(entities)
	return plain, entities, nil
}

// parseEntitiesJSON validates an explicit entities parameter.
func parseEntitiesJSON(raw, text string) ([]Entity, *apiError) {
	value, err := decodeJSON(raw)
	if err != nil {
		return nil, badRequest("can't parse entities JSON object")
	}
	list, ok := value.([]any)
	if !ok {
		return nil, badRequest("can't parse entities: expected an Array of MessageEntity")
	}
	textLen := utf16Len(text)
	entities := make([]Entity, 0, len(list))
	for i, item := range list {
		obj, ok := item.(map[string]any)
		if !ok {
			return nil, badRequest("can't parse entities: entity %d is not an object", i)
		}
		typ, _ := obj["type"].(string)
		offset, okOffset := jsonInt(obj["offset"])
		length, okLength := jsonInt(obj["length"])
		if typ == "" || !okOffset || !okLength || offset < 0 || length < 0 {
			return nil, badRequest("can't parse entities: entity %d needs type, offset and length", i)
		}
		if offset+length > int64(textLen) {
			return nil, badRequest("can't parse entities: entity %d ends beyond the end of the text", i)
		}
		e := Entity{Type: typ, Offset: int(offset), Length: int(length)}
		e.URL, _ = obj["url"].(string)
		e.Language, _ = obj["language"].(string)
		e.CustomEmojiID, _ = obj["custom_emoji_id"].(string)
		if length > 0 {
			entities = append(entities, e)
		}
	}
	sortEntities(entities)
	return entities, nil
}

func sortEntities(entities []Entity) {
	sort.SliceStable(entities, func(i, j int) bool {
		if entities[i].Offset != entities[j].Offset {
			return entities[i].Offset < entities[j].Offset
		}
		return entities[i].Length > entities[j].Length
	})
}

// isWordRune reports whether r counts as part of a word when Telegram looks
// for bot commands.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isCommandByte(b byte) bool {
	return b == '_' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
}

// findBotCommands finds "/command" and "/command@botname" occurrences the
// way Telegram clients mark them, returning bot_command entities with UTF-16
// offsets.
func findBotCommands(text string) []Entity {
	var entities []Entity
	for i := 0; i < len(text); i++ {
		if text[i] != '/' {
			continue
		}
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			if isWordRune(prev) || prev == '/' || prev == '<' || prev == '>' || prev == '\\' {
				continue
			}
		}
		end := i + 1
		for end < len(text) && isCommandByte(text[end]) {
			end++
		}
		nameLen := end - i - 1
		if nameLen == 0 || nameLen > 64 {
			continue
		}
		if end < len(text) && text[end] == '@' {
			userEnd := end + 1
			for userEnd < len(text) && isCommandByte(text[userEnd]) {
				userEnd++
			}
			if n := userEnd - end - 1; n >= 3 && n <= 32 {
				end = userEnd
			}
		}
		if end < len(text) {
			next, _ := utf8.DecodeRuneInString(text[end:])
			if isWordRune(next) || next == '/' || next == '<' || next == '>' || next == '\\' {
				continue
			}
		}
		entities = append(entities, Entity{
			Type:   "bot_command",
			Offset: utf16Len(text[:i]),
			Length: utf16Len(text[i:end]),
		})
		i = end - 1
	}
	return entities
}
