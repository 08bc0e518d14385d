package flows

import (
	"fmt"
	"strconv"
	"strings"
)

// configLines maps the tables, keys and list entries of a TOML document to the line on which
// each starts, so that every problem of a configuration can name its line. The map's keys are
// fields as problems name them, counting entries from 1 as people do: "office_hours[2].from",
// "languages[9]", "local.jobcenter". The TOML library keeps positions to itself, and keeps
// only one per key name rather than one per entry of an array of tables; hence this small
// scanner. It runs only on documents the library has parsed, so it can be lenient.
func configLines(doc string) map[string]int {
	s := &lineScanner{doc: doc, line: 1, lines: map[string]int{}, entries: map[string]int{}}
	s.document()
	return s.lines
}

type lineScanner struct {
	doc   string
	pos   int
	line  int
	lines map[string]int
	// entries counts the entries of each array of tables ([[name]]) so far, by field.
	entries map[string]int
}

func (s *lineScanner) document() {
	table := ""
	for s.pos < len(s.doc) {
		start := s.pos
		s.space(true)
		switch {
		case s.pos >= len(s.doc):
			return
		case strings.HasPrefix(s.doc[s.pos:], "[["):
			s.pos += 2
			table = s.header(s.keys(), true)
		case s.doc[s.pos] == '[':
			s.pos++
			table = s.header(s.keys(), false)
		default:
			if keys := s.keys(); len(keys) > 0 {
				s.assignment(table, keys)
			}
		}
		s.skipLine()
		if s.pos == start {
			return
		}
	}
}

// header notes a table header's line and returns the field its keys below belong to.
func (s *lineScanner) header(keys []string, array bool) string {
	field := ""
	for i, k := range keys {
		field = joinField(field, k)
		if array && i == len(keys)-1 {
			s.note(field, s.line)
			s.entries[field]++
		}
		if n, ok := s.entries[field]; ok {
			field = fmt.Sprintf("%s[%d]", field, n)
		}
		s.note(field, s.line)
	}
	return field
}

// assignment notes the line of "keys = value" in table and of everything in the value.
func (s *lineScanner) assignment(table string, keys []string) {
	field := table
	for _, k := range keys {
		field = joinField(field, k)
		s.note(field, s.line)
	}
	s.space(false)
	if s.peek() != '=' {
		return
	}
	s.pos++
	s.space(false)
	s.value(field)
}

func (s *lineScanner) value(field string) {
	rest := s.doc[s.pos:]
	switch {
	case strings.HasPrefix(rest, `"""`):
		s.pos += 3
		s.skipString(`"""`, true)
	case strings.HasPrefix(rest, "'''"):
		s.pos += 3
		s.skipString("'''", false)
	case strings.HasPrefix(rest, `"`):
		s.pos++
		s.skipString(`"`, true)
	case strings.HasPrefix(rest, "'"):
		s.pos++
		s.skipString("'", false)
	case strings.HasPrefix(rest, "["):
		s.pos++
		s.array(field)
	case strings.HasPrefix(rest, "{"):
		s.pos++
		s.inlineTable(field)
	default:
		for s.pos < len(s.doc) && !strings.ContainsRune(",]}#\r\n", rune(s.doc[s.pos])) {
			s.pos++
		}
	}
}

func (s *lineScanner) array(field string) {
	for n := 1; s.pos < len(s.doc); n++ {
		s.space(true)
		if s.peek() == ']' {
			s.pos++
			return
		}
		entry := fmt.Sprintf("%s[%d]", field, n)
		s.note(entry, s.line)
		s.value(entry)
		s.space(true)
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return
		default:
			return
		}
	}
}

func (s *lineScanner) inlineTable(field string) {
	for s.pos < len(s.doc) {
		s.space(true)
		if s.peek() == '}' {
			s.pos++
			return
		}
		keys := s.keys()
		if len(keys) == 0 {
			return
		}
		s.assignment(field, keys)
		s.space(true)
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return
		default:
			return
		}
	}
}

// keys reads a dotted key like a, a.b or "a b".c.
func (s *lineScanner) keys() []string {
	var keys []string
	for {
		s.space(false)
		k, ok := s.key()
		if !ok {
			return keys
		}
		keys = append(keys, k)
		s.space(false)
		if s.peek() != '.' {
			return keys
		}
		s.pos++
	}
}

func (s *lineScanner) key() (string, bool) {
	start := s.pos
	switch s.peek() {
	case '"':
		s.pos++
		s.skipString(`"`, true)
		k, err := strconv.Unquote(s.doc[start:s.pos])
		if err != nil {
			k = s.doc[start+1 : max(start+1, s.pos-1)]
		}
		return k, true
	case '\'':
		s.pos++
		s.skipString("'", false)
		return s.doc[start+1 : max(start+1, s.pos-1)], true
	}
	for s.pos < len(s.doc) && isBareKeyByte(s.doc[s.pos]) {
		s.pos++
	}
	return s.doc[start:s.pos], s.pos > start
}

// skipString moves past the end of a string whose opening quotes were read.
func (s *lineScanner) skipString(end string, escapes bool) {
	for s.pos < len(s.doc) {
		switch {
		case escapes && s.doc[s.pos] == '\\':
			s.advance()
			s.advance()
		case strings.HasPrefix(s.doc[s.pos:], end):
			s.pos += len(end)
			// A multi-line string may end in one or two quotes of its own: """a"""".
			for i := 0; len(end) == 3 && i < 2 && s.peek() == end[0]; i++ {
				s.pos++
			}
			return
		default:
			s.advance()
		}
	}
}

// space skips blanks, and with newlines also line ends and comments.
func (s *lineScanner) space(newlines bool) {
	for s.pos < len(s.doc) {
		switch c := s.doc[s.pos]; {
		case c == ' ' || c == '\t' || c == '\r':
			s.pos++
		case newlines && c == '\n':
			s.advance()
		case newlines && c == '#':
			for s.pos < len(s.doc) && s.doc[s.pos] != '\n' {
				s.pos++
			}
		default:
			return
		}
	}
}

// skipLine moves to the start of the next line.
func (s *lineScanner) skipLine() {
	for s.pos < len(s.doc) && s.doc[s.pos] != '\n' {
		s.pos++
	}
	s.advance()
}

func (s *lineScanner) advance() {
	if s.pos < len(s.doc) {
		if s.doc[s.pos] == '\n' {
			s.line++
		}
		s.pos++
	}
}

func (s *lineScanner) peek() byte {
	if s.pos < len(s.doc) {
		return s.doc[s.pos]
	}
	return 0
}

// note keeps the first line a field appears on.
func (s *lineScanner) note(field string, line int) {
	if _, ok := s.lines[field]; !ok {
		s.lines[field] = line
	}
}

// joinField names key in table the way problems name fields: "booking.max_open".
func joinField(table, key string) string {
	if !isBareKey(key) {
		key = strconv.Quote(key)
	}
	if table == "" {
		return key
	}
	return table + "." + key
}

func isBareKey(k string) bool {
	for i := range len(k) {
		if !isBareKeyByte(k[i]) {
			return false
		}
	}
	return k != ""
}

func isBareKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}
