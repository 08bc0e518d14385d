package app

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

// TestTheLogNamesNoChatButLetsAnOperatorFollowOne runs a client's message to the manager,
// the manager's answer and a refusal (the client deleted their account) with the log at
// debug level, and fails if any of the chats' Telegram ids appears in it. The operator
// still finds the client's lines by the name "lotse logid" gives for the id, from the
// running Lotse and from the database alike.
func TestTheLogNamesNoChatButLetsAnOperatorFollowOne(t *testing.T) {
	tb := newTestBot(t, "LOTSE_LOG_LEVEL", "debug", "LOTSE_RATE_GLOBAL", "1000")
	y, h, a := tb.startStaff(yilmaz), tb.startStaff(haddad), tb.startStaff(admin)
	u := fakeapi.User{ID: 5550123457, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")

	tb.api.SendText(u, "سؤال عن رسالة من الجوب سنتر")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	cp := copies(tb.api.Messages(y.ID), u.ID)[0]
	tb.reply(y, cp.ID, "Ich kümmere mich.")
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" })

	tb.api.Deactivate(u.ID)
	tb.reply(y, cp.ID, "Bitte bringen Sie den Brief mit.")
	tb.refused("copyMessage", 403)
	tb.api.WaitFor(10*time.Second, func() bool { return strings.Contains(tb.logs.String(), "recipient cannot receive") })

	out := &syncBuffer{}
	cli := &Main{Getenv: func(k string) string { return tb.env[k] }, Stdout: out, Stderr: out, Now: time.Now}
	cli.env(tb.main.AdminAddr())
	if code := exit(cli.Stderr, cli.Run(t.Context(), []string{"logid", strconv.FormatInt(u.ID, 10)})); code != 0 {
		t.Fatalf("lotse logid on the running Lotse: exit %d, %s", code, out)
	}
	name := strings.TrimSpace(out.String())
	if !regexp.MustCompile(`^[0-9a-f]{10}$`).MatchString(name) {
		t.Fatalf("lotse logid printed %q, want ten hex digits", name)
	}
	tb.stop()

	log := tb.logs.String()
	if leaks := rawIDs(log, u.ID, y.ID, h.ID, a.ID); len(leaks) > 0 {
		t.Errorf("the log shows Telegram ids in %d lines, first: %s", len(leaks), leaks[0])
	}
	var refusal string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "recipient cannot receive") {
			refusal = line
		}
	}
	if !strings.Contains(refusal, "chat="+name) {
		t.Errorf("the refusal's log line does not name the client's chat %s: %q", name, refusal)
	}

	out = &syncBuffer{}
	direct := &Main{Getenv: func(k string) string { return tb.env[k] }, Stdout: out, Stderr: out, Now: time.Now}
	if code := exit(direct.Stderr, direct.Run(t.Context(), []string{"logid", strconv.FormatInt(u.ID, 10)})); code != 0 || strings.TrimSpace(out.String()) != name {
		t.Errorf("lotse logid on the stopped Lotse's database: exit %d, %q; want %s as from the running one", code, out, name)
	}
}
