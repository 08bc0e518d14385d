package store

import (
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// maxGroup bounds how many callers share one write transaction, so that no single one
// grows long however many are waiting.
const maxGroup = 512

// A group that found at least backlog callers waiting keeps gathering for busyLinger: so
// many at once means a burst, more are on their way, and each commit saved is two disk
// syncs. Fewer, as under a steady load, commit at once: waiting would only add latency.
const (
	backlog    = 8
	busyLinger = 2 * time.Millisecond
)

// committer runs the batched write transactions: group commit. A caller who finds the
// database idle gets a transaction of its own at once; callers who arrive while a
// transaction commits share the next one; in a burst it gathers for busyLinger more (up to
// maxGroup callers). So a person writing to a quiet bot waits for no timer, and a
// burst costs one commit per group. bbolt's own Batch waits a fixed delay before every
// commit, even for a single caller.
type committer struct {
	calls chan groupCall
	done  chan struct{} // closed when the database closes
	ended chan struct{} // closed when run has returned
}

// groupCall is one caller's part of a transaction and where its result goes.
type groupCall struct {
	fn     func(*bolt.Tx) error
	result chan error
}

func newCommitter(db *DB) *committer {
	c := &committer{calls: make(chan groupCall), done: make(chan struct{}), ended: make(chan struct{})}
	go c.run(db)
	return c
}

// do runs fn in a write transaction shared with the callers waiting at the same time. Like
// bbolt's Batch, fn may run more than once: when another caller's part fails, the others
// run again without it. The caller holds db.mu for reading, so db.bolt stays the same file
// until do returns.
func (c *committer) do(fn func(*bolt.Tx) error) error {
	call := groupCall{fn: fn, result: make(chan error, 1)}
	select {
	case c.calls <- call:
	case <-c.done:
		return bolterrors.ErrDatabaseNotOpen
	}
	return <-call.result
}

// stop ends run once no caller is left; db.mu is held for writing, so none is.
func (c *committer) stop() {
	close(c.done)
	<-c.ended
}

// run takes the first caller, everyone else who is waiting by then, and commits them in one
// transaction; while it commits, the next group gathers.
func (c *committer) run(db *DB) {
	defer close(c.ended)
	group := make([]groupCall, 0, maxGroup)
	for {
		select {
		case first := <-c.calls:
			group = append(group[:0], first)
		case <-c.done:
			return
		}
	gather:
		for len(group) < maxGroup {
			select {
			case next := <-c.calls:
				group = append(group, next)
			default:
				break gather
			}
		}
		if len(group) >= backlog {
			timer := time.NewTimer(busyLinger)
		linger:
			for len(group) < maxGroup {
				select {
				case next := <-c.calls:
					group = append(group, next)
				case <-timer.C:
					break linger
				}
			}
			timer.Stop()
		}
		commitGroup(db.bolt, group)
	}
}

// commitGroup runs the calls of group in one transaction and tells each the result. A call
// that fails rolls the transaction back; it then runs alone, so that its error is its own,
// and the others run again without it.
func commitGroup(b *bolt.DB, group []groupCall) {
	for len(group) > 0 {
		failed := -1
		err := b.Update(func(tx *bolt.Tx) error {
			for i, call := range group {
				if err := safely(call.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, call := range group {
				call.result <- err // nil, or the commit's own failure, which is everyone's
			}
			return
		}
		alone := group[failed]
		group = slices.Delete(group, failed, failed+1)
		alone.result <- b.Update(func(tx *bolt.Tx) error { return safely(alone.fn, tx) })
	}
}

// safely runs fn, turning a panic into an error: one caller's bug must not end the
// goroutine every other caller's writes depend on.
func safely(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in a write transaction: %v", p)
		}
	}()
	return fn(tx)
}
