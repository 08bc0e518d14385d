package flows

import (
	"fmt"
	"strconv"
)

// A bot cannot write first: a manager or admin who never opened Lotse cannot receive the
// messages of their cases. The team sees who has, and each person can learn the number that
// goes into the configuration.

// myID tells anyone their Telegram id, without storing anything about them.
func (f *Flows) myID(tx Tx, ev Event) error {
	t := &turn{tx: tx, ev: ev, lang: f.languageOf(tx, ev)}
	return t.showNew(screen{text: []Phrase{Msg("MyID", "ID", strconv.FormatInt(ev.UserID, 10))}})
}

// TeamMember is where a configured manager or admin stands with Lotse.
type TeamMember struct {
	Position    string // in the configuration, like "managers[2]", counting from 1
	ID          int64
	Name        string // "" for an admin who is no manager
	Opened      bool   // wrote to the bot at least once
	Unreachable bool   // Telegram refused messages to them
	Away        *Away
	Cases       int // clients they look after
	Waiting     int // of those, waiting for an answer
}

// Team returns every configured manager and admin in the order of the configuration, with
// the cases each looks after.
func (f *Flows) Team(tx Tx) ([]TeamMember, error) {
	team, err := f.members(tx)
	if err != nil {
		return nil, err
	}
	index := map[int64]int{}
	for i, m := range team {
		index[m.ID] = i
	}
	err = tx.Clients(func(c *Client) error {
		if i, ok := index[c.Manager]; ok && c.Consented() {
			team[i].Cases++
			if !c.WaitingSince.IsZero() {
				team[i].Waiting++
			}
		}
		return nil
	})
	return team, err
}

// members returns every configured manager and admin once, in the order of the
// configuration, with what Lotse knows of their reach; not their cases.
func (f *Flows) members(tx StaffStore) ([]TeamMember, error) {
	var team []TeamMember
	seen := map[int64]bool{}
	add := func(position string, id int64, name string) error {
		if seen[id] {
			return nil
		}
		seen[id] = true
		s, err := f.staff(tx, id)
		if err != nil {
			return err
		}
		team = append(team, TeamMember{Position: position, ID: id, Name: name, Opened: !s.Seen.IsZero(), Unreachable: s.Unreachable, Away: s.Away})
		return nil
	}
	for i, m := range f.Config.Managers {
		if err := add(fmt.Sprintf("managers[%d]", i+1), m.TelegramID, m.Name); err != nil {
			return nil, err
		}
	}
	for i, id := range f.Config.Admins {
		if err := add(fmt.Sprintf("admins[%d]", i+1), id, ""); err != nil {
			return nil, err
		}
	}
	return team, nil
}

// teamList shows an admin the team: who opened Lotse, who cannot be reached, who is away,
// and how many cases each has.
func (f *Flows) teamList(t *turn) error {
	if !f.Config.IsAdmin(t.ev.UserID) {
		return t.show(f.staffMenu().after(Msg("StaffOnly")))
	}
	team, err := f.Team(t.tx)
	if err != nil {
		return err
	}
	lines := []Phrase{Msg("TeamTitle", "Town", f.Config.Town)}
	missing := false
	for _, m := range team {
		name := Msg("TeamAdmin", "ID", strconv.FormatInt(m.ID, 10))
		if m.Name != "" {
			name = Literal(m.Name)
		}
		parts := []Phrase{name}
		switch {
		case m.Unreachable:
			parts = append(parts, Msg("TeamUnreachable"))
		case !m.Opened:
			parts = append(parts, Msg("TeamNeverOpened"))
			missing = true
		default:
			parts = append(parts, Msg("TeamOpened"))
		}
		if m.Away != nil && f.awayAt(m.Away, f.Now()) {
			parts = append(parts, Phrase{ID: "TeamAway", Sub: map[string]Phrase{"Date": Number(f.day(m.Away.To).Format("02.01.2006"))}})
		}
		if m.Name != "" {
			parts = append(parts, Phrase{ID: "TeamCases", Count: m.Cases, Plural: true, Args: map[string]string{"Waiting": strconv.Itoa(m.Waiting)}})
		}
		lines = append(lines, Join(" · ", parts...))
	}
	text := []Phrase{Join("\n", lines...)}
	if missing {
		text = append(text, Msg("TeamHint"))
	}
	return t.showNew(screen{text: text})
}

// NotOpened names, by their place in the configuration, the managers and admins who never
// opened Lotse: they cannot receive anything yet. It reads no client, so health checks may
// ask it often.
func (f *Flows) NotOpened(tx Tx) ([]string, error) {
	team, err := f.members(tx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range team {
		if !m.Opened {
			out = append(out, m.Position)
		}
	}
	return out, nil
}

// reach records that a person blocked the bot or unblocked it, as Telegram tells when it
// happens: a client's reminders stop or resume; a staff member's cases go to colleagues, or
// come back to them with what was kept meanwhile. Someone Lotse does not know stays unknown.
func (f *Flows) reach(tx Tx, ev Event) error {
	blocked := ev.Text == "kicked"
	if f.Config.IsStaff(ev.UserID) {
		if blocked {
			return f.markUnreachable(tx, ev.UserID)
		}
		s, err := f.staff(tx, ev.UserID)
		if err != nil || !s.Unreachable {
			return err
		}
		s.Unreachable = false
		if err := tx.PutStaff(s); err != nil {
			return err
		}
		return f.flushKept(tx)
	}
	c, err := tx.Client(ev.UserID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	c.Unreachable = blocked
	return f.saveClient(tx, c)
}
