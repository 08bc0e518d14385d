package flows

import (
	"strconv"
	"strings"
	"time"
)

// A manager puts a goal in their own words or a step together with buttons — the field or
// the goal, who does it, by when — and then types the words as their next message. Until
// then the draft waits in their staff record; any command or other button drops it, and so
// does a pause longer than writingPatience.

// PlanDraft is a goal or step put together with buttons, waiting for the manager's words.
type PlanDraft struct {
	Case  int    `json:"case"`
	Goal  int    `json:"goal,omitempty"`  // a step's goal, from 1; 0 for a new goal
	Field string `json:"field,omitempty"` // a new goal's field of action
	Who   string `json:"who,omitempty"`   // a step's WhoClient or WhoManager
	For   int64  `json:"for,omitempty"`   // the household member it is for, 0 for the case
	Due   string `json:"due"`             // 20060102
	// At is when the draft was made.
	At time.Time `json:"at"`
}

// writingPatience is how long a draft waits for the manager's words.
const writingPatience = 30 * time.Minute

// dayButtons offers days ahead of today, each a button whose data data makes of the day.
func (f *Flows) dayButtons(days []int, data func(day string) string) []Button {
	loc := f.Config.location()
	now := f.Now().In(loc)
	var row []Button
	for _, n := range days {
		d := time.Date(now.Year(), now.Month(), now.Day(), 12, 0, 0, 0, loc)
		if n%30 == 0 {
			d = d.AddDate(0, n/30, 0)
		} else {
			d = d.AddDate(0, 0, n)
		}
		row = append(row, Button{Label: Number(d.Format("02.01.2006")), Data: data(d.Format("20060102"))})
	}
	return row
}

// goalDays and stepDays are the dates offered, in days ahead (multiples of 30 count as
// months).
var (
	goalDays = []int{30, 90, 180, 360}
	stepDays = []int{7, 14, 30, 90}
)

// planDraftButton handles the buttons of a goal in own words ("case.field", then the day)
// and of a new step ("case.goal", then who, then the day).
func (f *Flows) planDraftButton(t *turn, a Action) error {
	parts, c, p, err := f.planPress(t, a)
	if err != nil || c == nil {
		return err
	}
	n, back := itoa(c.Case), planBack(c)
	if a.Name == ActPlanOwn {
		pf, ok := f.field(parts[1])
		if !ok {
			return t.refuse(f.staffPlanScreen(c, p, t.lang))
		}
		title := Join(" ", Literal(pf.Emoji), f.fieldName(pf.ID, t.lang))
		if len(parts) == 2 {
			row := f.dayButtons(goalDays, func(day string) string { return Data(ActPlanOwn, n+"."+pf.ID+"."+day) })
			return t.show(screen{text: []Phrase{title, Msg("StaffPlanOwnDate", "Case", c.CaseLabel())}, buttons: [][]Button{row, back}})
		}
		due, ok := f.buttonDay(parts[2])
		if !ok {
			return f.staffNote(t, Msg("StaffPlanBadDate", "Date", parts[2]))
		}
		t.staff.Writing = &PlanDraft{Case: c.Case, Field: pf.ID, Due: due, At: f.Now()}
		return t.show(screen{text: []Phrase{title, Msg("StaffPlanWriteGoal", "Case", c.CaseLabel())}})
	}
	gi, _ := strconv.Atoi(parts[1])
	if gi < 1 || gi > len(p.Goals) || p.Goals[gi-1].Erased {
		return t.refuse(f.staffPlanScreen(c, p, t.lang))
	}
	g := p.Goals[gi-1]
	title := f.goalLine(gi, g, t.lang, false)
	switch len(parts) {
	case 2:
		// Who does it: the client (in a household: the whole case or one member), or the manager.
		s := screen{text: []Phrase{title, Msg("StaffPlanStepWho")}}
		s.buttons = append(s.buttons, []Button{{Label: Msg("PlanWhoClient"), Data: Data(ActPlanStep, a.Arg+".c")}, {Label: Msg("PlanWhoManager"), Data: Data(ActPlanStep, a.Arg+".m")}})
		if len(p.house) > 1 {
			for i, m := range p.house {
				s.buttons = append(s.buttons, []Button{{Label: Join(" ", Literal("👤"), memberName(m, "")), Data: Data(ActPlanStep, a.Arg+"."+itoa(i+1))}})
			}
		}
		return t.show(s.withRow(back))
	case 3:
		row := f.dayButtons(stepDays, func(day string) string { return Data(ActPlanStep, a.Arg+"."+day) })
		return t.show(screen{text: []Phrase{title, Msg("StaffPlanStepDate")}, buttons: [][]Button{row, back}})
	}
	who, member := WhoClient, int64(0)
	switch parts[2] {
	case "m":
		who = WhoManager
	case "c":
	default:
		m, err := f.member(t, c, parts[2])
		if err != nil || m == nil {
			return err
		}
		member = m.ID
	}
	due, ok := f.buttonDay(parts[3])
	if !ok {
		return f.staffNote(t, Msg("StaffPlanBadDate", "Date", parts[3]))
	}
	t.staff.Writing = &PlanDraft{Case: c.Case, Goal: gi, Who: who, For: member, Due: due, At: f.Now()}
	return t.show(screen{text: []Phrase{title, Msg("StaffPlanWriteStep", "Step", stepNumber(gi-1, len(g.Steps)))}})
}

// buttonDay checks a day 20060102 from a button: today or later.
func (f *Flows) buttonDay(day string) (string, bool) {
	d, err := time.Parse("20060102", day)
	if err != nil {
		return "", false
	}
	return f.parseDay(d.Format("02.01.2006"))
}

// planWritten takes the manager's message as the words of the goal or step they put
// together with buttons.
func (f *Flows) planWritten(t *turn) error {
	w := t.staff.Writing
	text := strings.TrimSpace(managerTextOf(t.ev))
	if text == "" {
		return t.showNew(screen{text: []Phrase{Msg("StaffPlanWriteText")}})
	}
	t.staff.Writing = nil
	c, err := f.planCaseOf(t, itoa(w.Case))
	if err != nil || c == nil {
		return err
	}
	if w.Goal == 0 {
		return f.putOwnGoal(t, c, &Goal{Field: w.Field, Due: w.Due, Status: GoalAgreed, Created: f.Now(), For: w.For}, text)
	}
	p, err := plan(t.tx, c)
	if err != nil {
		return err
	}
	if w.Goal > len(p.Goals) || p.Goals[w.Goal-1].Erased {
		return t.showNew(f.staffPlanScreen(c, p, t.lang).after(Msg("StaffPlanBadGoal", "Goal", itoa(w.Goal), "Case", c.CaseLabel())))
	}
	return f.putStep(t, c, p, w.Goal, &PlanStep{Text: text, Who: w.Who, Due: w.Due, For: w.For})
}
