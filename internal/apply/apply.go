// Package apply is step 3 of the loop: it writes the changes of a plan,
// journaling each contact's old value (fsynced) before overwriting it,
// re-reading first so nothing that moved since the plan is clobbered, and
// reading back after so the result is known. Rollback replays a journal
// backwards to the values before. Both converge: a rerun writes only what
// still differs.
package apply

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/clock"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/inventory"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/plan"
)

// Schema is the apply report's schema id.
const Schema = "altcontacts/apply/v1"

// RollbackSchema is the rollback report's schema id: the same shape as
// apply's, named apart so a reader knows which way the writes went.
const RollbackSchema = "altcontacts/rollback/v1"

// Results of one change.
const (
	Verified    = journal.Verified // written and read back
	Applied     = journal.Applied  // written; read-back did not see it yet
	Failed      = journal.Failed   // AWS refused; nothing changed
	Conflict    = "conflict"       // the contact moved since the plan; not written
	Unchanged   = "unchanged"      // already as wanted; not written
	Interrupted = "interrupted"    // not started before the interrupt
	Skipped     = "skipped"        // refused before any call (e.g. not ACTIVE)
)

// Outcome is what happened to one change.
type Outcome struct {
	plan.Change
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
	// ErrorKind is the error's kind (awsorg.KindName: access_denied,
	// throttled, ...), for machines; Err is the error itself, in-process.
	ErrorKind string `json:"error_kind,omitempty"`
	Err       error  `json:"-"`
	// Seq is the journal intent line of a write.
	Seq int `json:"seq,omitempty"`
}

// Report is what apply and rollback print.
type Report struct {
	Schema   string         `json:"schema"`
	Journal  string         `json:"journal"`
	Summary  map[string]int `json:"summary"`
	Outcomes []Outcome      `json:"outcomes"`
}

// Options tune a run.
type Options struct {
	// Caller is the caller's account: its own contacts are written in
	// standalone context.
	Caller string
	// StrictBefore makes a difference between the current contact and the
	// change's Before a conflict (apply --plan). Without it (apply
	// --policy), the fresh read is the before.
	StrictBefore bool
	// Concurrency bounds writes in flight; zero sizes it to the client's
	// PutAlternateContact quota (see DefaultConcurrency).
	Concurrency int
	// ReadBack bounds the read-after-write attempts; zero means 5.
	ReadBack int
	// ReadBackDelay is the first wait between read-back attempts (doubling).
	ReadBackDelay time.Duration
	// Sleep waits d between read-back attempts, or returns ctx's error
	// when it is cancelled first; nil is a real timer. Tests pass one that
	// returns at once, so no test waits on the wall clock.
	Sleep    func(ctx context.Context, d time.Duration) error
	Progress func(done, total int)
	Phase    string
}

// Apply writes changes (create and update; anything else is ignored),
// journaling through j. Cancelling ctx stops new writes; writes in flight
// finish and are journaled, so the journal always tells the truth.
func Apply(ctx context.Context, c *awsorg.Client, j *journal.Writer, changes []plan.Change, o Options) (*Report, error) {
	o = o.withDefaults(c)
	if o.Phase == "" {
		o.Phase = journal.PhaseApply
	}
	var writes []plan.Change
	for _, ch := range changes {
		if ch.Action == plan.Create || ch.Action == plan.Update || ch.Action == plan.Ensure {
			writes = append(writes, ch)
		}
	}
	return pool(ctx, j, len(writes), o,
		func(ctx, inflight context.Context, i int, abort func(error)) Outcome {
			return one(ctx, inflight, c, j, writes[i], o, abort)
		},
		func(i int) Outcome { return Outcome{Change: writes[i], Result: Interrupted} })
}

// failed records err on the outcome: its text, its kind, and the value.
func (out *Outcome) failed(result string, err error) {
	out.Result = result
	if err != nil {
		out.Error, out.ErrorKind, out.Err = err.Error(), awsorg.KindName(err), err
	}
}

// JournalError is a journal that could not be written: the change it was
// to announce was not made, and the run stopped there, since without a
// durable record of the old value no contact may be overwritten.
type JournalError struct{ Err error }

func (e *JournalError) Error() string {
	return "the journal could not be written, so nothing more was: " + e.Err.Error()
}

func (e *JournalError) Unwrap() error { return e.Err }

// pool runs n changes on a pool of o.Concurrency workers. Cancelling ctx
// stops dispatching; do gets ctx, to stop before journaling, and inflight,
// a context without cancellation, for a write already journaled, so an
// interrupt never leaves a write whose outcome the journal lacks. Changes
// never dispatched are reported by notStarted. do calls abort when the
// journal fails: the pool stops as on an interrupt and returns the
// *JournalError.
func pool(parent context.Context, j *journal.Writer, n int, o Options,
	do func(ctx, inflight context.Context, i int, abort func(error)) Outcome, notStarted func(i int) Outcome) (*Report, error) {
	rep := &Report{Schema: Schema, Journal: j.Path(), Summary: map[string]int{}, Outcomes: make([]Outcome, n)}
	ctx, stop := context.WithCancelCause(parent)
	defer stop(nil)
	abort := func(err error) { stop(&JournalError{Err: err}) }
	inflight := context.WithoutCancel(ctx)
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for w := 0; w < o.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rep.Outcomes[i] = do(ctx, inflight, i, abort)
				mu.Lock()
				done++
				if o.Progress != nil {
					o.Progress(done, n)
				}
				mu.Unlock()
			}
		}()
	}
dispatch:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			for k := i; k < n; k++ {
				rep.Outcomes[k] = notStarted(k)
			}
			break dispatch
		}
	}
	close(next)
	wg.Wait()
	for _, oc := range rep.Outcomes {
		rep.Summary[oc.Result]++
	}
	var je *JournalError
	if errors.As(context.Cause(ctx), &je) && parent.Err() == nil {
		return rep, je
	}
	return rep, parent.Err()
}

// DefaultConcurrency sizes the write pool to a Put quota. Each write is
// three calls in a row (re-read, put, read-back), so keeping the Put bucket
// drained at ~0.5 s a write needs rate/2 writes in flight, a few more to
// cover the pacing waits; more would only lengthen the tail an interrupt
// has to wait for.
func DefaultConcurrency(putRate float64) int {
	return inventory.DefaultConcurrency(putRate)
}

func (o Options) withDefaults(c *awsorg.Client) Options {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency(c.Quotas().PutContact.Rate)
	}
	if o.ReadBack <= 0 {
		o.ReadBack = 5
	}
	if o.ReadBackDelay <= 0 {
		o.ReadBackDelay = 200 * time.Millisecond
	}
	if o.Sleep == nil {
		o.Sleep = clock.Sleep
	}
	return o
}

// one applies a single change. A change not yet journaled when ctx is
// cancelled is left alone (Interrupted); once its intent is on disk it runs
// to the end on inflight, so the journal records its outcome.
func one(ctx, inflight context.Context, c *awsorg.Client, j *journal.Writer, ch plan.Change, o Options, abort func(error)) Outcome {
	out := Outcome{Change: ch}
	fail := func(result string, err error) Outcome {
		out.failed(result, err)
		return out
	}
	if ch.After == nil {
		return fail(Skipped, errors.New("change without an after value"))
	}
	t := awsorg.Target{AccountID: ch.AccountID, Standalone: ch.AccountID == o.Caller}
	if ctx.Err() != nil {
		return fail(Interrupted, nil)
	}
	cur, err := c.GetContact(ctx, t, ch.Type)
	if ctx.Err() != nil {
		return fail(Interrupted, nil)
	}
	if err != nil {
		return fail(Failed, fmt.Errorf("re-read before writing: %w", err))
	}
	if !o.StrictBefore {
		// From a policy, the fresh read is the before: report the change
		// it makes (a streamed Ensure learns here what it is).
		out.Before, out.Action, out.Fields = cur, plan.Create, nil
		if cur != nil {
			out.Action, out.Fields = plan.Update, contact.DiffFields(*cur, *ch.After)
		}
	}
	// Already exactly as wanted: nothing to write, and no conflict either,
	// so a rerun of apply --plan after a crash finishes the job.
	if same(cur, ch.After) {
		return fail(Unchanged, nil)
	}
	if o.StrictBefore && !same(cur, ch.Before) {
		return fail(Conflict, errors.New("the contact changed since the plan was made; run plan again"))
	}
	// From a policy, as good as wanted when the policy's comparison says so.
	if cur != nil && !o.StrictBefore && !contact.Differs(*cur, *ch.After) {
		return fail(Unchanged, nil)
	}
	seq, result, werr := journaled(inflight, c, j, t, journal.Entry{Kind: journal.Intent, Phase: o.Phase, Account: ch.AccountID,
		Standalone: t.Standalone, Type: ch.Type, Op: "put", Before: cur, After: ch.After}, o, abort)
	out.Seq = seq
	return fail(result, werr)
}

// journaled makes one write behind its journal record: the intent first
// (if it cannot be recorded, abort stops the run and nothing is written),
// then the write and read-back, then the outcome. It runs on a context an
// interrupt does not cancel, so the journal never lacks an outcome it
// could have had.
func journaled(inflight context.Context, c *awsorg.Client, j *journal.Writer, t awsorg.Target, intent journal.Entry, o Options, abort func(error)) (int, string, error) {
	seq, err := j.Append(intent)
	if err != nil {
		// Without a durable record of the old value, no write may happen:
		// not this one, and none after it.
		abort(err)
		return 0, Failed, err
	}
	result, werr := write(inflight, c, t, intent.Type, intent.After, o)
	oe := journal.Entry{Kind: journal.Outcome, Phase: intent.Phase, Seq: seq, Outcome: result}
	if werr != nil {
		oe.Error, oe.ErrorKind = werr.Error(), awsorg.KindName(werr)
	}
	if _, err := j.Append(oe); err != nil && werr == nil {
		werr = fmt.Errorf("written, but the outcome could not be journaled: %w", err)
	}
	return seq, result, werr
}

// write puts (or, for a nil value, deletes) and reads back until the new
// value is visible: the Account API is eventually consistent.
func write(ctx context.Context, c *awsorg.Client, t awsorg.Target, typ contact.Type, v *contact.Details, o Options) (string, error) {
	var err error
	if v == nil {
		err = c.DeleteContact(ctx, t, typ)
	} else {
		err = c.PutContact(ctx, t, typ, *v)
	}
	if err != nil {
		return Failed, err
	}
	delay := o.ReadBackDelay
	for i := 0; i < o.ReadBack; i++ {
		got, rerr := c.GetContact(ctx, t, typ)
		if rerr == nil && same(got, v) {
			return Verified, nil
		}
		if i < o.ReadBack-1 {
			if o.Sleep(ctx, delay) != nil {
				break
			}
			delay = min(2*delay, 5*time.Second)
		}
	}
	return Applied, nil
}

// same is exact equality: restoring and conflict checks compare bytes, not
// meaning.
func same(a, b *contact.Details) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
