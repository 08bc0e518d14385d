package bot

import "sync"

// chatQueues keeps one queue per chat and serves each chat's items in order, different chats
// in parallel: a chat with items queued has one goroutine that serves them one by one. The
// dispatcher's updates and the sender's messages both wait in chatQueues.
type chatQueues[T any] struct {
	// serve handles the first item of chat's queue; the item leaves the queue after serve
	// returned true. false stops the chat's goroutine and forgets what is queued for it.
	serve func(chat int64, item T) bool

	mu    sync.Mutex
	chats map[int64][]T // a chat is in the map while its goroutine runs
	wg    sync.WaitGroup
}

func newChatQueues[T any](serve func(chat int64, item T) bool) *chatQueues[T] {
	return &chatQueues[T]{serve: serve, chats: map[int64][]T{}}
}

// push queues items for chat, and starts the chat's goroutine unless it runs.
func (q *chatQueues[T]) push(chat int64, items ...T) {
	if len(items) == 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	pending, running := q.chats[chat]
	q.chats[chat] = append(pending, items...)
	if !running {
		q.wg.Add(1)
		go q.drain(chat)
	}
}

func (q *chatQueues[T]) drain(chat int64) {
	defer q.wg.Done()
	for {
		q.mu.Lock()
		pending := q.chats[chat]
		if len(pending) == 0 {
			delete(q.chats, chat)
			q.mu.Unlock()
			return
		}
		item := pending[0]
		q.mu.Unlock()

		ok := q.serve(chat, item)
		q.mu.Lock()
		if !ok {
			delete(q.chats, chat)
			q.mu.Unlock()
			return
		}
		if pending := q.chats[chat]; len(pending) > 0 {
			q.chats[chat] = pending[1:]
		}
		q.mu.Unlock()
	}
}

// rest removes and returns what is queued for chat behind the item being served.
func (q *chatQueues[T]) rest(chat int64) []T {
	q.mu.Lock()
	defer q.mu.Unlock()
	pending := q.chats[chat]
	if len(pending) < 2 {
		return nil
	}
	q.chats[chat] = pending[:1:1] // what push appends must not overwrite what rest returns
	return pending[1:]
}

// queued reports whether chat has items queued or being served.
func (q *chatQueues[T]) queued(chat int64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	_, running := q.chats[chat]
	return running
}

// highest returns the highest rank of the items queued for chat, or -1 when none is.
func (q *chatQueues[T]) highest(chat int64, rank func(T) int) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	best := -1
	for _, item := range q.chats[chat] {
		best = max(best, rank(item))
	}
	return best
}

// idle reports whether every queue ran empty.
func (q *chatQueues[T]) idle() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.chats) == 0
}

// wait blocks until every chat's goroutine ended.
func (q *chatQueues[T]) wait() { q.wg.Wait() }
