package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Update is one update from Telegram as received, with its id. Update, InboxEntry and
// OutboxEntry are aliases of plain struct types, which bot spells out alike: so bot takes a
// *DB through interfaces of its own without importing store.
type Update = struct {
	ID  int64
	Raw json.RawMessage
}

// InboxEntry is a journaled update waiting to be handled.
type InboxEntry = struct {
	Seq uint64
	Update
}

// An inbox record is the update id (8 bytes, big endian) followed by the update's JSON as
// Telegram sent it.
func inboxRecord(u Update) []byte {
	return append(i64(u.ID), u.Raw...)
}

// Journal stores updates that were not seen before, in one transaction, and returns them as
// inbox entries in order. Only after Journal returned may the updates be acknowledged to
// Telegram: what is journaled is handled even after a crash. Redelivered update ids are
// dropped.
func (db *DB) Journal(updates []Update, now time.Time) ([]InboxEntry, error) {
	var fresh []InboxEntry
	err := db.update(func(tx *bolt.Tx) error {
		fresh = fresh[:0]
		inbox, seen := tx.Bucket(bucketInbox), tx.Bucket(bucketSeen)
		for _, u := range updates {
			key := i64(u.ID)
			if seen.Get(key) != nil {
				continue
			}
			seq, err := inbox.NextSequence()
			if err != nil {
				return err
			}
			if err := inbox.Put(u64(seq), inboxRecord(u)); err != nil {
				return err
			}
			if err := seen.Put(key, i64(now.Unix())); err != nil {
				return err
			}
			fresh = append(fresh, InboxEntry{Seq: seq, Update: u})
		}
		if len(updates) == 0 {
			return nil
		}
		// The next getUpdates confirms everything up to the last update of this batch.
		return tx.Bucket(bucketMeta).Put(keyOffset, i64(updates[len(updates)-1].ID+1))
	})
	return fresh, err
}

// Inbox returns every journaled update not yet handled, oldest first.
func (db *DB) Inbox() ([]InboxEntry, error) {
	var out []InboxEntry
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketInbox).ForEach(func(k, v []byte) error {
			if len(v) < 8 {
				return fmt.Errorf("inbox record %x is damaged", k)
			}
			raw := append(json.RawMessage(nil), v[8:]...)
			id := int64(binary.BigEndian.Uint64(v[:8]))
			out = append(out, InboxEntry{Seq: binary.BigEndian.Uint64(k), Update: Update{ID: id, Raw: raw}})
			return nil
		})
	})
	return out, err
}

// Offset returns the getUpdates offset that acknowledges every journaled update, or 0.
func (db *DB) Offset() (int64, error) {
	var off int64
	err := db.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyOffset); v != nil {
			off = int64(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	return off, err
}

// PruneSeen forgets update ids journaled before cutoff. Telegram redelivers an unconfirmed
// update for at most 24 hours, so ids older than that cannot come back.
func (db *DB) PruneSeen(cutoff time.Time) (int, error) {
	n := 0
	err := db.update(func(tx *bolt.Tx) error {
		seen := tx.Bucket(bucketSeen)
		var old [][]byte
		err := seen.ForEach(func(k, v []byte) error {
			if int64(binary.BigEndian.Uint64(v)) < cutoff.Unix() {
				old = append(old, k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range old {
			if err := seen.Delete(k); err != nil {
				return err
			}
		}
		n = len(old)
		return nil
	})
	return n, err
}
