package flows

import (
	"cmp"
	"encoding/json"
	"time"
)

// The client's rights over their data: /privacy says what is stored and why, /mydata sends
// all of it as a file, /delete erases it after a confirmation.

// privacyDetails is the longer notice of /privacy: what is stored, for how long, who sees
// it, that Telegram is not end-to-end encrypted, and the commands.
func (f *Flows) privacyDetails(c *Client) screen {
	s := f.privacyScreen(c)
	s.text = append(s.text, Msg("PrivacyDetails", "Town", f.Config.Town))
	rows := [][]Button{{{Label: Msg("PrivacyMyData"), Data: Data(ActMyData)}, {Label: Msg("PrivacyDelete"), Data: Data(ActErase, "ask")}}}
	if f.engineName() != "" && c.Consented() {
		if c.NoTranslation {
			rows = append(rows, []Button{{Label: Msg("PrivacyMTAllow"), Data: Data(ActNoMT, "on")}})
		} else {
			rows = append(rows, []Button{{Label: Msg("PrivacyMTRefuse"), Data: Data(ActNoMT, "off")}})
		}
	}
	s.buttons = append(rows, s.buttons...)
	return s
}

// askErase asks the client to confirm that everything is to be deleted.
func (f *Flows) askErase() screen {
	return screen{
		text:    []Phrase{Msg("DeleteConfirm")},
		buttons: [][]Button{{{Label: Msg("DeleteYes"), Data: Data(ActErase, "yes")}}, {backButton()}},
	}
}

// erase deletes everything stored about the client. Their booked appointments are
// cancelled first and the managers told, by case label only; the client's last message
// from Lotse says it is done.
func (f *Flows) erase(t *turn, c *Client) error {
	tr, err := t.tx.Trace(c.ID)
	if err != nil {
		return err
	}
	// A member of a household leaves it: the case goes on with the others.
	deleted := Msg("StaffClientDeleted", "Case", c.CaseLabel())
	if c.inHousehold() {
		all, err := household(t.tx, c)
		if err != nil {
			return err
		}
		deleted = Msg("StaffMemberDeleted", "Case", c.CaseLabel(), "Count", itoa(len(all)-1))
		if err := f.leaveHousehold(t.tx, c); err != nil {
			return err
		}
	}
	told := map[int64]bool{}
	tell := func(manager int64) error {
		if told[manager] {
			return nil
		}
		told[manager] = true
		if _, ok := f.Config.Manager(manager); !ok {
			return nil
		}
		return t.tx.Send(Outgoing{Chat: manager, Lang: f.staffLang(t.tx, manager), Kind: OutSend, Text: []Phrase{deleted}})
	}
	for _, a := range tr.Appointments {
		if a.Status == StatusBooked && a.Start.After(f.Now()) {
			if err := tell(a.Manager); err != nil {
				return err
			}
		}
	}
	if c.Manager != 0 {
		if err := tell(c.Manager); err != nil {
			return err
		}
	}
	if err := t.tx.EraseClient(c.ID); err != nil {
		return err
	}
	if err := t.tx.Audit(AuditEntry{At: f.Now(), Action: "erased-by-client", Case: ErasedCase}); err != nil {
		return err
	}
	t.erased = true
	if err := t.answer(); err != nil {
		return err
	}
	return t.tx.Send(Outgoing{Chat: c.ID, Lang: t.lang, Kind: OutSend, Text: []Phrase{Msg("Deleted")}})
}

// myData sends the client everything stored about them. The turn only asks for it: the
// documents are built when they are sent (Export), in a transaction that reads, so a large
// export holds up no one else's update.
func (f *Flows) myData(t *turn, c *Client) error {
	if err := f.audit(t.tx, 0, "exported-by-client", c); err != nil {
		return err
	}
	if err := t.answer(); err != nil {
		return err
	}
	return t.tx.Send(Outgoing{Chat: c.ID, Lang: t.lang, Kind: OutExport})
}

// Export builds, reading only, the documents an OutExport stands for: everything stored
// about the client twice, a JSON file and a document to read in their language, which comes
// last so that it is what they see at the bottom of the chat. Managers appear by name, never
// by their Telegram account. A client erased meanwhile gets nothing.
func (f *Flows) Export(tx Tx, o Outgoing) ([]Outgoing, error) {
	c, err := tx.Client(o.Chat)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	tr, err := tx.Trace(c.ID)
	if err != nil {
		return nil, err
	}
	if tr.Plan, err = f.planOf(tx, c); err != nil {
		return nil, err
	}
	type note struct {
		At   time.Time `json:"at"`
		By   string    `json:"by"`
		Text string    `json:"text"`
	}
	type appointment struct {
		ID          string    `json:"id"`
		Kind        string    `json:"kind,omitempty"` // "visit" for a home visit
		Start       time.Time `json:"start"`
		End         time.Time `json:"end"`
		Place       string    `json:"place"`
		Manager     string    `json:"manager"`
		Topic       string    `json:"topic,omitempty"`
		Interpreter string    `json:"interpreter,omitempty"`
		Status      Status    `json:"status"`
		Confirmed   bool      `json:"confirmed,omitempty"`
		Answer      string    `json:"answer,omitempty"` // later, cancel: the client's own answer
		Booked      time.Time `json:"booked"`
	}
	type reminder struct {
		At   time.Time    `json:"at"`
		Kind ReminderKind `json:"kind"`
	}
	// An answer to a group activity; Title is a template's id, Own the manager's words.
	type activityAnswer struct {
		Activity string       `json:"activity"`
		Title    string       `json:"title,omitempty"`
		Own      string       `json:"own_title,omitempty"`
		Start    time.Time    `json:"start"`
		Answer   AnswerStatus `json:"answer"`
		Came     bool         `json:"came,omitempty"`
	}
	// A message still on its way, or kept while nobody of the team can receive it, is
	// stored with the first name for its header.
	type onTheWay struct {
		Message   int       `json:"message"`
		Written   time.Time `json:"written"`
		Kept      bool      `json:"kept_until_someone_can_receive_it,omitempty"`
		FirstName string    `json:"first_name,omitempty"`
	}
	type invitation struct {
		Token   string    `json:"token"`
		Manager string    `json:"manager"`
		Expires time.Time `json:"expires"`
	}
	out := struct {
		Exported        time.Time        `json:"exported"`
		Town            string           `json:"town"`
		TelegramID      int64            `json:"telegram_id"`
		Case            string           `json:"case"`
		Language        string           `json:"language,omitempty"`
		Step            Step             `json:"step"`
		Consent         time.Time        `json:"consent,omitzero"`
		Declined        time.Time        `json:"declined,omitzero"`
		Housing         string           `json:"housing,omitempty"`
		Manager         string           `json:"manager,omitempty"`
		PendingInvite   bool             `json:"pending_invitation,omitempty"`
		FirstContact    time.Time        `json:"first_contact"`
		LastContact     time.Time        `json:"last_contact"`
		Unreachable     bool             `json:"unreachable,omitempty"`
		GroupNewsOff    bool             `json:"group_news_off,omitempty"`
		NeedsInterp     bool             `json:"needs_interpreter,omitempty"`
		FAQTopic        string           `json:"faq_topic_for_next_message,omitempty"`
		Screen          string           `json:"screen_shown_again_after_a_language_change,omitempty"`
		BookingAbout    string           `json:"booking_under_way_about_plan_step,omitempty"`
		Moving          string           `json:"appointment_being_moved,omitempty"`
		LastMessage     time.Time        `json:"last_message_to_manager,omitzero"`
		WaitingSince    time.Time        `json:"waiting_for_answer_since,omitzero"`
		FloodWindow     time.Time        `json:"message_count_since,omitzero"`
		FloodCount      int              `json:"message_count,omitempty"`
		ConsentNotice   string           `json:"privacy_notice_version,omitempty"`
		Translation     string           `json:"machine_translation"`
		Notes           []note           `json:"notes_of_your_manager"`
		Appointments    []appointment    `json:"appointments"`
		Reminders       []reminder       `json:"reminders"`
		RelayedMessages []int            `json:"your_messages_passed_on"`
		ManagerMessages int              `json:"messages_in_managers_chats"`
		OnTheirWay      []onTheWay       `json:"your_messages_on_their_way"`
		Invitations     []invitation     `json:"invitations"`
		Activities      []activityAnswer `json:"group_activities"`
		Plan            *Plan            `json:"integration_plan,omitempty"`
		FamilyRelation  string           `json:"family_relation,omitempty"`
		FirstName       string           `json:"first_name_for_the_team,omitempty"`
		FamilyMembers   int              `json:"family_members_in_the_case,omitempty"`
	}{
		Exported: f.Now(), Town: f.Config.Town, TelegramID: c.ID, Case: c.CaseLabel(), Language: c.Lang, Step: c.Step,
		Consent: c.ConsentAt, Declined: c.DeclinedAt, Housing: f.districtName(c.District), Manager: f.managerName(c.Manager),
		PendingInvite: c.Invite != "", FirstContact: c.CreatedAt, LastContact: c.LastSeenAt, Unreachable: c.Unreachable,
		GroupNewsOff: c.NoNews, NeedsInterp: c.Interpreter, FAQTopic: c.Topic, Screen: c.Screen, BookingAbout: c.BookStep, Moving: c.Moving, LastMessage: c.RelayAt, WaitingSince: c.WaitingSince,
		FloodWindow: c.FloodFrom, FloodCount: c.FloodCount, ConsentNotice: c.ConsentNotice, Translation: f.translationSetting(c),
		Notes: []note{}, Appointments: []appointment{}, Reminders: []reminder{}, RelayedMessages: []int{}, Invitations: []invitation{}, OnTheirWay: []onTheWay{},
		Activities: []activityAnswer{},
	}
	deliveries, err := tx.Deliveries(c.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range deliveries {
		out.OnTheirWay = append(out.OnTheirWay, onTheWay{Message: d.Source, Written: d.At, Kept: d.Kept, FirstName: d.FirstName})
	}
	for _, n := range c.Notes {
		out.Notes = append(out.Notes, note{At: n.At, By: f.managerName(n.By), Text: n.Text})
	}
	for _, a := range tr.Appointments {
		place := f.place(a.Office)
		if a.IsVisit() {
			place = f.districtName(a.Place)
		}
		out.Appointments = append(out.Appointments, appointment{ID: a.ID, Kind: a.Kind, Start: a.Start, End: a.End, Place: place, Manager: f.managerName(a.Manager),
			Topic: a.Topic, Interpreter: a.Interpreter, Status: a.Status, Confirmed: a.Confirmed, Answer: a.Answer, Booked: a.CreatedAt})
	}
	for _, r := range tr.Reminders {
		out.Reminders = append(out.Reminders, reminder{At: r.At, Kind: r.Kind})
	}
	for _, r := range tr.Relays {
		out.ManagerMessages++
		if r.Ref.Source != 0 {
			out.RelayedMessages = append(out.RelayedMessages, r.Ref.Source)
		}
	}
	for _, inv := range tr.Invites {
		out.Invitations = append(out.Invitations, invitation{Token: inv.Token, Manager: f.managerName(inv.Manager), Expires: inv.Expires})
	}
	for _, ans := range tr.Answers {
		out.Activities = append(out.Activities, activityAnswer{Activity: ans.Activity, Title: ans.Title, Own: ans.Own, Start: ans.Start, Answer: ans.Status, Came: ans.Came})
	}
	out.Plan = tr.Plan
	all, err := household(tx, c)
	if err != nil {
		return nil, err
	}
	if len(all) > 1 {
		out.FamilyRelation, out.FirstName, out.FamilyMembers = cmp.Or(c.Relation, "contact_person"), c.Name, len(all)
	}
	raw, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	name := "lotse-" + c.CaseLabel()
	readable := f.readableExport(&export{client: c, trace: tr, deliveries: deliveries, household: all})
	return []Outgoing{
		{Chat: c.ID, Lang: o.Lang, Kind: OutDocument, FileName: name + ".json", File: raw, Text: []Phrase{Msg("MyDataCaption")}},
		{Chat: c.ID, Lang: o.Lang, Kind: OutDocument, FileName: name + ".txt", Body: readable, Text: []Phrase{Msg("ExportCaption")}},
	}, nil
}
