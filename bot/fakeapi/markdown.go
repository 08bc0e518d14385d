package fakeapi

//lint:file-ignore ST1005 the errors are Telegram's own descriptions, word for word, capitals included

import (
	"fmt"
	"strings"
)

// This file implements the MarkdownV2 and legacy Markdown parse modes,
// following the structure of Telegram's own parser closely enough to
// produce the same errors for unescaped reserved characters and unclosed
// entities.

// markdownV2Names are the entity names Telegram uses in "Can't find end of
// ... entity" errors.
var markdownV2Names = map[string]string{
	"bold":          "Bold",
	"italic":        "Italic",
	"underline":     "Underline",
	"strikethrough": "Strikethrough",
	"spoiler":       "Spoiler",
	"code":          "Code",
	"pre":           "Pre",
	"text_link":     "TextUrl",
	"custom_emoji":  "CustomEmoji",
}

type markdownOpen struct {
	typ       string
	language  string
	offset    int
	bytePos   int
	resultPos int
}

// byteAt returns s[i], or 0 past the end, mirroring the NUL-terminated
// lookahead of Telegram's C++ parser.
func byteAt(s string, i int) byte {
	if i >= 0 && i < len(s) {
		return s[i]
	}
	return 0
}

func isMarkdownSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func reservedError(c byte) error {
	return fmt.Errorf("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
}

// parseMarkdownV2 converts MarkdownV2 into plain text and entities.
func parseMarkdownV2(text string) (string, []Entity, error) {
	var out []byte
	var stack []markdownOpen
	var entities []Entity
	offset := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if next := byteAt(text, i+1); c == '\\' && next > 0 && next <= 126 {
			i++
			out = append(out, next)
			offset++
			continue
		}
		reserved := "_*[]()~`>#+-=|{}.!"
		inCode := false
		if len(stack) > 0 {
			switch stack[len(stack)-1].typ {
			case "code", "pre":
				reserved = "`"
				inCode = true
			}
		}
		if !inCode && c == '>' && (i == 0 || text[i-1] == '\n') {
			// A block quotation line; the marker itself is not part of the text.
			continue
		}
		if strings.IndexByte(reserved, c) < 0 {
			out = append(out, c)
			offset += utf16Units(c)
			continue
		}

		isEnd := false
		if len(stack) > 0 {
			switch stack[len(stack)-1].typ {
			case "bold":
				isEnd = c == '*'
			case "italic":
				isEnd = c == '_' && byteAt(text, i+1) != '_'
			case "code":
				isEnd = c == '`'
			case "pre":
				isEnd = c == '`' && byteAt(text, i+1) == '`' && byteAt(text, i+2) == '`'
			case "text_link", "custom_emoji":
				isEnd = c == ']'
			case "underline":
				isEnd = c == '_' && byteAt(text, i+1) == '_'
			case "strikethrough":
				isEnd = c == '~'
			case "spoiler":
				isEnd = c == '|' && byteAt(text, i+1) == '|'
			}
		}

		if !isEnd {
			open := markdownOpen{offset: offset, bytePos: i}
			switch c {
			case '_':
				if byteAt(text, i+1) == '_' {
					open.typ = "underline"
					i++
				} else {
					open.typ = "italic"
				}
			case '*':
				open.typ = "bold"
			case '~':
				open.typ = "strikethrough"
			case '|':
				if byteAt(text, i+1) != '|' {
					return "", nil, reservedError(c)
				}
				i++
				open.typ = "spoiler"
			case '[':
				open.typ = "text_link"
			case '`':
				if byteAt(text, i+1) == '`' && byteAt(text, i+2) == '`' {
					i += 3
					open.typ = "pre"
					langEnd := i
					for langEnd < len(text) && !isMarkdownSpace(text[langEnd]) && text[langEnd] != '`' {
						langEnd++
					}
					if i != langEnd && langEnd < len(text) && text[langEnd] != '`' {
						open.language = text[i:langEnd]
						i = langEnd
					}
					i = skipOneNewline(text, i)
					i-- // the loop increments i
				} else {
					open.typ = "code"
				}
			case '!':
				if byteAt(text, i+1) != '[' {
					return "", nil, reservedError(c)
				}
				i++
				open.typ = "custom_emoji"
			default:
				return "", nil, reservedError(c)
			}
			open.resultPos = len(out)
			stack = append(stack, open)
			continue
		}

		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		e := Entity{Type: top.typ, Offset: top.offset, Length: offset - top.offset}
		switch top.typ {
		case "underline", "spoiler":
			i++
		case "pre":
			i += 2
			e.Language = top.language
		case "text_link", "custom_emoji":
			var url string
			if byteAt(text, i+1) != '(' {
				url = string(out[top.resultPos:])
			} else {
				i += 2
				urlStart := i
				var b []byte
				for i < len(text) && text[i] != ')' {
					if next := byteAt(text, i+1); text[i] == '\\' && next > 0 && next <= 126 {
						b = append(b, next)
						i += 2
						continue
					}
					b = append(b, text[i])
					i++
				}
				if i >= len(text) {
					return "", nil, fmt.Errorf("Can't find end of a URL at byte offset %d", urlStart)
				}
				url = string(b)
			}
			if top.typ == "custom_emoji" {
				id, ok := strings.CutPrefix(url, "tg://emoji?id=")
				if !ok || id == "" {
					return "", nil, fmt.Errorf("Custom emoji URL must have an emoji identifier")
				}
				e.CustomEmojiID = id
			} else {
				e.URL = url
			}
		}
		if e.Length > 0 && (e.Type != "text_link" || e.URL != "") {
			entities = append(entities, e)
		}
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return "", nil, fmt.Errorf("Can't find end of %s entity at byte offset %d", markdownV2Names[top.typ], top.bytePos)
	}
	return string(out), entities, nil
}

// skipOneNewline skips a single line break ("\n", "\r", "\r\n" or "\n\r")
// at text[i], as Telegram does at the start of a pre block.
func skipOneNewline(text string, i int) int {
	c := byteAt(text, i)
	if c != '\n' && c != '\r' {
		return i
	}
	next := byteAt(text, i+1)
	if (next == '\n' || next == '\r') && next != c {
		return i + 2
	}
	return i + 1
}

// parseMarkdown converts legacy Markdown into plain text and entities.
func parseMarkdown(text string) (string, []Entity, error) {
	var out []byte
	var entities []Entity
	offset := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if next := byteAt(text, i+1); c == '\\' && (next == '_' || next == '*' || next == '`' || next == '[') {
			i++
			out = append(out, next)
			offset++
			continue
		}
		if c != '_' && c != '*' && c != '`' && c != '[' {
			out = append(out, c)
			offset += utf16Units(c)
			continue
		}

		begin := i
		endChar := c
		if c == '[' {
			endChar = ']'
		}
		i++
		isPre := false
		language := ""
		if c == '`' && byteAt(text, i) == '`' && byteAt(text, i+1) == '`' {
			i += 2
			isPre = true
			langEnd := i
			for langEnd < len(text) && !isMarkdownSpace(text[langEnd]) && text[langEnd] != '`' {
				langEnd++
			}
			if i != langEnd && langEnd < len(text) && text[langEnd] != '`' {
				language = text[i:langEnd]
				i = langEnd
			}
			i = skipOneNewline(text, i)
		}

		start := offset
		for i < len(text) && (text[i] != endChar || (isPre && !(byteAt(text, i+1) == '`' && byteAt(text, i+2) == '`'))) {
			out = append(out, text[i])
			offset += utf16Units(text[i])
			i++
		}
		if i >= len(text) {
			return "", nil, fmt.Errorf("Can't find end of the entity starting at byte offset %d", begin)
		}

		e := Entity{Offset: start, Length: offset - start}
		switch c {
		case '_':
			e.Type = "italic"
		case '*':
			e.Type = "bold"
		case '`':
			if isPre {
				e.Type = "pre"
				e.Language = language
				i += 2
			} else {
				e.Type = "code"
			}
		case '[':
			e.Type = "text_link"
			if byteAt(text, i+1) == '(' {
				i += 2
				urlStart := i
				for i < len(text) && text[i] != ')' {
					i++
				}
				if i >= len(text) {
					return "", nil, fmt.Errorf("Can't find end of a URL at byte offset %d", urlStart)
				}
				e.URL = text[urlStart:i]
			}
		}
		if e.Length > 0 && (e.Type != "text_link" || e.URL != "") {
			entities = append(entities, e)
		}
	}
	return string(out), entities, nil
}
