package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
	"github.com/lotse-bot/lotse/translate/fake"
)

// planOf reads a client's stored plan; the bot must be stopped.
func (tb *testBot) planOf(client int64) *flows.Plan {
	tb.t.Helper()
	db := tb.db()
	defer db.Close()
	var p *flows.Plan
	err := db.View(func(tx flows.Tx) (err error) {
		p, err = tx.Plan(client)
		if flows.ErrorCode(err) == flows.ENotFound {
			return nil
		}
		return err
	})
	if err != nil {
		tb.t.Fatal(err)
	}
	return p
}

func TestIntegrationPlanForAnArabicClient(t *testing.T) {
	tb := newBookingBot(t) // Monday 22 March 2027; summer time begins on Sunday 28 March
	haddad := tb.startStaff(900102)
	yilmaz := tb.startStaff(900101)
	u := fakeapi.User{ID: 13001, FirstName: "Amal", LanguageCode: "ar"}
	tb.invited(haddad, u, "ar")

	// The client's plan is empty at first.
	tb.press(u, say(t, "ar", "MenuPlan"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "PlanEmpty")) })

	// The manager builds three goals in three fields, with steps: the first with buttons
	// (field, common goal, a date three months ahead), the others with commands.
	tb.api.SendText(haddad, "/plan K-0001")
	tb.press(haddad, say(t, "de", "StaffPlanAddGoal"))
	tb.press(haddad, "🗣 "+say(t, "de", "PlanFieldLanguage"))
	tb.press(haddad, say(t, "de", "PlanGoalLanguageCourse"))
	tb.press(haddad, "22.06.2027")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanGoalAdded", "Goal", "1"))
	})
	for _, cmd := range []string{
		"/goal K-0001 work 31.12.2027 work-recognition",
		"/goal K-0001 housing 30.09.2027 Wohnung in der Nordstadt suchen",
		"/step K-0001 1 client 31.03.2027 Anmeldung bei der VHS abgeben",
		"/step K-0001 2 client 15.04.2027 Zeugnisse kopieren",
		"/step K-0001 3 client 20.04.2027 Wohnberechtigungsschein beantragen",
	} {
		before := len(tb.api.Messages(haddad.ID))
		tb.api.SendText(haddad, cmd)
		tb.waitMessages(haddad.ID, before+1)
	}
	m := tb.last(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanStepAdded", "Step", "3.1"))
	})
	for _, want := range []string{say(t, "de", "PlanGoalLanguageCourse"), say(t, "de", "PlanGoalWorkRecognition"), "Wohnung in der Nordstadt suchen", "31.03.2027"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the manager's plan lacks %q:\n%s", want, m.Text)
		}
	}

	// Agreeing: the client gets the plan in Arabic, dates isolated, and confirms it.
	tb.press(haddad, say(t, "de", "StaffPlanAgree"))
	offer := tb.find(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ar", "PlanConfirmButton")) })
	for _, want := range []string{
		say(t, "ar", "PlanFieldLanguage"), say(t, "ar", "PlanGoalLanguageCourse"), say(t, "ar", "PlanFieldWork"),
		say(t, "ar", "PlanFieldHousing"), say(t, "ar", "PlanOwnWords", "Text", "Wohnung in der Nordstadt suchen"),
		render(t, "ar", flows.Number("22.06.2027")), "🗣", "💼", "🏠",
	} {
		if !strings.Contains(offer.Text, want) {
			t.Errorf("the client's plan lacks %q:\n%s", want, offer.Text)
		}
	}
	if !strings.Contains(render(t, "ar", flows.Number("22.06.2027")), "\u2068") {
		t.Errorf("a date in Arabic text is not isolated")
	}
	clean(t, "plan offer", offer)
	tb.press(u, say(t, "ar", "PlanConfirmButton"))
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "K-0001") && strings.Contains(m.Text, "🤝") && strings.Contains(m.Text, "K-0001 hat den Plan bestätigt")
	})

	// A step done, help with another: the manager receives both.
	tb.press(u, say(t, "ar", "PlanDoneButton", "Step", "2.1"))
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanStepDone", "Case", "K-0001", "Step", "2.1", "What", "Zeugnisse kopieren"))
	})
	tb.press(u, say(t, "ar", "PlanHelpButton", "Step", "3.1"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "PlanHelpSent")) })
	// The request for help, not the plan that names the same step: the answer to the client
	// may arrive before it.
	help := tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.HasPrefix(m.Text, "🙋") && strings.Contains(m.Text, "K-0001") && strings.Contains(m.Text, "Wohnberechtigungsschein beantragen") && strings.Contains(m.Text, "3.1")
	})
	// The manager answers by replying to it.
	tb.reply(haddad, help.ID, "Im Bürgerbüro, Zimmer 4.")
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" && m.CopiedFrom == haddad.ID })
	tb.api.SendText(u, "أين أقدم الطلب؟")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "RelayHeaderStep", "Step", "3.1"))
	})
	tb.find(haddad.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" && m.CopiedFrom == u.ID })

	// Bad input changes nothing: a client trying manager commands and manager buttons,
	// forged and outdated data, steps that do not exist, another manager, impossible dates.
	have := len(tb.api.Messages(u.ID))
	tb.api.SendText(u, "/goal K-0001 family 01.05.2027 Verein")
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "StaffOnly")) })
	tb.waitMessages(u.ID, have+1)
	for _, data := range []string{"1:pls:1.1.d", "1:pss:1.1.1", "1:pla:1", "1:pln:1", "1:pld:1.language-course.20270601", "1:psd:9.9", "1:psd:1.5", "1:psh:0.1", "1:plok:1", "1:psd:2.1", "1:psd:1.1.1"} {
		if got := tb.pressData(u, offer.ID, data); got != say(t, "ar", "ButtonExpired") {
			t.Errorf("the client's press of %q answered %q, want the Arabic 'no longer valid'", data, got)
		}
	}
	tb.api.SendText(yilmaz, "/plan K-0001")
	tb.find(yilmaz.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffNotYourCase", "Case", "K-0001"))
	})
	if got := tb.pressData(yilmaz, tb.api.Messages(yilmaz.ID)[0].ID, "1:pls:1.1.d"); got != say(t, "de", "StaffNotYourCase", "Case", "K-0001") {
		t.Errorf("another manager's status button answered %q", got)
	}
	for data, want := range map[string]string{
		"1:plf:1.nosuchfield":              say(t, "de", "ButtonExpired"),
		"1:plg:1.nosuchgoal":               say(t, "de", "ButtonExpired"),
		"1:pld:1.language-course.20200101": say(t, "de", "StaffPlanBadDate", "Date", "01.01.2020"),
		"1:pld:1.language-course.20270231": say(t, "de", "ButtonExpired"),
		"1:pls:1.9.r":                      say(t, "de", "ButtonExpired"),
	} {
		if got := tb.pressData(haddad, tb.api.Messages(haddad.ID)[0].ID, data); got != want {
			t.Errorf("the manager's press of %q answered %q, want %q", data, got, want)
		}
	}
	for _, date := range []string{"31.02.2027", "01.01.2020", "morgen"} {
		tb.api.SendText(haddad, "/goal K-0001 family "+date+" Verein")
		tb.find(haddad.ID, func(m fakeapi.Message) bool {
			return strings.Contains(m.Text, say(t, "de", "StaffPlanBadDate", "Date", date))
		})
	}
	tb.api.SendText(haddad, "/step K-0001 7 client 01.05.2027 Nichts")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanBadGoal", "Goal", "7", "Case", "K-0001"))
	})

	// Step 1.1 is due on Wednesday 31 March: reminded on Sunday 28 March, the day summer
	// time begins, and on the day itself, each at 09:00 Berlin time, once, across a restart.
	first := time.Date(2027, 3, 28, 7, 0, 0, 0, time.UTC) // 09:00 CEST
	tb.at(first.Add(-time.Second))
	if n := tb.stepReminders(u.ID); n != 0 {
		t.Fatalf("%d step reminders before 28 March 09:00", n)
	}
	tb.at(first)
	tb.api.WaitFor(5*time.Second, func() bool { return tb.stepReminders(u.ID) == 1 })
	r := tb.last(u.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "⏰") })
	if !strings.Contains(r.Text, "Anmeldung bei der VHS abgeben") || !strings.Contains(r.Text, render(t, "ar", flows.Number("31.03.2027"))) ||
		!hasButton(r, say(t, "ar", "PlanDoneButton", "Step", "1.1")) || !hasButton(r, say(t, "ar", "PlanHelpButton", "Step", "1.1")) || !hasButton(r, say(t, "ar", "PlanBookButton")) {
		t.Errorf("the first reminder: %q %v", r.Text, labels(r))
	}
	tb.restart()
	time.Sleep(300 * time.Millisecond)
	if n := tb.stepReminders(u.ID); n != 1 {
		t.Fatalf("%d step reminders after a restart, want 1", n)
	}
	second := time.Date(2027, 3, 31, 7, 0, 0, 0, time.UTC)
	tb.at(second.Add(-time.Second))
	if n := tb.stepReminders(u.ID); n != 1 {
		t.Fatalf("a reminder came before 31 March 09:00")
	}
	tb.at(second)
	tb.api.WaitFor(5*time.Second, func() bool { return tb.stepReminders(u.ID) == 2 })
	tb.restart()
	time.Sleep(300 * time.Millisecond)
	if n := tb.stepReminders(u.ID); n != 2 {
		t.Fatalf("%d step reminders, want 2", n)
	}
	r = tb.last(u.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "⏰") })
	if !strings.Contains(r.Text, "Anmeldung bei der VHS abgeben") || strings.Contains(r.Text, render(t, "ar", flows.Number("31.03.2027"))) {
		t.Errorf("the reminder on the day: %q", r.Text)
	}

	// The manager marks the language goal reached; the report counts goals by field and
	// status, and the step done on time, without naming anyone.
	before := len(tb.api.Messages(haddad.ID))
	tb.api.SendText(haddad, "/plan K-0001")
	tb.waitMessages(haddad.ID, before+1)
	tb.press(haddad, say(t, "de", "StaffPlanSetReached", "Goal", "1"))
	tb.find(haddad.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "PlanStatusReached")) })
	admin := tb.startStaff(900001)
	tb.api.SendText(admin, "/stats")
	report := tb.find(admin.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "🧭") })
	if !strings.Contains(report.Text, "housing 1/0/0 · language 1/1/0 · work 1/0/0") || strings.Contains(report.Text, "K-0001") {
		t.Errorf("the report's plan figures: %q", report.Text)
	}
	if !strings.Contains(report.Text, render(t, "de", flows.Phrase{ID: "StatsPlan", Sub: map[string]flows.Phrase{"Goals": flows.Literal("housing 1/0/0 · language 1/1/0 · work 1/0/0"), "OnTime": flows.Number("1"), "Late": flows.Number("0")}})) {
		t.Errorf("the report does not count one step done on time: %q", report.Text)
	}

	// Agreeing again: the client is asked about what changed since they agreed, only.
	tb.press(haddad, say(t, "de", "StaffPlanAgree"))
	changed := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, say(t, "ar", "PlanOfferChanged")) })
	if !strings.Contains(changed.Text, say(t, "ar", "PlanGoalLanguageCourse")) || !strings.Contains(changed.Text, say(t, "ar", "PlanStatusReached")) ||
		strings.Contains(changed.Text, "Wohnung in der Nordstadt suchen") || strings.Contains(changed.Text, say(t, "ar", "PlanGoalWorkRecognition")) {
		t.Errorf("the changed part of the plan: %q", changed.Text)
	}
	tb.press(u, say(t, "ar", "PlanConfirmButton"))
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "ar", "PlanConfirmed")) && m.ID == changed.ID
	})

	// The case card names the next step of the goals still open.
	tb.api.SendText(haddad, "/client K-0001")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffProfileNextStep", "Step", "3.1", "What", "Wohnberechtigungsschein beantragen", "Date", "20.04.2027")) && strings.Contains(m.Text, "🧭") && hasButton(m, say(t, "de", "RelayPlan"))
	})

	// The manager marks the step the client needed help with as done.
	before = len(tb.api.Messages(haddad.ID))
	tb.api.SendText(haddad, "/plan K-0001")
	tb.waitMessages(haddad.ID, before+1)
	tb.press(haddad, say(t, "de", "PlanDoneButton", "Step", "3.1"))
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "✅ 3.1 Wohnberechtigungsschein beantragen") && !hasButton(m, say(t, "de", "PlanDoneButton", "Step", "3.1"))
	})

	tb.stop()
	p := tb.planOf(u.ID)
	if p == nil || len(p.Goals) != 3 || p.Goals[0].Status != flows.GoalReached || p.Agreed != p.Revision || p.AgreedAt.IsZero() {
		t.Fatalf("stored plan: %+v", p)
	}
	if !p.Goals[1].Steps[0].Done || p.Goals[1].Status != flows.GoalActive || p.Goals[0].Steps[0].Done || !p.Goals[2].Steps[0].Done || len(p.Goals[0].Steps) != 1 {
		t.Errorf("steps after the client's answers: %+v %+v %+v", p.Goals[0].Steps[0], p.Goals[1].Steps[0], p.Goals[2].Steps[0])
	}
}

func TestTownFieldsOfActionAndTheirMistakes(t *testing.T) {
	// The example town adds "sport" and the common goal "sport-swim": a manager uses them,
	// the client reads the town's Arabic names.
	tb := newBookingBot(t)
	haddad := tb.startStaff(900102)
	u := fakeapi.User{ID: 13101, FirstName: "Rami", LanguageCode: "ar"}
	tb.invited(haddad, u, "ar")
	tb.api.SendText(haddad, "/goal K-0001 sport 30.06.2027 sport-swim")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanGoalAdded", "Goal", "1")) && strings.Contains(m.Text, "Schwimmen lernen")
	})
	tb.press(u, say(t, "ar", "MenuPlan"))
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "⚽") && strings.Contains(m.Text, "الرياضة والترفيه") && strings.Contains(m.Text, "تعلّم السباحة")
	})
	tb.api.SendText(haddad, "/goal K-0001 sport 30.06.2027 language-course")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanGoalField", "Goal", "language-course", "Field", "language"))
	})

	path := writeConfig(t, t.TempDir(),
		`emoji = "⚽"`, `emoji = ""`,
		`field = "sport"`, `field = "sports"`,
		`ar = "تعلّم السباحة"`, `xx = "تعلّم السباحة"`,
	)
	code, out := runMain(t, nil, "check", path)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	at := func(text string) string {
		return fmt.Sprintf("%s:%d: ", path, strings.Count(string(data[:bytes.Index(data, []byte(text))]), "\n")+1)
	}
	for _, want := range []string{
		at(`emoji = ""`) + "plan.fields[1].emoji: must not be empty",
		at(`field = "sports"`) + `plan.goals[1].field: unknown field of action "sports"`,
		at(`xx = `) + `plan.goals[1].texts.xx: "xx" is not a language option of Lotse`,
		"\n3 problems\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output:\n%s\nlacks %q", out, want)
		}
	}
}

func TestThePlanIsInTheClientsDataAndGoesWithThem(t *testing.T) {
	tb := newBookingBot(t)
	haddad := tb.startStaff(900102)
	u := fakeapi.User{ID: 13201, FirstName: "Dana", LanguageCode: "uk"}
	tb.invited(haddad, u, "uk")
	tb.api.SendText(haddad, "/goal K-0001 papers 30.06.2027 papers-residence")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanGoalAdded", "Goal", "1"))
	})
	tb.api.SendText(haddad, "/step K-0001 1 client 31.03.2027 Termin bei der Ausländerbehörde")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanStepAdded", "Step", "1.1"))
	})

	// No plan is kept for a client who did not accept the privacy notice.
	v := fakeapi.User{ID: 13202, FirstName: "Omid", LanguageCode: "fa"}
	tb.toMenu(v, "fa", false)
	tb.api.SendText(haddad, "/goal K-0002 language 30.06.2027 language-course")
	tb.find(haddad.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "de", "StaffPlanNoConsent", "Case", "K-0002") })

	tb.api.SendText(u, "/mydata")
	doc := tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "document" && strings.HasSuffix(m.FileName, ".json") })
	var got struct {
		Plan struct {
			Goals []struct {
				Common string
				Steps  []struct{ Text string }
			}
		} `json:"integration_plan"`
		Reminders []struct{ Kind string }
	}
	if err := json.Unmarshal(doc.FileData, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Plan.Goals) != 1 || got.Plan.Goals[0].Common != "papers-residence" || len(got.Plan.Goals[0].Steps) != 1 || len(got.Reminders) != 2 {
		t.Errorf("the export lacks the plan or its reminders:\n%s", doc.FileData)
	}
	// The document to read has the plan too, in her language.
	readable := tb.find(u.ID, func(m fakeapi.Message) bool { return m.Kind == "document" && strings.HasSuffix(m.FileName, ".txt") })
	for _, want := range []string{say(t, "uk", "PlanTitle"), "Termin bei der Ausländerbehörde"} {
		if !strings.Contains(string(readable.FileData), want) {
			t.Errorf("the document to read lacks %q:\n%s", want, readable.FileData)
		}
	}

	tb.api.SendText(u, "/delete")
	tb.press(u, say(t, "uk", "DeleteYes"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "uk", "Deleted") })
	tb.stop()
	if p := tb.planOf(u.ID); p != nil {
		t.Errorf("the plan outlived its client: %+v", p)
	}
	if p := tb.planOf(v.ID); p != nil {
		t.Errorf("a plan was kept for a client without consent: %+v", p)
	}
	db := tb.db()
	defer db.Close()
	_, err := db.Update(func(tx flows.Tx) error {
		due, err := tx.Due(time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC), 100)
		for _, r := range due {
			if r.Kind == flows.RemindStep {
				t.Errorf("a reminder of the erased client's step remains: %+v", r)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAManagersOwnWordsInThePlanAreTranslated(t *testing.T) {
	tb, _ := newTranslatingBot(t, fake.Options{})
	haddad := tb.startStaff(900102)
	u := fakeapi.User{ID: 13301, FirstName: "Samir", LanguageCode: "ar"}
	tb.invited(haddad, u, "ar")
	tb.api.SendText(haddad, "/goal K-0001 housing 30.09.2027 Wohnung in der Nordstadt suchen")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanGoalAdded", "Goal", "1"))
	})
	tb.api.SendText(haddad, "/step K-0001 1 client 30.06.2027 Wohnberechtigungsschein beantragen")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanStepAdded", "Step", "1.1"))
	})

	// The translations are kept in the plan as they come; the client then reads them,
	// marked as machine translations, in the common goal's place the catalog text.
	want := []string{
		say(t, "ar", "PlanMachineTranslated", "Text", "[de→ar] Wohnung in der Nordstadt suchen"),
		say(t, "ar", "PlanMachineTranslated", "Text", "[de→ar] Wohnberechtigungsschein beantragen"),
	}
	var shown string
	for try := 0; try < 20 && !(strings.Contains(shown, want[0]) && strings.Contains(shown, want[1])); try++ {
		before := len(tb.api.Messages(u.ID))
		tb.api.SendText(u, "/menu")
		menu := tb.waitMessages(u.ID, before+1)[before]
		tb.pressData(u, menu.ID, flows.Data(flows.ActMenu, flows.ItemPlan))
		tb.api.WaitFor(5*time.Second, func() bool {
			m, _ := tb.api.MessageByID(u.ID, menu.ID)
			shown = m.Text
			return strings.Contains(shown, say(t, "ar", "PlanTitle"))
		})
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(shown, want[0]) || !strings.Contains(shown, want[1]) {
		t.Fatalf("the client's plan shows no machine translation of the manager's words: %q", shown)
	}
	// The manager's view keeps their own words.
	tb.api.SendText(haddad, "/plan K-0001")
	m := tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.HasPrefix(m.Text, say(t, "de", "StaffPlanTitle", "Case", "K-0001"))
	})
	if strings.Contains(m.Text, "[de→ar]") || !strings.Contains(m.Text, "Wohnung in der Nordstadt suchen") {
		t.Errorf("the manager's plan: %q", m.Text)
	}
}

func TestStepRemindersAfterDowntimeComeOnce(t *testing.T) {
	tb := newBookingBot(t)
	haddad := tb.startStaff(900102)
	u := fakeapi.User{ID: 13401, FirstName: "Lina", LanguageCode: "ti"}
	tb.invited(haddad, u, "ti")
	tb.api.SendText(haddad, "/goal K-0001 school 30.06.2027 school-place")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanGoalAdded", "Goal", "1"))
	})
	tb.api.SendText(haddad, "/step K-0001 1 client 31.03.2027 Kita-Anmeldung abgeben")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanStepAdded", "Step", "1.1"))
	})
	// While the bot is down, both reminders fall due; the step's day has not passed.
	tb.stop()
	tb.setNow(time.Date(2027, 3, 31, 10, 0, 0, 0, time.UTC))
	tb.start()
	tb.api.WaitFor(5*time.Second, func() bool { return tb.stepReminders(u.ID) > 0 })
	tb.restart()
	time.Sleep(300 * time.Millisecond)
	if n := tb.stepReminders(u.ID); n != 1 {
		t.Fatalf("%d step reminders after downtime, want 1 (the latest)", n)
	}
	r := tb.last(u.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "⏰") })
	today := flows.Phrase{ID: "PlanReminderToday", Sub: map[string]flows.Phrase{"What": {ID: "PlanOwnWords", Args: map[string]string{"Text": "Kita-Anmeldung abgeben"}}}}
	if r.Text != render(t, "ti", today) {
		t.Errorf("the reminder after downtime is not the one of the day: %q", r.Text)
	}
	// A step whose day passed during downtime is not reminded any more.
	tb.api.SendText(haddad, "/step K-0001 1 client 02.04.2027 Impfpass mitbringen")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanStepAdded", "Step", "1.2"))
	})
	tb.stop()
	tb.setNow(time.Date(2027, 4, 3, 10, 0, 0, 0, time.UTC))
	tb.start()
	time.Sleep(300 * time.Millisecond)
	if n := tb.stepReminders(u.ID); n != 1 {
		t.Errorf("%d step reminders, want still 1: the second step's day had passed", n)
	}
}

func TestPlanGoalsAndStepsWithButtonsAndWords(t *testing.T) {
	tb := newBookingBot(t) // Monday 22 March 2027
	haddad := tb.startStaff(900102)
	u := fakeapi.User{ID: 13501, FirstName: "Rami", LanguageCode: "ar"}
	tb.invited(haddad, u, "ar")

	// A goal in the manager's own words: field, "in my own words", a date, then the words.
	tb.api.SendText(haddad, "/plan K-0001")
	tb.press(haddad, say(t, "de", "StaffPlanAddGoal"))
	tb.press(haddad, "🏠 "+say(t, "de", "PlanFieldHousing"))
	tb.press(haddad, say(t, "de", "StaffPlanOwnWords"))
	tb.press(haddad, "22.06.2027")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanWriteGoal", "Case", "K-0001"))
	})
	tb.api.SendText(haddad, "Eine Wohnung mit drei Zimmern finden")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanGoalAdded", "Goal", "1")) && strings.Contains(m.Text, "Eine Wohnung mit drei Zimmern finden")
	})

	// A step with buttons: who, by when, then the words.
	tb.press(haddad, say(t, "de", "StaffPlanAddStep", "Goal", "1"))
	tb.idle()
	tb.press(haddad, say(t, "de", "PlanWhoClient"))
	tb.idle()
	tb.press(haddad, "29.03.2027")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanWriteStep", "Step", "1.1"))
	})
	tb.api.SendText(haddad, "Wohnungsanzeigen lesen")
	added := tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanStepAdded", "Step", "1.1"))
	})
	if !strings.Contains(added.Text, "Wohnungsanzeigen lesen") || !strings.Contains(added.Text, "29.03.2027") {
		t.Errorf("the step is not in the plan:\n%s", added.Text)
	}

	// A draft dropped by a command: the words that follow are a message, not a step.
	tb.press(haddad, say(t, "de", "StaffPlanAddStep", "Goal", "1"))
	tb.idle()
	tb.press(haddad, say(t, "de", "PlanWhoManager"))
	tb.idle()
	tb.press(haddad, "05.04.2027")
	tb.api.SendText(haddad, "/today")
	before := len(tb.api.Messages(haddad.ID))
	tb.api.SendText(haddad, "Nicht für den Plan")
	tb.waitMessages(haddad.ID, before+1)
	tb.idle()
	for _, m := range tb.api.Messages(haddad.ID)[before:] {
		if strings.Contains(m.Text, say(t, "de", "StaffPlanStepAdded", "Step", "1.2")) {
			t.Errorf("a dropped draft took the next message as a step")
		}
	}

	// The client reads the goal and the step, marked as the manager's words.
	tb.api.SendText(u, "/menu")
	tb.idle()
	tb.press(u, say(t, "ar", "MenuPlan"))
	plan := tb.last(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "Wohnungsanzeigen lesen") })
	if !strings.Contains(plan.Text, say(t, "ar", "PlanOwnWords", "Text", "Eine Wohnung mit drei Zimmern finden")) {
		t.Errorf("the client's plan lacks the goal in the manager's words:\n%s", plan.Text)
	}

	// "Book an appointment about this" after asking for help: no question what it is about,
	// and the manager's week names the step.
	tb.press(u, say(t, "ar", "PlanHelpButton", "Step", "1.1"))
	tb.idle()
	tb.press(u, say(t, "ar", "PlanBookButton"))
	tb.press(u, render(t, "ar", flows.Join(" ", flows.Msg("WeekdayWed"), flows.Number("24.03."))))
	times := tb.last(u.ID, func(m fakeapi.Message) bool {
		return len(m.Buttons) > 0 && strings.HasPrefix(m.Buttons[0][0].Data, "1:bkt:")
	})
	tb.api.PressData(u, times.ID, times.Buttons[0][0].Data)
	tb.press(u, say(t, "ar", "ApptConfirm"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "ApptBooked")) })
	tb.api.SendText(haddad, "/week")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffApptTopicStep", "Step", "1.1")+": Wohnungsanzeigen lesen")
	})
}
