package enforce

// The sweep in bounded batches. A state machine (deploy/template.yaml) or
// the local driver (Drive) calls three phases on the same Handler. This
// file holds the batch's feed; sweep_account.go one account in it, and
// sweep_inventory.go, sweep_partial.go and sweep_summary.go the rest:
//
//   - Inventory walks the organization once, checks the policy's
//     references against it, and stores the account list (sorted by id)
//     in the Store. Its result is the sweep's state: the inventory's key,
//     the account count, cursor 0 and zero totals.
//   - Batch takes accounts from the cursor, in order, until its time
//     budget is spent, converges each one (enforce mode) or reads it and
//     logs what it would write (report mode), and returns the state with
//     the cursor moved past every account it took. An account whose
//     failure will not go away by retrying (access denied, invalid
//     request, gone) is counted as failed and passed; any other failure
//     (throttled after the SDK's retries, a server error, the network, the
//     journal) fails the whole batch, which is then retried from the same
//     cursor. Accounts the failed attempt finished are re-read and found
//     right, so no contact is written twice.
//   - Summary logs one line that is also CloudWatch embedded-metric-format
//     (EMF) metrics, and returns the totals.
//
// The state carries only the cursor and the totals, so it stays far below
// Step Functions' 256 KB payload whatever the organization's size; the
// inventory (about 200 bytes an account) lives in the Store.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/inventory"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/plan"
)

// Sweep phases, as the state machine names them in {"sweep":{"phase":…}}.
const (
	PhaseInventory = "inventory"
	PhaseBatch     = "batch"
	PhaseSummary   = "summary"
)

// DefaultBatchMargin is how long before the invocation's deadline a batch
// stops taking accounts when no budget is configured: enough for the
// accounts already taken to finish (a write is three calls and at most
// five read-backs) and for the result to be returned.
const DefaultBatchMargin = 60 * time.Second

// InventorySchema identifies the stored inventory.
const InventorySchema = "altcontacts/sweep-inventory/v1"

// MetricsNamespace is the CloudWatch namespace of the sweep's metrics.
const MetricsNamespace = "altcontacts"

// planWindow bounds the accounts one streamed plan covers inside a batch,
// so a batch's memory does not grow with the organization.
const planWindow = 2000

// ErrNoTime is a batch given no time at all: the invocation's remaining
// time is within the margin (a timeout shorter than the margin, or a
// plain scheduled event whose one invocation is spent). Retrying cannot
// help.
var ErrNoTime = errors.New("no time left for a batch")

// SweepRequest is the state machine's payload, under the key "sweep".
type SweepRequest struct {
	Phase string `json:"phase"`
	// ID names the sweep (the execution's name): the inventory is stored
	// under sweeps/ID/.
	ID    string      `json:"id,omitempty"`
	State *SweepState `json:"state,omitempty"`
}

// SweepState is what passes from phase to phase.
type SweepState struct {
	ID        string    `json:"id"`
	Mode      string    `json:"mode"`
	Inventory string    `json:"inventory"`
	Total     int       `json:"total"`
	Cursor    int       `json:"cursor"`
	Done      bool      `json:"done"`
	Batches   int       `json:"batches"`
	Started   time.Time `json:"started"`
	Totals    Totals    `json:"totals"`
}

// Totals count accounts, except Writes, which counts contacts. Every
// account ends up either skipped (not ACTIVE, excluded by the policy, or
// nothing declared for it) or checked; changed and failed ones are among
// the checked. In report mode, changed means "would change".
type Totals struct {
	Checked int `json:"checked"`
	Changed int `json:"changed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Writes  int `json:"writes"`
}

func (t *Totals) add(o Totals) {
	t.Checked += o.Checked
	t.Changed += o.Changed
	t.Failed += o.Failed
	t.Skipped += o.Skipped
	t.Writes += o.Writes
}

// Sub is t minus o: what one batch added.
func (t Totals) Sub(o Totals) Totals {
	return Totals{t.Checked - o.Checked, t.Changed - o.Changed, t.Failed - o.Failed, t.Skipped - o.Skipped, t.Writes - o.Writes}
}

// Summary is the sweep's end.
type Summary struct {
	ID       string `json:"id"`
	Mode     string `json:"mode"`
	Accounts int    `json:"accounts"`
	Totals
	Batches         int     `json:"batches"`
	DurationSeconds float64 `json:"duration_s"`
}

// Sweep runs one phase of the state machine's sweep. Inventory and batch
// return the next *SweepState, summary a *Summary.
func (h *Handler) Sweep(ctx context.Context, req SweepRequest) (any, error) {
	switch req.Phase {
	case PhaseInventory:
		return h.Inventory(ctx, req.ID)
	case PhaseBatch, PhaseSummary:
		if req.State == nil {
			return nil, fmt.Errorf("%w: sweep phase %s without a state", ErrUnrecognized, req.Phase)
		}
		if req.Phase == PhaseBatch {
			return h.Batch(ctx, *req.State)
		}
		return h.Summarize(ctx, *req.State), nil
	}
	return nil, fmt.Errorf("%w: sweep phase %q is not inventory, batch or summary", ErrUnrecognized, req.Phase)
}

// budget is how long a batch starting now may take accounts.
func (h *Handler) budget(ctx context.Context) time.Duration {
	if h.cfg.BatchBudget > 0 {
		return h.cfg.BatchBudget
	}
	dl, ok := ctx.Deadline()
	if !ok {
		return 0 // no deadline: take every account
	}
	// The deadline is wall time (Lambda's, or the context's), so what is
	// left of it is read on the wall clock; the budget it gives is then
	// spent on Config.Now, as a configured one is.
	if d := time.Until(dl) - h.cfg.BatchMargin; d > 0 {
		return d
	}
	return -1
}

// Batch converges accounts from st.Cursor until its budget is spent and
// returns the next state. An error leaves st as it was: retry the batch
// with the same st.
func (h *Handler) Batch(ctx context.Context, st SweepState) (*SweepState, error) {
	log := h.cfg.Logger
	wall := h.cfg.Now()
	budget := h.budget(ctx)
	n := st.Batches + 1
	if budget < 0 {
		return nil, fmt.Errorf("sweep %s batch %d: %w (margin %s)", st.ID, n, ErrNoTime, h.cfg.BatchMargin)
	}
	fail := func(err error) (*SweepState, error) {
		log.ErrorContext(ctx, "sweep batch failed", "sweep", st.ID, "batch", n, "cursor", st.Cursor, "total", st.Total, "error", err.Error())
		return nil, fmt.Errorf("sweep %s batch %d from account %d of %d: %w", st.ID, n, st.Cursor, st.Total, err)
	}
	inv, err := h.loadInventory(ctx, st)
	if err != nil {
		return fail(err)
	}
	var j *journal.Writer
	if h.cfg.Mode == ModeEnforce {
		if j, err = h.openJournal(ctx); err != nil {
			return fail(err)
		}
		defer j.Close()
	}

	earlier, err := h.loadPartial(ctx, st)
	if err != nil {
		return fail(err)
	}
	b := batch{h: h, j: j, ctx: ctx, earlier: earlier, wrote: map[string]int{}}
	conc := inventory.DefaultConcurrency(h.c.Quotas().GetContact.Rate)
	if h.cfg.Mode == ModeEnforce {
		conc = apply.DefaultConcurrency(h.c.Quotas().PutContact.Rate)
	}
	slots := make(chan struct{}, conc)
	now := h.cfg.Now
	start := now()
	taken := 0
	var planErr error
feed:
	for w := st.Cursor; w < st.Total; w += planWindow {
		accts := inv.Accounts[w:min(w+planWindow, st.Total)]
		given := make([]awsorg.Account, len(accts))
		for i, a := range accts {
			given[i] = a.account()
		}
		pl, err := h.plan(ctx, given, true)
		if err != nil {
			planErr = fmt.Errorf("plan: %w", err)
			break
		}
		byAccount := map[string][]plan.Change{}
		for _, ch := range pl.Changes {
			byAccount[ch.AccountID] = append(byAccount[ch.AccountID], ch)
		}
		for _, a := range accts {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				break feed
			}
			// Take the account only with budget left, and always at
			// least one, so every batch moves the cursor.
			if b.stopped() || (taken > 0 && budget > 0 && now().Sub(start) >= budget) {
				<-slots
				break feed
			}
			taken++
			if h.cfg.Taken != nil {
				h.cfg.Taken(a.ID)
			}
			b.wg.Add(1)
			go func(id string, changes []plan.Change) {
				defer b.wg.Done()
				defer func() { <-slots }()
				b.account(id, pl.Caller.Account, changes)
			}(a.ID, byAccount[a.ID])
		}
	}
	b.wg.Wait()
	if ctx.Err() != nil && b.transient == nil {
		b.transient = ctx.Err()
	}
	if planErr != nil && b.transient == nil {
		b.transient = planErr
	}
	if b.transient != nil {
		h.savePartial(ctx, st, earlier, b.wrote)
		return fail(b.transient)
	}
	next := st
	next.Mode = h.cfg.Mode
	next.Batches = n
	next.Cursor += taken
	next.Done = next.Cursor >= next.Total
	next.Totals.add(b.totals)
	log.InfoContext(ctx, "sweep batch", "sweep", st.ID, "batch", n, "taken", taken, "cursor", next.Cursor, "total", next.Total,
		"checked", b.totals.Checked, "changed", b.totals.Changed, "failed", b.totals.Failed, "skipped", b.totals.Skipped,
		"writes", b.totals.Writes, "ms", h.cfg.Now().Sub(wall).Milliseconds(), "done", next.Done)
	return &next, nil
}
