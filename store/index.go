package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/flows"
)

// Index buckets make every per-client operation and the retention cost in proportion to
// what they touch, not to the size of the file: tracing, exporting or erasing one client
// reads only that client's keys, and the retention reads only what expired. Each index is
// kept in the transaction that writes its record; migrateIndexes builds them for files of
// schema version 2 and older.
var (
	bucketRemindersByClient = []byte("reminders_by_client") // client, reminder key → nothing; the reminder's value is the client
	bucketRelaysByClient    = []byte("relays_by_client")    // client, chat, message id → nothing
	bucketRelaysByTime      = []byte("relays_by_time")      // time, chat, message id → nothing
	bucketInvitesByClient   = []byte("invites_by_client")   // client (who made or opened it), token → nothing
	bucketInvitesByExpiry   = []byte("invites_by_expiry")   // expiry, token → nothing
	bucketOutboxByClient    = []byte("outbox_by_client")    // person, seq → nothing
	bucketOutboxOwners      = []byte("outbox_owners")       // seq → the persons the message is to or about, 8 bytes each
	bucketAuditByCase       = []byte("audit_by_case")       // case label, 0, seq → nothing
	bucketApptByEnd         = []byte("appt_by_end")         // end, appointment id → nothing
	bucketBroadcastsByTime  = []byte("broadcasts_by_time")  // time, id → nothing
	bucketIntakeByTime      = []byte("intake_by_time")      // time, intake key → nothing
)

// indexBuckets are the index buckets; init creates them with the others.
var indexBuckets = [][]byte{bucketRemindersByClient, bucketRelaysByClient, bucketRelaysByTime, bucketInvitesByClient,
	bucketInvitesByExpiry, bucketOutboxByClient, bucketOutboxOwners, bucketAuditByCase, bucketApptByEnd,
	bucketBroadcastsByTime, bucketIntakeByTime}

// timeKey encodes a time so that keys sort in time order, times before 1970 (the zero
// time of a record that never said when it was made) first.
func timeKey(at time.Time) []byte { return u64(uint64(at.Unix()) ^ 1<<63) }

// timeOf reads the time of a key made by timeKey.
func timeOf(k []byte) time.Time { return time.Unix(int64(binary.BigEndian.Uint64(k[:8])^1<<63), 0) }

// timed is key under time at, for a bucket ordered by time.
func timed(at time.Time, key []byte) []byte { return append(timeKey(at), key...) }

// ---- reminders

// reminderOwner is the client a reminder belongs to, or 0 for reminders of no client (the
// retention's): an appointment's client, or the client named in a nudge's or plan step's key.
func (t *tx) reminderOwner(r flows.Reminder) int64 {
	switch r.Kind {
	case flows.RemindNudge, flows.RemindKept:
		return idAfter(r.Appointment, "C")
	case flows.RemindStep, flows.RemindFollowUp:
		return idAfter(r.Appointment, "P")
	case flows.RemindPurge, flows.RemindActivity, flows.RemindActivityMarks:
		return 0
	}
	if a, err := t.Appointment(r.Appointment); err == nil {
		return a.Client
	}
	return 0
}

// idAfter reads the Telegram id in a key like C123.… after prefix; 0 if there is none.
func idAfter(key, prefix string) int64 {
	rest, ok := bytes.CutPrefix([]byte(key), []byte(prefix))
	if !ok {
		return 0
	}
	digits, _, ok := bytes.Cut(rest, []byte("."))
	if !ok {
		return 0
	}
	id, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// unschedule deletes a stored reminder and its index entry; value is what the reminders
// bucket held for it.
func (t *tx) unschedule(key, value []byte) error {
	if len(value) == 8 {
		if err := t.bolt.Bucket(bucketRemindersByClient).Delete(append(append([]byte(nil), value...), key...)); err != nil {
			return err
		}
	}
	return t.bolt.Bucket(bucketReminders).Delete(key)
}

// ---- relays

// indexRelay adds (or with del, removes) the index entries of relay record chat/msg.
func (t *tx) indexRelay(chat int64, msg int, ref flows.RelayRef, del bool) error {
	k := messageKey(chat, msg)
	return setIndex(del,
		entry{t.bolt.Bucket(bucketRelaysByClient), append(i64(ref.Client), k...)},
		entry{t.bolt.Bucket(bucketRelaysByTime), timed(ref.At, k)})
}

// deleteRelay deletes a relay record, where the copy it stands for is, and its index
// entries.
func (t *tx) deleteRelay(chat int64, msg int, ref flows.RelayRef) error {
	if ref.Source != 0 {
		copyKey := binary.BigEndian.AppendUint64(messageKey(ref.Client, ref.Source), uint64(chat))
		if err := t.bolt.Bucket(bucketRelayCopy).Delete(copyKey); err != nil {
			return err
		}
	}
	if err := t.indexRelay(chat, msg, ref, true); err != nil {
		return err
	}
	return t.bolt.Bucket(bucketRelays).Delete(messageKey(chat, msg))
}

// ---- invitations

// indexInvite adds (or with del, removes) the index entries of an invitation: under the
// client who opened it, the client who made it, and its expiry.
func (t *tx) indexInvite(inv *flows.Invite, del bool) error {
	by := t.bolt.Bucket(bucketInvitesByClient)
	for _, id := range []int64{inv.UsedBy, inv.By} {
		if id == 0 {
			continue
		}
		if err := setIndex(del, entry{by, append(i64(id), inv.Token...)}); err != nil {
			return err
		}
	}
	return setIndex(del, entry{t.bolt.Bucket(bucketInvitesByExpiry), timed(inv.Expires, []byte(inv.Token))})
}

// deleteInvite deletes an invitation with its index entries.
func (t *tx) deleteInvite(inv *flows.Invite) error {
	if err := t.indexInvite(inv, true); err != nil {
		return err
	}
	return t.bolt.Bucket(bucketInvites).Delete([]byte(inv.Token))
}

// ---- outbox

// outboxOwners are the persons a message is to or about, each once.
func outboxOwners(o *flows.Outgoing) []byte {
	var out []byte
	ids := []int64{o.Chat, o.FromChat}
	if o.Relay != nil {
		ids = append(ids, o.Relay.Client)
	}
	if o.Translate != nil {
		ids = append(ids, o.Translate.Client)
	}
	for i, id := range ids {
		if id != 0 && !containsID(ids[:i], id) {
			out = append(out, i64(id)...)
		}
	}
	return out
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// indexOutbox records whom the outbox entry seq is to or about.
func indexOutbox(btx *bolt.Tx, seq uint64, o *flows.Outgoing) error {
	owners := outboxOwners(o)
	by := btx.Bucket(bucketOutboxByClient)
	for i := 0; i+8 <= len(owners); i += 8 {
		if err := by.Put(append(append([]byte(nil), owners[i:i+8]...), u64(seq)...), nil); err != nil {
			return err
		}
	}
	return btx.Bucket(bucketOutboxOwners).Put(u64(seq), owners)
}

// deleteOutbox deletes the outbox entry seq with its index entries, without decoding it:
// the sender settles every message this way.
func deleteOutbox(btx *bolt.Tx, seq uint64) error {
	owners := btx.Bucket(bucketOutboxOwners)
	list := owners.Get(u64(seq))
	by := btx.Bucket(bucketOutboxByClient)
	for i := 0; i+8 <= len(list); i += 8 {
		if err := by.Delete(append(append([]byte(nil), list[i:i+8]...), u64(seq)...)); err != nil {
			return err
		}
	}
	if err := owners.Delete(u64(seq)); err != nil {
		return err
	}
	return btx.Bucket(bucketOutbox).Delete(u64(seq))
}

// ---- audit log

func auditCaseKey(label string, seq uint64) []byte {
	return append(append([]byte(label), 0), u64(seq)...)
}

// ---- index helpers

// entry is a key of an index bucket.
type entry struct {
	b *bolt.Bucket
	k []byte
}

// setIndex puts (or with del, deletes) index entries, with empty values.
func setIndex(del bool, entries ...entry) error {
	for _, e := range entries {
		var err error
		if del {
			err = e.b.Delete(e.k)
		} else {
			err = e.b.Put(e.k, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// prefixKeys returns copies of the keys of b that start with prefix.
func prefixKeys(b *bolt.Bucket, prefix []byte) [][]byte {
	var out [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, append([]byte(nil), k...))
	}
	return out
}

// ---- migration

// buildIndexes builds the index buckets of schema version 3 from the records of a file of
// version 2: it reads every record once.
func buildIndexes(btx *bolt.Tx, _ time.Time) error {
	for _, name := range indexBuckets {
		if _, err := btx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	t := &tx{bolt: btx}
	// Reminders: the value names the client; collected first, since a bucket must not
	// change under its cursor.
	var keys [][]byte
	var owners []int64
	err := btx.Bucket(bucketReminders).ForEach(func(k, _ []byte) error {
		if r, ok := parseReminderKey(k); ok {
			if id := t.reminderOwner(r); id != 0 {
				keys, owners = append(keys, append([]byte(nil), k...)), append(owners, id)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, k := range keys {
		if err := btx.Bucket(bucketReminders).Put(k, i64(owners[i])); err != nil {
			return err
		}
		if err := btx.Bucket(bucketRemindersByClient).Put(append(i64(owners[i]), k...), nil); err != nil {
			return err
		}
	}
	err = btx.Bucket(bucketRelays).ForEach(func(k, v []byte) error {
		var ref flows.RelayRef
		if len(k) != 12 || json.Unmarshal(v, &ref) != nil {
			return nil
		}
		return t.indexRelay(int64(binary.BigEndian.Uint64(k)), int(binary.BigEndian.Uint32(k[8:])), ref, false)
	})
	if err != nil {
		return err
	}
	err = btx.Bucket(bucketInvites).ForEach(func(_, v []byte) error {
		var inv flows.Invite
		if json.Unmarshal(v, &inv) != nil {
			return nil
		}
		return t.indexInvite(&inv, false)
	})
	if err != nil {
		return err
	}
	err = btx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		var o flows.Outgoing
		if len(k) != 8 || json.Unmarshal(v, &o) != nil {
			return nil
		}
		return indexOutbox(btx, binary.BigEndian.Uint64(k), &o)
	})
	if err != nil {
		return err
	}
	err = btx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
		var e flows.AuditEntry
		if len(k) != 8 || json.Unmarshal(v, &e) != nil || e.Case == "" || e.Case == flows.ErasedCase {
			return nil
		}
		return btx.Bucket(bucketAuditByCase).Put(auditCaseKey(e.Case, binary.BigEndian.Uint64(k)), nil)
	})
	if err != nil {
		return err
	}
	err = btx.Bucket(bucketAppointments).ForEach(func(k, v []byte) error {
		var a flows.Appointment
		if json.Unmarshal(v, &a) != nil {
			return nil
		}
		return btx.Bucket(bucketApptByEnd).Put(timed(a.End, k), nil)
	})
	if err != nil {
		return err
	}
	err = btx.Bucket(bucketBroadcasts).ForEach(func(k, v []byte) error {
		var b flows.Broadcast
		if json.Unmarshal(v, &b) != nil {
			return nil
		}
		return btx.Bucket(bucketBroadcastsByTime).Put(timed(b.At, k), nil)
	})
	if err != nil {
		return err
	}
	return btx.Bucket(bucketIntake).ForEach(func(k, v []byte) error {
		var h flows.IntakeHeader
		if json.Unmarshal(v, &h) != nil {
			return nil
		}
		return btx.Bucket(bucketIntakeByTime).Put(timed(h.At, k), nil)
	})
}
