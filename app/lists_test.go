package app

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// streets name the generated housing sites; many share a street, so typing a street finds
// several.
var streets = []string{"Ahornweg", "Birkenallee", "Eichendorffstraße", "Gartenstraße", "Hauptstraße", "Kirchplatz", "Lindenstraße", "Mühlenweg", "Rosenstraße", "Schulstraße"}

// siteName is the name of generated housing site n (5 … 250): a street and a number, except
// site 200, whose name has umlauts to find without typing them.
func siteName(n int) string {
	if n == 200 {
		return "Übergangswohnheim Schönblick"
	}
	return fmt.Sprintf("%s %d", streets[n%len(streets)], n)
}

// manyDistricts writes the example town with 250 districts and housing sites: its own four,
// then site-005 … site-250. Frau Yılmaz alone looks after site-020, the fourth on page 3.
func manyDistricts(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("id = \"oberdorf\"\nname = \"Ortsteil Oberdorf\"\n")
	for n := 5; n <= 250; n++ {
		fmt.Fprintf(&b, "\n[[districts]]\nid = \"site-%03d\"\nname = %q\n", n, siteName(n))
	}
	return writeConfig(t, t.TempDir(),
		"id = \"oberdorf\"\nname = \"Ortsteil Oberdorf\"\n", b.String(),
		`districts = ["altstadt", "lindenweg"]`, `districts = ["altstadt", "lindenweg", "site-020"]`)
}

// pageLabel is the button between ◀ and ▶ as lang shows it.
func pageLabel(t *testing.T, lang string, page, pages int) string {
	t.Helper()
	return render(t, lang, flows.Phrase{ID: "PickerPage", Sub: map[string]flows.Phrase{"Page": flows.Number(strconv.Itoa(page)), "Pages": flows.Number(strconv.Itoa(pages))}})
}

// districtButtons returns the housing sites a message offers.
func districtButtons(m fakeapi.Message) []string {
	var out []string
	for _, l := range labels(m) {
		if name, ok := strings.CutPrefix(l, "🏠 "); ok {
			out = append(out, name)
		}
	}
	return out
}

// keyboards checks every inline keyboard Lotse sent or put on a message against Telegram's
// limits — at most 100 buttons, callback data of 1 to 64 bytes — and returns the largest.
func (tb *testBot) keyboards() (most int) {
	tb.t.Helper()
	for _, method := range []string{"sendMessage", "editMessageText", "copyMessage", "sendDocument", "sendPhoto"} {
		for _, c := range tb.api.Calls(method) {
			markup, _ := c.Params["reply_markup"].(map[string]any)
			rows, _ := markup["inline_keyboard"].([]any)
			n := 0
			for _, row := range rows {
				for _, b := range row.([]any) {
					n++
					button := b.(map[string]any)
					if data, ok := button["callback_data"].(string); ok && (len(data) == 0 || len(data) > 64) {
						tb.t.Errorf("%s: button %q carries %d bytes of data: %q", method, button["text"], len(data), data)
					}
				}
			}
			if n > 100 {
				tb.t.Errorf("%s to chat %v: %d buttons, Telegram allows 100", method, c.Params["chat_id"], n)
			}
			most = max(most, n)
		}
	}
	return most
}

// noStaffIDs fails if a client's buttons carry a staff member's Telegram id.
func (tb *testBot) noStaffIDs(client int64, staff ...int64) {
	tb.t.Helper()
	for _, m := range tb.api.Messages(client) {
		for _, row := range m.Buttons {
			for _, b := range row {
				for _, id := range staff {
					if strings.Contains(b.Data, strconv.FormatInt(id, 10)) {
						tb.t.Errorf("client %d got button %q with the Telegram id of staff %d: %q", client, b.Text, id, b.Data)
					}
				}
			}
		}
	}
}

func TestTwoHundredFiftyHousingSitesArePagedAndFoundByTyping(t *testing.T) {
	cfg := manyDistricts(t)
	if code, out := runMain(t, nil, "check", cfg); code != 0 {
		t.Fatalf("lotse check of the town with 250 housing sites: exit %d\n%s", code, out)
	}
	tb := newTestBot(t, "LOTSE_CONFIG", cfg)
	y := tb.startStaff(yilmaz)

	// An Arabic client consents and is asked where they live: eight places a page.
	amal := fakeapi.User{ID: 7101, FirstName: "Amal", LanguageCode: "ar"}
	tb.api.SendText(amal, "/start")
	tb.press(amal, say(t, "ar", "LanguageConfirmYes"))
	tb.press(amal, say(t, "ar", "PrivacyAccept"))
	ask := tb.last(amal.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "DistrictAsk")) })
	if got := districtButtons(ask); len(got) != 8 || got[0] != "Altstadt" {
		t.Fatalf("page 1 offers %v, want 8 places from Altstadt on", got)
	}
	for _, want := range []string{say(t, "ar", "PickerPrevious"), pageLabel(t, "ar", 1, 32), say(t, "ar", "PickerNext"), say(t, "ar", "DistrictSkip")} {
		if !hasButton(ask, want) {
			t.Errorf("page 1 lacks %q: %v", want, labels(ask))
		}
	}
	if !strings.Contains(ask.Text, say(t, "ar", "DistrictTypeHint")) || !strings.Contains(ask.Text, say(t, "ar", "ConsentThanks")) {
		t.Errorf("the question %q lacks the thanks or the hint that typing finds a place", ask.Text)
	}

	// ▶ twice: page 3, in the same message.
	tb.press(amal, say(t, "ar", "PickerNext"))
	tb.last(amal.ID, func(m fakeapi.Message) bool { return hasButton(m, pageLabel(t, "ar", 2, 32)) })
	tb.press(amal, say(t, "ar", "PickerNext"))
	page3 := tb.last(amal.ID, func(m fakeapi.Message) bool { return hasButton(m, pageLabel(t, "ar", 3, 32)) })
	if page3.ID != ask.ID {
		t.Errorf("paging sent a new message instead of turning the page")
	}
	if got := districtButtons(page3); len(got) != 8 || got[3] != siteName(20) {
		t.Fatalf("page 3 offers %v, want %q fourth", got, siteName(20))
	}
	// A forged page, and a page of another version of the list, are refused.
	next := ""
	for _, row := range page3.Buttons {
		for _, b := range row {
			if b.Text == say(t, "ar", "PickerNext") {
				next = b.Data
			}
		}
	}
	parts := strings.Split(strings.TrimPrefix(next, "1:pg:"), ".")
	if len(parts) != 3 || parts[0] != "d" || parts[1] != "4" {
		t.Fatalf("▶ on page 3 carries %q, want the district list's page 4", next)
	}
	for _, forged := range []string{
		"1:pg:d.33." + parts[2], "1:pg:d.0." + parts[2], "1:pg:d.2.zzzz", "1:pg:d.9999." + parts[2], "1:pg:x.2." + parts[2],
		"1:pg:d.2." + parts[2] + ".99", "1:pg:d.-1." + parts[2], "1:pg:d.2", "1:dst:site-999",
	} {
		if got := tb.pressData(amal, page3.ID, forged); got != say(t, "ar", "ButtonExpired") {
			t.Errorf("forged %q answered %q, want the expired note", forged, got)
		}
	}
	// The refusals showed the question anew below; the choice is made on page 3.
	tb.press(amal, "🏠 "+siteName(20))
	tb.find(amal.ID, func(m fakeapi.Message) bool {
		return m.ID == page3.ID && hasButton(m, say(t, "ar", "MenuWrite")) &&
			strings.Contains(m.Text, say(t, "ar", "InviteAccepted", "Name", "Frau Yılmaz"))
	})
	tb.api.SendText(amal, "مرحبا")
	tb.find(y.ID, func(m fakeapi.Message) bool { return len(copies([]fakeapi.Message{m}, amal.ID)) == 1 })

	// A Ukrainian client types part of a name, without its umlauts: it is chosen at once.
	olena := fakeapi.User{ID: 7102, FirstName: "Olena", LanguageCode: "uk"}
	tb.api.SendText(olena, "/start")
	tb.press(olena, say(t, "uk", "LanguageConfirmYes"))
	tb.press(olena, say(t, "uk", "PrivacyAccept"))
	tb.last(olena.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "uk", "DistrictAsk")) })
	n := len(tb.api.Messages(olena.ID))
	tb.api.SendText(olena, "SCHONBLICK")
	if m := tb.waitMessages(olena.ID, n+1)[n]; !hasButton(m, say(t, "uk", "MenuWrite")) {
		t.Errorf("typing SCHONBLICK answered %q %v, want the menu", m.Text, labels(m))
	}

	// A Persian client types a street: 24 places match, shown a page at a time; nothing
	// matching is said, with the whole list again.
	hadi := fakeapi.User{ID: 7103, FirstName: "Hadi", LanguageCode: "fa"}
	tb.api.SendText(hadi, "/start")
	tb.press(hadi, say(t, "fa", "LanguageConfirmYes"))
	tb.press(hadi, say(t, "fa", "PrivacyAccept"))
	tb.last(hadi.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "fa", "DistrictAsk")) })
	tb.api.SendText(hadi, "nirgendwo")
	none := tb.last(hadi.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "fa", "PickerNoMatch", "Query", "nirgendwo"))
	})
	if !hasButton(none, pageLabel(t, "fa", 1, 32)) || !hasButton(none, "🏠 Altstadt") {
		t.Errorf("after no match: %v, want the whole list from page 1", labels(none))
	}
	tb.api.SendText(hadi, "gartenstrasse")
	found := tb.last(hadi.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, render(t, "fa", flows.Plural("PickerMatches", 24)))
	})
	if !hasButton(found, pageLabel(t, "fa", 1, 3)) {
		t.Errorf("24 matches offer %v, want page 1/3", labels(found))
	}
	for _, name := range districtButtons(found) {
		if !strings.HasPrefix(name, "Gartenstraße") {
			t.Errorf("typing gartenstrasse offers %q", name)
		}
	}
	tb.press(hadi, say(t, "fa", "PickerPrevious")) // wraps to the last page
	last := tb.last(hadi.ID, func(m fakeapi.Message) bool { return hasButton(m, pageLabel(t, "fa", 3, 3)) })
	if got := districtButtons(last); len(got) != 8 || got[7] != siteName(243) {
		t.Errorf("the last page of the matches offers %v, want 8 ending with %q", got, siteName(243))
	}
	tb.press(hadi, "🏠 "+siteName(243))
	tb.last(hadi.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "fa", "MenuWrite")) })

	// Group news to one housing site: the admin's list of 250 is paged too.
	lead := tb.startStaff(admin)
	tb.press(lead, say(t, "de", "StaffBroadcastButton"))
	tb.press(lead, say(t, "de", "BcInfoEveningLabel"))
	days := tb.last(lead.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "StaffTemplateDate")) })
	tb.press(lead, labels(days)[0])
	segments := tb.last(lead.ID, func(m fakeapi.Message) bool { return hasButton(m, pageLabel(t, "de", 1, 32)) })
	if !hasButton(segments, say(t, "de", "StaffSegmentMine")) || !hasButton(segments, "🌐 العربية") || len(districtButtons(segments)) != 8 {
		t.Errorf("group news segments: %v", labels(segments))
	}
	tb.press(lead, say(t, "de", "PickerNext"))
	tb.last(lead.ID, func(m fakeapi.Message) bool { return hasButton(m, pageLabel(t, "de", 2, 32)) })

	tb.stop()
	db := tb.db()
	for id, want := range map[int64]string{amal.ID: "site-020", olena.ID: "site-200", hadi.ID: "site-243"} {
		c, err := db.Client(id)
		if err != nil || c.District != want || c.Step != flows.StepMenu || c.Search != "" {
			t.Errorf("client %d stored as %+v, %v; want housing %s, at the menu, no search kept", id, c, err, want)
		}
	}
	if c, _ := db.Client(amal.ID); c.Manager != yilmaz {
		t.Errorf("the client of site-020 is assigned to %d, want Frau Yılmaz", c.Manager)
	}
	if most := tb.keyboards(); most < 10 {
		t.Errorf("the largest keyboard had %d buttons; the pages were never shown", most)
	}
	for _, c := range []int64{amal.ID, olena.ID, hadi.ID} {
		tb.noStaffIDs(c, yilmaz, haddad, kovalenko, admin)
	}
}

func TestARefusedDistrictQuestionDoesNotHoldTheClient(t *testing.T) {
	tb := newTestBot(t)
	for _, id := range []int64{yilmaz, haddad, kovalenko} {
		tb.startStaff(id)
	}
	u := fakeapi.User{ID: 7201, FirstName: "Dawit", LanguageCode: "ti"}
	tb.api.SendText(u, "/start")
	tb.press(u, say(t, "ti", "LanguageConfirmYes"))
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ti", "PrivacyAccept")) })

	// Telegram refuses the district question, as it refused a keyboard of 250 places: both
	// the edit of the privacy notice and the new message that replaces a failed edit.
	refusal := fakeapi.Fault{Status: 400, Description: "Bad Request: reply markup is too long"}
	tb.api.InjectFaults("editMessageText", refusal)
	tb.api.InjectFaults("sendMessage", refusal)
	tb.press(u, say(t, "ti", "PrivacyAccept"))
	menu := tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ti", "MenuWrite")) })
	if !strings.Contains(menu.Text, say(t, "ti", "MenuPrompt")) {
		t.Errorf("after the refused question: %q, want the menu", menu.Text)
	}

	// The client is at the menu: what they write reaches the team, and the refused question
	// does not come back.
	tb.api.SendText(u, "ሰላም")
	tb.find(yilmaz, func(m fakeapi.Message) bool { return len(copies([]fakeapi.Message{m}, u.ID)) == 1 })
	for _, m := range tb.api.Messages(u.ID) {
		if strings.Contains(m.Text, say(t, "ti", "DistrictAsk")) {
			t.Errorf("the refused question came back: %q", m.Text)
		}
	}
	tb.stop()
	c, err := tb.db().Client(u.ID)
	if err != nil || !c.Consented() || c.Step != flows.StepMenu {
		t.Errorf("client stored as %+v, %v; want consented, at the menu", c, err)
	}
}

// manyManagers writes the example town with 20 managers: its own three and 17 more.
func manyManagers(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for i := 1; i <= 17; i++ {
		fmt.Fprintf(&b, "[[managers]]\ntelegram_id = %d\nname = \"%s Kollegin %02d\"\ndistricts = [\"nord\"]\n\n", 910000+i, []string{"Frau", "Herr"}[i%2], i)
	}
	b.WriteString("# Office hours")
	return writeConfig(t, t.TempDir(), "# Office hours", b.String())
}

func TestAssignAndAwayPageThroughTwentyManagers(t *testing.T) {
	cfg := manyManagers(t)
	if code, out := runMain(t, nil, "check", cfg); code != 0 || !strings.Contains(out, "20 managers") {
		t.Fatalf("lotse check of the town with 20 managers: exit %d\n%s", code, out)
	}
	tb := newTestBot(t, "LOTSE_CONFIG", cfg)
	boss := tb.startStaff(admin)
	y := tb.startStaff(yilmaz)
	twelfth := tb.startStaff(910009) // "Herr Kollegin 09", the twelfth manager: page 2
	client := fakeapi.User{ID: 7301, FirstName: "Lina", LanguageCode: "so"}
	tb.toMenu(client, "so", true) // K-0001

	// Without a name, the admin chooses from the list: eight a page.
	tb.api.SendText(boss, "/assign K-0001")
	list := tb.last(boss.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffAssignChoose", "Case", "K-0001"))
	})
	if !hasButton(list, "👤 Frau Yılmaz") || !hasButton(list, pageLabel(t, "de", 1, 3)) || hasButton(list, "👤 Herr Kollegin 09") {
		t.Fatalf("page 1 of the managers: %v", labels(list))
	}
	tb.press(boss, say(t, "de", "PickerNext"))
	tb.last(boss.ID, func(m fakeapi.Message) bool { return hasButton(m, pageLabel(t, "de", 2, 3)) })
	tb.press(boss, "👤 Herr Kollegin 09")
	tb.find(boss.ID, func(m fakeapi.Message) bool {
		return m.Text == say(t, "de", "StaffAssigned", "Case", "K-0001", "Name", "Herr Kollegin 09")
	})
	tb.find(twelfth.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffAssignedToYou", "Case", "K-0001") })
	tb.find(client.ID, func(m fakeapi.Message) bool {
		return m.Text == say(t, "so", "ClientReassigned", "Name", "Herr Kollegin 09")
	})

	// A name several managers share lists them, page by page; a unique one assigns at once.
	tb.api.SendText(boss, "/assign K-0001 frau")
	several := tb.last(boss.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, render(t, "de", flows.Plural("PickerMatches", 10)))
	})
	if !hasButton(several, pageLabel(t, "de", 1, 2)) || hasButton(several, "👤 Herr Haddad") {
		t.Errorf("managers called Frau: %v", labels(several))
	}
	tb.press(boss, say(t, "de", "PickerNext"))
	page2 := tb.last(boss.ID, func(m fakeapi.Message) bool { return hasButton(m, pageLabel(t, "de", 2, 2)) })
	if got := labels(page2); !hasButton(page2, "👤 Frau Kollegin 16") || hasButton(page2, "👤 Herr Kollegin 15") {
		t.Errorf("page 2 of the managers called Frau: %v", got)
	}
	tb.api.SendText(boss, "/assign K-0001 yilmaz")
	tb.find(boss.ID, func(m fakeapi.Message) bool {
		return m.Text == say(t, "de", "StaffAssigned", "Case", "K-0001", "Name", "Frau Yılmaz")
	})
	tb.api.SendText(boss, "/assign K-0001 Niemand")
	none := tb.last(boss.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "PickerNoMatch", "Query", "Niemand"))
	})
	if !hasButton(none, pageLabel(t, "de", 1, 3)) {
		t.Errorf("after no match: %v, want all managers again", labels(none))
	}
	// Forged choices are refused: a manager who is not there, a reference made for another
	// list, another case's page.
	for _, forged := range []string{"1:asg:1.99ab", "1:asg:1.0zz", "1:asg:1.0", "1:pg:a.9.abcd.1", "1:pg:a.2.abcd.1"} {
		if got := tb.pressData(boss, none.ID, forged); got != say(t, "de", "ButtonExpired") {
			t.Errorf("forged %q answered %q", forged, got)
		}
	}
	// A manager cannot use the admin's list.
	if got := tb.pressData(y, none.ID, labelData(t, none, "👤 Herr Haddad")); got != say(t, "de", "ButtonExpired") {
		t.Errorf("a manager's press on the admin's list answered %q", got)
	}

	// /away with an ambiguous substitute: the colleagues to choose from, never oneself.
	tb.api.SendText(y, "/away 22.03.2027 26.03.2027 Kollegin")
	subs := tb.last(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, render(t, "de", flows.Plural("PickerMatches", 17)))
	})
	if hasButton(subs, "👤 Frau Yılmaz") || !hasButton(subs, pageLabel(t, "de", 1, 3)) {
		t.Errorf("substitutes: %v", labels(subs))
	}
	tb.api.SendText(y, "/away 22.03.2027 26.03.2027 Yılmaz")
	self := tb.last(y.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "PickerNoMatch", "Query", "Yılmaz"))
	})
	if hasButton(self, "👤 Frau Yılmaz") || !hasButton(self, "👤 Herr Haddad") {
		t.Errorf("Frau Yılmaz's possible substitutes: %v", labels(self))
	}
	tb.press(y, say(t, "de", "PickerNext"))
	tb.last(y.ID, func(m fakeapi.Message) bool { return m.ID == self.ID && hasButton(m, pageLabel(t, "de", 2, 3)) })
	tb.press(y, "👤 Herr Kollegin 09")
	tb.find(y.ID, func(m fakeapi.Message) bool {
		return m.Text == render(t, "de", flows.Phrase{ID: "StaffAwaySet", Args: map[string]string{"Name": "Herr Kollegin 09"},
			Sub: map[string]flows.Phrase{"From": flows.Number("22.03.2027"), "To": flows.Number("26.03.2027")}})
	})
	tb.find(twelfth.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "Frau Yılmaz") && strings.Contains(m.Text, "26.03.2027")
	})

	if most := tb.keyboards(); most < 10 {
		t.Errorf("the largest keyboard had %d buttons; the pages were never shown", most)
	}
	tb.stop()
	var s *flows.Staff
	err := tb.db().View(func(tx flows.Tx) (err error) { s, err = tx.Staff(yilmaz); return err })
	if err != nil || s.Away == nil || s.Away.Substitute != 910009 {
		t.Errorf("Frau Yılmaz stored as %+v, %v; want away with Herr Kollegin 09 standing in", s, err)
	}
}

// labelData returns the data of the button labelled label.
func labelData(t *testing.T, m fakeapi.Message, label string) string {
	t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == label {
				return b.Data
			}
		}
	}
	t.Fatalf("no button %q in %v", label, labels(m))
	return ""
}
