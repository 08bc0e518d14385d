package flows

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Figures for the state programme's reporting are counted as events happen, by month, and
// never name a person: a client who erases their data leaves the figures as they were.

// Names of the monthly figures.
const (
	statNewClients = "clients.new"        // a client consented for the first time
	statMovedOut   = "clients.moved_out"  // a client moved to another commune of the county
	statMovedIn    = "clients.moved_in"   // a client moved here from another commune of the county
	statRequests   = "relay.requests"     // a client's message started a new request
	statTopic      = "relay.topic."       // + FAQ topic: a request from "ask my manager about this"
	statAnswer     = "answer."            // + minutes: a request's first answer came after so long
	statAppt       = "appt."              // + status: an appointment was booked, attended, missed, cancelled
	statVisit      = "visit."             // + status: a home visit was proposed (booked), held (attended), not held (missed), cancelled
	statUndone     = ".undone"            // appended: a manager corrected an attended or missed mark
	statTranslated = "translated."        // + language option: a message was machine-translated from or into it
	monthLayout    = "2006-01"            // month keys
	dateLayout     = "2006-01-02"         // report dates
	statsHeader    = "month,figure,value" // the report's CSV header
)

// Figures of the integration plan (plan.go).
const (
	statPlanGoal     = "plan.goal."        // + field "." agreed|reached|dropped: a goal was set, reached or dropped
	statPlanStepDone = "plan.step.on_time" // a step of a plan was done by its day
	statPlanStepLate = "plan.step.late"    // a step of a plan was done after its day
)

// Figures of persons and households (household.go): each counted once a month in which
// they wrote, used Lotse or got an answer.
const (
	statServedPersons    = "served.persons"
	statServedHouseholds = "served.households"
)

// countServed counts client c, and their case, as served this month, once.
func (f *Flows) countServed(tx Tx, c *Client) error {
	month := f.Now().In(f.Config.location()).Format(monthLayout)
	if c.Served == month || !c.Consented() {
		return nil
	}
	c.Served = month
	if err := tx.Count(month, statServedPersons); err != nil {
		return err
	}
	if err := f.countIn(tx, month, f.communeOf(c), statServedPersons); err != nil {
		return err
	}
	if err := f.countIn(tx, month, f.communeOf(c), statServedPersons); err != nil {
		return err
	}
	h := c
	if c.Holder != 0 {
		var err error
		if h, err = tx.Client(c.Holder); isNotFound(err) {
			h = c
		} else if err != nil {
			return err
		}
	}
	if h.CaseServed == month {
		return nil
	}
	h.CaseServed = month
	if err := tx.Count(month, statServedHouseholds); err != nil {
		return err
	}
	if err := f.countIn(tx, month, f.communeOf(h), statServedHouseholds); err != nil {
		return err
	}
	if err := f.countIn(tx, month, f.communeOf(h), statServedHouseholds); err != nil {
		return err
	}
	if h != c {
		return tx.PutClient(h)
	}
	return nil
}

// figureCounter is what count needs: the figures, and the client whose commune also counts.
type figureCounter interface {
	FigureStore
	Client(id int64) (*Client, error)
}

// count adds one to a figure in the month of t in the town's zone: for the county and, in a
// county of communes, for the commune of the client it is about (0 for none).
func (f *Flows) count(tx figureCounter, t time.Time, client int64, name string) error {
	month := t.In(f.Config.location()).Format(monthLayout)
	if err := tx.Count(month, name); err != nil || len(f.Config.Communes) == 0 || client == 0 {
		return err
	}
	c, err := tx.Client(client)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.countIn(tx, month, f.communeOf(c), name)
}

// countIn adds one to a figure of commune in month, "" for none.
func (f *Flows) countIn(tx FigureStore, month, commune, name string) error {
	if commune == "" {
		return nil
	}
	return tx.Count(month, communeFigure(commune, name))
}

// communeFigure is the name under which a commune's figure is counted: the county's name
// behind the commune's id and a slash, which no county figure has.
func communeFigure(commune, name string) string { return commune + "/" + name }

// storeBooking stores a new appointment and counts it.
func (f *Flows) storeBooking(tx Tx, a *Appointment, seats int) error {
	if err := tx.Book(a, seats); err != nil {
		return err
	}
	return f.count(tx, a.Start, a.Client, statOf(a)+string(StatusBooked))
}

// statOf is the prefix of an appointment's figures: home visits are counted apart.
func statOf(a *Appointment) string {
	if a.IsVisit() {
		return statVisit
	}
	return statAppt
}

// setStatus changes an appointment's status and counts the change in the month of the
// appointment.
func (f *Flows) setStatus(tx Tx, a *Appointment, s Status) error {
	prev := a.Status
	a.Status = s
	if err := tx.PutAppointment(a); err != nil || prev == s {
		return err
	}
	if prev == StatusAttended || prev == StatusMissed {
		if err := f.count(tx, a.Start, a.Client, statOf(a)+string(prev)+statUndone); err != nil {
			return err
		}
	}
	return f.count(tx, a.Start, a.Client, statOf(a)+string(s))
}

// Figures are the reporting figures of a period.
type Figures struct {
	From, To             time.Time
	Clients, NewClients  int
	ByLanguage           map[string]int // language option → clients with consent
	ByDistrict           map[string]int // district id ("" unknown) → clients with consent
	Booked, Held, Missed int
	Cancelled            int
	// Home visits: proposed, held, not held, and cancelled (the client asked for another time).
	Visits, VisitsHeld, VisitsNotHeld, VisitsCancelled int
	Requests                                           int
	ByTopic                                            map[string]int
	Translated                                         map[string]int // language option → messages machine-translated from or into it
	FirstAnswer                                        []int          // minutes until the first answer, one per answered request
	Months                                             map[string]map[string]int
	Goals                                              map[string]int // field "." agreed|reached|dropped → goals set, reached, dropped
	StepsOnTime                                        int            // plan steps done by their day
	StepsLate                                          int            // plan steps done after their day
	// Group activities sent, yeses to them (taken back ones not counted), and participants
	// marked as came.
	Activities, ActivityYes, Participants int
	// Persons and Households served: summed over the months, each counted once a month.
	Persons, Households int
	// HouseholdsNow are the cases of the clients with consent today, a household once.
	HouseholdsNow int
	// Commune is the id of the commune these figures are of, "" for the whole county or town;
	// Communes are the figures of each commune of a county, in the order of the
	// configuration.
	Commune  string
	Communes []*Figures
}

// countStatus adds n to the counter of an appointment or visit figure ("attended", or
// "attended.undone" for a corrected mark, which takes n away).
func countStatus(figure string, n int, booked, attended, missed, cancelled *int) {
	status, undone := strings.CutSuffix(figure, statUndone)
	if undone {
		n = -n
	}
	switch Status(status) {
	case StatusBooked:
		*booked += n
	case StatusAttended:
		*attended += n
	case StatusMissed:
		*missed += n
	case StatusCancelled:
		*cancelled += n
	}
}

// MedianAnswer is the median time until the first answer; ok is false without answers.
func (g *Figures) MedianAnswer() (time.Duration, bool) {
	if len(g.FirstAnswer) == 0 {
		return 0, false
	}
	s := slices.Sorted(slices.Values(g.FirstAnswer))
	return time.Duration(s[len(s)/2]) * time.Minute, true
}

// Report gathers the figures of the months from from to to: the counted events of those
// months, and the clients who use Lotse now.
// In a county, the figures of each commune come with it, counted the same way.
func (f *Flows) Report(tx Tx, from, to time.Time) (*Figures, error) {
	loc := f.Config.location()
	months, err := tx.Counts(from.In(loc).Format(monthLayout), to.In(loc).Format(monthLayout))
	if err != nil {
		return nil, err
	}
	g := newFigures(from, to, "", months)
	byCommune := map[string]*Figures{}
	for _, m := range f.Config.Communes {
		part := newFigures(from, to, m.ID, months)
		g.Communes = append(g.Communes, part)
		byCommune[m.ID] = part
	}
	err = tx.Clients(func(c *Client) error {
		if !c.Consented() {
			return nil
		}
		g.addClient(c)
		if part := byCommune[f.communeOf(c)]; part != nil {
			part.addClient(c)
		}
		return nil
	})
	return g, err
}

// newFigures sums the counted figures of commune ("" for the county) from months.
func newFigures(from, to time.Time, commune string, all map[string]map[string]int) *Figures {
	g := &Figures{From: from, To: to, Commune: commune, ByLanguage: map[string]int{}, ByDistrict: map[string]int{}, ByTopic: map[string]int{}, Translated: map[string]int{}, Goals: map[string]int{}}
	months := map[string]map[string]int{}
	for month, figures := range all {
		for name, n := range figures {
			own, isCommune := "", false
			if before, after, ok := strings.Cut(name, "/"); ok {
				own, name, isCommune = before, after, true
			}
			if isCommune != (commune != "") || own != commune {
				continue
			}
			if months[month] == nil {
				months[month] = map[string]int{}
			}
			months[month][name] = n
		}
	}
	g.Months = months
	for _, figures := range months {
		for name, n := range figures {
			switch {
			case name == statNewClients:
				g.NewClients += n
			case name == statRequests:
				g.Requests += n
			case strings.HasPrefix(name, statTopic):
				g.ByTopic[strings.TrimPrefix(name, statTopic)] += n
			case strings.HasPrefix(name, statPlanGoal):
				g.Goals[strings.TrimPrefix(name, statPlanGoal)] += n
			case name == statPlanStepDone:
				g.StepsOnTime += n
			case name == statPlanStepLate:
				g.StepsLate += n
			case name == statServedPersons:
				g.Persons += n
			case name == statServedHouseholds:
				g.Households += n
			case strings.HasPrefix(name, statTranslated):
				g.Translated[strings.TrimPrefix(name, statTranslated)] += n
			case strings.HasPrefix(name, statAnswer):
				if m, err := strconv.Atoi(strings.TrimPrefix(name, statAnswer)); err == nil {
					for range n {
						g.FirstAnswer = append(g.FirstAnswer, m)
					}
				}
			case strings.HasPrefix(name, statAppt):
				countStatus(strings.TrimPrefix(name, statAppt), n, &g.Booked, &g.Held, &g.Missed, &g.Cancelled)
			case name == statActivities:
				g.Activities += n
			case name == statActivityYes:
				g.ActivityYes += n
			case name == statActivityYes+statUndone:
				g.ActivityYes -= n
			case name == statActivityCame:
				g.Participants += n
			case name == statActivityCame+statUndone:
				g.Participants -= n
			case strings.HasPrefix(name, statVisit):
				countStatus(strings.TrimPrefix(name, statVisit), n, &g.Visits, &g.VisitsHeld, &g.VisitsNotHeld, &g.VisitsCancelled)
			}
		}
	}
	return g
}

// addClient counts a client with consent among today's clients.
func (g *Figures) addClient(c *Client) {
	g.Clients++
	g.ByLanguage[c.Lang]++
	g.ByDistrict[c.District]++
	if c.Holder == 0 {
		g.HouseholdsNow++
	}
}

// CSV writes the figures as a table: one row per month and figure, then the totals and the
// clients of today by language and district. A county's table has a first column more, the
// commune: the rows of each commune come first, then those of the whole county as "total".
func (g *Figures) CSV() ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if len(g.Communes) == 0 {
		w.Write(strings.Split(statsHeader, ","))
		g.rows(w.Write)
		w.Flush()
		return b.Bytes(), w.Error()
	}
	w.Write(append([]string{"commune"}, strings.Split(statsHeader, ",")...))
	for _, part := range append(slices.Clone(g.Communes), g) {
		commune := cmp.Or(part.Commune, "total")
		part.rows(func(row []string) error { return w.Write(append([]string{commune}, row...)) })
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// rows writes the rows of the figures, without the header.
func (g *Figures) rows(write func([]string) error) {
	for _, month := range slices.Sorted(maps.Keys(g.Months)) {
		for _, name := range slices.Sorted(maps.Keys(g.Months[month])) {
			write([]string{month, name, strconv.Itoa(g.Months[month][name])})
		}
	}
	period := g.From.Format(monthLayout) + ".." + g.To.Format(monthLayout)
	total := func(name string, n int) { write([]string{period, name, strconv.Itoa(n)}) }
	total("clients.new", g.NewClients)
	total("appointments.booked", g.Booked)
	total("appointments.attended", g.Held)
	total("appointments.missed", g.Missed)
	total("appointments.cancelled", g.Cancelled)
	total("visits.proposed", g.Visits)
	total("visits.held", g.VisitsHeld)
	total("visits.not_held", g.VisitsNotHeld)
	total("visits.cancelled", g.VisitsCancelled)
	total("activities.sent", g.Activities)
	total("activities.yes", g.ActivityYes)
	total("activities.participants", g.Participants)
	total("requests", g.Requests)
	for _, topic := range slices.Sorted(maps.Keys(g.ByTopic)) {
		total("requests.topic."+topic, g.ByTopic[topic])
	}
	for _, l := range slices.Sorted(maps.Keys(g.Translated)) {
		total("translated."+l, g.Translated[l])
	}
	if m, ok := g.MedianAnswer(); ok {
		total("first_answer.median_minutes", int(m/time.Minute))
	}
	for _, k := range slices.Sorted(maps.Keys(g.Goals)) {
		total("plan.goals."+k, g.Goals[k])
	}
	total("plan.steps.on_time", g.StepsOnTime)
	total("plan.steps.late", g.StepsLate)
	total("served.persons", g.Persons)
	total("served.households", g.Households)
	today := "today"
	write([]string{today, "clients", strconv.Itoa(g.Clients)})
	write([]string{today, "households", strconv.Itoa(g.HouseholdsNow)})
	for _, l := range slices.Sorted(maps.Keys(g.ByLanguage)) {
		write([]string{today, "clients.language." + l, strconv.Itoa(g.ByLanguage[l])})
	}
	for _, d := range slices.Sorted(maps.Keys(g.ByDistrict)) {
		write([]string{today, "clients.district." + cmp.Or(d, "unknown"), strconv.Itoa(g.ByDistrict[d])})
	}
}

// goalList writes the plan's goals by field as "language 3/1/0 · work 2/0/1": agreed,
// reached, dropped.
func (g *Figures) goalList() Phrase {
	fields := map[string]bool{}
	for k := range g.Goals {
		field, _, _ := strings.Cut(k, ".")
		fields[field] = true
	}
	if len(fields) == 0 {
		return Msg("StatsNone")
	}
	var parts []string
	for _, field := range slices.Sorted(maps.Keys(fields)) {
		parts = append(parts, fmt.Sprintf("%s %d/%d/%d", field, g.Goals[field+"."+string(GoalAgreed)], g.Goals[field+"."+string(GoalReached)], g.Goals[field+"."+string(GoalDropped)]))
	}
	return Literal(strings.Join(parts, " · "))
}

// statsPeriod reads "/stats", "/stats 2026" or "/stats 2026-11": the period and ok.
func (f *Flows) statsPeriod(arg string) (from, to time.Time, ok bool) {
	loc := f.Config.location()
	now := f.Now().In(loc)
	switch arg = strings.TrimSpace(arg); {
	case arg == "":
		return time.Date(now.Year(), 1, 1, 0, 0, 0, 0, loc), now, true
	case len(arg) == 4:
		y, err := strconv.Atoi(arg)
		if err != nil || y < 2000 || y > 9999 {
			return from, to, false
		}
		from = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(1, 0, -1), true
	}
	m, err := time.ParseInLocation(monthLayout, arg, loc)
	if err != nil {
		return from, to, false
	}
	return m, m.AddDate(0, 1, -1), true
}

// stats shows an admin the figures of a period: a county's admin those of the county, or of
// one commune named after the period ("/stats 2026 lindental"); a commune's team lead those
// of their communes only.
func (f *Flows) stats(t *turn, arg string) error {
	words := strings.Fields(arg)
	commune := ""
	if n := len(words); n > 0 {
		if _, ok := f.Config.Commune(words[n-1]); ok {
			commune, words = words[n-1], words[:n-1]
		}
	}
	from, to, ok := f.statsPeriod(strings.Join(words, " "))
	if !ok {
		return t.show(screen{text: []Phrase{Msg("StatsMore")}})
	}
	led, all := f.Config.AdminCommunes(t.ev.UserID)
	if commune != "" && !all && !slices.Contains(led, commune) {
		return t.show(screen{text: []Phrase{Msg("StaffOnly")}})
	}
	g, err := f.Report(t.tx, from, to)
	if err != nil {
		return err
	}
	// shown reports whether the figures of a commune ("" for the county) are asked for.
	shown := func(id string) bool {
		switch {
		case commune != "":
			return id == commune
		case all:
			return id == ""
		}
		return slices.Contains(led, id)
	}
	var text []Phrase
	for _, part := range append([]*Figures{g}, g.Communes...) {
		if shown(part.Commune) {
			text = append(text, f.statsText(part, from, to))
		}
	}
	if all && commune == "" && len(f.Config.Communes) > 0 {
		var ids []string
		for _, m := range f.Config.Communes {
			ids = append(ids, "/stats "+m.ID)
		}
		text = append(text, Msg("StatsByCommune", "List", strings.Join(ids, " · ")))
	}
	text = append(text, Msg("StatsMore"))
	return t.show(screen{text: text})
}

// statsText are the figures of a county, town or commune as one message.
func (f *Flows) statsText(g *Figures, from, to time.Time) Phrase {
	town := f.Config.Town
	if m, ok := f.Config.Commune(g.Commune); ok {
		town = m.Name
	}
	list := func(counts map[string]int, name func(string) string) Phrase {
		keys := slices.SortedFunc(maps.Keys(counts), func(a, b string) int { return cmp.Or(counts[b]-counts[a], strings.Compare(a, b)) })
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %d", name(k), counts[k]))
		}
		if len(parts) == 0 {
			return Msg("StatsNone")
		}
		return Literal(strings.Join(parts, " · "))
	}
	langName := func(code string) string { l, _ := LookupLanguage(code); return cmp.Or(l.Name, code) }
	districtName := func(id string) string { return cmp.Or(f.districtName(id), "?") }
	topicName := func(id string) string {
		if topic, ok := f.FAQ.Get().Topic(id); ok {
			return topic.ID
		}
		return id
	}
	median := Msg("StatsNone")
	if m, ok := g.MedianAnswer(); ok {
		median = Number(fmt.Sprintf("%d h %02d min", int(m.Hours()), int(m.Minutes())%60))
	}
	num := func(n int) Phrase { return Number(strconv.Itoa(n)) }
	text := []Phrase{Join("\n",
		Msg("StatsTitle", "Town", town, "From", from.Format("02.01.2006"), "To", to.Format("02.01.2006")),
		Phrase{ID: "StatsClients", Sub: map[string]Phrase{"Total": num(g.Clients), "New": num(g.NewClients)}},
		Phrase{ID: "StatsLanguages", Sub: map[string]Phrase{"List": list(g.ByLanguage, langName)}},
		Phrase{ID: "StatsDistricts", Sub: map[string]Phrase{"List": list(g.ByDistrict, districtName)}},
		Phrase{ID: "StatsAppointments", Sub: map[string]Phrase{"Booked": num(g.Booked), "Held": num(g.Held), "Missed": num(g.Missed), "Cancelled": num(g.Cancelled)}},
		Phrase{ID: "StatsVisits", Sub: map[string]Phrase{"Proposed": num(g.Visits), "Held": num(g.VisitsHeld), "NotHeld": num(g.VisitsNotHeld), "Cancelled": num(g.VisitsCancelled)}},
		Phrase{ID: "StatsActivities", Sub: map[string]Phrase{"Sent": num(g.Activities), "Yes": num(g.ActivityYes), "Came": num(g.Participants)}},
		Phrase{ID: "StatsRelays", Sub: map[string]Phrase{"Count": num(g.Requests), "Median": median}},
		Phrase{ID: "StatsTopics", Sub: map[string]Phrase{"List": list(g.ByTopic, topicName)}},
	)}
	text[0].Parts = append(text[0].Parts, Phrase{ID: "StatsServed", Sub: map[string]Phrase{"Persons": num(g.Persons), "Households": num(g.Households), "HouseholdsNow": num(g.HouseholdsNow)}})
	text[0].Parts = append(text[0].Parts, Phrase{ID: "StatsPlan", Sub: map[string]Phrase{"Goals": g.goalList(), "OnTime": num(g.StepsOnTime), "Late": num(g.StepsLate)}})
	if f.Config.Translation.On() {
		text[0].Parts = append(text[0].Parts, Phrase{ID: "StatsTranslated", Sub: map[string]Phrase{"List": list(g.Translated, langName)}})
	}
	return text[0]
}
