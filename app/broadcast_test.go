package app

import (
	"slices"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/store"
)

// newsLangs are the languages of the clients seedNewsClients puts in the database.
var newsLangs = []string{"uk", "ar", "fa", "tr"}

// seedNewsClients stores n consented clients of Frau Yılmaz in the database at path, as
// earlier runs of the bot would have left them, and returns them as Telegram users. The
// caller opens their chats in the fake Bot API (they pressed Start back then).
func seedNewsClients(tb testing.TB, path string, n int) []fakeapi.User {
	tb.Helper()
	db, err := store.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	users := make([]fakeapi.User, n)
	_, err = db.Do(func(tx flows.Tx) error {
		for i := range n {
			number, err := tx.NextCase()
			if err != nil {
				return err
			}
			lang := newsLangs[i%len(newsLangs)]
			c := &flows.Client{ID: int64(4_000_000 + i), Lang: lang, Step: flows.StepMenu, ConsentAt: time.Now(),
				Case: number, Manager: yilmaz, District: "altstadt", CreatedAt: time.Now(), LastSeenAt: time.Now()}
			if err := tx.PutClient(c); err != nil {
				return err
			}
			users[i] = fakeapi.User{ID: c.ID, FirstName: "Client", LanguageCode: lang}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatal(err)
	}
	return users
}

// sendNews makes manager send the language café of tomorrow to all their clients, pressing
// the confirmation's button of the /broadcast screen.
func sendNews(tb testing.TB, api *fakeapi.Server, manager fakeapi.User) {
	tb.Helper()
	api.SendText(manager, "/broadcast")
	msgs, ok := api.WaitMessages(manager.ID, 2, time.Minute)
	if !ok {
		tb.Fatalf("no group news menu: %s", texts(msgs))
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		tb.Fatal(err)
	}
	day := time.Now().In(loc).AddDate(0, 0, 1).Format("20060102")
	api.PressData(manager, msgs[len(msgs)-1].ID, flows.Data(flows.ActNewsSend, "cafe."+day+".all"))
}

// gotNews reports whether a client's chat holds the group news, known by its opt-out button.
func gotNews(api *fakeapi.Server, u fakeapi.User) bool {
	return slices.ContainsFunc(api.Messages(u.ID), isNews)
}

// isNews reports whether a message is group news.
func isNews(m fakeapi.Message) bool {
	optOut := flows.Data(flows.ActNewsOff, "off")
	return slices.ContainsFunc(m.Buttons, func(row []fakeapi.Button) bool {
		return slices.ContainsFunc(row, func(b fakeapi.Button) bool { return b.Data == optOut })
	})
}

// A client who writes while group news to many is on its way gets the answer before the rest
// of the news goes out, even when the news to that client waits in front of the answer.
func TestAnswerOvertakesGroupNews(t *testing.T) {
	// Five messages a second overall: the news to thirty clients takes six seconds.
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "5")
	tb.stop()
	clients := seedNewsClients(t, tb.env["LOTSE_DB"], 30)
	tb.api.Opened(clients...)
	tb.start()
	y := tb.startStaff(yilmaz)

	sendNews(t, tb.api, y)
	tb.waitFor(y.ID, func() bool { return gotNews(tb.api, clients[0]) })
	writer := clients[len(clients)-1]
	tb.api.SendText(writer, "/menu")
	tb.find(writer.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, writer.LanguageCode, "MenuFAQ")) })

	waiting := 0
	for _, c := range clients {
		if !gotNews(tb.api, c) {
			waiting++
		}
	}
	if waiting == 0 {
		t.Error("the client's menu came only after the news had reached all 30 clients")
	}
	// The news to the writer was queued before the answer and goes first in that chat.
	if !gotNews(tb.api, writer) {
		t.Error("the answer overtook the news in the writer's own chat")
	}
}

func TestRemindersLeftInTheOutboxWaitBehindAnAnswerAfterARestart(t *testing.T) {
	// Five messages a second overall; thirty reminders the scheduler queued before a stop
	// wait in the outbox. After the start, a client's /menu goes before most of them.
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "5")
	tb.stop()
	clients := seedNewsClients(t, tb.env["LOTSE_DB"], 30)
	db, err := store.Open(tb.env["LOTSE_DB"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Do(func(tx flows.Tx) error {
		for _, c := range clients {
			// What flows.Tick sends is marked so; here the outbox is filled as a stop left it.
			if err := tx.Send(flows.Outgoing{Chat: c.ID, Lang: c.LanguageCode, Kind: flows.OutSend, Scheduled: true,
				Text: []flows.Phrase{flows.Msg("ReminderText", "When", "Dienstag, 30.03.2027, 09:30", "Office", "Rathaus", "Address", "Marktplatz 1")}}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	tb.api.Opened(clients...)
	tb.start()
	writer := clients[len(clients)-1]
	tb.api.SendText(writer, "/menu")
	tb.find(writer.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, writer.LanguageCode, "MenuFAQ")) })
	waiting := 0
	for _, c := range clients {
		if len(tb.api.Messages(c.ID)) == 0 {
			waiting++
		}
	}
	if waiting == 0 {
		t.Error("the client's menu came only after all 30 reminders left over from before the restart")
	}
}
