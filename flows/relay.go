package flows

import (
	"slices"
	"strings"
	"time"
)

// A client's messages reach their manager as copies — never forwards, so the client's
// account stays out of the manager's chat and the manager's out of the client's — under a
// header that names the case. A manager answers by replying to a copy or its header; the
// edge records, when a copy or header is delivered, which client its message id stands for.

// reaction is what a manager's message gets when Lotse passed it on.
const reaction = "👍"

// maxNoteRunes bounds a case note.
const maxNoteRunes = 500

// relay passes a client's message on to the people who look after them.
func (f *Flows) relay(t *turn, c *Client) error {
	if !c.Consented() {
		return t.show(screen{
			text:    []Phrase{Msg("WriteNeedConsent")},
			buttons: [][]Button{{{Label: Msg("MenuPrivacy"), Data: Data(ActMenu, ItemPrivacy)}}, {backButton()}},
		})
	}
	if t.ev.Kind == EventMedia && t.ev.Media == "" {
		return t.show(f.menu().after(Msg("OnlyText")))
	}
	now := f.Now()
	if now.Sub(c.FloodFrom) >= time.Minute || now.Before(c.FloodFrom) {
		c.FloodFrom, c.FloodCount = now, 0
	}
	c.FloodCount++
	switch limit := f.Config.Relay.FloodPerMinute; {
	case c.FloodCount == limit+1:
		return t.showNew(screen{text: []Phrase{Msg("FloodNotice")}})
	case c.FloodCount > limit:
		return nil
	}
	r, err := f.route(t.tx, c)
	if err != nil {
		return err
	}
	burst := time.Duration(f.Config.Relay.BurstMinutes) * time.Minute
	if c.Topic != "" || now.Sub(c.RelayAt) > burst || !slices.Equal(c.RelayTo, r.to) {
		// A new burst: every recipient gets a header again, and the client one note.
		c.Headed, c.Ack = nil, r.notice
		if err := f.count(t.tx, now, c.ID, statRequests); err != nil {
			return err
		}
		if c.Topic != "" && !strings.HasPrefix(c.Topic, planTopic) {
			if err := f.count(t.tx, now, c.ID, statTopic+c.Topic); err != nil {
				return err
			}
		}
	}
	if len(r.to) > 0 {
		// Messages kept while nobody could be reached go first, in the order written.
		if err := f.sendKept(t.tx, c, r); err != nil {
			return err
		}
	}
	d := &Delivery{Client: c.ID, Source: t.ev.MessageID, At: now, FirstName: t.ev.FirstName, Topic: c.Topic}
	if f.mtOn(c) {
		d.Text = t.ev.Text
	}
	c.RelayAt, c.RelayTo, c.Topic = now, r.to, ""
	busy, err := f.busy(t.tx, c)
	switch {
	case err != nil:
		return err
	case busy:
		// It follows once the earlier messages arrived or took their other way.
		d.Waiting = true
		err = t.tx.PutDelivery(d)
	default:
		err = f.deliver(t.tx, c, d, r)
	}
	if err != nil {
		return err
	}
	return t.finish()
}

// relayed is what one recipient gets of a client's message: a header when they have none
// for this burst yet, and the copy.
func (f *Flows) relayed(tx Tx, c *Client, d *Delivery, to int64, note Phrase) []Outgoing {
	lang := f.staffLang(tx, to)
	var out []Outgoing
	if !slices.Contains(c.Headed, to) {
		c.Headed = append(c.Headed, to)
		ref := &RelayRef{Client: c.ID, Header: d.Source, Intake: c.Manager == 0}
		out = append(out, Outgoing{Chat: to, Lang: lang, Kind: OutSend, Text: []Phrase{f.header(c, d.FirstName, d.Topic, note)},
			Buttons: f.caseButtons(c), Relay: ref})
	}
	return append(out, Outgoing{Chat: to, Lang: lang, Kind: OutCopy, FromChat: c.ID, MessageID: d.Source,
		Relay: &RelayRef{Client: c.ID, Source: d.Source}, Then: f.translateIn(tx, c, d, to)})
}

// header names the case for managers: label, first name, language, housing, and why the
// message comes to them.
func (f *Flows) header(c *Client, firstName, topic string, note Phrase) Phrase {
	if firstName == "" {
		firstName = "–"
	}
	l, _ := LookupLanguage(c.Lang)
	first := Phrase{ID: "RelayHeader", Args: map[string]string{"Case": c.CaseLabel(), "Name": firstName, "Language": l.Name}}
	first.Sub = map[string]Phrase{}
	if name := f.districtName(c.District); name != "" {
		first.Args["District"] = name
	} else {
		first.Sub["District"] = Msg("StaffDistrictUnknown")
	}
	if c.inHousehold() {
		first.Sub["Name"] = memberName(c, firstName)
	}
	lines := []Phrase{first}
	if step, ok := strings.CutPrefix(topic, planTopic); ok {
		lines = append(lines, Msg("RelayHeaderStep", "Step", step))
	} else if topic != "" {
		lines = append(lines, Phrase{ID: "RelayHeaderTopic", Sub: map[string]Phrase{"Topic": Content(PhraseTopic, topic)}})
	}
	if note.ID != "" {
		lines = append(lines, note)
	}
	return Join("\n", lines...)
}

// caseButtons go under a header: ready-made replies and the case card, and "take case"
// while nobody looks after the client.
func (f *Flows) caseButtons(c *Client) [][]Button {
	n := itoa(c.Case)
	rows := [][]Button{{{Label: Msg("RelayTemplates"), Data: Data(ActTemplates, n)}, {Label: Msg("RelayProfile"), Data: Data(ActProfile, n)}, {Label: Msg("RelayPlan"), Data: Data(ActPlan, n)}}}
	if len(f.servicesFor(c)) > 0 && c.Consented() {
		rows[0] = append(rows[0], Button{Label: Msg("RelayRefer"), Data: Data(ActRefer, n)})
	}
	if c.Manager == 0 {
		rows = append([][]Button{{{Label: Msg("RelayTake"), Data: Data(ActTake, n)}}}, rows...)
	}
	return rows
}

// relayEdit passes the new text of a message the client edited to whoever looks after the
// case now — the owner, the substitute, the intake team — replying to their copy where they
// have one. Someone who no longer has the case gets nothing.
func (f *Flows) relayEdit(t *turn, c *Client) error {
	if !c.Consented() || t.ev.Text == "" {
		return nil
	}
	copies, err := t.tx.RelayCopies(c.ID, t.ev.MessageID)
	if err != nil || len(copies) == 0 {
		// Never relayed, or kept: a kept message is copied later as it is then.
		return err
	}
	r, err := f.route(t.tx, c)
	if err != nil {
		return err
	}
	for _, to := range r.to {
		if err := t.tx.Send(Outgoing{Chat: to, Lang: f.staffLang(t.tx, to), Kind: OutSend, ReplyTo: copies[to],
			Text:  []Phrase{Msg("RelayEdited", "Case", c.CaseLabel()), Literal(t.ev.Text)},
			Relay: &RelayRef{Client: c.ID}}); err != nil {
			return err
		}
	}
	return nil
}

// route is where a client's message goes.
type route struct {
	to     []int64
	note   Phrase   // added to the header: intake, substitute, rerouted
	notice []Phrase // the client's "delivered" note
}

// route finds who gets a client's message, skipping everyone who cannot be reached: their
// manager; while the manager is away, the substitute; when the manager cannot be reached,
// the colleagues; for a client nobody looks after yet, the managers of their district (the
// intake); when no manager can be reached at all, the admins. Nobody (an empty route) means
// the message is kept until someone can be reached.
func (f *Flows) route(tx Tx, c *Client) (route, error) {
	r := route{notice: []Phrase{Msg("RelayDelivered")}}
	m, ok := f.Config.Manager(c.Manager)
	if !ok {
		team, err := f.reachable(tx, f.team(c), 0)
		if err != nil {
			return r, err
		}
		if len(team) == 1 {
			c.Manager = team[0]
			return f.route(tx, c)
		}
		r.to, r.note = team, Msg("RelayHeaderIntake")
		if len(team) == 0 {
			return f.lastResort(tx, r)
		}
		return r, nil
	}
	s, err := f.staff(tx, m.TelegramID)
	if err != nil {
		return r, err
	}
	if a := s.Away; a != nil && f.awayAt(a, f.Now()) {
		until := Number(f.day(a.To).Format("02.01.2006"))
		r.notice = []Phrase{{ID: "AwayNotice", Sub: map[string]Phrase{"Date": until}}, Msg("AwayNoSubstitute"), f.officeHoursNote(c)}
		if alt, ok := f.Config.Manager(a.Substitute); ok {
			if st, err := f.staff(tx, alt.TelegramID); err == nil && !st.Unreachable {
				r.notice[1] = Msg("AwaySubstitute")
				r.to = []int64{alt.TelegramID}
				r.note = Phrase{ID: "RelayHeaderSubstitute", Args: map[string]string{"Name": m.Name}, Sub: map[string]Phrase{"Date": until}}
				return r, nil
			}
		}
	}
	if !s.Unreachable {
		r.to = []int64{m.TelegramID}
		return r, nil
	}
	colleagues, err := f.reachable(tx, f.colleagues(m), m.TelegramID)
	if err != nil {
		return r, err
	}
	r.to, r.note = colleagues, Msg("RelayHeaderRerouted", "Name", m.Name)
	if len(colleagues) == 0 {
		return f.lastResort(tx, r)
	}
	return r, nil
}

// lastResort sends a message no manager can receive to the admins who are no managers,
// so that someone of the team sees it and can assign the case.
func (f *Flows) lastResort(tx Tx, r route) (route, error) {
	var admins []int64
	for _, id := range f.Config.Admins {
		if _, manager := f.Config.Manager(id); !manager {
			admins = append(admins, id)
		}
	}
	to, err := f.reachable(tx, admins, 0)
	if err != nil {
		return r, err
	}
	r.to, r.note = to, Msg("RelayHeaderNoManager")
	return r, nil
}

// colleagues stand in for a manager who cannot be reached: the managers of the same
// districts, else every other manager.
func (f *Flows) colleagues(m Manager) []int64 {
	var same, all []int64
	for _, o := range f.Config.Managers {
		if o.TelegramID == m.TelegramID {
			continue
		}
		all = append(all, o.TelegramID)
		for _, d := range o.Districts {
			if slices.Contains(m.Districts, d) {
				same = append(same, o.TelegramID)
				break
			}
		}
	}
	if len(same) > 0 {
		return same
	}
	return all
}

// reachable keeps the staff members not known to be unreachable, except skip.
func (f *Flows) reachable(tx Tx, ids []int64, skip int64) ([]int64, error) {
	var out []int64
	for _, id := range ids {
		if id == skip {
			continue
		}
		s, err := f.staff(tx, id)
		if err != nil {
			return nil, err
		}
		if !s.Unreachable {
			out = append(out, id)
		}
	}
	return out, nil
}

// staff returns a staff member's stored record, or an empty one.
func (f *Flows) staff(tx StaffStore, id int64) (*Staff, error) {
	s, err := tx.Staff(id)
	if isNotFound(err) {
		return &Staff{ID: id}, nil
	}
	return s, err
}

// staffLang is the language a staff member reads.
func (f *Flows) staffLang(tx StaffStore, id int64) string {
	if s, err := tx.Staff(id); err == nil && s.Lang != "" {
		return s.Lang
	}
	return f.Config.ManagerLanguage
}

func (f *Flows) districtName(id string) string {
	for _, d := range f.Config.Districts {
		if d.ID == id {
			return d.Name
		}
	}
	return ""
}

// officeHoursNote lists the office hours of the client's commune under a title.
func (f *Flows) officeHoursNote(c *Client) Phrase {
	return Join("\n", Msg("FaqOfficeHours"), f.officeHours(c))
}

// Result is what became of an outgoing message.
type Result int

// The results of sending.
const (
	Delivered Result = iota + 1 // Telegram took it
	// Refused: Telegram refused a malformed request of Lotse's own, e.g. a copy of a message
	// the client deleted meanwhile. Sending it again would fail again.
	Refused
	// Unreachable: the recipient cannot receive messages from the bot — they blocked it,
	// never opened it, or deleted their account.
	Unreachable
	// Undelivered: Telegram refused it for a reason Lotse does not know. The recipient is not
	// marked, but the message is treated as not received: rerouted or kept.
	Undelivered
)

// Settled records what follows from a message that left the outbox: the case its message
// id stands for, where a client's message goes next, the messages waiting for its delivery
// or its failure, a broadcast's count; for a recipient who cannot receive messages, that
// they cannot be reached; for a district question Telegram refused, that the client moves
// on. The edge calls it in the transaction that removes the message from the outbox.
func (f *Flows) Settled(tx Tx, o Outgoing, r Result, msgID int) error {
	if r == Unreachable {
		if err := f.markUnreachable(tx, o.Chat); err != nil {
			return err
		}
	}
	if r != Delivered && o.Kind == OutCommands {
		if err := f.menuRefused(tx, o.Chat); err != nil {
			return err
		}
	}
	if (r == Refused || r == Undelivered) && o.Step == StepDistrict {
		if err := f.districtRefused(tx, o.Chat); err != nil {
			return err
		}
	}
	if o.Relay != nil {
		if err := f.relaySettled(tx, o, r, msgID); err != nil {
			return err
		}
	}
	if o.Broadcast != "" {
		if err := f.broadcastSettled(tx, o.Broadcast, r == Delivered); err != nil {
			return err
		}
	}
	next := o.Then
	if r != Delivered {
		next = o.Else
	}
	for _, n := range next {
		if n.ReplyToDelivered {
			n.ReplyTo, n.ReplyToDelivered = msgID, false
		}
		if err := tx.Send(n); err != nil {
			return err
		}
	}
	return nil
}

// districtRefused moves a client on whose district question Telegram refused: the question
// is optional, and a client left at a question they never saw would get the same refused
// screen back for every message. They get the menu instead and can write to the team.
func (f *Flows) districtRefused(tx Tx, chat int64) error {
	c, err := tx.Client(chat)
	if isNotFound(err) {
		return nil
	}
	if err != nil || c.Step != StepDistrict {
		return err
	}
	c.Step, c.Search = StepMenu, ""
	if err := f.saveClient(tx, c); err != nil {
		return err
	}
	menu := f.menu()
	return tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: menu.text, Buttons: menu.buttons})
}

// markUnreachable records that the person behind chat cannot receive messages from the bot.
// A manager's clients then reach colleagues, and the admins are told.
func (f *Flows) markUnreachable(tx Tx, chat int64) error {
	if !f.Config.IsStaff(chat) {
		c, err := tx.Client(chat)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		c.Unreachable = true
		return f.saveClient(tx, c)
	}
	s, err := f.staff(tx, chat)
	if err != nil || s.Unreachable {
		return err
	}
	s.Unreachable = true
	if err := tx.PutStaff(s); err != nil {
		return err
	}
	m, ok := f.Config.Manager(chat)
	if !ok {
		return nil
	}
	for _, admin := range f.Config.Admins {
		if admin == chat {
			continue
		}
		if err := tx.Send(Outgoing{Chat: admin, Lang: f.staffLang(tx, admin), Kind: OutSend, Text: []Phrase{Msg("StaffManagerBlocked", "Name", m.Name)}}); err != nil {
			return err
		}
	}
	return nil
}
