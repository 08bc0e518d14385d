package flows

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RemindNudge reminds a manager, once, of a client waiting for an answer.
const RemindNudge ReminderKind = "nudge"

// day returns the start of a day 20060102 in the town's zone.
func (f *Flows) day(s string) time.Time {
	d, _ := time.ParseInLocation("20060102", s, f.Config.location())
	return d
}

// awayAt reports whether an absence covers t.
func (f *Flows) awayAt(a *Away, t time.Time) bool {
	return !t.Before(f.day(a.From)) && t.Before(f.day(a.To).AddDate(0, 0, 1))
}

// away handles "/away from to [substitute]", "/away off" and "/away".
func (f *Flows) away(t *turn, s *Staff) error {
	me, ok := f.Config.Manager(t.ev.UserID)
	if !ok {
		return t.show(f.staffMenu().after(Msg("NotUnderstood")))
	}
	words := strings.Fields(t.ev.Text)
	loc := f.Config.location()
	switch {
	case len(words) == 0:
		var notes []Phrase
		if s.Away != nil && !f.Now().After(f.day(s.Away.To).AddDate(0, 0, 1)) {
			notes = append(notes, Phrase{ID: "StaffAwayStatus", Sub: map[string]Phrase{"From": f.dateOf(s.Away.From), "To": f.dateOf(s.Away.To)}})
		}
		return t.showNew(screen{text: append(notes, Msg("StaffAwayUsage"))})
	case len(words) == 1 && strings.EqualFold(words[0], "off"):
		s.Away = nil
		return t.showNew(screen{text: []Phrase{Msg("StaffAwayOff")}})
	case len(words) < 2:
		return t.showNew(screen{text: []Phrase{Msg("StaffAwayUsage")}})
	}
	now := f.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	from, ok := parseDay(words[0], today.AddDate(0, 0, -1), loc)
	if !ok {
		return t.showNew(screen{text: []Phrase{Msg("StaffAwayBadDate", "Value", words[0]), Msg("StaffAwayUsage")}})
	}
	to, ok := parseDay(words[1], from, loc)
	if !ok || to.Before(from) || to.After(from.AddDate(1, 0, 0)) {
		return t.showNew(screen{text: []Phrase{Msg("StaffAwayBadDate", "Value", words[1]), Msg("StaffAwayUsage")}})
	}
	a := &Away{From: from.Format("20060102"), To: to.Format("20060102")}
	if len(words) == 2 {
		s.Away = a
		return t.showNew(screen{text: []Phrase{{ID: "StaffAwaySetAlone", Sub: f.awayDates(a)}}})
	}
	found, ok, kept, err := t.pick(f.standInPicker(me, a), strings.Join(words[2:], " "))
	s.Search = kept
	if err != nil || !ok {
		return err
	}
	sub, _ := f.managerOfRef(found.key)
	return f.setAway(t, s, me, a, sub)
}

// awayDates are the first and last day of an absence, for messages.
func (f *Flows) awayDates(a *Away) map[string]Phrase {
	return map[string]Phrase{"From": f.dateOf(a.From), "To": f.dateOf(a.To)}
}

// setAway records manager me's absence with sub standing in, and tells sub.
func (f *Flows) setAway(t *turn, s *Staff, me Manager, a *Away, sub Manager) error {
	a.Substitute, s.Away = sub.TelegramID, a
	if err := t.tx.Send(Outgoing{Chat: sub.TelegramID, Lang: f.staffLang(t.tx, sub.TelegramID), Kind: OutSend,
		Text: []Phrase{{ID: "StaffSubstituteFor", Args: map[string]string{"Name": me.Name}, Sub: f.awayDates(a)}}}); err != nil {
		return err
	}
	return t.show(screen{text: []Phrase{{ID: "StaffAwaySet", Args: map[string]string{"Name": sub.Name}, Sub: f.awayDates(a)}}})
}

// standInPicker lists the colleagues who can stand in for manager me during absence a.
func (f *Flows) standInPicker(me Manager, a *Away) picker {
	return f.managerPicker(listSubstitute, a.From+"."+a.To, ActStandIn, me.TelegramID, Phrase{ID: "StaffAwayChoose", Sub: f.awayDates(a)})
}

// awayFromData reads the absence of a substitute list's data, "from.to", checked like the
// dates of /away.
func (f *Flows) awayFromData(arg string) (*Away, bool) {
	from, to, _ := strings.Cut(arg, ".")
	loc := f.Config.location()
	first, err1 := time.ParseInLocation("20060102", from, loc)
	last, err2 := time.ParseInLocation("20060102", to, loc)
	if err1 != nil || err2 != nil || last.Before(first) || last.After(first.AddDate(1, 0, 0)) {
		return nil, false
	}
	return &Away{From: from, To: to}, true
}

// standInButton records the substitute a manager chose from the list.
func (f *Flows) standInButton(t *turn, s *Staff, arg string) (handled bool, err error) {
	me, ok := f.Config.Manager(t.ev.UserID)
	i := strings.LastIndex(arg, ".")
	a, okDates := f.awayFromData(arg[:max(i, 0)])
	sub, okSub := f.managerOfRef(arg[i+1:])
	if !ok || !okDates || !okSub || sub.TelegramID == me.TelegramID {
		return false, nil
	}
	return true, f.setAway(t, s, me, a, sub)
}

// standInPage shows another page of the colleagues who can stand in.
func (f *Flows) standInPage(t *turn, s *Staff, ref pageRef) (handled bool, err error) {
	me, ok := f.Config.Manager(t.ev.UserID)
	a, okDates := f.awayFromData(ref.context)
	if !ok || !okDates {
		return false, nil
	}
	all := f.standInPicker(me, a)
	return t.showPage(ref, all, all.narrow(s.Search))
}

// dateOf writes a day 20060102 as 24.12.2026.
func (f *Flows) dateOf(day string) Phrase { return Number(f.day(day).Format("02.01.2006")) }

// parseDay reads "24.12.", "24.12", "24.12.26" or "24.12.2026". Without a year, it is the
// first such day after notBefore.
func parseDay(s string, notBefore time.Time, loc *time.Location) (time.Time, bool) {
	parts := strings.Split(strings.TrimSuffix(s, "."), ".")
	if len(parts) < 2 || len(parts) > 3 {
		return time.Time{}, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return time.Time{}, false
		}
		n[i] = v
	}
	year := n[2]
	switch {
	case len(parts) == 2:
		year = notBefore.Year()
	case year < 100:
		year += 2000
	}
	d := time.Date(year, time.Month(n[1]), n[0], 0, 0, 0, 0, loc)
	if d.Day() != n[0] || int(d.Month()) != n[1] {
		return time.Time{}, false // 31.02.
	}
	if len(parts) == 2 && d.Before(notBefore) {
		d = d.AddDate(1, 0, 0)
	}
	return d, true
}

// workingHoursLater returns the time n working hours after t: Monday to Friday within the
// configured working day, without public holidays.
func (f *Flows) workingHoursLater(t time.Time, n int) time.Time {
	loc := f.Config.location()
	left := time.Duration(n) * time.Hour
	cur := t.In(loc)
	for i := 0; i < 3660 && left > 0; i++ {
		day := time.Date(cur.Year(), cur.Month(), cur.Day(), 0, 0, 0, 0, loc)
		start, end := clockOn(day, f.Config.Relay.workFrom), clockOn(day, f.Config.Relay.workTo)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday && !IsPublicHoliday(day) && cur.Before(end) {
			if cur.Before(start) {
				cur = start
			}
			if avail := end.Sub(cur); avail >= left {
				return cur.Add(left)
			} else {
				left -= avail
			}
		}
		cur = day.AddDate(0, 0, 1)
	}
	return cur
}

// clockOn is a time of day on a day, right across changes of daylight saving time.
func clockOn(day time.Time, clock time.Duration) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), int(clock/time.Hour), int(clock%time.Hour/time.Minute), 0, 0, day.Location())
}

// nudgeKey names a client's waiting period in a reminder: the client and when it began.
func nudgeKey(c *Client, since time.Time) string { return fmt.Sprintf("C%d.%d", c.ID, since.Unix()) }

// nudge reminds the people a waiting client's messages go to, if the client still waits
// since the time in key.
func (f *Flows) nudge(tx Tx, key string) error {
	var id, since int64
	if _, err := fmt.Sscanf(key, "C%d.%d", &id, &since); err != nil {
		return nil
	}
	c, err := tx.Client(id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.WaitingSince.Unix() != since || c.WaitingSince.IsZero() || !c.Consented() {
		return nil
	}
	r, err := f.route(tx, c)
	if err != nil {
		return err
	}
	for _, to := range r.to {
		if err := tx.Send(Outgoing{Chat: to, Lang: f.staffLang(tx, to), Kind: OutSend,
			Text:    []Phrase{{ID: "StaffNudge", Args: map[string]string{"Case": c.CaseLabel()}, Sub: map[string]Phrase{"Since": f.when(c.WaitingSince)}}},
			Buttons: f.caseButtons(c), Relay: &RelayRef{Client: c.ID}}); err != nil {
			return err
		}
	}
	return nil
}
