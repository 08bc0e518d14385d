package flows

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// A referral (the Lotsenfunktion) sends a client to a service of the directory: the manager
// picks the kind of service, the service and by when; the client gets the service's card in
// their language with what to bring; the referral becomes a step of the client's plan whose
// doer is the service; and after Referrals.FollowupDays the client is asked whether it
// worked, their answer going to the manager.

// Actions of referrals.
const (
	ActRefer    = "rf"  // argument: case number ["." category]; a manager refers a client: the kinds, the services of one
	ActReferTo  = "rft" // argument: case number "." service ["." day 20060102, or 0 for none]; by when, then refer
	ActFollowUp = "rfa" // argument: goal "." step "." y|n|h; the client answers "did it work?"
)

// RemindFollowUp asks the client whether a referral worked; Appointment holds
// StepReminderPrefix, the step's number and ".f".
const RemindFollowUp ReminderKind = "followup"

var (
	referArg    = regexp.MustCompile(`^[0-9]{1,9}(\.[a-z0-9][a-z0-9_-]{0,31})?$`)
	referToArg  = regexp.MustCompile(`^[0-9]{1,9}\.[a-z0-9][a-z0-9_-]{0,31}(\.([0-9]{8}|0))?$`)
	followUpArg = regexp.MustCompile(`^[0-9]{1,2}\.[0-9]{1,2}\.[ynh]$`)
)

// referCaseOf is caseOf for a referral: only a client who accepted the privacy notice has a
// plan a referral can go into.
func (f *Flows) referCaseOf(t *turn, label string) (*Client, error) {
	c, err := f.caseOf(t, label)
	if err != nil || c == nil {
		return c, err
	}
	if !c.Consented() {
		return nil, f.staffNote(t, Msg("StaffPlanNoConsent", "Case", c.CaseLabel()))
	}
	return c, nil
}

// referPicker lists the services of a category a manager can refer client c to.
func (f *Flows) referPicker(c *Client, cat ServiceCategory) picker {
	n := itoa(c.Case)
	p := f.servicePicker(c, cat, listReferTo, n, func(svc Service) string { return Data(ActReferTo, n+"."+svc.ID) })
	p.text = append(p.text, Msg("StaffReferService", "Case", c.CaseLabel()))
	p.foot = [][]Button{{{Label: Msg("RelayRefer"), Data: Data(ActRefer, n)}}}
	return p
}

// referPage shows another page of the services to refer a client to.
func (f *Flows) referPage(t *turn, ref pageRef) (handled bool, err error) {
	caseNo, place, _ := strings.Cut(ref.context, ".")
	cat, ok := categoryAt(place)
	if !ok {
		return false, nil
	}
	c, found, err := f.clientOfCase(t.tx, caseNo)
	if err != nil || !found {
		return err != nil, err
	}
	if may, err := f.mayAnswer(t.tx, t.ev.UserID, c); err != nil || !may || !c.Consented() {
		return err != nil, err
	}
	return t.showPage(ref, f.referPicker(c, cat))
}

// referButton handles a manager's referral buttons, step by step; each press carries the
// case and what was chosen so far, and everything is checked again.
func (f *Flows) referButton(t *turn, a Action) error {
	parts := strings.Split(a.Arg, ".")
	c, err := f.referCaseOf(t, parts[0])
	if err != nil || c == nil {
		return err
	}
	n := itoa(c.Case)
	back := []Button{{Label: Msg("RelayProfile"), Data: Data(ActProfile, n)}}
	categories := screen{text: []Phrase{Msg("StaffReferCategory", "Case", c.CaseLabel())}}
	var row []Button
	for _, cat := range f.categoriesFor(c) {
		row = append(row, Button{Label: categoryName(cat), Data: Data(ActRefer, n+"."+cat.ID)})
	}
	for chunk := range slices.Chunk(row, 2) {
		categories.buttons = append(categories.buttons, chunk)
	}
	categories = categories.withRow(back)
	if a.Name == ActRefer && len(parts) == 1 {
		return t.show(categories)
	}
	if a.Name == ActRefer {
		cat, ok := serviceCategory(parts[1])
		if !ok || !slices.Contains(f.categoriesFor(c), cat) {
			return t.refuse(categories)
		}
		return t.show(f.referPicker(c, cat).page(1))
	}
	svc, ok := f.serviceFor(c, parts[1])
	if !ok {
		return t.refuse(categories)
	}
	if len(parts) == 2 {
		s := screen{text: []Phrase{Msg("StaffReferDate", "Case", c.CaseLabel(), "Name", svc.Name)}}
		s.buttons = [][]Button{
			f.dayButtons(stepDays, func(day string) string { return Data(ActReferTo, n+"."+svc.ID+"."+day) }),
			{{Label: Msg("StaffReferNoDate"), Data: Data(ActReferTo, n+"."+svc.ID+".0")}},
		}
		return t.show(s.withRow([]Button{{Label: Msg("RelayRefer"), Data: Data(ActRefer, n)}}))
	}
	followUp := f.followUpAt()
	due := followUp.Format("20060102")
	if parts[2] != "0" {
		d, ok := f.buttonDay(parts[2])
		if !ok {
			return f.staffNote(t, Msg("StaffPlanBadDate", "Date", parts[2]))
		}
		due = d
	}
	return f.refer(t, c, svc, due, followUp)
}

// followUpAt is when a referral made now is followed up: FollowupDays ahead, at the time of
// day of the plan's reminders.
func (f *Flows) followUpAt() time.Time {
	loc := f.Config.location()
	day := f.Now().In(loc).AddDate(0, 0, f.Config.Referrals.FollowupDays)
	return time.Date(day.Year(), day.Month(), day.Day(), f.Config.Plan.hour, f.Config.Plan.minute, 0, 0, loc)
}

// refer makes the referral: a step of the plan under an open goal of the service's field of
// action (a new goal if there is none), the card to the client, the follow-up scheduled.
func (f *Flows) refer(t *turn, c *Client, svc Service, due string, followUp time.Time) error {
	p, err := plan(t.tx, c)
	if err != nil {
		return err
	}
	cat, _ := serviceCategory(svc.Category)
	gi := slices.IndexFunc(p.Goals, func(g *Goal) bool {
		return g.Field == cat.Field && !g.Erased && g.For == 0 && g.Status != GoalReached && g.Status != GoalDropped && len(g.Steps) < 20
	})
	if gi < 0 {
		if len(p.Goals) >= 20 {
			return t.showNew(screen{text: []Phrase{Msg("StaffPlanFull")}})
		}
		// A goal named by its field of action alone: the referral is what it is about.
		p.Goals = append(p.Goals, &Goal{Field: cat.Field, Due: due, Status: GoalAgreed, Created: f.Now()})
		gi = len(p.Goals) - 1
		if err := f.count(t.tx, f.Now(), c.ID, statPlanGoal+cat.Field+"."+string(GoalAgreed)); err != nil {
			return err
		}
	}
	g := p.Goals[gi]
	n := stepNumber(gi, len(g.Steps))
	if err := f.audit(t.tx, t.ev.UserID, "referral", c); err != nil {
		return err
	}
	card := f.serviceCard(svc, c.Lang, true)
	intro := Phrase{ID: "ReferralIntro", Args: map[string]string{"Name": svc.Name}, Sub: map[string]Phrase{"Date": f.dueDay(due)}}
	if err := t.tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: append([]Phrase{intro}, card.text...),
		Buttons: append(card.buttons, []Button{{Label: Msg("MenuPlan"), Data: Data(ActMenu, ItemPlan)}})}); err != nil {
		return err
	}
	if err := t.tx.Schedule(Reminder{At: followUp, Kind: RemindFollowUp, Appointment: StepReminderPrefix(c.ID) + n + ".f"}); err != nil {
		return err
	}
	if err := f.count(t.tx, f.Now(), c.ID, statReferral+svc.Category); err != nil {
		return err
	}
	if err := t.answer(Phrase{ID: "StaffReferred", Args: map[string]string{"Case": c.CaseLabel(), "Name": svc.Name}, Sub: map[string]Phrase{"Date": Number(followUp.Format("02.01.2006"))}}); err != nil {
		return err
	}
	return f.putStep(t, c, p, gi+1, &PlanStep{Text: svc.Name, Who: svc.Name, Service: svc.ID, Due: due})
}

// statReferral counts referrals by the service's category.
const statReferral = "referral."

// followUp asks the client whether a referral worked, if its step is still open.
func (f *Flows) followUp(tx Tx, r Reminder) error {
	c, p, n, last, err := reminderStep(tx, r.Appointment)
	if err != nil || c == nil || last != "f" {
		return err
	}
	g, s, ok := stepAt(p, n)
	if !ok || s.Service == "" || s.Done || s.Erased || g.Status == GoalReached || g.Status == GoalDropped || c.Unreachable || !c.Consented() {
		f.observe("reminder_skipped")
		return nil
	}
	f.observe("reminder_sent")
	return tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: []Phrase{Msg("FollowUpQuestion", "Name", s.Who)}, Buttons: [][]Button{
		{{Label: Msg("FollowUpYes"), Data: Data(ActFollowUp, n+".y")}, {Label: Msg("FollowUpNo"), Data: Data(ActFollowUp, n+".n")}},
		{{Label: Msg("FollowUpHelp"), Data: Data(ActFollowUp, n+".h")}},
	}})
}

// followUpAnswer passes the client's answer to "did it work?" to whoever looks after the
// case; "yes" marks the step done. handled is false for a step that is no open referral.
func (f *Flows) followUpAnswer(t *turn, c *Client, a Action) (handled bool, err error) {
	p, err := plan(t.tx, c)
	if err != nil {
		return true, err
	}
	n, answer := a.Arg[:strings.LastIndex(a.Arg, ".")], a.Arg[strings.LastIndex(a.Arg, ".")+1:]
	g, s, ok := stepAt(p, n)
	if !ok || s.Service == "" || s.Done || s.Erased || g.Status == GoalReached || g.Status == GoalDropped {
		return false, nil
	}
	who := caseRef(c, t.ev.FirstName)
	switch answer {
	case "y":
		if err := f.stepDone(t.tx, p, g, s); err != nil {
			return true, err
		}
		if err := f.toCaseManagers(t.tx, c, Phrase{ID: "StaffFollowUpYes", Args: map[string]string{"Step": n, "Name": s.Who}, Sub: map[string]Phrase{"Case": who}}); err != nil {
			return true, err
		}
		return true, t.show(screen{text: []Phrase{Msg("FollowUpThanks")}, buttons: [][]Button{{backButton()}}})
	case "n":
		if err := f.toCaseManagers(t.tx, c, Phrase{ID: "StaffFollowUpNo", Args: map[string]string{"Step": n, "Name": s.Who}, Sub: map[string]Phrase{"Case": who}}); err != nil {
			return true, err
		}
		return true, t.show(screen{text: []Phrase{Msg("FollowUpThanks")}, buttons: [][]Button{{backButton()}}})
	}
	c.Topic = planTopic + n
	if err := f.toCaseManagers(t.tx, c, Phrase{ID: "StaffFollowUpHelp", Args: map[string]string{"Step": n, "Name": s.Who}, Sub: map[string]Phrase{"Case": who}}); err != nil {
		return true, err
	}
	return true, t.show(screen{text: []Phrase{Msg("PlanHelpSent")}, buttons: [][]Button{{{Label: Msg("PlanBookButton"), Data: Data(ActBook, n)}}, {backButton()}}})
}
