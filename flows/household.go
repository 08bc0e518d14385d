package flows

import (
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

// A household is one case of several people: a family in follow-up housing is one case for
// its integration manager, but each adult has their own phone, chat and language. A client
// invites a family member with a link they forward (or a QR code they show); a manager can
// make the same link with /invite K-0042. Who opens it and accepts the privacy notice joins
// the case. Each member writes in their own chat, and the manager's answer goes back to the
// member who wrote; the plan is the household's, seen by each in their language.

// relations a family member can have to the one who invites them, in the order offered;
// their names are the catalog messages "Relation" + the capitalised id.
var relations = []string{"partner", "child", "parent", "sibling", "relative"}

// maxHousehold bounds the people in one case.
const maxHousehold = 12

// holderID is the id of the client who holds c's case: c, or for a member the holder.
func (c *Client) holderID() int64 {
	if c.Holder != 0 {
		return c.Holder
	}
	return c.ID
}

// inHousehold reports whether c shares a case with family members.
func (c *Client) inHousehold() bool { return c.Holder != 0 || len(c.Members) > 0 }

// household returns the records of c's household: the holder first, then the members in
// the order they joined; c stands for its own record. A client on their own is their whole
// household.
func household(tx ClientStore, c *Client) ([]*Client, error) {
	if !c.inHousehold() {
		return []*Client{c}, nil
	}
	h := c
	if c.Holder != 0 {
		var err error
		if h, err = tx.Client(c.Holder); isNotFound(err) {
			return []*Client{c}, nil
		} else if err != nil {
			return nil, err
		}
	}
	all := []*Client{h}
	for _, id := range h.Members {
		if id == c.ID {
			all = append(all, c)
			continue
		}
		m, err := tx.Client(id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		all = append(all, m)
	}
	return all, nil
}

// saveClient stores a client and, for a household, carries what belongs to the case — its
// manager, district and translation setting — over to every member's record, so that each
// member's messages take the same way.
func (f *Flows) saveClient(tx ClientStore, c *Client) error {
	if err := tx.PutClient(c); err != nil || !c.inHousehold() {
		return err
	}
	all, err := household(tx, c)
	if err != nil {
		return err
	}
	for _, o := range all {
		if o == c || o.Manager == c.Manager && o.District == c.District && o.Commune == c.Commune && o.TranslationOff == c.TranslationOff {
			continue
		}
		o.Manager, o.District, o.Commune, o.TranslationOff = c.Manager, c.District, c.Commune, c.TranslationOff
		if err := tx.PutClient(o); err != nil {
			return err
		}
	}
	return nil
}

// memberName names a household member for the team: first name and relation, like
// "Amal (partner)"; the holder is the case's contact person. firstName, when known from the
// message at hand, is newer than the stored one.
func memberName(c *Client, firstName string) Phrase {
	name := firstName
	if name == "" {
		name = c.Name
	}
	if name == "" {
		name = "–"
	}
	relation := Msg("RelationHolder")
	if c.Holder != 0 {
		relation = Msg("Relation" + catalogID(c.Relation))
	}
	return Phrase{ID: "HouseholdMemberName", Args: map[string]string{"Name": name}, Sub: map[string]Phrase{"Relation": relation}}
}

// caseRef names a case for the team, and in a household the member: "K-0042 · Amal
// (partner)".
func caseRef(c *Client, firstName string) Phrase {
	if !c.inHousehold() {
		return Literal(c.CaseLabel())
	}
	return Join(" · ", Literal(c.CaseLabel()), memberName(c, firstName))
}

// member finds member n, counting from 1, of the household of the case c holds; when there
// is none it tells the manager and returns nil.
func (f *Flows) member(t *turn, c *Client, n string) (*Client, error) {
	all, err := household(t.tx, c)
	if err != nil {
		return nil, err
	}
	i, err := strconv.Atoi(n)
	if err != nil || i < 1 || i > len(all) || len(all) < 2 {
		return nil, f.staffNote(t, Msg("StaffHouseholdNoMember", "Case", c.CaseLabel(), "Member", n, "Count", itoa(len(all))))
	}
	return all[i-1], nil
}

// splitMember reads a case label with a member's number, like K-0042/2; member is "" when
// the label names the case only.
func splitMember(label string) (caseLabel, member string) {
	caseLabel, member, _ = strings.Cut(label, "/")
	return caseLabel, member
}

// ---- The client's family screen ----

// familyScreen shows a client who belongs to their case, and the button to invite someone.
func (f *Flows) familyScreen(tx ClientStore, c *Client) (screen, error) {
	all, err := household(tx, c)
	if err != nil {
		return screen{}, err
	}
	lines := []Phrase{Msg("FamilyTitle")}
	if len(all) == 1 {
		lines = append(lines, Msg("FamilyAlone"))
	}
	for i, m := range all {
		if len(all) == 1 {
			break
		}
		line := Phrase{ID: "FamilyLine", Args: map[string]string{"N": itoa(i + 1)}, Sub: map[string]Phrase{"Member": memberName(m, ""), "Language": LanguageName(m.Lang)}}
		if m.ID == c.ID {
			line = Join(" ", line, Msg("FamilyYou"))
		}
		lines = append(lines, line)
	}
	var rows [][]Button
	if len(all) < maxHousehold {
		rows = append(rows, []Button{{Label: Msg("FamilyAdd"), Data: Data(ActFamily, "add")}})
	}
	return screen{text: []Phrase{Join("\n", lines...)}, buttons: append(rows, []Button{backButton()})}, nil
}

// relationPicker asks who is invited; each button carries prefix + relation.
func relationPicker(text []Phrase, action, prefix string, back Button) screen {
	s := screen{text: text}
	for _, r := range relations {
		s.buttons = append(s.buttons, []Button{{Label: Msg("Relation" + catalogID(r)), Data: Data(action, prefix+r)}})
	}
	s.buttons = append(s.buttons, []Button{back})
	return s
}

// familyButton handles the family screen: "add" asks who is invited, a relation makes the
// invitation.
func (f *Flows) familyButton(t *turn, c *Client, arg string) error {
	if !c.Consented() {
		return t.refuse(f.clientScreen(c, t.lang))
	}
	if arg == "" {
		s, err := f.familyScreen(t.tx, c)
		if err != nil {
			return err
		}
		return t.show(s)
	}
	if arg == "add" {
		return t.show(relationPicker([]Phrase{Msg("FamilyWho")}, ActFamily, "", Button{Label: Msg("MenuBack"), Data: Data(ActFamily)}))
	}
	if !slices.Contains(relations, arg) {
		return t.refuse(f.clientScreen(c, t.lang))
	}
	all, err := household(t.tx, c)
	if err != nil {
		return err
	}
	if len(all) >= maxHousehold {
		return t.refuse(f.menu())
	}
	if t.ev.FirstName != "" {
		c.Name = t.ev.FirstName
	}
	inv, err := f.householdInvite(t.tx, all[0], arg, c.ID)
	if err != nil {
		return err
	}
	made := Phrase{ID: "FamilyInviteMade", Sub: map[string]Phrase{"Relation": Msg("Relation" + catalogID(arg)), "Date": Number(inv.Expires.In(f.Config.location()).Format("02.01.2006"))}}
	if err := t.show(screen{text: []Phrase{made}, buttons: [][]Button{{backButton()}}}); err != nil {
		return err
	}
	// The link on its own, to forward; the QR code, to show to someone beside them.
	if err := t.tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: []Phrase{Msg("FamilyInviteForward"), {Kind: PhraseInviteLink, Literal: inv.Token}}}); err != nil {
		return err
	}
	return t.tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutInviteQR, Invite: inv.Token, Text: []Phrase{Msg("StaffInviteQR")}})
}

// householdInvite stores a one-time invitation into the case held by h.
func (f *Flows) householdInvite(tx ClientStore, h *Client, relation string, by int64) (*Invite, error) {
	raw := make([]byte, 18)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	inv := &Invite{Token: base64.RawURLEncoding.EncodeToString(raw), Manager: h.Manager, Case: h.Case, Relation: relation, By: by, Expires: f.Now().Add(inviteValidity)}
	return inv, tx.PutInvite(inv)
}

// ---- The manager's side ----

// staffHouseholdInvite handles "/invite K-0042" and its buttons: the relations, then the link
// and QR code for the family member.
func (f *Flows) staffHouseholdInvite(t *turn, arg string) error {
	n, relation, _ := strings.Cut(arg, ".")
	c, err := f.caseOf(t, n)
	if err != nil || c == nil {
		return err
	}
	if !c.Consented() {
		return f.staffNote(t, Msg("StaffClientNoConsent", "Case", c.CaseLabel()))
	}
	all, err := household(t.tx, c)
	if err != nil {
		return err
	}
	if len(all) >= maxHousehold {
		return f.staffNote(t, Msg("StaffHouseholdFull", "Case", c.CaseLabel(), "Max", itoa(maxHousehold)))
	}
	if relation == "" {
		back := Button{Label: Msg("RelayProfile"), Data: Data(ActProfile, itoa(c.Case))}
		return t.show(relationPicker([]Phrase{Msg("StaffHouseholdWho", "Case", c.CaseLabel())}, ActHousehold, itoa(c.Case)+".", back))
	}
	if !slices.Contains(relations, relation) {
		return t.refuse(f.staffMenu())
	}
	inv, err := f.householdInvite(t.tx, c, relation, 0)
	if err != nil {
		return err
	}
	until := inv.Expires.In(f.Config.location()).Format("02.01.2006")
	if err := f.audit(t.tx, t.ev.UserID, "household-invite", c); err != nil {
		return err
	}
	if err := t.show(screen{text: []Phrase{{ID: "StaffHouseholdInvite", Args: map[string]string{"Case": c.CaseLabel()},
		Sub: map[string]Phrase{"Relation": Msg("Relation" + catalogID(relation)), "Date": Number(until), "Link": {Kind: PhraseInviteLink, Literal: inv.Token}}}}}); err != nil {
		return err
	}
	return t.tx.Send(Outgoing{Chat: t.ev.UserID, Lang: t.lang, Kind: OutInviteQR, Invite: inv.Token, Text: []Phrase{Msg("StaffInviteQR")}})
}

// householdLines list a household's members for the case card, with the numbers that
// /goal K-0042/2 and /step use.
func (f *Flows) householdLines(all []*Client) Phrase {
	lines := []Phrase{Msg("StaffHouseholdTitle", "Count", itoa(len(all)))}
	for i, m := range all {
		lines = append(lines, Phrase{ID: "FamilyLine", Args: map[string]string{"N": itoa(i + 1)}, Sub: map[string]Phrase{"Member": memberName(m, ""), "Language": LanguageName(m.Lang)}})
	}
	return Join("\n", lines...)
}

// ---- Joining and leaving ----

// joinHousehold makes client c, who opened invitation inv and consented, a member of its
// case, and returns the note that tells them. Someone who has a case of their own with a
// manager or a plan keeps it: moving cases together is the team's decision.
func (f *Flows) joinHousehold(t *turn, c *Client, inv *Invite) (Phrase, error) {
	h, err := t.tx.ClientByCase(inv.Case)
	if isNotFound(err) {
		return Msg("BadLink"), nil
	}
	if err != nil {
		return Phrase{}, err
	}
	if h.ID == c.ID || c.Holder == h.ID {
		return Msg("FamilyAlready"), nil
	}
	if _, err := t.tx.Plan(c.ID); err == nil || c.inHousehold() || c.Manager != 0 {
		return Msg("FamilyOwnCase"), nil
	} else if !isNotFound(err) {
		return Phrase{}, err
	}
	all, err := household(t.tx, h)
	if err != nil {
		return Phrase{}, err
	}
	if len(all) >= maxHousehold {
		return Msg("BadLink"), nil
	}
	inv.UsedBy = c.ID
	if err := t.tx.PutInvite(inv); err != nil {
		return Phrase{}, err
	}
	h.Members = append(h.Members, c.ID)
	if err := t.tx.PutClient(h); err != nil {
		return Phrase{}, err
	}
	c.Case, c.Holder, c.Relation, c.Name = h.Case, h.ID, inv.Relation, t.ev.FirstName
	c.Manager, c.District, c.Commune, c.TranslationOff = h.Manager, h.District, h.Commune, h.TranslationOff
	joined := Phrase{ID: "StaffHouseholdJoined", Sub: map[string]Phrase{"Case": caseRef(c, ""), "Language": LanguageName(c.Lang)}}
	if err := f.toCaseManagers(t.tx, c, joined); err != nil {
		return Phrase{}, err
	}
	if name := f.managerName(c.Manager); name != "" {
		return Msg("FamilyJoinedManager", "Name", name), nil
	}
	return Msg("FamilyJoined"), nil
}

// leaveHousehold takes client c out of their household before their data is erased or they
// withdraw consent. The others keep the case: when c held it, the next member holds it from
// now on, with its notes and plan. Goals and steps that were for c alone are emptied, so
// nothing of c stays in the plan. Afterwards c's record stands alone; the caller stores or
// erases it.
func (f *Flows) leaveHousehold(tx Tx, c *Client) error {
	if !c.inHousehold() {
		return nil
	}
	all, err := household(tx, c)
	if err != nil {
		return err
	}
	rest := slices.DeleteFunc(slices.Clone(all), func(o *Client) bool { return o == c })
	h, wasHolder := all[0], all[0] == c
	if wasHolder && len(rest) > 0 {
		// The next member holds the case, and the plan is filed under them.
		h = rest[0]
		h.Holder, h.Relation, h.Notes = 0, "", c.Notes
		p, err := tx.Plan(c.ID)
		switch {
		case err == nil:
			p.Client = h.ID
			if err := tx.PutPlan(p); err != nil {
				return err
			}
			if err := tx.DeletePlan(c.ID); err != nil {
				return err
			}
		case !isNotFound(err):
			return err
		}
	}
	h.Members = nil
	for _, o := range rest {
		if o != h {
			o.Holder = h.ID
			h.Members = append(h.Members, o.ID)
		}
	}
	if len(rest) == 1 {
		h.Name = "" // on their own again: the team needs no first name to tell them apart
	}
	for _, o := range rest {
		if err := tx.PutClient(o); err != nil {
			return err
		}
	}
	if err := f.forgetInPlan(tx, h, c.ID); err != nil {
		return err
	}
	c.Holder, c.Members, c.Relation, c.Name = 0, nil, "", ""
	if wasHolder && len(rest) > 0 {
		c.Notes = nil // they stay with the case
	}
	return nil
}

// forgetInPlan empties the goals and steps of the plan of the case held by h that were for
// the member who leaves, keeping their places so that the numbers of the others stay, and
// schedules the reminders of the open steps again under h (the plan may have moved to them).
func (f *Flows) forgetInPlan(tx Tx, h *Client, member int64) error {
	p, err := tx.Plan(h.ID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, g := range p.Goals {
		if g.For == member {
			*g = Goal{Field: g.Field, Due: g.Due, Status: GoalDropped, Created: g.Created, Rev: g.Rev, Erased: true}
		}
		for _, s := range g.Steps {
			if s.For == member {
				*s = PlanStep{Due: s.Due, Done: true, Erased: true}
			}
		}
	}
	if err := tx.PutPlan(p); err != nil {
		return err
	}
	for i, g := range p.Goals {
		if g.Status == GoalReached || g.Status == GoalDropped {
			continue
		}
		for j, s := range g.Steps {
			if !s.Done {
				if err := f.scheduleStep(tx, h, stepNumber(i, j), s.Due); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// planOf is what of the case's plan concerns client c: the goals and steps for the whole
// case and those for c, for their data export; nil when the case has no plan.
func (f *Flows) planOf(tx ClientStore, c *Client) (*Plan, error) {
	p, err := tx.Plan(c.holderID())
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	mine := func(id int64) bool { return id == 0 || id == c.ID }
	out := *p
	out.Client, out.Goals = c.ID, nil
	for _, g := range p.Goals {
		if g.Erased || !mine(g.For) {
			continue
		}
		kept := *g
		kept.Steps = nil
		for _, s := range g.Steps {
			if !s.Erased && mine(s.For) {
				kept.Steps = append(kept.Steps, s)
			}
		}
		out.Goals = append(out.Goals, &kept)
	}
	return &out, nil
}
