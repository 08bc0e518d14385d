package bot

import (
	"fmt"
	"sync"
)

// maxParallelChats bounds how many chats are handled at the same time.
const maxParallelChats = 256

// dispatcher runs updates of one chat in order and different chats in parallel: each chat
// with pending updates has one goroutine that drains its queue.
type dispatcher struct {
	handle func(InboxEntry)
	slots  chan struct{}

	mu     sync.Mutex
	queues map[int64][]InboxEntry // a chat is in the map while its goroutine runs
	wg     sync.WaitGroup
}

func newDispatcher(handle func(InboxEntry)) *dispatcher {
	return &dispatcher{handle: handle, slots: make(chan struct{}, maxParallelChats), queues: map[int64][]InboxEntry{}}
}

// push queues an update for its chat.
func (d *dispatcher) push(chat int64, e InboxEntry) {
	d.mu.Lock()
	defer d.mu.Unlock()
	q, running := d.queues[chat]
	d.queues[chat] = append(q, e)
	if !running {
		d.wg.Add(1)
		go d.drain(chat)
	}
}

func (d *dispatcher) drain(chat int64) {
	defer d.wg.Done()
	d.slots <- struct{}{}
	defer func() { <-d.slots }()
	for {
		d.mu.Lock()
		q := d.queues[chat]
		if len(q) == 0 {
			delete(d.queues, chat)
			d.mu.Unlock()
			return
		}
		e := q[0]
		d.queues[chat] = q[1:]
		d.mu.Unlock()
		d.handle(e)
	}
}

// wait blocks until every queued update is handled.
func (d *dispatcher) wait() { d.wg.Wait() }

func fmtAny(v any) string { return fmt.Sprint(v) }
