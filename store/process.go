package store

import (
	"encoding/binary"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/flows"
)

// OutboxEntry is a message waiting to be sent; a type alias, like Update.
type OutboxEntry = struct {
	Seq uint64
	Out flows.Outgoing
}

// Process handles the journaled update seq: it runs handle in a write transaction that also
// removes the update from the inbox, so the update's effects — new state and outgoing
// messages — are committed together with its removal, or not at all. It returns the outbox
// entries the transaction wrote. An update no longer in the inbox was handled already and is
// skipped.
//
// Transactions of different chats are committed in batches; handle may run more than once
// and must have no effect outside tx.
func (db *DB) Process(seq uint64, handle func(flows.Tx) error) ([]OutboxEntry, error) {
	return db.write(func(t *tx) error {
		inbox := t.bolt.Bucket(bucketInbox)
		if inbox.Get(u64(seq)) == nil {
			return nil
		}
		if err := inbox.Delete(u64(seq)); err != nil {
			return err
		}
		return handle(t)
	})
}

// View runs read in a read-only transaction; writes through it fail.
func (db *DB) View(read func(flows.Tx) error) error {
	return db.view(func(btx *bolt.Tx) error { return read(&tx{bolt: btx}) })
}

// Update runs handle in a write transaction of its own, not batched with others, and
// returns the outbox entries it wrote: for a single writer such as the reminder scheduler,
// which need not wait for company.
func (db *DB) Update(handle func(flows.Tx) error) ([]OutboxEntry, error) {
	return db.collect(db.update, func(t *tx) error { return handle(t) })
}

// Do runs handle in a write transaction, for events that do not come from the inbox, and
// returns the outbox entries it wrote.
func (db *DB) Do(handle func(flows.Tx) error) ([]OutboxEntry, error) {
	return db.write(func(t *tx) error { return handle(t) })
}

func (db *DB) write(fn func(*tx) error) ([]OutboxEntry, error) {
	return db.collect(db.batch, fn)
}

// collect runs fn in a write transaction started by run (db's update or batch) and returns
// the outbox entries of the run that committed; batch may run fn more than once. A
// transaction that erased a client records the erasure (see finishErasure) before it
// commits and signals it after.
func (db *DB) collect(run func(func(*bolt.Tx) error) error, fn func(*tx) error) ([]OutboxEntry, error) {
	var sent []OutboxEntry
	erased := false
	err := run(func(btx *bolt.Tx) error {
		t := &tx{bolt: btx}
		if err := fn(t); err != nil {
			return err
		}
		if len(t.erasedIDs) > 0 {
			if err := t.finishErasure(db.ledger); err != nil {
				return err
			}
		}
		sent, erased = t.sent, len(t.erasedIDs) > 0
		return nil
	})
	if err != nil {
		return nil, err
	}
	if erased {
		select {
		case db.erased <- struct{}{}:
		default: // a signal is waiting already
		}
	}
	return sent, nil
}

// tx implements flows.Tx on a bbolt transaction.
type tx struct {
	bolt *bolt.Tx
	sent []OutboxEntry
	// erasedIDs are the clients EraseClient erased, erased the records it deleted.
	erasedIDs []int64
	erased    []*flows.Client
}

var _ flows.Tx = (*tx)(nil)

func (t *tx) Client(id int64) (*flows.Client, error) {
	return getRecord[flows.Client](t.bolt.Bucket(bucketClients), i64(id), "client")
}

// PutClient stores a client. The cases bucket maps each case number to the client who holds
// the case — the client themselves, or for a household the member who holds it — so a
// member's record never takes the number, and a number the client held before (before they
// joined a household) is given up.
func (t *tx) PutClient(c *flows.Client) error {
	cases := t.bolt.Bucket(bucketCases)
	if old, err := t.Client(c.ID); err == nil && old.Case > 0 && (old.Case != c.Case || c.Holder != 0) {
		if err := t.dropCase(old.Case, c.ID); err != nil {
			return err
		}
	}
	if c.Case > 0 && c.Holder == 0 {
		if err := cases.Put(i64(int64(c.Case)), i64(c.ID)); err != nil {
			return err
		}
	}
	return putRecord(t.bolt.Bucket(bucketClients), i64(c.ID), c)
}

// dropCase forgets that case n is held by client; it stays with whoever else holds it now.
func (t *tx) dropCase(n int, client int64) error {
	cases := t.bolt.Bucket(bucketCases)
	if v := cases.Get(i64(int64(n))); len(v) == 8 && int64(binary.BigEndian.Uint64(v)) == client {
		return cases.Delete(i64(int64(n)))
	}
	return nil
}

// ClientByCase returns the client who holds a case, or an error with code ENotFound.
func (t *tx) ClientByCase(n int) (*flows.Client, error) {
	v := t.bolt.Bucket(bucketCases).Get(i64(int64(n)))
	if len(v) != 8 {
		return nil, flows.Errorf(flows.ENotFound, "case not found")
	}
	c, err := t.Client(int64(binary.BigEndian.Uint64(v)))
	if err == nil && (c.Case != n || c.Holder != 0) {
		return nil, flows.Errorf(flows.ENotFound, "case not found")
	}
	return c, err
}

// NextCase counts case numbers in the clients bucket's sequence.
func (t *tx) NextCase() (int, error) {
	n, err := t.bolt.Bucket(bucketClients).NextSequence()
	return int(n), err
}

func (t *tx) Staff(id int64) (*flows.Staff, error) {
	return getRecord[flows.Staff](t.bolt.Bucket(bucketStaff), i64(id), "staff member")
}

func (t *tx) PutStaff(s *flows.Staff) error {
	return putRecord(t.bolt.Bucket(bucketStaff), i64(s.ID), s)
}

func (t *tx) Send(o flows.Outgoing) error {
	b := t.bolt.Bucket(bucketOutbox)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	if o.Queued.IsZero() {
		o.Queued = time.Now()
	}
	if err := putRecord(b, u64(seq), o); err != nil {
		return err
	}
	if err := indexOutbox(t.bolt, seq, &o); err != nil {
		return err
	}
	t.sent = append(t.sent, OutboxEntry{Seq: seq, Out: o})
	return nil
}

func (t *tx) CountView(question, lang string) error {
	return increment(t.bolt.Bucket(bucketViews), []byte(question+"\x00"+lang))
}

func (t *tx) Views() (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	err := t.bolt.Bucket(bucketViews).ForEach(func(k, v []byte) error {
		question, lang, ok := strings.Cut(string(k), "\x00")
		if !ok || len(v) != 8 {
			return nil
		}
		if out[question] == nil {
			out[question] = map[string]int{}
		}
		out[question][lang] = int(binary.BigEndian.Uint64(v))
		return nil
	})
	return out, err
}

// Outbox returns every message not yet sent, oldest first.
func (db *DB) Outbox() ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := db.view(func(tx *bolt.Tx) error {
		return eachRecord(tx.Bucket(bucketOutbox), nil, "outbox entry", func(k []byte, o *flows.Outgoing) error {
			out = append(out, OutboxEntry{Seq: binary.BigEndian.Uint64(k), Out: *o})
			return nil
		})
	})
	return out, err
}

// Delivered removes sent (or given up) messages from the outbox.
func (db *DB) Delivered(seqs ...uint64) error {
	return db.batch(func(tx *bolt.Tx) error {
		for _, s := range seqs {
			if err := deleteOutbox(tx, s); err != nil {
				return err
			}
		}
		return nil
	})
}

// Progress records how far a message sent in parts got, if it is still in the outbox.
func (db *DB) Progress(seq uint64, o flows.Outgoing) error {
	return db.batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		if b.Get(u64(seq)) == nil {
			return nil
		}
		return putRecord(b, u64(seq), o)
	})
}

// Client reads one client's record, for tools and tests.
func (db *DB) Client(id int64) (*flows.Client, error) {
	var c *flows.Client
	err := db.view(func(btx *bolt.Tx) error {
		var err error
		c, err = (&tx{bolt: btx}).Client(id)
		return err
	})
	return c, err
}
