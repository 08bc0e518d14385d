package app

import (
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

const mbe = "Migrationsberatung für Erwachsene (MBE), Caritasverband Musterkreis"

// openService takes a client from the menu through Help nearby to the card of the migration
// counselling.
func (tb *testBot) openService(u fakeapi.User, lang string) fakeapi.Message {
	tb.t.Helper()
	tb.press(u, say(tb.t, lang, "MenuServices"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(tb.t, lang, "ServicesTitle")) })
	tb.press(u, "🤝 "+say(tb.t, lang, "ServiceCategoryMigration"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return hasButton(m, mbe) })
	tb.press(u, mbe)
	return tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "🧭 ") && strings.Contains(m.Text, "🕒")
	})
}

func TestHelpNearbyForAnArabicClient(t *testing.T) {
	tb := newBookingBot(t) // Monday 22 March 2027, 08:00 in Musterstadt
	haddad := tb.startStaff(900102)
	u := fakeapi.User{ID: 15001, FirstName: "Amal", LanguageCode: "ar"}
	tb.invited(haddad, u, "ar")

	// Monday 08:00: the migration counselling opens on Mondays 08:00–12:00.
	card := tb.openService(u, "ar")
	isolated := func(v string) string { return "\u2068" + v + "\u2069" }
	for _, want := range []string{
		isolated(mbe),
		say(t, "ar", "ServiceCategoryMigration"),
		"استشارة للبالغين", // the town's Arabic description, not the German one
		isolated("Kirchgasse 4, 79999 Musterstadt"),
		isolated("07000 456780"),
		render(t, "ar", flows.Phrase{ID: "ServiceHoursLine", Sub: map[string]flows.Phrase{"Day": flows.Msg("WeekdayMon"), "Time": flows.Number("08:00–12:00")}}),
		render(t, "ar", flows.Phrase{ID: "ServiceOpenNow", Sub: map[string]flows.Phrase{"Time": flows.Number("12:00")}}),
		say(t, "ar", "LanguageNameAr"), say(t, "ar", "LanguageNameFa"),
	} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("the card lacks %q:\n%s", want, card.Text)
		}
	}
	if strings.Contains(card.Text, "Beratung für Erwachsene") {
		t.Errorf("the card shows the German description to an Arabic reader:\n%s", card.Text)
	}
	clean(t, "service card", card)
	var mapButton fakeapi.Button
	for _, row := range card.Buttons {
		for _, b := range row {
			if b.Text == say(t, "ar", "ServiceMapButton") {
				mapButton = b
			}
		}
	}
	if mapButton.Kind != "url" || !strings.HasPrefix(mapButton.URL, "https://www.openstreetmap.org/search?query=Kirchgasse+4") {
		t.Errorf("map button = %+v, want a link to the map of the address", mapButton)
	}

	// Monday 13:00: closed, and it opens again on Thursday at 13:00.
	tb.setNow(monday.Add(5 * time.Hour))
	card = tb.openService(u, "ar")
	want := render(t, "ar", flows.Phrase{ID: "ServiceOpens", Sub: map[string]flows.Phrase{"Day": flows.Msg("WeekdayThu"), "Time": flows.Number("13:00")}})
	if !strings.Contains(card.Text, want) || strings.Contains(card.Text, "🟢") {
		t.Errorf("the card at 13:00 lacks %q:\n%s", want, card.Text)
	}

	// A service with no Arabic description shows the German one, marked so.
	tb.press(u, say(t, "ar", "MenuServices"))
	tb.press(u, "🗣 "+say(t, "ar", "ServiceCategoryLanguage"))
	tb.press(u, "Volkshochschule Musterstadt")
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "ar", "ServiceInGerman", "Text", "Integrationskurse und Deutschkurse; Einstufung nach Termin."))
	})

	// Forged and unknown buttons are refused and show nothing of a service.
	msg := tb.api.Messages(u.ID)[len(tb.api.Messages(u.ID))-1].ID
	for _, data := range []string{"1:svs:nosuch", "1:svc:nosuch", "1:svc:pregnancy", "1:svs:MBE", "1:svs:mbe.x"} {
		if got := tb.pressData(u, msg, data); got != say(t, "ar", "ButtonExpired") {
			t.Errorf("the press of %q answered %q, want the Arabic 'no longer valid'", data, got)
		}
	}
}

func TestReferralBecomesAPlanStepWithAFollowUp(t *testing.T) {
	tb := newBookingBot(t) // Monday 22 March 2027, 08:00
	haddad := tb.startStaff(900102)
	yilmaz := tb.startStaff(900101)
	u := fakeapi.User{ID: 15002, FirstName: "Amal", LanguageCode: "ar"}
	tb.invited(haddad, u, "ar")

	// A relay header carries the referral button, and so does the case card.
	tb.api.SendText(u, "مرحبا")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "K-0001") && hasButton(m, say(t, "de", "RelayRefer"))
	})
	tb.api.SendText(haddad, "/client K-0001")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffProfileTitle", "Case", "K-0001")) && hasButton(m, say(t, "de", "RelayRefer"))
	})
	tb.press(haddad, say(t, "de", "RelayRefer"))
	tb.press(haddad, "🤝 "+say(t, "de", "ServiceCategoryMigration"))
	tb.press(haddad, mbe)
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffReferDate", "Case", "K-0001", "Name", mbe))
	})
	tb.press(haddad, "29.03.2027")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanStepAdded", "Step", "1.1")) && strings.Contains(m.Text, say(t, "de", "PlanStepService", "Service", mbe))
	})

	// The client gets the card in Arabic, with what to bring.
	card := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "👋") })
	for _, want := range []string{
		render(t, "ar", flows.Phrase{ID: "ReferralIntro", Args: map[string]string{"Name": mbe}, Sub: map[string]flows.Phrase{"Date": flows.Number("29.03.2027")}}),
		"\u2068Kirchgasse 4, 79999 Musterstadt\u2069",
		say(t, "ar", "ServiceBring", "Text", "") + "جواز السفر",
	} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("the referral card lacks %q:\n%s", want, card.Text)
		}
	}
	clean(t, "referral card", card)

	// The referral is a step of the plan, in Arabic.
	tb.press(u, say(t, "ar", "MenuPlan"))
	tb.find(u.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "ar", "PlanTitle")) && strings.Contains(m.Text, say(t, "ar", "PlanStepService", "Service", mbe)) &&
			strings.Contains(m.Text, say(t, "ar", "PlanFieldPapers"))
	})

	// Bad input changes nothing: a client pressing a manager's referral buttons, forged
	// services and categories, another manager, a follow-up answer before any question.
	msg := tb.api.Messages(u.ID)[len(tb.api.Messages(u.ID))-1].ID
	for _, data := range []string{"1:rf:1", "1:rft:1.mbe.0", "1:rft:1.mbe.20270401", "1:rfa:9.9.y", "1:rfa:1.2.y", "1:rfa:1.1.x"} {
		if got := tb.pressData(u, msg, data); got != say(t, "ar", "ButtonExpired") {
			t.Errorf("the client's press of %q answered %q, want the Arabic 'no longer valid'", data, got)
		}
	}
	staffMsg := tb.api.Messages(haddad.ID)[0].ID
	for data, want := range map[string]string{
		"1:rf:1.nosuch":          say(t, "de", "ButtonExpired"),
		"1:rft:1.nosuch":         say(t, "de", "ButtonExpired"),
		"1:rft:1.nosuch.0":       say(t, "de", "ButtonExpired"),
		"1:rft:1.mbe.20200101":   say(t, "de", "StaffPlanBadDate", "Date", "20200101"),
		"1:rf:77":                say(t, "de", "StaffUnknownCase"),
		"1:rft:1.mbe.2027040100": say(t, "de", "ButtonExpired"),
	} {
		if got := tb.pressData(haddad, staffMsg, data); got != want {
			t.Errorf("the manager's press of %q answered %q, want %q", data, got, want)
		}
	}
	if got := tb.pressData(yilmaz, tb.api.Messages(yilmaz.ID)[0].ID, "1:rft:1.mbe.0"); got != say(t, "de", "StaffNotYourCase", "Case", "K-0001") {
		t.Errorf("another manager's referral answered %q", got)
	}

	// 14 days later at 09:00 the client is asked whether it worked, once, across a restart.
	question := func() int { return tb.count(u.ID, say(t, "ar", "FollowUpQuestion", "Name", mbe)) }
	at := time.Date(2027, 4, 5, 9, 0, 0, 0, berlin)
	tb.at(at.Add(-time.Minute))
	if n := question(); n != 0 {
		t.Fatalf("%d follow-up questions before 5 April 09:00", n)
	}
	tb.at(at)
	tb.waitFor(u.ID, func() bool { return question() == 1 })
	tb.restart()
	tb.at(at.Add(time.Hour))
	if n := question(); n != 1 {
		t.Fatalf("%d follow-up questions after a restart, want 1", n)
	}
	tb.press(u, say(t, "ar", "FollowUpYes"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "FollowUpThanks")) })
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "K-0001") && strings.Contains(m.Text, "Schritt 1.1 ist erledigt") && strings.Contains(m.Text, mbe)
	})
	// The answer is taken once: pressing "yes" again is refused.
	q := tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "FollowUpThanks")) })
	if got := tb.pressData(u, q.ID, "1:rfa:1.1.y"); got != say(t, "ar", "ButtonExpired") {
		t.Errorf("a second 'yes' answered %q", got)
	}
	tb.idle()
	tb.stop()
	p := tb.planOf(u.ID)
	if p == nil || len(p.Goals) != 1 || len(p.Goals[0].Steps) != 1 {
		t.Fatalf("plan = %+v, want one goal with the one referral step", p)
	}
	if s := p.Goals[0].Steps[0]; !s.Done || s.Who != mbe || s.Service != "mbe" || s.Due != "20270329" {
		t.Errorf("step = %+v, want the referral to %s due 29.03.2027, done", s, mbe)
	}
}

func TestErasureTakesTheReferralFollowUpAlong(t *testing.T) {
	tb := newBookingBot(t)
	haddad := tb.startStaff(900102)
	u := fakeapi.User{ID: 15003, FirstName: "Olena", LanguageCode: "uk"}
	tb.invited(haddad, u, "uk")
	tb.api.SendText(haddad, "/client K-0001")
	tb.press(haddad, say(t, "de", "RelayRefer"))
	tb.press(haddad, "🧑 "+say(t, "de", "ServiceCategoryYouth"))
	tb.press(haddad, "Jugendmigrationsdienst (JMD) Musterkreis")
	tb.press(haddad, say(t, "de", "StaffReferNoDate"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "👋") })

	tb.api.SendText(u, "/delete")
	tb.press(u, say(t, "uk", "DeleteYes"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return m.Text == say(t, "uk", "Deleted") })
	tb.stop()
	db := tb.db()
	defer db.Close()
	_, err := db.Update(func(tx flows.Tx) error {
		due, err := tx.Due(time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC), 100)
		for _, r := range due {
			if r.Kind == flows.RemindFollowUp {
				t.Errorf("the follow-up of the erased client's referral remains: %+v", r)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAnFAQAnswerLeadsToTheServiceItNames(t *testing.T) {
	tb := newBookingBot(t)
	haddad := tb.startStaff(900102)
	u := fakeapi.User{ID: 15101, FirstName: "Rami", LanguageCode: "ar"}
	tb.invited(haddad, u, "ar")
	// The answer about the integration course names the course school: the VHS's card is a
	// button away, with its address and a map.
	tb.press(u, say(t, "ar", "MenuFAQ"))
	tb.press(u, render(t, "ar", flows.Content(flows.PhraseTopic, "language")))
	tb.press(u, render(t, "ar", flows.Content(flows.PhraseQuestion, "integration-course")))
	answer := tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ar", "FaqBack")) })
	if !hasButton(answer, "📍 Volkshochschule Musterstadt") {
		t.Fatalf("the answer offers no card of the course school: %v", labels(answer))
	}
	tb.press(u, "📍 Volkshochschule Musterstadt")
	card := tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ar", "ServiceMapButton")) })
	if !strings.Contains(card.Text, "Schulstraße 3, 79999 Musterstadt") {
		t.Errorf("the card lacks the address:\n%s", card.Text)
	}
	// An answer that names no such place has no service buttons.
	tb.press(u, say(t, "ar", "MenuBack"))
	tb.press(u, say(t, "ar", "MenuFAQ"))
	tb.press(u, render(t, "ar", flows.Content(flows.PhraseTopic, "language")))
	tb.press(u, render(t, "ar", flows.Content(flows.PhraseQuestion, "course-hours")))
	other := tb.last(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(t, "ar", "FaqBack")) })
	for _, l := range labels(other) {
		if strings.HasPrefix(l, "📍") {
			t.Errorf("an answer naming no place offers %q", l)
		}
	}
}
