package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/lotse-bot/lotse/flows"
)

// incoming is one update as Lotse takes it in, from getUpdates, the webhook or the journal
// after a restart: its JSON is read once, into the id, the chat whose queue it joins and the
// event flows get, beside the bytes Telegram sent, which the journal keeps.
type incoming struct {
	id   int64           // update_id; 0 when the update has none
	chat int64           // the queue: updates of one chat are handled in order; 0 for updates without a chat
	raw  json.RawMessage // as Telegram sent it
	seq  uint64          // the update's place in the journal, once journaled

	event  flows.Event
	answer bool   // false for updates Lotse does not answer: groups, channels, unused types
	kind   string // the event's kind in the metrics, "ignored" or "invalid"

	direct bool // take handles it in the transaction that journals its batch
	done   bool // take handled it so
}

// read reads an update's JSON. An update that is no Bot API update (its id aside) is kept
// as "invalid": it is journaled and acknowledged like any other, and dropped when handled.
func (b *Bot) read(raw json.RawMessage) incoming {
	in := incoming{raw: raw, kind: "invalid"}
	var u models.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		var head struct {
			ID int64 `json:"update_id"`
		}
		if json.Unmarshal(raw, &head) == nil {
			in.id = head.ID
		}
		return in
	}
	in.id = u.ID
	in.event, in.chat, in.answer = toEvent(&u, b.username)
	in.kind = "ignored"
	if in.answer {
		in.kind = eventKind(in.event.Kind)
	}
	return in
}

// take journals updates and handles them; only after take returned nil may they be
// acknowledged to Telegram: what is acknowledged is on disk, and is handled even after a
// crash. With now, an update whose chat has nothing waiting before it is handled in the
// transaction that journals the batch, and never enters the journal; the others wait there,
// each in its chat's queue. If handling fails, the batch is journaled whole and every update
// is handled on its own, where a failure is told to the person and does not hold up the
// others.
func (b *Bot) take(updates []incoming, now bool) error {
	records := make([]Update, len(updates))
	waiting := map[int64]bool{} // chats with an update of this batch in the journal
	for i := range updates {
		in := &updates[i]
		records[i] = Update{ID: in.id, Raw: in.raw}
		in.direct = now && (!in.answer || (!waiting[in.chat] && !b.dispatch.queued(in.chat)))
		if !in.direct {
			waiting[in.chat] = true
		}
	}
	fresh, out, err := b.opts.DB.Take(records, time.Now(), func(tx flows.Tx, i int) (bool, error) {
		in := &updates[i]
		if !in.direct {
			return false, nil
		}
		in.done = true
		if !in.answer {
			return true, nil
		}
		defer prometheus.NewTimer(b.metrics.Handling).ObserveDuration()
		return true, b.handleEvent(tx, in.event)
	})
	if err != nil {
		b.log.Warn("handling a batch of updates at once failed; handling each on its own", "err", err)
		for i := range updates {
			updates[i].done = false
		}
		if fresh, err = b.opts.DB.Journal(records, time.Now()); err != nil {
			return err
		}
		out = nil
	}
	for _, in := range updates {
		if in.done {
			b.count(in)
		}
	}
	b.sender.Push(out...)
	// fresh is the journaled updates in order, without redeliveries.
	i := 0
	for _, e := range fresh {
		for i < len(updates) && updates[i].id != e.ID {
			i++
		}
		if i == len(updates) {
			return fmt.Errorf("the journal returned update %d, which was not given", e.ID)
		}
		updates[i].seq = e.Seq
		b.dispatch.push(updates[i].chat, updates[i])
		i++
	}
	return nil
}

// resume queues the updates journaled but not handled before the last stop.
func (b *Bot) resume(entries []InboxEntry) {
	for _, e := range entries {
		in := b.read(e.Raw)
		in.id, in.seq = e.ID, e.Seq
		b.dispatch.push(in.chat, in)
	}
}

// poll fetches updates until ctx ends. Each batch is journaled before the next getUpdates
// call acknowledges it, so a crash at any point loses nothing; redeliveries are dropped by
// the journal.
func (b *Bot) poll(ctx context.Context) error {
	offset, err := b.opts.DB.Offset()
	if err != nil {
		return err
	}
	backoff := time.Duration(0)
	for {
		if backoff > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff):
			}
		}
		raws, err := b.api.getUpdates(ctx, offset, b.opts.PollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err.Code == http.StatusUnauthorized {
				return ErrUnauthorized
			}
			backoff = nextBackoff(backoff, err)
			b.log.Warn("getUpdates failed", "err", err, "retry_in", backoff)
			continue
		}
		backoff = 0
		b.metrics.contact()
		updates := make([]incoming, 0, len(raws))
		for _, raw := range raws {
			if in := b.read(raw); in.id != 0 {
				updates = append(updates, in)
			} else {
				b.log.Warn("dropping an update without update_id")
			}
		}
		if len(updates) == 0 {
			continue
		}
		if err := b.take(updates, true); err != nil {
			// Not journaled, not acknowledged: Telegram delivers the batch again.
			b.log.Error("journaling updates failed", "err", err)
			backoff = nextBackoff(backoff, nil)
			continue
		}
		offset = updates[len(updates)-1].id + 1
	}
}

// nextBackoff doubles the wait after a failure, from 1 s up to 1 min, or waits what a 429
// asks for.
func nextBackoff(prev time.Duration, err *apiError) time.Duration {
	if err != nil && err.RetryAfter > 0 {
		return err.RetryAfter
	}
	next := 2 * prev
	if next < time.Second {
		next = time.Second
	}
	return min(next, time.Minute)
}

// maxParallelChats bounds how many updates, each of another chat, are handled at the same
// time.
const maxParallelChats = 256

// handle processes one journaled update: flows run in a transaction that also removes the
// update from the journal and fills the outbox. A panic or error in flows is logged with the
// update id, the person is told that something went wrong, and the update is done with.
func (b *Bot) handle(in incoming) {
	b.handling <- struct{}{}
	defer func() { <-b.handling }()
	b.count(in)
	defer prometheus.NewTimer(b.metrics.Handling).ObserveDuration()
	if !in.answer {
		// Groups, channels and update types Lotse does not use: done without an answer.
		if _, err := b.opts.DB.Process(in.seq, func(flows.Tx) error { return nil }); err != nil {
			b.log.Error("dropping an update failed", "update", in.id, "err", err)
		}
		return
	}
	ev := in.event
	out, err := b.opts.DB.Process(in.seq, func(tx flows.Tx) error { return b.handleEvent(tx, ev) })
	if err != nil {
		b.log.Error("handling an update failed", "update", in.id, "chat", ev.UserID, "err", err)
		out, err = b.opts.DB.Process(in.seq, func(tx flows.Tx) error { return b.opts.Flows.Failed(tx, ev) })
		if err != nil {
			b.log.Error("recording a failed update failed", "update", in.id, "err", err)
			return
		}
	}
	b.sender.Push(out...)
}

// handleEvent lets flows handle ev inside tx. A panic becomes an error, which rolls tx back.
func (b *Bot) handleEvent(tx flows.Tx, ev flows.Event) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r}
		}
	}()
	return b.opts.Flows.Handle(tx, ev)
}

// count counts an update taken in, by kind, and logs one that is not a Bot API update.
func (b *Bot) count(in incoming) {
	if in.kind == "invalid" {
		b.log.Warn("update is not valid JSON; dropped", "update", in.id)
	}
	b.metrics.Updates.WithLabelValues(in.kind).Inc()
}

// panicError carries a recovered panic out of a transaction, which it rolls back.
type panicError struct{ value any }

func (p *panicError) Error() string { return "panic: " + fmt.Sprint(p.value) }
