package flows

import (
	"cmp"
	"encoding"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// ConfigError is everything wrong with a configuration file: every problem, each naming the
// file, the line and the field, in the order of the file; and the warnings found on the way.
type ConfigError struct {
	Problems []string
	Warnings []string
}

func (e *ConfigError) Error() string { return strings.Join(e.Problems, "\n") }

// configProblem is a problem or warning before it is placed: the field it is about ("" for
// the file as a whole), which decides its line, and its text.
type configProblem struct {
	field string
	text  string
}

// configDecoder fits the parsed TOML tree of a configuration to the Config type. The TOML
// library stops at the first value of the wrong type and names neither its line nor its
// entry; this checks every value first, notes each misfit as a problem like any other, and
// repairs or drops it so that decoding and validation go on and find the rest.
type configDecoder struct {
	lines    map[string]int
	problems []configProblem
	// covered are fields whose validation problems would only repeat a problem already
	// noted: a value of the wrong type, or a field missing because its name has a typo.
	covered map[string]bool
	// changed is set when the tree no longer says what the document says.
	changed bool
}

func newConfigDecoder(doc string) *configDecoder {
	return &configDecoder{lines: configLines(doc), covered: map[string]bool{}}
}

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	tomlUnmarshalerType = reflect.TypeFor[toml.Unmarshaler]()
	primitiveType       = reflect.TypeFor[toml.Primitive]()
	durationType        = reflect.TypeFor[time.Duration]() // also "1h30m"
)

// fit checks that v, found at field, fits a Go value of type t, and notes every field that
// does not. It returns the value to decode: v, v repaired (a number written in quotes), or
// false when v cannot be used at all.
func (d *configDecoder) fit(field string, v any, t reflect.Type) (any, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) || reflect.PointerTo(t).Implements(tomlUnmarshalerType) ||
		t == primitiveType || t == durationType {
		return v, true // the library decodes these its own way and reports what it refuses
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return d.misfit(field, v, t)
		}
		fields := tomlFields(t)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			f := joinField(field, k)
			ft, known := fields[k]
			if !known {
				d.unknown(f, k, slices.Sorted(maps.Keys(fields)))
				continue
			}
			d.set(m, k, f, ft)
		}
		return m, true
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			return d.misfit(field, v, t)
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			d.set(m, k, joinField(field, k), t.Elem())
		}
		return m, true
	case reflect.Slice, reflect.Array:
		var items []any
		switch l := v.(type) {
		case []any:
			items = l
		case []map[string]any:
			for _, m := range l {
				items = append(items, m)
			}
		default:
			return d.misfit(field, v, t)
		}
		out := make([]any, len(items))
		for i, item := range items {
			fixed, ok := d.fit(fmt.Sprintf("%s[%d]", field, i+1), item, t.Elem())
			if !ok {
				// Keep the place, so that the entries after it keep their numbers.
				fixed = zeroValue(t.Elem())
			}
			out[i] = fixed
		}
		return out, true
	case reflect.String:
		if _, ok := v.(string); !ok {
			return d.misfit(field, v, t)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if _, ok := v.(int64); !ok {
			return d.misfit(field, v, t)
		}
	case reflect.Float32, reflect.Float64:
		switch v.(type) {
		case int64, float64:
		default:
			return d.misfit(field, v, t)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return d.misfit(field, v, t)
		}
	}
	return v, true
}

// set fits the value of key in table m to t, and replaces or removes it.
func (d *configDecoder) set(m map[string]any, key, field string, t reflect.Type) {
	if fixed, ok := d.fit(field, m[key], t); ok {
		m[key] = fixed
	} else {
		delete(m, key)
	}
}

// misfit notes that v at field is of the wrong kind, saying how to write it, and repairs what
// can be repaired without guessing: a number, date or time meant as text, a number or
// true/false written in quotes.
func (d *configDecoder) misfit(field string, v any, t reflect.Type) (any, bool) {
	var msg string
	var fixed any
	switch t.Kind() {
	case reflect.String:
		if s, ok := scalarText(v); ok {
			msg, fixed = "must be text in quotes, like "+assignment(field, strconv.Quote(s)), s
		} else {
			msg = "must be text in quotes, not " + describe(v)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s, _ := v.(string)
		if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			msg, fixed = "must be a number without quotes, like "+assignment(field, strconv.FormatInt(n, 10)), n
		} else {
			msg = "must be a whole number, not " + describe(v)
		}
	case reflect.Float32, reflect.Float64:
		s, _ := v.(string)
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			msg, fixed = "must be a number without quotes, like "+assignment(field, strconv.FormatFloat(f, 'g', -1, 64)), f
		} else {
			msg = "must be a number, not " + describe(v)
		}
	case reflect.Bool:
		s, _ := v.(string)
		if b, err := strconv.ParseBool(strings.TrimSpace(s)); err == nil && (s == "true" || s == "false") {
			msg, fixed = "must be true or false without quotes, like "+assignment(field, s), b
		} else {
			msg = "must be true or false, not " + describe(v)
		}
	case reflect.Slice, reflect.Array:
		if _, ok := v.(map[string]any); ok && t.Elem().Kind() == reflect.Struct {
			msg = fmt.Sprintf("is a list: write [[%s]], in double brackets, above each entry", tomlKey(field))
		} else {
			example := "…"
			if s, ok := v.(string); ok {
				example = strconv.Quote(s)
			} else if s, ok := scalarText(v); ok {
				example = s
			}
			msg = "must be a list in square brackets, like " + assignment(field, "["+example+"]")
		}
	case reflect.Struct, reflect.Map:
		if strings.HasSuffix(field, "]") {
			msg = "must be a table of fields, not " + describe(v)
		} else {
			msg = fmt.Sprintf("must be a table: [%s] on a line of its own, its fields below it; not %s", tomlKey(field), describe(v))
		}
	default:
		msg = "cannot be " + describe(v)
	}
	d.problems = append(d.problems, configProblem{field, field + ": " + msg})
	d.covered[field] = true
	d.changed = true
	return fixed, fixed != nil
}

// unknown notes a key the configuration does not know, with the known one probably meant.
func (d *configDecoder) unknown(field, key string, known []string) {
	text := fmt.Sprintf("unknown field %q", tomlKey(field))
	if guess := closest(key, known); guess != "" {
		text += fmt.Sprintf(" (did you mean %q?)", guess)
		if meant := joinField(parentField(field), guess); !d.has(meant) {
			d.covered[meant] = true
		}
	}
	d.problems = append(d.problems, configProblem{field, text})
}

// add notes problems of the form "field: message" found by validation, leaving out those
// that only repeat a problem already noted.
func (d *configDecoder) add(problems []string) {
	for _, p := range problems {
		field, _, _ := strings.Cut(p, ": ")
		if !d.isCovered(field) {
			d.problems = append(d.problems, configProblem{field, p})
		}
	}
}

func (d *configDecoder) isCovered(field string) bool {
	for f := field; f != ""; f = parentField(f) {
		if d.covered[f] {
			return true
		}
	}
	return false
}

// has reports whether the document gives field.
func (d *configDecoder) has(field string) bool {
	_, ok := d.lines[field]
	return ok
}

// place gives each problem its file and line, the line of the field or else of the nearest
// table the document has around it, and orders them as the file does.
func (d *configDecoder) place(name string, problems []configProblem, prefix string) []string {
	placed := make([]struct {
		line int
		text string
	}, len(problems))
	for i, p := range problems {
		placed[i].line = d.lineOf(p.field)
		where := name + ": "
		if placed[i].line > 0 {
			where = fmt.Sprintf("%s:%d: ", name, placed[i].line)
		}
		placed[i].text = where + prefix + p.text
	}
	slices.SortStableFunc(placed, func(a, b struct {
		line int
		text string
	}) int {
		return cmp.Compare(a.line, b.line)
	})
	var out []string
	for _, p := range placed {
		out = append(out, p.text)
	}
	return out
}

func (d *configDecoder) lineOf(field string) int {
	for f := field; f != ""; f = parentField(f) {
		if line, ok := d.lines[f]; ok {
			return line
		}
	}
	return 0
}

// decode fills c from the document, or from the tree when fit had to change it.
func (d *configDecoder) decode(doc string, tree map[string]any, c *Config) error {
	if d.changed {
		var b strings.Builder
		if err := toml.NewEncoder(&b).Encode(tree); err != nil {
			return err
		}
		doc = b.String()
	}
	_, err := toml.Decode(doc, c)
	return err
}

// syntaxProblem names the line of a document the TOML library could not read.
func syntaxProblem(name string, err error) string {
	var perr toml.ParseError
	if errors.As(err, &perr) {
		return fmt.Sprintf("%s:%d: %s", name, perr.Position.Line, perr.Message)
	}
	return fmt.Sprintf("%s: %v", name, err)
}

// tomlFields are the keys of a struct type with the types of their fields; like the library,
// it takes the fields of an embedded struct without a key as its own.
func tomlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			maps.Copy(fields, tomlFields(f.Type))
		case f.IsExported():
			fields[cmp.Or(name, f.Name)] = f.Type
		}
	}
	return fields
}

// zeroValue is how an empty value of type t looks in a TOML tree.
func zeroValue(t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(0)
	case reflect.Float32, reflect.Float64:
		return 0.0
	case reflect.Bool:
		return false
	case reflect.Struct, reflect.Map:
		return map[string]any{}
	case reflect.Slice, reflect.Array:
		return []any{}
	}
	return ""
}

// describe names a TOML value for a person.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		if r := []rune(v); len(r) > 40 {
			v = string(r[:40]) + "…"
		}
		return fmt.Sprintf("the text %q", v)
	case int64, float64:
		return fmt.Sprintf("the number %v", v)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return "the date or time " + tomlTime(v)
	case []any, []map[string]any:
		return "a list"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprint(v)
}

// scalarText is a number, true/false, date or time as the document wrote it.
func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	case time.Time:
		return tomlTime(v), true
	}
	return "", false
}

// tomlTime writes a TOML date or time the way a configuration would; the library marks the
// kind by the location's name.
func tomlTime(t time.Time) string {
	switch t.Location().String() {
	case "date-local":
		return t.Format("2006-01-02")
	case "time-local":
		if t.Second() == 0 && t.Nanosecond() == 0 {
			return t.Format("15:04")
		}
		return t.Format("15:04:05")
	case "datetime-local":
		return t.Format("2006-01-02T15:04:05")
	}
	return t.Format(time.RFC3339)
}

// assignment is how a value is written for field: "telegram_id = 900103", or the bare value
// for an entry of a list.
func assignment(field, value string) string {
	if strings.HasSuffix(field, "]") {
		return value
	}
	return field[strings.LastIndex(field, ".")+1:] + " = " + value
}

var entryNumbers = regexp.MustCompile(`\[[0-9]+\]`)

// tomlKey is a field as the document's keys and headers write it: "managers.name" for
// "managers[2].name".
func tomlKey(field string) string {
	return entryNumbers.ReplaceAllString(field, "")
}

// parentField is the table or list field is in: "managers[2]" for "managers[2].name",
// "managers" for "managers[2]", "" at the top.
func parentField(field string) string {
	if strings.HasSuffix(field, "]") {
		if i := strings.LastIndex(field, "["); i > 0 {
			return field[:i]
		}
	}
	if i := strings.LastIndex(field, "."); i >= 0 {
		return field[:i]
	}
	return ""
}

// closest is the word of known that word probably meant, or "".
func closest(word string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(word), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}
