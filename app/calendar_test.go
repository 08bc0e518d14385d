package app

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// The calendar files are read back with github.com/emersion/go-ical, not with the library
// that writes them: what matters is that another program reads the same event.

// calendarEvent is what a phone's calendar reads from one .ics file.
type calendarEvent struct {
	Method, UID, Status string
	Sequence            int
	Start               time.Time
}

// readCalendar parses a calendar file the bot sent, failing the test for anything but one
// event with a UID.
func readCalendar(t *testing.T, m fakeapi.Message) calendarEvent {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(m.FileData)).Decode()
	if err != nil {
		t.Fatalf("the .ics does not parse: %v\n%s", err, m.FileData)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events in the .ics:\n%s", len(events), m.FileData)
	}
	var e calendarEvent
	e.Method, _ = cal.Props.Text(ical.PropMethod)
	e.UID, _ = events[0].Props.Text(ical.PropUID)
	e.Status, _ = events[0].Props.Text(ical.PropStatus)
	if p := events[0].Props.Get(ical.PropSequence); p != nil {
		if e.Sequence, err = strconv.Atoi(p.Value); err != nil {
			t.Fatalf("SEQUENCE %q is no number", p.Value)
		}
	}
	if e.Start, err = events[0].DateTimeStart(berlin); err != nil {
		t.Fatalf("DTSTART: %v\n%s", err, m.FileData)
	}
	if e.UID == "" {
		t.Fatalf("no UID:\n%s", m.FileData)
	}
	return e
}

// calendarFiles returns the calendar files a chat got, oldest first.
func (tb *testBot) calendarFiles(chat int64) []fakeapi.Message {
	var out []fakeapi.Message
	for _, m := range tb.api.Messages(chat) {
		if m.Kind == "document" && strings.HasSuffix(m.FileName, ".ics") {
			out = append(out, m)
		}
	}
	return out
}

// nthCalendarFile waits for a chat's n-th calendar file (1 for the first).
func (tb *testBot) nthCalendarFile(chat int64, n int) fakeapi.Message {
	tb.t.Helper()
	tb.waitFor(chat, func() bool { return len(tb.calendarFiles(chat)) >= n })
	return tb.calendarFiles(chat)[n-1]
}

// pressListed presses, in the client's list of appointments, the button of one appointment
// that starts with the label of action id.
func (tb *testBot) pressListed(u fakeapi.User, lang, id string) {
	tb.t.Helper()
	tb.press(u, say(tb.t, lang, "MenuAppointments"))
	list := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(tb.t, lang, "ApptListTitle")) })
	for _, l := range labels(list) {
		if strings.HasPrefix(l, say(tb.t, lang, id)) {
			tb.press(u, l)
			return
		}
	}
	tb.t.Fatalf("no %s button in %v", id, labels(list))
}

// wantCancellation checks that file cancels event first.
func wantCancellation(t *testing.T, lang string, first calendarEvent, file fakeapi.Message) {
	t.Helper()
	if file.Text != say(t, lang, "ApptCalendarCancelFile") {
		t.Errorf("the cancelling file's caption is %q", file.Text)
	}
	got := readCalendar(t, file)
	if got.Method != "CANCEL" || got.Status != "CANCELLED" || got.UID != first.UID || got.Sequence <= first.Sequence {
		t.Errorf("read as %+v, want a cancellation of %+v (METHOD:CANCEL, STATUS:CANCELLED, same UID, higher SEQUENCE)\n%s", got, first, file.FileData)
	}
}

func TestCancellingSendsACancellingCalendarFile(t *testing.T) {
	tb := newBookingBot(t)
	tb.startStaff(900101)
	u := fakeapi.User{ID: 9801, FirstName: "Dilan", LanguageCode: "ckb"}
	tb.toMenu(u, "ckb", true)
	tb.bookFirstSlot(u, "ckb")
	first := readCalendar(t, tb.nthCalendarFile(u.ID, 1))
	if first.Method != "PUBLISH" {
		t.Errorf("the booking's file has METHOD %q, want PUBLISH", first.Method)
	}

	tb.pressListed(u, "ckb", "ApptCancel")
	wantCancellation(t, "ckb", first, tb.nthCalendarFile(u.ID, 2))
}

func TestABlockedDaySendsCancellingCalendarFiles(t *testing.T) {
	tb := newBookingBot(t)
	manager := tb.startStaff(900101)
	u := fakeapi.User{ID: 9802, FirstName: "Olena", LanguageCode: "uk"}
	tb.toMenu(u, "uk", true)
	tb.bookFirstSlot(u, "uk")
	first := readCalendar(t, tb.nthCalendarFile(u.ID, 1))

	tb.press(manager, say(t, "de", "StaffBlock"))
	tb.press(manager, render(t, "de", flows.Join(" ", flows.Msg("WeekdayTue"), flows.Number("23.03."))))
	wantCancellation(t, "uk", first, tb.nthCalendarFile(u.ID, 2))
}

func TestMovingSendsAnUpdateOfTheSameEvent(t *testing.T) {
	tb := newBookingBot(t)
	tb.startStaff(900101)
	u := fakeapi.User{ID: 9803, FirstName: "Yonas", LanguageCode: "ti"}
	tb.toMenu(u, "ti", true)
	tb.bookFirstSlot(u, "ti")
	first := readCalendar(t, tb.nthCalendarFile(u.ID, 1))

	// "Another time", then Tuesday a week later.
	tb.pressListed(u, "ti", "ApptChange")
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ti", "ApptChooseDay")) })
	tb.idle()
	tb.chooseSlot(u, "ti", "WeekdayTue", "30.03.", "09:00")
	update := tb.nthCalendarFile(u.ID, 2)
	if update.Text != say(t, "ti", "ApptCalendarUpdateFile") {
		t.Errorf("the update's caption is %q", update.Text)
	}
	got := readCalendar(t, update)
	if got.Method == "CANCEL" || got.Status == "CANCELLED" || got.UID != first.UID || got.Sequence <= first.Sequence ||
		!got.Start.Equal(time.Date(2027, 3, 30, 9, 0, 0, 0, berlin)) {
		t.Errorf("read as %+v, want an update of %+v: same UID, higher SEQUENCE, starting 30.03. 09:00\n%s", got, first, update.FileData)
	}

	// The moved event stays: no cancellation follows once the wait for a new time is over.
	tb.at(monday.Add(2 * time.Hour))
	tb.idle()
	if files := tb.calendarFiles(u.ID); len(files) != 2 {
		t.Errorf("%d calendar files after the move, want the booking and its update", len(files))
	}

	// The new appointment moves again: the same event, once more a higher SEQUENCE.
	tb.pressListed(u, "ti", "ApptChange")
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ti", "ApptChooseDay")) })
	tb.idle()
	tb.chooseSlot(u, "ti", "WeekdayTue", "23.03.", "09:00")
	again := readCalendar(t, tb.nthCalendarFile(u.ID, 3))
	if again.UID != first.UID || again.Sequence <= got.Sequence || !again.Start.Equal(time.Date(2027, 3, 23, 9, 0, 0, 0, berlin)) {
		t.Errorf("second move read as %+v, want an update of %+v", again, got)
	}
}

func TestAMoveLeftUnfinishedCancelsTheCalendarEntry(t *testing.T) {
	tb := newBookingBot(t)
	tb.startStaff(900101)
	u := fakeapi.User{ID: 9804, FirstName: "Hodan", LanguageCode: "so"}
	tb.toMenu(u, "so", true)
	tb.bookFirstSlot(u, "so")
	first := readCalendar(t, tb.nthCalendarFile(u.ID, 1))

	tb.pressListed(u, "so", "ApptChange")
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "so", "ApptChooseDay")) })
	tb.idle()
	if files := tb.calendarFiles(u.ID); len(files) != 1 {
		t.Fatalf("%d calendar files while the client picks a new time, want the booking's only", len(files))
	}
	tb.at(monday.Add(time.Hour)) // the client never picked one
	wantCancellation(t, "so", first, tb.nthCalendarFile(u.ID, 2))
}

// chooseSlot books, from the screen of days, the time hhmm at the Rathaus on a day (a
// weekday message and a date like "23.03."), without an interpreter. The caller waits for
// the calendar file.
func (tb *testBot) chooseSlot(u fakeapi.User, lang, weekday, date, hhmm string) {
	tb.t.Helper()
	t := tb.t
	tb.press(u, render(t, lang, flows.Join(" ", flows.Msg(weekday), flows.Number(date))))
	tb.press(u, slotLabel(t, lang, hhmm))
	tb.press(u, say(t, lang, "ApptTopicOther"))
	no := say(t, lang, "ApptInterpreterNo")
	// The screens of this booking edit the list's message: the newest message is the
	// calendar file of the one before.
	if m := tb.find(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, lang, "ApptConfirm")) || hasButton(m, no) }); hasButton(m, no) {
		tb.press(u, no)
	}
	tb.press(u, say(t, lang, "ApptConfirm"))
}

func TestErasureDuringAMoveLeavesNoTrace(t *testing.T) {
	tb := newTestBot(t, "LOTSE_ERASURE_DELAY", "100ms")
	tb.setNow(monday)
	tb.startStaff(900101)
	u := fakeapi.User{ID: 9805, FirstName: "Zhyar", LanguageCode: "ku"}
	tb.toDistrict(u, "ku", "Altstadt")
	tb.bookFirstSlot(u, "ku")
	tb.pressListed(u, "ku", "ApptChange")
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ku", "ApptChooseDay")) })
	traces := map[string][]byte{
		"id":           []byte(strconv.FormatInt(u.ID, 10)),
		"id (8 bytes)": binary.BigEndian.AppendUint64(nil, uint64(u.ID)),
		"name":         []byte(u.FirstName),
	}
	if found := tracesIn(traces, tb.env["LOTSE_DB"]); len(found) == 0 {
		t.Fatal("the file holds nothing of the client before the erasure; the scan would prove nothing")
	}

	// The client erases their data while the move waits for a new time.
	tb.api.SendText(u, "/delete")
	tb.press(u, say(t, "ku", "DeleteYes"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ku", "Deleted") })
	var left []string
	if !tb.api.WaitFor(15*time.Second, func() bool {
		left = tracesIn(traces, tb.env["LOTSE_DB"], tb.env["LOTSE_DB"]+".erased")
		return len(left) == 0
	}) {
		t.Fatalf("after the erasure the files still hold: %v", left)
	}
	// Nothing of the move is left to come due: no reminder to end it.
	tb.stop()
	var due []flows.Reminder
	if _, err := tb.db().Update(func(tx flows.Tx) (err error) { due, err = tx.Due(monday.Add(time.Hour), 1000); return err }); err != nil {
		t.Fatal(err)
	}
	for _, r := range due {
		if r.Kind == flows.RemindMoveEnd {
			t.Errorf("the erased client's move is still scheduled: %+v", r)
		}
	}
}

func TestAVisitCalledOffLeavesThePhonesCalendar(t *testing.T) {
	tb := newBookingBot(t)
	y := tb.startStaff(900101)
	u := fakeapi.User{ID: 9806, FirstName: "Ruslan", LanguageCode: "ru"}
	tb.toDistrict(u, "ru", "Altstadt") // K-0001

	tb.api.SendText(y, "/visit K-0001 25.03.")
	tb.find(y.ID, func(m fakeapi.Message) bool { return hasButton(m, "10:00–12:00") })
	tb.press(y, "10:00–12:00")
	tb.find(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ru", "VisitHome")) })
	tb.press(u, say(t, "ru", "VisitHome"))
	first := readCalendar(t, tb.nthCalendarFile(u.ID, 1))

	tb.idle()
	tb.press(u, say(t, "ru", "MenuBack"))
	tb.press(u, say(t, "ru", "MenuAppointments"))
	tb.press(u, render(t, "ru", flows.Join("", flows.Msg("VisitLater"), flows.Literal(" "), flows.Number("25.03."))))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ru", "VisitLaterThanks") })
	wantCancellation(t, "ru", first, tb.nthCalendarFile(u.ID, 2))
}
