package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/enforce"
	"github.com/altcontacts/altcontacts/internal/report"
)

// enforceOptions are enforce's flags.
type enforceOptions struct {
	e *env
	g *globalOptions

	eventFile, policyFile, role, journal string
	apply                                bool
	budget                               time.Duration
	budgetSet                            bool

	// Set by parse.
	raw    []byte
	sweep  bool // a scheduled event
	policy *contact.Policy
	data   []byte
	mode   string
}

func newEnforceCmd(e *env, g *globalOptions) *cobra.Command {
	o := &enforceOptions{e: e, g: g}
	cmd := &cobra.Command{
		Use:   "enforce --event FILE [--policy FILE] [--apply]",
		Short: "Run the enforcer's handler on one EventBridge event, as the Lambda would",
		Long: `enforce runs the same handler as the Lambda function on one event: a Control Tower
CreateManagedAccount/UpdateManagedAccount, an Organizations CreateAccountResult,
InviteAccountToOrganization, AcceptHandshake or MoveAccount, a Put/DeleteAlternateContact
made by anyone but the enforcer (drift), or a scheduled event (sweep of the organization).

It is a dry run (report mode) unless --apply. The policy comes from --policy, or from
ALTCONTACTS_POLICY as in the Lambda. Structured JSON logs go to stderr.

A scheduled event runs the sweep as the deployed state machine does, through the same
phases: one inventory of the organization, then batch after batch, each taking accounts until
--budget is spent (without it, one batch takes every account) and retried from the same
account if it fails, with one line per batch and a summary on stderr and the summary as JSON
on stdout.

Exit codes: 0 handled (or ignored, with the reason); 2 unrecognized event or bad input;
3 the handler failed (the Lambda would return the error so EventBridge retries), or an
account failed in a sweep (the state machine would end in its Fail state).`,
		Example: `  altcontacts enforce --sandbox --event testdata/events/create-managed-account.json --policy contacts.yaml
  altcontacts enforce --sandbox --event sweep.json --policy contacts.yaml --apply
  altcontacts enforce --sandbox --event sweep.json --policy contacts.yaml --apply --budget 3s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.budgetSet = cmd.Flags().Changed("budget")
			if err := o.parse(); err != nil {
				return err
			}
			return runEnforce(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.eventFile, "event", "", "EventBridge event (JSON file)")
	cmd.Flags().StringVar(&o.policyFile, "policy", "", "policy file (default: $"+enforce.EnvPolicy+")")
	cmd.Flags().BoolVar(&o.apply, "apply", false, "write (enforce mode); without it, report only")
	cmd.Flags().StringVar(&o.role, "enforcer-role", "altcontacts-enforcer", "the enforcer's role name: its own contact writes are not drift")
	cmd.Flags().StringVar(&o.journal, "journal", "", "journal for --apply: a file (default altcontacts-journal-TIME.jsonl here) or s3://BUCKET/PREFIX")
	cmd.Flags().DurationVar(&o.budget, "budget", 0, "sweep in batches, each taking accounts for this long, as the state machine does")
	// The handler's result (or the sweep's summary) is JSON, as the
	// Lambda returns it.
	outputFlag(cmd, g, "json")
	return cmd
}

// parse reads the event and the policy and checks every flag, before
// anything is called.
func (o *enforceOptions) parse() error {
	if o.eventFile == "" {
		return usageErr("--event is required")
	}
	raw, err := o.e.readFile(o.eventFile)
	if err != nil {
		return usageErr("event: %v", err)
	}
	o.raw = raw
	switch inline := o.e.getenv(enforce.EnvPolicy); {
	case o.policyFile != "":
		if o.policy, o.data, err = readPolicy(o.e, o.policyFile); err != nil {
			return err
		}
	case inline != "":
		if o.policy, err = parsePolicy(enforce.EnvPolicy, []byte(inline)); err != nil {
			return err
		}
		o.data = []byte(inline)
	default:
		return usageErr("no policy: give --policy FILE or set %s", enforce.EnvPolicy)
	}
	ev, err := enforce.Parse(raw)
	if err != nil {
		return usageErr("%s: %v", o.eventFile, err)
	}
	if o.budgetSet && o.budget <= 0 {
		return usageErr("--budget: want a positive duration like 3s or 5m, got %s", o.budget)
	}
	o.sweep = ev.Kind == enforce.KindSweep
	if o.budgetSet && !o.sweep {
		return usageErr("--budget applies to the scheduled sweep; %s is a %s event", o.eventFile, ev.Kind)
	}
	o.mode = enforce.ModeReport
	if o.apply {
		o.mode = enforce.ModeEnforce
	}
	if o.journal == "" {
		o.journal = defaultJournal(o.e)
	}
	return nil
}

func runEnforce(ctx context.Context, o *enforceOptions) error {
	e, g := o.e, o.g
	target, conn, err := g.openForWrites(ctx, e, o.journal, o.policy, nil, "")
	if err != nil {
		return err
	}
	defer conn.close()
	cfg := enforce.Config{Policy: o.policy, PolicyBytes: o.data, Mode: o.mode, EnforcerRole: o.role,
		Journal: target, Logger: slog.New(slog.NewJSONHandler(e.stderr, nil)), Now: e.now, Version: version(),
		BatchBudget: o.budget, Taken: e.taken}
	h, err := enforce.New(conn.client, cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	if o.sweep {
		return runSweep(ctx, e, g, h)
	}
	res, herr := h.Handle(ctx, o.raw)
	if res != nil {
		b, _ := report.MarshalIndent(res)
		fmt.Fprintf(e.stdout, "%s\n", b)
	}
	switch {
	case errors.Is(herr, enforce.ErrUnrecognized):
		return usageErr("%v", herr)
	case herr != nil && ctx.Err() != nil:
		return &exitError{code: ExitInterrupted, err: herr}
	case herr != nil:
		return withHints(herr, ExitIncomplete, append(awsHints(g, herr), "the Lambda would return this error, so EventBridge retries and then the DLQ holds the event")...)
	}
	return nil
}

// runSweep drives the batched sweep in this process (enforce.Drive, the
// state machine's loop, the one path a scheduled event takes, with or
// without --budget) and prints the summary.
func runSweep(ctx context.Context, e *env, g *globalOptions, h *enforce.Handler) error {
	s, err := enforce.Drive(ctx, h, enforce.DriveOptions{Log: e.stderr})
	if s != nil {
		b, _ := report.MarshalIndent(s)
		fmt.Fprintf(e.stdout, "%s\n", b)
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return &exitError{code: ExitInterrupted, err: err}
	case err != nil:
		return withHints(err, ExitIncomplete, append(awsHints(g, err), "the state machine would retry the batch, then fail the execution; a rerun re-reads and skips what is already right")...)
	case s.Failed > 0:
		return withHints(fmt.Errorf("sweep: %d account(s) failed; see the \"account failed\" log lines", s.Failed), ExitIncomplete,
			"the state machine would end in its Fail state, which raises the alarm")
	}
	return nil
}
