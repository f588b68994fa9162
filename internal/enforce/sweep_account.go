package enforce

// One account of a sweep batch: its changes converged (enforce mode) or
// checked (report mode), its result added to the batch's tally, its
// failure sorted into persistent (counted, passed) or transient (the batch
// fails and is retried).

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/plan"
)

// batch is one batch's shared tally.
type batch struct {
	h   *Handler
	j   *journal.Writer
	ctx context.Context
	wg  sync.WaitGroup

	mu        sync.Mutex
	totals    Totals
	transient error
	// earlier are contacts written per account by failed attempts; wrote
	// are this attempt's.
	earlier, wrote map[string]int
}

func (b *batch) stopped() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.transient != nil
}

// persistent reports a failure that retrying the batch cannot fix: the
// account (or contact) refuses the enforcer, or is gone.
func persistent(err error) bool {
	var fe *contact.FieldError
	return errors.Is(err, awsorg.ErrAccessDenied) || errors.Is(err, awsorg.ErrInvalid) ||
		errors.Is(err, awsorg.ErrNotFound) || errors.As(err, &fe)
}

// account converges (or, in report mode, checks) one account's changes
// and adds the result to the tally.
func (b *batch) account(id, caller string, changes []plan.Change) {
	ctx, log := b.ctx, b.h.cfg.Logger
	var t Totals
	var failed, transient error
	var writes []plan.Change
	for _, ch := range changes {
		switch {
		case ch.Action == plan.Skip && ch.Unknown:
			transient = fmt.Errorf("account %s: %s", id, ch.Reason)
		case ch.Action == plan.Ensure || ch.Action == plan.Create || ch.Action == plan.Update:
			writes = append(writes, ch)
		}
	}
	switch {
	case transient != nil:
	case len(writes) == 0:
		t.Skipped = 1
	case b.h.cfg.Mode == ModeEnforce:
		t.Changed, t.Writes, failed, transient = b.converge(id, caller, writes)
	default:
		t.Changed, failed, transient = b.check(id, caller, writes)
	}
	if failed != nil {
		t.Failed = 1
		log.ErrorContext(ctx, "account failed", "account", id, "error", failed.Error())
	}
	if t.Skipped == 0 && transient == nil {
		t.Checked = 1
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if t.Writes > 0 {
		b.wrote[id] += t.Writes
	}
	if transient != nil {
		if b.transient == nil {
			b.transient = transient
		}
		return
	}
	if n := b.earlier[id]; n > 0 {
		t.Writes += n
		t.Changed = 1
	}
	b.totals.add(t)
}

// converge writes an account's changes (enforce mode): changed is 1 when
// a contact was written, writes counts them; failed is a persistent
// failure, transient one that fails the batch.
func (b *batch) converge(id, caller string, writes []plan.Change) (changed, n int, failed, transient error) {
	ctx, log := b.ctx, b.h.cfg.Logger
	rep, err := apply.Apply(ctx, b.h.c, b.j, writes, apply.Options{Caller: caller, Concurrency: len(writes)})
	for _, o := range rep.Outcomes {
		switch o.Result {
		case apply.Unchanged:
			continue
		case apply.Verified, apply.Applied:
			changed = 1
			n++
		case apply.Failed:
			if persistent(o.Err) {
				failed = o.Err
			} else if transient == nil {
				transient = o.Err
			}
		default:
			if transient == nil {
				transient = fmt.Errorf("account %s %s: %s", id, o.Type, o.Result)
			}
		}
		logWrite(ctx, log, o)
	}
	if err != nil && transient == nil {
		transient = err
	}
	return changed, n, failed, transient
}

// check reads an account's contacts and logs what enforce mode would
// write (report mode); changed is 1 when something would be written.
func (b *batch) check(id, caller string, writes []plan.Change) (changed int, failed, transient error) {
	ctx, log := b.ctx, b.h.cfg.Logger
	target := awsorg.Target{AccountID: id, Standalone: id == caller}
	for _, ch := range writes {
		cur, err := b.h.c.GetContact(ctx, target, ch.Type)
		if err != nil && persistent(err) {
			failed = err
			continue
		}
		if err != nil {
			transient = err
			break
		}
		action, fields := plan.Decide(cur, *ch.After)
		if fields == nil {
			fields = []string{} // a create: a list in the log line, never null
		}
		if action != plan.Noop {
			changed = 1
			log.InfoContext(ctx, "would write", "account", id, "type", string(ch.Type), "action", action, "fields", fields)
		}
	}
	return changed, failed, transient
}
