package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/report"
)

// journalTarget resolves a --journal value: a file path, or
// s3://BUCKET/PREFIX reached through the usual configuration chain (with
// --sandbox, an S3-compatible store named by AWS_ENDPOINT_URL_S3).
func (g *globalOptions) journalTarget(ctx context.Context, e *env, s string) (journal.Target, error) {
	if !journal.IsS3(s) {
		return journal.Target{File: s, Dir: e.dir}, nil
	}
	loc, err := journal.ParseLocation(s)
	if err != nil {
		return journal.Target{}, usageErr("--journal: %v", err)
	}
	b, err := awsorg.LoadBucket(ctx, awsorg.BucketLoadOptions{LoadOptions: g.loadOptions(e), Bucket: loc.Bucket, Getenv: e.getenv, Local: g.sandbox})
	switch {
	case errors.Is(err, awsorg.ErrNoLocalStore):
		return journal.Target{}, withHints(fmt.Errorf("--journal %s: %w", s, err), ExitUsage,
			"the sandbox emulates AWS but not S3; point the journal at any S3-compatible store, e.g.:",
			"moto_server -p 5000 & export AWS_ENDPOINT_URL_S3=http://127.0.0.1:5000; aws s3 mb s3://"+loc.Bucket,
			"or journal to a file: --journal FILE")
	case err != nil:
		g.logConfigError(e, err)
		return journal.Target{}, configError(err)
	}
	return journal.Target{Store: b, Loc: loc}, nil
}

// announceJournal names a journal on stderr when its first record makes it
// exist, for every command that journals: where to roll back from, even if
// the run is killed before its report. A file a sweep's batches append to
// in turn is named once.
func (e *env) announceJournal(location string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.announced[location] {
		return
	}
	if e.announced == nil {
		e.announced = map[string]bool{}
	}
	e.announced[location] = true
	fmt.Fprintf(e.stderr, "altcontacts: journal %s\n", location)
}

// journalHints is the advice for a journal that cannot be read or written.
func journalHints(err error) []string {
	switch {
	case errors.Is(err, awsorg.ErrNoSuchBucket):
		return []string{"the journal's bucket does not exist: create it (aws s3 mb s3://BUCKET) or fix --journal"}
	case errors.Is(err, awsorg.ErrAccessDenied):
		return []string{"the journal needs s3:PutObject, s3:GetObject and s3:ListBucket on its bucket and prefix"}
	case errors.Is(err, awsorg.ErrExists):
		return []string{"another run's record holds that key; this is a bug if it happens twice"}
	}
	return nil
}

// journalListOptions are `journal list`'s flags.
type journalListOptions struct {
	e *env
	g *globalOptions

	journal string

	// Set by parse.
	format string
}

func newJournalCmd(e *env, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "journal",
		Short: "Inspect journals: the old value of every contact altcontacts changed",
		Args:  cobra.NoArgs,
	}
	o := &journalListOptions{e: e, g: g}
	list := &cobra.Command{
		Use:   "list --journal s3://BUCKET/PREFIX|FILE",
		Short: "List the runs a journal holds: time, mode, caller, and counts of intents, verified and failed writes",
		Long: `list shows every run under an S3 journal prefix, or appended to a journal file, oldest
first: when it started, what wrote it (apply, rollback, enforce), as whom, and how many
writes it announced (intents) and how they ended. UNFINISHED counts intents without an
outcome: writes a crash or a timeout cut short, which rollback also restores. A file
written before runs had headers is listed as one run.

Each S3 run's location is what 'altcontacts rollback --journal' takes to undo that run
alone; the whole prefix undoes every run under it. The runs of a file share its name:
rollback --journal FILE undoes them all (--account narrows it).`,
		Example: `  altcontacts journal list --journal s3://acme-altcontacts-journal/enforcer
  altcontacts journal list --journal s3://acme-altcontacts-journal/enforcer -o json | jq '.runs[] | select(.failed > 0)'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			return runJournalList(cmd.Context(), o)
		},
	}
	list.Flags().StringVar(&o.journal, "journal", "", "journal: s3://BUCKET/PREFIX or a file")
	outputFlag(list, g, report.ChangeFormats...)
	cmd.AddCommand(list)
	return cmd
}

func (o *journalListOptions) parse() error {
	var err error
	if o.format, err = changeOutput(o.g, "journal list"); err != nil {
		return err
	}
	if o.journal == "" {
		return usageErr("--journal is required")
	}
	return nil
}

func runJournalList(ctx context.Context, o *journalListOptions) error {
	e, g := o.e, o.g
	t, err := g.journalTarget(ctx, e, o.journal)
	if err != nil {
		return err
	}
	runs, err := t.Runs(ctx)
	if err != nil {
		return journalReadError(err)
	}
	return report.Runs(e.stdout, o.format, &report.RunList{Schema: report.RunListSchema, Journal: t.String(), Runs: runs})
}

// journalReadError is the exit for a journal that cannot be read: a bad
// line is the user's input (exit 2), a store that fails is not.
func journalReadError(err error) error {
	var le *journal.LineError
	if errors.As(err, &le) || errors.Is(err, os.ErrNotExist) {
		return usageErr("%v", err)
	}
	return withHints(err, ExitIncomplete, journalHints(err)...)
}

// rollbackOptions are rollback's flags.
type rollbackOptions struct {
	e *env
	g *globalOptions

	journal string
	account string
	yes     bool

	// Set by parse.
	format string
}

func newRollbackCmd(e *env, g *globalOptions) *cobra.Command {
	o := &rollbackOptions{e: e, g: g}
	cmd := &cobra.Command{
		Use:   "rollback --journal FILE|s3://BUCKET/PREFIX [--account ID] [--yes]",
		Short: "Restore every contact a journaled apply changed to its value before",
		Long: `rollback reads journals, even ones cut short by a crash, and puts every contact they
changed back to the value it had before altcontacts first touched it. A contact that was
unset before is deleted (asked for, or --yes). Contacts already at their old value are left
alone, so rollback can be rerun.

--journal is a file written by apply, or an S3 prefix: every run under it (the enforcer's
and apply's) is read, and each contact goes back to its earliest before; a run's own prefix
(from 'altcontacts journal list') undoes that run alone. --account limits the restore to
one account. Rollback's own writes are journaled too: appended to the file, or as a new run
under the prefix.`,
		Example: `  altcontacts rollback --sandbox --journal altcontacts-journal-20261126T101500Z.jsonl --yes
  altcontacts rollback --journal s3://acme-altcontacts-journal/enforcer --account 105847293316 --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			return runRollback(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.journal, "journal", "", "journal written by apply or the enforcer: a file or s3://BUCKET/PREFIX")
	cmd.Flags().StringVar(&o.account, "account", "", "restore only this account's contacts")
	cmd.Flags().BoolVar(&o.yes, "yes", false, "do not ask (required without a terminal); allows deletes")
	outputFlag(cmd, g, report.ChangeFormats...)
	return cmd
}

// parse checks every flag before anything is read or called.
func (o *rollbackOptions) parse() error {
	var err error
	if o.format, err = changeOutput(o.g, "rollback"); err != nil {
		return err
	}
	if o.journal == "" {
		return usageErr("--journal is required")
	}
	if o.account != "" && !contact.IsAccountID(o.account) {
		return usageErr("--account %q: want a 12-digit account ID", o.account)
	}
	if !o.yes && !o.e.interactive() {
		return usageErr("--yes required when not running interactively")
	}
	return nil
}

func runRollback(ctx context.Context, o *rollbackOptions) error {
	e, g := o.e, o.g
	t, err := g.journalTarget(ctx, e, o.journal)
	if err != nil {
		return err
	}
	entries, base, err := t.Entries(ctx)
	if err != nil {
		return journalReadError(err)
	}
	sel := apply.Select(entries, o.account)
	rs := sel.Restores
	if len(rs) == 0 {
		what := t.String() + " records no change"
		if o.account != "" {
			what = t.String() + " records no change to account " + o.account
		}
		return nothingToDo(e, o.format, "rollback", "altcontacts: nothing to roll back: "+what, nil)
	}
	allowDelete := o.yes
	if !o.yes {
		msg := fmt.Sprintf("Restore %d contact(s) from %s", len(rs), t)
		if sel.Deletes > 0 {
			msg += fmt.Sprintf(", deleting %d that were unset before", sel.Deletes)
		}
		if !e.confirm(msg + "?") {
			return &exitError{code: ExitUsage, err: errors.New("cancelled; nothing was written")}
		}
		allowDelete = true
	}
	conn, err := g.connect(ctx, e)
	if err != nil {
		return err
	}
	defer conn.close()
	id, err := conn.client.Identity(ctx)
	if err != nil {
		return withHints(fmt.Errorf("rollback: %w", err), ExitIncomplete, awsHints(g, err)...)
	}
	info := journal.RunInfo{Mode: journal.PhaseRollback, Caller: id.ARN, ToolVersion: version()}
	base.Announce = e.announceJournal
	j, err := base.Open(ctx, info, e.now)
	if err != nil {
		return usageErr("%v", err)
	}
	defer j.Close()
	bar := newProgress(e, g, "contacts restored")
	rep, runErr := apply.Rollback(ctx, conn.client, j, rs, allowDelete, apply.Options{Progress: bar.update, Concurrency: g.concurrency})
	bar.finish()
	if err := report.Changes(e.stdout, o.format, "rollback", rep, e.style()); err != nil {
		return err
	}
	return changeExit(ctx, g, runErr, rep, t.String())
}
