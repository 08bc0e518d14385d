package flows

import (
	"strings"
)

// Free text between a client and their managers crosses the language barrier by machine
// translation when the town runs an engine (DESIGN §10). flows decides what is translated and
// what follows from a translation; the edge asks the engine, outside the chat queues, so
// that no original waits for a translation longer than the town's timeout. A text to
// translate waits in the outbox as an OutTranslate message, and only there, until it is done.

// Translator is what flows needs to know of the town's engine.
type Translator interface {
	// Name names the engine in the privacy notice, e.g. "DeepL API".
	Name() string
	// Ready reports whether the engine said which languages it has; until then nothing is
	// translated.
	Ready() bool
	// Pair reports whether the engine translates from one language option to another.
	Pair(from, to string) bool
}

// Directions of a translation.
const (
	TranslateIn     = "in"     // a client's text for a manager: follows the copy, replying to it
	TranslateOut    = "out"    // a manager's text for a client: the translation is the message
	TranslateFollow = "follow" // a manager's text went out as written; its translation follows
	TranslatePlan   = "plan"   // a manager's own words in a client's plan: kept in the plan
	// TranslateActivity is a group activity's title in the manager's own words: the
	// invitation goes out with it.
	TranslateActivity = "activity"
)

// TranslateJob is a text to translate and whom it is for.
type TranslateJob struct {
	Dir  string `json:"dir"`
	Text string `json:"text"`
	From string `json:"from"` // language option the text is written in
	To   string `json:"to"`
	// Detect lets the engine find another language than From: a client may write German.
	Detect bool  `json:"detect,omitempty"`
	Client int64 `json:"client"`
	Staff  int64 `json:"staff"`
	// Message is the manager's message (out, follow): its 👍 and its corrections.
	Message    int  `json:"msg,omitempty"`
	Correction bool `json:"corr,omitempty"`
	// Activity is the group activity whose title it is (activity).
	Activity string `json:"activity,omitempty"`
}

// Outcome is what came of asking the engine.
type Outcome int

// The outcomes of a translation.
const (
	Translated   Outcome = iota + 1 // Text (and for out, Back) hold the translation
	AlreadyThere                    // the text is already in the target language
	Unavailable                     // the engine did not answer in time, or refused
	Changed                         // the translation changed a number, date, phone number or link
)

// TranslationResult is what the edge got from the engine for a job.
type TranslationResult struct {
	Outcome Outcome
	Text    string
	Back    string // for out: the translation back into the manager's language
	Source  string // the language option the engine found the text in, if it looked
}

// translates reports whether free text from one language option to another is translated
// for client c.
func (f *Flows) translates(c *Client, from, to string) bool {
	return f.mtOn(c) && from != to && f.Translator.Pair(from, to)
}

// mtOn reports whether the town translates and neither the client nor their manager turned
// it off for the case.
func (f *Flows) mtOn(c *Client) bool {
	return f.Translator != nil && f.Translator.Ready() && f.Config.Translation.On() && !c.NoTranslation && !c.TranslationOff
}

// untranslated is the prefix a manager puts before a text that is to go out as written.
const untranslated = "!"

// translateIn is what follows a copy of a client's text for recipient to: the job that
// brings its translation, or, once per case, the note that the engine lacks the language.
func (f *Flows) translateIn(tx StaffStore, c *Client, d *Delivery, to int64) []Outgoing {
	lang := f.staffLang(tx, to)
	if d.Text == "" || !f.mtOn(c) || c.Lang == lang {
		return nil
	}
	if !f.Translator.Pair(c.Lang, lang) {
		if c.MTMissingNoticed {
			return nil
		}
		c.MTMissingNoticed = true
		return []Outgoing{{Chat: to, Lang: lang, Kind: OutSend, ReplyToDelivered: true,
			Text: []Phrase{{ID: "TranslationMissing", Sub: map[string]Phrase{"Language": Literal(languageOwnName(c.Lang))}}}}}
	}
	return []Outgoing{{Chat: to, Lang: lang, Kind: OutTranslate, ReplyToDelivered: true,
		Translate: &TranslateJob{Dir: TranslateIn, Text: d.Text, From: c.Lang, To: lang, Detect: true, Client: c.ID, Staff: to}}}
}

// translateOut turns a manager's text (message msg of their chat) for client c into a
// translation job, if it is to be translated; ok is false for a text that goes out as it is.
func (f *Flows) translateOut(t *turn, c *Client, text string, msg int, correction bool) (o Outgoing, ok bool) {
	if text == "" || strings.HasPrefix(text, untranslated) || !f.translates(c, t.lang, c.Lang) {
		return Outgoing{}, false
	}
	return Outgoing{Kind: OutTranslate, Translate: &TranslateJob{Dir: TranslateOut, Text: text, From: t.lang, To: c.Lang,
		Client: c.ID, Staff: t.ev.UserID, Message: msg, Correction: correction}}, true
}

// asWritten is a manager's text as it goes to a client untranslated: without the prefix that
// asked for it.
func asWritten(text string) string {
	if rest, ok := strings.CutPrefix(text, untranslated); ok && strings.TrimSpace(rest) != "" {
		return strings.TrimSpace(rest)
	}
	return text
}

func languageOwnName(option string) string {
	l, _ := LookupLanguage(option)
	return l.Name
}

// Translated records what came of a translation job o, in the transaction that removes it
// from the outbox: the translation goes to its reader, or the original does with a note.
func (f *Flows) Translated(tx Tx, o Outgoing, r TranslationResult) error {
	job := o.Translate
	if job == nil {
		return nil
	}
	if job.Dir == TranslatePlan {
		return f.planTranslated(tx, job, r)
	}
	if job.Dir == TranslateActivity {
		return f.activityTranslated(tx, job, r)
	}
	c, err := tx.Client(job.Client)
	if isNotFound(err) {
		return nil // erased meanwhile: no trace
	}
	if err != nil {
		return err
	}
	staffLang := f.staffLang(tx, job.Staff)
	note := func(id string) error {
		return tx.Send(Outgoing{Chat: job.Staff, Lang: staffLang, Kind: OutSend, ReplyTo: job.Message,
			Text: []Phrase{Msg(id, "Case", c.CaseLabel())}})
	}
	switch job.Dir {
	case TranslateIn:
		reply := func(p ...Phrase) error {
			return tx.Send(Outgoing{Chat: o.Chat, Lang: staffLang, Kind: OutSend, ReplyTo: o.ReplyTo, Text: p, Relay: &RelayRef{Client: c.ID}})
		}
		switch r.Outcome {
		case Translated:
			source := job.From
			if r.Source != "" {
				source = r.Source
			}
			if err := f.count(tx, f.Now(), c.ID, statTranslated+source); err != nil {
				return err
			}
			return reply(Phrase{ID: "TranslationFrom", Sub: map[string]Phrase{"Language": LanguageName(source)}}, Literal(r.Text))
		case Unavailable:
			return reply(Msg("TranslationUnavailable"))
		case Changed:
			return reply(Msg("TranslationChanged"))
		}
		return nil
	case TranslateOut:
		if r.Outcome == Translated {
			if err := f.count(tx, f.Now(), c.ID, statTranslated+job.To); err != nil {
				return err
			}
			text := []Phrase{Literal(r.Text), {ID: "TranslationOriginal", Sub: map[string]Phrase{"Language": LanguageName(job.From)}}}
			if job.Correction {
				text = append([]Phrase{Msg("TranslationCorrection")}, text...)
			}
			shown := Outgoing{Chat: job.Staff, Lang: staffLang, Kind: OutSend, ReplyTo: job.Message,
				Text: []Phrase{
					{ID: "TranslationSent", Args: map[string]string{"Case": c.CaseLabel()}, Sub: map[string]Phrase{"Language": LanguageName(job.To)}},
					Literal(r.Text),
					{ID: "TranslationBack", Sub: map[string]Phrase{"Language": LanguageName(job.From)}},
					Literal(r.Back),
				},
				Buttons: [][]Button{{{Label: Msg("TranslationCorrect"), Data: Data(ActCorrect, itoa(c.Case))}}}}
			return tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: text, Quote: job.Text,
				Then: append(o.Then, shown), Else: o.Else})
		}
		// The original goes out as written, now; the translation follows when it comes.
		original := Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: []Phrase{Literal(job.Text)}, Then: o.Then, Else: o.Else}
		if job.Correction {
			original.Text = append([]Phrase{Msg("TranslationCorrection")}, original.Text...)
		}
		if r.Outcome == Unavailable {
			follow := *job
			follow.Dir = TranslateFollow
			original.Then = append(original.Then, Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutTranslate, ReplyToDelivered: true, Translate: &follow})
			if err := note("TranslationLate"); err != nil {
				return err
			}
		} else if err := note("TranslationChangedOut"); err != nil {
			return err
		}
		return tx.Send(original)
	case TranslateFollow:
		if r.Outcome != Translated {
			return note("TranslationGaveUp")
		}
		if err := f.count(tx, f.Now(), c.ID, statTranslated+job.To); err != nil {
			return err
		}
		return tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, ReplyTo: o.ReplyTo,
			Text: []Phrase{Msg("TranslationFollows"), Literal(r.Text)}})
	}
	return nil
}

// correctButton lets a manager send a correction of a translated message: the prompt they
// reply to stands for the case, and what they reply reaches the client as a correction.
func (f *Flows) correctButton(t *turn, arg string) error {
	c, err := f.caseOf(t, arg)
	if err != nil || c == nil {
		return err
	}
	if err := t.answer(); err != nil {
		return err
	}
	return t.tx.Send(Outgoing{Chat: t.ev.UserID, Lang: t.lang, Kind: OutSend, ReplyTo: t.ev.MessageID,
		Text:  []Phrase{Msg("TranslationCorrectPrompt", "Case", c.CaseLabel())},
		Relay: &RelayRef{Client: c.ID, Correction: true}})
}

// switchTranslation handles "/translate K-0042 off|on": a manager turns machine translation
// off or on for a case.
func (f *Flows) switchTranslation(t *turn) error {
	label, setting, _ := strings.Cut(strings.TrimSpace(t.ev.Text), " ")
	setting = strings.ToLower(strings.TrimSpace(setting))
	if label == "" || (setting != "on" && setting != "off") {
		return t.showNew(screen{text: []Phrase{Msg("TranslationSwitchUsage")}})
	}
	c, err := f.caseOf(t, label)
	if err != nil || c == nil {
		return err
	}
	c.TranslationOff = setting == "off"
	if err := f.saveClient(t.tx, c); err != nil {
		return err
	}
	id := "TranslationSwitchedOn"
	if c.TranslationOff {
		id = "TranslationSwitchedOff"
	}
	return t.showNew(screen{text: []Phrase{Msg(id, "Case", c.CaseLabel())}})
}

// translationSetting says in /mydata what happens to the client's messages: "off" when the
// town translates nothing, else the engine and whether the client or their manager turned
// it off.
func (f *Flows) translationSetting(c *Client) string {
	name := f.engineName()
	switch {
	case name == "":
		return "off"
	case c.NoTranslation:
		return "off at your request (" + name + ")"
	case c.TranslationOff:
		return "off for your case by your integration manager (" + name + ")"
	}
	return "on: " + name
}
