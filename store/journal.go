package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/flows"
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
	fresh, _, err := db.Take(updates, now, nil)
	return fresh, err
}

// Take is Journal that offers each update not seen before to handle first, in the same
// write transaction: an update handle is done with (it returns true) never enters the
// inbox, and the messages it put in the outbox are returned with the update journaled. So an
// update whose chat has nothing waiting costs one transaction, not two, and no inbox record
// written and deleted. handle gets the update's index in updates; if it fails, nothing of
// the call is kept and the error is returned (the caller then journals with Journal and
// handles each update on its own). A nil handle journals every fresh update.
func (db *DB) Take(updates []Update, now time.Time, handle func(tx flows.Tx, i int) (bool, error)) ([]InboxEntry, []OutboxEntry, error) {
	var fresh []InboxEntry
	sent, err := db.collect(db.batch, func(t *tx) error {
		fresh = fresh[:0]
		inbox, seen := t.bolt.Bucket(bucketInbox), t.bolt.Bucket(bucketSeen)
		for i, u := range updates {
			key := i64(u.ID)
			if seen.Get(key) != nil {
				continue
			}
			if err := seen.Put(key, i64(now.Unix())); err != nil {
				return err
			}
			if handle != nil {
				done, err := handle(t, i)
				if err != nil {
					return err
				}
				if done {
					continue
				}
			}
			seq, err := inbox.NextSequence()
			if err != nil {
				return err
			}
			if err := inbox.Put(u64(seq), inboxRecord(u)); err != nil {
				return err
			}
			fresh = append(fresh, InboxEntry{Seq: seq, Update: u})
		}
		if len(updates) == 0 {
			return nil
		}
		// The next getUpdates confirms everything up to the last update of this batch.
		return t.bolt.Bucket(bucketMeta).Put(keyOffset, i64(updates[len(updates)-1].ID+1))
	})
	if err != nil {
		return nil, nil, err
	}
	return fresh, sent, nil
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
