package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

func TestDuplicateUpdateIsHandledOnce(t *testing.T) {
	tb := newTestBot(t)
	const user = 201
	tb.api.EnqueueRaw(rawStart(880001, user, "uk"))
	tb.api.EnqueueRaw(rawStart(880001, user, "uk")) // same batch
	tb.waitMessages(user, 1)
	tb.api.EnqueueRaw(rawStart(880001, user, "uk")) // after it was acknowledged
	tb.api.WaitFor(5*time.Second, func() bool { return tb.api.PendingUpdates() == 0 })
	tb.quiet(user, 1)
}

func TestAbruptStopLosesNothingAndSendsNothingTwice(t *testing.T) {
	// A global limit of 10 messages a second keeps messages waiting in the outbox, so every
	// stop below hits work in progress.
	tb := newTestBot(t, "LOTSE_RATE_GLOBAL", "10")
	const rounds, perRound = 3, 20
	chat := func(round, i int) int64 { return int64(300 + round*100 + i) }
	delivered := func() int {
		n := 0
		for r := 0; r < rounds; r++ {
			for i := 0; i < perRound; i++ {
				n += len(tb.api.Messages(chat(r, i)))
			}
		}
		return n
	}
	for round := 0; round < rounds; round++ {
		before := delivered()
		for i := 0; i < perRound; i++ {
			u := fakeapi.User{ID: chat(round, i), FirstName: "Client", LanguageCode: []string{"ar", "uk", "ti", "de"}[i%4]}
			tb.api.SendText(u, "/start")
		}
		// Stop as soon as the bot is at work, as a crash or kill would, then start again.
		tb.api.WaitFor(10*time.Second, func() bool { return delivered() > before })
		tb.restart()
	}
	for r := 0; r < rounds; r++ {
		for i := 0; i < perRound; i++ {
			tb.waitMessages(chat(r, i), 1)
		}
	}
	time.Sleep(500 * time.Millisecond)
	for r := 0; r < rounds; r++ {
		for i := 0; i < perRound; i++ {
			if msgs := tb.api.Messages(chat(r, i)); len(msgs) != 1 {
				t.Errorf("chat %d got %d messages, want exactly 1: %s", chat(r, i), len(msgs), texts(msgs))
			}
		}
	}
	// The stops must have hit work in progress, or this test proves nothing.
	if !strings.Contains(tb.logs.String(), "left from the last run") {
		t.Errorf("no restart found unsent messages; the test did not interrupt anything")
	}
	tb.stop()
	db := tb.db()
	if inbox, _ := db.Inbox(); len(inbox) != 0 {
		t.Errorf("%d journaled updates were never handled", len(inbox))
	}
	if out, _ := db.Outbox(); len(out) != 0 {
		t.Errorf("%d messages were never sent", len(out))
	}
}

func TestRateLimitAndServerErrorsDeliverExactlyOnce(t *testing.T) {
	tb := newTestBot(t)
	tb.api.InjectFaults("sendMessage",
		fakeapi.Fault{Status: 429, RetryAfter: 2},
		fakeapi.Fault{Status: 500},
		fakeapi.Fault{Status: 502, RawBody: "<html>Bad Gateway</html>"},
	)
	u := fakeapi.User{ID: 210, FirstName: "Amina", LanguageCode: "so"}
	tb.api.SendText(u, "/start")
	msgs, ok := tb.api.WaitMessages(u.ID, 1, 20*time.Second)
	if !ok {
		t.Fatalf("the message never arrived")
	}
	calls := tb.api.Calls("sendMessage")
	if len(calls) < 4 {
		t.Fatalf("%d sendMessage calls, want 3 failures and a success", len(calls))
	}
	if waited := msgs[0].Date.Sub(calls[0].At); waited < 2*time.Second {
		t.Errorf("delivered %v after the 429, want at least retry_after (2 s)", waited)
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < 2*time.Second {
		t.Errorf("retried %v after a 429 with retry_after 2", gap)
	}
	if want := say(t, "so", "LanguageConfirm"); !strings.Contains(msgs[0].Text, want) {
		t.Errorf("got %q, want the Somali greeting", msgs[0].Text)
	}
	tb.quiet(u.ID, 1)
}

func TestBlockedClientIsMarkedUnreachableAndComesBack(t *testing.T) {
	tb := newTestBot(t)
	u := fakeapi.User{ID: 220, FirstName: "Roza", LanguageCode: "ku"}
	tb.api.Block(u.ID)
	tb.api.SendText(u, "/start")
	tb.refused("sendMessage", 403)
	tb.restart() // the mark is on disk, not only in memory
	tb.stop()
	db := tb.db()
	c, err := db.Client(u.ID)
	if err != nil || !c.Unreachable {
		t.Fatalf("blocked client stored as %+v, %v; want kept and unreachable", c, err)
	}
	db.Close()

	tb.api.Unblock(u.ID)
	tb.start()
	tb.api.SendText(u, "/start")
	m := tb.waitMessages(u.ID, 1)[0]
	if want := say(t, "ku", "LanguageConfirm"); !strings.Contains(m.Text, want) {
		t.Errorf("got %q, want the Kurmanji greeting", m.Text)
	}
	tb.stop()
	db = tb.db()
	if c, err := db.Client(u.ID); err != nil || c.Unreachable {
		t.Errorf("client who wrote again stored as %+v, %v; want reachable", c, err)
	}
}

func TestPerChatLimitSpacesMessages(t *testing.T) {
	tb := newTestBot(t, "LOTSE_RATE_CHAT", "2")
	u := fakeapi.User{ID: 230, FirstName: "Lena", LanguageCode: "de"}
	for i := 0; i < 6; i++ {
		tb.api.SendText(u, fmt.Sprintf("hallo %d", i))
	}
	msgs := tb.waitMessages(u.ID, 6)
	// A burst of 3 is allowed, then 2 per second.
	if span := msgs[5].Date.Sub(msgs[0].Date); span < 1200*time.Millisecond {
		t.Errorf("6 messages to one chat within %v, want the per-chat limit to spread them", span)
	}
}
