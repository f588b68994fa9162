package enforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/altcontacts/altcontacts/internal/clock"
)

// The retry rule of a failed phase, the same in the state machine
// (deploy/template.yaml, Retry on States.TaskFailed) and in Drive: up to
// RetryAttempts more attempts, the first after RetryInterval, each wait
// RetryBackoff times the one before.
const (
	RetryAttempts = 5
	RetryInterval = 2 * time.Second
	RetryBackoff  = 2
)

// DriveOptions tune Drive.
type DriveOptions struct {
	// ID names the sweep; empty makes one from the time.
	ID string
	// Log receives one line per batch and the summary, for people.
	Log io.Writer
	// Sleep waits between attempts; nil sleeps on the wall clock (until
	// ctx is done).
	Sleep func(ctx context.Context, d time.Duration) error
	// Renew, when set, replaces the handler before every batch, as a
	// state machine's batches may each land on a new Lambda container
	// (the benchmark measures that case).
	Renew func() (*Handler, error)
	// Before is called before each batch's first attempt (the benchmark
	// resets its memory high-water mark there).
	Before func(batch int)
	// After is called after each successful batch.
	After func(prev, next *SweepState, took time.Duration)
	// MaxBatches, when positive, stops after that many batches; an
	// unfinished sweep then returns its summary and ErrIncomplete.
	MaxBatches int
}

// ErrIncomplete is a sweep stopped by DriveOptions.MaxBatches before the
// last account.
var ErrIncomplete = errors.New("sweep incomplete")

// Drive runs a whole sweep in this process as the state machine runs it:
// inventory, then batch after batch until the cursor reaches the end, each
// phase retried by the state machine's rule, then the summary. The
// summary's Failed counts accounts that failed for good; the state machine
// then ends in its Fail state.
func Drive(ctx context.Context, h *Handler, o DriveOptions) (*Summary, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Sleep == nil {
		o.Sleep = clock.Sleep
	}
	st, err := retry(ctx, o, "inventory", func() (*SweepState, error) { return h.Inventory(ctx, o.ID) })
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Log, "sweep %s: %d accounts in the inventory\n", st.ID, st.Total)
	for !st.Done {
		if o.MaxBatches > 0 && st.Batches == o.MaxBatches {
			s := h.Summarize(ctx, *st)
			return s, fmt.Errorf("%w: %d of %d accounts swept in %d batch(es)", ErrIncomplete, st.Cursor, st.Total, st.Batches)
		}
		if o.Renew != nil {
			if h, err = o.Renew(); err != nil {
				return nil, err
			}
		}
		n := st.Batches + 1
		if o.Before != nil {
			o.Before(n)
		}
		start := h.cfg.Now()
		cur := st
		next, err := retry(ctx, o, fmt.Sprintf("batch %d", n), func() (*SweepState, error) { return h.Batch(ctx, *cur) })
		if err != nil {
			h.Summarize(ctx, *st)
			return nil, err
		}
		took := h.cfg.Now().Sub(start)
		d := next.Totals.Sub(st.Totals)
		fmt.Fprintf(o.Log, "batch %d: %d accounts, cursor %d/%d, %d changed, %d failed, %.1fs\n",
			n, next.Cursor-st.Cursor, next.Cursor, next.Total, d.Changed, d.Failed, took.Seconds())
		if o.After != nil {
			o.After(st, next, took)
		}
		st = next
	}
	s := h.Summarize(ctx, *st)
	fmt.Fprintf(o.Log, "sweep %s: %d accounts in %d batches: %d checked, %d changed, %d failed, %d skipped, %d contacts written, %.1fs\n",
		s.ID, s.Accounts, s.Batches, s.Checked, s.Changed, s.Failed, s.Skipped, s.Writes, s.DurationSeconds)
	return s, nil
}

// retry runs f by the retry rule; ErrNoTime and cancellation are final.
func retry(ctx context.Context, o DriveOptions, what string, f func() (*SweepState, error)) (*SweepState, error) {
	wait := RetryInterval
	for attempt := 0; ; attempt++ {
		st, err := f()
		if err == nil {
			return st, nil
		}
		if attempt == RetryAttempts || errors.Is(err, ErrNoTime) || ctx.Err() != nil {
			return nil, err
		}
		fmt.Fprintf(o.Log, "%s: attempt %d failed, retrying in %s: %v\n", what, attempt+1, wait, err)
		if serr := o.Sleep(ctx, wait); serr != nil {
			return nil, err
		}
		wait *= RetryBackoff
	}
}

// Invoke is the Lambda function's entry point. It tells the payloads
// apart by shape: {"sweep":{…}} is a phase of the state machine's sweep;
// a plain scheduled event (a rule invoking the function directly, as
// before the state machine, or someone testing it) runs the inventory and
// one batch inside this invocation, which sweeps as many accounts as its
// time allows and fails (ErrIncomplete) if that is not all of them;
// anything else is an EventBridge event for Handle.
func (h *Handler) Invoke(ctx context.Context, raw json.RawMessage) (any, error) {
	var probe struct {
		Sweep *SweepRequest `json:"sweep"`
	}
	if json.Unmarshal(raw, &probe) == nil && probe.Sweep != nil {
		return h.Sweep(ctx, *probe.Sweep)
	}
	if ev, err := Parse(raw); err == nil && ev.Kind == KindSweep {
		s, err := Drive(ctx, h, DriveOptions{MaxBatches: 1})
		if errors.Is(err, ErrIncomplete) || errors.Is(err, ErrNoTime) {
			err = fmt.Errorf("%w; one invocation sweeps what its time allows, the state machine in deploy/template.yaml sweeps the whole organization in batches", err)
		}
		if err == nil && s != nil && s.Failed > 0 {
			err = fmt.Errorf("enforce %s: %d account(s) failed", KindSweep, s.Failed)
		}
		return s, err
	}
	return h.Handle(ctx, raw)
}
