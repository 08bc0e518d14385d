package app

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// The example Landkreis (flows/landkreis.toml) as the tests meet it: Frau Yılmaz serves
// Musterstadt's Altstadt and Lindenweg; Herr Haddad Musterstadt-Nord, Lindenweg and both
// districts of Lindental; Frau Kovalenko Lindental's Alte Mühle and Birkenau. 910001 leads the
// county, 910003 Lindental's team.
const (
	kreisYilmaz    = 910101
	kreisHaddad    = 910102
	kreisKovalenko = 910103
	kreisAdmin     = 910001
	lindentalLead  = 910003
)

// newCountyBot runs the example Landkreis at monday, with every manager and both admins
// having opened the bot.
func newCountyBot(t *testing.T) *testBot {
	t.Helper()
	path := filepath.Join(t.TempDir(), "landkreis.toml")
	if err := os.WriteFile(path, flows.ExampleCounty, 0o600); err != nil {
		t.Fatal(err)
	}
	tb := newTestBot(t, "LOTSE_CONFIG", path)
	tb.setNow(monday)
	for _, id := range []int64{kreisYilmaz, kreisHaddad, kreisKovalenko, kreisAdmin, lindentalLead} {
		tb.startStaff(id)
	}
	return tb
}

// toCommune takes a new client through first contact with consent, their commune (by the
// name their language shows) and their district, to the menu.
func (tb *testBot) toCommune(u fakeapi.User, lang, commune, district string) {
	tb.t.Helper()
	tb.api.SendText(u, "/start")
	tb.press(u, say(tb.t, lang, "LanguageConfirmYes"))
	tb.press(u, say(tb.t, lang, "PrivacyAccept"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(tb.t, lang, "CommuneAsk")) })
	tb.press(u, "🏘 "+commune)
	tb.find(u.ID, func(m fakeapi.Message) bool { return hasButton(m, "🏠 "+district) })
	tb.press(u, "🏠 "+district)
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(tb.t, lang, "MenuWrite")) })
}

// answerOf opens an FAQ answer as a client in the menu and returns its text.
func (tb *testBot) answerOf(u fakeapi.User, lang, topic, question string) string {
	tb.t.Helper()
	tb.press(u, say(tb.t, lang, "MenuFAQ"))
	tb.press(u, render(tb.t, lang, flows.Content(flows.PhraseTopic, topic)))
	tb.press(u, render(tb.t, lang, flows.Content(flows.PhraseQuestion, question)))
	m := tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(tb.t, lang, "FaqBack")) })
	tb.press(u, say(tb.t, lang, "MenuBack"))
	return m.Text
}

// bookingDays are the day buttons a client in the menu is offered for booking.
func (tb *testBot) bookingDays(u fakeapi.User, lang string) []string {
	tb.t.Helper()
	tb.press(u, say(tb.t, lang, "MenuAppointments"))
	tb.press(u, say(tb.t, lang, "ApptBook"))
	m := tb.last(u.ID, func(m fakeapi.Message) bool {
		return hasButton(m, say(tb.t, lang, "MenuBack")) && !hasButton(m, say(tb.t, lang, "ApptBook"))
	})
	tb.press(u, say(tb.t, lang, "MenuBack"))
	return labels(m)
}

func TestCountyClientsSeeTheirOwnCommune(t *testing.T) {
	tb := newCountyBot(t)
	amal := fakeapi.User{ID: 9501, FirstName: "Amal", LanguageCode: "ar"}
	olena := fakeapi.User{ID: 9502, FirstName: "Olena", LanguageCode: "uk"}
	// Each picks their commune by its name in their own script.
	tb.toCommune(amal, "ar", "موسترشتات (Musterstadt)", "Altstadt")
	tb.toCommune(olena, "uk", "Біркенау (Birkenau)", "Anschlussunterbringung Alte Schule")

	// The district's only manager takes the case: each commune's own.
	tb.find(amal.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "ar", "InviteAccepted", "Name", "Frau Yılmaz"))
	})
	tb.find(olena.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "uk", "InviteAccepted", "Name", "Frau Kovalenko"))
	})

	// The FAQ names each commune's own citizens' office.
	if got := tb.answerOf(amal, "ar", "housing", "after-moving"); !strings.Contains(got, "Bürgerbüro Musterstadt") || strings.Contains(got, "Rathaus Birkenau") {
		t.Errorf("Musterstadt's answer:\n%s\nwant Bürgerbüro Musterstadt only", got)
	}
	if got := tb.answerOf(olena, "uk", "housing", "after-moving"); !strings.Contains(got, "Rathaus Birkenau") || strings.Contains(got, "Bürgerbüro Musterstadt") {
		t.Errorf("Birkenau's answer:\n%s\nwant Rathaus Birkenau only", got)
	}

	// Office hours: Frau Kovalenko holds them in Lindental on Thursday and in Birkenau on
	// Friday; Olena of Birkenau is offered Friday only (the 26th is Good Friday), Amal Frau
	// Yılmaz's Tuesday.
	day := func(lang, weekday, date string) string {
		return render(t, lang, flows.Join(" ", flows.Msg(weekday), flows.Number(date)))
	}
	days := tb.bookingDays(olena, "uk")
	if !slices.Contains(days, day("uk", "WeekdayFri", "02.04.")) || slices.Contains(days, day("uk", "WeekdayThu", "25.03.")) {
		t.Errorf("Birkenau's client is offered %q, want Friday and no Thursday (Lindental)", days)
	}
	days = tb.bookingDays(amal, "ar")
	if !slices.Contains(days, day("ar", "WeekdayTue", "23.03.")) || slices.Contains(days, day("ar", "WeekdayFri", "02.04.")) {
		t.Errorf("Musterstadt's client is offered %q, want Tuesday and no Friday (Birkenau)", days)
	}

	// Help nearby: the county's migration counselling for both, each commune's own volunteers.
	for _, c := range []struct {
		u           fakeapi.User
		lang        string
		own, others string
	}{{amal, "ar", "Café International Musterstadt", "Helferkreis Asyl Birkenau"}, {olena, "uk", "Helferkreis Asyl Birkenau", "Café International Musterstadt"}} {
		tb.api.SendText(c.u, "/menu")
		tb.idle()
		tb.press(c.u, say(t, c.lang, "MenuServices"))
		cats := tb.last(c.u.ID, func(m fakeapi.Message) bool {
			return hasButton(m, render(t, c.lang, flows.Join(" ", flows.Literal("🤝"), flows.Msg("ServiceCategoryMigration"))))
		})
		tb.press(c.u, render(t, c.lang, flows.Join(" ", flows.Literal("🙌"), flows.Msg("ServiceCategoryVolunteers"))))
		list := tb.last(c.u.ID, func(m fakeapi.Message) bool { return hasButton(m, c.own) })
		if hasButton(list, c.others) {
			t.Errorf("%s sees the other commune's volunteers: %v (categories %v)", c.u.FirstName, labels(list), labels(cats))
		}
	}
}

func TestManagerOfTwoCommunesSeesCasesOfBoth(t *testing.T) {
	tb := newCountyBot(t)
	a := fakeapi.User{ID: 9511, FirstName: "A", LanguageCode: "en"}
	b := fakeapi.User{ID: 9512, FirstName: "B", LanguageCode: "en"}
	tb.toCommune(a, "en", "Musterstadt", "Musterstadt-Nord")
	tb.toCommune(b, "en", "Lindental", "Lindental-Ost")

	haddad := fakeapi.User{ID: kreisHaddad, FirstName: "Staff", LanguageCode: "de"}
	tb.api.SendText(haddad, "/clients")
	m := tb.last(haddad.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "K-0001") })
	if !strings.Contains(m.Text, "K-0002") {
		t.Errorf("Herr Haddad's /clients:\n%s\nwant the cases of Musterstadt (K-0001) and Lindental (K-0002)", m.Text)
	}
	yilmaz := fakeapi.User{ID: kreisYilmaz, FirstName: "Staff", LanguageCode: "de"}
	tb.api.SendText(yilmaz, "/clients")
	tb.last(yilmaz.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "StaffClientsNone")) })
}

func TestClientWhoMovesIsReassignedAndBothTeamsAreTold(t *testing.T) {
	tb := newCountyBot(t)
	u := fakeapi.User{ID: 9521, FirstName: "Dana", LanguageCode: "en"}
	tb.toCommune(u, "en", "Birkenau", "Anschlussunterbringung Alte Schule")
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "en", "InviteAccepted", "Name", "Frau Kovalenko"))
	})

	tb.press(u, say(t, "en", "MenuMoved"))
	tb.press(u, "🏘 Musterstadt")
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "en", "CommuneMoved", "Commune", "Musterstadt")) && hasButton(m, "🏠 Musterstadt-Nord") && !hasButton(m, "🏠 Anschlussunterbringung Alte Schule")
	})

	out := say(t, "de", "StaffCommuneMovedOut", "Case", "K-0001", "From", "Birkenau", "Commune", "Musterstadt")
	in := say(t, "de", "StaffCommuneMovedIn", "Case", "K-0001", "From", "Birkenau", "Commune", "Musterstadt")
	tb.find(kreisKovalenko, func(m fakeapi.Message) bool { return m.Text == out })
	tb.find(kreisYilmaz, func(m fakeapi.Message) bool { return m.Text == in })
	tb.find(kreisHaddad, func(m fakeapi.Message) bool { return m.Text == in })
	for _, id := range []int64{kreisYilmaz, kreisHaddad, kreisKovalenko} {
		for _, m := range tb.api.Messages(id) {
			if strings.Contains(m.Text, "Dana") {
				t.Errorf("the move notice names the client: %q", m.Text)
			}
		}
	}

	// Forged buttons: a site of the commune the client left, a commune that does not exist.
	question := tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, "🏠 Musterstadt-Nord") })
	for _, data := range []string{flows.Data(flows.ActDistrict, "birkenau-schule"), flows.Data(flows.ActCommune, "atlantis")} {
		if got := tb.pressData(u, question.ID, data); got != say(t, "en", "ButtonExpired") {
			t.Errorf("%s: pop-up %q, want it refused", data, got)
		}
	}
	tb.press(u, "🏠 Musterstadt-Nord")
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "en", "InviteAccepted", "Name", "Herr Haddad"))
	})
	kovalenko := fakeapi.User{ID: kreisKovalenko, FirstName: "Staff", LanguageCode: "de"}
	tb.api.SendText(kovalenko, "/client K-0001")
	tb.find(kreisKovalenko, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffNotYourCase", "Case", "K-0001") })

	// The client's messages reach the new commune's manager.
	tb.api.SendText(u, "Hello, I live here now")
	tb.waitFor(kreisHaddad, func() bool { return len(copies(tb.api.Messages(kreisHaddad), u.ID)) == 1 })
}

func TestCommuneTeamLeadSeesOnlyTheirCommune(t *testing.T) {
	tb := newCountyBot(t)
	a := fakeapi.User{ID: 9531, FirstName: "A", LanguageCode: "en"}
	b := fakeapi.User{ID: 9532, FirstName: "B", LanguageCode: "en"}
	tb.toCommune(a, "en", "Lindental", "Lindental-Ost")
	tb.toCommune(b, "en", "Birkenau", "Anschlussunterbringung Alte Schule")

	lead := fakeapi.User{ID: lindentalLead, FirstName: "Staff", LanguageCode: "de"}
	tb.api.SendText(lead, "/stats")
	m := tb.last(lead.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "📊") })
	if !strings.Contains(m.Text, "Lotse in Lindental") || strings.Contains(m.Text, "Birkenau") || strings.Contains(m.Text, "Landkreis") {
		t.Errorf("the Lindental lead's /stats:\n%s\nwant Lindental's figures only", m.Text)
	}
	tb.api.SendText(lead, "/stats birkenau")
	tb.last(lead.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffOnly") })
	tb.api.SendText(lead, "/client K-0002")
	tb.last(lead.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffNotYourCase", "Case", "K-0002") })
	tb.api.SendText(lead, "/clients")
	m = tb.last(lead.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "K-0001") })
	if strings.Contains(m.Text, "K-0002") {
		t.Errorf("the Lindental lead's /clients shows Birkenau's case:\n%s", m.Text)
	}

	county := fakeapi.User{ID: kreisAdmin, FirstName: "Staff", LanguageCode: "de"}
	tb.api.SendText(county, "/stats")
	m = tb.last(county.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "📊") })
	if !strings.Contains(m.Text, "Lotse in Landkreis Musterkreis") || !strings.Contains(m.Text, "/stats birkenau") {
		t.Errorf("the county admin's /stats:\n%s\nwant the county's figures and the way to each commune's", m.Text)
	}
	tb.api.SendText(county, "/stats birkenau")
	tb.last(county.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "Lotse in Birkenau") })
}

func TestCountyReportHasRowsPerCommuneAndTotals(t *testing.T) {
	tb := newCountyBot(t)
	a := fakeapi.User{ID: 9541, FirstName: "A", LanguageCode: "ar"}
	b := fakeapi.User{ID: 9542, FirstName: "B", LanguageCode: "uk"}
	c := fakeapi.User{ID: 9543, FirstName: "C", LanguageCode: "uk"}
	tb.toCommune(a, "ar", "موسترشتات (Musterstadt)", "Altstadt")
	tb.toCommune(b, "uk", "Біркенау (Birkenau)", "Anschlussunterbringung Alte Schule")
	tb.toCommune(c, "uk", "Біркенау (Birkenau)", "Anschlussunterbringung Alte Schule")
	tb.api.SendText(b, "Добрий день")
	tb.waitFor(kreisKovalenko, func() bool { return len(copies(tb.api.Messages(kreisKovalenko), b.ID)) == 1 })
	tb.idle()
	tb.stop()

	out, errs := &syncBuffer{}, &syncBuffer{}
	m := &Main{Getenv: func(k string) string { return tb.env[k] }, Stdout: out, Stderr: errs, Now: tb.now}
	if code := exit(m.Stderr, m.Run(t.Context(), []string{"report", "--from", "2027-01-01", "--to", "2027-12-31"})); code != 0 {
		t.Fatalf("report exited %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(rows[0], ","), "commune,month,figure,value"; got != want {
		t.Errorf("header %q, want %q", got, want)
	}
	want := map[string]string{
		"musterstadt/2027-03/clients.new": "1", "birkenau/2027-03/clients.new": "2", "total/2027-03/clients.new": "3",
		"birkenau/2027-03/relay.requests": "1", "total/2027-03/relay.requests": "1",
		"musterstadt/today/clients": "1", "birkenau/today/clients": "2", "lindental/today/clients": "0", "total/today/clients": "3",
		"birkenau/today/clients.language.uk": "2", "total/today/clients.language.ar": "1",
	}
	for _, r := range rows[1:] {
		k := r[0] + "/" + r[1] + "/" + r[2]
		if r[0] == "musterstadt" && r[2] == "relay.requests" {
			t.Errorf("Musterstadt counts Birkenau's request: %v", r)
		}
		if v, ok := want[k]; ok {
			if v != r[3] {
				t.Errorf("%s = %s, want %s", k, r[3], v)
			}
			delete(want, k)
		}
	}
	for k := range want {
		t.Errorf("report lacks %s:\n%s", k, out)
	}
}

func TestCheckNamesFileLineAndFieldOfCommuneMistakes(t *testing.T) {
	s := strings.Replace(string(flows.ExampleCounty), "id = \"nord\"\ncommune = \"musterstadt\"", "id = \"nord\"\ncommune = \"musterstat\"", 1)
	path := filepath.Join(t.TempDir(), "landkreis.toml")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out := runMain(t, map[string]string{}, "check", path)
	line := 1 + strings.Count(s[:strings.Index(s, `commune = "musterstat"`)], "\n")
	if want := fmt.Sprintf(`landkreis.toml:%d: districts[2].commune: unknown commune "musterstat" (did you mean "musterstadt"?)`, line); code == 0 || !strings.Contains(out, want) {
		t.Errorf("check exited %d:\n%s\nwant %s", code, out, want)
	}
	if err := os.WriteFile(path, flows.ExampleCounty, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := runMain(t, map[string]string{}, "check", path); code != 0 || !strings.Contains(out, "3 communes") {
		t.Errorf("check of the example Landkreis exited %d:\n%s", code, out)
	}
}

// bigCounty is a county of 30 communes with 10 housing sites each (300 districts), one
// office each, 40 managers each serving districts in several communes with office hours in
// one of them, a county admin and a team lead per commune.
func bigCounty() []byte {
	var b strings.Builder
	b.WriteString("county = \"Landkreis Großkreis\"\nadmins = [930001]\n")
	const communes, perCommune, managers = 30, 10, 40
	for i := 1; i <= communes; i++ {
		fmt.Fprintf(&b, "\n[[communes]]\nid = \"g%02d\"\nname = \"Gemeinde %02d\"\nnames = { ar = \"بلدية %02d\" }\nadmins = [%d]\n", i, i, i, 931000+i)
		fmt.Fprintf(&b, "\n[communes.local.citizens_office]\nname = \"Bürgerbüro Gemeinde %02d\"\n", i)
	}
	for i := 1; i <= communes; i++ {
		fmt.Fprintf(&b, "\n[[offices]]\nid = \"g%02d-rathaus\"\ncommune = \"g%02d\"\nname = \"Rathaus Gemeinde %02d\"\naddress = \"Marktplatz %d\"\n", i, i, i, i)
	}
	served := make([][]string, managers)
	for j := range communes * perCommune {
		commune, site := j/perCommune+1, j%perCommune+1
		id := fmt.Sprintf("g%02d-u%02d", commune, site)
		fmt.Fprintf(&b, "\n[[districts]]\nid = \"%s\"\ncommune = \"g%02d\"\nname = \"Unterkunft %02d-%02d\"\n", id, commune, commune, site)
		served[j%managers] = append(served[j%managers], id)
	}
	for m := range managers {
		fmt.Fprintf(&b, "\n[[managers]]\ntelegram_id = %d\nname = \"Manager %02d\"\ndistricts = [\"%s\"]\n", 932000+m, m, strings.Join(served[m], `", "`))
	}
	for m := range managers {
		fmt.Fprintf(&b, "\n[[office_hours]]\nmanager = %d\noffice = \"%s-rathaus\"\nweekday = \"tue\"\nfrom = \"09:00\"\nto = \"12:00\"\n", 932000+m, served[m][0][:3])
	}
	// 200 services: 50 migration counselling offices for the whole county, and five
	// volunteer groups in each commune.
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&b, "\n[[services]]\nid = \"mbe%02d\"\ncategory = \"migration\"\nname = \"Beratungsstelle %02d\"\naddress = \"Hauptstraße %d\"\nhours = [{ weekday = \"mon\", from = \"08:00\", to = \"12:00\" }]\n", i, i, i)
	}
	for i := 1; i <= communes; i++ {
		for j := 1; j <= 5; j++ {
			fmt.Fprintf(&b, "\n[[services]]\nid = \"g%02d-v%d\"\ncommune = \"g%02d\"\ncategory = \"volunteers\"\nname = \"Helferkreis %02d-%d\"\n", i, j, i, i, j)
		}
	}
	return []byte(b.String())
}

func TestThirtyCommuneCountyWithinTelegramsLimits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grosskreis.toml")
	if err := os.WriteFile(path, bigCounty(), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := runMain(t, map[string]string{}, "check", path); code != 0 || !strings.Contains(out, "30 communes, 40 managers") || strings.Contains(out, "warning") {
		t.Fatalf("check exited %d:\n%s", code, out)
	}
	tb := newTestBot(t, "LOTSE_CONFIG", path)
	u := fakeapi.User{ID: 9551, FirstName: "Farid", LanguageCode: "ar"}
	tb.api.SendText(u, "/start")
	tb.press(u, say(t, "ar", "LanguageConfirmYes"))
	tb.press(u, say(t, "ar", "PrivacyAccept"))
	page := func(n, of int) fakeapi.Message {
		return tb.find(u.ID, func(m fakeapi.Message) bool {
			return hasButton(m, say(t, "ar", "PickerPage", "Page", fmt.Sprint(n), "Pages", fmt.Sprint(of)))
		})
	}
	fits := func(m fakeapi.Message) {
		t.Helper()
		n := 0
		for _, row := range m.Buttons {
			for _, b := range row {
				n++
				if len(b.Data) > 64 {
					t.Errorf("button %q carries %d bytes of data", b.Text, len(b.Data))
				}
			}
		}
		if n > 100 {
			t.Errorf("%d buttons in one message", n)
		}
	}
	// 30 communes: four pages of eight, by their Arabic names; ▶ turns the page.
	first := page(1, 4)
	fits(first)
	if !hasButton(first, "🏘 بلدية 01") || hasButton(first, "🏘 بلدية 09") {
		t.Errorf("the first page of communes: %v", labels(first))
	}
	tb.press(u, say(t, "ar", "PickerNext"))
	second := page(2, 4)
	fits(second)
	if !hasButton(second, "🏘 بلدية 09") {
		t.Errorf("the second page of communes: %v", labels(second))
	}
	// Typing the official name finds the commune on another page.
	tb.api.SendText(u, "Gemeinde 27")
	// Its ten housing sites: two pages.
	sites := page(1, 2)
	fits(sites)
	if !hasButton(sites, "🏠 Unterkunft 27-01") || hasButton(sites, "🏠 Unterkunft 26-01") {
		t.Errorf("the first page of Gemeinde 27's sites: %v", labels(sites))
	}
	tb.press(u, say(t, "ar", "PickerNext"))
	fits(page(2, 2))
	tb.press(u, "🏠 Unterkunft 27-10")
	tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ar", "MenuWrite")) })

	// Help nearby: the county's 50 counselling offices a page at a time, and the volunteer
	// groups of Gemeinde 27 only.
	tb.press(u, say(t, "ar", "MenuServices"))
	tb.press(u, render(t, "ar", flows.Join(" ", flows.Literal("🤝"), flows.Msg("ServiceCategoryMigration"))))
	fits(page(1, 7))
	tb.press(u, say(t, "ar", "PickerNext"))
	if second := page(2, 7); !hasButton(second, "Beratungsstelle 09") {
		t.Errorf("the second page of counselling offices: %v", labels(second))
	}
	tb.press(u, say(t, "ar", "MenuServices"))
	tb.press(u, render(t, "ar", flows.Join(" ", flows.Literal("🙌"), flows.Msg("ServiceCategoryVolunteers"))))
	groups := tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, "Helferkreis 27-1") })
	fits(groups)
	if hasButton(groups, "Helferkreis 26-1") || !hasButton(groups, "Helferkreis 27-5") {
		t.Errorf("the volunteer groups of Gemeinde 27: %v", labels(groups))
	}

	// The site's only manager has the case: district 27-10 is the 270th, Manager 29's.
	manager := tb.startStaff(932029)
	tb.api.SendText(u, "مرحبا")
	tb.waitFor(manager.ID, func() bool { return len(copies(tb.api.Messages(manager.ID), u.ID)) == 1 })
}

// BenchmarkCheckCounty measures loading and checking the 30-commune county; the goal
// is well under a second.
func BenchmarkCheckCounty(b *testing.B) {
	data := bigCounty()
	for b.Loop() {
		if _, err := flows.ParseConfig("grosskreis.toml", data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDistrictNamesInTheClientsLanguage(t *testing.T) {
	tb := newCountyBot(t)
	// An Arabic client reads the site's Arabic name beside the official one …
	u := fakeapi.User{ID: 9561, FirstName: "Huda", LanguageCode: "ar"}
	tb.toCommune(u, "ar", "موسترشتات (Musterstadt)", "شمال موسترشتات (Musterstadt-Nord)")
	// … and a Ukrainian one finds it by typing the official name.
	v := fakeapi.User{ID: 9562, FirstName: "Ivan", LanguageCode: "uk"}
	tb.api.SendText(v, "/start")
	tb.press(v, say(t, "uk", "LanguageConfirmYes"))
	tb.press(v, say(t, "uk", "PrivacyAccept"))
	tb.press(v, "🏘 Мустерштадт (Musterstadt)")
	tb.find(v.ID, func(m fakeapi.Message) bool {
		return hasButton(m, "🏠 Північ Мустерштадта (Musterstadt-Nord)")
	})
	tb.api.SendText(v, "Musterstadt-Nord")
	tb.last(v.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "uk", "MenuWrite")) })
	tb.stop()
	db := tb.db()
	defer db.Close()
	if c, err := db.Client(v.ID); err != nil || c.District != "nord" {
		t.Errorf("typing the official name chose %+v (%v), want the district nord", c, err)
	}
}

func TestACommuneAnswersInItsOwnWay(t *testing.T) {
	dir := t.TempDir()
	faq := filepath.Join(dir, "faq-birkenau")
	if err := os.Mkdir(faq, 0o700); err != nil {
		t.Fatal(err)
	}
	own := `[[questions]]
id = "after-moving"
answer = """
У Біркенау реєстрація в ратуші, лише у вівторок зранку.
Ратуша: {{.citizens_office.name}}
"""
`
	if err := os.WriteFile(filepath.Join(faq, "uk.toml"), []byte(own), 0o600); err != nil {
		t.Fatal(err)
	}
	county := strings.Replace(string(flows.ExampleCounty), `id = "birkenau"`, "id = \"birkenau\"\nfaq_dir = \"faq-birkenau\"", 1)
	path := filepath.Join(dir, "landkreis.toml")
	if err := os.WriteFile(path, []byte(county), 0o600); err != nil {
		t.Fatal(err)
	}
	tb := newTestBot(t, "LOTSE_CONFIG", path)
	tb.setNow(monday)
	olena := fakeapi.User{ID: 9571, FirstName: "Olena", LanguageCode: "uk"}
	petro := fakeapi.User{ID: 9572, FirstName: "Petro", LanguageCode: "uk"}
	tb.toCommune(olena, "uk", "Біркенау (Birkenau)", "Anschlussunterbringung Alte Schule")
	tb.toCommune(petro, "uk", "Мустерштадт (Musterstadt)", "Altstadt")
	if got := tb.answerOf(olena, "uk", "housing", "after-moving"); !strings.Contains(got, "лише у вівторок зранку") || !strings.Contains(got, "Rathaus Birkenau") {
		t.Errorf("Birkenau's own answer:\n%s", got)
	}
	if got := tb.answerOf(petro, "uk", "housing", "after-moving"); strings.Contains(got, "лише у вівторок") || !strings.Contains(got, "Bürgerbüro Musterstadt") {
		t.Errorf("Musterstadt's client reads Birkenau's answer:\n%s", got)
	}

	// A commune's file may only answer questions the FAQ has; check names file and entry.
	if err := os.WriteFile(filepath.Join(faq, "de.toml"), []byte("[[questions]]\nid = \"no-such-question\"\nanswer = \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out := runMain(t, map[string]string{}, "check", path)
	if code == 0 || !strings.Contains(out, filepath.Join(faq, "de.toml")+`: questions[0] "no-such-question": unknown question`) {
		t.Errorf("check exited %d:\n%s", code, out)
	}
}
