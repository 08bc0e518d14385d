package bot

import (
	"container/list"
	"context"
	"sync"

	"golang.org/x/time/rate"

	"github.com/lotse-bot/lotse/flows"
)

// priority orders the messages that wait for the global rate: the higher goes first.
type priority int

const (
	// broadcastPriority is group news: thousands of messages nobody waits for this second.
	broadcastPriority priority = iota
	// reminderPriority is what the scheduler sends: reminders and notices that fell due.
	reminderPriority
	// relayPriority is a message carried between a client and a manager.
	relayPriority
	// interactivePriority is the answer to what a person just did.
	interactivePriority

	priorities = int(interactivePriority) + 1
)

// priorityOf ranks a message. Outgoing.Scheduled marks what the scheduler's tick put in the
// outbox, also after a restart; everything else follows from an update or from a delivery
// and is treated as an answer unless it is group news or a relay.
func priorityOf(o flows.Outgoing) priority {
	switch {
	case o.Broadcast != "":
		return broadcastPriority
	case o.Kind == flows.OutCopy || o.Relay != nil:
		return relayPriority
	case o.Scheduled:
		return reminderPriority
	}
	return interactivePriority
}

// gate lets messages through at the global rate, the most urgent first and, among equally
// urgent ones, the longest waiting first. Without it every chat would reserve its turn with
// the rate limiter in arrival order, and an answer queued behind a broadcast to 10 000
// clients would wait the broadcast's whole length.
type gate struct {
	limiter *rate.Limiter

	mu      sync.Mutex
	waiting [priorities]list.List // of *ticket, oldest first
	byChat  map[int64]*ticket     // a chat's goroutine waits with at most one ticket
	running bool                  // a goroutine hands out the limiter's tokens
}

// ticket is one chat's place at the gate.
type ticket struct {
	chat  int64
	prio  priority
	elem  *list.Element
	ready chan struct{} // closed when the chat may send
}

func newGate(limiter *rate.Limiter) *gate {
	return &gate{limiter: limiter, byChat: map[int64]*ticket{}}
}

// wait blocks until chat may send one message or ctx ends. prio is asked under the gate's
// lock, so that a raise for chat either is counted in it or finds the ticket.
func (g *gate) wait(ctx context.Context, chat int64, prio func() priority) error {
	g.mu.Lock()
	t := &ticket{chat: chat, prio: prio(), ready: make(chan struct{})}
	t.elem = g.waiting[t.prio].PushBack(t)
	g.byChat[chat] = t
	if !g.running {
		g.running = true
		go g.run(ctx)
	}
	g.mu.Unlock()
	select {
	case <-t.ready:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		select {
		case <-t.ready: // granted meanwhile; the token is lost, the sender stops anyway
		default:
			g.waiting[t.prio].Remove(t.elem)
			delete(g.byChat, chat)
		}
		return ctx.Err()
	}
}

// raise moves chat's waiting ticket up to p: a message of the chat that is more urgent than
// the one waiting must not wait behind it in the chat's queue at a lower rank.
func (g *gate) raise(chat int64, p priority) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.byChat[chat]
	if t == nil || p <= t.prio {
		return
	}
	g.waiting[t.prio].Remove(t.elem)
	t.prio = p
	t.elem = g.waiting[p].PushBack(t)
}

// run hands out the limiter's tokens while tickets wait. A token taken for a ticket goes to
// the most urgent ticket waiting when it is ready, not to the one waiting when it was taken.
func (g *gate) run(ctx context.Context) {
	for {
		g.mu.Lock()
		if len(g.byChat) == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		err := g.limiter.Wait(ctx)
		g.mu.Lock()
		if err != nil {
			g.running = false
			g.mu.Unlock()
			return
		}
		for p := priorities - 1; p >= 0; p-- {
			if e := g.waiting[p].Front(); e != nil {
				t := g.waiting[p].Remove(e).(*ticket)
				delete(g.byChat, t.chat)
				close(t.ready)
				break
			}
		}
		g.mu.Unlock()
	}
}
