// Package playground is a web page on which one chats with Lotse as several people at once:
// clients with phones in different languages and a manager, side by side. The bot is the real
// one; Telegram is played by a fakeapi.Server, so the playground needs no token and no
// network. Municipalities try Lotse with it, translators read their catalogs in context, and
// trainers and developers walk through conversations.
//
// The page is a single embedded HTML file with its style sheet and script. It talks to a
// small JSON API of this package and polls each chat for news; nothing is loaded from
// elsewhere.
package playground

import (
	"embed"
	"io/fs"
	"net/http"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

// web holds the page: index.html, style.css and app.js.
//
//go:embed web
var web embed.FS

// Options configure a Handler.
type Options struct {
	API      *fakeapi.Server // the fake Telegram the bot runs against
	Clock    *Clock          // the bot's clock
	People   []Person        // who is there when the page opens
	Town     string          // the town's name, shown in the page's header
	Location *time.Location  // the town's time zone, for showing times; default UTC
	// Translation names the machine-translation engine in use, "" when translation is off:
	// the page says so, rather than pretend.
	Translation string
}

// Handler serves the playground's page and its API.
type Handler struct {
	api         *fakeapi.Server
	clock       *Clock
	cast        *cast
	town        string
	translation string
	loc         *time.Location
	routes      http.Handler
}

// New returns the playground's handler.
func New(o Options) *Handler {
	h := &Handler{api: o.API, clock: o.Clock, cast: newCast(o.People), town: o.Town, translation: o.Translation, loc: o.Location}
	if h.loc == nil {
		h.loc = time.UTC
	}
	site, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(site))
	mux.HandleFunc("GET /api/people", h.listPeople)
	mux.HandleFunc("POST /api/people", h.addPerson)
	mux.HandleFunc("GET /api/people/{id}/chat", h.chat)
	mux.HandleFunc("POST /api/people/{id}/send", h.send)
	mux.HandleFunc("POST /api/people/{id}/press", h.press)
	mux.HandleFunc("POST /api/people/{id}/upload", h.upload)
	mux.HandleFunc("GET /api/people/{id}/files/{message}", h.file)
	mux.HandleFunc("GET /api/clock", h.showClock)
	mux.HandleFunc("POST /api/clock", h.advanceClock)
	// Another web site open in the same browser must not chat in the playground's name.
	h.routes = http.NewCrossOriginProtection().Handler(mux)
	return h
}

// contentPolicy allows the page to load nothing but itself.
const contentPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", contentPolicy)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-cache")
	h.routes.ServeHTTP(w, r)
}
