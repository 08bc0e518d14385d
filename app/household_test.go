package app

import (
	"encoding/binary"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/bot/fakeapi"
	"github.com/lotse-bot/lotse/flows"
)

// joins takes a family member in lang through the invitation link payload to the menu.
func (tb *testBot) joins(u fakeapi.User, payload, lang string) {
	tb.t.Helper()
	tb.api.SendText(u, "/start "+payload)
	tb.press(u, say(tb.t, lang, "LanguageConfirmYes"))
	tb.press(u, say(tb.t, lang, "PrivacyAccept"))
	tb.find(u.ID, func(m fakeapi.Message) bool { return hasButton(m, say(tb.t, lang, "MenuFamily")) })
}

// copyOf finds the copy of a message from chat from in chat to whose text has want.
func (tb *testBot) copyOf(to, from int64, want string) fakeapi.Message {
	tb.t.Helper()
	return tb.find(to, func(m fakeapi.Message) bool { return m.Kind == "copy" && m.CopiedFrom == from && m.Text == want })
}

func TestHouseholdOfThreeInThreeLanguages(t *testing.T) {
	tb := newTestBot(t, "LOTSE_ERASURE_DELAY", "100ms")
	tb.setNow(monday) // Monday 22 March 2027
	haddad := tb.startStaff(900102)
	ahmad := fakeapi.User{ID: 14001, FirstName: "Ahmad", LanguageCode: "ar"}
	amal := fakeapi.User{ID: 14002, FirstName: "Amal", LanguageCode: "ti"}
	omar := fakeapi.User{ID: 14003, FirstName: "Omar", LanguageCode: "uk"}
	tb.invited(haddad, ahmad, "ar")

	// Ahmad invites his wife from "My family": a link to forward and a QR code.
	tb.press(ahmad, say(t, "ar", "MenuFamily"))
	tb.find(ahmad.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "FamilyAlone")) })
	tb.press(ahmad, say(t, "ar", "FamilyAdd"))
	tb.press(ahmad, say(t, "ar", "RelationPartner"))
	forward := tb.find(ahmad.ID, func(m fakeapi.Message) bool { return inviteLink.MatchString(m.Text) })
	if !strings.Contains(forward.Text, say(t, "ar", "FamilyInviteForward")) {
		t.Errorf("the message to forward is not in Arabic: %q", forward.Text)
	}
	tb.find(ahmad.ID, func(m fakeapi.Message) bool { return m.Kind == "photo" })
	tb.joins(amal, inviteLink.FindStringSubmatch(forward.Text)[1], "ti")
	tb.find(amal.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "ti", "FamilyJoinedManager", "Name", "Herr Haddad"))
	})
	amalName := "Amal (" + say(t, "de", "RelationPartner") + ")"
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "K-0001 · "+amalName)
	})

	// The manager invites their son with /invite K-0001.
	tb.api.SendText(haddad, "/invite K-0001")
	tb.press(haddad, say(t, "de", "RelationChild"))
	link := tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return inviteLink.MatchString(m.Text) && strings.Contains(m.Text, "K-0001")
	})
	tb.joins(omar, inviteLink.FindStringSubmatch(link.Text)[1], "uk")
	omarName := "Omar (" + say(t, "de", "RelationChild") + ")"

	// Messages from each reach the manager under the one case, naming the member.
	tb.api.SendText(ahmad, "مرحبا، لدي سؤال عن المدرسة")
	tb.api.SendText(amal, "ሰላም፣ ሕቶ ኣለኒ")
	tb.api.SendText(omar, "Привіт, у мене питання")
	for _, who := range []string{"K-0001 · Ahmad (" + say(t, "de", "RelationHolder") + ")", "K-0001 · " + amalName, "K-0001 · " + omarName} {
		tb.find(haddad.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "✉️ "+who) })
	}
	tb.copyOf(haddad.ID, ahmad.ID, "مرحبا، لدي سؤال عن المدرسة")
	tb.copyOf(haddad.ID, omar.ID, "Привіт, у мене питання")
	fromAmal := tb.copyOf(haddad.ID, amal.ID, "ሰላም፣ ሕቶ ኣለኒ")

	// The answer goes back to the member who wrote, and only to her.
	tb.reply(haddad, fromAmal.ID, "Ich rufe Sie morgen an.")
	tb.find(amal.ID, func(m fakeapi.Message) bool { return m.Kind == "copy" && m.CopiedFrom == haddad.ID })
	tb.idle()
	for _, u := range []fakeapi.User{ahmad, omar} {
		for _, m := range tb.api.Messages(u.ID) {
			if m.CopiedFrom == haddad.ID {
				t.Errorf("the answer to Amal reached %s too", u.FirstName)
			}
		}
	}

	// Amal books an appointment; it is the case's.
	tb.api.SendText(amal, "/menu")
	tb.idle()
	tb.press(amal, say(t, "ti", "MenuAppointments"))
	tb.press(amal, say(t, "ti", "ApptBook"))
	tb.press(amal, render(t, "ti", flows.Join(" ", flows.Msg("WeekdayWed"), flows.Number("24.03."))))
	times := tb.last(amal.ID, func(m fakeapi.Message) bool {
		return len(m.Buttons) > 0 && strings.HasPrefix(m.Buttons[0][0].Data, "1:bkt:")
	})
	tb.api.PressData(amal, times.ID, times.Buttons[0][0].Data)
	tb.press(amal, say(t, "ti", "ApptTopicOther"))
	tb.press(amal, say(t, "ti", "ApptConfirm"))
	tb.find(amal.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ti", "ApptBooked")) })

	// The case card and /clients show the household once, with the numbers of its members
	// and the appointment of one of them.
	tb.api.SendText(haddad, "/client K-0001")
	card := tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffHouseholdTitle", "Count", "3"))
	})
	for _, want := range []string{"2. " + amalName, "3. " + omarName, "24.03.2027"} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("the case card lacks %q:\n%s", want, card.Text)
		}
	}
	tb.api.SendText(haddad, "/clients")
	list := tb.find(haddad.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "👪 3") })
	if strings.Count(list.Text, "K-0001") != 1 {
		t.Errorf("/clients lists the household more than once:\n%s", list.Text)
	}

	// A plan for the family: a goal for everyone, one for Amal, a step for Omar.
	for _, cmd := range []string{
		"/goal K-0001 language 31.12.2027 language-course",
		"/goal K-0001/2 work 31.12.2027 work-recognition",
		"/step K-0001/3 1 client 15.04.2027 Anmeldung bei der VHS abgeben",
	} {
		before := len(tb.api.Messages(haddad.ID))
		tb.api.SendText(haddad, cmd)
		tb.waitMessages(haddad.ID, before+1)
	}
	tb.last(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanStepAdded", "Step", "1.1"))
	})
	tb.press(haddad, say(t, "de", "StaffPlanAgree"))
	// Each member gets the plan in their language; Amal's goal names her.
	for _, m := range []struct {
		u    fakeapi.User
		lang string
	}{{ahmad, "ar"}, {amal, "ti"}, {omar, "uk"}} {
		offer := tb.find(m.u.ID, func(msg fakeapi.Message) bool { return hasButton(msg, say(t, m.lang, "PlanConfirmButton")) })
		for _, want := range []string{say(t, m.lang, "PlanGoalLanguageCourse"), say(t, m.lang, "PlanGoalWorkRecognition"), "Amal", say(t, m.lang, "RelationPartner")} {
			if !strings.Contains(offer.Text, want) {
				t.Errorf("%s's plan lacks %q:\n%s", m.u.FirstName, want, offer.Text)
			}
		}
		clean(t, m.u.FirstName+"'s plan", offer)
	}
	// Amal confirms for the family; the manager hears it from her.
	tb.press(amal, say(t, "ti", "PlanConfirmButton"))
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, "🤝") && strings.Contains(m.Text, "K-0001 · "+amalName)
	})

	// Omar's step reminds Omar, three days before, and nobody else.
	tb.at(time.Date(2027, 4, 12, 9, 1, 0, 0, berlin))
	tb.find(omar.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "⏰") })
	tb.idle()
	if n := tb.stepReminders(ahmad.ID) + tb.stepReminders(amal.ID); n != 0 {
		t.Errorf("Omar's step reminded %d other members", n)
	}

	// Omar's /mydata holds what concerns him: the family's goal and his step, not Amal's goal
	// nor anything of the others.
	tb.api.SendText(omar, "/mydata")
	doc := tb.find(omar.ID, func(m fakeapi.Message) bool { return m.Kind == "document" && strings.HasSuffix(m.FileName, ".json") })
	for _, want := range []string{`"family_relation": "child"`, `"first_name_for_the_team": "Omar"`, "language-course", "Anmeldung bei der VHS abgeben"} {
		if !strings.Contains(string(doc.FileData), want) {
			t.Errorf("Omar's data lacks %s:\n%s", want, doc.FileData)
		}
	}
	for _, other := range []string{"work-recognition", "Amal", "Ahmad", strconv.FormatInt(amal.ID, 10), strconv.FormatInt(ahmad.ID, 10)} {
		if strings.Contains(string(doc.FileData), other) {
			t.Errorf("Omar's data holds %q of another member:\n%s", other, doc.FileData)
		}
	}

	// Amal deletes her data: Ahmad and Omar stay in the case, and nothing of her is left.
	traces := map[string][]byte{
		"id":           []byte(strconv.FormatInt(amal.ID, 10)),
		"id (8 bytes)": binary.BigEndian.AppendUint64(nil, uint64(amal.ID)),
		"name":         []byte(amal.FirstName),
		"message":      []byte("ሰላም፣ ሕቶ ኣለኒ"),
	}
	if found := tracesIn(traces, tb.env["LOTSE_DB"]); len(found) == 0 {
		t.Fatal("the file holds nothing of Amal before the erasure; the scan would prove nothing")
	}
	tb.api.SendText(amal, "/delete")
	tb.press(amal, say(t, "ti", "DeleteYes"))
	tb.find(amal.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ti", "Deleted")) })
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffMemberDeleted", "Case", "K-0001", "Count", "2"))
	})
	var left []string
	if !tb.api.WaitFor(15*time.Second, func() bool { left = tracesIn(traces, tb.env["LOTSE_DB"]); return len(left) == 0 }) {
		t.Errorf("after Amal's erasure the file still holds: %v", left)
	}
	// The others still write under K-0001 and see the family's plan without Amal's goal.
	tb.api.SendText(omar, "/menu")
	tb.idle()
	tb.press(omar, say(t, "uk", "MenuPlan"))
	plan := tb.last(omar.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "uk", "PlanGoalLanguageCourse")) })
	if strings.Contains(plan.Text, say(t, "uk", "PlanGoalWorkRecognition")) {
		t.Errorf("Amal's goal is still in the family's plan:\n%s", plan.Text)
	}
	tb.api.SendText(omar, "Дякую")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return m.Kind == "copy" && m.CopiedFrom == omar.ID && m.Text == "Дякую"
	})
	tb.stop()
	db := tb.db()
	defer db.Close()
	err := db.View(func(tx flows.Tx) error {
		h, err := tx.ClientByCase(1)
		if err != nil {
			return err
		}
		if h.ID != ahmad.ID || len(h.Members) != 1 || h.Members[0] != omar.ID {
			t.Errorf("the case after Amal left: holder %d, members %v", h.ID, h.Members)
		}
		if _, err := tx.Client(amal.ID); flows.ErrorCode(err) != flows.ENotFound {
			t.Errorf("Amal's record is still stored: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHouseholdGoesOnWhenItsFirstMemberLeaves(t *testing.T) {
	tb := newBookingBot(t)
	haddad := tb.startStaff(900102)
	ahmad := fakeapi.User{ID: 14101, FirstName: "Ahmad", LanguageCode: "ar"}
	amal := fakeapi.User{ID: 14102, FirstName: "Amal", LanguageCode: "ar"}
	tb.invited(haddad, ahmad, "ar")
	tb.api.SendText(haddad, "/invite K-0001")
	tb.press(haddad, say(t, "de", "RelationPartner"))
	link := tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return inviteLink.MatchString(m.Text) && strings.Contains(m.Text, "K-0001")
	})
	payload := inviteLink.FindStringSubmatch(link.Text)[1]
	tb.joins(amal, payload, "ar")
	tb.api.SendText(haddad, "/note K-0001 Termin beim Jobcenter am 5.4.")
	tb.api.SendText(haddad, "/goal K-0001 language 31.12.2027 language-course")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffPlanGoalAdded", "Goal", "1"))
	})

	// The invitation works once: a second person who opens it gets the polite refusal.
	other := fakeapi.User{ID: 14103, FirstName: "Sami", LanguageCode: "ar"}
	tb.api.SendText(other, "/start "+payload)
	tb.press(other, say(t, "ar", "LanguageConfirmYes"))
	tb.press(other, say(t, "ar", "PrivacyAccept"))
	tb.find(other.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "BadLink")) })

	// Ahmad, who holds the case, deletes his data: Amal keeps the case, its notes and plan.
	tb.api.SendText(ahmad, "/delete")
	tb.press(ahmad, say(t, "ar", "DeleteYes"))
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffMemberDeleted", "Case", "K-0001", "Count", "1"))
	})
	tb.api.SendText(haddad, "/client K-0001")
	card := tb.find(haddad.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, "Termin beim Jobcenter") })
	if strings.Contains(card.Text, say(t, "de", "StaffHouseholdTitle", "Count", "1")) {
		t.Errorf("a case of one shows a household:\n%s", card.Text)
	}
	tb.press(amal, say(t, "ar", "MenuPlan"))
	tb.last(amal.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "PlanGoalLanguageCourse")) })
	tb.api.SendText(amal, "شكرا")
	tb.find(haddad.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "✉️ K-0001 · ") })

	// Amal, the last member, deletes her data: the case is gone.
	tb.api.SendText(amal, "/delete")
	tb.press(amal, say(t, "ar", "DeleteYes"))
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffClientDeleted", "Case", "K-0001"))
	})
	tb.api.SendText(haddad, "/client K-0001")
	tb.find(haddad.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "de", "StaffUnknownCase")) })
}

func TestHouseholdBadInput(t *testing.T) {
	tb := newBookingBot(t)
	haddad := tb.startStaff(900102)
	yilmaz := tb.startStaff(900101)
	ahmad := fakeapi.User{ID: 14201, FirstName: "Ahmad", LanguageCode: "ar"}
	tb.invited(haddad, ahmad, "ar")
	have := len(tb.api.Messages(ahmad.ID))

	// Forged family buttons and manager actions from a client change nothing.
	menu := tb.api.Messages(ahmad.ID)[have-1].ID
	for _, data := range []string{"1:fam:cousin", "1:fam:" + strings.Repeat("a", 50), "1:hh:1.child", "1:hh:1"} {
		tb.api.PressData(ahmad, menu, data)
	}
	tb.api.SendText(ahmad, "/invite K-0001")
	tb.idle()
	for _, m := range tb.api.Messages(ahmad.ID)[have:] {
		if inviteLink.MatchString(m.Text) {
			t.Errorf("a forged button or command made an invitation: %q", m.Text)
		}
	}
	// Another manager cannot invite into the case; a member number that does not exist is
	// named.
	tb.api.SendText(yilmaz, "/invite K-0001")
	tb.find(yilmaz.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffNotYourCase", "Case", "K-0001"))
	})
	tb.api.SendText(haddad, "/goal K-0001/5 language 31.12.2027 language-course")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffHouseholdNoMember", "Case", "K-0001", "Member", "5", "Count", "1"))
	})
	tb.api.SendText(haddad, "/r K-0001/2 Hallo")
	tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return strings.Contains(m.Text, say(t, "de", "StaffHouseholdNoMember", "Case", "K-0001", "Member", "2", "Count", "1"))
	})
	// A client with a case and manager of their own keeps it when they open a family link.
	tb.api.SendText(haddad, "/invite K-0001")
	tb.press(haddad, say(t, "de", "RelationSibling"))
	link := tb.find(haddad.ID, func(m fakeapi.Message) bool {
		return inviteLink.MatchString(m.Text) && strings.Contains(m.Text, "K-0001")
	})
	own := fakeapi.User{ID: 14202, FirstName: "Rana", LanguageCode: "ar"}
	tb.invited(yilmaz, own, "ar")
	tb.api.SendText(own, "/start "+inviteLink.FindStringSubmatch(link.Text)[1])
	tb.find(own.ID, func(m fakeapi.Message) bool { return strings.Contains(m.Text, say(t, "ar", "FamilyOwnCase")) })
	tb.api.SendText(own, "سؤال")
	tb.find(yilmaz.ID, func(m fakeapi.Message) bool { return strings.HasPrefix(m.Text, "✉️ K-0002 ") })
}
