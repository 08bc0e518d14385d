package fakeapi

//lint:file-ignore ST1005 the errors are Telegram's own descriptions, word for word, capitals included

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file implements Telegram's HTML parse mode: the supported subset of
// tags, the four named entities plus numeric ones, and Telegram's error
// messages for malformed markup. It is deliberately stricter than Telegram
// in one respect: a bare '&' that does not start an entity is an error
// (Telegram keeps it as a literal), because it almost always means that
// user-provided text was not escaped.

// htmlTags maps each supported start tag to the entity type it produces.
var htmlTags = map[string]string{
	"b":          "bold",
	"strong":     "bold",
	"i":          "italic",
	"em":         "italic",
	"u":          "underline",
	"ins":        "underline",
	"s":          "strikethrough",
	"strike":     "strikethrough",
	"del":        "strikethrough",
	"a":          "text_link",
	"code":       "code",
	"pre":        "pre",
	"tg-spoiler": "spoiler",
	"span":       "spoiler",
	"blockquote": "blockquote",
	"tg-emoji":   "custom_emoji",
	"tg-time":    "date_time",
}

type htmlOpenTag struct {
	name    string
	offset  int // UTF-16 offset in the output where the tag's content starts
	entity  Entity
	bytePos int
	codeIn  bool // a <code> directly inside <pre>: merged into the pre entity
}

// parseHTML converts Telegram HTML into plain text and entities.
func parseHTML(text string) (string, []Entity, error) {
	var out strings.Builder
	var stack []htmlOpenTag
	var entities []Entity
	offset := 0
	i := 0
	for i < len(text) {
		c := text[i]
		switch c {
		case '&':
			r, n, ok := decodeHTMLEntity(text[i:])
			if !ok {
				return "", nil, fmt.Errorf("character '&' at byte offset %d does not start an HTML entity; escape it as \"&amp;\"", i)
			}
			out.WriteRune(r)
			offset += utf16Len(string(r))
			i += n
		case '<':
			if i+1 < len(text) && text[i+1] == '/' {
				end := strings.IndexByte(text[i:], '>')
				if end < 0 {
					return "", nil, fmt.Errorf("Unclosed end tag at byte offset %d", i)
				}
				name := strings.ToLower(strings.TrimSpace(text[i+2 : i+end]))
				if len(stack) == 0 {
					return "", nil, fmt.Errorf("Unexpected end tag at byte offset %d", i)
				}
				top := stack[len(stack)-1]
				if name != top.name {
					return "", nil, fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top.name, name)
				}
				stack = stack[:len(stack)-1]
				if e, ok := closeHTMLTag(top, offset); ok {
					entities = append(entities, e)
				}
				i += end + 1
				continue
			}
			tag, next, err := parseHTMLStartTag(text, i)
			if err != nil {
				return "", nil, err
			}
			tag.offset = offset
			if tag.name == "code" && len(stack) > 0 && stack[len(stack)-1].name == "pre" {
				tag.codeIn = true
				if lang := tag.entity.Language; lang != "" {
					stack[len(stack)-1].entity.Language = lang
				}
			}
			stack = append(stack, tag)
			i = next
		default:
			out.WriteByte(c)
			offset += utf16Units(c)
			i++
		}
	}
	if len(stack) > 0 {
		return "", nil, fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].name)
	}
	return out.String(), entities, nil
}

// closeHTMLTag turns a closed tag into an entity; empty entities and
// links without a URL produce none.
func closeHTMLTag(tag htmlOpenTag, offset int) (Entity, bool) {
	length := offset - tag.offset
	if length == 0 || tag.codeIn {
		return Entity{}, false
	}
	e := tag.entity
	e.Offset = tag.offset
	e.Length = length
	if e.Type == "text_link" && e.URL == "" {
		return Entity{}, false
	}
	if e.Type == "code" {
		e.Language = ""
	}
	return e, true
}

// parseHTMLStartTag parses "<name attr=value ...>" starting at text[pos]
// and returns the tag and the position after '>'.
func parseHTMLStartTag(text string, pos int) (htmlOpenTag, int, error) {
	i := pos + 1
	nameStart := i
	for i < len(text) && !isHTMLSpace(text[i]) && text[i] != '>' {
		i++
	}
	if i >= len(text) {
		return htmlOpenTag{}, 0, fmt.Errorf("Unclosed start tag at byte offset %d", pos)
	}
	name := strings.ToLower(text[nameStart:i])
	typ, ok := htmlTags[name]
	if !ok {
		return htmlOpenTag{}, 0, fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, pos)
	}
	attrs := map[string]string{}
	for {
		for i < len(text) && isHTMLSpace(text[i]) {
			i++
		}
		if i >= len(text) {
			return htmlOpenTag{}, 0, fmt.Errorf("Unclosed start tag at byte offset %d", pos)
		}
		if text[i] == '>' {
			i++
			break
		}
		attrStart := i
		for i < len(text) && !isHTMLSpace(text[i]) && text[i] != '=' && text[i] != '>' {
			i++
		}
		attrName := strings.ToLower(text[attrStart:i])
		if attrName == "" {
			return htmlOpenTag{}, 0, fmt.Errorf("Empty attribute name in the tag \"%s\" at byte offset %d", name, pos)
		}
		for i < len(text) && isHTMLSpace(text[i]) {
			i++
		}
		if i >= len(text) {
			return htmlOpenTag{}, 0, fmt.Errorf("Unclosed start tag at byte offset %d", pos)
		}
		if text[i] != '=' {
			if name == "blockquote" && attrName == "expandable" {
				attrs[attrName] = ""
				continue
			}
			return htmlOpenTag{}, 0, fmt.Errorf("Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", name, pos)
		}
		i++
		for i < len(text) && isHTMLSpace(text[i]) {
			i++
		}
		if i >= len(text) {
			return htmlOpenTag{}, 0, fmt.Errorf("Unclosed start tag at byte offset %d", pos)
		}
		var rawValue string
		if q := text[i]; q == '"' || q == '\'' {
			end := strings.IndexByte(text[i+1:], q)
			if end < 0 {
				return htmlOpenTag{}, 0, fmt.Errorf("Unclosed end of an attribute value of the tag \"%s\" at byte offset %d", name, pos)
			}
			rawValue = text[i+1 : i+1+end]
			i += end + 2
		} else {
			valueStart := i
			for i < len(text) && !isHTMLSpace(text[i]) && text[i] != '>' {
				i++
			}
			rawValue = text[valueStart:i]
		}
		if _, seen := attrs[attrName]; !seen {
			attrs[attrName] = decodeHTMLAttribute(rawValue)
		}
	}

	tag := htmlOpenTag{name: name, bytePos: pos, entity: Entity{Type: typ}}
	switch name {
	case "a":
		tag.entity.URL = attrs["href"]
	case "span":
		if attrs["class"] != "tg-spoiler" {
			return htmlOpenTag{}, 0, fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", pos)
		}
	case "code":
		if lang, ok := strings.CutPrefix(attrs["class"], "language-"); ok {
			tag.entity.Language = lang
		}
	case "blockquote":
		if _, ok := attrs["expandable"]; ok {
			tag.entity.Type = "expandable_blockquote"
		}
	case "tg-emoji":
		id := attrs["emoji-id"]
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			return htmlOpenTag{}, 0, fmt.Errorf("Invalid custom emoji identifier specified in the tag \"tg-emoji\" at byte offset %d", pos)
		}
		tag.entity.CustomEmojiID = id
	case "tg-time":
		unix, err := strconv.ParseInt(attrs["unix"], 10, 64)
		if err != nil {
			return htmlOpenTag{}, 0, fmt.Errorf("Invalid unix time specified in the tag \"tg-time\" at byte offset %d", pos)
		}
		tag.entity.UnixTime = unix
		tag.entity.DateTimeFormat = attrs["format"]
	}
	return tag, i, nil
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// decodeHTMLEntity decodes "&lt;", "&gt;", "&amp;", "&quot;" and numeric
// references at the start of s. It returns the rune and the bytes consumed.
func decodeHTMLEntity(s string) (rune, int, bool) {
	semi := strings.IndexByte(s, ';')
	if len(s) < 3 || s[0] != '&' || semi < 0 || semi > 10 {
		return 0, 0, false
	}
	body := s[1:semi]
	switch body {
	case "lt":
		return '<', semi + 1, true
	case "gt":
		return '>', semi + 1, true
	case "amp":
		return '&', semi + 1, true
	case "quot":
		return '"', semi + 1, true
	}
	if !strings.HasPrefix(body, "#") || len(body) < 2 {
		return 0, 0, false
	}
	digits, base := body[1:], 10
	if digits[0] == 'x' || digits[0] == 'X' {
		digits, base = digits[1:], 16
	}
	if digits == "" {
		return 0, 0, false
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || n == 0 || !utf8.ValidRune(rune(n)) {
		return 0, 0, false
	}
	return rune(n), semi + 1, true
}

// decodeHTMLAttribute decodes entities inside an attribute value; an '&'
// that starts no entity is kept as is, like Telegram does.
func decodeHTMLAttribute(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var out strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '&' {
			if r, n, ok := decodeHTMLEntity(s[i:]); ok {
				out.WriteRune(r)
				i += n
				continue
			}
		}
		out.WriteByte(s[i])
		i++
	}
	return out.String()
}
