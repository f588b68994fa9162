package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/plan"
	"github.com/altcontacts/altcontacts/internal/report"
)

// applyOptions are apply's flags.
type applyOptions struct {
	e *env
	g *globalOptions

	policyFile, planFile, journal string
	yes, allowDelete              bool

	// Set by parse: the policy, or the plan file's plan.
	format string
	policy *contact.Policy
	data   []byte
	plan   *plan.Plan
}

func newApplyCmd(e *env, g *globalOptions) *cobra.Command {
	o := &applyOptions{e: e, g: g}
	cmd := &cobra.Command{
		Use:   "apply (--policy FILE | --plan PLAN.json) [--yes] [--journal FILE]",
		Short: "Write the contacts a policy or plan declares, journaled, to every account",
		Long: `apply writes alternate contacts from the management account (or the delegated
administrator). Before each write it re-reads the contact, appends the old and new value to
the journal and fsyncs it; after, it reads the contact back. 'altcontacts rollback --journal'
undoes a run. A rerun writes only what still differs.

With --plan, a contact that changed since the plan was made is a conflict: not written,
reported, exit 3. Interactive runs ask for confirmation; without a terminal, --yes is required.

Exit codes: 0 all written (or nothing to do); 2 bad input, nothing written; 3 failures or
conflicts (the rest was written); 130 interrupted (in-flight writes finished and journaled).`,
		Example: `  altcontacts apply --sandbox --policy contacts.yaml --yes
  altcontacts plan --policy contacts.yaml --out plan.json && altcontacts apply --plan plan.json
  altcontacts rollback --journal altcontacts-journal-20261126T101500Z.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			return runApply(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.policyFile, "policy", "", "policy file (YAML or JSON)")
	cmd.Flags().StringVar(&o.planFile, "plan", "", "plan file from 'plan --out'")
	cmd.Flags().StringVar(&o.journal, "journal", "", "journal: a file (default altcontacts-journal-TIME.jsonl here) or s3://BUCKET/PREFIX (a new run under it)")
	cmd.Flags().BoolVar(&o.yes, "yes", false, "do not ask for confirmation (required without a terminal)")
	cmd.Flags().BoolVar(&o.allowDelete, "allow-delete", false, "allow deleting contacts (policies cannot ask for deletes yet; reserved)")
	outputFlag(cmd, g, report.ChangeFormats...)
	return cmd
}

// readPlan reads a plan written by 'plan --out'; plan.Decode is strict.
func readPlan(e *env, path string) (*plan.Plan, error) {
	data, err := e.readFile(path)
	if err != nil {
		return nil, usageErr("plan: %v", err)
	}
	pl, err := plan.Decode(path, data)
	if err != nil {
		return nil, &exitError{code: ExitUsage, err: err}
	}
	return pl, nil
}

// confirm asks on a terminal; without one, --yes must have been given.
func (e *env) confirm(question string) bool {
	fmt.Fprintf(e.stderr, "%s [y/N] ", question)
	line, _ := bufio.NewReader(e.stdin).ReadString('\n')
	ans := strings.ToLower(strings.TrimSpace(line))
	return ans == "y" || ans == "yes"
}

func (e *env) interactive() bool { return e.stdinTTY && e.stderrTTY }

func defaultJournal(e *env) string {
	return fmt.Sprintf("altcontacts-journal-%s.jsonl", e.now().UTC().Format("20060102T150405Z"))
}

// parse checks every flag and reads the policy or the plan file, before
// anything is called.
func (o *applyOptions) parse() error {
	var err error
	if o.format, err = changeOutput(o.g, "apply"); err != nil {
		return err
	}
	if (o.policyFile == "") == (o.planFile == "") {
		return usageErr("give exactly one of --policy and --plan")
	}
	if !o.yes && !o.e.interactive() {
		return usageErr("--yes required when not running interactively")
	}
	if o.journal == "" {
		o.journal = defaultJournal(o.e)
	}
	if o.policyFile != "" {
		o.policy, o.data, err = readPolicy(o.e, o.policyFile)
		return err
	}
	o.plan, err = readPlan(o.e, o.planFile)
	return err
}

// openForWrites is how apply and enforce begin: the journal resolved
// first (a bad s3:// location must fail before the organization is read
// and a plan confirmed), then the connection, then the mail check of the
// policy (or plan) before anything is read or written. The caller closes
// the connection.
func (g *globalOptions) openForWrites(ctx context.Context, e *env, journalArg string, p *contact.Policy, pl *plan.Plan, planFile string) (journal.Target, *connection, error) {
	target, err := g.journalTarget(ctx, e, journalArg)
	if err != nil {
		return target, nil, err
	}
	target.Announce = e.announceJournal
	conn, err := g.connect(ctx, e)
	if err != nil {
		return target, nil, err
	}
	if err := g.refuseDeadPolicy(ctx, e, conn, p, pl, planFile); err != nil {
		conn.close()
		return target, nil, err
	}
	return target, conn, nil
}

func runApply(ctx context.Context, o *applyOptions) error {
	e, g, p, data, pl, format := o.e, o.g, o.policy, o.data, o.plan, o.format
	target, conn, err := g.openForWrites(ctx, e, o.journal, p, pl, o.planFile)
	if err != nil {
		return err
	}
	defer conn.close()
	id, err := conn.client.Identity(ctx)
	if err != nil {
		return withHints(fmt.Errorf("apply: %w", err), ExitIncomplete, awsHints(g, err)...)
	}
	// Unattended, apply streams: no contact is read for a plan, and each
	// worker's own re-read decides whether to write, which saves a read per
	// contact (reads bind before writes do). On a terminal the plan is read
	// in full first, to be shown and confirmed.
	stream := o.yes && pl == nil
	if pl == nil {
		if pl, err = buildPlan(ctx, e, g, conn, p, data, stream); err != nil {
			return err
		}
	} else if err := plan.Recheck(ctx, conn.client, o.planFile, pl, id); err != nil {
		if errors.As(err, new(*plan.OrganizationError)) {
			return withHints(err, ExitUsage, "make the plan again from this organization: "+g.cmdline("plan", "--policy", "FILE", "--out", "PLAN.json"))
		}
		return withHints(fmt.Errorf("apply: %w", err), ExitIncomplete, awsHints(g, err)...)
	}
	writes := pl.Writes()
	if len(writes) == 0 {
		if err := unknownExit(g, pl); err != nil {
			return err
		}
		return nothingToDo(e, format, "apply", "altcontacts: nothing to do: every contact already matches", nil)
	}
	accounts := plan.Accounts(writes)
	if !o.yes {
		report.Plan(e.stderr, "table", pl, e.style())
		if !e.confirm(fmt.Sprintf("Write %d contact(s) to %d account(s)?", len(writes), accounts)) {
			return &exitError{code: ExitUsage, err: errors.New("cancelled; nothing was written")}
		}
	}
	// The journal appears with the first write: a run that changes nothing
	// leaves none behind.
	j, err := target.Open(ctx, journal.RunInfo{Mode: journal.PhaseApply, Caller: id.ARN, ToolVersion: version()}, e.now)
	if err != nil {
		return usageErr("%v", err)
	}
	defer j.Close()
	path := j.Path()
	if stream || o.planFile != "" {
		// Each write's own re-read decides: a plan file's writes may all
		// have been made already.
		fmt.Fprintf(e.stderr, "altcontacts: checking %d contact(s) in %d account(s), writing those that differ\n", len(writes), accounts)
	} else {
		fmt.Fprintf(e.stderr, "altcontacts: writing %d contact(s) to %d account(s)\n", len(writes), accounts)
	}
	bar := newProgress(e, g, "contacts done")
	rep, runErr := apply.Apply(ctx, conn.client, j, writes, apply.Options{Caller: id.Account, StrictBefore: o.planFile != "", Progress: bar.update, Concurrency: g.concurrency})
	bar.finish()
	if runErr == nil && ctx.Err() == nil && rep.Summary[apply.Unchanged] == len(rep.Outcomes) && pl.Summary.Unknown == 0 {
		return nothingToDo(e, format, "apply", "altcontacts: nothing to do: every contact already matches", rep)
	}
	if err := report.Changes(e.stdout, format, "apply", rep, e.style()); err != nil {
		return err
	}
	if err := changeExit(ctx, g, runErr, rep, path); err != nil {
		return err
	}
	return unknownExit(g, pl)
}

// nothingToDo ends an apply or rollback that changed nothing: the message
// on stderr and, for machines (-o json), the report all the same, its
// outcomes [] when nothing was even checked (rep nil).
func nothingToDo(e *env, format, verb, msg string, rep *apply.Report) error {
	fmt.Fprintln(e.stderr, msg)
	if format == "table" {
		return nil
	}
	if rep == nil {
		rep = &apply.Report{Schema: apply.Schema}
		if verb == "rollback" {
			rep.Schema = apply.RollbackSchema
		}
	}
	// The journal appears with the first write: there is none to name.
	rep.Journal = ""
	return report.Changes(e.stdout, format, verb, rep, e.style())
}

// unknownExit fails a run that left accounts unread: they were neither
// written nor checked, so the organization is not known to match.
func unknownExit(g *globalOptions, pl *plan.Plan) error {
	if pl.Summary.Unknown == 0 {
		return nil
	}
	var reasons []string
	for _, c := range pl.Unknowns() {
		if len(reasons) < 3 {
			reasons = append(reasons, fmt.Sprintf("account %s: %s", c.AccountID, c.Reason))
		}
	}
	return withHints(fmt.Errorf("%d account(s) could not be read and were not written", pl.Summary.Unknown), ExitIncomplete,
		append(reasons, "rerun to finish; check access with: "+g.cmdline("doctor"))...)
}

// changeExit picks the exit code of apply and rollback.
func changeExit(ctx context.Context, g *globalOptions, runErr error, rep *apply.Report, journalPath string) error {
	if ctx.Err() != nil {
		return &exitError{code: ExitInterrupted, err: fmt.Errorf("interrupted: writes in flight finished and are journaled; %d not started", rep.Summary[apply.Interrupted]),
			hints: []string{"rerun to finish, or undo with: " + g.rollbackCmd(journalPath)}}
	}
	var je *apply.JournalError
	if errors.As(runErr, &je) {
		hints := append(journalHints(je.Err), "every write before it is journaled: rerun when the journal works, or undo with: "+g.rollbackCmd(journalPath))
		return withHints(runErr, ExitIncomplete, hints...)
	}
	if runErr != nil {
		return withHints(runErr, ExitIncomplete)
	}
	if n := rep.Summary[apply.Failed] + rep.Summary[apply.Conflict] + rep.Summary[apply.Skipped]; n > 0 {
		hints := []string{"rerun to retry what failed; undo everything with: " + g.rollbackCmd(journalPath)}
		if rep.Summary[apply.Conflict] > 0 {
			hints = append(hints, "conflicts changed since the plan: make a new plan")
		}
		hints = append(hints, failureHints(g, rep.Outcomes)...)
		return withHints(fmt.Errorf("%d change(s) not made", n), ExitIncomplete, hints...)
	}
	return nil
}

// failureHints is the advice for the outcomes that failed, by their
// errors' kinds, each hint once.
func failureHints(g *globalOptions, ocs []apply.Outcome) []string {
	var errs []error
	for _, o := range ocs {
		if o.Err != nil {
			errs = append(errs, o.Err)
		}
	}
	return hintsOnce(g, errs)
}
