package flows_test

import (
	"slices"
	"testing"
	"time"

	"github.com/lotse-bot/lotse/flows"
)

// A step is one thing a person does in a domain test.
type step func(d *domain, user int64, lang string)

func send(text string) step {
	return func(d *domain, user int64, lang string) { d.send(user, lang, text) }
}

func press(words ...string) step {
	return func(d *domain, user int64, lang string) { d.press(user, lang, words...) }
}

func forge(data string) step {
	return func(d *domain, user int64, lang string) { d.pressData(user, lang, data) }
}

// toMenu is first contact with consent and no district.
var toMenu = []step{send("/start"), press("LanguageConfirmYes"), press("PrivacyAccept"), press("DistrictSkip")}

// bookTuesday books Tuesday 23 March, 09:00 at the Rathaus (Frau Yılmaz's office hours)
// from the menu, on no topic; confirm false stops at the last question.
func bookTuesday(confirm bool) []step {
	steps := []step{press("MenuAppointments"), press("ApptBook"), press("WeekdayTue", "23.03."), press("09:00"), press("ApptTopicOther")}
	if confirm {
		steps = append(steps, press("ApptConfirm"))
	}
	return steps
}

func steps(lists ...[]step) []step {
	var out []step
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// startStaff lets every staff member of the example town start the bot, as they must
// before it can write to them.
func startStaff(d *domain) {
	for _, id := range []int64{managerAltstadt, managerNord, managerOberdorf, admin} {
		d.send(id, "de", "/start")
	}
}

func run(d *domain, user int64, lang string, steps []step) {
	d.t.Helper()
	for _, s := range steps {
		s(d, user, lang)
	}
}

func TestFirstContact(t *testing.T) {
	const user = 101
	tests := []struct {
		name  string
		user  int64
		lang  string // the phone's language
		steps []step
		check func(t *testing.T, d *domain, user int64)
	}{
		{"an Arabic phone is asked to confirm Arabic", user, "ar", []step{send("/start")}, func(t *testing.T, d *domain, user int64) {
			m := d.last(user)
			if !m.says("LanguageConfirm") || !m.hasButton("LanguageConfirmYes") || !m.hasButton("LanguageOther") {
				t.Errorf("got %v %v, want the question whether Arabic is right", words(m.out.Text...), buttonWords(m.out))
			}
			if m.out.Lang != "ar" {
				t.Errorf("the question is in %q, want ar", m.out.Lang)
			}
		}},
		{"an unknown phone language gets every language in its own script", user, "xx", []step{send("/start")}, func(t *testing.T, d *domain, user int64) {
			m := d.last(user)
			for _, l := range flows.Languages {
				if !m.hasButton(l.Name) {
					t.Errorf("the picker lacks %s", l.Name)
				}
			}
		}},
		{"confirming the language turns the greeting into the privacy notice", user, "ar", []step{send("/start"), press("LanguageConfirmYes")}, func(t *testing.T, d *domain, user int64) {
			if n := len(d.chats[user]); n != 1 {
				t.Errorf("%d messages, want the one greeting edited in place", n)
			}
			m := d.last(user)
			if !m.says("PrivacyNotice", "PrivacyQuestion") || !m.hasButton("PrivacyAccept") || !m.hasButton("PrivacyDecline") {
				t.Errorf("got %v %v, want the privacy notice with accept and decline", words(m.out.Text...), buttonWords(m.out))
			}
		}},
		{"consent and a district lead to the menu and the district's manager", user, "ar", []step{send("/start"), press("LanguageConfirmYes"), press("PrivacyAccept"), press("Altstadt")}, func(t *testing.T, d *domain, user int64) {
			if m := d.last(user); !m.says("MenuPrompt") || !m.hasButton("MenuWrite") {
				t.Errorf("got %v, want the menu", words(m.out.Text...))
			}
			c := d.client(user)
			if !c.Consented() || c.Lang != "ar" || c.District != "altstadt" {
				t.Errorf("stored consent %v, language %q, district %q; want consent, ar, altstadt", c.Consented(), c.Lang, c.District)
			}
		}},
		{"declining consent keeps the menu but writing asks for consent", user, "de", []step{send("/start"), press("LanguageConfirmYes"), press("PrivacyDecline"), send("Hallo")}, func(t *testing.T, d *domain, user int64) {
			if m := d.last(user); !m.says("WriteNeedConsent") {
				t.Errorf("got %v, want the request for consent", words(m.out.Text...))
			}
			if c := d.client(user); c.Consented() {
				t.Errorf("a declined client is stored as consenting")
			}
			if n := len(d.chats[managerAltstadt]); n != 1 {
				t.Errorf("the manager got %d messages, want only the welcome: nothing is relayed without consent", n)
			}
		}},
		{"staff never go through first contact", managerAltstadt, "de", nil, func(t *testing.T, d *domain, user int64) {
			if m := d.last(user); !m.says("ManagerWelcome") {
				t.Errorf("got %v, want the managers' welcome", words(m.out.Text...))
			}
			err := d.db.View(func(tx flows.Tx) error { _, err := tx.Client(user); return err })
			if flows.ErrorCode(err) != flows.ENotFound {
				t.Errorf("a manager was stored as a client (%v)", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDomain(t)
			startStaff(d)
			run(d, tt.user, tt.lang, tt.steps)
			tt.check(t, d, tt.user)
		})
	}
}

func TestBooking(t *testing.T) {
	const user, other = 201, 202
	tuesday := time.Date(2027, 3, 23, 9, 0, 0, 0, berlin)
	tests := []struct {
		name  string
		first []step // what the client does first, in Arabic
		other []step // what another client does then, in Ukrainian
		steps []step // what the client does last
		check func(t *testing.T, d *domain)
	}{
		{"a client books Tuesday 09:00 and gets the calendar file", nil, nil, steps(toMenu, bookTuesday(true)), func(t *testing.T, d *domain) {
			var booked, file bool
			for _, m := range d.chats[user] {
				booked = booked || m.says("ApptBooked", "WeekdayTue", "23.03.2027", "09:00", "Rathaus Musterstadt, Bürgerbüro")
				file = file || m.out.Kind == flows.OutCalendar && m.out.Event != nil && m.out.Event.Start.Equal(tuesday)
			}
			if !booked || !file {
				t.Errorf("confirmation %v, calendar file %v; chat:\n%s", booked, file, d.dump(user))
			}
			appts := d.appointments(user)
			if len(appts) != 1 || appts[0].Status != flows.StatusBooked || !appts[0].Start.Equal(tuesday) || appts[0].Manager != managerAltstadt {
				t.Errorf("stored %+v, want one booking on Tuesday 09:00 with Frau Yılmaz", appts)
			}
		}},
		{"the last seat goes to the client who confirms first", steps(toMenu, bookTuesday(false)), steps(toMenu, bookTuesday(true)), []step{press("ApptConfirm")}, func(t *testing.T, d *domain) {
			if m := d.last(user); !m.says("ApptSlotTaken") || !m.hasButton("WeekdayWed") {
				t.Errorf("got %v, want: the time is taken, choose another day", words(m.out.Text...))
			}
			if n := len(d.appointments(user)); n != 0 {
				t.Errorf("the second client holds %d appointments of a full slot", n)
			}
			if n := len(d.appointments(other)); n != 1 {
				t.Errorf("the first client holds %d appointments, want 1", n)
			}
		}},
		{"forged booking data is refused and books nothing", nil, nil, steps(toMenu, []step{forge("1:bkt:zzz"), forge(flows.Data(flows.ActConfirm, "garbage"))}), func(t *testing.T, d *domain) {
			answers := d.answers[user]
			if len(answers) == 0 || !shows(flows.Phrase{Parts: answers[len(answers)-1].Text}, "ButtonExpired") {
				t.Errorf("the forged press got %v, want 'this button no longer works'", answers)
			}
			if n := len(d.appointments(user)); n != 0 {
				t.Errorf("forged data booked %d appointments", n)
			}
		}},
		{"cancelling frees the seat for the next client", nil, steps(toMenu, bookTuesday(true), []step{press("MenuAppointments"), press("ApptCancel")}), steps(toMenu, bookTuesday(true)), func(t *testing.T, d *domain) {
			if appts := d.appointments(other); len(appts) != 1 || appts[0].Status != flows.StatusCancelled {
				t.Errorf("the first client's appointment: %+v, want cancelled", appts)
			}
			if appts := d.appointments(user); len(appts) != 1 || appts[0].Status != flows.StatusBooked {
				t.Errorf("the freed seat: %+v, want booked by the second client", appts)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDomain(t)
			startStaff(d)
			run(d, user, "ar", tt.first)
			run(d, other, "uk", tt.other)
			run(d, user, "ar", tt.steps)
			tt.check(t, d)
		})
	}
}

func TestRelayRouting(t *testing.T) {
	const user = 301
	managers := []int64{managerAltstadt, managerNord, managerOberdorf}
	altstadt := []step{send("/start"), press("LanguageConfirmYes"), press("PrivacyAccept"), press("Altstadt")}
	tests := []struct {
		name  string
		setup []step        // what the client does first, in Arabic
		staff func(*domain) // what the staff do then
		// want is who gets a copy of the client's next message; the others get none.
		want  []int64
		check func(t *testing.T, d *domain, source int)
	}{
		{"without a district every manager gets the intake header", toMenu, nil, managers, func(t *testing.T, d *domain, _ int) {
			for _, m := range managers {
				if h, ok := d.find(m, func(m message) bool { return m.says("RelayHeader") }); !ok || !h.hasButton("RelayTake") {
					t.Errorf("manager %d got no header offering 'take case':\n%s", m, d.dump(m))
				}
			}
			if m := d.last(user); !m.says("RelayDelivered") {
				t.Errorf("the client got %v, want word that the message arrived", words(m.out.Text...))
			}
		}},
		{"a client of the Altstadt reaches only its manager", altstadt, nil, []int64{managerAltstadt}, nil},
		{"after a manager takes the case the next message reaches only them", steps(toMenu, []step{send("Erste Frage")}), func(d *domain) {
			d.press(managerNord, "de", "RelayTake")
		}, []int64{managerNord}, func(t *testing.T, d *domain, _ int) {
			if c := d.client(user); c.Manager != managerNord {
				t.Errorf("the case belongs to %d, want %d", c.Manager, managerNord)
			}
			if _, ok := d.find(managerAltstadt, func(m message) bool { return m.says("StaffTakenByOther") }); !ok {
				t.Errorf("the other managers were not told who took the case")
			}
		}},
		{"a manager's reply reaches the client as a copy", altstadt, nil, []int64{managerAltstadt}, func(t *testing.T, d *domain, source int) {
			c, _ := d.find(managerAltstadt, func(m message) bool { return m.out.Kind == flows.OutCopy && m.out.MessageID == source })
			answer := d.reply(managerAltstadt, "de", "Antwort", c.id)
			if m := d.last(user); m.out.Kind != flows.OutCopy || m.out.FromChat != managerAltstadt || m.out.MessageID != answer {
				t.Errorf("the client's chat:\n%s\nwant the manager's answer copied", d.dump(user))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDomain(t)
			startStaff(d)
			run(d, user, "ar", tt.setup)
			if tt.staff != nil {
				tt.staff(d)
			}
			source := d.send(user, "ar", "Frage")
			for _, m := range managers {
				_, got := d.find(m, func(msg message) bool {
					return msg.out.Kind == flows.OutCopy && msg.out.FromChat == user && msg.out.MessageID == source
				})
				if want := slices.Contains(tt.want, m); got != want {
					t.Errorf("manager %d got the client's message: %v, want %v; chat:\n%s", m, got, want, d.dump(m))
				}
			}
			if tt.check != nil {
				tt.check(t, d, source)
			}
		})
	}
}

func TestReminders(t *testing.T) {
	const user = 401
	at := func(day, hour, minute int) time.Time { return time.Date(2027, 3, day, hour, minute, 0, 0, berlin) }
	reminders := func(d *domain) int {
		n := 0
		for _, m := range d.chats[user] {
			if m.says("ReminderText") {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name  string
		steps []step // after booking Tuesday 09:00, in Arabic
		block bool   // the client blocks the bot before the ticks
		ticks []time.Time
		want  int // reminders the client got
		check func(t *testing.T, d *domain)
	}{
		{"nothing is due an hour before the first reminder", nil, false, []time.Time{at(22, 8, 30)}, 0, nil},
		{"the first reminder comes a day before", nil, false, []time.Time{at(22, 9, 0)}, 1, func(t *testing.T, d *domain) {
			if m := d.last(user); !m.says("WeekdayTue", "09:00") || !m.hasButton("ReminderCome") || !m.hasButton("ApptCancel") {
				t.Errorf("got %v %v, want the time and 'I will come' / cancel", words(m.out.Text...), buttonWords(m.out))
			}
		}},
		{"the second comes two hours before, each once", nil, false, []time.Time{at(22, 9, 0), at(23, 7, 0), at(23, 7, 30)}, 2, nil},
		{"a cancelled appointment reminds of nothing", []step{press("MenuAppointments"), press("ApptCancel")}, false, []time.Time{at(22, 9, 0), at(23, 7, 0)}, 0, nil},
		{"'I will come' is recorded", []step{}, false, []time.Time{at(22, 9, 0)}, 1, func(t *testing.T, d *domain) {
			d.press(user, "ar", "ReminderCome")
			if appts := d.appointments(user); len(appts) != 1 || !appts[0].Confirmed {
				t.Errorf("stored %+v, want the appointment confirmed", appts)
			}
		}},
		{"a client who blocked the bot is skipped and the manager told", nil, true, []time.Time{at(22, 9, 0)}, 0, func(t *testing.T, d *domain) {
			id := d.appointments(user)[0].ID
			if _, ok := d.find(managerAltstadt, func(m message) bool { return m.says(id) && m.says("WeekdayTue") }); !ok {
				t.Errorf("the manager was not told of the undelivered reminder:\n%s", d.dump(managerAltstadt))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDomain(t)
			startStaff(d)
			run(d, user, "ar", steps(toMenu, bookTuesday(true), tt.steps))
			if tt.block {
				d.unreachable[user] = true
				d.send(user, "ar", "/menu") // what Lotse answers is refused: now it knows
			}
			for _, at := range tt.ticks {
				d.tick(at)
			}
			if got := reminders(d); got != tt.want {
				t.Errorf("%d reminders, want %d; chat:\n%s", got, tt.want, d.dump(user))
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

func TestPlan(t *testing.T) {
	const user = 501
	// The manager sets a goal with one step for the client and offers the plan.
	offer := func(d *domain) {
		d.send(managerAltstadt, "de", "/goal K-0001 language 01.05.2027 language-course")
		d.send(managerAltstadt, "de", "/step K-0001 1 client 15.04.2027 Anmeldung abgeben")
		d.press(managerAltstadt, "de", "StaffPlanAgree")
	}
	plan := func(t *testing.T, d *domain) *flows.Plan {
		var p *flows.Plan
		if err := d.db.View(func(tx flows.Tx) (err error) { p, err = tx.Plan(user); return err }); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name  string
		steps []step // what the client does once offered the plan, in Arabic
		ticks []time.Time
		// client and manager are what each sees last.
		client, manager []string
		check           func(t *testing.T, d *domain)
	}{
		{"the client is offered the plan in their language", nil, nil, []string{"PlanOffer", "PlanGoalLanguageCourse", "Anmeldung abgeben", "15.04.2027"}, []string{"StaffPlanOffered"}, func(t *testing.T, d *domain) {
			if m := d.last(user); !m.hasButton("PlanConfirmButton") || !m.hasButton("PlanDoneButton", "1.1") {
				t.Errorf("the offer has buttons %v, want confirm and 'done' for the step", buttonWords(m.out))
			}
		}},
		{"the client confirms the plan and the manager is told", []step{press("PlanConfirmButton")}, nil, []string{"PlanConfirmed"}, []string{"StaffPlanConfirmed", "K-0001"}, func(t *testing.T, d *domain) {
			if p := plan(t, d); p.Agreed != p.Revision || p.AgreedAt.IsZero() {
				t.Errorf("stored agreed revision %d of %d at %v, want the current one confirmed", p.Agreed, p.Revision, p.AgreedAt)
			}
		}},
		{"the client ticks off a step and the manager is told", []step{press("PlanConfirmButton"), press("PlanDoneButton", "1.1")}, nil, []string{"PlanStepDone", "PlanStepLineDone"}, []string{"StaffPlanStepDone", "1.1", "Anmeldung abgeben"}, func(t *testing.T, d *domain) {
			if s := plan(t, d).Goals[0].Steps[0]; !s.Done {
				t.Errorf("the step is not stored as done")
			}
		}},
		{"a step's reminder comes three days before its day", []step{press("PlanConfirmButton")}, []time.Time{time.Date(2027, 4, 12, 9, 0, 0, 0, berlin)}, []string{"PlanReminder", "Anmeldung abgeben"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDomain(t)
			startStaff(d)
			run(d, user, "ar", []step{send("/start"), press("LanguageConfirmYes"), press("PrivacyAccept"), press("Altstadt")})
			offer(d)
			run(d, user, "ar", tt.steps)
			for _, at := range tt.ticks {
				d.tick(at)
			}
			if m := d.last(user); !m.says(tt.client...) {
				t.Errorf("the client sees %v, want %v", words(m.out.Text...), tt.client)
			}
			if m := d.last(managerAltstadt); tt.manager != nil && !m.says(tt.manager...) {
				t.Errorf("the manager sees %v, want %v", words(m.out.Text...), tt.manager)
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}
