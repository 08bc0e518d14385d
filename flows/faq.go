package flows

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"text/template"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// FAQSource is the language the FAQ is written in; every other language translates it.
const FAQSource = "de"

// Limits of FAQ content. Answers are meant to be read on a phone: the shipped ones stay under
// 700 characters, a town's own may be longer and are split into several messages.
const (
	maxAnswerRunes   = 3000
	maxQuestionRunes = 120
	maxTitleRunes    = 40
)

// FAQ is the content of "questions and answers": topics with questions, in every language,
// with the town's own changes applied. It is read-only once loaded.
type FAQ struct {
	Topics    []*Topic
	questions map[string]*Question
	topics    map[string]*Topic
	// texts holds each language's text of each entry, by catalog and entry key ("t:" + topic
	// id or "q:" + question id).
	texts    map[string]map[string]faqText
	fallback string // catalog used when a town's entry lacks a translation
	index    *searchIndex
}

// Topic is a group of questions, e.g. "work and Jobcenter".
type Topic struct {
	ID        string
	Questions []*Question
}

// Question is one question with its answer.
type Question struct {
	ID    string
	Topic *Topic
}

type faqText struct {
	Title    string // topics
	Question string
	Keywords string
	Answer   string
}

// faqFile is the shape of an FAQ file: the shipped locales/faq/<lang>.toml and a town's own
// <faq_dir>/<lang>.toml alike.
type faqFile struct {
	Topics []struct {
		ID    string `toml:"id"`
		Title string `toml:"title"`
	} `toml:"topics"`
	Questions []struct {
		ID       string `toml:"id"`
		Topic    string `toml:"topic"`
		Question string `toml:"question"`
		Keywords string `toml:"keywords"`
		Answer   string `toml:"answer"`
	} `toml:"questions"`
}

var faqID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,23}$`)

// LoadFAQ reads the shipped content from shipped (files <catalog>.toml) and the town's own
// files from dir ("" for none), and checks them. The error lists every problem, naming file and
// entry; content with problems is never used.
func LoadFAQ(shipped fs.FS, dir string, cfg *Config) (*FAQ, error) {
	f := &FAQ{
		questions: map[string]*Question{},
		topics:    map[string]*Topic{},
		texts:     map[string]map[string]faqText{},
	}
	fallback, _ := LookupLanguage(cfg.FallbackLanguage)
	f.fallback = fallback.Catalog
	var problems []string
	for _, catalog := range Catalogs() {
		name := "locales/faq/" + catalog + ".toml"
		data, err := fs.ReadFile(shipped, catalog+".toml")
		if err != nil {
			problems = append(problems, name+": missing")
			continue
		}
		problems = append(problems, f.merge(name, catalog, data, catalog == FAQSource)...)
	}
	problems = append(problems, f.shippedComplete()...)
	if dir != "" {
		problems = append(problems, f.mergeDir(dir, func(name, catalog string, data []byte) []string {
			return f.merge(name, catalog, data, true)
		})...)
	}
	for _, m := range cfg.Communes {
		if dir := cfg.communeFAQPath(m); dir != "" {
			problems = append(problems, f.mergeDir(dir, func(name, catalog string, data []byte) []string {
				return f.mergeCommune(name, catalog, m.ID, data)
			})...)
		}
	}
	problems = append(problems, f.check()...)
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	f.index = newSearchIndex(f)
	return f, nil
}

// mergeDir applies the files <catalog>.toml in dir, a town's own or a commune's, with apply.
func (f *FAQ) mergeDir(dir string, apply func(name, catalog string, data []byte) []string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", dir, err)}
	}
	var problems []string
	for _, e := range entries {
		name := filepath.Join(dir, e.Name())
		catalog, isTOML := strings.CutSuffix(e.Name(), ".toml")
		if e.IsDir() || !isTOML {
			continue
		}
		if !slices.Contains(Catalogs(), catalog) {
			problems = append(problems, fmt.Sprintf("%s: unknown language %q (files are named after a catalog: %s.toml …)", name, catalog, strings.Join(Catalogs(), ".toml, ")))
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		problems = append(problems, apply(name, catalog, data)...)
	}
	return problems
}

// decodeFAQ reads one FAQ file; ok is false when it cannot be read at all. problems names
// fields the file has that an FAQ file does not.
func decodeFAQ(name string, data []byte) (file faqFile, problems []string, ok bool) {
	md, err := toml.Decode(string(data), &file)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return file, []string{fmt.Sprintf("%s:%d: %s", name, perr.Position.Line, perr.Message)}, false
		}
		return file, []string{fmt.Sprintf("%s: %v", name, err)}, false
	}
	for _, k := range md.Undecoded() {
		problems = append(problems, fmt.Sprintf("%s: unknown field %q", name, k.String()))
	}
	return file, problems, true
}

// communeKey is the key of commune's own answer to question id.
func communeKey(id, commune string) string { return "q:" + id + "@" + commune }

// mergeCommune adds one file of a commune's own answers: answers to questions the FAQ has,
// which the commune's clients read in that language instead of the county's.
func (f *FAQ) mergeCommune(name, catalog, commune string, data []byte) []string {
	file, problems, ok := decodeFAQ(name, data)
	if !ok {
		return problems
	}
	if len(file.Topics) > 0 {
		problems = append(problems, name+": topics: a commune's files give answers only; topics and questions belong in the county's faq_dir")
	}
	texts := f.texts[catalog]
	if texts == nil {
		texts = map[string]faqText{}
		f.texts[catalog] = texts
	}
	for i, q := range file.Questions {
		where := fmt.Sprintf("%s: questions[%d] %q", name, i, q.ID)
		if _, known := f.questions[q.ID]; !known {
			problems = append(problems, where+": unknown question (a commune answers the FAQ's questions in its own way)")
			continue
		}
		if q.Topic != "" || q.Question != "" || q.Keywords != "" {
			problems = append(problems, where+": a commune's files give the answer only")
			continue
		}
		if strings.TrimSpace(q.Answer) == "" {
			problems = append(problems, where+": answer is missing")
			continue
		}
		if problem := checkAnswer(q.Answer); problem != "" {
			problems = append(problems, where+": "+problem)
			continue
		}
		texts[communeKey(q.ID, commune)] = faqText{Answer: strings.TrimSpace(q.Answer)}
	}
	return problems
}

// merge adds one file's entries. Only the source language and a town's files may add topics
// and questions; shipped translations may only translate.
func (f *FAQ) merge(name, catalog string, data []byte, mayAdd bool) []string {
	file, problems, ok := decodeFAQ(name, data)
	if !ok {
		return problems
	}
	texts := f.texts[catalog]
	if texts == nil {
		texts = map[string]faqText{}
		f.texts[catalog] = texts
	}
	for i, t := range file.Topics {
		where := fmt.Sprintf("%s: topics[%d] %q", name, i, t.ID)
		if !faqID.MatchString(t.ID) {
			problems = append(problems, where+": id must be 1–24 characters of a-z, 0-9 and -")
			continue
		}
		if _, known := f.topics[t.ID]; !known {
			if !mayAdd {
				problems = append(problems, where+": unknown topic (not in the German source)")
				continue
			}
			topic := &Topic{ID: t.ID}
			f.topics[t.ID] = topic
			f.Topics = append(f.Topics, topic)
		}
		if n := utf8.RuneCountInString(t.Title); n > maxTitleRunes {
			problems = append(problems, fmt.Sprintf("%s: the title has %d characters, at most %d fit a button", where, n, maxTitleRunes))
		}
		text := texts["t:"+t.ID]
		if t.Title != "" {
			text.Title = t.Title
		}
		texts["t:"+t.ID] = text
	}
	for i, q := range file.Questions {
		where := fmt.Sprintf("%s: questions[%d] %q", name, i, q.ID)
		if !faqID.MatchString(q.ID) {
			problems = append(problems, where+": id must be 1–24 characters of a-z, 0-9 and -")
			continue
		}
		question, known := f.questions[q.ID]
		switch {
		case !known && !mayAdd:
			problems = append(problems, where+": unknown question (not in the German source)")
			continue
		case !known:
			topic, ok := f.topics[q.Topic]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: unknown topic %q", where, q.Topic))
				continue
			}
			question = &Question{ID: q.ID, Topic: topic}
			f.questions[q.ID] = question
			topic.Questions = append(topic.Questions, question)
		case q.Topic != "" && q.Topic != question.Topic.ID:
			problems = append(problems, fmt.Sprintf("%s: topic %q, but the question belongs to %q", where, q.Topic, question.Topic.ID))
			continue
		}
		if problem := checkAnswer(q.Answer); problem != "" {
			problems = append(problems, where+": "+problem)
			continue
		}
		if n := utf8.RuneCountInString(q.Question); n > maxQuestionRunes {
			problems = append(problems, fmt.Sprintf("%s: the question has %d characters, at most %d", where, n, maxQuestionRunes))
		}
		text := texts["q:"+q.ID]
		if q.Question != "" {
			text.Question = q.Question
		}
		if q.Keywords != "" {
			text.Keywords = q.Keywords
		}
		if q.Answer != "" {
			text.Answer = strings.TrimSpace(q.Answer)
		}
		texts["q:"+q.ID] = text
	}
	return problems
}

// shippedComplete proves that the shipped translations have every entry of the source: a
// refugee reading Tigrinya must not get a German answer because a translation was lost.
func (f *FAQ) shippedComplete() []string {
	var problems []string
	for _, catalog := range Catalogs() {
		for _, topic := range f.Topics {
			if f.texts[catalog]["t:"+topic.ID].Title == "" {
				problems = append(problems, fmt.Sprintf("locales/faq/%s.toml: topic %q has no title", catalog, topic.ID))
			}
			for _, q := range topic.Questions {
				if t := f.texts[catalog]["q:"+q.ID]; t.Question == "" || t.Answer == "" || t.Keywords == "" {
					problems = append(problems, fmt.Sprintf("locales/faq/%s.toml: question %q lacks its question, keywords or answer", catalog, q.ID))
				}
			}
		}
	}
	return problems
}

// check proves that every entry can be shown in every language; merge already checked each
// text against the limits and the known values.
func (f *FAQ) check() []string {
	var problems []string
	for _, catalog := range Catalogs() {
		for _, topic := range f.Topics {
			if f.text(catalog, "t:"+topic.ID).Title == "" {
				problems = append(problems, fmt.Sprintf("topic %q has no title in %s nor in the fallback language %s", topic.ID, catalog, f.fallback))
			}
			if len(topic.Questions) == 0 {
				problems = append(problems, fmt.Sprintf("topic %q has no questions", topic.ID))
			}
			for _, q := range topic.Questions {
				if t := f.text(catalog, "q:"+q.ID); t.Question == "" || t.Answer == "" {
					problems = append(problems, fmt.Sprintf("question %q has no question or answer in %s nor in the fallback language %s", q.ID, catalog, f.fallback))
				}
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// checkAnswer returns what is wrong with an answer's text, or "".
func checkAnswer(answer string) string {
	if n := utf8.RuneCountInString(strings.TrimSpace(answer)); n > maxAnswerRunes {
		return fmt.Sprintf("the answer has %d characters, at most %d", n, maxAnswerRunes)
	}
	if err := checkTemplate(answer); err != nil {
		return "the answer: " + err.Error()
	}
	return ""
}

// text returns an entry's text in catalog, each field falling back to the town's fallback
// language and then to the German source.
func (f *FAQ) text(catalog, key string) faqText {
	t := f.texts[catalog][key]
	for _, other := range []string{f.fallback, FAQSource} {
		o := f.texts[other][key]
		if t.Title == "" {
			t.Title = o.Title
		}
		if t.Question == "" {
			t.Question = o.Question
		}
		if t.Answer == "" {
			t.Answer = o.Answer
		}
	}
	return t
}

// Question returns the question with the given id.
func (f *FAQ) Question(id string) (*Question, bool) {
	q, ok := f.questions[id]
	return q, ok
}

// Topic returns the topic with the given id.
func (f *FAQ) Topic(id string) (*Topic, bool) {
	t, ok := f.topics[id]
	return t, ok
}

// TopicTitle returns a topic's title in a language option.
func (f *FAQ) TopicTitle(lang, id string) string { return f.text(catalogOf(lang), "t:"+id).Title }

// QuestionText returns a question in a language option.
func (f *FAQ) QuestionText(lang, id string) string {
	return f.text(catalogOf(lang), "q:"+id).Question
}

// Places lists the kinds of local places (LocalPlaces) an answer names, in the German
// source: the same in every language.
func (f *FAQ) Places(id string) []string {
	answer := f.text(FAQSource, "q:"+id).Answer
	var kinds []string
	for _, kind := range LocalPlaces {
		if strings.Contains(answer, "{{."+kind+".") {
			kinds = append(kinds, kind)
		}
	}
	return kinds
}

// Answer returns an answer in a language option, with local values filled in by fill. Each
// line is filled on its own; a line naming a value the town does not have is left out, so
// no answer shows a placeholder.
func (f *FAQ) Answer(lang, id string, values map[string]any) string {
	return f.AnswerIn(lang, id, "", values)
}

// AnswerIn is Answer for a client of commune: the commune's own answer where it gave one in
// that language, else the county's.
func (f *FAQ) AnswerIn(lang, id, commune string, values map[string]any) string {
	answer := f.texts[catalogOf(lang)][communeKey(id, commune)].Answer
	if commune == "" || answer == "" {
		answer = f.text(catalogOf(lang), "q:"+id).Answer
	}
	var out []string
	for _, line := range strings.Split(answer, "\n") {
		if !strings.Contains(line, "{{") {
			out = append(out, line)
			continue
		}
		filled, ok := fillLine(line, values)
		if ok {
			out = append(out, filled)
		}
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// fillLine executes one line's template; ok is false when a value is missing or empty.
func fillLine(line string, values map[string]any) (string, bool) {
	t, err := template.New("").Option("missingkey=error").Parse(line)
	if err != nil {
		return "", false
	}
	var b bytes.Buffer
	if err := t.Execute(&b, values); err != nil {
		return "", false
	}
	if strings.Contains(b.String(), "<no value>") {
		return "", false
	}
	return b.String(), true
}

// templateName matches {{.name}} and {{.place.field}}.
var templateName = regexp.MustCompile(`\{\{\s*\.([a-z_]+)(?:\.([a-z_]+))?\s*\}\}`)

// checkTemplate reports a template that does not parse or names an unknown value.
func checkTemplate(answer string) error {
	for _, line := range strings.Split(answer, "\n") {
		if !strings.Contains(line, "{{") {
			continue
		}
		if _, err := template.New("").Parse(line); err != nil {
			return fmt.Errorf("broken template in %q: %v", line, err)
		}
		rest := templateName.ReplaceAllStringFunc(line, func(m string) string {
			parts := templateName.FindStringSubmatch(m)
			if knownValue(parts[1], parts[2]) {
				return ""
			}
			return m
		})
		if i := strings.Index(rest, "{{"); i >= 0 {
			end := strings.Index(rest[i:], "}}")
			if end < 0 {
				end = len(rest) - i - 2
			}
			return fmt.Errorf("unknown value %s (known: {{.town}}, {{.office.name}}, {{.office.address}}, {{.office_hours}}, {{.<place>.name|address|phone|url}} with a place from %s)", rest[i:i+end+2], strings.Join(LocalPlaces, ", "))
		}
	}
	return nil
}

func knownValue(name, field string) bool {
	switch {
	case field == "":
		return name == "town" || name == "office_hours"
	case name == "office":
		return field == "name" || field == "address"
	default:
		return slices.Contains(LocalPlaces, name) && slices.Contains([]string{"name", "address", "phone", "url"}, field)
	}
}

func catalogOf(lang string) string {
	if l, ok := LookupLanguage(lang); ok {
		return l.Catalog
	}
	return "en"
}

// FAQStore holds the FAQ in use and swaps it when the town's files change: a broken change
// is rejected and the last good content stays.
type FAQStore struct {
	current atomic.Pointer[FAQ]
}

// NewFAQStore returns a store serving f.
func NewFAQStore(f *FAQ) *FAQStore {
	s := &FAQStore{}
	s.current.Store(f)
	return s
}

// Get returns the FAQ in use.
func (s *FAQStore) Get() *FAQ { return s.current.Load() }

// Set replaces the FAQ in use.
func (s *FAQStore) Set(f *FAQ) { s.current.Store(f) }
