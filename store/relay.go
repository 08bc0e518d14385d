package store

import (
	"bytes"
	"encoding/binary"

	"github.com/lotse-bot/lotse/flows"
)

var (
	bucketRelays     = []byte("relays")       // chat, message id → RelayRef: whose case a message in a manager's chat belongs to
	bucketRelayCopy  = []byte("relay_copies") // client, source message id, chat → copy's message id
	bucketBroadcasts = []byte("broadcasts")   // id → Broadcast
)

func messageKey(chat int64, msg int) []byte {
	return binary.BigEndian.AppendUint32(i64(chat), uint32(msg))
}

// PutRelay records that message msg of chat stands for ref's client; for a copy of a
// client's message, also where the copy is, so an edit can point to it.
func (t *tx) PutRelay(chat int64, msg int, ref flows.RelayRef) error {
	b := t.bolt.Bucket(bucketRelays)
	if old, err := getRecord[flows.RelayRef](b, messageKey(chat, msg), "relay"); err == nil {
		if err := t.indexRelay(chat, msg, *old, true); err != nil {
			return err
		}
	}
	if err := t.indexRelay(chat, msg, ref, false); err != nil {
		return err
	}
	if err := putRecord(b, messageKey(chat, msg), ref); err != nil {
		return err
	}
	if ref.Source == 0 {
		return nil
	}
	k := binary.BigEndian.AppendUint64(messageKey(ref.Client, ref.Source), uint64(chat))
	return t.bolt.Bucket(bucketRelayCopy).Put(k, binary.BigEndian.AppendUint32(nil, uint32(msg)))
}

// Relay returns whose case message msg of chat belongs to, or an error with code ENotFound.
func (t *tx) Relay(chat int64, msg int) (flows.RelayRef, error) {
	ref, err := getRecord[flows.RelayRef](t.bolt.Bucket(bucketRelays), messageKey(chat, msg), "relay")
	if err != nil {
		return flows.RelayRef{}, err
	}
	return *ref, nil
}

// RelayCopies returns where a client's message was copied to: chat → message id.
func (t *tx) RelayCopies(client int64, source int) (map[int64]int, error) {
	prefix := messageKey(client, source)
	out := map[int64]int{}
	c := t.bolt.Bucket(bucketRelayCopy).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) == len(prefix)+8 && len(v) == 4 {
			out[int64(binary.BigEndian.Uint64(k[len(prefix):]))] = int(binary.BigEndian.Uint32(v))
		}
	}
	return out, nil
}

// Clients calls fn for every client, in the order of their Telegram ids, until fn fails.
func (t *tx) Clients(fn func(*flows.Client) error) error {
	return eachRecord(t.bolt.Bucket(bucketClients), nil, "client", func(_ []byte, c *flows.Client) error { return fn(c) })
}

// ClientsAfter returns up to limit clients whose keys follow after's, in key order; after 0
// starts at the first.
func (t *tx) ClientsAfter(after int64, limit int) ([]*flows.Client, error) {
	var out []*flows.Client
	c := t.bolt.Bucket(bucketClients).Cursor()
	from := i64(after)
	for k, raw := c.Seek(from); k != nil && len(out) < limit; k, raw = c.Next() {
		if after != 0 && bytes.Equal(k, from) {
			continue
		}
		cl, err := decodeRecord[flows.Client](raw, "client")
		if err != nil {
			return nil, err
		}
		out = append(out, cl)
	}
	return out, nil
}

// PutBroadcast stores a group news round.
func (t *tx) PutBroadcast(b *flows.Broadcast) error {
	bucket, byTime := t.bolt.Bucket(bucketBroadcasts), t.bolt.Bucket(bucketBroadcastsByTime)
	if old, err := getRecord[flows.Broadcast](bucket, []byte(b.ID), "broadcast"); err == nil {
		if err := byTime.Delete(timed(old.At, []byte(b.ID))); err != nil {
			return err
		}
	}
	if err := byTime.Put(timed(b.At, []byte(b.ID)), nil); err != nil {
		return err
	}
	return putRecord(bucket, []byte(b.ID), b)
}

// Broadcast returns a group news round, or an error with code ENotFound.
func (t *tx) Broadcast(id string) (*flows.Broadcast, error) {
	return getRecord[flows.Broadcast](t.bolt.Bucket(bucketBroadcasts), []byte(id), "broadcast")
}

// Settle removes sent or refused messages from the outbox and lets settle record what
// follows from each — all in one transaction, so a message's consequences (the relay
// mapping, the "delivered" note, the next recipient) happen exactly once. It returns the
// outbox entries settle wrote.
func (db *DB) Settle(entries []OutboxEntry, settle func(flows.Tx, OutboxEntry) error) ([]OutboxEntry, error) {
	return db.write(func(t *tx) error {
		out := t.bolt.Bucket(bucketOutbox)
		for _, e := range entries {
			if out.Get(u64(e.Seq)) == nil {
				continue // settled before
			}
			if err := deleteOutbox(t.bolt, e.Seq); err != nil {
				return err
			}
			if err := settle(t, e); err != nil {
				return err
			}
		}
		return nil
	})
}
