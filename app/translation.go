package app

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/lotse-bot/lotse/bot"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/translate"
)

// engineTranslator is the town's translation engine as flows and the sender use it. It asks
// the engine which languages it has when Lotse starts, and again until it answers; until
// then Lotse translates nothing and says nothing about missing languages.
type engineTranslator struct {
	engine translate.Engine
	langs  atomic.Pointer[translate.Languages]
	// problem is why the engine could not be asked, for /readyz; "" once it answered.
	problem atomic.Pointer[string]
}

var (
	_ flows.Translator = (*engineTranslator)(nil)
	_ bot.Translator   = (*engineTranslator)(nil)
)

// newEngine returns the adapter for the town's engine, nil when translation is off.
func newEngine(cfg flows.Translation, key string) translate.Engine {
	client := &http.Client{Timeout: cfg.Timeout()}
	switch cfg.Engine {
	case "libretranslate":
		return translate.NewLibreTranslate(cfg.URL, key, client)
	case "deepl":
		return translate.NewDeepL(cfg.URL, key, client)
	}
	return nil
}

// newTranslator starts asking engine for its languages; nil when translation is off.
func newTranslator(ctx context.Context, engine translate.Engine, timeout time.Duration, log *slog.Logger) *engineTranslator {
	if engine == nil {
		return nil
	}
	t := &engineTranslator{engine: engine}
	waiting := "the engine has not answered yet"
	t.problem.Store(&waiting)
	go t.learnLanguages(ctx, timeout, log)
	return t
}

// learnLanguages asks the engine for its languages until it answers or ctx ends.
func (t *engineTranslator) learnLanguages(ctx context.Context, timeout time.Duration, log *slog.Logger) {
	wait := time.Second
	for {
		askCtx, cancel := context.WithTimeout(ctx, timeout)
		langs, err := t.engine.Languages(askCtx)
		cancel()
		if err == nil {
			t.langs.Store(&langs)
			t.problem.Store(nil)
			log.Info("translation engine ready", "engine", t.engine.Name(), "sources", langs.Sources(), "targets", langs.Targets())
			return
		}
		problem := err.Error()
		t.problem.Store(&problem)
		log.Error("the translation engine does not answer; Lotse relays without translating until it does", "engine", t.engine.Name(), "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
}

// Problem is why the engine cannot be used, "" when it can.
func (t *engineTranslator) Problem() string {
	if p := t.problem.Load(); p != nil {
		return *p
	}
	return ""
}

func (t *engineTranslator) Name() string { return t.engine.Name() }

// Ready reports whether the engine said which languages it has.
func (t *engineTranslator) Ready() bool { return t.langs.Load() != nil }

func (t *engineTranslator) Pair(from, to string) bool {
	langs := t.langs.Load()
	return langs != nil && langs.CanTranslate(from, to)
}

func (t *engineTranslator) Translate(ctx context.Context, text, from, to string) (bot.Translation, error) {
	r, err := t.engine.Translate(ctx, text, from, to)
	if from == "" && translate.ErrorKind(err) == translate.Unsupported {
		// An engine asked to find the language may refuse a text that is already in the
		// target language as a pair it lacks: ask which language it is.
		lang, confidence, derr := t.engine.Detect(ctx, text)
		if derr == nil && lang == to {
			return bot.Translation{Text: text, Source: lang, Confidence: confidence}, nil
		}
	}
	return bot.Translation{Text: r.Text, Source: r.Source, Confidence: r.Confidence}, err
}

func (t *engineTranslator) Check(original, translated string) error {
	return translate.Check(original, translated)
}
