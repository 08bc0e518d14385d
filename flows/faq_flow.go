package flows

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// searchResults is how many answers a search offers.
const searchResults = 3

// faqButton handles the FAQ's buttons. ok is false for an FAQ entry that does not exist
// (any more): the town may have removed it, or the data is forged.
func (f *Flows) faqButton(t *turn, c *Client, a Action) (handled bool, err error) {
	faq := f.FAQ.Get()
	switch a.Name {
	case ActFAQ:
		c.Step = StepFAQ
		return true, t.show(f.faqTopics())
	case ActTopic:
		topic, ok := faq.Topic(a.Arg)
		if !ok {
			return false, nil
		}
		c.Step = StepFAQ
		return true, t.show(f.faqTopic(topic))
	case ActQuestion:
		q, ok := faq.Question(a.Arg)
		if !ok {
			return false, nil
		}
		c.Step = StepFAQ
		if t.reshow {
			// The same answer in another language was counted when it was read.
			return true, t.show(f.faqAnswer(c, q))
		}
		if err := t.tx.CountView(q.ID, t.lang); err != nil {
			return true, err
		}
		return true, t.show(f.faqAnswer(c, q))
	case ActAsk:
		q, ok := faq.Question(a.Arg)
		if !ok || !c.Consented() {
			return false, nil
		}
		c.Step, c.Topic = StepMenu, q.Topic.ID
		return true, t.show(f.faqAsk(q))
	}
	return false, nil
}

// faqTopics lists the topics.
func (f *Flows) faqTopics() screen {
	s := screen{text: []Phrase{Msg("FaqTopics")}}
	for _, topic := range f.FAQ.Get().Topics {
		s.buttons = append(s.buttons, []Button{{Label: Content(PhraseTopic, topic.ID), Data: Data(ActTopic, topic.ID)}})
	}
	s.buttons = append(s.buttons, []Button{backButton()})
	return s
}

// faqTopic lists a topic's questions.
func (f *Flows) faqTopic(topic *Topic) screen {
	s := screen{text: []Phrase{Content(PhraseTopic, topic.ID), Msg("FaqChooseQuestion")}}
	for _, q := range topic.Questions {
		s.buttons = append(s.buttons, []Button{{Label: Content(PhraseQuestion, q.ID), Data: Data(ActQuestion, q.ID)}})
	}
	s.buttons = append(s.buttons, []Button{{Label: Msg("FaqAllTopics"), Data: Data(ActFAQ)}, backButton()})
	return s
}

// faqAnswer shows a question and its answer, with the way on: to the manager (for clients
// who consented to being put in touch), back to the topic, home.
func (f *Flows) faqAnswer(c *Client, q *Question) screen {
	s := screen{text: []Phrase{Content(PhraseQuestion, q.ID), f.answer(c, q.ID)}}
	// The services of the kinds the answer names, to open their card: hours, map, languages.
	for _, svc := range f.answerServices(c, q.ID) {
		s.buttons = append(s.buttons, []Button{{Label: Literal("📍 " + svc.Name), Data: Data(ActService, svc.ID)}})
	}
	if c.Consented() {
		s.buttons = append(s.buttons, []Button{{Label: Msg("FaqAskManager"), Data: Data(ActAsk, q.ID)}})
	}
	s.buttons = append(s.buttons, []Button{{Label: Msg("FaqBack"), Data: Data(ActTopic, q.Topic.ID)}, backButton()})
	return s
}

// faqAsk invites a client to write to their manager about a question; the header of what
// they write names the question's topic.
func (f *Flows) faqAsk(q *Question) screen {
	text := []Phrase{{ID: "WriteAbout", Sub: map[string]Phrase{"Question": Content(PhraseQuestion, q.ID)}}}
	return screen{text: text, buttons: [][]Button{{{Label: Msg("FaqBack"), Data: Data(ActQuestion, q.ID)}, backButton()}}}
}

// faqSearch offers the answers that best match the client's words.
func (f *Flows) faqSearch(t *turn, c *Client, words string) error {
	c.Step = StepFAQ
	found := f.FAQ.Get().Search(t.lang, words, searchResults)
	if len(found) == 0 {
		return t.show(f.faqTopics().after(Msg("FaqNoResults")))
	}
	s := screen{text: []Phrase{Msg("FaqResults")}}
	for _, q := range found {
		s.buttons = append(s.buttons, []Button{{Label: Content(PhraseQuestion, q.ID), Data: Data(ActQuestion, q.ID)}})
	}
	s.buttons = append(s.buttons, []Button{{Label: Msg("FaqAllTopics"), Data: Data(ActFAQ)}, backButton()})
	return t.show(s)
}

// faqStats shows admins how often each answer was read, in total and by language. No person
// is counted, only answers.
func (f *Flows) faqStats(t *turn) error {
	views, err := t.tx.Views()
	if err != nil {
		return err
	}
	type row struct {
		id    string
		count int
	}
	var rows []row
	total := 0
	byLang := map[string]int{}
	faq := f.FAQ.Get()
	for id, langs := range views {
		n := 0
		for lang, c := range langs {
			n += c
			byLang[lang] += c
		}
		total += n
		if _, ok := faq.Question(id); ok {
			rows = append(rows, row{id, n})
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].count != rows[j].count {
			return rows[i].count > rows[j].count
		}
		return rows[i].id < rows[j].id
	})
	text := []Phrase{Plural("StatsFaqTitle", total)}
	if len(rows) > 0 {
		var lines []Phrase
		for _, r := range rows[:min(len(rows), 20)] {
			lines = append(lines, Join("", Literal(fmt.Sprintf("%d × ", r.count)), Content(PhraseQuestion, r.id)))
		}
		text = append(text, Join("\n", append([]Phrase{Msg("StatsFaqTop")}, lines...)...))
		var langs []string
		for lang := range byLang {
			langs = append(langs, lang)
		}
		slices.SortFunc(langs, func(a, b string) int { return byLang[b] - byLang[a] })
		var parts []string
		for _, lang := range langs {
			parts = append(parts, fmt.Sprintf("%s %d", lang, byLang[lang]))
		}
		text = append(text, Join("\n", Msg("StatsFaqByLanguage"), Literal(strings.Join(parts, " · "))))
	}
	return t.show(screen{text: text})
}
