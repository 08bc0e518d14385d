package flows

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The integration plan (Integrationsplan) is what a manager and a client agree on: goals in
// fields of action — language, school, work, housing … — and the next steps towards them.
// Fields and common goals come from the catalogs, or from the town's configuration, so that
// they reach the client in their language; a manager's own words are shown as written and
// marked so.

// Plan is a client's integration plan.
type Plan struct {
	Client int64   `json:"client"`
	Goals  []*Goal `json:"goals"`
	// Revision counts the changes; the client confirms a revision, so that a confirmation
	// button of an older version is refused.
	Revision int `json:"revision"`
	// Agreed is the revision the client confirmed, AgreedAt when; Offered the revision last
	// sent to the client to confirm.
	Agreed   int       `json:"agreed,omitempty"`
	AgreedAt time.Time `json:"agreed_at,omitzero"`
	Offered  int       `json:"offered,omitempty"`

	// house is the case's household as plan() found it, holder first, for naming whom a
	// goal or step is for; not stored.
	house []*Client
}

// GoalStatus is where a goal stands.
type GoalStatus string

// The statuses of a goal.
const (
	GoalAgreed  GoalStatus = "agreed"
	GoalActive  GoalStatus = "in_progress"
	GoalReached GoalStatus = "reached"
	GoalDropped GoalStatus = "dropped"
)

// Goal is what a client wants to reach in one field of action, by a date.
type Goal struct {
	Field string `json:"field"`
	// Common is a common goal's id; Text the manager's own words when Common is "".
	Common  string      `json:"common,omitempty"`
	Text    string      `json:"text,omitempty"`
	Words   Rendering   `json:"mt,omitzero"`
	More    []Rendering `json:"mt_more,omitempty"` // translations into the other languages of a household
	Due     string      `json:"due"`               // 20060102
	Status  GoalStatus  `json:"status"`
	Steps   []*PlanStep `json:"steps,omitempty"`
	Created time.Time   `json:"created"`
	// Rev is the plan's revision when the goal, its status or its steps last changed: what
	// changed since the client's confirmation is what they are asked to agree to.
	Rev int `json:"rev,omitempty"`
	// For names the household member the goal is for, 0 for the whole case. Erased marks
	// the empty place of a goal for a member who erased their data.
	For    int64 `json:"for,omitempty"`
	Erased bool  `json:"erased,omitempty"`
}

// PlanStep is one next step towards a goal: what, who does it, by when.
type PlanStep struct {
	Text string `json:"text"`
	// Who is "client", "manager", or the name of a service (the Jobcenter, a school …).
	Who string `json:"who"`
	// Service is, for a referral, the id of the service in the directory; the step then
	// reads "appointment at" the service, in the reader's language.
	Service string      `json:"service,omitempty"`
	Words   Rendering   `json:"mt,omitzero"`
	More    []Rendering `json:"mt_more,omitempty"`
	Due     string      `json:"due"` // 20060102
	Done    bool        `json:"done,omitempty"`
	DoneAt  time.Time   `json:"done_at,omitzero"`
	// For names the household member who does the step, 0 for the client or the whole
	// case; Erased marks the place of a step for a member who erased their data.
	For    int64 `json:"for,omitempty"`
	Erased bool  `json:"erased,omitempty"`
}

// planTopic starts the topic of a client's next message after "I need help" with a step;
// the step's number follows.
const planTopic = "plan."

// stepTopicPrefix starts the topic of an appointment booked about a step of the plan:
// "plan-1-2" for step 1.2 (a topic's characters fit button data).
const stepTopicPrefix = "plan-"

func stepTopic(step string) string { return stepTopicPrefix + strings.ReplaceAll(step, ".", "-") }

func isStepTopic(topic string) bool {
	n, ok := strings.CutPrefix(topic, stepTopicPrefix)
	return ok && stepArg.MatchString(strings.ReplaceAll(n, "-", "."))
}

// stepTopicLine names for the manager the step of client's plan an appointment is about.
func (f *Flows) stepTopicLine(tx Tx, client int64, n string) Phrase {
	line := Msg("StaffApptTopicStep", "Step", n)
	if c, err := tx.Client(client); err == nil {
		if p, err := plan(tx, c); err == nil {
			if _, s, ok := stepAt(p, n); ok && !s.Erased {
				line = Join(": ", line, Literal(s.Text))
			}
		}
	}
	return line
}

// Rendering is the machine translation of a manager's own words in the plan into the
// client's language, kept so that the plan is translated once, not every time it is shown.
type Rendering struct {
	Lang string `json:"lang,omitempty"`
	Text string `json:"text,omitempty"`
}

// Who does a step.
const (
	WhoClient  = "client"
	WhoManager = "manager"
)

// PlanField is a field of action: shipped ones have catalog names, a town's own carry their
// names in its configuration.
type PlanField struct {
	ID    string `toml:"id"`
	Emoji string `toml:"emoji"`
	// Name is shown in languages without an entry in Names.
	Name  string            `toml:"name"`
	Names map[string]string `toml:"names"`
}

// CommonGoal is a goal many clients have, offered to managers by id.
type CommonGoal struct {
	ID    string            `toml:"id"`
	Field string            `toml:"field"`
	Text  string            `toml:"text"`
	Texts map[string]string `toml:"texts"`
}

// PlanSettings is the [plan] section of the town's configuration.
type PlanSettings struct {
	Fields []PlanField  `toml:"fields"`
	Goals  []CommonGoal `toml:"goals"`
	// ReminderDays are the days before a step is due on which the client is reminded;
	// default [3, 0], 0 being the day itself. ReminderTime is the time of day; default 09:00.
	ReminderDays []int  `toml:"reminder_days"`
	ReminderTime string `toml:"reminder_time"`

	hour, minute int
}

// The shipped fields of action, in the order managers see them; their names are the
// catalog messages "PlanField" + the capitalised id.
var shippedFields = []PlanField{
	{ID: "language", Emoji: "🗣"}, {ID: "school", Emoji: "🎒"}, {ID: "work", Emoji: "💼"},
	{ID: "housing", Emoji: "🏠"}, {ID: "health", Emoji: "🩺"}, {ID: "money", Emoji: "💶"},
	{ID: "papers", Emoji: "📄"}, {ID: "family", Emoji: "👪"},
}

// The shipped common goals; their texts are the catalog messages "PlanGoal" + the
// capitalised id without dashes.
var shippedGoals = []CommonGoal{
	{ID: "language-course", Field: "language"}, {ID: "school-place", Field: "school"},
	{ID: "work-recognition", Field: "work"}, {ID: "housing-flat", Field: "housing"},
	{ID: "health-doctor", Field: "health"}, {ID: "money-benefits", Field: "money"},
	{ID: "papers-residence", Field: "papers"}, {ID: "family-club", Field: "family"},
}

// catalogID turns an id like "work-recognition" into the catalog form "WorkRecognition".
func catalogID(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// validate fills defaults and returns every problem, each starting with the field's path.
func (p *PlanSettings) validate() []string {
	found := &problems{section: "plan."}
	bad := found.bad
	known := func(field string, names map[string]string) {
		// A name in a language the town does not offer (yet) does no harm.
		for lang, text := range names {
			if _, ok := LookupLanguage(lang); !ok {
				bad(field+"."+lang, "%q is not a language option of Lotse (%s)", lang, shippedOptions())
			}
			if strings.TrimSpace(text) == "" {
				bad(field+"."+lang, "must not be empty")
			}
		}
	}
	fields := map[string]bool{}
	for _, f := range shippedFields {
		fields[f.ID] = true
	}
	for i, f := range p.Fields {
		at := fmt.Sprintf("fields[%d]", i+1)
		found.ownID(at+".id", f.ID, fields, "field of action")
		if strings.TrimSpace(f.Emoji) == "" {
			bad(at+".emoji", "must not be empty")
		}
		if strings.TrimSpace(f.Name) == "" {
			bad(at+".name", "must not be empty")
		}
		known(at+".names", f.Names)
	}
	goals := map[string]bool{}
	for _, g := range shippedGoals {
		goals[g.ID] = true
	}
	for i, g := range p.Goals {
		at := fmt.Sprintf("goals[%d]", i+1)
		found.ownID(at+".id", g.ID, goals, "common goal")
		if !fields[g.Field] {
			bad(at+".field", "unknown field of action %q (shipped: %s, or one of [[plan.fields]])", g.Field, shippedFieldList())
		}
		if strings.TrimSpace(g.Text) == "" {
			bad(at+".text", "must not be empty")
		}
		known(at+".texts", g.Texts)
	}
	if p.ReminderDays == nil {
		p.ReminderDays = []int{3, 0}
	}
	for i, d := range p.ReminderDays {
		if d < 0 || d > 60 {
			bad(fmt.Sprintf("reminder_days[%d]", i+1), "%d is not a number of days from 0 to 60", d)
		}
	}
	if p.ReminderTime == "" {
		p.ReminderTime = "09:00"
	}
	if t, err := time.Parse("15:04", p.ReminderTime); err != nil {
		bad("reminder_time", "%q is not a time like \"09:00\"", p.ReminderTime)
	} else {
		p.hour, p.minute = t.Hour(), t.Minute()
	}
	return found.list
}

func shippedFieldList() string {
	var ids []string
	for _, f := range shippedFields {
		ids = append(ids, f.ID)
	}
	return strings.Join(ids, ", ")
}

// fields are the shipped fields and the town's own.
func (f *Flows) fields() []PlanField {
	return append(slices.Clone(shippedFields), f.Config.Plan.Fields...)
}

func (f *Flows) field(id string) (PlanField, bool) {
	return byID(f.fields(), id, func(pf PlanField) string { return pf.ID })
}

func (f *Flows) commonGoals() []CommonGoal {
	return append(slices.Clone(shippedGoals), f.Config.Plan.Goals...)
}

func (f *Flows) commonGoal(id string) (CommonGoal, bool) {
	return byID(f.commonGoals(), id, func(g CommonGoal) string { return g.ID })
}

// byID finds the item whose key is id.
func byID[T any](items []T, id string, key func(T) string) (T, bool) {
	i := slices.IndexFunc(items, func(item T) bool { return key(item) == id })
	if i < 0 {
		var none T
		return none, false
	}
	return items[i], true
}

// fieldName names a field of action in language lang: from the catalog for a shipped
// field, else from the town's configuration.
func (f *Flows) fieldName(id, lang string) Phrase {
	pf, ok := f.field(id)
	switch {
	case !ok:
		return Literal(id)
	case pf.Name == "":
		return Msg("PlanField" + catalogID(id))
	case pf.Names[lang] != "":
		return Literal(pf.Names[lang])
	}
	return Literal(pf.Name)
}

// goalText is what a goal is about, in language lang; a manager's own words are shown as
// written and marked so.
func (f *Flows) goalText(g *Goal, lang string, forClient bool) Phrase {
	if cg, ok := f.commonGoal(g.Common); ok && g.Common != "" {
		if cg.Text == "" {
			return Msg("PlanGoal" + catalogID(cg.ID))
		}
		if t := cg.Texts[lang]; t != "" {
			return Literal(t)
		}
		return Literal(cg.Text)
	}
	if g.Common == "" && g.Text == "" {
		// A goal a referral opened is named by its field of action.
		return f.fieldName(g.Field, lang)
	}
	return ownWords(g.Text, g.Words, g.More, lang, forClient)
}

// ownWords is a manager's free text; for the client it is marked as written by their
// manager, since it is not in their language unless the manager wrote it so.
func ownWords(text string, mt Rendering, more []Rendering, lang string, forClient bool) Phrase {
	if !forClient {
		return Literal(text)
	}
	for _, r := range append([]Rendering{mt}, more...) {
		if r.Lang == lang && r.Text != "" {
			return Phrase{ID: "PlanMachineTranslated", Args: map[string]string{"Text": r.Text}}
		}
	}
	return Phrase{ID: "PlanOwnWords", Args: map[string]string{"Text": text}}
}

// keepRendering keeps a translation of a manager's words among those of a goal or step, one
// per language.
func keepRendering(mt *Rendering, more *[]Rendering, r Rendering) {
	switch i := slices.IndexFunc(*more, func(o Rendering) bool { return o.Lang == r.Lang }); {
	case mt.Text == "" || mt.Lang == r.Lang:
		*mt = r
	case i >= 0:
		(*more)[i] = r
	default:
		*more = append(*more, r)
	}
}

// dueDay writes a date 20060102 as 02.01.2006, in the recipient's digits.
func (f *Flows) dueDay(d string) Phrase {
	t, err := time.Parse("20060102", d)
	if err != nil {
		return Literal(d)
	}
	return Number(t.Format("02.01.2006"))
}

// parseDay reads a date like 31.03.2027 that is today or later in the town's zone.
func (f *Flows) parseDay(s string) (string, bool) {
	loc := f.Config.location()
	t, err := time.ParseInLocation("2.1.2006", strings.TrimSpace(s), loc)
	if err != nil {
		return "", false
	}
	now := f.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	if t.Before(today) || t.After(today.AddDate(10, 0, 0)) {
		return "", false
	}
	return t.Format("20060102"), true
}

// plan returns a client's plan, an empty one if there is none.
func plan(tx ClientStore, c *Client) (*Plan, error) {
	p, err := tx.Plan(c.holderID())
	if isNotFound(err) {
		p, err = &Plan{Client: c.holderID()}, nil
	}
	if err != nil {
		return nil, err
	}
	p.house, err = household(tx, c)
	return p, err
}

// forWhom adds to a goal's or step's line the household member it is for.
func forWhom(line Phrase, p *Plan, member int64) Phrase {
	if member == 0 || len(p.house) < 2 {
		return line
	}
	for _, m := range p.house {
		if m.ID == member {
			return Join(" ", line, Phrase{ID: "PlanFor", Sub: map[string]Phrase{"Member": memberName(m, "")}})
		}
	}
	return line
}

// stepLine describes a step: what, who, by when, done or not; for the client when forClient.
func (f *Flows) stepLine(n string, s *PlanStep, p *Plan, lang string, forClient bool, reader int64) Phrase {
	who := Literal(s.Who)
	var member *Client
	if s.For != 0 && len(p.house) > 1 {
		if i := slices.IndexFunc(p.house, func(m *Client) bool { return m.ID == s.For }); i >= 0 {
			member = p.house[i]
		}
	}
	switch {
	case s.Who == WhoClient && member != nil && (!forClient || member.ID != reader):
		// A step of one member of a household names them.
		who = memberName(member, "")
	case s.Who == WhoClient && forClient:
		who = Msg("PlanWhoYou")
	case s.Who == WhoClient:
		who = Msg("PlanWhoClient")
	case s.Who == WhoManager:
		who = Msg("PlanWhoManager")
	}
	id := "PlanStepLine"
	if s.Done {
		id = "PlanStepLineDone"
	}
	what := ownWords(s.Text, s.Words, s.More, lang, forClient)
	if s.Service != "" {
		what = Msg("PlanStepService", "Service", s.Who)
	}
	return Phrase{ID: id, Args: map[string]string{"Step": n}, Sub: map[string]Phrase{"What": what, "Who": who, "Date": f.dueDay(s.Due)}}
}

// goalLine describes a goal with its field's emoji, its date and status.
func (f *Flows) goalLine(n int, g *Goal, lang string, forClient bool) Phrase {
	pf, _ := f.field(g.Field)
	return Phrase{ID: "PlanGoalLine", Args: map[string]string{"Goal": itoa(n), "Emoji": pf.Emoji},
		Sub: map[string]Phrase{"Field": f.fieldName(g.Field, lang), "What": f.goalText(g, lang, forClient), "Date": f.dueDay(g.Due), "Status": Msg("PlanStatus" + catalogID(strings.ReplaceAll(string(g.Status), "_", "-")))}}
}

// planText lists the goals and steps; forClient leaves out dropped goals and speaks to
// the client.
//
// With since > 0 only the goals changed after that revision are listed, dropped ones too,
// under their numbers in the whole plan.
func (f *Flows) planText(p *Plan, lang string, forClient bool, since int, reader int64) []Phrase {
	var out []Phrase
	for i, g := range p.Goals {
		if g.Erased || since > 0 && g.Rev <= since || since == 0 && forClient && g.Status == GoalDropped {
			continue
		}
		lines := []Phrase{forWhom(f.goalLine(i+1, g, lang, forClient), p, g.For)}
		for j, s := range g.Steps {
			if !s.Erased {
				lines = append(lines, f.stepLine(stepNumber(i, j), s, p, lang, forClient, reader))
			}
		}
		out = append(out, Join("\n", lines...))
	}
	return out
}

func stepNumber(goal, step int) string { return itoa(goal+1) + "." + itoa(step+1) }

// nextStep returns the open step due first, and its number; ok is false for none.
func nextStep(p *Plan) (n string, s *PlanStep, ok bool) {
	for i, g := range p.Goals {
		if g.Status == GoalReached || g.Status == GoalDropped {
			continue
		}
		for j, st := range g.Steps {
			if !st.Done && (s == nil || st.Due < s.Due) {
				n, s, ok = stepNumber(i, j), st, true
			}
		}
	}
	return n, s, ok
}

// stepAt finds a step by its number "goal.step".
func stepAt(p *Plan, n string) (*Goal, *PlanStep, bool) {
	gs, ss, ok := strings.Cut(n, ".")
	gi, err1 := strconv.Atoi(gs)
	si, err2 := strconv.Atoi(ss)
	if !ok || err1 != nil || err2 != nil || gi < 1 || gi > len(p.Goals) || si < 1 || si > len(p.Goals[gi-1].Steps) {
		return nil, nil, false
	}
	g := p.Goals[gi-1]
	return g, g.Steps[si-1], true
}

// Button arguments of the plan.
var (
	planStatusArg = regexp.MustCompile(`^[0-9]{1,9}\.[0-9]{1,2}\.[apdr]$`)
	stepArg       = regexp.MustCompile(`^[0-9]{1,2}\.[0-9]{1,2}$`)
	planStepArg   = regexp.MustCompile(`^[0-9]{1,9}\.[0-9]{1,2}\.[0-9]{1,2}$`)
	planFieldArg  = regexp.MustCompile(`^[0-9]{1,9}\.[a-z0-9][a-z0-9_-]{0,31}$`)
	planDateArg   = regexp.MustCompile(`^[0-9]{1,9}\.[a-z0-9][a-z0-9_-]{0,31}\.[0-9]{8}$`)
	revisionArg   = regexp.MustCompile(`^[0-9]{1,6}$`)
	planOwnArg    = regexp.MustCompile(`^[0-9]{1,9}\.[a-z0-9][a-z0-9_-]{0,31}(\.[0-9]{8})?$`)
	// planStepDraftArg: case, goal, who (c client, m manager, or a household member's number), day.
	planStepDraftArg = regexp.MustCompile(`^[0-9]{1,9}\.[0-9]{1,2}(\.(c|m|[0-9]{1,2})(\.[0-9]{8})?)?$`)
)

// maxPlanText bounds a goal's or step's own words.
const maxPlanText = 200

// ---- Manager side ----

// planCaseOf is caseOf for changes to a plan: Lotse keeps a plan only for a client who
// accepted the privacy notice. The change is audited like other access to a case.
func (f *Flows) planCaseOf(t *turn, label string) (*Client, error) {
	c, err := f.caseOf(t, label)
	if err != nil || c == nil {
		return c, err
	}
	if !c.Consented() {
		return nil, f.staffNote(t, Msg("StaffPlanNoConsent", "Case", c.CaseLabel()))
	}
	return c, f.audit(t.tx, t.ev.UserID, "plan-change", c)
}

// planMemberOf is planCaseOf for a label that may name a household member, like K-0042/2:
// the case's client and the member's id, 0 for the whole case.
func (f *Flows) planMemberOf(t *turn, label string) (*Client, int64, error) {
	caseLabel, n := splitMember(label)
	c, err := f.planCaseOf(t, caseLabel)
	if err != nil || c == nil || n == "" {
		return c, 0, err
	}
	m, err := f.member(t, c, n)
	if err != nil || m == nil {
		return nil, 0, err
	}
	return c, m.ID, nil
}

// staffPlan shows a case's plan to its manager, with the buttons to change it.
func (f *Flows) staffPlan(t *turn, label string) error {
	c, err := f.caseOf(t, label)
	if err != nil || c == nil {
		return err
	}
	if err := f.audit(t.tx, t.ev.UserID, "plan", c); err != nil {
		return err
	}
	p, err := plan(t.tx, c)
	if err != nil {
		return err
	}
	return t.showNew(f.staffPlanScreen(c, p, t.lang))
}

// staffPlanScreen is a case's plan for its manager: goals and steps, whether the client
// confirmed this version, how to add more, and buttons for the goals' status, steps done,
// a new goal and agreeing with the client.
func (f *Flows) staffPlanScreen(c *Client, p *Plan, lang string) screen {
	text := []Phrase{Msg("StaffPlanTitle", "Case", c.CaseLabel())}
	if len(p.Goals) == 0 {
		text = append(text, Msg("StaffPlanEmpty"))
	}
	text = append(text, f.planText(p, lang, false, 0, 0)...)
	switch {
	case p.Agreed > 0 && p.Agreed == p.Revision:
		text = append(text, Phrase{ID: "StaffPlanAgreed", Sub: map[string]Phrase{"When": f.when(p.AgreedAt)}})
	case len(p.Goals) > 0:
		text = append(text, Msg("StaffPlanNotAgreed"))
	}
	text = append(text, f.planUsage(c))
	if len(p.house) > 1 {
		text = append(text, f.householdLines(p.house))
	}
	n := itoa(c.Case)
	var rows [][]Button
	for i, g := range p.Goals {
		if g.Erased {
			continue
		}
		arg := n + "." + itoa(i+1) + "."
		var row []Button
		for _, s := range []struct {
			code   string
			status GoalStatus
		}{{"p", GoalActive}, {"r", GoalReached}, {"d", GoalDropped}} {
			if g.Status != s.status {
				row = append(row, Button{Label: Msg("StaffPlanSet"+catalogID(strings.ReplaceAll(string(s.status), "_", "-")), "Goal", itoa(i+1)), Data: Data(ActPlanStatus, arg+s.code)})
			}
		}
		rows = append(rows, row)
		if g.Status == GoalReached || g.Status == GoalDropped {
			continue
		}
		done := []Button{{Label: Msg("StaffPlanAddStep", "Goal", itoa(i+1)), Data: Data(ActPlanStep, n+"."+itoa(i+1))}}
		for j, s := range g.Steps {
			if !s.Done {
				done = append(done, Button{Label: Msg("PlanDoneButton", "Step", stepNumber(i, j)), Data: Data(ActPlanStepDone, n+"."+stepNumber(i, j))})
			}
		}
		for chunk := range slices.Chunk(done, 4) {
			rows = append(rows, chunk)
		}
	}
	rows = append(rows, []Button{{Label: Msg("StaffPlanAddGoal"), Data: Data(ActPlanAdd, n)}})
	if len(p.Goals) > 0 {
		rows = append(rows, []Button{{Label: Msg("StaffPlanAgree"), Data: Data(ActPlanAgree, n)}})
	}
	return screen{text: text, buttons: rows}
}

// planUsage tells a manager how to add goals and steps, with the fields and common goals.
func (f *Flows) planUsage(c *Client) Phrase {
	var fields, goals []string
	for _, pf := range f.fields() {
		fields = append(fields, pf.Emoji+" "+pf.ID)
	}
	for _, g := range f.commonGoals() {
		goals = append(goals, g.ID)
	}
	return Msg("StaffPlanUsage", "Case", c.CaseLabel(), "Fields", strings.Join(fields, ", "), "Goals", strings.Join(goals, ", "))
}

// addGoal handles "/goal K-0042 field 31.03.2027 common-goal-or-own-words".
func (f *Flows) addGoal(t *turn) error {
	args := strings.Fields(t.ev.Text)
	if len(args) < 4 {
		return t.showNew(screen{text: []Phrase{Msg("StaffPlanGoalUsage")}})
	}
	c, member, err := f.planMemberOf(t, args[0])
	if err != nil || c == nil {
		return err
	}
	if _, ok := f.field(args[1]); !ok {
		return t.showNew(screen{text: []Phrase{Msg("StaffPlanBadField", "Field", args[1]), f.planUsage(c)}})
	}
	due, ok := f.parseDay(args[2])
	if !ok {
		return t.showNew(screen{text: []Phrase{Msg("StaffPlanBadDate", "Date", args[2])}})
	}
	g := &Goal{Field: args[1], Due: due, Status: GoalAgreed, Created: f.Now(), For: member}
	rest := strings.Join(args[3:], " ")
	if cg, ok := f.commonGoal(rest); ok {
		if cg.Field != g.Field {
			return t.showNew(screen{text: []Phrase{Msg("StaffPlanGoalField", "Goal", cg.ID, "Field", cg.Field)}})
		}
		g.Common = cg.ID
		return f.putGoal(t, c, g)
	}
	return f.putOwnGoal(t, c, g, rest)
}

// putOwnGoal adds a goal in the manager's own words, translated for the household.
func (f *Flows) putOwnGoal(t *turn, c *Client, g *Goal, text string) error {
	if utf8.RuneCountInString(text) > maxPlanText {
		return t.showNew(screen{text: []Phrase{Msg("StaffPlanTooLong", "Max", itoa(maxPlanText))}})
	}
	g.Text = text
	if err := f.translateWords(t, c, text); err != nil {
		return err
	}
	return f.putGoal(t, c, g)
}

// translateWords asks the town's engine, if it translates for the client, to translate a
// manager's own words in the plan; the translation is kept in the plan when it comes.
func (f *Flows) translateWords(t *turn, c *Client, text string) error {
	if text == "" {
		return nil
	}
	all, err := household(t.tx, c)
	if err != nil {
		return err
	}
	var done []string
	for _, m := range all {
		// One translation per language of the household.
		if slices.Contains(done, m.Lang) || !f.translates(m, t.lang, m.Lang) {
			continue
		}
		done = append(done, m.Lang)
		if err := t.tx.Send(Outgoing{Chat: m.ID, Lang: m.Lang, Kind: OutTranslate,
			Translate: &TranslateJob{Dir: TranslatePlan, Text: text, From: t.lang, To: m.Lang, Client: c.holderID(), Staff: t.ev.UserID}}); err != nil {
			return err
		}
	}
	return nil
}

// planTranslated keeps the translation of a manager's own words with every goal and step
// written so; nothing is sent: the client reads it the next time they look at the plan.
func (f *Flows) planTranslated(tx Tx, job *TranslateJob, r TranslationResult) error {
	if r.Outcome != Translated {
		return nil
	}
	p, err := tx.Plan(job.Client)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	mt := Rendering{Lang: job.To, Text: r.Text}
	for _, g := range p.Goals {
		if g.Common == "" && g.Text == job.Text {
			keepRendering(&g.Words, &g.More, mt)
		}
		for _, s := range g.Steps {
			if s.Text == job.Text {
				keepRendering(&s.Words, &s.More, mt)
			}
		}
	}
	if err := f.count(tx, f.Now(), job.Client, statTranslated+job.To); err != nil {
		return err
	}
	return tx.PutPlan(p)
}

// putGoal adds a goal to client c's plan and shows the manager the plan.
func (f *Flows) putGoal(t *turn, c *Client, g *Goal) error {
	p, err := plan(t.tx, c)
	if err != nil {
		return err
	}
	if len(p.Goals) >= 20 {
		return t.showNew(screen{text: []Phrase{Msg("StaffPlanFull")}})
	}
	p.Goals = append(p.Goals, g)
	p.Revision++
	g.Rev = p.Revision
	if err := t.tx.PutPlan(p); err != nil {
		return err
	}
	if err := f.count(t.tx, f.Now(), c.ID, statPlanGoal+g.Field+"."+string(GoalAgreed)); err != nil {
		return err
	}
	return t.show(f.staffPlanScreen(c, p, t.lang).after(Msg("StaffPlanGoalAdded", "Goal", itoa(len(p.Goals)))))
}

// goalPicker handles the buttons that add a goal step by step: the field of action, a
// common goal of it, the date. Each press carries the case and what was chosen so far, and
// everything is checked again.
func (f *Flows) goalPicker(t *turn, a Action) error {
	parts, c, p, err := f.planPress(t, a)
	if err != nil || c == nil {
		return err
	}
	n, back := itoa(c.Case), planBack(c)
	switch a.Name {
	case ActPlanAdd:
		s := screen{text: []Phrase{Msg("StaffPlanTitle", "Case", c.CaseLabel()), Msg("StaffPlanChooseField")}}
		for _, pf := range f.fields() {
			s.buttons = append(s.buttons, []Button{{Label: Join(" ", Literal(pf.Emoji), f.fieldName(pf.ID, t.lang)), Data: Data(ActPlanField, n+"."+pf.ID)}})
		}
		return t.show(s.withRow(back))
	case ActPlanField:
		pf, ok := f.field(parts[1])
		if !ok {
			return t.refuse(f.staffPlanScreen(c, p, t.lang))
		}
		s := screen{text: []Phrase{Join(" ", Literal(pf.Emoji), f.fieldName(pf.ID, t.lang)), Msg("StaffPlanChooseGoal", "Case", c.CaseLabel(), "Field", pf.ID)}}
		for _, g := range f.commonGoals() {
			if g.Field == pf.ID {
				s.buttons = append(s.buttons, []Button{{Label: f.goalText(&Goal{Common: g.ID}, t.lang, false), Data: Data(ActPlanGoal, n+"."+g.ID)}})
			}
		}
		s.buttons = append(s.buttons, []Button{{Label: Msg("StaffPlanOwnWords"), Data: Data(ActPlanOwn, n+"."+pf.ID)}})
		return t.show(s.withRow(back))
	case ActPlanGoal:
		g, ok := f.commonGoal(parts[1])
		if !ok {
			return t.refuse(f.staffPlanScreen(c, p, t.lang))
		}
		s := screen{text: []Phrase{f.goalText(&Goal{Common: g.ID}, t.lang, false), Msg("StaffPlanChooseDate", "Case", c.CaseLabel(), "Field", g.Field, "Goal", g.ID)}}
		s.buttons = [][]Button{f.dayButtons(goalDays, func(day string) string { return Data(ActPlanDate, n+"."+g.ID+"."+day) })}
		return t.show(s.withRow(back))
	case ActPlanDate:
		g, ok := f.commonGoal(parts[1])
		d, err := time.Parse("20060102", parts[2])
		if !ok || err != nil {
			return t.refuse(f.staffPlanScreen(c, p, t.lang))
		}
		due, ok := f.parseDay(d.Format("02.01.2006"))
		if !ok {
			return f.staffNote(t, Msg("StaffPlanBadDate", "Date", d.Format("02.01.2006")))
		}
		return f.putGoal(t, c, &Goal{Field: g.Field, Common: g.ID, Due: due, Status: GoalAgreed, Created: f.Now()})
	}
	return t.refuse(f.staffPlanScreen(c, p, t.lang))
}

// planPress reads a plan button whose argument starts with the case number: its parts, the
// case, if the manager may change its plan, and the plan; c is nil when the manager was told
// why not.
func (f *Flows) planPress(t *turn, a Action) (parts []string, c *Client, p *Plan, err error) {
	parts = strings.Split(a.Arg, ".")
	if c, err = f.planCaseOf(t, parts[0]); err != nil || c == nil {
		return nil, nil, nil, err
	}
	p, err = plan(t.tx, c)
	return parts, c, p, err
}

// planBack is the button back to a case's plan.
func planBack(c *Client) []Button {
	return []Button{{Label: Msg("RelayPlan"), Data: Data(ActPlan, itoa(c.Case))}}
}

// addStep handles "/step K-0042 goal who 31.03.2027 what".
func (f *Flows) addStep(t *turn) error {
	args := strings.Fields(t.ev.Text)
	if len(args) < 5 {
		return t.showNew(screen{text: []Phrase{Msg("StaffPlanStepUsage")}})
	}
	c, member, err := f.planMemberOf(t, args[0])
	if err != nil || c == nil {
		return err
	}
	p, err := plan(t.tx, c)
	if err != nil {
		return err
	}
	gi, err := strconv.Atoi(args[1])
	if err != nil || gi < 1 || gi > len(p.Goals) || p.Goals[gi-1].Erased {
		return t.showNew(screen{text: []Phrase{Msg("StaffPlanBadGoal", "Goal", args[1], "Case", c.CaseLabel())}})
	}
	who := args[2]
	switch strings.ToLower(who) {
	case "client", "klient", "klientin":
		who = WhoClient
	case "manager", "ich", "me":
		who = WhoManager
	}
	if utf8.RuneCountInString(who) > 40 {
		return t.showNew(screen{text: []Phrase{Msg("StaffPlanTooLong", "Max", "40")}})
	}
	due, ok := f.parseDay(args[3])
	if !ok {
		return t.showNew(screen{text: []Phrase{Msg("StaffPlanBadDate", "Date", args[3])}})
	}
	return f.putStep(t, c, p, gi, &PlanStep{Text: strings.Join(args[4:], " "), Who: who, Due: due, For: member})
}

// putStep adds a step to goal gi (from 1) of client c's plan p, schedules its reminders and
// shows the manager the plan.
func (f *Flows) putStep(t *turn, c *Client, p *Plan, gi int, s *PlanStep) error {
	if utf8.RuneCountInString(s.Text) > maxPlanText {
		return t.showNew(screen{text: []Phrase{Msg("StaffPlanTooLong", "Max", itoa(maxPlanText))}})
	}
	g := p.Goals[gi-1]
	if len(g.Steps) >= 20 {
		return t.showNew(screen{text: []Phrase{Msg("StaffPlanFull")}})
	}
	s.For = cmp.Or(s.For, g.For)
	g.Steps = append(g.Steps, s)
	p.Revision++
	g.Rev = p.Revision
	if s.Service == "" { // a referral's words come from the catalogs
		if err := f.translateWords(t, c, s.Text); err != nil {
			return err
		}
	}
	if err := t.tx.PutPlan(p); err != nil {
		return err
	}
	n := stepNumber(gi-1, len(g.Steps)-1)
	if s.Who == WhoClient {
		if err := f.scheduleStep(t.tx, c, n, s.Due); err != nil {
			return err
		}
	}
	return t.showNew(f.staffPlanScreen(c, p, t.lang).after(Msg("StaffPlanStepAdded", "Step", n)))
}

// planStatus sets a goal's status from a button "case.goal.code".
func (f *Flows) planStatus(t *turn, arg string) error {
	parts := strings.Split(arg, ".")
	c, err := f.planCaseOf(t, parts[0])
	if err != nil || c == nil {
		return err
	}
	p, err := plan(t.tx, c)
	if err != nil {
		return err
	}
	gi, _ := strconv.Atoi(parts[1])
	if gi < 1 || gi > len(p.Goals) {
		return t.refuse(f.staffPlanScreen(c, p, t.lang))
	}
	status := map[string]GoalStatus{"a": GoalAgreed, "p": GoalActive, "r": GoalReached, "d": GoalDropped}[parts[2]]
	g := p.Goals[gi-1]
	if g.Erased {
		return t.refuse(f.staffPlanScreen(c, p, t.lang))
	}
	if g.Status != status {
		g.Status = status
		p.Revision++
		g.Rev = p.Revision
		if err := t.tx.PutPlan(p); err != nil {
			return err
		}
		if status == GoalReached || status == GoalDropped {
			if err := f.count(t.tx, f.Now(), c.ID, statPlanGoal+g.Field+"."+string(status)); err != nil {
				return err
			}
		}
	}
	return t.show(f.staffPlanScreen(c, p, t.lang))
}

// planStepDone records that a step is done, from a manager's button "case.goal.step".
func (f *Flows) planStepDone(t *turn, arg string) error {
	label, n, _ := strings.Cut(arg, ".")
	c, err := f.planCaseOf(t, label)
	if err != nil || c == nil {
		return err
	}
	p, err := plan(t.tx, c)
	if err != nil {
		return err
	}
	g, s, ok := stepAt(p, n)
	if !ok || s.Done || g.Status == GoalReached || g.Status == GoalDropped {
		return t.refuse(f.staffPlanScreen(c, p, t.lang))
	}
	if err := f.stepDone(t.tx, p, g, s); err != nil {
		return err
	}
	return t.show(f.staffPlanScreen(c, p, t.lang))
}

// stepDone marks a step done, starts its goal, stores the plan and counts whether the step
// was done by its day.
func (f *Flows) stepDone(tx Tx, p *Plan, g *Goal, s *PlanStep) error {
	s.Done, s.DoneAt = true, f.Now()
	if g.Status == GoalAgreed {
		g.Status = GoalActive
	}
	if err := tx.PutPlan(p); err != nil {
		return err
	}
	name := statPlanStepDone
	if f.Now().In(f.Config.location()).Format("20060102") > s.Due {
		name = statPlanStepLate
	}
	return f.count(tx, f.Now(), p.Client, name)
}

// offerPlan sends the client the plan to confirm.
func (f *Flows) offerPlan(t *turn, arg string) error {
	c, err := f.caseOf(t, arg)
	if err != nil || c == nil {
		return err
	}
	p, err := plan(t.tx, c)
	if err != nil {
		return err
	}
	if len(p.Goals) == 0 {
		return t.refuse(f.staffPlanScreen(c, p, t.lang))
	}
	// In a household every member gets the plan in their language; whoever confirms first
	// confirms it for the case.
	var to []*Client
	for _, m := range p.house {
		if m.Consented() && !m.Unreachable {
			to = append(to, m)
		}
	}
	if len(to) == 0 {
		return f.staffNote(t, Msg("StaffClientNoConsent", "Case", c.CaseLabel()))
	}
	p.Offered = p.Revision
	if err := t.tx.PutPlan(p); err != nil {
		return err
	}
	for _, m := range to {
		s := f.clientPlanScreen(m, p)
		s.text = append([]Phrase{Msg("PlanOffer")}, s.text[1:]...)
		if changed := f.planText(p, m.Lang, true, p.Agreed, m.ID); p.Agreed > 0 && len(changed) > 0 {
			// The client agreed to an earlier version: they are asked about what changed.
			s.text = append([]Phrase{Msg("PlanOfferChanged")}, changed...)
		}
		if err := t.tx.Send(Outgoing{Chat: m.ID, Lang: m.Lang, Kind: OutSend, Text: s.text, Buttons: s.buttons}); err != nil {
			return err
		}
	}
	return t.show(f.staffPlanScreen(c, p, t.lang).after(Msg("StaffPlanOffered")))
}

// ---- Client side ----

// clientPlanScreen shows the client their plan: goals, steps, and buttons for their own
// open steps.
func (f *Flows) clientPlanScreen(c *Client, p *Plan) screen {
	text := []Phrase{Msg("PlanTitle")}
	if len(p.Goals) == 0 {
		return screen{text: append(text, Msg("PlanEmpty")), buttons: [][]Button{{backButton()}}}
	}
	text = append(text, f.planText(p, c.Lang, true, 0, c.ID)...)
	var rows [][]Button
	for i, g := range p.Goals {
		if g.Status == GoalReached || g.Status == GoalDropped {
			continue
		}
		for j, s := range g.Steps {
			if s.Done {
				continue
			}
			n := stepNumber(i, j)
			row := []Button{{Label: Msg("PlanHelpButton", "Step", n), Data: Data(ActStepHelp, n)}}
			if s.Who == WhoClient {
				row = append([]Button{{Label: Msg("PlanDoneButton", "Step", n), Data: Data(ActStepDone, n)}}, row...)
			}
			rows = append(rows, row)
		}
	}
	if p.Offered == p.Revision && p.Agreed != p.Revision {
		rows = append(rows, []Button{{Label: Msg("PlanConfirmButton"), Data: Data(ActPlanOK, itoa(p.Revision))}})
	}
	rows = append(rows, []Button{{Label: Msg("PlanBookButton"), Data: Data(ActBook)}}, []Button{backButton()})
	return screen{text: text, buttons: rows}
}

// planButton handles a client's plan buttons. Arguments name steps of the client's own plan
// only, so no button reaches another case; handled is false for a step that is not open.
func (f *Flows) planButton(t *turn, c *Client, a Action) (handled bool, err error) {
	p, err := plan(t.tx, c)
	if err != nil {
		return true, err
	}
	switch a.Name {
	case ActPlanOK:
		if a.Arg != itoa(p.Revision) || p.Offered != p.Revision || len(p.Goals) == 0 {
			return false, nil
		}
		if p.Agreed != p.Revision {
			p.Agreed, p.AgreedAt = p.Revision, f.Now()
			if err := t.tx.PutPlan(p); err != nil {
				return true, err
			}
			if err := f.toCaseManagers(t.tx, c, Phrase{ID: "StaffPlanConfirmed", Sub: map[string]Phrase{"Case": caseRef(c, t.ev.FirstName), "When": f.when(p.AgreedAt)}}); err != nil {
				return true, err
			}
		}
		return true, t.show(f.clientPlanScreen(c, p).after(Msg("PlanConfirmed")))
	case ActStepDone:
		g, s, ok := stepAt(p, a.Arg)
		if !ok || s.Done || s.Who != WhoClient || g.Status == GoalReached || g.Status == GoalDropped {
			return false, nil
		}
		if err := f.stepDone(t.tx, p, g, s); err != nil {
			return true, err
		}
		if err := f.toCaseManagers(t.tx, c, Phrase{ID: "StaffPlanStepDone", Args: map[string]string{"Step": a.Arg}, Sub: map[string]Phrase{"Case": caseRef(c, t.ev.FirstName), "What": Literal(s.Text)}}); err != nil {
			return true, err
		}
		return true, t.show(f.clientPlanScreen(c, p).after(Msg("PlanStepDone")))
	case ActStepHelp:
		g, s, ok := stepAt(p, a.Arg)
		if !ok || s.Done || g.Status == GoalReached || g.Status == GoalDropped {
			return false, nil
		}
		c.Topic = planTopic + a.Arg
		if err := f.toCaseManagers(t.tx, c, Phrase{ID: "StaffPlanHelp", Args: map[string]string{"Step": a.Arg}, Sub: map[string]Phrase{"Case": caseRef(c, t.ev.FirstName), "What": Literal(s.Text)}}); err != nil {
			return true, err
		}
		return true, t.show(screen{text: []Phrase{Msg("PlanHelpSent")}, buttons: [][]Button{{{Label: Msg("PlanBookButton"), Data: Data(ActBook, a.Arg)}}, {backButton()}}})
	}
	return false, nil
}

// toCaseManagers tells whoever looks after the client now, in their language, with the
// case's buttons under it; the message stands for the case, so a reply answers the client.
func (f *Flows) toCaseManagers(tx Tx, c *Client, text Phrase) error {
	r, err := f.route(tx, c)
	if err != nil {
		return err
	}
	for _, to := range r.to {
		if err := tx.Send(Outgoing{Chat: to, Lang: f.staffLang(tx, to), Kind: OutSend, Text: []Phrase{text},
			Buttons: f.caseButtons(c), Relay: &RelayRef{Client: c.ID}}); err != nil {
			return err
		}
	}
	return nil
}

// ---- Reminders ----

// StepReminderPrefix starts the reminder keys of a client's plan steps, so that the store
// finds them for the client's data and erasure.
func StepReminderPrefix(client int64) string { return "P" + strconv.FormatInt(client, 10) + "." }

// reminderStep reads the key of a plan step's reminder, "P<client>.<goal>.<step>.<last>":
// the client who holds the plan, the plan, the step's number and the key's last part (the
// due day, or "f" for a referral's follow-up). c is nil when the key is not such a key or the
// client or plan is gone.
func reminderStep(tx Tx, key string) (c *Client, p *Plan, n, last string, err error) {
	rest, ok := strings.CutPrefix(key, "P")
	parts := strings.Split(rest, ".")
	if !ok || len(parts) != 4 {
		return nil, nil, "", "", nil
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return nil, nil, "", "", nil
	}
	if c, err = tx.Client(id); err == nil {
		p, err = tx.Plan(id)
	}
	if isNotFound(err) {
		return nil, nil, "", "", nil
	}
	if err != nil {
		return nil, nil, "", "", err
	}
	return c, p, parts[1] + "." + parts[2], parts[3], nil
}

// scheduleStep schedules the reminders of a client's step due on day due: ReminderDays
// before it at ReminderTime in the town's zone, those still ahead.
func (f *Flows) scheduleStep(tx AppointmentStore, c *Client, n, due string) error {
	loc := f.Config.location()
	d, err := time.ParseInLocation("20060102", due, loc)
	if err != nil {
		return err
	}
	for _, days := range f.Config.Plan.ReminderDays {
		day := d.AddDate(0, 0, -days)
		at := time.Date(day.Year(), day.Month(), day.Day(), f.Config.Plan.hour, f.Config.Plan.minute, 0, 0, loc)
		if !at.After(f.Now()) {
			continue
		}
		if err := tx.Schedule(Reminder{At: at, Kind: RemindStep, Appointment: StepReminderPrefix(c.ID) + n + "." + due}); err != nil {
			return err
		}
	}
	return nil
}

// remindStep sends the client the reminder of a step if the step is still open and still
// due on the day the reminder was made for.
func (f *Flows) remindStep(tx Tx, r Reminder) error {
	c, p, n, due, err := reminderStep(tx, r.Appointment)
	if err != nil || c == nil {
		return err
	}
	g, s, ok := stepAt(p, n)
	if ok {
		// A step for one member of a household reminds that member.
		if who := cmp.Or(s.For, g.For); who != 0 && who != c.ID {
			m, err := tx.Client(who)
			switch {
			case err == nil && m.Holder == c.ID:
				c = m
			case err != nil && !isNotFound(err):
				return err
			}
		}
	}
	loc := f.Config.location()
	today := f.Now().In(loc).Format("20060102")
	if !ok || s.Done || s.Due != due || today > due || g.Status == GoalReached || g.Status == GoalDropped || c.Unreachable || !c.Consented() {
		f.observe("reminder_skipped")
		return nil
	}
	f.observe("reminder_sent")
	text := Phrase{ID: "PlanReminder", Sub: map[string]Phrase{"What": ownWords(s.Text, s.Words, s.More, c.Lang, true), "Date": f.dueDay(due)}}
	if today == due {
		text = Phrase{ID: "PlanReminderToday", Sub: map[string]Phrase{"What": ownWords(s.Text, s.Words, s.More, c.Lang, true)}}
	}
	return tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: []Phrase{text}, Buttons: [][]Button{
		{{Label: Msg("PlanDoneButton", "Step", n), Data: Data(ActStepDone, n)}, {Label: Msg("PlanHelpButton", "Step", n), Data: Data(ActStepHelp, n)}},
		{{Label: Msg("PlanBookButton"), Data: Data(ActBook, n)}},
	}})
}
