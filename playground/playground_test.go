package playground_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot"
	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/playground"
	"github.com/lotse-bot/lotse/store"
)

// testPlayground is the playground's page and API over the real bot, a fake Telegram and a
// bbolt file in a temporary directory.
type testPlayground struct {
	t      *testing.T
	url    string
	api    *fakeapi.Server
	clock  *playground.Clock
	render *bot.Renderer
}

// newTestPlayground starts the bot on the example town and serves the playground for it.
func newTestPlayground(t *testing.T) *testPlayground {
	t.Helper()
	return newTestPlaygroundWith(t, setup{})
}

// setup changes what newTestPlaygroundWith starts.
type setup struct {
	// people chooses who is on the page; default playground.StartingPeople.
	people func(cfg *flows.Config) []playground.Person
	// start, if later than now, is where the bot's clock starts: the clock is moved ahead
	// to it before the bot runs.
	start time.Time
}

// newTestPlaygroundWith is newTestPlayground with other people or another start time.
func newTestPlaygroundWith(t *testing.T, s setup) *testPlayground {
	t.Helper()
	cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	content, err := bot.LoadContent(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "lotse.db"))
	if err != nil {
		t.Fatal(err)
	}
	api := fakeapi.New()
	clock := playground.NewClock(time.Now)
	if ahead := time.Until(s.start); ahead > 0 {
		clock.Advance(ahead)
	}
	people := playground.StartingPeople(cfg)
	if s.people != nil {
		people = s.people(cfg)
	}
	b, err := bot.New(bot.Options{
		Token: fakeapi.Token, APIURL: api.URL(), DB: db, Catalogs: content.Catalogs,
		Flows:  flows.New(cfg, content.FAQ, clock.Now),
		Config: cfg, FAQ: content.FAQ,
		Log:    slog.New(slog.DiscardHandler),
		Limits: bot.Limits{PerChat: 100},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()

	srv := httptest.NewServer(playground.New(playground.Options{
		API: api, Clock: clock, People: people, Town: cfg.Town, Location: cfg.Location,
	}))
	t.Cleanup(func() {
		srv.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("bot: %v", err)
		}
		api.Close()
		db.Close()
		if rejected := api.Rejected(); len(rejected) > 0 {
			t.Errorf("the fake Bot API rejected %s: %s", rejected[0].Method, rejected[0].Error)
		}
	})
	return &testPlayground{t: t, url: srv.URL, api: api, clock: clock, render: content.Renderer(cfg)}
}

// say renders a catalog message as the bot shows it in lang.
func (tp *testPlayground) say(lang, id string, kv ...string) string {
	tp.t.Helper()
	s, err := tp.render.Phrase(lang, flows.Msg(id, kv...))
	if err != nil {
		tp.t.Fatal(err)
	}
	return s
}

// get fetches path and returns the response with its body read.
func (tp *testPlayground) get(path string) (*http.Response, []byte) {
	tp.t.Helper()
	resp, err := http.Get(tp.url + path)
	if err != nil {
		tp.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tp.t.Fatal(err)
	}
	return resp, body
}

// post sends body to path as JSON, decodes the answer into out (if not nil) and returns the
// status.
func (tp *testPlayground) post(path string, body, out any) int {
	tp.t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		tp.t.Fatal(err)
	}
	return tp.do(path, "application/json", data, out)
}

func (tp *testPlayground) do(path, contentType string, body []byte, out any) int {
	tp.t.Helper()
	resp, err := http.Post(tp.url+path, contentType, bytes.NewReader(body))
	if err != nil {
		tp.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			tp.t.Fatalf("POST %s: answer is not JSON: %v", path, err)
		}
	}
	return resp.StatusCode
}

// message is one message of a chat as the page receives it.
type message struct {
	ID      int    `json:"id"`
	From    string `json:"from"`
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	ReplyTo int    `json:"replyTo"`
	Edited  bool   `json:"edited"`
	Buttons [][]struct {
		Text string `json:"text"`
		Data string `json:"data"`
	} `json:"buttons"`
	File *struct {
		URL     string `json:"url"`
		Picture bool   `json:"picture"`
	} `json:"file"`
	Reactions []string `json:"reactions"`
	Location  *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
	} `json:"location"`
	Contact *struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"contact"`
}

// button returns the callback data of the button labelled label.
func (m message) button(label string) (string, bool) {
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == label {
				return b.Data, true
			}
		}
	}
	return "", false
}

func (tp *testPlayground) chat(id int64) []message {
	tp.t.Helper()
	resp, body := tp.get("/api/people/" + strconv.FormatInt(id, 10) + "/chat")
	if resp.StatusCode != http.StatusOK {
		tp.t.Fatalf("chat of %d: %d %s", id, resp.StatusCode, body)
	}
	var v struct {
		Messages []message `json:"messages"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		tp.t.Fatal(err)
	}
	return v.Messages
}

// waitFor polls a person's chat, as the page does, until one message satisfies cond.
func (tp *testPlayground) waitFor(id int64, what string, cond func(message) bool) message {
	tp.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		msgs := tp.chat(id)
		for _, m := range msgs {
			if cond(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			tp.t.Fatalf("chat of %d never showed %s; it has %+v", id, what, msgs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fromBotWith(text string) func(message) bool {
	return func(m message) bool { return m.From == "bot" && strings.Contains(m.Text, text) }
}

// Amira is the first person on the page: a client whose phone speaks Arabic.
const amira = 10001

// yilmaz is Frau Yılmaz of the example town: she alone looks after the Altstadt.
const yilmaz = 900101

func TestPageIsServedWholeAndLoadsNothingFromElsewhere(t *testing.T) {
	tp := newTestPlayground(t)
	for _, tt := range []struct {
		path, contentType, contains string
	}{
		{"/", "text/html; charset=utf-8", `<script src="app.js"`},
		{"/style.css", "text/css; charset=utf-8", "white-space: pre-wrap"},
		{"/app.js", "text/javascript; charset=utf-8", `"/api/people"`},
	} {
		resp, body := tp.get(tt.path)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != tt.contentType {
			t.Errorf("%s: %d %q, want 200 %q", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), tt.contentType)
		}
		if !strings.Contains(string(body), tt.contains) {
			t.Errorf("%s lacks %q", tt.path, tt.contains)
		}
		// The page must work offline and tell no one else who opens it.
		for _, scheme := range []string{"http://", "https://", "//fonts.", "@import"} {
			if strings.Contains(strings.ToLower(string(body)), scheme) {
				t.Errorf("%s refers to %q", tt.path, scheme)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: Content-Security-Policy %q lets the page load from elsewhere", tt.path, csp)
		}
	}
}

func TestAmiraIsGreetedInArabicAndPressesAButton(t *testing.T) {
	tp := newTestPlayground(t)
	if status := tp.post("/api/people/10001/send", map[string]any{"text": "/start"}, nil); status != http.StatusAccepted {
		t.Fatalf("sending /start: %d", status)
	}
	question := tp.say("ar", "LanguageConfirm")
	greeting := tp.waitFor(amira, "the Arabic greeting", fromBotWith(question))
	if welcome := tp.say("ar", "Welcome", "Town", "Musterstadt"); !strings.Contains(greeting.Text, welcome) {
		t.Errorf("greeting %q lacks %q", greeting.Text, welcome)
	}
	if log := tp.chat(amira); log[0].From != "user" || log[0].Text != "/start" {
		t.Errorf("the chat starts with %+v, want Amira's /start", log[0])
	}

	yes, ok := greeting.button(tp.say("ar", "LanguageConfirmYes"))
	if !ok {
		t.Fatalf("greeting has no Arabic yes button: %+v", greeting.Buttons)
	}
	if status := tp.post("/api/people/10001/press", map[string]any{"message": greeting.ID, "data": yes}, nil); status != http.StatusAccepted {
		t.Fatalf("pressing yes: %d", status)
	}
	notice := tp.waitFor(amira, "the privacy notice", fromBotWith(tp.say("ar", "PrivacyQuestion")))
	if notice.ID != greeting.ID || !notice.Edited {
		t.Errorf("the privacy notice is message %d (edited %v), want message %d edited in place", notice.ID, notice.Edited, greeting.ID)
	}

	// A button can also be pressed by its label, and a stale one is refused.
	if status := tp.post("/api/people/10001/press", map[string]any{"label": tp.say("ar", "PrivacyAccept")}, nil); status != http.StatusAccepted {
		t.Fatalf("pressing by label: %d", status)
	}
	tp.waitFor(amira, "the thanks for consenting", fromBotWith(tp.say("ar", "ConsentThanks")))
	var answer struct{ Error string }
	if status := tp.post("/api/people/10001/press", map[string]any{"message": greeting.ID, "data": yes}, &answer); status != http.StatusNotFound || answer.Error == "" {
		t.Errorf("pressing a button that is gone: %d %q, want 404 with a reason", status, answer.Error)
	}
}

func TestReplyAndUploadsShowInTheChat(t *testing.T) {
	tp := newTestPlayground(t)
	tp.post("/api/people/10003/send", map[string]any{"text": "/start"}, nil)
	greeting := tp.waitFor(10003, "the greeting", fromBotWith(tp.say("uk", "LanguageConfirm")))
	if status := tp.post("/api/people/10003/send", map[string]any{"text": "Дякую", "replyTo": greeting.ID}, nil); status != http.StatusAccepted {
		t.Fatalf("reply: %d", status)
	}
	tp.waitFor(10003, "the reply", func(m message) bool { return m.From == "user" && m.ReplyTo == greeting.ID })

	var img bytes.Buffer
	if err := png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	upload(t, tp, 10003, "bescheid.png", img.Bytes(), "Лист")
	photo := tp.waitFor(10003, "the photo", func(m message) bool { return m.Kind == "photo" })
	if photo.Text != "Лист" || photo.File == nil || !photo.File.Picture {
		t.Fatalf("photo shown as %+v", photo)
	}
	resp, body := tp.get(photo.File.URL)
	if resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(body, img.Bytes()) {
		t.Errorf("photo served as %q, %d bytes; want the uploaded PNG", resp.Header.Get("Content-Type"), len(body))
	}

	// A document is only ever downloaded: an uploaded web page must not run in the page.
	upload(t, tp, 10003, "x.html", []byte("<script>alert(1)</script>"), "")
	doc := tp.waitFor(10003, "the document", func(m message) bool { return m.Kind == "document" })
	resp, _ = tp.get(doc.File.URL)
	if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); ct != "application/octet-stream" || !strings.HasPrefix(cd, "attachment") {
		t.Errorf("an HTML document is served as %q, %q; want a download", ct, cd)
	}
}

func upload(t *testing.T, tp *testPlayground, id int64, name string, data []byte, caption string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.WriteField("caption", caption)
	mw.Close()
	if status := tp.do("/api/people/"+strconv.FormatInt(id, 10)+"/upload", mw.FormDataContentType(), body.Bytes(), nil); status != http.StatusAccepted {
		t.Fatalf("upload of %s: %d", name, status)
	}
}

func TestClockMovesAheadByAnHour(t *testing.T) {
	tp := newTestPlayground(t)
	type clock struct {
		Now      time.Time `json:"now"`
		Advanced string    `json:"advanced"`
	}
	var before, after clock
	_, body := tp.get("/api/clock")
	if err := json.Unmarshal(body, &before); err != nil {
		t.Fatal(err)
	}
	if status := tp.post("/api/clock", map[string]string{"by": "1h"}, &after); status != http.StatusOK {
		t.Fatalf("advance: %d", status)
	}
	if d := after.Now.Sub(before.Now); d < time.Hour || d > time.Hour+5*time.Second {
		t.Errorf("the clock moved %v, want one hour", d)
	}
	if after.Advanced != "1 h" {
		t.Errorf("advanced %q, want %q", after.Advanced, "1 h")
	}
	if d := time.Until(tp.clock.Now()); d < 59*time.Minute {
		t.Errorf("the bot's clock is %v ahead, want an hour", d)
	}
	if status := tp.post("/api/clock", map[string]string{"by": "-1h"}, nil); status != http.StatusBadRequest {
		t.Errorf("turning the clock back: %d, want 400", status)
	}
}

func TestAddedPersonChatsInTheirLanguage(t *testing.T) {
	tp := newTestPlayground(t)
	var dilan playground.Person
	if status := tp.post("/api/people", map[string]string{"name": "Dilan", "language": "ckb"}, &dilan); status != http.StatusCreated {
		t.Fatalf("add: %d", status)
	}
	if dilan.ID != 10004 || dilan.Role != playground.RoleClient {
		t.Errorf("added %+v, want client 10004", dilan)
	}
	tp.post("/api/people/10004/send", map[string]any{"text": "/start"}, nil)
	tp.waitFor(dilan.ID, "the Sorani greeting", fromBotWith(tp.say("ckb", "LanguageConfirm")))

	var list struct{ People []playground.Person }
	_, body := tp.get("/api/people")
	json.Unmarshal(body, &list)
	var names []string
	for _, p := range list.People {
		names = append(names, p.Name)
	}
	if got, want := strings.Join(names, ","), "Amira,Tesfay,Olena,Frau Yılmaz,Dilan"; got != want {
		t.Errorf("people %s, want %s", got, want)
	}

	for _, bad := range []map[string]string{{"name": "", "language": "fa"}, {"name": "X", "language": "not a code"}} {
		if status := tp.post("/api/people", bad, nil); status != http.StatusBadRequest {
			t.Errorf("adding %v: %d, want 400", bad, status)
		}
	}
	if status := tp.post("/api/people/42/send", map[string]any{"text": "hi"}, nil); status != http.StatusNotFound {
		t.Errorf("sending as nobody: %d, want 404", status)
	}
}

func TestManagerIsFrauYilmaz(t *testing.T) {
	tp := newTestPlayground(t)
	tp.post("/api/people/900101/send", map[string]any{"text": "/start"}, nil)
	tp.waitFor(900101, "the manager's welcome", fromBotWith(tp.say("de", "ManagerWelcome", "Name", "Frau Yılmaz", "Town", "Musterstadt")))
}

func TestOtherSitesCannotChatInThePlaygroundsName(t *testing.T) {
	tp := newTestPlayground(t)
	req, err := http.NewRequest("POST", tp.url+"/api/people/10001/send", strings.NewReader(`{"text":"/start"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site request got %d, want 403", resp.StatusCode)
	}
}

func TestClockShowsMessagesAtTheTimeTheBotLivedIn(t *testing.T) {
	base := time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC)
	real := base
	c := playground.NewClock(func() time.Time { return real })
	sentBefore := real
	real = real.Add(time.Minute)
	c.Advance(24 * time.Hour)
	c.Advance(-time.Hour) // ignored: the bot's time never runs backwards
	real = real.Add(time.Minute)
	if got, want := c.Now(), base.Add(2*time.Minute+24*time.Hour); !got.Equal(want) {
		t.Errorf("Now = %v, want %v", got, want)
	}
	if got := c.At(sentBefore); !got.Equal(sentBefore) {
		t.Errorf("a message sent before the advance shows at %v, want %v", got, sentBefore)
	}
	if got, want := c.At(real), real.Add(24*time.Hour); !got.Equal(want) {
		t.Errorf("a message sent after the advance shows at %v, want %v", got, want)
	}
}

// toMenu takes a client through first contact by pressing buttons as the page does: Arabic,
// consent, the Altstadt, where Frau Yılmaz alone looks after clients.
func (tp *testPlayground) toMenu(id int64) {
	tp.t.Helper()
	path := "/api/people/" + strconv.FormatInt(id, 10)
	tp.post(path+"/send", map[string]any{"text": "/start"}, nil)
	for _, step := range []struct{ label, next string }{
		{tp.say("ar", "LanguageConfirmYes"), tp.say("ar", "PrivacyQuestion")},
		{tp.say("ar", "PrivacyAccept"), "🏠 Altstadt"},
		{"🏠 Altstadt", tp.say("ar", "MenuWrite")},
	} {
		tp.waitFor(id, "the button "+step.label, func(m message) bool { _, ok := m.button(step.label); return ok })
		if status := tp.post(path+"/press", map[string]any{"label": step.label}, nil); status != http.StatusAccepted {
			tp.t.Fatalf("pressing %q: %d", step.label, status)
		}
		tp.waitFor(id, step.next, func(m message) bool { _, ok := m.button(step.next); return ok || strings.Contains(m.Text, step.next) })
	}
}

func TestChatShowsEveryKindReactionsAndCopies(t *testing.T) {
	tp := newTestPlaygroundWith(t, setup{})
	tp.post("/api/people/900101/send", map[string]any{"text": "/start"}, nil)
	tp.waitFor(yilmaz, "her welcome", func(m message) bool { return m.From == "bot" })
	tp.toMenu(amira)

	u := fakeapi.User{ID: amira, FirstName: "Amira", LanguageCode: "ar"}
	tp.api.SendMedia(u, fakeapi.Media{Kind: "location", Latitude: 48.0, Longitude: 7.85})
	tp.api.SendMedia(u, fakeapi.Media{Kind: "contact", ContactName: "Olena", PhoneNumber: "+49 170 1234567"})
	tp.api.SendMedia(u, fakeapi.Media{Kind: "video_note"})
	loc := tp.waitFor(yilmaz, "the copy of the location", func(m message) bool { return m.Kind == "location" })
	if loc.Location == nil || loc.Location.Latitude != 48.0 || loc.Location.Longitude != 7.85 {
		t.Errorf("the location shows as %+v", loc)
	}
	contact := tp.waitFor(yilmaz, "the copy of the contact", func(m message) bool { return m.Kind == "contact" })
	if contact.Contact == nil || contact.Contact.Name != "Olena" || contact.Contact.Phone != "+49 170 1234567" {
		t.Errorf("the contact shows as %+v", contact)
	}
	note := tp.waitFor(yilmaz, "the copy of the video message", func(m message) bool { return m.Kind == "video_note" })
	if note.File == nil || note.File.Picture {
		t.Errorf("the video message shows as %+v", note)
	}

	// The manager answers with /r; Lotse puts 👍 on her message once it reached Amira.
	tp.post("/api/people/900101/send", map[string]any{"text": "/r K-0001 Danke!"}, nil)
	tp.waitFor(amira, "the answer", func(m message) bool { return m.From == "bot" && m.Text == "Danke!" })
	tp.waitFor(yilmaz, "👍 on her answer", func(m message) bool {
		return m.From == "user" && len(m.Reactions) == 1 && m.Reactions[0] == "👍"
	})
}

func TestThePageSaysWhenTranslationIsOff(t *testing.T) {
	tp := newTestPlayground(t)
	_, body := tp.get("/api/people")
	var state struct {
		Translation *string `json:"translation"`
	}
	if err := json.Unmarshal(body, &state); err != nil || state.Translation == nil || *state.Translation != "" {
		t.Errorf("/api/people says translation is %v (%v), want \"\" (off): %s", state.Translation, err, body)
	}
}
