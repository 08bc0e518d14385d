package flows

import (
	"fmt"
	"slices"
	"time"
)

// A client's message is on its way until someone of the team has it. Telegram may refuse a
// copy because the recipient cannot receive messages from the bot — they blocked it, never
// opened it, deleted their account — and then the message goes to the next people who look
// after the case. When nobody can receive it, it is kept, the client is told so, and it is
// copied to the first member of the team who can be reached again. Nothing is dropped
// without anyone knowing.

// Delivery follows one client message on its way to the team.
type Delivery struct {
	Client int64 `json:"client"`
	Source int   `json:"src"` // the message in the client's chat
	// To are the staff members a copy went to; Open counts the copies still under way.
	To        []int64 `json:"to,omitempty"`
	Open      int     `json:"open,omitempty"`
	Delivered bool    `json:"delivered,omitempty"`
	// Kept is set while nobody could receive the message; Waiting while an earlier message
	// of the client is still on its way, so that the team gets them in the order written.
	Kept    bool      `json:"kept,omitempty"`
	Waiting bool      `json:"waiting,omitempty"`
	At      time.Time `json:"at"`
	// FirstName and Topic complete a header sent later; Text is what the engine translates
	// for the managers when the town translates. All go with the delivery.
	FirstName string `json:"name,omitempty"`
	Topic     string `json:"topic,omitempty"`
	Text      string `json:"text,omitempty"`
}

// IntakeHeader is a header in a staff member's chat that still offers "take case"; once
// someone has the case, it is edited to say who.
type IntakeHeader struct {
	Client    int64     `json:"client"`
	Chat      int64     `json:"chat"`
	Message   int       `json:"msg"`
	FirstName string    `json:"name,omitempty"`
	Topic     string    `json:"topic,omitempty"`
	At        time.Time `json:"at"`
}

// deliver sends a client's message along route r, or keeps it when r reaches nobody.
func (f *Flows) deliver(tx Tx, c *Client, d *Delivery, r route) error {
	if len(r.to) == 0 {
		return f.keep(tx, c, d)
	}
	if err := f.copyTo(tx, c, d, r.to, r.note); err != nil {
		return err
	}
	return tx.PutDelivery(d)
}

// copyTo sends the message of d to the staff members to, each under a header unless they
// have one for this burst.
func (f *Flows) copyTo(tx Tx, c *Client, d *Delivery, to []int64, note Phrase) error {
	for _, id := range to {
		for _, o := range f.relayed(tx, c, d, id, note) {
			if err := tx.Send(o); err != nil {
				return err
			}
		}
	}
	d.To = append(d.To, to...)
	d.Open += len(to)
	return nil
}

// RemindKept tries a client's kept messages again: a refusal Telegram gave for a reason
// Lotse does not know may not last. Blocks and unblocks need no such try: they arrive as
// events.
const RemindKept ReminderKind = "kept"

// keptRetry is how long after keeping a message Lotse tries it again.
const keptRetry = time.Hour

// keptKey names a client's retry of kept messages in a reminder; it shares the prefix of
// nudgeKey, so that erasing the client finds it.
func keptKey(client int64) string { return fmt.Sprintf("C%d.kept", client) }

// keep holds a message nobody could receive and tells the client, once a burst, that it
// will reach the team.
func (f *Flows) keep(tx Tx, c *Client, d *Delivery) error {
	d.Kept, d.Open, d.To, c.RelayTo = true, 0, nil, nil
	if err := tx.PutDelivery(d); err != nil {
		return err
	}
	if err := tx.Schedule(Reminder{At: f.Now().Add(keptRetry).Truncate(time.Minute), Kind: RemindKept, Appointment: keptKey(c.ID)}); err != nil {
		return err
	}
	if len(c.Ack) == 0 {
		return nil
	}
	c.Ack = nil
	return tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: []Phrase{Msg("RelayKept")}})
}

// stuckAfter is how long an open delivery holds back the client's next messages at most:
// should a copy never be settled, the client's messages still flow.
const stuckAfter = time.Hour

// busy reports whether an earlier message of the client is still on its way.
func (f *Flows) busy(tx RelayStore, c *Client) (bool, error) {
	ds, err := tx.Deliveries(c.ID)
	if err != nil {
		return false, err
	}
	now := f.Now()
	return slices.ContainsFunc(ds, func(d *Delivery) bool {
		return (d.Open > 0 || d.Waiting) && now.Sub(d.At) < stuckAfter
	}), nil
}

// release sends the client's next waiting message, once nothing of theirs is on its way.
func (f *Flows) release(tx Tx, c *Client) error {
	for {
		ds, err := tx.Deliveries(c.ID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(ds, func(d *Delivery) bool { return d.Open > 0 }) {
			return nil
		}
		i := slices.IndexFunc(ds, func(d *Delivery) bool { return d.Waiting })
		if i < 0 {
			return nil
		}
		r, err := f.route(tx, c)
		if err != nil {
			return err
		}
		ds[i].Waiting = false
		if err := f.deliver(tx, c, ds[i], r); err != nil {
			return err
		}
		// A message kept at once lets the next one go too.
	}
}

// sendKept sends a client's kept messages, oldest first, along route r.
func (f *Flows) sendKept(tx Tx, c *Client, r route) error {
	ds, err := tx.Deliveries(c.ID)
	if err != nil {
		return err
	}
	kept := slices.DeleteFunc(ds, func(d *Delivery) bool { return !d.Kept })
	if len(kept) == 0 {
		return nil
	}
	if len(c.Ack) == 0 {
		c.Ack = r.notice
	}
	for _, d := range kept {
		d.Kept = false
		if err := f.deliver(tx, c, d, r); err != nil {
			return err
		}
	}
	return nil
}

// flushKept sends every kept message whose case someone can receive now: the messages of
// each client in the order written, under a new header.
func (f *Flows) flushKept(tx Tx) error {
	ds, err := tx.Deliveries(0)
	if err != nil {
		return err
	}
	var clients []int64
	for _, d := range ds {
		if d.Kept && !slices.Contains(clients, d.Client) {
			clients = append(clients, d.Client)
		}
	}
	for _, id := range clients {
		if err := f.retryKept(tx, id); err != nil {
			return err
		}
	}
	return nil
}

// retryKept sends a client's kept messages, under a new header, if someone can receive
// them now.
func (f *Flows) retryKept(tx Tx, client int64) error {
	c, err := tx.Client(client)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	r, err := f.route(tx, c)
	if err != nil || len(r.to) == 0 {
		return err
	}
	c.Headed, c.RelayAt, c.RelayTo = nil, f.Now(), r.to
	if err := f.sendKept(tx, c, r); err != nil {
		return err
	}
	return f.saveClient(tx, c)
}

// relaySettled records what follows from a message of a client's case that left the outbox.
func (f *Flows) relaySettled(tx Tx, o Outgoing, r Result, msgID int) error {
	ref := *o.Relay
	c, err := tx.Client(ref.Client)
	if isNotFound(err) {
		return nil // the client erased their data meanwhile: no trace
	}
	if err != nil {
		return err
	}
	if r == Delivered && msgID != 0 {
		ref.At = f.Now()
		if err := tx.PutRelay(o.Chat, msgID, ref); err != nil {
			return err
		}
	}
	switch {
	case ref.Header != 0:
		return f.headerSettled(tx, c, o.Chat, ref, r, msgID)
	case ref.Source != 0 && o.Kind == OutCopy:
		return f.copySettled(tx, c, o.Chat, ref.Source, r)
	}
	return nil
}

// headerSettled remembers an intake header, so it can say who took the case; a header that
// did not arrive is sent again with the next copy.
func (f *Flows) headerSettled(tx Tx, c *Client, chat int64, ref RelayRef, r Result, msgID int) error {
	if r != Delivered {
		c.Headed = slices.DeleteFunc(c.Headed, func(id int64) bool { return id == chat })
		return f.saveClient(tx, c)
	}
	if !ref.Intake || msgID == 0 {
		return nil
	}
	h := IntakeHeader{Client: c.ID, Chat: chat, Message: msgID, At: f.Now()}
	if d, err := tx.Delivery(c.ID, ref.Header); err == nil {
		h.FirstName, h.Topic = d.FirstName, d.Topic
	} else if !isNotFound(err) {
		return err
	}
	if err := tx.PutIntakeHeader(h); err != nil {
		return err
	}
	if c.Manager != 0 {
		// Taken while the header was on its way.
		return f.refreshIntakeHeaders(tx, c)
	}
	return nil
}

// copySettled follows a copy of a client's message: the first copy that arrives brings the
// client their note and starts the wait for an answer; a copy that cannot arrive goes to
// the next people who look after the case; a message nobody could receive is kept.
func (f *Flows) copySettled(tx Tx, c *Client, chat int64, source int, r Result) error {
	d, err := tx.Delivery(c.ID, source)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	d.Open--
	switch r {
	case Delivered:
		d.Delivered = true
		if len(c.Ack) > 0 {
			if err := tx.Send(Outgoing{Chat: c.ID, Lang: c.Lang, Kind: OutSend, Text: c.Ack}); err != nil {
				return err
			}
			c.Ack = nil
		}
		if c.WaitingSince.IsZero() {
			// The client waits since they wrote, even if their message was kept a while.
			c.WaitingSince = d.At
			if err := tx.Schedule(Reminder{At: f.workingHoursLater(d.At, f.Config.Relay.NudgeAfterHours), Kind: RemindNudge, Appointment: nudgeKey(c, d.At)}); err != nil {
				return err
			}
		}
	case Unreachable, Undelivered:
		next, err := f.route(tx, c)
		if err != nil {
			return err
		}
		fresh := slices.DeleteFunc(slices.Clone(next.to), func(id int64) bool { return slices.Contains(d.To, id) })
		if err := f.copyTo(tx, c, d, fresh, next.note); err != nil {
			return err
		}
		// The burst goes on with the new route: no second note for the client.
		c.RelayTo = next.to
	}
	switch {
	case d.Open > 0:
		err = tx.PutDelivery(d)
	case d.Delivered || r == Refused:
		err = tx.DeleteDelivery(c.ID, source)
	default:
		err = f.keep(tx, c, d)
	}
	if err != nil {
		return err
	}
	if d.Open == 0 {
		if err := f.release(tx, c); err != nil {
			return err
		}
	}
	return f.saveClient(tx, c)
}

// refreshIntakeHeaders edits every header that still offers "take case" for client c to
// say who looks after the case now.
func (f *Flows) refreshIntakeHeaders(tx Tx, c *Client) error {
	all, err := household(tx, c)
	if err != nil {
		return err
	}
	owner := Msg("RelayHeaderOwner", "Name", f.managerName(c.Manager))
	for _, m := range all {
		// Every member's headers of the household's case say who has it now.
		headers, err := tx.TakeIntakeHeaders(m.ID)
		if err != nil {
			return err
		}
		m.Manager = c.Manager
		for _, h := range headers {
			if err := tx.Send(Outgoing{Chat: h.Chat, Lang: f.staffLang(tx, h.Chat), Kind: OutEdit, EditID: h.Message,
				Text: []Phrase{f.header(m, h.FirstName, h.Topic, owner)}, Buttons: f.caseButtons(m)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// KeptMessages counts the client messages nobody of the team could receive yet.
func (f *Flows) KeptMessages(tx Tx) (int, error) {
	ds, err := tx.Deliveries(0)
	n := 0
	for _, d := range ds {
		if d.Kept {
			n++
		}
	}
	return n, err
}
