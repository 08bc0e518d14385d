package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/lotse-bot/lotse/flows"
)

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
		raws, err := b.poller.getUpdates(ctx, offset, b.opts.PollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var apiErr *apiError
			if errors.As(err, &apiErr) && apiErr.Code == http.StatusUnauthorized {
				return ErrUnauthorized
			}
			backoff = nextBackoff(backoff, apiErr)
			b.log.Warn("getUpdates failed", "err", err, "retry_in", backoff)
			continue
		}
		backoff = 0
		b.metrics.contact()
		if len(raws) == 0 {
			continue
		}
		updates := make([]Update, 0, len(raws))
		for _, raw := range raws {
			var head struct {
				ID int64 `json:"update_id"`
			}
			if err := json.Unmarshal(raw, &head); err != nil {
				b.log.Warn("dropping an update without update_id")
				continue
			}
			updates = append(updates, Update{ID: head.ID, Raw: raw})
		}
		fresh, err := b.opts.DB.Journal(updates, time.Now())
		if err != nil {
			// Not journaled, not acknowledged: Telegram delivers the batch again.
			b.log.Error("journaling updates failed", "err", err)
			backoff = nextBackoff(backoff, nil)
			continue
		}
		offset = updates[len(updates)-1].ID + 1
		b.dispatchAll(fresh)
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

// dispatchAll queues journaled updates, each in its chat's queue.
func (b *Bot) dispatchAll(entries []InboxEntry) {
	for _, e := range entries {
		b.dispatch.push(chatOf(e.Raw), e)
	}
}

// chatOf finds the chat an update belongs to, reading only the fields that say so. Updates
// without a chat share queue 0.
func chatOf(raw json.RawMessage) int64 {
	type chat struct {
		Chat struct {
			ID int64 `json:"id"`
		} `json:"chat"`
	}
	var u struct {
		Message       *chat `json:"message"`
		EditedMessage *chat `json:"edited_message"`
		CallbackQuery *struct {
			From struct {
				ID int64 `json:"id"`
			} `json:"from"`
		} `json:"callback_query"`
	}
	if json.Unmarshal(raw, &u) != nil {
		return 0
	}
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	}
	return 0
}

// handle processes one journaled update: flows run in a transaction that also removes the
// update from the journal and fills the outbox. A panic or error in flows is logged with the
// update id, the person is told that something went wrong, and the update is done with.
func (b *Bot) handle(e InboxEntry) {
	var u models.Update
	ev, _, ok := flows.Event{}, int64(0), false
	kind := "invalid"
	if err := json.Unmarshal(e.Raw, &u); err != nil {
		b.log.Warn("update is not valid JSON; dropped", "update", e.ID)
	} else if ev, _, ok = toEvent(&u, b.username); ok {
		kind = eventKind(ev.Kind)
	} else {
		kind = "ignored"
	}
	b.metrics.Updates.WithLabelValues(kind).Inc()
	defer prometheus.NewTimer(b.metrics.Handling).ObserveDuration()
	if !ok {
		// Groups, channels and update types Lotse does not use: done without an answer.
		if _, err := b.opts.DB.Process(e.Seq, func(flows.Tx) error { return nil }); err != nil {
			b.log.Error("dropping an update failed", "update", e.ID, "err", err)
		}
		return
	}
	out, err := b.opts.DB.Process(e.Seq, func(tx flows.Tx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = &panicError{value: r}
			}
		}()
		return b.opts.Flows.Handle(tx, ev)
	})
	if err != nil {
		b.log.Error("handling an update failed", "update", e.ID, "chat", ev.UserID, "err", err)
		out, err = b.opts.DB.Process(e.Seq, func(tx flows.Tx) error { return b.opts.Flows.Failed(tx, ev) })
		if err != nil {
			b.log.Error("recording a failed update failed", "update", e.ID, "err", err)
			return
		}
	}
	b.sender.Push(out...)
}

// panicError carries a recovered panic out of a transaction, which it rolls back.
type panicError struct{ value any }

func (p *panicError) Error() string { return "panic: " + fmtAny(p.value) }
