package playground

import (
	"sync"
	"time"
)

// Clock is the bot's clock in the playground: the real clock plus an offset that only grows,
// so one can jump to tomorrow's appointment or next week's reminder without waiting. It is
// safe for concurrent use.
type Clock struct {
	base func() time.Time

	mu     sync.Mutex
	offset time.Duration
	steps  []step // every advance, oldest first
}

// step records that from the real time at on, the clock ran offset ahead.
type step struct {
	at     time.Time
	offset time.Duration
}

// NewClock returns a clock that runs with base (time.Now if nil) until it is advanced.
func NewClock(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base}
}

// Now returns the clock's current time; the bot takes it as its Now.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base().Add(c.offset)
}

// Advance moves the clock forward by d. Time never runs backwards for the bot, so a
// negative d is ignored.
func (c *Clock) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
	c.steps = append(c.steps, step{at: c.base(), offset: c.offset})
}

// Offset returns how far the clock has been advanced in total.
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// At returns what the clock showed when the base clock showed t. The fake Telegram stamps
// messages with the real time; At turns that into the time the bot lived in then.
func (c *Clock) At(t time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	var offset time.Duration
	for _, s := range c.steps {
		if s.at.After(t) {
			break
		}
		offset = s.offset
	}
	return t.Add(offset)
}
