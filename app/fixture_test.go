package app

import (
	"os"
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/bot/fakeapi"
)

// TestWriteSchemaFixture writes a database of the current schema, with a bit of everything
// in it, to the file named by LOTSE_WRITE_FIXTURE. It runs only when asked: before a change
// of the schema, the fixture of the old version is written once and kept in
// store/testdata, so that the migration is tested against a file the old Lotse really wrote.
func TestWriteSchemaFixture(t *testing.T) {
	path := os.Getenv("LOTSE_WRITE_FIXTURE")
	if path == "" {
		t.Skip("set LOTSE_WRITE_FIXTURE=../store/testdata/schema-N.db (relative to app/, where the test runs) to write a fixture")
	}
	tb := newBookingBot(t)
	y := tb.startStaff(yilmaz)
	tb.startStaff(haddad)
	u := fakeapi.User{ID: 7001, FirstName: "Amal", LanguageCode: "ar"}
	tb.toDistrict(u, "ar", "Altstadt")
	tb.bookFirstSlot(u, "ar")
	tb.api.SendText(u, "سؤال عن رسالة")
	tb.api.SendPhoto(u, "صفحة ١")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), u.ID)) == 2 })
	cp := copies(tb.api.Messages(y.ID), u.ID)[0]
	tb.reply(y, cp.ID, "Ich kümmere mich.")
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" })
	tb.api.SendText(y, "/note K-0001 Brief vom Jobcenter")
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "K-0001") && strings.Contains(m.Text, "📝")
	})
	tb.api.SendText(y, "/invite")
	tb.find(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "start=inv-") })
	shared := fakeapi.User{ID: 7002, FirstName: "Dawit", LanguageCode: "ti"}
	tb.toDistrict(shared, "ti", "Anschlussunterbringung Lindenweg")
	tb.api.SendText(shared, "ሰላም")
	tb.waitFor(y.ID, func() bool { return len(copies(tb.api.Messages(y.ID), shared.ID)) == 1 })
	tb.api.SendText(y, "/away 29.03. 02.04. Haddad")
	tb.find(y.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "🏖️") })
	tb.stop()
	raw, err := os.ReadFile(tb.env["LOTSE_DB"])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	tb.start()
}
