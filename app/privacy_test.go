package app

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

func TestMyDataContainsEverythingStored(t *testing.T) {
	tb := newBookingBot(t)
	tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 987654321, FirstName: "Zainab", LanguageCode: "ar"}
	token, relayed := richClient(t, tb, u, "ar")

	tb.api.SendText(u, "/mydata")
	doc := tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "document" && strings.HasSuffix(m.FileName, ".json") })
	if doc.Text != say(t, "ar", "MyDataCaption") {
		t.Errorf("caption %q", doc.Text)
	}
	var got struct {
		TelegramID   int64                       `json:"telegram_id"`
		Case         string                      `json:"case"`
		Language     string                      `json:"language"`
		Consent      string                      `json:"consent"`
		Manager      string                      `json:"manager"`
		Notes        []struct{ By, Text string } `json:"notes_of_your_manager"`
		Appointments []struct {
			ID, Status, Place, Manager string
		}
		Reminders       []struct{ Kind string }
		Relayed         []int `json:"your_messages_passed_on"`
		ManagerMessages int   `json:"messages_in_managers_chats"`
		Invitations     []struct{ Token, Manager string }
	}
	if err := json.Unmarshal(doc.FileData, &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc.FileData)
	}
	if got.TelegramID != u.ID || got.Case != "K-0001" || got.Language != "ar" || got.Consent == "" || got.Manager != "Frau Yılmaz" {
		t.Errorf("record: %+v", got)
	}
	if len(got.Notes) != 1 || got.Notes[0].Text != "Frist beim Jobcenter am 30.03." || got.Notes[0].By != "Frau Yılmaz" {
		t.Errorf("notes: %+v", got.Notes)
	}
	if len(got.Appointments) != 1 || got.Appointments[0].Status != "booked" || !strings.Contains(got.Appointments[0].Place, "Rathaus") {
		t.Errorf("appointments: %+v", got.Appointments)
	}
	if len(got.Reminders) < 2 {
		t.Errorf("reminders: %+v", got.Reminders)
	}
	if len(got.Relayed) != 2 || got.Relayed[0] != relayed[0] || got.Relayed[1] != relayed[1] || got.ManagerMessages != 3 {
		t.Errorf("relayed %v (%d in managers' chats), want %v and a header", got.Relayed, got.ManagerMessages, relayed)
	}
	if len(got.Invitations) != 1 || got.Invitations[0].Token != token {
		t.Errorf("invitations: %+v", got.Invitations)
	}
	// Managers appear by name only: their Telegram accounts stay private.
	if bytes.Contains(doc.FileData, []byte(strconv.Itoa(yilmaz))) {
		t.Errorf("the export names a manager's Telegram id:\n%s", doc.FileData)
	}
}

func TestDeleteLeavesNoTrace(t *testing.T) {
	tb := newBookingBot(t)
	y := tb.startStaff(yilmaz)
	tb.startStaff(admin)
	u := fakeapi.User{ID: 987654321, FirstName: "Zainab", LanguageCode: "ar"}
	token, _ := richClient(t, tb, u, "ar")
	other := fakeapi.User{ID: 5555, FirstName: "Olena", LanguageCode: "uk"}
	tb.toDistrict(other, "uk", "Altstadt")

	tb.api.SendText(u, "/delete")
	tb.press(u, say(t, "ar", "DeleteYes"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "Deleted") })
	tb.find(y.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffClientDeleted", "Case", "K-0001") })
	// The appointment's seat is free again: the other client can book 09:00 on Tuesday.
	tb.bookFirstSlot(other, "uk")
	tb.stop()

	// Scan every bucket, key and value, for anything that leads to the client.
	traces := clientTraces(u, token)
	b, err := bolt.Open(tb.env["LOTSE_DB"], 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	records := 0
	err = b.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bucket *bolt.Bucket) error {
			return bucket.ForEach(func(k, v []byte) error {
				records++
				for what, trace := range traces {
					if bytes.Contains(k, trace) || bytes.Contains(v, trace) {
						t.Errorf("bucket %s still holds the %s: key %q value %q", name, what, k, v)
					}
				}
				return nil
			})
		})
	})
	b.Close()
	if err != nil || records < 20 {
		t.Fatalf("scan: %v, %d records — the other client's data should be there", err, records)
	}
	// A backup is compacted: not even its raw bytes hold what was erased (freed pages of
	// the database file itself may, until the compaction after the erasure; see
	// TestErasureHoldsInTheFileInKeptBackupsAndAfterARestore).
	file := filepath.Join(t.TempDir(), "backup.db")
	m := &Main{Getenv: func(k string) string { return tb.env[k] }, Stdout: io.Discard, Stderr: io.Discard, Now: tb.now}
	if code := exit(m.Stderr, m.Run(t.Context(), []string{"backup", file})); code != 0 {
		t.Fatalf("backup exited %d", code)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if found := tracesIn(traces, file); len(found) > 0 {
		t.Errorf("the backup's bytes still hold %v", found)
	}
	if !bytes.Contains(raw, []byte("Olena")) && !bytes.Contains(raw, binary.BigEndian.AppendUint64(nil, uint64(other.ID))) {
		t.Error("the backup lacks the other client")
	}
	tb.start()
	// Writing again starts anew, under a new case number.
	tb.api.SendText(u, "/start")
	tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "LanguageConfirm")) })
}

func TestStatsAuditAndRetention(t *testing.T) {
	tb := newBookingBot(t)
	y := tb.startStaff(yilmaz)
	a := tb.startStaff(admin)
	u := fakeapi.User{ID: 6101, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	tb.bookFirstSlot(u, "ar")
	tb.api.SendText(u, "سؤال")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 1 })
	tb.setNow(monday.Add(90 * time.Minute))
	tb.press(y, say(t, "de", "RelayTemplates"))
	tb.press(y, say(t, "de", "TplReceivedLabel"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "ar", "TplReceived") })
	tb.api.SendText(y, "/client K-0001")
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffProfileTitle", "Case", "K-0001"))
	})

	// The admin's figures: one client, one booking, one request answered after 1 h 30.
	tb.api.SendText(a, "/stats 2027-03")
	stats := tb.find(a.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "📊") })
	for _, want := range []string{
		render(t, "de", flows.Phrase{ID: "StatsClients", Sub: map[string]flows.Phrase{"Total": flows.Number("1"), "New": flows.Number("1")}}),
		"العربية 1", "Altstadt 1",
		render(t, "de", flows.Phrase{ID: "StatsAppointments", Sub: map[string]flows.Phrase{"Booked": flows.Number("1"), "Held": flows.Number("0"), "Missed": flows.Number("0"), "Cancelled": flows.Number("0")}}),
		render(t, "de", flows.Phrase{ID: "StatsRelays", Sub: map[string]flows.Phrase{"Count": flows.Number("1"), "Median": flows.Number("1 h 30 min")}}),
	} {
		if !strings.Contains(stats.Text, want) {
			t.Errorf("/stats lacks %q:\n%s", want, stats.Text)
		}
	}
	tb.api.SendText(y, "/stats")
	tb.find(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "NotUnderstood")) })

	// The audit log names who opened the case card.
	tb.api.SendText(a, "/audit")
	doc := tb.find(a.ID, func(m fakeapi.Message) bool { return m.Kind == "document" && m.FileName == "lotse-audit.csv" })
	rows, err := csv.NewReader(bytes.NewReader(doc.FileData)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows[1:] {
		found = found || r[1] == strconv.Itoa(yilmaz) && r[3] == "case-card" && r[4] == "K-0001"
	}
	if !found {
		t.Errorf("audit log lacks the case card view: %v", rows)
	}

	// Retention (12 months in the example town): an active client stays, one who has not
	// written for longer is erased in the night, with their closed appointment.
	idle := fakeapi.User{ID: 6102, FirstName: "Old", LanguageCode: "uk"}
	tb.toDistrict(idle, "uk", "Altstadt")
	night := func(months int) time.Time {
		d := monday.AddDate(0, months, 0)
		return time.Date(d.Year(), d.Month(), d.Day(), 3, 1, 0, 0, berlin)
	}
	tb.at(night(11)) // a retention run that finds nobody to erase
	tb.api.SendText(u, "ما زلت هنا")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 2 })
	tb.at(night(13))
	tb.stop()
	db := tb.db()
	if _, err := db.Client(idle.ID); flows.ErrorCode(err) != flows.ENotFound {
		t.Errorf("the inactive client is still stored: %v", err)
	}
	if _, err := db.Client(u.ID); err != nil {
		t.Errorf("the active client was erased: %v", err)
	}
	db.View(func(tx flows.Tx) error {
		appts, _ := tx.ClientAppointments(u.ID)
		if len(appts) != 0 {
			t.Errorf("a closed appointment older than the retention is still stored: %+v", appts[0])
		}
		return nil
	})
	db.Close()
	tb.start()
}

// exportHeadings are the section headings of the readable /mydata document.
var exportHeadings = []string{"ExportAboutTitle", "ExportConsentTitle", "ExportApptsTitle", "ExportRemindersTitle", "ExportMessagesTitle", "ExportSettingsTitle", "ExportNotesTitle", "ExportNotStoredTitle"}

// readableExport asks for /mydata and returns the document to read, checking its caption.
func (tb *testBot) readableExport(u fakeapi.User, lang string) string {
	tb.t.Helper()
	tb.api.SendText(u, "/mydata")
	doc := tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "document" && strings.HasSuffix(m.FileName, ".txt") })
	if doc.Text != say(tb.t, lang, "ExportCaption") {
		tb.t.Errorf("caption %q", doc.Text)
	}
	return string(doc.FileData)
}

// checkLanguage fails unless text has every heading in lang and none in the others.
func checkLanguage(t *testing.T, text, lang string, others ...string) {
	t.Helper()
	for _, id := range exportHeadings {
		if want := say(t, lang, id); !strings.Contains(text, want) {
			t.Errorf("the %s document lacks the heading %q:\n%s", lang, want, text)
		}
		for _, other := range others {
			if h := say(t, other, id); strings.Contains(text, h) {
				t.Errorf("the %s document has the %s heading %q", lang, other, h)
			}
		}
	}
}

func TestMyDataReadableInClientsLanguage(t *testing.T) {
	tb := newBookingBot(t)
	y := tb.startStaff(yilmaz)
	u := fakeapi.User{ID: 987654321, FirstName: "Zainab", LanguageCode: "ar"}
	richClient(t, tb, u, "ar")

	text := tb.readableExport(u, "ar")
	checkLanguage(t, text, "ar", "en", "de")
	when := render(t, "ar", flows.Phrase{ID: "ApptWhen", Sub: map[string]flows.Phrase{"Day": flows.Msg("WeekdayTue"), "Date": flows.Number("23.03.2027"), "Time": flows.Number("09:00")}})
	for _, want := range []string{
		say(t, "ar", "ExportCase", "Case", "K-0001"),
		say(t, "ar", "ExportManager", "Manager", "Frau Yılmaz"),
		when,
		say(t, "ar", "ExportStatusBooked"),
		"Frist beim Jobcenter am 30.03.",
		render(t, "ar", flows.Phrase{ID: "ExportMessagesPassed", Sub: map[string]flows.Phrase{"Count": flows.Number("2")}}),
		say(t, "ar", "ExportNotStored"),
		"/delete",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the Arabic document lacks %q:\n%s", want, text)
		}
	}
	// Every line opens right to left, so that a plain text viewer aligns it so.
	for _, line := range strings.Split(strings.TrimPrefix(strings.TrimSuffix(text, "\n"), "\ufeff"), "\n") {
		if !strings.HasPrefix(line, "\u200f") {
			t.Errorf("a line of the Arabic document does not start right to left: %q", line)
		}
	}
	// The JSON file comes as before.
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "document" && m.FileName == "lotse-K-0001.json" })

	// A German client with a home visit they confirmed.
	g := fakeapi.User{ID: 7001, FirstName: "Hans", LanguageCode: "de"}
	tb.toDistrict(g, "de", "Altstadt")
	tb.api.SendText(y, "/visit K-0002 25.03.")
	tb.find(y.ID, func(m fakeapi.Message) bool { return hasButton(m, "10:00–12:00") })
	tb.press(y, "10:00–12:00")
	tb.press(g, say(t, "de", "VisitHome"))
	tb.find(g.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "VisitThanks") })
	text = tb.readableExport(g, "de")
	checkLanguage(t, text, "de", "en", "ar")
	visit := render(t, "de", flows.Join("\n",
		flows.Phrase{ID: "VisitListed", Sub: map[string]flows.Phrase{"When": {ID: "VisitWhen", Sub: map[string]flows.Phrase{
			"Day": flows.Msg("WeekdayThu"), "Date": flows.Number("25.03.2027"), "Window": flows.Number("10:00–12:00"),
		}}, "Place": flows.Literal("Altstadt")}},
		flows.Msg("ExportWith", "Manager", "Frau Yılmaz"),
		flows.Msg("ExportVisitConfirmed")))
	for _, want := range []string{say(t, "de", "ExportCase", "Case", "K-0002"), say(t, "de", "ExportHousing", "Housing", "Altstadt"), visit, say(t, "de", "ExportNone")} {
		if !strings.Contains(text, want) {
			t.Errorf("the German document lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\u200f") {
		t.Error("the German document has right-to-left marks")
	}
}
