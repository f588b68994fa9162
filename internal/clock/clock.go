// Package clock holds the one real wait the program's loops use (apply's
// read-back, verify's polling, the sweep driver's retries), each behind an
// option tests replace, so no test waits on the wall clock for an outcome;
// and Manual, the clock tests put in place of time.Now.
package clock

import (
	"context"
	"sync"
	"time"
)

// Sleep waits d, or until ctx is done, and then returns ctx's error.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Manual is a clock that moves only when told to: the stand-in for
// time.Now where what a loop does depends on the time it spent (the
// sweep's batch budget), so a test's outcome cannot depend on the
// machine's speed. Reading it never moves it.
type Manual struct {
	mu sync.Mutex
	t  time.Time
}

// NewManual returns a Manual clock reading start.
func NewManual(start time.Time) *Manual { return &Manual{t: start} }

// Now returns the clock's time.
func (c *Manual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock d forward.
func (c *Manual) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
