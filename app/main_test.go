package app

// This file holds what the end-to-end tests of this folder share; each other test file is
// one feature of Lotse, with only the helpers no other feature needs.

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot"
	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
	"github.com/lotse-bot/lotse/translate/fake"
)

// Starting Lotse: the whole program against the fake Bot API and a real database file, and
// its commands run as an operator would.

// testBot is the whole program running against a fake Telegram and a real bbolt file in a
// temporary directory.
type testBot struct {
	t    *testing.T
	api  *fakeapi.Server
	dir  string
	env  map[string]string
	logs *syncBuffer

	cancel context.CancelFunc
	done   chan int
	main   *Main
	reload chan struct{}
	clock  atomic.Pointer[time.Time] // the bot's time when set, else the real one
}

// newTestBot starts Lotse with env on top of a token and database for tests. Per-chat
// limits are raised so tests need not wait; tests of the limits set their own.
func newTestBot(t *testing.T, env ...string) *testBot {
	t.Helper()
	tb := &testBot{t: t, api: fakeapi.New(), dir: t.TempDir(), logs: &syncBuffer{}}
	t.Cleanup(tb.api.Close)
	tb.env = map[string]string{
		"TELEGRAM_BOT_TOKEN": fakeapi.Token,
		"TELEGRAM_API_URL":   tb.api.URL(),
		"LOTSE_DB":           filepath.Join(tb.dir, "lotse.db"),
		"LOTSE_RATE_CHAT":    "100",
		// Any free port; tests that stop the bot mid-work want the work left in the outbox.
		"LOTSE_ADMIN_ADDR":       "127.0.0.1:0",
		"LOTSE_SHUTDOWN_TIMEOUT": "0s",
	}
	for i := 0; i+1 < len(env); i += 2 {
		tb.env[env[i]] = env[i+1]
	}
	tb.start()
	t.Cleanup(func() {
		tb.stop()
		if rejected := tb.api.Rejected(); len(rejected) > 0 {
			t.Errorf("the fake Bot API rejected %d requests, first: %s %v: %s", len(rejected), rejected[0].Method, rejected[0].Params, rejected[0].Error)
		}
		// The log names chats by a keyed hash only: no id of a person who wrote, nor of the
		// example town's staff, who may not have.
		if leaks := rawIDs(tb.logs.String(), append(tb.api.Chats(), yilmaz, haddad, kovalenko, admin)...); len(leaks) > 0 {
			t.Errorf("the log shows Telegram ids in %d lines, first: %s", len(leaks), leaks[0])
		}
		if t.Failed() {
			t.Logf("bot log:\n%s", tb.logs.String())
		}
	})
	return tb
}

// newBookingBot starts a bot whose clock stands at monday.
func newBookingBot(t *testing.T) *testBot {
	t.Helper()
	tb := newTestBot(t)
	tb.setNow(monday)
	return tb
}

// newTranslatingBot runs the example town with machine translation by a fake LibreTranslate
// and returns the bot, the engine and the opened staff.
func newTranslatingBot(t *testing.T, opts fake.Options) (*testBot, *fake.Server) {
	t.Helper()
	engine := fake.NewLibreTranslate(opts)
	t.Cleanup(engine.Close)
	config := writeConfig(t, t.TempDir(), "[relay]", "[translation]\nengine = \"libretranslate\"\nurl = \""+engine.URL+"\"\ntimeout_seconds = 1\n\n[relay]")
	return newTestBot(t, "LOTSE_CONFIG", config, "LOTSE_RATE_GLOBAL", "1000"), engine
}

// start runs Lotse on the test's environment and database until stop.
func (tb *testBot) start() {
	tb.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tb.cancel, tb.done = cancel, make(chan int, 1)
	tb.reload = make(chan struct{}, 1)
	m := &Main{
		Getenv: func(k string) string { return tb.env[k] },
		Stdout: tb.logs, Stderr: tb.logs,
		Now:     tb.now,
		FAQPoll: 50 * time.Millisecond,
		Tick:    20 * time.Millisecond,
		Reload:  tb.reload,
	}
	tb.main = m
	go func() { tb.done <- exit(m.Stderr, m.Run(ctx, nil)) }()
}

// stop cancels the bot like a kill would end its work: no draining of queues, no goodbye.
// What is under way finishes; everything else waits on disk.
func (tb *testBot) stop() {
	if tb.cancel == nil {
		return
	}
	tb.cancel()
	select {
	case code := <-tb.done:
		if code != 0 {
			tb.t.Errorf("lotse exited with %d", code)
		}
	case <-time.After(30 * time.Second):
		tb.t.Fatal("lotse did not stop within 30 s")
	}
	tb.cancel = nil
}

// restart stops Lotse as a kill would and starts it again on the same database.
func (tb *testBot) restart() {
	tb.t.Helper()
	tb.stop()
	tb.start()
}

// now is the bot's clock.
func (tb *testBot) now() time.Time {
	if t := tb.clock.Load(); t != nil {
		return *t
	}
	return time.Now()
}

// setNow sets the bot's clock.
func (tb *testBot) setNow(t time.Time) { tb.clock.Store(&t) }

// at sets the clock and waits for the scheduler to look.
func (tb *testBot) at(t time.Time) {
	tb.setNow(t)
	time.Sleep(150 * time.Millisecond)
}

// runMain runs lotse with args and env and returns its exit code and output.
func runMain(t *testing.T, env map[string]string, args ...string) (int, string) {
	t.Helper()
	out := &syncBuffer{}
	m := &Main{Getenv: func(k string) string { return env[k] }, Stdout: out, Stderr: out, Now: time.Now}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return exit(m.Stderr, m.Run(ctx, args)), out.String()
}

// env points a command-line Main at the running bot's admin listener.
func (m *Main) env(adminAddr string) {
	base := m.Getenv
	m.Getenv = func(k string) string {
		if k == "LOTSE_ADMIN_ADDR" {
			return adminAddr
		}
		return base(k)
	}
}

// The example town (flows/musterstadt.toml) as the tests meet it.

// The example town's staff: Frau Yılmaz alone looks after the Altstadt, Frau Kovalenko
// alone after Oberdorf; Yılmaz and Haddad share the Lindenweg site. 900001 is the admin.
const (
	yilmaz    = 900101
	haddad    = 900102
	kovalenko = 900103
	admin     = 900001
)

var berlin, _ = time.LoadLocation("Europe/Berlin")

// monday is the bot's time in booking tests: Monday 22 March 2027, 08:00 in Berlin. The
// example town's next slots: Tuesday 09:00 (Rathaus), Wednesday 14:00 (Lindenweg),
// Thursday 09:00 (Rathaus).
var monday = time.Date(2027, 3, 22, 8, 0, 0, 0, berlin)

// writeConfig writes the example town's configuration with replacements applied.
func writeConfig(t *testing.T, dir string, replace ...string) string {
	t.Helper()
	s := string(flows.ExampleConfig)
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			t.Fatalf("example config lacks %q", replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	path := filepath.Join(dir, "town.toml")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// slotRef is the button data that names the example town's slot of manager at start.
func slotRef(t *testing.T, manager int64, start time.Time) string {
	t.Helper()
	cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.SlotRef(flows.Slot{Manager: manager, Start: start})
}

// faqOf returns the shipped FAQ.
func faqOf(t *testing.T) *flows.FAQ {
	t.Helper()
	render(t, "en", flows.Msg("MenuFAQ"))
	return shippedFAQ
}

// People: staff open the bot, clients find their way in, invitations, bookings.

// startStaff lets a manager or admin start the bot: Telegram lets a bot write only to
// people who started it.
func (tb *testBot) startStaff(id int64) fakeapi.User {
	tb.t.Helper()
	u := fakeapi.User{ID: id, FirstName: "Staff", LanguageCode: "de"}
	tb.api.SendText(u, "/start")
	tb.waitMessages(id, 1)
	return u
}

// toMenu takes a new client in lang through first contact to the main menu.
func (tb *testBot) toMenu(u fakeapi.User, lang string, consent bool) {
	tb.t.Helper()
	tb.api.SendText(u, "/start")
	tb.press(u, say(tb.t, lang, "LanguageConfirmYes"))
	if consent {
		tb.press(u, say(tb.t, lang, "PrivacyAccept"))
		tb.press(u, say(tb.t, lang, "DistrictSkip"))
	} else {
		tb.press(u, say(tb.t, lang, "PrivacyDecline"))
	}
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(tb.t, lang, "MenuFAQ")) })
}

// toDistrict takes a new client through first contact, with consent, to the menu, naming
// where they live.
func (tb *testBot) toDistrict(u fakeapi.User, lang, district string) {
	tb.t.Helper()
	tb.api.SendText(u, "/start")
	tb.press(u, say(tb.t, lang, "LanguageConfirmYes"))
	tb.press(u, say(tb.t, lang, "PrivacyAccept"))
	tb.press(u, "🏠 "+district)
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(tb.t, lang, "MenuWrite")) })
}

var inviteLink = regexp.MustCompile(`https://t\.me/[A-Za-z0-9_]+\?start=(inv-[A-Za-z0-9_-]+)`)

// invite lets a manager create an invitation and returns the /start payload of its link.
func (tb *testBot) invite(manager fakeapi.User) string {
	tb.t.Helper()
	tb.api.SendText(manager, "/invite")
	m := tb.find(manager.ID, func(m fakeapi.Message) bool { return inviteLink.MatchString(m.Text) })
	tb.find(manager.ID, func(m fakeapi.Message) bool { return m.Kind == "photo" && m.Text == say(tb.t, "de", "StaffInviteQR") })
	return inviteLink.FindStringSubmatch(m.Text)[1]
}

// invited takes a new client in lang through an invitation of manager to the menu.
func (tb *testBot) invited(manager, u fakeapi.User, lang string) {
	tb.t.Helper()
	payload := tb.invite(manager)
	tb.api.SendText(u, "/start "+payload)
	tb.press(u, say(tb.t, lang, "LanguageConfirmYes"))
	tb.press(u, say(tb.t, lang, "PrivacyAccept"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(tb.t, lang, "MenuPlan")) })
}

// slotLabel is the button of a time at the Rathaus, as lang shows it.
func slotLabel(t *testing.T, lang, hhmm string) string {
	t.Helper()
	return render(t, lang, flows.Join(" · ", flows.Number(hhmm), flows.Literal("Rathaus Musterstadt, Bürgerbüro")))
}

// book books, as a client in the menu, the 09:00 slot at the Rathaus on a day (a weekday
// message and a date like "23.03."), taking or declining the interpreter where the office
// hours offer one, and returns the booking confirmation once the calendar file arrived too.
func (tb *testBot) book(u fakeapi.User, lang, weekday, date string, interpreter bool) fakeapi.Message {
	tb.t.Helper()
	t := tb.t
	tb.press(u, say(t, lang, "MenuAppointments"))
	tb.press(u, say(t, lang, "ApptBook"))
	tb.press(u, render(t, lang, flows.Join(" ", flows.Msg(weekday), flows.Number(date))))
	tb.press(u, slotLabel(t, lang, "09:00"))
	tb.press(u, say(t, lang, "ApptTopicOther"))
	no := say(t, lang, "ApptInterpreterNo")
	m := tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, lang, "ApptConfirm")) || hasButton(m, no) })
	if l, _ := flows.LookupLanguage(lang); hasButton(m, no) && interpreter {
		tb.press(u, say(t, lang, "ApptInterpreterYes", "Language", l.Name))
	} else if hasButton(m, no) {
		tb.press(u, no)
	}
	tb.press(u, say(t, lang, "ApptConfirm"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "document" })
	return tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, lang, "ApptBooked")) })
}

// bookFirstSlot books Tuesday 23 March, 09:00 — the first slot after monday — with an
// interpreter where the office hours offer one for the language (they offer none).
func (tb *testBot) bookFirstSlot(u fakeapi.User, lang string) fakeapi.Message {
	tb.t.Helper()
	return tb.book(u, lang, "WeekdayTue", "23.03.", true)
}

// richClient gives a client a bit of everything Lotse can store: an invitation, consent,
// housing, an appointment with reminders, relayed messages with an answer, a note, an
// audit entry. It returns the invitation token and the client's first message id.
func richClient(t *testing.T, tb *testBot, u fakeapi.User, lang string) (token string, relayed []int) {
	t.Helper()
	y := fakeapi.User{ID: yilmaz, FirstName: "Staff", LanguageCode: "de"}
	tb.api.SendText(y, "/invite")
	invite := tb.find(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "start=inv-") })
	link := strings.Fields(invite.Text[strings.Index(invite.Text, "start=")+len("start="):])[0]
	token = strings.TrimPrefix(link, "inv-")
	tb.api.SendText(u, "/start "+link)
	tb.press(u, say(t, lang, "LanguageConfirmYes"))
	tb.press(u, say(t, lang, "PrivacyAccept"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, lang, "MenuWrite")) })
	tb.bookFirstSlot(u, lang)
	for _, text := range []string{"رسالة من مركز العمل", "صفحة ٢"} {
		relayed = append(relayed, tb.api.MessageIDOf(tb.api.SendText(u, text)))
	}
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 2 })
	tb.reply(y, copies(tb.api.Messages(y.ID), u.ID)[0].ID, "Bitte bringen Sie den Brief mit.")
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" })
	tb.api.SendText(y, "/note K-0001 Frist beim Jobcenter am 30.03.")
	tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffNoteAdded", "Case", "K-0001") })
	tb.api.SendText(y, "/client K-0001")
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffProfileTitle", "Case", "K-0001"))
	})
	return token, relayed
}

// Pressing and waiting as a person does, until what they expect arrives.

// press presses a button by its label as soon as the bot shows it.
func (tb *testBot) press(u fakeapi.User, label string) {
	tb.t.Helper()
	var err error
	if !tb.api.WaitFor(10*time.Second, func() bool { _, err = tb.api.Press(u, label); return err == nil }) {
		tb.t.Fatal(err)
	}
}

// pressData presses a button and waits for its answer; it returns the pop-up text.
func (tb *testBot) pressData(u fakeapi.User, msg int, data string) string {
	tb.t.Helper()
	before := len(tb.api.CallbackAnswers())
	tb.api.PressData(u, msg, data)
	if !tb.api.WaitFor(10*time.Second, func() bool { return len(tb.api.CallbackAnswers()) > before }) {
		tb.t.Fatalf("the press of %q was never answered", data)
	}
	text, _ := tb.api.CallbackAnswers()[before].Params["text"].(string)
	return text
}

// waitMessages waits until the chat received n bot messages and returns them.
func (tb *testBot) waitMessages(chat int64, n int) []fakeapi.Message {
	tb.t.Helper()
	msgs, ok := tb.api.WaitMessages(chat, n, 10*time.Second)
	if !ok {
		tb.t.Fatalf("chat %d: got %d messages, want %d: %s", chat, len(msgs), n, texts(msgs))
	}
	return msgs
}

// last waits for the chat's newest bot message to satisfy cond and returns it.
func (tb *testBot) last(chat int64, cond func(fakeapi.Message) bool) fakeapi.Message {
	tb.t.Helper()
	var m fakeapi.Message
	ok := tb.api.WaitFor(10*time.Second, func() bool {
		var has bool
		m, has = tb.api.LastMessage(chat)
		return has && cond(m)
	})
	if !ok {
		tb.t.Fatalf("chat %d: last message never matched; it is %q (buttons %v)", chat, m.Text, m.Buttons)
	}
	return m
}

// find waits until some message of the chat satisfies cond and returns the newest that
// does: screens are edited in place, so the one wanted is not always the last message.
func (tb *testBot) find(chat int64, cond func(fakeapi.Message) bool) fakeapi.Message {
	tb.t.Helper()
	var found fakeapi.Message
	ok := tb.api.WaitFor(10*time.Second, func() bool {
		msgs := tb.api.Messages(chat)
		for i := len(msgs) - 1; i >= 0; i-- {
			if cond(msgs[i]) {
				found = msgs[i]
				return true
			}
		}
		return false
	})
	if !ok {
		tb.t.Fatalf("chat %d: no message matched:%s", chat, texts(tb.api.Messages(chat)))
	}
	return found
}

// waitFor waits for cond, failing the test if it never holds.
func (tb *testBot) waitFor(chat int64, cond func() bool) {
	tb.t.Helper()
	if !tb.api.WaitFor(15*time.Second, cond) {
		tb.t.Fatalf("chat %d: condition never held; messages: %s", chat, texts(tb.api.Messages(chat)))
	}
}

// quiet waits a moment and asserts the chat got no new message.
func (tb *testBot) quiet(chat int64, have int) {
	tb.t.Helper()
	time.Sleep(300 * time.Millisecond)
	if msgs := tb.api.Messages(chat); len(msgs) != have {
		tb.t.Fatalf("chat %d got %d messages, want %d: %s", chat, len(msgs), have, texts(msgs))
	}
}

// refused waits until the fake Telegram answered a call of method with status; on a
// machine busy with other work that may take a while, so it waits up to 30 s.
func (tb *testBot) refused(method string, status int) {
	tb.t.Helper()
	ok := tb.api.WaitFor(30*time.Second, func() bool {
		for _, c := range tb.api.Calls(method) {
			if c.Status == status {
				return true
			}
		}
		return false
	})
	if !ok {
		tb.t.Fatalf("%s was never answered %d", method, status)
	}
}

// idle waits until the bot handled every update and sent what followed.
func (tb *testBot) idle() {
	tb.t.Helper()
	tb.api.WaitFor(5*time.Second, func() bool { return tb.api.PendingUpdates() == 0 })
	time.Sleep(300 * time.Millisecond)
}

// Reading what the bot showed, in the words each language gives it.

var (
	rendererOnce sync.Once
	renderer     *bot.Renderer
	shippedFAQ   *flows.FAQ
)

// say renders a catalog message as the bot would show it in lang.
func say(t *testing.T, lang, id string, kv ...string) string {
	t.Helper()
	return render(t, lang, flows.Msg(id, kv...))
}

// render renders a phrase as the bot would show it in lang, for the example town.
func render(t *testing.T, lang string, p flows.Phrase) string {
	t.Helper()
	rendererOnce.Do(func() {
		cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
		if err != nil {
			t.Fatal(err)
		}
		content, err := bot.LoadContent(cfg)
		if err != nil {
			t.Fatal(err)
		}
		renderer, shippedFAQ = content.Renderer(cfg), content.FAQ.Get()
	})
	s, err := renderer.Phrase(lang, p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// texts lists messages by id and text, for a failure's message.
func texts(msgs []fakeapi.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "\n  [%d] %q", m.ID, m.Text)
	}
	return b.String()
}

// labels are the texts of a message's buttons, row by row.
func labels(m fakeapi.Message) []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

// hasButton reports whether a message has a button labelled label.
func hasButton(m fakeapi.Message, label string) bool {
	for _, l := range labels(m) {
		if l == label {
			return true
		}
	}
	return false
}

// copies returns the copies of a client's messages in a chat.
func copies(msgs []fakeapi.Message, client int64) []fakeapi.Message {
	var out []fakeapi.Message
	for _, m := range msgs {
		if m.Kind == "copy" && m.CopiedFrom == client {
			out = append(out, m)
		}
	}
	return out
}

// count counts the messages in a chat that contain text.
func (tb *testBot) count(chat int64, text string) int {
	n := 0
	for _, m := range tb.api.Messages(chat) {
		if strings.Contains(m.Text, text) {
			n++
		}
	}
	return n
}

// reacted waits until the bot put 👍 on a message of a manager.
func (tb *testBot) reacted(chat int64, msg int) {
	tb.t.Helper()
	ok := tb.api.WaitFor(5*time.Second, func() bool {
		m, found := tb.api.MessageByID(chat, msg)
		return found && len(m.Reactions) == 1 && m.Reactions[0] == "👍"
	})
	if !ok {
		tb.t.Errorf("message %d of chat %d got no 👍", msg, chat)
	}
}

// stepReminders counts the plan reminders a chat got.
func (tb *testBot) stepReminders(chat int64) int {
	n := 0
	for _, m := range tb.api.Messages(chat) {
		if strings.HasPrefix(m.Text, "⏰") {
			n++
		}
	}
	return n
}

// clean fails on text a person must never see: template syntax or a missing value.
func clean(t *testing.T, where string, m fakeapi.Message) {
	t.Helper()
	for _, bad := range []string{"{{", "}}", "<no value>", "%!"} {
		if strings.Contains(m.Text, bad) {
			t.Errorf("%s: %q shows %q", where, m.Text, bad)
		}
	}
}

// The operator's side: the database, the admin listener, raw updates, files and the log.

func (tb *testBot) db() *store.DB {
	tb.t.Helper()
	db, err := store.Open(tb.env["LOTSE_DB"])
	if err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Cleanup(func() { db.Close() })
	return db
}

// adminURL waits for the admin listener and returns its base URL.
func (tb *testBot) adminURL() string {
	tb.t.Helper()
	var addr string
	tb.api.WaitFor(10*time.Second, func() bool { addr = tb.main.AdminAddr(); return addr != "" })
	if addr == "" {
		tb.t.Fatal("the admin listener never started")
	}
	return "http://" + addr
}

// reply answers message id in u's chat with text, as a manager does by replying to it.
// Telegram shows a message a few milliseconds before Lotse has recorded what it was (the
// delivery's commit); no person answers that fast, a test does. So reply waits until
// nothing is left in the outbox.
func (tb *testBot) reply(u fakeapi.User, id int, text string) int64 {
	tb.t.Helper()
	metrics := tb.adminURL() + "/metrics"
	if !tb.api.WaitFor(10*time.Second, func() bool {
		_, body := get(tb.t, metrics)
		return strings.Contains(body, "\nlotse_outbox_messages 0\n")
	}) {
		tb.t.Fatal("the outbox never ran empty")
	}
	return tb.api.ReplyText(u, id, text)
}

// get fetches url and returns the status code and the body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// readyz decodes the admin listener's readiness answer into v.
func (tb *testBot) readyz(v any) {
	tb.t.Helper()
	resp, err := http.Get(tb.adminURL() + "/readyz")
	if err != nil {
		tb.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, v); err != nil {
		tb.t.Fatalf("/readyz: %v: %s", err, body)
	}
}

// rawStart is a /start update as Telegram sends it.
func rawStart(updateID, userID int64, lang string) json.RawMessage {
	raw, _ := json.Marshal(map[string]any{
		"update_id": updateID,
		"message": map[string]any{
			"message_id": 1,
			"date":       time.Now().Unix(),
			"from":       map[string]any{"id": userID, "is_bot": false, "first_name": "Test", "language_code": lang},
			"chat":       map[string]any{"id": userID, "type": "private", "first_name": "Test"},
			"text":       "/start",
			"entities":   []map[string]any{{"type": "bot_command", "offset": 0, "length": 6}},
		},
	})
	return raw
}

// clientTraces are the bytes that lead to a client richClient made: her Telegram id as text
// and as the 8 bytes of the keys, her name, case label, invitation token, the manager's note
// and the text of a message she relayed.
func clientTraces(u fakeapi.User, token string) map[string][]byte {
	return map[string][]byte{
		"id":           []byte(strconv.FormatInt(u.ID, 10)),
		"id (8 bytes)": binary.BigEndian.AppendUint64(nil, uint64(u.ID)),
		"name":         []byte(u.FirstName),
		"case label":   []byte("K-0001"),
		"invitation":   []byte(token),
		"note":         []byte("Frist beim Jobcenter"),
		"message":      []byte("رسالة من مركز العمل"),
	}
}

// tracesIn lists what of traces the raw bytes of each file hold, by file.
func tracesIn(traces map[string][]byte, files ...string) []string {
	var found []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			found = append(found, err.Error())
			continue
		}
		for name, trace := range traces {
			if bytes.Contains(raw, trace) {
				found = append(found, filepath.Base(f)+": "+name)
			}
		}
	}
	return found
}

// rawIDs finds where log shows one of ids as a number of its own, not as digits inside a
// longer number or a hash.
func rawIDs(log string, ids ...int64) []string {
	var found []string
	for _, id := range ids {
		re := regexp.MustCompile(`(^|[^0-9A-Za-z])` + strconv.FormatInt(id, 10) + `($|[^0-9A-Za-z])`)
		for _, line := range strings.Split(log, "\n") {
			if re.MatchString(line) {
				found = append(found, line)
			}
		}
	}
	return found
}

// syncBuffer collects the program's output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
