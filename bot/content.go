package bot

import (
	"fmt"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/locales"
)

// Content is what Lotse shows a town's people: the message catalogs and the FAQ with the
// town's own answers.
type Content struct {
	Catalogs *i18n.Bundle
	FAQ      *flows.FAQStore
}

// LoadContent loads the shipped catalogs and FAQ and the town's own FAQ files.
func LoadContent(cfg *flows.Config) (Content, error) {
	catalogs, err := locales.Load(locales.FS)
	if err != nil {
		return Content{}, err
	}
	faq, err := flows.LoadFAQ(locales.FAQ, cfg.FAQPath(), cfg)
	if err != nil {
		return Content{}, fmt.Errorf("the FAQ content has problems:\n%w", err)
	}
	return Content{Catalogs: catalogs, FAQ: flows.NewFAQStore(faq)}, nil
}

// Renderer returns a renderer of this content for the town.
func (c Content) Renderer(cfg *flows.Config) *Renderer { return NewRenderer(c.Catalogs, c.FAQ, cfg) }
