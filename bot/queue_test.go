package bot

import (
	"slices"
	"sync"
	"testing"
)

func TestChatQueuesServeEachChatInOrder(t *testing.T) {
	var mu sync.Mutex
	got := map[int64][]int{}
	q := newChatQueues(func(chat int64, item int) bool {
		mu.Lock()
		defer mu.Unlock()
		got[chat] = append(got[chat], item)
		return true
	})
	for i := range 300 {
		q.push(int64(i%7), i)
	}
	q.wait()
	if !q.idle() {
		t.Error("queues not idle after every item was served")
	}
	for chat := range int64(7) {
		var want []int
		for i := int(chat); i < 300; i += 7 {
			want = append(want, i)
		}
		if !slices.Equal(got[chat], want) {
			t.Errorf("chat %d was served %v, want %v", chat, got[chat], want)
		}
	}
}

// The sender takes what waits behind a message to a person who cannot receive it; what is
// queued after that is still sent, and does not change what was taken.
func TestChatQueuesRest(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var served []string
	q := newChatQueues(func(_ int64, item string) bool {
		if item == "first" {
			close(started)
			<-release
		}
		served = append(served, item)
		return true
	})
	q.push(1, "first", "second", "third")
	<-started
	rest := q.rest(1)
	q.push(1, "later")
	close(release)
	q.wait()
	if !slices.Equal(rest, []string{"second", "third"}) {
		t.Errorf("rest = %v, want second and third", rest)
	}
	if !slices.Equal(served, []string{"first", "later"}) {
		t.Errorf("served %v, want first and later", served)
	}
}

func TestChatQueuesStop(t *testing.T) {
	var served []int
	q := newChatQueues(func(_ int64, item int) bool {
		if item == 2 {
			return false
		}
		served = append(served, item)
		return true
	})
	q.push(1, 1, 2, 3)
	q.wait()
	if !slices.Equal(served, []int{1}) || !q.idle() {
		t.Errorf("served %v, idle %v; want [1] and the queue forgotten", served, q.idle())
	}
}
