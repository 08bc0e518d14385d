package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
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
	return putRecord(b, u64(seq), e)
}

// AuditLog calls fn for every audit entry, oldest first.
func (t *tx) AuditLog(fn func(flows.AuditEntry) error) error {
	return eachRecord(t.bolt.Bucket(bucketAudit), nil, "audit entry", func(_ []byte, e *flows.AuditEntry) error { return fn(*e) })
}

// Purge deletes what retention no longer allows: relay bookkeeping and group news rounds
// older than before, appointments that ended before it, invitations that expired before
// it. Clients are erased by flows, which tells whoever must know.
func (t *tx) Purge(before time.Time) (int, error) {
	n := 0
	var relays [][]byte
	err := t.bolt.Bucket(bucketRelays).ForEach(func(k, v []byte) error {
		var ref flows.RelayRef
		if json.Unmarshal(v, &ref) != nil || ref.At.Before(before) {
			relays = append(relays, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range relays {
		var ref flows.RelayRef
		if json.Unmarshal(t.bolt.Bucket(bucketRelays).Get(k), &ref) == nil && ref.Source != 0 {
			copyKey := binary.BigEndian.AppendUint64(messageKey(ref.Client, ref.Source), binary.BigEndian.Uint64(k[:8]))
			if err := t.bolt.Bucket(bucketRelayCopy).Delete(copyKey); err != nil {
				return 0, err
			}
		}
		if err := t.bolt.Bucket(bucketRelays).Delete(k); err != nil {
			return 0, err
		}
		n++
	}
	var old []*flows.Appointment
	err = t.bolt.Bucket(bucketAppointments).ForEach(func(_, v []byte) error {
		var a flows.Appointment
		if json.Unmarshal(v, &a) == nil && a.End.Before(before) {
			old = append(old, &a)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, a := range old {
		if err := t.deleteAppointment(a); err != nil {
			return 0, err
		}
		n++
	}
	for _, sweep := range []struct {
		bucket []byte
		old    func(v []byte) bool
	}{
		{bucketInvites, func(v []byte) bool {
			var inv flows.Invite
			return json.Unmarshal(v, &inv) == nil && inv.Expires.Before(before)
		}},
		{bucketBroadcasts, func(v []byte) bool {
			var b flows.Broadcast
			return json.Unmarshal(v, &b) == nil && b.At.Before(before)
		}},
		{bucketIntake, func(v []byte) bool {
			var h flows.IntakeHeader
			return json.Unmarshal(v, &h) == nil && h.At.Before(before)
		}},
	} {
		var keys [][]byte
		err := t.bolt.Bucket(sweep.bucket).ForEach(func(k, v []byte) error {
			if sweep.old(v) {
				keys = append(keys, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
		for _, k := range keys {
			if err := t.bolt.Bucket(sweep.bucket).Delete(k); err != nil {
				return 0, err
			}
			n++
		}
	}
	return n, nil
}
