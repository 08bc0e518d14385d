package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/flows"
)

// Trace returns everything stored about a client beyond their record: appointments,
// reminders, the messages relayed for them, the invitation they opened.
func (t *tx) Trace(client int64) (*flows.Trace, error) {
	tr := &flows.Trace{}
	var err error
	if tr.Appointments, err = t.ClientAppointments(client); err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, a := range tr.Appointments {
		ids[a.ID] = true
	}
	nudge := []byte("C" + strconv.FormatInt(client, 10) + ".")
	stepOf := []byte(flows.StepReminderPrefix(client))
	err = t.bolt.Bucket(bucketReminders).ForEach(func(k, _ []byte) error {
		if r, ok := parseReminderKey(k); ok && (ids[r.Appointment] || (r.Kind == flows.RemindNudge || r.Kind == flows.RemindKept) && bytes.HasPrefix([]byte(r.Appointment), nudge) || (r.Kind == flows.RemindStep || r.Kind == flows.RemindFollowUp) && bytes.HasPrefix([]byte(r.Appointment), stepOf)) {
			tr.Reminders = append(tr.Reminders, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = t.bolt.Bucket(bucketRelays).ForEach(func(k, v []byte) error {
		var ref flows.RelayRef
		if json.Unmarshal(v, &ref) != nil || ref.Client != client || len(k) != 12 {
			return nil
		}
		tr.Relays = append(tr.Relays, flows.RelayRecord{Chat: int64(binary.BigEndian.Uint64(k)), Message: int(binary.BigEndian.Uint32(k[8:])), Ref: ref})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = t.bolt.Bucket(bucketInvites).ForEach(func(_, v []byte) error {
		var inv flows.Invite
		if json.Unmarshal(v, &inv) == nil && (inv.UsedBy == client || inv.By == client) {
			tr.Invites = append(tr.Invites, &inv)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if tr.Plan, err = t.Plan(client); flows.ErrorCode(err) == flows.ENotFound {
		err = nil
	}
	return tr, err
}

// bucketNotices holds the messages, by outbox sequence, that name a client erased by the
// transaction that queued them: the goodbye to the client, the managers' note with the case
// label. The value is the time of the erasure.
var bucketNotices = []byte("erasure_notices")

// EraseClient deletes everything stored about a client: their record and case number,
// appointments and their indexes and seats, reminders, relay bookkeeping, the invitation
// they opened, and messages still waiting to be sent to them or about them. The
// transaction records the erasure when it commits (see finishErasure).
func (t *tx) EraseClient(client int64) error {
	c, err := t.Client(client)
	if err != nil && flows.ErrorCode(err) != flows.ENotFound {
		return err
	}
	t.erasedIDs = append(t.erasedIDs, client)
	if c != nil {
		t.erased = append(t.erased, c)
	}
	tr, err := t.Trace(client)
	if err != nil {
		return err
	}
	del := func(bucket []byte, key []byte) error { return t.bolt.Bucket(bucket).Delete(key) }
	for _, a := range tr.Appointments {
		if err := t.deleteAppointment(a); err != nil {
			return err
		}
	}
	for _, r := range tr.Reminders {
		if err := del(bucketReminders, reminderKey(r)); err != nil {
			return err
		}
	}
	for _, r := range tr.Relays {
		if err := del(bucketRelays, messageKey(r.Chat, r.Message)); err != nil {
			return err
		}
	}
	if err := del(bucketPlans, i64(client)); err != nil {
		return err
	}
	for _, b := range [][]byte{bucketRelayCopy, bucketDeliveries, bucketIntake} {
		if err := deletePrefix(t.bolt.Bucket(b), i64(client)); err != nil {
			return err
		}
	}
	for _, inv := range tr.Invites {
		if err := del(bucketInvites, []byte(inv.Token)); err != nil {
			return err
		}
	}
	var outbox [][]byte
	err = t.bolt.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		var o flows.Outgoing
		if json.Unmarshal(v, &o) != nil {
			return nil
		}
		if o.Chat == client || o.FromChat == client || o.Relay != nil && o.Relay.Client == client || o.Translate != nil && o.Translate.Client == client {
			outbox = append(outbox, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range outbox {
		if err := del(bucketOutbox, k); err != nil {
			return err
		}
	}
	if c != nil && c.Case > 0 {
		// The case ends with the client who holds it; a household member's case goes on
		// with the others (flows hands it to another member before erasing its holder).
		if h, err := t.ClientByCase(c.Case); flows.ErrorCode(err) == flows.ENotFound || err == nil && h.ID == client {
			if err := t.forgetCase(c.CaseLabel()); err != nil {
				return err
			}
		}
		if err := t.dropCase(c.Case, client); err != nil {
			return err
		}
	}
	if err := del(bucketClients, i64(client)); err != nil {
		return fmt.Errorf("erase client: %w", err)
	}
	return nil
}

// finishErasure completes a transaction that erased clients, just before it commits. It
// notes that the file needs a compaction, even if Lotse stops before it. The messages it
// queued that name an erased client become erasure notices: backups leave them out, and the
// file is compacted once more after they were sent (CompactAfterErasures). Then the
// erased records go into the erasure ledger; if that fails, the erasure does not commit.
// Should the commit fail after the ledger took them, the next start erases them
// (ApplyLedger): they asked for it, or the retention decided it.
func (t *tx) finishErasure(l *ledger) error {
	var names [][]byte
	for _, id := range t.erasedIDs {
		names = append(names, []byte(strconv.FormatInt(id, 10)))
	}
	for _, c := range t.erased {
		if c.Case > 0 {
			names = append(names, []byte(c.CaseLabel()))
		}
	}
	meta := t.bolt.Bucket(bucketMeta)
	if meta.Get(keyErasure) == nil {
		if err := meta.Put(keyErasure, i64(time.Now().Unix())); err != nil {
			return err
		}
	}
	notices := t.bolt.Bucket(bucketNotices)
	for _, e := range t.sent {
		raw, err := json.Marshal(e.Out)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(names, func(n []byte) bool { return bytes.Contains(raw, n) }) {
			if err := notices.Put(u64(e.Seq), i64(time.Now().Unix())); err != nil {
				return err
			}
		}
	}
	if l == nil {
		return nil
	}
	return l.add(t.erased)
}

// forgetCase keeps the audit log's record of who accessed a case, but no longer names the
// case: once the client is erased, nothing may lead back to them.
func (t *tx) forgetCase(label string) error {
	return rewrite(t.bolt.Bucket(bucketAudit), func(v []byte) ([]byte, error) {
		var e flows.AuditEntry
		if json.Unmarshal(v, &e) != nil || e.Case != label {
			return nil, nil
		}
		e.Case = flows.ErasedCase
		return json.Marshal(e)
	})
}

// deleteAppointment deletes an appointment with its index entries; a booked one frees its
// seat.
func (t *tx) deleteAppointment(a *flows.Appointment) error {
	if a.Status == flows.StatusBooked {
		if err := t.freeSeat(a.SlotKey()); err != nil {
			return err
		}
	}
	for _, d := range []struct{ bucket, key []byte }{
		{bucketByManager, managerKey(a.Manager, a.Start, a.ID)},
		{bucketByClient, clientKey(a.Client, a.ID)},
		{bucketAppointments, []byte(a.ID)},
	} {
		if err := t.bolt.Bucket(d.bucket).Delete(d.key); err != nil {
			return err
		}
	}
	return nil
}

// deletePrefix deletes the keys of b that start with prefix.
func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
