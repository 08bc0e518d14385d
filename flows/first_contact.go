package flows

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"
)

// handleClient runs a refugee's conversation: first contact (language, privacy notice), then
// the menu.
func (f *Flows) handleClient(tx Tx, ev Event) error {
	now := f.Now()
	c, err := tx.Client(ev.UserID)
	switch {
	case isNotFound(err):
		c = &Client{ID: ev.UserID, Step: StepLanguage, CreatedAt: now}
	case err != nil:
		return err
	}
	if ev.Kind == EventEdited {
		// An edit reaches the manager who got the message; it changes nothing else.
		t := &turn{tx: tx, ev: ev, lang: c.Lang}
		return f.relayEdit(t, c)
	}
	c.LastSeenAt = now
	c.Unreachable = false
	if c.inHousehold() && ev.FirstName != "" {
		c.Name = ev.FirstName // the team tells the members of a household apart by it
	}
	if c.Case == 0 {
		if c.Case, err = tx.NextCase(); err != nil {
			return err
		}
	}

	t := &turn{tx: tx, ev: ev, lang: c.Lang}
	if t.lang == "" {
		t.lang = f.suggestion(ev)
	}
	if err := f.clientEvent(t, c); err != nil {
		return err
	}
	if t.erased {
		return nil
	}
	c.Screen = remembered(t, c.Screen)
	if err := f.countServed(tx, c); err != nil {
		return err
	}
	if c.Step != StepDistrict && c.Step != StepCommune {
		c.Search = "" // what they typed to find their housing is of no use any more
	}
	if err := f.clientMenu(tx, c); err != nil {
		return err
	}
	if err := f.saveClient(tx, c); err != nil {
		return err
	}
	return t.finish()
}

func (f *Flows) clientEvent(t *turn, c *Client) error {
	switch t.ev.Kind {
	case EventCommand:
		return f.clientCommand(t, c)
	case EventButton:
		return f.clientButton(t, c)
	case EventMedia:
		if c.Step == StepMenu || c.Step == StepFAQ {
			c.Step = StepMenu
			return f.relay(t, c)
		}
		return t.show(f.clientScreen(c, t.lang).after(Msg("OnlyText")))
	default:
		switch {
		case c.Step == StepLanguage && c.Lang == "":
			// Someone who greets the bot instead of pressing Start gets the same welcome.
			return t.show(f.clientScreen(c, t.lang))
		case c.Step == StepFAQ:
			return f.faqSearch(t, c, t.ev.Text)
		case c.Step == StepDistrict:
			return f.districtSearch(t, c, t.ev.Text)
		case c.Step == StepCommune:
			return f.communeSearch(t, c, t.ev.Text)
		case c.Step == StepMenu:
			return f.relay(t, c)
		}
		return t.show(f.clientScreen(c, t.lang).after(Msg("NotUnderstood")))
	}
}

func (f *Flows) clientCommand(t *turn, c *Client) error {
	switch t.ev.Command {
	case "start":
		var notes []Phrase
		if payload := strings.TrimSpace(t.ev.Text); payload != "" {
			token, ok := ParseInvite(payload)
			switch {
			case !ok:
				notes = append(notes, Msg("BadLink"))
			case c.Consented():
				// Assignment is processing of the client's data: only with consent.
				c.Invite = token
				note, err := f.redeemInvite(t, c)
				if err != nil {
					return err
				}
				notes = append(notes, note)
			default:
				c.Invite = token
			}
		}
		return t.show(f.clientScreen(c, t.lang).after(notes...))
	case "language":
		return t.show(f.languagePicker())
	case "help":
		return t.show(f.clientScreen(c, t.lang).after(Msg("Help", "Town", f.townOf(c, t.lang))))
	case "commune":
		return f.askCommune(t, c)
	case "menu":
		if c.Step == StepFAQ || c.Step == StepDistrict || c.Step == StepCommune {
			c.Step = StepMenu
		}
		return t.show(f.clientScreen(c, t.lang))
	case "faq":
		if !c.decided() {
			return t.show(f.clientScreen(c, t.lang))
		}
		if words := strings.TrimSpace(t.ev.Text); words != "" {
			return f.faqSearch(t, c, words)
		}
		c.Step = StepFAQ
		return t.show(f.faqTopics())
	case "privacy":
		if !c.decided() {
			return t.show(f.clientScreen(c, t.lang))
		}
		return t.show(f.privacyDetails(c))
	case "mydata":
		return f.myData(t, c)
	case "delete":
		return t.show(f.askErase())
	case "stats", "audit", "today", "week", "notices", "book", "invite", "r", "clients", "client", "note", "away", "broadcast", "assign", "team", "translate", "visit", "plan", "goal", "step":
		return t.show(f.clientScreen(c, t.lang).after(Msg("StaffOnly")))
	default:
		return t.show(f.clientScreen(c, t.lang).after(Msg("NotUnderstood")))
	}
}

func (f *Flows) clientButton(t *turn, c *Client) error {
	a, ok := ParseData(t.ev.Data)
	if !ok || !f.allowed(c, a) {
		return t.refuse(f.clientScreen(c, t.lang))
	}
	return f.clientAction(t, c, a)
}

// clientAction carries out a client's valid button action.
func (f *Flows) clientAction(t *turn, c *Client, a Action) error {
	switch a.Name {
	case ActFAQ, ActTopic, ActQuestion, ActAsk:
		handled, err := f.faqButton(t, c, a)
		if err != nil || handled {
			return err
		}
		return t.refuse(f.clientScreen(c, t.lang))
	case ActAppts, ActBook, ActDay, ActTime, ActTopicFor, ActInterp, ActConfirm, ActCancel, ActResched, ActWillCome:
		c.Step = StepMenu
		handled, err := f.bookingButton(t, c, a)
		if err != nil || handled {
			return err
		}
		return t.refuse(f.clientScreen(c, t.lang))
	case ActJoin:
		return f.joinButton(t, c, a.Arg)
	case ActVisitHome, ActVisitLate:
		handled, err := f.visitAnswer(t, c, a)
		if err != nil || handled {
			return err
		}
		return t.refuse(f.clientScreen(c, t.lang))
	case ActFamily:
		c.Step = StepMenu
		return f.familyButton(t, c, a.Arg)
	case ActFollowUp:
		c.Step = StepMenu
		handled, err := f.followUpAnswer(t, c, a)
		if err != nil || handled {
			return err
		}
		p, err := plan(t.tx, c)
		if err != nil {
			return err
		}
		return t.refuse(f.clientPlanScreen(c, p))
	case ActServices, ActService:
		c.Step = StepMenu
		handled, err := f.servicesButton(t, c, a)
		if err != nil || handled {
			return err
		}
		return t.refuse(f.clientScreen(c, t.lang))
	case ActPlanOK, ActStepDone, ActStepHelp:
		c.Step = StepMenu
		handled, err := f.planButton(t, c, a)
		if err != nil || handled {
			return err
		}
		p, err := plan(t.tx, c)
		if err != nil {
			return err
		}
		return t.refuse(f.clientPlanScreen(c, p))
	case ActLanguage:
		c.Lang, t.lang = a.Arg, a.Arg
		if c.Step == StepLanguage {
			c.Step = StepConsent
		}
		// The district and commune questions are shown from the step itself; any other
		// screen the client was looking at is shown again from the button that led there.
		if prev, ok := ParseData(c.Screen); ok && c.Step != StepDistrict && c.Step != StepCommune && f.allowed(c, prev) {
			t.notes, t.reshow = []Phrase{Msg("LanguageSaved")}, true
			return f.clientAction(t, c, prev)
		}
		return t.show(f.clientScreen(c, t.lang).after(Msg("LanguageSaved")))
	case ActLanguages:
		return t.show(f.languagePicker())
	case ActMyData:
		return f.myData(t, c)
	case ActErase:
		if a.Arg == "yes" {
			return f.erase(t, c)
		}
		return t.show(f.askErase())
	case ActWrite:
		c.Step = StepMenu
		if !c.Consented() {
			return f.relay(t, c)
		}
		return t.show(screen{text: []Phrase{Msg("WriteHint")}, buttons: [][]Button{{backButton()}}})
	case ActNoMT:
		c.NoTranslation = a.Arg == "off"
		id := "PrivacyMTOn"
		if c.NoTranslation {
			id = "PrivacyMTOff"
		}
		return t.show(f.privacyDetails(c).after(Msg(id)))
	case ActNewsOff:
		c.NoNews = a.Arg == "off"
		if c.NoNews {
			return t.show(f.menu().after(Msg("BroadcastOptedOut")))
		}
		return t.show(f.privacyScreen(c).after(Msg("BroadcastOptedIn")))
	case ActConsent:
		if a.Arg == "yes" {
			if c.ConsentAt.IsZero() && c.DeclinedAt.IsZero() {
				if err := f.count(t.tx, f.Now(), c.ID, statNewClients); err != nil {
					return err
				}
			}
			c.ConsentAt, c.DeclinedAt, c.ConsentNotice = f.Now(), time.Time{}, f.noticeVersion()
			notes := []Phrase{Msg("ConsentThanks")}
			if c.Invite != "" {
				note, err := f.redeemInvite(t, c)
				if err != nil {
					return err
				}
				notes = append(notes, note)
			}
			if c.Manager == 0 && f.communeOf(c) == "" && len(f.Config.Communes) > 1 {
				c.Step = StepCommune
				return t.show(f.communePicker(t.lang).page(1).after(notes...))
			}
			if p := f.districtPicker(c); c.Manager == 0 && c.District == "" && len(p.choices) > 0 {
				c.Step = StepDistrict
				return t.show(p.page(1).after(notes...))
			}
			c.Step = StepMenu
			return t.show(f.menu().after(notes...))
		}
		// Without consent Lotse keeps nothing it does not need: not where the client lives,
		// not who their manager is, not their family's case.
		if c.inHousehold() {
			if err := f.leaveHousehold(t.tx, c); err != nil {
				return err
			}
			n, err := t.tx.NextCase()
			if err != nil {
				return err
			}
			c.Case = n
		}
		c.ConsentAt, c.DeclinedAt, c.District, c.Commune, c.Manager, c.Invite = time.Time{}, f.Now(), "", "", 0, ""
		c.Step = StepMenu
		return t.show(f.menu().after(Msg("ConsentDeclined")))
	case ActDistrict:
		if !c.Consented() || (a.Arg != "-" && !f.knownDistrict(c, a.Arg)) {
			return t.refuse(f.clientScreen(c, t.lang))
		}
		return f.chooseDistrict(t, c, a.Arg)
	case ActCommune:
		if !c.Consented() || len(f.Config.Communes) < 2 {
			return t.refuse(f.clientScreen(c, t.lang))
		}
		if a.Arg == "" {
			return f.askCommune(t, c)
		}
		if _, ok := f.Config.Commune(a.Arg); !ok {
			return t.refuse(f.clientScreen(c, t.lang))
		}
		return f.chooseCommune(t, c, a.Arg)
	case ActPage:
		handled, err := f.clientPage(t, c, a.Arg)
		if err != nil || handled {
			return err
		}
		return t.refuse(f.clientScreen(c, t.lang))
	case ActMenu:
		switch a.Arg {
		case ItemLanguage:
			return t.show(f.languagePicker())
		case ItemPrivacy:
			return t.show(f.privacyDetails(c))
		case ItemHelp:
			return t.show(screen{text: []Phrase{Msg("Help", "Town", f.townOf(c, t.lang))}, buttons: [][]Button{{backButton()}}})
		case ItemPlan:
			c.Step = StepMenu
			p, err := plan(t.tx, c)
			if err != nil {
				return err
			}
			return t.show(f.clientPlanScreen(c, p))
		default:
			c.Step = StepMenu
			return t.show(f.menu())
		}
	default: // staff buttons and others a client cannot use
		return t.refuse(f.clientScreen(c, t.lang))
	}
}

// remembered returns what a client's Screen becomes after turn t: the button data of a screen
// that only shows something (so showing it again changes nothing), kept through the
// language picker and the language choice, and "" after anything else.
func remembered(t *turn, before string) string {
	if t.refused {
		return ""
	}
	if t.ev.Kind == EventCommand && t.ev.Command == "language" {
		return before
	}
	a, ok := ParseData(t.ev.Data)
	if t.ev.Kind != EventButton || !ok {
		return ""
	}
	switch a.Name {
	case ActLanguage, ActLanguages:
		return before
	case ActFAQ, ActTopic, ActQuestion, ActAppts, ActBook, ActDay, ActTime, ActTopicFor, ActInterp, ActPage, ActServices, ActService:
		return t.ev.Data
	case ActPlanOK, ActStepDone:
		return Data(ActMenu, ItemPlan) // they show the plan again, with a note
	case ActMenu:
		switch a.Arg {
		case ItemLanguage:
			return before
		case ItemPlan, ItemPrivacy, ItemHelp:
			return t.ev.Data
		}
	}
	return ""
}

// clientPage shows another page of a client's list.
func (f *Flows) clientPage(t *turn, c *Client, arg string) (handled bool, err error) {
	ref, _ := parsePage(arg)
	switch ref.list {
	case listDistricts:
		return f.districtPage(t, c, ref)
	case listCommunes:
		return f.communePage(t, c, ref)
	case listTimes:
		c.Step = StepMenu
		return f.timesPage(t, c, ref)
	case listServices:
		return f.servicesPage(t, c, ref)
	}
	return false, nil
}

// allowed reports whether a well-formed action fits the client's state: an old message's
// button must not skip the language choice or the privacy notice.
func (f *Flows) allowed(c *Client, a Action) bool {
	switch a.Name {
	case ActLanguage:
		return f.offered(a.Arg)
	case ActLanguages, ActMyData, ActErase:
		return true
	case ActConsent:
		return c.Lang != ""
	default: // the menu and the FAQ
		return c.decided()
	}
}

// suggestion returns the language to greet a client in before they chose one, or "" when
// the phone's language is no confident match.
func (f *Flows) suggestion(ev Event) string {
	return f.matcher.Suggest(ev.LanguageCode)
}

// clientScreen is the prompt of the client's current step.
func (f *Flows) clientScreen(c *Client, lang string) screen {
	switch {
	case c.Lang == "" && lang != "":
		return screen{
			text: []Phrase{Msg("Welcome", "Town", f.Config.Town), Msg("LanguageConfirm")},
			buttons: [][]Button{
				{{Label: Msg("LanguageConfirmYes"), Data: Data(ActLanguage, lang)}},
				{{Label: Msg("LanguageOther"), Data: Data(ActLanguages)}},
			},
		}
	case c.Lang == "":
		return f.languagePicker()
	case c.Step == StepConsent || c.Step == StepLanguage:
		return f.consentScreen()
	case c.Step == StepFAQ:
		return f.faqTopics()
	case c.Step == StepDistrict:
		return f.districtPicker(c).page(1)
	case c.Step == StepCommune:
		return f.communePicker(lang).page(1)
	default:
		return f.menu()
	}
}

// languagePicker lists every offered language in its own script, under a line that says
// "language" in all of them, so anyone finds their own.
func (f *Flows) languagePicker() screen {
	var words []Phrase
	var row []Button
	var rows [][]Button
	for _, option := range f.Config.Languages {
		l, _ := LookupLanguage(option)
		words = append(words, Phrase{ID: "LanguageWord", Lang: option})
		row = append(row, Button{Label: Literal(l.Name), Data: Data(ActLanguage, option)})
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return screen{text: []Phrase{Join(" · ", append([]Phrase{Literal("🌐")}, words...)...)}, buttons: rows}
}

// districtPicker asks where the client lives, with the districts and housing sites of their
// commune by the names the town gave them; typing part of a name finds it.
func (f *Flows) districtPicker(c *Client) picker {
	p := picker{
		list: listDistricts, text: []Phrase{Msg("DistrictAsk")}, hint: Msg("DistrictTypeHint"), step: StepDistrict,
		foot: [][]Button{{{Label: Msg("DistrictSkip"), Data: Data(ActDistrict, "-")}}},
	}
	commune := f.communeOf(c)
	for _, d := range f.Config.Districts {
		if commune != "" && d.Commune != commune {
			continue
		}
		// Shown in the client's language where the town names it so; found by either name.
		name := cmp.Or(d.Names[c.Lang], d.Name)
		p.choices = append(p.choices, choice{key: d.ID, name: searchName(d.Name, name), button: Button{Label: Literal("🏠 " + name), Data: Data(ActDistrict, d.ID)}})
	}
	return p
}

// districtSearch finds the district or housing site a client typed at the district
// question: one match is chosen at once, several are listed, none is said.
func (f *Flows) districtSearch(t *turn, c *Client, text string) error {
	found, ok, kept, err := t.pick(f.districtPicker(c), text)
	c.Search = kept
	if err != nil || !ok {
		return err
	}
	return f.chooseDistrict(t, c, found.key)
}

// districtPage shows another page of the district question: of all districts, or of those
// that matched what the client typed.
func (f *Flows) districtPage(t *turn, c *Client, ref pageRef) (handled bool, err error) {
	if !c.Consented() {
		return false, nil
	}
	all := f.districtPicker(c)
	handled, err = t.showPage(ref, all, all.narrow(c.Search))
	if handled {
		c.Step = StepDistrict
	}
	return handled, err
}

// chooseDistrict records where the client lives ("-" for "I don't know") and shows the menu.
func (f *Flows) chooseDistrict(t *turn, c *Client, id string) error {
	var notes []Phrase
	if id != "-" {
		c.District = id
		// Where one manager looks after the district, the client is theirs; where several
		// share it, the first to take the case from the intake.
		if team := f.team(c); len(team) == 1 && c.Manager == 0 {
			c.Manager = team[0]
			notes = append(notes, Msg("InviteAccepted", "Name", f.managerName(c.Manager)))
		}
	}
	c.Step = StepMenu
	return t.show(f.menu().after(notes...))
}

// knownDistrict reports whether id is a district the client may choose: one of their
// commune's.
func (f *Flows) knownDistrict(c *Client, id string) bool {
	return slices.ContainsFunc(f.districtPicker(c).choices, func(ch choice) bool { return ch.key == id })
}

// consentScreen asks for consent to the privacy notice.
func (f *Flows) consentScreen() screen {
	return screen{
		text: append(f.privacyNotice(), Msg("PrivacyQuestion")),
		buttons: [][]Button{
			{{Label: Msg("PrivacyAccept"), Data: Data(ActConsent, "yes")}},
			{{Label: Msg("PrivacyDecline"), Data: Data(ActConsent, "no")}},
		},
	}
}

// privacyNotice says what Lotse stores, who sees it and when it is deleted.
func (f *Flows) privacyNotice() []Phrase {
	notice := []Phrase{
		Msg("PrivacyNotice", "Town", f.Config.Town),
		Plural("PrivacyRetention", f.Config.Privacy.RetentionMonths),
	}
	if name := f.engineName(); name != "" {
		notice = append(notice, Msg("PrivacyTranslation", "Engine", name))
	}
	return notice
}

// noticeVersion names the privacy notice a client accepts: its text changes with the
// town's translation engine, and the consent records which one the client read.
func (f *Flows) noticeVersion() string {
	if name := f.engineName(); name != "" {
		return "1+mt:" + name
	}
	return "1"
}

// engineName is the translation engine the privacy notice names, "" while translation is
// off.
func (f *Flows) engineName() string {
	if f.Translator == nil || !f.Config.Translation.On() {
		return ""
	}
	return f.Translator.Name()
}

var invitePattern = regexp.MustCompile(`^inv-[A-Za-z0-9_-]{16,60}$`)

// ParseInvite checks a deep-link payload (≤64 characters of A-Za-z0-9_-) for the shape of an
// invite token and returns the token.
func ParseInvite(payload string) (string, bool) {
	if !invitePattern.MatchString(payload) {
		return "", false
	}
	return strings.TrimPrefix(payload, "inv-"), true
}
