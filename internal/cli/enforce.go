package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/enforce"
)

func newEnforceCmd(e *env, g *globalOptions) *cobra.Command {
	var eventFile, policyFile, role, journalFile string
	var doApply bool
	cmd := &cobra.Command{
		Use:   "enforce --event FILE [--policy FILE] [--apply]",
		Short: "Run the enforcer's handler on one EventBridge event, as the Lambda would",
		Long: `enforce runs the same handler as the Lambda function on one event: a Control Tower
CreateManagedAccount/UpdateManagedAccount, an Organizations CreateAccountResult,
InviteAccountToOrganization, AcceptHandshake or MoveAccount, a Put/DeleteAlternateContact
made by anyone but the enforcer (drift), or a scheduled event (sweep of the organization).

It is a dry run (report mode) unless --apply. The policy comes from --policy, or from
ALTCONTACTS_POLICY as in the Lambda. Structured JSON logs go to stderr.

Exit codes: 0 handled (or ignored, with the reason); 2 unrecognized event or bad input;
3 the handler failed (the Lambda would return the error so EventBridge retries).`,
		Example: `  altcontacts enforce --sandbox --event testdata/events/create-managed-account.json --policy contacts.yaml
  altcontacts enforce --sandbox --event sweep.json --policy contacts.yaml --apply`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if eventFile == "" {
				return usageErr("--event is required")
			}
			raw, err := os.ReadFile(eventFile)
			if err != nil {
				return usageErr("event: %v", err)
			}
			var p *contact.Policy
			var data []byte
			if policyFile != "" {
				if p, data, err = readPolicy(policyFile); err != nil {
					return err
				}
			} else if inline := e.getenv(enforce.EnvPolicy); inline != "" {
				if p, err = contact.ParsePolicy(enforce.EnvPolicy, []byte(inline)); err != nil {
					return &exitError{code: ExitUsage, err: err}
				}
				data = []byte(inline)
			} else {
				return usageErr("no policy: give --policy FILE or set %s", enforce.EnvPolicy)
			}
			if _, err := enforce.Parse(raw); err != nil {
				return usageErr("%s: %v", eventFile, err)
			}
			mode := enforce.ModeReport
			if doApply {
				mode = enforce.ModeEnforce
			}
			if journalFile == "" {
				journalFile = defaultJournal(e)
			}
			target, err := g.journalTarget(ctx, e, journalFile)
			if err != nil {
				return err
			}
			return runEnforce(ctx, e, g, raw, enforce.Config{Policy: p, PolicyBytes: data, Mode: mode, EnforcerRole: role,
				Journal: target, Logger: slog.New(slog.NewJSONHandler(e.stderr, nil)), Now: e.now, Version: version()})
		},
	}
	cmd.Flags().StringVar(&eventFile, "event", "", "EventBridge event (JSON file)")
	cmd.Flags().StringVar(&policyFile, "policy", "", "policy file (default: $"+enforce.EnvPolicy+")")
	cmd.Flags().BoolVar(&doApply, "apply", false, "write (enforce mode); without it, report only")
	cmd.Flags().StringVar(&role, "enforcer-role", "altcontacts-enforcer", "the enforcer's role name: its own contact writes are not drift")
	cmd.Flags().StringVar(&journalFile, "journal", "", "journal for --apply: a file (default altcontacts-journal-TIME.jsonl here) or s3://BUCKET/PREFIX")
	return cmd
}

func runEnforce(ctx context.Context, e *env, g *globalOptions, raw []byte, cfg enforce.Config) error {
	conn, err := g.connect(ctx, e)
	if err != nil {
		return err
	}
	defer conn.close()
	h, err := enforce.New(conn.client, cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	res, herr := h.Handle(ctx, raw)
	if res != nil {
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Fprintf(e.stdout, "%s\n", b)
	}
	switch {
	case errors.Is(herr, enforce.ErrUnrecognized):
		return usageErr("%v", herr)
	case herr != nil && ctx.Err() != nil:
		return &exitError{code: ExitInterrupted, err: herr}
	case herr != nil:
		return withHints(herr, ExitIncomplete, append(awsHints(herr), "the Lambda would return this error, so EventBridge retries and then the DLQ holds the event")...)
	}
	return nil
}
