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
// reminders, the messages relayed for them, the invitation they opened. It reads the
// client's index entries (index.go), so its cost follows the client's records alone.
func (t *tx) Trace(client int64) (*flows.Trace, error) {
	tr := &flows.Trace{}
	var err error
	if tr.Appointments, err = t.ClientAppointments(client); err != nil {
		return nil, err
	}
	prefix := i64(client)
	for _, k := range prefixKeys(t.bolt.Bucket(bucketRemindersByClient), prefix) {
		if r, ok := parseReminderKey(k[8:]); ok {
			tr.Reminders = append(tr.Reminders, r)
		}
	}
	relays := t.bolt.Bucket(bucketRelays)
	for _, k := range prefixKeys(t.bolt.Bucket(bucketRelaysByClient), prefix) {
		k = k[8:]
		// A record gone or damaged is skipped, as a whole-bucket scan would skip it.
		ref, err := getRecord[flows.RelayRef](relays, k, "relay")
		if err != nil || ref.Client != client || len(k) != 12 {
			continue
		}
		tr.Relays = append(tr.Relays, flows.RelayRecord{Chat: int64(binary.BigEndian.Uint64(k)), Message: int(binary.BigEndian.Uint32(k[8:])), Ref: *ref})
	}
	for _, k := range prefixKeys(t.bolt.Bucket(bucketInvitesByClient), prefix) {
		inv, err := t.Invite(string(k[8:]))
		if err == nil && (inv.UsedBy == client || inv.By == client) {
			tr.Invites = append(tr.Invites, inv)
		}
	}
	tr.Answers = t.clientAnswers(client)
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
	for _, a := range tr.Appointments {
		if err := t.deleteAppointment(a); err != nil {
			return err
		}
	}
	for _, k := range prefixKeys(t.bolt.Bucket(bucketRemindersByClient), i64(client)) {
		if err := t.unschedule(k[8:], k[:8]); err != nil {
			return err
		}
	}
	for _, r := range tr.Relays {
		if err := t.deleteRelay(r.Chat, r.Message, r.Ref); err != nil {
			return err
		}
	}
	if err := t.bolt.Bucket(bucketPlans).Delete(i64(client)); err != nil {
		return err
	}
	if err := t.eraseAnswers(client); err != nil {
		return err
	}
	intake, intakeByTime := t.bolt.Bucket(bucketIntake), t.bolt.Bucket(bucketIntakeByTime)
	for _, k := range prefixKeys(intake, i64(client)) {
		// A damaged header must not stop the erasure; its index entry then stays, naming no one.
		if h, err := getRecord[flows.IntakeHeader](intake, k, "intake header"); err == nil {
			if err := intakeByTime.Delete(timed(h.At, k)); err != nil {
				return err
			}
		}
		if err := intake.Delete(k); err != nil {
			return err
		}
	}
	for _, b := range [][]byte{bucketRelayCopy, bucketDeliveries} {
		if err := deletePrefix(t.bolt.Bucket(b), i64(client)); err != nil {
			return err
		}
	}
	for _, inv := range tr.Invites {
		if err := t.deleteInvite(inv); err != nil {
			return err
		}
	}
	for _, k := range prefixKeys(t.bolt.Bucket(bucketOutboxByClient), i64(client)) {
		if err := deleteOutbox(t.bolt, binary.BigEndian.Uint64(k[8:])); err != nil {
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
	if err := t.bolt.Bucket(bucketClients).Delete(i64(client)); err != nil {
		return fmt.Errorf("erase client: %w", err)
	}
	return nil
}

// finishErasure completes a transaction that erased clients, just before it commits. It
// counts the erasure, so the file is wiped even if Lotse stops before it. The messages it
// queued that name an erased client become erasure notices: backups leave them out, and the
// file is wiped once more after they were sent (WipeAfterErasures). Then the
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
	if err := increment(t.bolt.Bucket(bucketMeta), keyErasure); err != nil {
		return err
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
// case: once the client is erased, nothing may lead back to them. The case's index entries
// name the audit entries to rewrite; the rest of the log stays as it is.
func (t *tx) forgetCase(label string) error {
	audit, byCase := t.bolt.Bucket(bucketAudit), t.bolt.Bucket(bucketAuditByCase)
	for _, k := range prefixKeys(byCase, append([]byte(label), 0)) {
		seq := k[len(k)-8:]
		e, err := getRecord[flows.AuditEntry](audit, seq, "audit entry")
		if err == nil && e.Case == label {
			e.Case = flows.ErasedCase
			err = putRecord(audit, seq, e)
		}
		if err != nil && flows.ErrorCode(err) != flows.ENotFound {
			return err
		}
		if err := byCase.Delete(k); err != nil {
			return err
		}
	}
	return nil
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
		{bucketApptByEnd, timed(a.End, []byte(a.ID))},
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
