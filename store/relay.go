package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

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
	raw, err := json.Marshal(ref)
	if err != nil {
		return err
	}
	if err := t.bolt.Bucket(bucketRelays).Put(messageKey(chat, msg), raw); err != nil {
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
	raw := t.bolt.Bucket(bucketRelays).Get(messageKey(chat, msg))
	if raw == nil {
		return flows.RelayRef{}, flows.Errorf(flows.ENotFound, "no relay for that message")
	}
	var ref flows.RelayRef
	if err := json.Unmarshal(raw, &ref); err != nil {
		return flows.RelayRef{}, fmt.Errorf("decode relay: %w", err)
	}
	return ref, nil
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
	return t.bolt.Bucket(bucketClients).ForEach(func(k, v []byte) error {
		var c flows.Client
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("decode client: %w", err)
		}
		return fn(&c)
	})
}

// PutBroadcast stores a group news round.
func (t *tx) PutBroadcast(b *flows.Broadcast) error {
	raw, err := json.Marshal(b)
	if err != nil {
		return err
	}
	return t.bolt.Bucket(bucketBroadcasts).Put([]byte(b.ID), raw)
}

// Broadcast returns a group news round, or an error with code ENotFound.
func (t *tx) Broadcast(id string) (*flows.Broadcast, error) {
	raw := t.bolt.Bucket(bucketBroadcasts).Get([]byte(id))
	if raw == nil {
		return nil, flows.Errorf(flows.ENotFound, "broadcast not found")
	}
	var b flows.Broadcast
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("decode broadcast: %w", err)
	}
	return &b, nil
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
			if err := out.Delete(u64(e.Seq)); err != nil {
				return err
			}
			if err := settle(t, e); err != nil {
				return err
			}
		}
		return nil
	})
}
