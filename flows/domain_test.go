package flows_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/locales"
	"github.com/lotse-bot/lotse/store"
)

// The domain tests drive Flows as the edge does — one store transaction per event, the
// outbox drained after it, each delivery settled — but without HTTP or Telegram: a temp-file
// bbolt store, a clock the test sets, and chats that are lists of the messages delivered.
// They assert on what a person would see: the catalog messages of a text and the labels of
// its buttons (their message ids; rendering is the edge's business and tested there).

var berlin, _ = time.LoadLocation("Europe/Berlin")

// monday is the clock of these tests: Monday 22 March 2027, 08:00 in Berlin. The example
// town's next office hours: Tuesday 09:00 (Rathaus), Wednesday 14:00 (Lindenweg).
var monday = time.Date(2027, 3, 22, 8, 0, 0, 0, berlin)

// The example town's staff: three managers (by district: 900101 altstadt and lindenweg,
// 900102 nord and lindenweg, 900103 oberdorf and nord) and an admin.
const (
	managerAltstadt = 900101
	managerNord     = 900102
	managerOberdorf = 900103
	admin           = 900001
)

// message is one message in a chat as its reader sees it.
type message struct {
	id  int
	out flows.Outgoing
}

// domain is the example town's Lotse with its chats.
type domain struct {
	t     *testing.T
	flows *flows.Flows
	db    *store.DB
	now   time.Time
	// chats holds the messages each chat got, oldest first; an edit replaces a message's
	// text and buttons in place.
	chats map[int64][]message
	// lastID is the last message id of each chat, shared by both sides as on Telegram.
	lastID map[int64]int
	// answers holds the answers to each chat's button presses (a short pop-up, or none).
	answers map[int64][]flows.Outgoing
	// unreachable chats refuse every message, as a chat that blocked the bot does.
	unreachable map[int64]bool
}

// newDomain starts the example town at monday with a fresh database file.
func newDomain(t *testing.T) *domain {
	t.Helper()
	cfg, err := flows.ParseConfig(flows.ExampleConfigName, flows.ExampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	faq, err := flows.LoadFAQ(locales.FAQ, "", cfg)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "lotse.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	d := &domain{t: t, db: db, now: monday, chats: map[int64][]message{}, lastID: map[int64]int{}, answers: map[int64][]flows.Outgoing{}, unreachable: map[int64]bool{}}
	d.flows = flows.New(cfg, flows.NewFAQStore(faq), func() time.Time { return d.now })
	d.do(d.flows.Start)
	return d
}

// do runs fn in one write transaction and delivers what it sent.
func (d *domain) do(fn func(flows.Tx) error) {
	d.t.Helper()
	sent, err := d.db.Do(fn)
	if err != nil {
		d.t.Fatal(err)
	}
	d.deliver(sent)
}

// deliver hands the outbox entries to their chats, as the sender does, and settles each
// one, delivering in turn what the settling sends.
func (d *domain) deliver(entries []store.OutboxEntry) {
	d.t.Helper()
	for len(entries) > 0 {
		e := entries[0]
		entries = entries[1:]
		o, result, id := e.Out, flows.Delivered, 0
		switch {
		case d.unreachable[o.Chat]:
			result = flows.Unreachable
			if o.Kind == flows.OutAnswer || o.Kind == flows.OutReact {
				result = flows.Refused
			}
		case o.Kind == flows.OutEdit:
			id = o.EditID
			for i, m := range d.chats[o.Chat] {
				if m.id == o.EditID {
					d.chats[o.Chat][i].out = o
				}
			}
		case o.Kind == flows.OutAnswer:
			d.answers[o.Chat] = append(d.answers[o.Chat], o)
		case o.Kind == flows.OutReact || o.Kind == flows.OutTranslate || o.Kind == flows.OutCommands: // no message in the chat
		default:
			id = d.newID(o.Chat)
			d.chats[o.Chat] = append(d.chats[o.Chat], message{id: id, out: o})
		}
		next, err := d.db.Settle([]store.OutboxEntry{e}, func(tx flows.Tx, e store.OutboxEntry) error {
			return d.flows.Settled(tx, e.Out, result, id)
		})
		if err != nil {
			d.t.Fatal(err)
		}
		entries = append(entries, next...)
	}
}

func (d *domain) newID(chat int64) int {
	d.lastID[chat]++
	return d.lastID[chat]
}

// handle lets Flows handle one event of user, in the user's language lang.
func (d *domain) handle(user int64, lang string, ev flows.Event) {
	d.t.Helper()
	ev.UserID, ev.LanguageCode, ev.FirstName = user, lang, "Person"
	d.do(func(tx flows.Tx) error { return d.flows.Handle(tx, ev) })
}

// send writes text (a /command or not) as user and returns the message's id.
func (d *domain) send(user int64, lang, text string) int {
	d.t.Helper()
	return d.reply(user, lang, text, 0)
}

// reply writes text as user in reply to message to of the user's chat.
func (d *domain) reply(user int64, lang, text string, to int) int {
	d.t.Helper()
	ev := flows.Event{Kind: flows.EventText, MessageID: d.newID(user), Text: text, ReplyTo: to}
	if cmd, ok := strings.CutPrefix(text, "/"); ok {
		cmd, arg, _ := strings.Cut(cmd, " ")
		ev.Kind, ev.Command, ev.Text = flows.EventCommand, cmd, arg
	}
	d.handle(user, lang, ev)
	return ev.MessageID
}

// press presses, as user, the newest button whose label shows every one of words (catalog
// message ids or literal values).
func (d *domain) press(user int64, lang string, words ...string) {
	d.t.Helper()
	msgs := d.chats[user]
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].out.Buttons {
			for _, b := range row {
				if b.Data != "" && shows(b.Label, words...) {
					d.handle(user, lang, flows.Event{Kind: flows.EventButton, MessageID: msgs[i].id, Data: b.Data, CallbackID: fmt.Sprint("cb", msgs[i].id)})
					return
				}
			}
		}
	}
	d.t.Fatalf("user %d has no button showing %q; chat:\n%s", user, words, d.dump(user))
}

// pressData presses a button with the given data, as a modified client can, under the
// newest message of user's chat.
func (d *domain) pressData(user int64, lang, data string) {
	d.t.Helper()
	id := 0
	if msgs := d.chats[user]; len(msgs) > 0 {
		id = msgs[len(msgs)-1].id
	}
	d.handle(user, lang, flows.Event{Kind: flows.EventButton, MessageID: id, Data: data, CallbackID: "forged"})
}

// tick advances the clock to at and runs what is due, as the scheduler does.
func (d *domain) tick(at time.Time) {
	d.t.Helper()
	d.now = at
	d.do(d.flows.Tick)
}

// last returns the newest message of chat, or fails.
func (d *domain) last(chat int64) message {
	d.t.Helper()
	msgs := d.chats[chat]
	if len(msgs) == 0 {
		d.t.Fatalf("chat %d got nothing", chat)
	}
	return msgs[len(msgs)-1]
}

// find returns the newest message of chat that is, and whether there is one.
func (d *domain) find(chat int64, is func(message) bool) (message, bool) {
	msgs := d.chats[chat]
	for i := len(msgs) - 1; i >= 0; i-- {
		if is(msgs[i]) {
			return msgs[i], true
		}
	}
	return message{}, false
}

// client reads a client's stored record.
func (d *domain) client(id int64) *flows.Client {
	d.t.Helper()
	c, err := d.db.Client(id)
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

// appointments reads a client's stored appointments.
func (d *domain) appointments(client int64) []*flows.Appointment {
	d.t.Helper()
	var out []*flows.Appointment
	err := d.db.View(func(tx flows.Tx) (err error) {
		out, err = tx.ClientAppointments(client)
		return err
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return out
}

// dump lists a chat's messages by the ids they show, for failure messages.
func (d *domain) dump(chat int64) string {
	var b strings.Builder
	for _, m := range d.chats[chat] {
		fmt.Fprintf(&b, "  #%d kind %d %v buttons %v\n", m.id, m.out.Kind, words(m.out.Text...), buttonWords(m.out))
	}
	return b.String()
}

// words lists the catalog message ids and literal values that phrases show.
func words(phrases ...flows.Phrase) []string {
	var out []string
	for _, p := range phrases {
		switch {
		case p.Kind == "" && p.ID != "":
			out = append(out, p.ID)
		case p.Kind != "" && p.ID != "":
			out = append(out, p.Kind+":"+p.ID)
		}
		if p.Literal != "" && p.Kind != flows.PhraseJoin {
			// A literal shows as a whole and word by word ("🏠 Altstadt" shows "Altstadt").
			out = append(out, p.Literal)
			if f := strings.Fields(p.Literal); len(f) > 1 {
				out = append(out, f...)
			}
		}
		for _, v := range p.Args {
			out = append(out, v)
		}
		for _, sub := range p.Sub {
			out = append(out, words(sub)...)
		}
		out = append(out, words(p.Parts...)...)
	}
	return out
}

func buttonWords(o flows.Outgoing) [][]string {
	var out [][]string
	for _, row := range o.Buttons {
		for _, b := range row {
			out = append(out, words(b.Label))
		}
	}
	return out
}

// shows reports whether p shows every one of want.
func shows(p flows.Phrase, want ...string) bool {
	got := words(p)
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}

// says reports whether message m's text shows every one of want.
func (m message) says(want ...string) bool {
	return shows(flows.Phrase{Parts: m.out.Text}, want...)
}

// hasButton reports whether m has a button whose label shows every one of want.
func (m message) hasButton(want ...string) bool {
	for _, row := range m.out.Buttons {
		for _, b := range row {
			if shows(b.Label, want...) {
				return true
			}
		}
	}
	return false
}
