package store

import (
	"bytes"
	"encoding/binary"
	"time"

	"github.com/lotse-bot/lotse/flows"
)

var (
	bucketStats = []byte("stats") // month 2006-01, 0, name → count: figures without persons
	bucketAudit = []byte("audit") // sequence → flows.AuditEntry
)

func statKey(month, name string) []byte {
	return append(append([]byte(month), 0), name...)
}

// Count adds one to a monthly figure.
func (t *tx) Count(month, name string) error {
	return increment(t.bolt.Bucket(bucketStats), statKey(month, name))
}

// Counts returns the monthly figures of the months from to to (2006-01, both included), by
// month and name.
func (t *tx) Counts(from, to string) (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	c := t.bolt.Bucket(bucketStats).Cursor()
	end := append([]byte(to), 1)
	for k, v := c.Seek([]byte(from)); k != nil && bytes.Compare(k, end) < 0; k, v = c.Next() {
		month, name, ok := bytes.Cut(k, []byte{0})
		if !ok || len(v) != 8 {
			continue
		}
		if out[string(month)] == nil {
			out[string(month)] = map[string]int{}
		}
		out[string(month)][string(name)] += int(binary.BigEndian.Uint64(v))
	}
	return out, nil
}

// Audit records a staff member's access to a case.
func (t *tx) Audit(e flows.AuditEntry) error {
	b := t.bolt.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	if e.Case != "" && e.Case != flows.ErasedCase {
		if err := t.bolt.Bucket(bucketAuditByCase).Put(auditCaseKey(e.Case, seq), nil); err != nil {
			return err
		}
	}
	return putRecord(b, u64(seq), e)
}

// AuditLog calls fn for every audit entry, oldest first.
func (t *tx) AuditLog(fn func(flows.AuditEntry) error) error {
	return eachRecord(t.bolt.Bucket(bucketAudit), nil, "audit entry", func(_ []byte, e *flows.AuditEntry) error { return fn(*e) })
}

// purgeBatch is the most records one Purge deletes, so that the transaction it runs in
// stays short and updates keep flowing while the retention works through a large file.
const purgeBatch = 500

// Purge deletes what retention no longer allows: relay bookkeeping and group news rounds
// older than before, appointments that ended before it, invitations that expired before
// it, headers that offered "take case" before it. It deletes at most purgeBatch records,
// the oldest first, and returns how many it deleted: while that is not 0, more may wait.
// It walks the time indexes (index.go) from their start, so it reads only what expired.
// Clients are erased by flows, which tells whoever must know.
func (t *tx) Purge(before time.Time) (int, error) {
	n := 0
	for _, sweep := range []struct {
		index  []byte
		delete func(key []byte) error
	}{
		{bucketRelaysByTime, func(k []byte) error {
			chat, msg := int64(binary.BigEndian.Uint64(k)), int(binary.BigEndian.Uint32(k[8:]))
			ref, err := t.Relay(chat, msg)
			if err != nil {
				return t.bolt.Bucket(bucketRelays).Delete(k)
			}
			if !ref.At.Before(before) {
				return nil // a stale index entry: the record is younger
			}
			return t.deleteRelay(chat, msg, ref)
		}},
		{bucketApptByEnd, func(k []byte) error {
			a, err := t.Appointment(string(k))
			if err != nil {
				return t.bolt.Bucket(bucketAppointments).Delete(k)
			}
			if !a.End.Before(before) {
				return nil
			}
			return t.deleteAppointment(a)
		}},
		{bucketInvitesByExpiry, func(k []byte) error {
			inv, err := t.Invite(string(k))
			if err != nil {
				return t.bolt.Bucket(bucketInvites).Delete(k)
			}
			if !inv.Expires.Before(before) {
				return nil
			}
			return t.deleteInvite(inv)
		}},
		{bucketBroadcastsByTime, func(k []byte) error { return t.bolt.Bucket(bucketBroadcasts).Delete(k) }},
		{bucketIntakeByTime, func(k []byte) error { return t.bolt.Bucket(bucketIntake).Delete(k) }},
	} {
		// Index keys count whole seconds: a record of the second of before stays.
		index := t.bolt.Bucket(sweep.index)
		var keys [][]byte
		c := index.Cursor()
		for k, _ := c.First(); k != nil && n+len(keys) < purgeBatch && timeOf(k).Before(before.Truncate(time.Second)); k, _ = c.Next() {
			keys = append(keys, append([]byte(nil), k...))
		}
		for _, k := range keys {
			// A record gone or damaged is deleted as far as it can be read.
			if err := sweep.delete(k[8:]); err != nil {
				return 0, err
			}
			// The record deleted its own index entry; one whose record is gone goes here.
			if err := index.Delete(k); err != nil {
				return 0, err
			}
			n++
		}
	}
	m, err := t.purgeActivities(before)
	return n + m, err
}
