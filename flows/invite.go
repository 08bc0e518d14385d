package flows

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

// inviteValidity is how long an invitation can be opened.
const inviteValidity = 14 * 24 * time.Hour

// staffInvite creates a one-time invitation for the manager and sends them its link and
// QR code.
func (f *Flows) staffInvite(t *turn) error {
	if _, ok := f.Config.Manager(t.ev.UserID); !ok {
		return t.show(f.staffMenu().after(Msg("NotUnderstood")))
	}
	raw := make([]byte, 18)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	inv := &Invite{Token: base64.RawURLEncoding.EncodeToString(raw), Manager: t.ev.UserID, Expires: f.Now().Add(inviteValidity)}
	if err := t.tx.PutInvite(inv); err != nil {
		return err
	}
	until := inv.Expires.In(f.Config.location()).Format("02.01.2006")
	if err := t.show(screen{text: []Phrase{{ID: "StaffInvite", Sub: map[string]Phrase{"Date": Number(until), "Link": {Kind: PhraseInviteLink, Literal: inv.Token}}}}}); err != nil {
		return err
	}
	return t.tx.Send(Outgoing{Chat: t.ev.UserID, Lang: t.lang, Kind: OutInviteQR, Invite: inv.Token, Text: []Phrase{Msg("StaffInviteQR")}})
}

// redeemInvite assigns a consenting client to the manager of the invitation they opened, or
// for a family member's invitation to the family's case, and returns the note that tells
// them; an invitation that is unknown, expired or used by
// someone else gives the polite "this link did not work".
func (f *Flows) redeemInvite(t *turn, c *Client) (Phrase, error) {
	tx := t.tx
	token := c.Invite
	c.Invite = ""
	inv, err := tx.Invite(token)
	switch {
	case isNotFound(err):
		return Msg("BadLink"), nil
	case err != nil:
		return Phrase{}, err
	}
	if (inv.UsedBy != 0 && inv.UsedBy != c.ID) || f.Now().After(inv.Expires) {
		return Msg("BadLink"), nil
	}
	if inv.Case != 0 {
		return f.joinHousehold(t, c, inv)
	}
	m, ok := f.Config.Manager(inv.Manager)
	if !ok {
		return Msg("BadLink"), nil
	}
	inv.UsedBy, c.Manager = c.ID, inv.Manager
	if err := tx.PutInvite(inv); err != nil {
		return Phrase{}, err
	}
	return Msg("InviteAccepted", "Name", m.Name), nil
}
