// Package clock holds the one real wait the program's loops use (apply's
// read-back, verify's polling, the sweep driver's retries), each behind an
// option tests replace, so no test waits on the wall clock for an outcome.
package clock

import (
	"context"
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
