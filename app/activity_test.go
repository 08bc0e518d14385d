package app

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/translate/fake"
)

// activityStart is the start of the language café the tests put together: the Wednesday after
// monday, at 17:00 in the town's zone.
var activityStart = time.Date(2027, 3, 24, 17, 0, 0, 0, berlin)

// staffStep presses data on the newest message of a staff member's chat, waits until the
// bot handled it, and returns the newest message then.
func (tb *testBot) staffStep(u fakeapi.User, data string) (fakeapi.Message, string) {
	tb.t.Helper()
	m, _ := tb.api.LastMessage(u.ID)
	popup := tb.pressData(u, m.ID, data)
	tb.idle()
	m, _ = tb.api.LastMessage(u.ID)
	return m, popup
}

// putTogetherCafe lets manager put together the language café of activityStart with seats
// seats, Arabic and Ukrainian spoken, an interpreter, and send it to all their clients. It
// returns the staff's last screen.
func (tb *testBot) putTogetherCafe(manager fakeapi.User, seats string) fakeapi.Message {
	tb.t.Helper()
	tb.api.SendText(manager, "/broadcast")
	tb.press(manager, say(tb.t, "de", "StaffActivityNew"))
	tb.idle()
	tb.press(manager, say(tb.t, "de", "ActivityTitleCafe"))
	tb.idle()
	for _, data := range []string{"d.20270324", "h.17", "p.lindenweg", "s." + seats, "l.ar", "l.uk", "l.ok", "i.y"} {
		tb.staffStep(manager, flows.Data(flows.ActActivity, data))
	}
	m, _ := tb.staffStep(manager, flows.Data(flows.ActActivity, "g.all"))
	if !strings.Contains(m.Text, say(tb.t, "de", "ActivityTitleCafe")) || !hasButton(m, say(tb.t, "de", "StaffBroadcastSend")) {
		tb.t.Fatalf("the confirmation before sending: %q %v", m.Text, labels(m))
	}
	m, _ = tb.staffStep(manager, flows.Data(flows.ActActivity, "x.all"))
	return m
}

// invitation waits for the activity in a client's chat and returns the message and the
// activity's id from its buttons.
func (tb *testBot) invitation(u fakeapi.User) (fakeapi.Message, string) {
	tb.t.Helper()
	m := tb.find(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(tb.t, u.LanguageCode, "ActivityYes")) })
	for _, row := range m.Buttons {
		for _, b := range row {
			if arg, ok := strings.CutPrefix(b.Data, flows.Data(flows.ActJoin, "")); ok {
				id, _, _ := strings.Cut(arg, ".")
				return m, id
			}
		}
	}
	tb.t.Fatalf("the invitation has no answer buttons: %v", m.Buttons)
	return m, ""
}

// answer presses a client's answer to the activity id on the message msg and returns the
// message as the bot left it, once it shows want.
func (tb *testBot) answerActivity(u fakeapi.User, msg int, id string, yes bool, want string) fakeapi.Message {
	tb.t.Helper()
	choice := ".n"
	if yes {
		choice = ".y"
	}
	tb.pressData(u, msg, flows.Data(flows.ActJoin, id+choice))
	return tb.find(u.ID, func(m fakeapi.Message) bool { return m.ID == msg && strings.Contains(m.Text, want) })
}

// The Done-when of group activities: a language café with 5 seats goes to 8 clients in 4
// languages; 5 yeses are taken, the sixth is told in Arabic that it is full; a yes taken back
// frees a seat; the five get one reminder the day before, also across a restart; after the
// café the manager is asked to mark who came and does, and /stats counts the activity and its participants. A
// client who deletes their data leaves the list, and their seat is free again.
func TestGroupActivityFromInvitationToReport(t *testing.T) {
	tb := newBookingBot(t)
	tb.stop()
	clients := seedNewsClients(t, tb.env["LOTSE_DB"], 8) // uk, ar, fa, tr, uk, ar, fa, tr
	tb.api.Opened(clients...)
	tb.start()
	y := tb.startStaff(yilmaz)

	sent := tb.putTogetherCafe(y, "5")
	if want := render(t, "de", flows.Phrase{ID: "StaffActivitySent", Sub: map[string]flows.Phrase{"Count": flows.Number("8")}}); !strings.Contains(sent.Text, want) {
		t.Fatalf("after sending the manager reads %q, want %q", sent.Text, want)
	}

	msgs := make([]fakeapi.Message, len(clients))
	var id string
	for i, c := range clients {
		msgs[i], id = tb.invitation(c)
		for _, line := range []string{say(t, c.LanguageCode, "ActivityTitleCafe"), say(t, c.LanguageCode, "ActivityInterpreter"), "Gemeinschaftsraum Lindenweg"} {
			if !strings.Contains(msgs[i].Text, line) {
				t.Errorf("the %s invitation lacks %q:\n%s", c.LanguageCode, line, msgs[i].Text)
			}
		}
	}

	// Five yeses take the five seats.
	for i := range 5 {
		c := clients[i]
		tb.answerActivity(c, msgs[i].ID, id, true, say(t, c.LanguageCode, "ActivityYesThanks"))
	}
	// The sixth, in Arabic, is told it is full, and is not counted.
	sixth := clients[5]
	full := tb.answerActivity(sixth, msgs[5].ID, id, true, say(t, "ar", "ActivityFull"))
	if hasButton(full, say(t, "ar", "ActivityYes")) {
		t.Errorf("the full activity still offers a seat: %v", labels(full))
	}
	// One takes her yes back; the seat goes to the sixth.
	tb.answerActivity(clients[2], msgs[2].ID, id, false, say(t, "fa", "ActivityNoThanks"))
	tb.answerActivity(sixth, msgs[5].ID, id, true, say(t, "ar", "ActivityYesThanks"))
	tb.answerActivity(clients[7], msgs[7].ID, id, false, say(t, "tr", "ActivityNoThanks"))
	coming := []int{0, 1, 3, 4, 5}

	// The manager sees who comes, by case label and language.
	list, _ := tb.staffStep(y, flows.Data(flows.ActActivity, "v."+id))
	for _, want := range []string{
		render(t, "de", flows.Phrase{ID: "StaffActivitySeatsLeft", Sub: map[string]flows.Phrase{"Left": flows.Number("0"), "Seats": flows.Number("5")}}),
		render(t, "de", flows.Phrase{ID: "StaffActivityAnswers", Sub: map[string]flows.Phrase{"Invited": flows.Number("8"), "Yes": flows.Number("5"), "No": flows.Number("2"), "Came": flows.Number("0")}}),
		"K-0006 · " + say(t, "de", "LanguageNameAr"),
	} {
		if !strings.Contains(list.Text, want) {
			t.Errorf("the list of who comes lacks %q:\n%s", want, list.Text)
		}
	}
	if strings.Contains(list.Text, "K-0003") {
		t.Errorf("the list names K-0003, who took her yes back:\n%s", list.Text)
	}

	// The day before, the five are reminded once, in their language; a restart sends nothing twice.
	reminded := func(c fakeapi.User) int { return tb.count(c.ID, say(t, c.LanguageCode, "ActivityReminder")) }
	tb.at(activityStart.Add(-23 * time.Hour))
	for _, i := range coming {
		c := clients[i]
		tb.waitFor(c.ID, func() bool { return reminded(c) == 1 })
	}
	tb.restart()
	tb.at(activityStart.Add(-22 * time.Hour))
	tb.idle()
	for i, c := range clients {
		if want := map[bool]int{true: 1}[slices.Contains(coming, i)]; reminded(c) != want {
			t.Errorf("client %d (%s) got %d reminders, want %d", i, c.LanguageCode, reminded(c), want)
		}
	}

	// After the café the manager is asked to mark who came, and marks three.
	tb.at(activityStart.Add(3*time.Hour + time.Minute))
	tb.last(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "StaffActivityMarkNow")) })
	tb.staffStep(y, flows.Data(flows.ActActivity, "v."+id))
	for _, n := range []string{"1", "2", "6"} {
		list, _ = tb.staffStep(y, flows.Data(flows.ActActivity, "m."+id+"."+n))
	}
	if want := render(t, "de", flows.Phrase{ID: "StaffActivityAnswers", Sub: map[string]flows.Phrase{"Invited": flows.Number("8"), "Yes": flows.Number("5"), "No": flows.Number("2"), "Came": flows.Number("3")}}); !strings.Contains(list.Text, want) {
		t.Errorf("after marking, the list reads:\n%s\nwant %q", list.Text, want)
	}
	// A late yes is too late.
	if popup := tb.pressData(clients[6], msgs[6].ID, flows.Data(flows.ActJoin, id+".y")); popup != say(t, "fa", "ActivityPast") {
		t.Errorf("a yes after the start got %q", popup)
	}

	a := tb.startStaff(admin)
	tb.api.SendText(a, "/stats")
	want := render(t, "de", flows.Phrase{ID: "StatsActivities", Sub: map[string]flows.Phrase{"Sent": flows.Number("1"), "Yes": flows.Number("5"), "Came": flows.Number("3")}})
	tb.find(a.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, want) })

	// The manager finds the café among their activities.
	tb.api.SendText(y, "/broadcast")
	tb.press(y, say(t, "de", "StaffActivities"))
	tb.find(y.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "de", "ActivityTitleCafe")+" 24.03. 17:00") })
	tb.idle()

	// A client who said yes deletes her data: she leaves the list, and the seat is free.
	gone := clients[4]
	// First she looks at what is stored: her answer, in the file and in the document.
	tb.api.SendText(gone, "/mydata")
	doc := tb.find(gone.ID, func(m fakeapi.Message) bool { return m.Kind == "document" && strings.HasSuffix(m.FileName, ".json") })
	var data struct {
		Activities []struct{ Activity, Title, Answer string } `json:"group_activities"`
	}
	if err := json.Unmarshal(doc.FileData, &data); err != nil || len(data.Activities) != 1 || data.Activities[0].Activity != id || data.Activities[0].Title != "cafe" || data.Activities[0].Answer != "yes" {
		t.Errorf("her /mydata file holds group activities %+v (%v)", data.Activities, err)
	}
	readable := tb.find(gone.ID, func(m fakeapi.Message) bool { return m.Kind == "document" && strings.HasSuffix(m.FileName, ".txt") })
	for _, want := range []string{say(t, "uk", "ExportActivitiesTitle"), say(t, "uk", "ActivityTitleCafe"), say(t, "uk", "ExportActivityYes")} {
		if !strings.Contains(string(readable.FileData), want) {
			t.Errorf("her readable /mydata lacks %q", want)
		}
	}
	tb.api.SendText(gone, "/delete")
	tb.press(gone, say(t, gone.LanguageCode, "DeleteYes"))
	tb.find(gone.ID, func(m fakeapi.Message) bool { return m.Text == say(t, gone.LanguageCode, "Deleted") })
	list, _ = tb.staffStep(y, flows.Data(flows.ActActivity, "v."+id))
	if strings.Contains(list.Text, "K-0005") || !strings.Contains(list.Text, render(t, "de", flows.Phrase{ID: "StaffActivitySeatsLeft", Sub: map[string]flows.Phrase{"Left": flows.Number("1"), "Seats": flows.Number("5")}})) {
		t.Errorf("after K-0005 deleted her data the list reads:\n%s", list.Text)
	}
	tb.stop()
	db := tb.db()
	err := db.View(func(tx flows.Tx) error {
		tr, err := tx.Trace(gone.ID)
		if err != nil {
			return err
		}
		answers, err := tx.Answers(id)
		if len(tr.Answers) > 0 || slices.ContainsFunc(answers, func(a *flows.Answer) bool { return a.Client == gone.ID }) {
			t.Errorf("an answer of the erased client is still stored")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Forged, outdated and misplaced presses on group activities get a clear answer in the
// presser's language and change nothing: an activity that does not exist, a client outside
// the segment, malformed data, a draft gone, a seat count not offered, a time past, a second
// press of "send", another manager's activity, attendance before the start or of someone
// who did not say yes.
func TestGroupActivityBadInput(t *testing.T) {
	tb := newBookingBot(t)
	tb.stop()
	clients := seedNewsClients(t, tb.env["LOTSE_DB"], 2) // uk, ar
	tb.api.Opened(clients...)
	tb.start()
	y := tb.startStaff(yilmaz)
	h := tb.startStaff(haddad)
	outsider := fakeapi.User{ID: 4_100_000, FirstName: "Olga", LanguageCode: "ru"}
	tb.toMenu(outsider, "ru", true)

	// A draft step without a draft, and a seat count no button offers.
	if m, _ := tb.staffStep(y, flows.Data(flows.ActActivity, "p.lindenweg")); !strings.Contains(m.Text, say(t, "de", "StaffActivityExpired")) {
		t.Errorf("a place without a draft shows %q", m.Text)
	}
	// Monday is at 08:00; 09:00 that day is ahead, but not once the clock says noon.
	tb.at(monday.Add(4 * time.Hour))
	tb.api.SendText(y, "/broadcast")
	tb.press(y, say(t, "de", "StaffActivityNew"))
	tb.idle()
	tb.press(y, say(t, "de", "ActivityTitleInfo"))
	tb.idle()
	tb.staffStep(y, flows.Data(flows.ActActivity, "d.20270322"))
	if m, _ := tb.staffStep(y, flows.Data(flows.ActActivity, "h.09")); !strings.Contains(m.Text, say(t, "de", "StaffActivityPast")) {
		t.Errorf("a time already past shows %q", m.Text)
	}
	for _, data := range []string{"h.17", "p.lindenweg"} {
		tb.staffStep(y, flows.Data(flows.ActActivity, data))
	}
	if _, popup := tb.staffStep(y, flows.Data(flows.ActActivity, "s.7")); popup != say(t, "de", "ButtonExpired") {
		t.Errorf("seven seats, which no button offers, got %q", popup)
	}
	for _, data := range []string{"s.5", "l.ok", "i.n", "g.all"} {
		tb.staffStep(y, flows.Data(flows.ActActivity, data))
	}
	confirm, _ := tb.api.LastMessage(y.ID)
	tb.pressData(y, confirm.ID, flows.Data(flows.ActActivity, "x.all"))
	tb.idle()
	tb.pressData(y, confirm.ID, flows.Data(flows.ActActivity, "x.all"))
	tb.idle()
	_, id := tb.invitation(clients[0])
	for _, c := range clients {
		if n := tb.count(c.ID, say(t, c.LanguageCode, "ActivityAsk")); n != 1 {
			t.Errorf("two presses of send gave %s %d invitations", c.LanguageCode, n)
		}
	}

	// The client outside the segment, with an old or copied button, and forged data.
	tb.api.PressData(outsider, 1, flows.Data(flows.ActJoin, id+".y"))
	tb.find(outsider.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ru", "ActivityNotInvited")) })
	tb.api.PressData(outsider, 1, flows.Data(flows.ActJoin, "V999.y"))
	tb.find(outsider.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ru", "ActivityGone")) })
	for _, data := range []string{"1:gy:" + id + ".z", "1:gy:" + id, "1:gy:../" + id + ".y", "1:ga:v." + id} {
		if popup := tb.pressData(clients[1], 1, data); popup != say(t, "ar", "ButtonExpired") {
			t.Errorf("forged %q got %q", data, popup)
		}
	}

	// Another manager cannot see the list; attendance waits for the start.
	if m, _ := tb.staffStep(h, flows.Data(flows.ActActivity, "v."+id)); !strings.Contains(m.Text, say(t, "de", "StaffActivityGone")) {
		t.Errorf("Herr Haddad looking at Frau Yılmaz's activity sees %q", m.Text)
	}
	if _, popup := tb.staffStep(y, flows.Data(flows.ActActivity, "m."+id+".1")); popup != say(t, "de", "StaffActivityNotYet") {
		t.Errorf("marking before the start got %q", popup)
	}
	tb.at(time.Date(2027, 3, 22, 18, 0, 0, 0, berlin))
	if _, popup := tb.staffStep(y, flows.Data(flows.ActActivity, "m."+id+".1")); popup != say(t, "de", "StaffActivityNoYes") {
		t.Errorf("marking a client who never said yes got %q", popup)
	}
	list, _ := tb.staffStep(y, flows.Data(flows.ActActivity, "v."+id))
	if want := render(t, "de", flows.Phrase{ID: "StaffActivityAnswers", Sub: map[string]flows.Phrase{"Invited": flows.Number("2"), "Yes": flows.Number("0"), "No": flows.Number("0"), "Came": flows.Number("0")}}); !strings.Contains(list.Text, want) {
		t.Errorf("after the bad presses the list reads:\n%s\nwant %q", list.Text, want)
	}
}

// An activity titled in the manager's own words reaches each client machine-translated into
// their language, marked as such; the reminder keeps the translation. A title too long is
// refused with the limit, and the manager can type it again. A place in the manager's words
// is shown as written.
func TestGroupActivityOwnTitleTranslated(t *testing.T) {
	tb, _ := newTranslatingBot(t, fake.Options{})
	tb.setNow(monday)
	tb.stop()
	clients := seedNewsClients(t, tb.env["LOTSE_DB"], 2) // uk, ar
	tb.api.Opened(clients...)
	tb.start()
	y := tb.startStaff(yilmaz)

	tb.api.SendText(y, "/broadcast")
	tb.press(y, say(t, "de", "StaffActivityNew"))
	tb.idle()
	tb.press(y, say(t, "de", "StaffActivityOwnTitle"))
	tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffActivityWriteTitle") })
	tb.api.SendText(y, strings.Repeat("Fahrrad ", 20))
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.HasPrefix(m.Text, say(t, "de", "StaffActivityTitleBad", "Max", "100"))
	})
	title := "Fahrradkurs im Hof"
	tb.api.SendText(y, title)
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.HasPrefix(m.Text, title) && strings.Contains(m.Text, say(t, "de", "StaffActivityDay"))
	})
	tb.idle()
	for _, data := range []string{"d.20270324", "h.17", "p.-"} {
		tb.staffStep(y, flows.Data(flows.ActActivity, data))
	}
	// The place in the manager's words, shown as written.
	place := "Hof der Grundschule, Schulweg 3"
	tb.api.SendText(y, place)
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "📍 "+place) && strings.Contains(m.Text, say(t, "de", "StaffActivitySeats"))
	})
	tb.idle()
	for _, data := range []string{"s.0", "l.ok", "i.n", "g.all", "x.all"} {
		tb.staffStep(y, flows.Data(flows.ActActivity, data))
	}
	for _, c := range clients {
		translated := render(t, c.LanguageCode, flows.Msg("PlanMachineTranslated", "Text", "[de→"+c.LanguageCode+"] "+title))
		m, id := tb.invitation(c)
		if !strings.HasPrefix(m.Text, translated) || !strings.Contains(m.Text, "📍 "+place) {
			t.Errorf("the %s invitation reads %q, want it to begin %q and name the place", c.LanguageCode, m.Text, translated)
		}
		tb.answerActivity(c, m.ID, id, true, say(t, c.LanguageCode, "ActivityYesThanks"))
	}
	tb.at(activityStart.Add(-23 * time.Hour))
	for _, c := range clients {
		translated := render(t, c.LanguageCode, flows.Msg("PlanMachineTranslated", "Text", "[de→"+c.LanguageCode+"] "+title))
		tb.find(c.ID, func(m fakeapi.Message) bool {
			return strings.HasPrefix(m.Text, say(t, c.LanguageCode, "ActivityReminder")) && strings.Contains(m.Text, translated)
		})
	}
}
