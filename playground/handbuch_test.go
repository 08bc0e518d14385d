package playground_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/playground"
)

// The screenshots of the team's guide, docs/handbuch.md, come from this test: it goes through
// each task of the guide in the playground's page in Debian's Chromium and saves the chat
// of the person concerned, phone-sized, as docs/handbuch/<name>.png:
//
//	LOTSE_HANDBUCH=write go test -run TestHandbuchScreenshots ./playground/
//
// The buttons' emoji need a colour emoji font (Debian: fonts-noto-color-emoji). Where
// pngquant is installed (Debian: pngquant), the pictures are reduced to 256 colours, a
// third of their size.
//
// CI (LOTSE_BROWSER_TEST=required) goes through the same tasks without touching the docs:
// the pictures go to its artifacts, and the test fails unless they are exactly the ones in
// docs/handbuch/, so a change of the playground that breaks the guide's way shows. Otherwise
// the test is skipped, so that go test ./... leaves the docs alone.

// handbuchDir is where the guide's pictures live, seen from this package's folder.
const handbuchDir = "../docs/handbuch"

// teamLead is the example town's admin: the Teamleitung who reads the figures.
const teamLead = "Teamleitung"

func TestHandbuchScreenshots(t *testing.T) {
	write := os.Getenv("LOTSE_HANDBUCH") == "write"
	if !write && os.Getenv("LOTSE_BROWSER_TEST") != "required" {
		t.Skip("LOTSE_HANDBUCH=write takes the screenshots of docs/handbuch.md")
	}
	exe := chromium(t)
	dir := handbuchDir
	if write {
		// Without a colour emoji font the buttons' emoji come out as empty boxes.
		if out, err := exec.Command("fc-list", ":", "family").Output(); err == nil && !strings.Contains(string(out), "Emoji") {
			t.Fatal("no emoji font: the guide's pictures would show boxes for the buttons' emoji (Debian: apt-get install fonts-noto-color-emoji)")
		}
	} else {
		dir = screenshotDir(t)
		defer sameNames(t, dir, handbuchDir)
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	start := mondayMorning(time.Now(), loc)
	tp := newTestPlaygroundWith(t, setup{start: start, people: func(cfg *flows.Config) []playground.Person {
		people := playground.StartingPeople(cfg)
		// Amira, Olena and Frau Yılmaz of the starting page, and the town's team lead.
		return []playground.Person{people[0], people[2], people[3], {ID: cfg.Admins[0], Name: teamLead, Language: "de", Role: playground.RoleManager}}
	}})
	b := openBrowser(t, exe, tp.url)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	for _, name := range old {
		os.Remove(name)
	}
	shot := func(name, file string) { b.phoneShot(name, filepath.Join(dir, file), write) }

	const amira, olena, manager = "Amira", "Olena", "Frau Yılmaz"
	ar := func(id string, kv ...string) string { return tp.say("ar", id, kv...) }
	uk := func(id string, kv ...string) string { return tp.say("uk", id, kv...) }
	de := func(id string, kv ...string) string { return tp.say("de", id, kv...) }

	// The team opens the bot first.
	b.send(manager, "/start")
	b.waitBot(manager, "her welcome", contains(de("ManagerWelcome", "Name", manager, "Town", "Musterstadt")))
	shot(manager, "team-start.png")
	b.send(teamLead, "/start")
	b.waitBot(teamLead, "the team lead's welcome", contains("Musterstadt"))

	// A client comes by herself: greeting, language, privacy, district, menu.
	b.send(amira, "/start")
	b.waitBot(amira, "the Arabic greeting", contains(ar("LanguageConfirm")))
	shot(amira, "klient-start.png")
	b.press(amira, ar("LanguageConfirmYes"))
	b.waitBot(amira, "the privacy notice", contains(ar("PrivacyQuestion")))
	shot(amira, "klient-datenschutz.png")
	b.press(amira, ar("PrivacyAccept"))
	b.waitBot(amira, "the question where she lives", contains(ar("ConsentThanks")))
	b.press(amira, "🏠 Altstadt")
	b.waitBot(amira, "the menu", hasButton(ar("MenuFAQ")))
	shot(amira, "klient-menue.png")

	// Questions and answers.
	b.press(amira, ar("MenuFAQ"))
	b.press(amira, tp.phrase("ar", flows.Content(flows.PhraseTopic, "language")))
	question := tp.phrase("ar", flows.Content(flows.PhraseQuestion, "integration-course"))
	b.press(amira, question)
	b.waitBot(amira, "the answer", startsWith(question+"\n\n"))
	shot(amira, "klient-faq.png")
	b.press(amira, ar("MenuBack"))
	b.waitBot(amira, "the menu again", hasButton(ar("MenuAppointments")))

	// A client books an appointment.
	b.press(amira, ar("MenuAppointments"))
	b.press(amira, ar("ApptBook"))
	b.press(amira, b.firstButton(amira, "a day"))
	b.press(amira, b.firstButton(amira, "a time"))
	b.press(amira, ar("ApptTopicOther"))
	b.waitBot(amira, "the summary", hasButton(ar("ApptConfirm")))
	shot(amira, "klient-termin-pruefen.png")
	b.press(amira, ar("ApptConfirm"))
	b.waitBot(amira, "the booking", contains(ar("ApptBooked")))
	shot(amira, "klient-termin-gebucht.png")

	// A client writes; the manager reads and answers.
	const note = "مرحبا، عندي سؤال عن رسالة من مركز العمل"
	b.send(amira, note)
	b.waitBot(amira, "the note that it was delivered", contains(ar("RelayDelivered")))
	header := b.waitBot(manager, "the header of Amira's case", match{Prefix: "✉️ K-", Contains: " · " + amira + " · "})
	caseLabel := strings.Fields(strings.TrimPrefix(header.Text, "✉️ "))[0]
	b.waitBot(manager, "Amira's message", exactly(note))
	shot(manager, "team-nachricht.png")
	b.send(manager, "/r "+caseLabel+" Gern, ich rufe Sie morgen an.")
	b.waitBot(amira, "Frau Yılmaz's own reply", exactly("Gern, ich rufe Sie morgen an."))
	b.wait(manager, "👍 on her reply", match{From: "user", Exact: "/r " + caseLabel + " Gern, ich rufe Sie morgen an.", Reaction: "👍"})
	shot(manager, "team-antwort.png")

	// Ready-made replies.
	b.press(manager, de("RelayTemplates"))
	b.waitBot(manager, "the list of replies", hasButton(de("TplReceivedLabel")))
	shot(manager, "team-vorlagen.png")
	b.press(manager, de("TplReceivedLabel"))
	b.waitBot(manager, "the note that the reply was sent", contains(de("StaffTemplateSent", "Case", caseLabel, "Language", "العربية")))
	b.waitBot(amira, "the ready-made reply in Arabic", exactly(ar("TplReceived")))
	shot(amira, "klient-vorlage.png")

	// The integration plan: a goal from the list, agreed with the client.
	b.send(manager, "/plan "+caseLabel)
	b.waitBot(manager, "the empty plan", hasButton(de("StaffPlanAddGoal")))
	b.press(manager, de("StaffPlanAddGoal"))
	b.press(manager, b.buttonWith(manager, de("PlanFieldLanguage")))
	b.press(manager, b.buttonWith(manager, de("PlanGoalLanguageCourse")))
	b.press(manager, b.firstButton(manager, "a date"))
	b.waitBot(manager, "the plan with its goal", hasButton(de("StaffPlanAgree")))
	shot(manager, "team-plan.png")
	b.press(manager, de("StaffPlanAgree"))
	b.waitBot(amira, "the plan to agree", hasButton(ar("PlanConfirmButton")))
	shot(amira, "klient-plan.png")
	b.press(amira, ar("PlanConfirmButton"))
	b.waitBot(manager, "the note that Amira agreed", contains("🤝 "+caseLabel))

	// Referral to a service, from the case card.
	b.press(manager, de("RelayRefer"))
	b.waitBot(manager, "the kinds of services", contains(de("StaffReferCategory", "Case", caseLabel)))
	b.press(manager, b.firstButton(manager, "a kind of service"))
	b.press(manager, b.firstButton(manager, "a service"))
	b.press(manager, b.firstButton(manager, "a date"))
	b.waitBot(manager, "the step of the plan for the referral", contains("Termin bei Migrationsberatung"))
	shot(manager, "team-vermitteln.png")
	b.waitBot(amira, "the referral", contains("MBE"))
	shot(amira, "klient-vermittlung.png")

	// Households: the manager invites a member of Amira's family; a client by invitation.
	b.send(manager, "/invite "+caseLabel)
	// The first button is read only once the question is there, not from an older keyboard.
	b.waitBot(manager, "the question who joins", contains(de("StaffHouseholdWho", "Case", caseLabel)))
	b.press(manager, b.firstButton(manager, "who joins"))
	b.waitBot(manager, "the family invitation", contains("t.me/"))
	shot(manager, "team-haushalt.png")
	b.send(manager, "/invite")
	// The family's invitation has a link and a QR code too: wait for the new ones.
	head, _, _ := strings.Cut(de("StaffInvite", "Date", "-", "Link", "-"), ",")
	invite := b.waitBot(manager, "the invitation", contains(head))
	b.waitCount(manager, "the second QR code", de("StaffInviteQR"), 2)
	shot(manager, "team-einladen.png")
	payload := regexp.MustCompile(`\?start=([A-Za-z0-9_-]+)`).FindStringSubmatch(invite.Text)
	if payload == nil {
		b.fail("no start link in the invitation %q", invite.Text)
	}
	b.send(olena, "/start "+payload[1])
	b.waitBot(olena, "the Ukrainian greeting", contains(uk("LanguageConfirm")))
	b.press(olena, uk("LanguageConfirmYes"))
	b.press(olena, uk("PrivacyAccept"))
	b.waitBot(olena, "the note who her manager is", contains(uk("InviteAccepted", "Name", manager)))
	shot(olena, "klient-einladung.png")

	// The week's appointments, then the day: reminder, "came?", marked.
	b.send(manager, "/week")
	b.waitBot(manager, "the week", contains(de("StaffWeek")))
	shot(manager, "team-woche.png")
	unmarked, reminded := "", false
	for day := 1; unmarked == "" && day <= maxDays; day++ {
		b.nextDay()
		if _, ok := b.find(amira, contains(reminderHead(tp)), time.Second); ok && !reminded {
			reminded = true
			shot(amira, "klient-erinnerung.png")
		}
		if m, ok := b.find(manager, startsWith("❓"), 2*time.Second); ok {
			unmarked = m.Text
		}
	}
	if unmarked == "" || !reminded {
		b.fail("no reminder or no question whether Amira came within %d days", maxDays)
	}
	shot(manager, "team-anwesenheit.png")
	b.press(manager, b.buttonWith(manager, "✅"))
	b.waitBot(manager, "the note", contains(de("StaffMarked")))

	// Away, from two weeks ahead for a week, with Herr Haddad standing in. He is not on the
	// page, but he opened the bot, as he must before Lotse can tell him.
	tp.api.SendText(fakeapi.User{ID: 900102, FirstName: "Herr Haddad", LanguageCode: "de"}, "/start")
	haddadSees(t, tp, "his welcome", "👋")
	from := tp.clock.Now().In(loc).AddDate(0, 0, 14)
	to := from.AddDate(0, 0, 7)
	b.send(manager, fmt.Sprintf("/away %s %s Haddad", from.Format("02.01.2006"), to.Format("02.01.2006")))
	b.waitBot(manager, "the absence", contains(de("StaffAwaySet", "Name", "Herr Haddad", "From", from.Format("02.01.2006"), "To", to.Format("02.01.2006"))))
	haddadSees(t, tp, "the note that he stands in", "🔁")
	shot(manager, "team-abwesend.png")

	// The team lead's figures.
	b.send(teamLead, "/stats")
	b.waitBot(teamLead, "the figures", startsWith("📊"))
	shot(teamLead, "leitung-zahlen.png")

	// A group activity: a language café for ten, sent to the manager's clients.
	b.send(manager, "/broadcast")
	b.press(manager, de("StaffActivityNew"))
	b.press(manager, de("ActivityTitleCafe"))
	b.waitBot(manager, "the question which day", contains(de("StaffActivityDay")))
	b.press(manager, b.firstButton(manager, "a day"))
	b.waitBot(manager, "the question what time", contains(de("StaffActivityTime")))
	b.press(manager, b.firstButton(manager, "a time"))
	b.waitBot(manager, "the question where", contains(de("StaffActivityPlace")))
	b.press(manager, b.firstButton(manager, "a place"))
	b.waitBot(manager, "the question how many seats", contains(de("StaffActivitySeats")))
	b.press(manager, "10")
	b.waitBot(manager, "the question which languages", contains(de("StaffActivityLangs")))
	b.press(manager, de("StaffActivityLangsDone"))
	b.waitBot(manager, "the question about an interpreter", contains(de("StaffActivityInterpreter")))
	b.press(manager, de("StaffActivityInterpreterNo"))
	b.waitBot(manager, "the question who gets it", contains(de("StaffBroadcastSegment")))
	b.press(manager, b.firstButton(manager, "a group of clients"))
	b.waitBot(manager, "the question to send", hasButton(de("StaffBroadcastSend")))
	shot(manager, "team-gruppe-senden.png")
	b.press(manager, de("StaffBroadcastSend"))
	b.waitBot(amira, "the invitation to the language café", hasButton(ar("ActivityYes")))
	shot(amira, "klient-gruppe.png")
	b.press(amira, ar("ActivityYes"))
	b.waitBot(amira, "the thanks", contains(ar("ActivityYesThanks")))
	b.send(manager, "/broadcast")
	b.press(manager, de("StaffActivities"))
	b.press(manager, b.buttonWith(manager, de("ActivityTitleCafe")))
	b.waitBot(manager, "who comes", contains("🙋 "+caseLabel))
	shot(manager, "team-gruppe-liste.png")
	b.noPageErrors()
}

// buttonWithJS finds the label of the newest enabled inline button of a person's chat whose
// label contains part.
const buttonWithJS = `(name, part) => {
	const col = [...document.querySelectorAll("section.phone")].find((c) => c.getAttribute("aria-label") === "Chat of " + name);
	if (!col) return "";
	const key = [...col.querySelectorAll("button.key")].reverse().find((k) => !k.disabled && k.textContent.includes(part));
	return key ? key.textContent : "";
}`

// buttonWith waits for a button whose label contains part and returns its whole label.
func (b *browser) buttonWith(name, part string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout+5*time.Second)
	defer cancel()
	label, err := chromedp.Run(ctx, chromedp.PollFunction[string](`(name, part) => (`+buttonWithJS+`)(name, part) || null`,
		chromedp.WithPollingArgs(name, part), chromedp.WithPollingTimeout(stepTimeout), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		b.fail("%s never got a button with %q: %v\nthe chat shows:\n%s", name, part, err, b.dump(name))
	}
	return label
}

// phoneShot saves one person's chat, scrolled to its newest message, as a PNG: about the
// size of a phone's screen. small reduces its colours where pngquant is installed.
func (b *browser) phoneShot(name, file string, small bool) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	scroll := fmt.Sprintf(`(() => { const m = document.querySelector(%q); m.scrollTop = m.scrollHeight; return true; })()`, column(name)+" .messages")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](scroll)); err != nil {
		b.fail("scrolling the chat of %s: %v", name, err)
	}
	// The page scrolls smoothly; a moment lets it arrive at the bottom.
	time.Sleep(300 * time.Millisecond)
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(column(name))))
	if err != nil {
		b.fail("screenshot of %s: %v", name, err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	if pngquant, err := exec.LookPath("pngquant"); err == nil && small {
		if out, err := exec.Command(pngquant, "--force", "--strip", "--speed", "1", "--output", file, "--", file).CombinedOutput(); err != nil {
			b.t.Logf("pngquant %s: %v %s", file, err, out)
		}
	}
}

// haddadSees waits until Herr Haddad, who is not on the page, got a message from the bot
// that starts with prefix.
func haddadSees(t *testing.T, tp *testPlayground, what, prefix string) {
	t.Helper()
	for deadline := time.Now().Add(stepTimeout); ; time.Sleep(50 * time.Millisecond) {
		for _, m := range tp.api.ChatLog(900102) {
			if m.From == "bot" && strings.HasPrefix(m.Text, prefix) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("Herr Haddad never got %s: %+v", what, tp.api.ChatLog(900102))
		}
	}
}

// waitCount waits until n messages of a person's chat contain text.
func (b *browser) waitCount(name, what, text string, n int) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout+5*time.Second)
	defer cancel()
	count := `(name, text, n) => (` + bubblesJS + `)(name).filter((m) => m.text.includes(text)).length >= n`
	if _, err := chromedp.Run(ctx, chromedp.PollFunction[bool](count,
		chromedp.WithPollingArgs(name, text, n), chromedp.WithPollingTimeout(stepTimeout), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.fail("the chat of %s never showed %s: %v\nit shows:\n%s", name, what, err, b.dump(name))
	}
}

// sameNames fails the test unless the PNGs in dir, which the test took, are the ones in
// want, which the guide uses.
func sameNames(t *testing.T, dir, want string) {
	t.Helper()
	if t.Failed() {
		return
	}
	names := func(d string) map[string]bool {
		files, _ := filepath.Glob(filepath.Join(d, "*.png"))
		m := map[string]bool{}
		for _, f := range files {
			m[filepath.Base(f)] = true
		}
		return m
	}
	took, has := names(dir), names(want)
	for n := range took {
		if !has[n] {
			t.Errorf("the test takes %s, which docs/handbuch/ lacks: LOTSE_HANDBUCH=write go test -run TestHandbuchScreenshots ./playground/", n)
		}
	}
	for n := range has {
		if !took[n] {
			t.Errorf("docs/handbuch/%s is no longer taken by the test: remove it from the guide", n)
		}
	}
}
