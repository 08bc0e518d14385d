package flows

import "slices"

// In a county of several communes, where a client lives decides whose office hours, team and
// local answers they get: after consent they pick their commune, then their district among
// the commune's. A client who moves picks another commune; the case goes to that commune's
// team, and both teams are told by the case label.

// communePicker asks in which commune the client lives, by the names in their language where
// the configuration gives them; typing part of either name finds it.
func (f *Flows) communePicker(lang string) picker {
	p := picker{list: listCommunes, text: []Phrase{Msg("CommuneAsk")}, hint: Msg("DistrictTypeHint"), step: StepCommune}
	for _, m := range f.Config.Communes {
		name := f.Config.CommuneName(m.ID, lang)
		p.choices = append(p.choices, choice{key: m.ID, name: searchName(m.Name, name),
			button: Button{Label: Literal("🏘 " + name), Data: Data(ActCommune, m.ID)}})
	}
	return p
}

// askCommune shows the commune question to a client who consented, in a county of several.
func (f *Flows) askCommune(t *turn, c *Client) error {
	if !c.Consented() || len(f.Config.Communes) < 2 {
		return t.show(f.clientScreen(c, t.lang).after(Msg("NotUnderstood")))
	}
	c.Step = StepCommune
	return t.show(f.communePicker(t.lang).page(1))
}

// communeSearch finds the commune a client typed at the commune question.
func (f *Flows) communeSearch(t *turn, c *Client, text string) error {
	found, ok, kept, err := t.pick(f.communePicker(t.lang), text)
	c.Search = kept
	if err != nil || !ok {
		return err
	}
	return f.chooseCommune(t, c, found.key)
}

// communePage shows another page of the commune question.
func (f *Flows) communePage(t *turn, c *Client, ref pageRef) (handled bool, err error) {
	if !c.Consented() || len(f.Config.Communes) < 2 {
		return false, nil
	}
	all := f.communePicker(t.lang)
	handled, err = t.showPage(ref, all, all.narrow(c.Search))
	if handled {
		c.Step = StepCommune
	}
	return handled, err
}

// chooseCommune records the client's commune and asks for the district among its own. A
// client who lived in another commune moved: their manager is cleared, the new commune's team
// takes the case from its intake, and the old manager (or the old commune's team) and the new
// team are told.
func (f *Flows) chooseCommune(t *turn, c *Client, id string) error {
	var notes []Phrase
	if old := f.communeOf(c); old != id {
		if old != "" {
			if err := f.tellMove(t.tx, c, old, id); err != nil {
				return err
			}
			notes = append(notes, Msg("CommuneMoved", "Commune", f.Config.CommuneName(id, t.lang)))
		} else if err := f.countIn(t.tx, f.Now().In(f.Config.location()).Format(monthLayout), id, statNewClients); err != nil {
			// The client consented before they said where they live: they are new to it now.
			return err
		}
		c.Commune, c.District, c.Manager = id, "", 0
	}
	c.Search = ""
	if p := f.districtPicker(c); len(p.choices) > 0 {
		c.Step = StepDistrict
		return t.show(p.page(1).after(notes...))
	}
	c.Step = StepMenu
	return t.show(f.menu().after(notes...))
}

// tellMove tells both teams that a case moved from commune old to commune to: the manager who
// had it, or the old commune's managers where nobody had taken it yet, and the managers of the
// new commune, each once, in their language and by case label only.
func (f *Flows) tellMove(tx Tx, c *Client, old, to string) error {
	var before []int64
	if _, ok := f.Config.Manager(c.Manager); ok {
		before = []int64{c.Manager}
	} else {
		before = f.Config.communeManagers(old)
	}
	told := map[int64]bool{}
	for _, list := range []struct {
		ids []int64
		msg string
	}{{before, "StaffCommuneMovedOut"}, {f.Config.communeManagers(to), "StaffCommuneMovedIn"}} {
		for _, id := range list.ids {
			if told[id] {
				continue
			}
			told[id] = true
			msg := list.msg
			if slices.Contains(f.Config.communeManagers(to), id) {
				msg = "StaffCommuneMovedIn" // a manager of both communes keeps seeing the case
			}
			if err := tx.Send(Outgoing{Chat: id, Lang: f.staffLang(tx, id), Kind: OutSend,
				Text: []Phrase{Msg(msg, "Case", c.CaseLabel(), "From", f.Config.CommuneName(old, ""), "Commune", f.Config.CommuneName(to, ""))}}); err != nil {
				return err
			}
		}
	}
	if err := f.count(tx, f.Now(), c.ID, statMovedOut); err != nil {
		return err
	}
	return f.countIn(tx, f.Now().In(f.Config.location()).Format(monthLayout), to, statMovedIn)
}
