// Package enforce keeps every account's contacts true after the one-off
// fix: it reads an EventBridge event (a new, invited or moved account, a
// contact changed by someone else, or the scheduled sweep) and applies the
// policy to the account it names, with the same plan and journaled apply as
// the CLI. It is the core of both the Lambda function and `altcontacts
// enforce`, and imports no Lambda runtime, so it is tested without one.
//
// Errors are returned, never swallowed: EventBridge retries a failed
// invocation and finally hands it to the dead-letter queue, where someone
// sees it.
package enforce

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/inventory"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/plan"
)

// Modes.
const (
	ModeReport  = "report"  // log what would change; write nothing
	ModeEnforce = "enforce" // write the policy's contacts
)

// Config is the enforcer's configuration.
type Config struct {
	Policy      *contact.Policy
	PolicyBytes []byte
	Mode        string
	// EnforcerRole is the name (or ARN) of the role the enforcer runs as:
	// contact writes made by it are its own, not drift.
	EnforcerRole string
	// Journal is where the old value of every contact is recorded before
	// it is written: in Lambda an S3 prefix (ALTCONTACTS_JOURNAL), since
	// the function's /tmp does not outlive its container.
	Journal journal.Target
	Logger  *slog.Logger
	// Now is the enforcer's one clock: the plan's and the journal's
	// times, a sweep's start and duration, and a batch's budget, spent
	// from the batch's first reading. nil means time.Now. Only the
	// invocation's deadline is read on the wall clock, as a context's
	// deadline is wall time.
	Now     func() time.Time
	Version string

	// Store holds sweep inventories; nil means in memory (one process).
	Store Store
	// BatchBudget is how long a sweep batch takes accounts; zero means
	// the invocation's remaining time (its context's deadline) minus
	// BatchMargin, or every account without a deadline.
	BatchBudget time.Duration
	// BatchMargin is kept free before the deadline; zero means
	// DefaultBatchMargin.
	BatchMargin time.Duration
	// Taken, when set, is told each account a batch takes, as it takes
	// it: from the one goroutine that feeds the batch, before the budget
	// is checked for the next account. Tests move their Now forward here,
	// so a batch's size is its budget over the time an account takes,
	// decided by the accounts taken, not by how often the plan, the
	// journal or the budget read the clock.
	Taken func(account string)
}

// Handler handles one event at a time.
type Handler struct {
	c   *awsorg.Client
	cfg Config
}

// New returns a Handler over client c.
func New(c *awsorg.Client, cfg Config) (*Handler, error) {
	if cfg.Policy == nil {
		return nil, errors.New("enforcer: no policy configured")
	}
	switch cfg.Mode {
	case ModeReport, ModeEnforce:
	case "":
		cfg.Mode = ModeReport
	default:
		return nil, fmt.Errorf("enforcer: mode %q is not report or enforce", cfg.Mode)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Journal.File == "" && cfg.Journal.Store == nil {
		cfg.Journal = journal.Target{File: "altcontacts-enforcer-journal.jsonl"}
	}
	if cfg.Store == nil {
		cfg.Store = NewMemStore()
	}
	if cfg.BatchMargin <= 0 {
		cfg.BatchMargin = DefaultBatchMargin
	}
	return &Handler{c: c, cfg: cfg}, nil
}

// Result is what one event led to; it is also the Lambda's return value.
type Result struct {
	Event   Event  `json:"event"`
	Mode    string `json:"mode"`
	Ignored string `json:"ignored,omitempty"`
	// Changes are the writes the policy asks for: planned in report mode,
	// made (or tried) in enforce mode.
	Changes  []Change       `json:"changes"`
	Outcomes map[string]int `json:"outcomes,omitempty"`
}

// Change is a planned write, without contact values (the result is
// logged).
type Change struct {
	Account string   `json:"account"`
	Type    string   `json:"type"`
	Action  string   `json:"action"`
	Fields  []string `json:"fields,omitempty"`
}

// ErrSweepEvent is the scheduled sweep given to Handle: the sweep runs
// through Drive (Invoke and the CLI) or the state machine's phases
// (Sweep), so that one code path sweeps, locally and on AWS.
var ErrSweepEvent = errors.New("the scheduled sweep runs in batches (Drive, Invoke or Sweep), not through Handle")

// Handle acts on one raw EventBridge event naming an account.
func (h *Handler) Handle(ctx context.Context, raw []byte) (*Result, error) {
	log := h.cfg.Logger
	ev, err := Parse(raw)
	if err != nil {
		log.ErrorContext(ctx, "event not handled", "error", err.Error())
		return nil, err
	}
	res := &Result{Event: ev, Mode: h.cfg.Mode, Changes: []Change{}}
	ignore := func(why string) (*Result, error) {
		res.Ignored = why
		log.InfoContext(ctx, "event ignored", "kind", ev.Kind, "account", ev.Account, "reason", why)
		return res, nil
	}
	if ev.Ignore != "" {
		return ignore(ev.Ignore)
	}
	if (ev.Kind == KindPutContact || ev.Kind == KindDeleteContact) && h.own(ev.Principal) {
		return ignore("the enforcer's own write")
	}

	if ev.Kind == KindSweep {
		return nil, ErrSweepEvent
	}
	acct, err := h.c.LookupAccount(ctx, ev.Account)
	switch {
	case errors.Is(err, awsorg.ErrNotFound):
		return ignore("account " + ev.Account + " is not a member of the organization (yet)")
	case err != nil:
		log.ErrorContext(ctx, "lookup failed", "kind", ev.Kind, "account", ev.Account, "error", err.Error())
		return nil, fmt.Errorf("enforce %s for account %s: %w", ev.Kind, ev.Account, err)
	case acct.State != "ACTIVE":
		return ignore("account state is " + acct.State)
	}
	// Enforcing streams (see plan.Options.Stream): apply re-reads every
	// contact before it writes, so the plan need not read it first.
	pl, err := h.plan(ctx, []awsorg.Account{acct}, h.cfg.Mode == ModeEnforce)
	if err != nil {
		log.ErrorContext(ctx, "plan failed", "kind", ev.Kind, "account", ev.Account, "error", err.Error())
		return nil, fmt.Errorf("enforce %s: plan: %w", ev.Kind, err)
	}
	writes := pl.Writes()
	if h.cfg.Mode == ModeReport {
		for _, w := range writes {
			res.Changes = append(res.Changes, Change{Account: w.AccountID, Type: string(w.Type), Action: w.Action, Fields: w.Fields})
		}
	}
	log.InfoContext(ctx, "planned", "kind", ev.Kind, "account", ev.Account, "mode", h.cfg.Mode,
		"create", pl.Summary.Create, "update", pl.Summary.Update, "check", pl.Summary.Ensure, "noop", pl.Summary.Noop, "skip", pl.Summary.Skip)
	var problems []string
	if pl.Summary.Unknown > 0 {
		problems = append(problems, fmt.Sprintf("%d account(s) could not be read", pl.Summary.Unknown))
	}
	if h.cfg.Mode == ModeEnforce && len(writes) > 0 {
		j, err := h.openJournal(ctx)
		if err != nil {
			return res, fmt.Errorf("enforce: %w", err)
		}
		defer j.Close()
		rep, err := apply.Apply(ctx, h.c, j, writes, apply.Options{Caller: pl.Caller.Account})
		res.Outcomes = rep.Summary
		for _, o := range rep.Outcomes {
			if o.Result == apply.Unchanged {
				continue
			}
			res.Changes = append(res.Changes, Change{Account: o.AccountID, Type: string(o.Type), Action: o.Action, Fields: o.Fields})
			logWrite(ctx, log, o)
		}
		if err != nil {
			return res, fmt.Errorf("enforce: %w", err)
		}
		if n := rep.Summary[apply.Failed] + rep.Summary[apply.Conflict] + rep.Summary[apply.Interrupted]; n > 0 {
			problems = append(problems, fmt.Sprintf("%d write(s) not made", n))
		}
	}
	if len(problems) > 0 {
		err := fmt.Errorf("enforce %s: %s", ev.Kind, strings.Join(problems, "; "))
		log.ErrorContext(ctx, "incomplete", "kind", ev.Kind, "account", ev.Account, "error", err.Error())
		return res, err
	}
	return res, nil
}

// plan makes the plan for the given accounts, already looked up (the
// sweep's inventory checks the policy's references against the OU tree).
// With stream, no contact is read and every declared contact is an Ensure.
func (h *Handler) plan(ctx context.Context, given []awsorg.Account, stream bool) (*plan.Plan, error) {
	o := plan.Options{Now: h.cfg.Now, Version: h.cfg.Version, Stream: stream}
	inv, err := inventory.Take(ctx, h.c, h.cfg.Policy, inventory.Options{Types: plan.Types(h.cfg.Policy), NoReads: stream, Given: given})
	if err != nil {
		return nil, err
	}
	return plan.Make(inv, h.cfg.Policy, h.cfg.PolicyBytes, o), nil
}

// openJournal opens the journal every write of an invocation goes
// through; events and sweep batches share it.
// Each opening is a new run of the journal (in S3, its own folder, stored
// only if something is written), headed with the caller's ARN.
func (h *Handler) openJournal(ctx context.Context) (*journal.Writer, error) {
	id, err := h.c.Identity(ctx)
	if err != nil {
		return nil, err
	}
	return h.cfg.Journal.Open(ctx, journal.RunInfo{Mode: "enforce", Caller: id.ARN, ToolVersion: h.cfg.Version}, h.cfg.Now)
}

// logWrite logs one write's outcome, never the contact's values.
func logWrite(ctx context.Context, log *slog.Logger, o apply.Outcome) {
	attrs := []any{"account", o.AccountID, "type", string(o.Type), "result", o.Result}
	if o.Error != "" {
		attrs = append(attrs, "error", o.Error)
	}
	log.InfoContext(ctx, "write", attrs...)
}

// own reports whether principal is the enforcer's role, by role name, so
// the role ARN and the assumed-role session ARN both match.
func (h *Handler) own(principal string) bool {
	want := roleName(h.cfg.EnforcerRole)
	return want != "" && roleName(principal) == want
}

// roleName extracts NAME from arn:aws:iam::1:role/path/NAME,
// arn:aws:sts::1:assumed-role/NAME/session, or a bare NAME.
func roleName(s string) string {
	switch {
	case strings.Contains(s, ":assumed-role/"):
		rest := s[strings.Index(s, ":assumed-role/")+len(":assumed-role/"):]
		name, _, _ := strings.Cut(rest, "/")
		return name
	case strings.Contains(s, ":role/"):
		rest := s[strings.Index(s, ":role/")+len(":role/"):]
		return rest[strings.LastIndex(rest, "/")+1:]
	case strings.HasPrefix(s, "arn:"):
		return ""
	}
	return s
}
