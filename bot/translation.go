package bot

import (
	"context"
	"errors"
	"time"

	"github.com/lotse-bot/lotse/flows"
)

// Translator is the town's translation engine as the sender uses it; main wires the
// LibreTranslate or DeepL adapter behind it. Languages are Lotse's language options.
type Translator interface {
	// Translate returns text, written in language from ("" lets the engine find it), in
	// language to.
	Translate(ctx context.Context, text, from, to string) (Translation, error)
	// Check reports an error when translated lost or changed a number, date, phone number,
	// link or case label of original.
	Check(original, translated string) error
}

// Translation is an engine's answer.
type Translation struct {
	Text string
	// Source is the language option the engine found the text in, when it was asked to
	// look; Confidence how sure it is, 0 when it does not say.
	Source     string
	Confidence float64
}

// TemporaryError is implemented by engine errors that may go away on their own: a time-out,
// 429, a server error.
type TemporaryError interface{ Temporary() bool }

// Translation settings of the sender.
const (
	// maxTranslating bounds the engine calls under way at once.
	maxTranslating = 8
	// detectConfidence is how sure the engine must be of the language a client wrote in
	// before Lotse believes it over the client's own.
	detectConfidence = 0.8
	// translationPatience is how long a translation that follows its original (a client's
	// message under its copy, a manager's text sent as written) is tried before a note says
	// it is not available; shorter than LOTSE_OUTBOX_STUCK's default, so that an engine
	// that is down does not make Lotse look stuck.
	translationPatience = 4 * time.Minute
)

// translate runs a translation job beside the chat queues, so that no message waits for an
// engine, and records what came of it in the transaction that removes the job.
func (s *Sender) translate(e OutboxEntry) {
	defer s.wg.Done()
	s.translating <- struct{}{}
	defer func() { <-s.translating }()
	start := time.Now()
	r, ok := s.runJob(e.Out.Translate)
	if !ok {
		return // the sender stops; the job waits in the outbox
	}
	s.metrics.Translations.WithLabelValues(e.Out.Translate.Dir, outcomeName(r.Outcome)).Inc()
	s.metrics.TranslationSeconds.Observe(time.Since(start).Seconds())
	next, err := s.db.Settle([]OutboxEntry{e}, func(tx flows.Tx, e OutboxEntry) error {
		return s.flows.Translated(tx, e.Out, r)
	})
	if err != nil {
		s.log.Error("recording a translation failed", "chat", e.Out.Chat, "err", err)
		return
	}
	s.Push(next...)
}

// runJob asks the engine for a job's translation. A manager's text for a client gets one try
// within the town's time-out, so that the original is not held up; a translation that
// follows its original is tried again for a while. ok is false when the sender stops first.
func (s *Sender) runJob(job *flows.TranslateJob) (r flows.TranslationResult, ok bool) {
	if s.translator == nil || job == nil {
		return flows.TranslationResult{Outcome: flows.Unavailable}, true
	}
	deadline := time.Now()
	if job.Dir != flows.TranslateOut {
		deadline = deadline.Add(translationPatience)
	}
	backoff := time.Second
	for {
		r, err := s.translateOnce(job)
		if err == nil {
			return r, true
		}
		var tmp TemporaryError
		temporary := errors.As(err, &tmp) && tmp.Temporary() || errors.Is(err, context.DeadlineExceeded)
		s.log.Warn("translation failed", "dir", job.Dir, "from", job.From, "to", job.To, "err", err)
		if !temporary || time.Now().Add(backoff).After(deadline) {
			return flows.TranslationResult{Outcome: flows.Unavailable}, true
		}
		select {
		case <-s.ctx.Done():
			return r, false
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Minute)
	}
}

// translateOnce makes the engine calls of one try: the translation (for a client's text,
// from the language the engine finds, when it is sure of it), and for a manager's text the
// translation back.
func (s *Sender) translateOnce(job *flows.TranslateJob) (flows.TranslationResult, error) {
	translate := func(text, from, to string) (t Translation, err error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), s.translationTimeout)
		defer cancel()
		return s.translator.Translate(ctx, text, from, to)
	}
	r := flows.TranslationResult{Outcome: flows.Translated}
	from := job.From
	var t Translation
	if job.Detect {
		// One request: the engine finds the language and translates from it.
		var err error
		if t, err = translate(job.Text, "", job.To); err != nil {
			return r, err
		}
		// An engine that gives no figure (DeepL) is taken at its word.
		sure := t.Confidence == 0 || t.Confidence >= detectConfidence
		switch {
		case t.Source == job.To && sure:
			return flows.TranslationResult{Outcome: flows.AlreadyThere, Source: t.Source}, nil
		case t.Source != "" && sure:
			from = t.Source
		default:
			t.Text = "" // not sure: the client's own language it is
		}
		r.Source = from
	}
	if t.Text == "" {
		var err error
		if t, err = translate(job.Text, from, job.To); err != nil {
			return r, err
		}
	}
	r.Text = t.Text
	if err := s.translator.Check(job.Text, r.Text); err != nil {
		s.log.Warn("a translation changed a value; not sent", "dir", job.Dir, "from", from, "to", job.To, "reason", err)
		return flows.TranslationResult{Outcome: flows.Changed}, nil
	}
	if job.Dir == flows.TranslateOut {
		// The manager sees what went out in their own language: a wrong date or a lost
		// "not" shows. Without it the translation still goes.
		back, err := translate(r.Text, job.To, from)
		if err != nil {
			s.log.Warn("translating back failed", "from", job.To, "to", from, "err", err)
		}
		r.Back = back.Text
	}
	return r, nil
}

// outcomeName names an outcome in the metrics.
func outcomeName(o flows.Outcome) string {
	return map[flows.Outcome]string{flows.Translated: "translated", flows.AlreadyThere: "same_language",
		flows.Unavailable: "unavailable", flows.Changed: "changed"}[o]
}
