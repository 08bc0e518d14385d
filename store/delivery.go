package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/lotse-bot/lotse/flows"
)

var (
	bucketDeliveries = []byte("relay_deliveries") // client, source message id → Delivery: a client's message on its way to the team, or kept
	bucketIntake     = []byte("relay_intake")     // client, chat, message id → IntakeHeader: headers that still offer "take case"
)

// PutDelivery stores where a client's message stands on its way to the team.
func (t *tx) PutDelivery(d *flows.Delivery) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return t.bolt.Bucket(bucketDeliveries).Put(messageKey(d.Client, d.Source), raw)
}

// Delivery returns the delivery of a client's message, or an error with code ENotFound.
func (t *tx) Delivery(client int64, source int) (*flows.Delivery, error) {
	raw := t.bolt.Bucket(bucketDeliveries).Get(messageKey(client, source))
	if raw == nil {
		return nil, flows.Errorf(flows.ENotFound, "no delivery for that message")
	}
	var d flows.Delivery
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("decode delivery: %w", err)
	}
	return &d, nil
}

// DeleteDelivery forgets the delivery of a client's message.
func (t *tx) DeleteDelivery(client int64, source int) error {
	return t.bolt.Bucket(bucketDeliveries).Delete(messageKey(client, source))
}

// Deliveries returns the deliveries of one client's messages (or of everyone's for client
// 0), in the order the messages were written per client.
func (t *tx) Deliveries(client int64) ([]*flows.Delivery, error) {
	var prefix []byte
	if client != 0 {
		prefix = i64(client)
	}
	var out []*flows.Delivery
	c := t.bolt.Bucket(bucketDeliveries).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var d flows.Delivery
		if err := json.Unmarshal(v, &d); err != nil {
			return nil, fmt.Errorf("decode delivery: %w", err)
		}
		out = append(out, &d)
	}
	return out, nil
}

func intakeKey(client, chat int64, msg int) []byte {
	return binary.BigEndian.AppendUint32(append(i64(client), i64(chat)...), uint32(msg))
}

// PutIntakeHeader records a delivered header that offers "take case" for a client.
func (t *tx) PutIntakeHeader(h flows.IntakeHeader) error {
	raw, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return t.bolt.Bucket(bucketIntake).Put(intakeKey(h.Client, h.Chat, h.Message), raw)
}

// TakeIntakeHeaders returns and forgets a client's headers that offer "take case".
func (t *tx) TakeIntakeHeaders(client int64) ([]flows.IntakeHeader, error) {
	var out []flows.IntakeHeader
	b := t.bolt.Bucket(bucketIntake)
	c := b.Cursor()
	prefix := i64(client)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var h flows.IntakeHeader
		if err := json.Unmarshal(v, &h); err != nil {
			return nil, fmt.Errorf("decode intake header: %w", err)
		}
		out = append(out, h)
	}
	return out, deletePrefix(b, prefix)
}
