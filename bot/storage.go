package bot

import (
	"encoding/json"
	"time"

	"github.com/lotse-bot/lotse/flows"
)

// Store is what the bot keeps on disk: the journal of updates, the outbox and the
// transactions of the scheduler. main passes a *store.DB; bot knows it only by these
// interfaces.
type Store interface {
	Journal
	Outbox
	Transactions
}

// Journal keeps the updates taken from Telegram until flows handled them.
type Journal interface {
	// Journal stores the updates not seen before and returns them with their place in the
	// journal; only then may they be acknowledged to Telegram.
	Journal(updates []Update, now time.Time) ([]InboxEntry, error)
	// Take is Journal that first offers each update not seen before to handle, by its
	// index, in the same transaction: one handle is done with stays out of the journal, and
	// the messages it sent are returned. A failing handle fails the whole call.
	Take(updates []Update, now time.Time, handle func(tx flows.Tx, i int) (bool, error)) ([]InboxEntry, []OutboxEntry, error)
	// Inbox returns the journaled updates not yet handled, oldest first.
	Inbox() ([]InboxEntry, error)
	// Offset is the getUpdates offset that acknowledges every journaled update.
	Offset() (int64, error)
	// PruneSeen forgets the ids of updates journaled before cutoff.
	PruneSeen(cutoff time.Time) (int, error)
	// Process runs handle in the transaction that removes update seq from the journal and
	// returns the messages it put in the outbox.
	Process(seq uint64, handle func(flows.Tx) error) ([]OutboxEntry, error)
}

// Outbox holds the messages to send, and the translation jobs, until they are done with.
type Outbox interface {
	// Outbox returns every message not yet sent, oldest first.
	Outbox() ([]OutboxEntry, error)
	// Delivered removes sent messages that nothing follows from.
	Delivered(seqs ...uint64) error
	// Progress records how far a message sent in parts got.
	Progress(seq uint64, o flows.Outgoing) error
	// Settle removes entries and runs settle for each in the same transaction, returning
	// the messages that follow.
	Settle(entries []OutboxEntry, settle func(flows.Tx, OutboxEntry) error) ([]OutboxEntry, error)
}

// Transactions run flows that no update started: the start of the daily retention and
// due reminders.
type Transactions interface {
	View(read func(flows.Tx) error) error
	Update(handle func(flows.Tx) error) ([]OutboxEntry, error)
}

// The records the journal and the outbox hand over are plain struct types, spelled out
// here and in store alike: Go holds two such types identical, so a *store.DB satisfies
// Store without bot importing store. Changing one without the other fails to compile
// where main passes the database to New.
type (
	// Update is one update as Telegram sent it, with its id.
	Update = struct {
		ID  int64
		Raw json.RawMessage
	}
	// InboxEntry is a journaled update waiting to be handled.
	InboxEntry = struct {
		Seq uint64
		Update
	}
	// OutboxEntry is a message waiting to be sent.
	OutboxEntry = struct {
		Seq uint64
		Out flows.Outgoing
	}
)
