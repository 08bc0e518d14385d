package store

import (
	"encoding/binary"

	"github.com/lotse-bot/lotse/flows"
)

var (
	bucketDeliveries = []byte("relay_deliveries") // client, source message id → Delivery: a client's message on its way to the team, or kept
	bucketIntake     = []byte("relay_intake")     // client, chat, message id → IntakeHeader: headers that still offer "take case"
)

// PutDelivery stores where a client's message stands on its way to the team.
func (t *tx) PutDelivery(d *flows.Delivery) error {
	return putRecord(t.bolt.Bucket(bucketDeliveries), messageKey(d.Client, d.Source), d)
}

// Delivery returns the delivery of a client's message, or an error with code ENotFound.
func (t *tx) Delivery(client int64, source int) (*flows.Delivery, error) {
	return getRecord[flows.Delivery](t.bolt.Bucket(bucketDeliveries), messageKey(client, source), "delivery")
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
	err := eachRecord(t.bolt.Bucket(bucketDeliveries), prefix, "delivery", func(_ []byte, d *flows.Delivery) error {
		out = append(out, d)
		return nil
	})
	return out, err
}

func intakeKey(client, chat int64, msg int) []byte {
	return binary.BigEndian.AppendUint32(append(i64(client), i64(chat)...), uint32(msg))
}

// PutIntakeHeader records a delivered header that offers "take case" for a client.
func (t *tx) PutIntakeHeader(h flows.IntakeHeader) error {
	k := intakeKey(h.Client, h.Chat, h.Message)
	b, byTime := t.bolt.Bucket(bucketIntake), t.bolt.Bucket(bucketIntakeByTime)
	if old, err := getRecord[flows.IntakeHeader](b, k, "intake header"); err == nil {
		if err := byTime.Delete(timed(old.At, k)); err != nil {
			return err
		}
	}
	if err := byTime.Put(timed(h.At, k), nil); err != nil {
		return err
	}
	return putRecord(b, k, h)
}

// TakeIntakeHeaders returns and forgets a client's headers that offer "take case".
func (t *tx) TakeIntakeHeaders(client int64) ([]flows.IntakeHeader, error) {
	var out []flows.IntakeHeader
	b, byTime := t.bolt.Bucket(bucketIntake), t.bolt.Bucket(bucketIntakeByTime)
	prefix := i64(client)
	err := eachRecord(b, prefix, "intake header", func(k []byte, h *flows.IntakeHeader) error {
		out = append(out, *h)
		return byTime.Delete(timed(h.At, k))
	})
	if err != nil {
		return nil, err
	}
	return out, deletePrefix(b, prefix)
}
