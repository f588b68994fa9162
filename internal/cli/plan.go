package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/atomicfile"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/plan"
	"github.com/altcontacts/altcontacts/internal/report"
	"github.com/altcontacts/altcontacts/internal/strict"
)

// readPolicy loads a policy for writing: parse errors and a policy whose
// own contacts break a high-severity rule are input errors (exit 2).
func readPolicy(e *env, path string) (*contact.Policy, []byte, error) {
	if path == "" {
		return nil, nil, usageErr("--policy is required")
	}
	data, err := e.readFile(path)
	if err != nil {
		return nil, nil, usageErr("policy: %v", err)
	}
	p, err := parsePolicy(path, data)
	return p, data, err
}

// parsePolicy reads a policy a command writes from (a file's, or
// ALTCONTACTS_POLICY's): every problem is exit 2, a refused one with what
// to use instead.
func parsePolicy(name string, data []byte) (*contact.Policy, error) {
	p, err := contact.ParseUsablePolicy(name, data)
	if errors.As(err, new(*contact.RefusedError)) {
		return nil, withHints(err, ExitUsage, "use a monitored group address on your own domain and a real on-call number")
	}
	if err != nil {
		return nil, &exitError{code: ExitUsage, err: err}
	}
	return p, nil
}

// planOptions are plan's flags.
type planOptions struct {
	e *env
	g *globalOptions

	policyFile, out string

	// Set by parse.
	format string
	policy *contact.Policy
	data   []byte
}

func newPlanCmd(e *env, g *globalOptions) *cobra.Command {
	o := &planOptions{e: e, g: g}
	cmd := &cobra.Command{
		Use:   "plan --policy FILE [--out PLAN.json]",
		Short: "Show, account by account, what applying a policy would change (read-only)",
		Example: `  altcontacts plan --sandbox --policy contacts.yaml
  altcontacts plan --policy contacts.yaml --out plan.json   # then: altcontacts apply --plan plan.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			return runPlan(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.policyFile, "policy", "", "policy file (YAML or JSON)")
	cmd.Flags().StringVar(&o.out, "out", "", "also write the plan as JSON to this file, for apply --plan")
	outputFlag(cmd, g, report.ChangeFormats...)
	return cmd
}

// parse checks the output format and reads the policy, before anything
// is called.
func (o *planOptions) parse() error {
	var err error
	if o.format, err = changeOutput(o.g, "plan"); err != nil {
		return err
	}
	o.policy, o.data, err = readPolicy(o.e, o.policyFile)
	return err
}

// buildPlan makes the plan, mapping its errors to exit codes; with stream,
// no contact is read (see plan.Options.Stream).
func buildPlan(ctx context.Context, e *env, g *globalOptions, conn *connection, p *contact.Policy, data []byte, stream bool) (*plan.Plan, error) {
	bar := newProgress(e, g, "accounts read")
	pl, err := plan.Build(ctx, conn.client, p, data, plan.Options{Accounts: g.accounts, OUs: g.ous, Concurrency: g.concurrency,
		Progress: bar.update, Now: e.now, Version: version(), Stream: stream, Warn: e.warn})
	bar.finish()
	if ferr := filterError(g, err); ferr != nil {
		return nil, ferr
	}
	switch {
	case err == nil:
		return pl, nil
	case errors.As(err, new(*strict.FileError)):
		return nil, &exitError{code: ExitUsage, err: fmt.Errorf("the policy does not fit the organization\n%w", err)}
	case ctx.Err() != nil:
		return nil, &exitError{code: ExitInterrupted, err: errors.New("interrupted while reading the organization; nothing was written")}
	}
	return nil, withHints(fmt.Errorf("plan: %w", err), ExitIncomplete, awsHints(g, err)...)
}

func runPlan(ctx context.Context, o *planOptions) error {
	e, g, out := o.e, o.g, o.out
	conn, err := g.connect(ctx, e)
	if err != nil {
		return err
	}
	defer conn.close()
	if err := g.refuseDeadPolicy(ctx, e, conn, o.policy, nil, ""); err != nil {
		return err
	}
	pl, err := buildPlan(ctx, e, g, conn, o.policy, o.data, false)
	if err != nil {
		return err
	}
	if err := report.Plan(e.stdout, o.format, pl, e.style()); err != nil {
		return err
	}
	if out != "" {
		b, _ := report.MarshalIndent(pl)
		if err := atomicfile.Write(e.path(out), append(b, '\n'), 0o600); err != nil {
			return withHints(e.asWritten(err, out), ExitIncomplete)
		}
		fmt.Fprintf(e.stderr, "altcontacts: plan written to %s; apply it with: %s\n", out, g.cmdline("apply", append([]string{"--plan", out}, g.yesFlag()...)...))
	}
	if pl.Summary.Unknown > 0 {
		return withHints(fmt.Errorf("%d account(s) could not be read; the plan leaves them out", pl.Summary.Unknown), ExitIncomplete,
			"see each skipped account's reason above")
	}
	return nil
}
