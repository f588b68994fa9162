package cli

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/findings"
	"github.com/altcontacts/altcontacts/internal/report"
)

// auditOptions are audit's flags, bound by newAuditCmd and checked by
// parse; runAudit takes nothing else.
type auditOptions struct {
	e *env
	g *globalOptions

	typeNames      []string
	failOnName     string
	policyFile     string
	importFindings bool
	evidence       string
	include        []string
	showPII        bool
	registration   bool

	// Set by parse.
	types  []contact.Type
	failOn contact.Severity
	output string
}

func newAuditCmd(e *env, g *globalOptions) *cobra.Command {
	o := &auditOptions{e: e, g: g}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Inventory every account's alternate contacts and evaluate the rules (read-only)",
		Long: `audit reads the SECURITY, OPERATIONS and BILLING alternate contacts of every ACTIVE
account in the organization, paced to the Account API quota, and reports Security Hub
Account.1 parity plus the contacts that will not work when needed: placeholders, a
person instead of a team, free-mail inboxes, the root email again, and addresses
whose domain cannot receive mail (DNS, once per distinct domain; --no-dns skips it).

Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage error;
3 some accounts could not be read (UNKNOWN); 130 interrupted.`,
		Example: `  altcontacts audit --sandbox
  altcontacts audit --profile org-admin -o json > audit.json
  altcontacts audit --ou Root/Workloads --types SECURITY --fail-on high
  altcontacts audit --policy contacts.yaml -o sarif > altcontacts.sarif
  altcontacts audit --check-registration      # also RDAP: domains about to expire`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			return runAudit(cmd.Context(), o)
		},
	}
	cmd.Flags().StringSliceVar(&o.typeNames, "types", nil, "contact types to read (default SECURITY,OPERATIONS,BILLING)")
	cmd.Flags().StringVar(&o.policyFile, "policy", "", "policy file (YAML or JSON) with required types and rules")
	cmd.Flags().BoolVar(&o.showPII, "show-pii", false, "show contact phone numbers in full in -o html (default: masked to the country code and last four digits)")
	cmd.Flags().StringVar(&o.failOnName, "fail-on", "medium", "exit 1 when a finding is at or above this severity: info, low, medium, high, critical")
	cmd.Flags().BoolVar(&o.importFindings, "import-findings", false, "also send the findings (not Account.1) to Security Hub as ASFF, archiving those that stopped firing")
	cmd.Flags().StringVar(&o.evidence, "evidence", "", "write an evidence bundle to this directory: JSON and HTML reports and a SHA-256 manifest")
	cmd.Flags().StringSliceVar(&o.include, "evidence-include", nil, "add these files (a plan, a journal) to the evidence bundle")
	cmd.Flags().BoolVar(&o.registration, "check-registration", false, "also check each mail domain's registration expiry over RDAP (asks public registry servers, so opt-in)")
	cmd.Flags().StringVar(&g.hubRegion, "securityhub-region", "", "Security Hub Region for --import-findings (default: --region)")
	outputFlag(cmd, g, auditFormats()...)
	cmd.RegisterFlagCompletionFunc("types", cobra.FixedCompletions([]string{"SECURITY", "OPERATIONS", "BILLING"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"info", "low", "medium", "high", "critical"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// auditFormats are audit's -o formats: report.Audit's, and asff, which the
// findings package makes (the findings as Security Hub would import them).
func auditFormats() []string {
	return append(slices.Clone(report.Formats), "asff")
}

// parse checks every flag before anything is called.
func (o *auditOptions) parse() error {
	o.types = nil
	for _, t := range o.typeNames {
		ct, err := contact.ParseType(t)
		if err != nil {
			return usageErr("--types: %v", err)
		}
		o.types = append(o.types, ct)
	}
	sev, err := contact.ParseSeverity(o.failOnName)
	if err != nil {
		return usageErr("--fail-on: %v", err)
	}
	o.failOn = sev
	if o.output, err = outputFormat(o.g, "audit", auditFormats()); err != nil {
		return err
	}
	if len(o.include) > 0 && o.evidence == "" {
		return usageErr("--evidence-include needs --evidence DIR")
	}
	return nil
}

// loadPolicy reads a policy file; every problem is an input error (exit 2).
func loadPolicy(e *env, path string) (*contact.Policy, error) {
	if path == "" {
		return contact.DefaultPolicy(), nil
	}
	data, err := e.readFile(path)
	if err != nil {
		return nil, usageErr("policy: %v", err)
	}
	p, err := contact.ParsePolicy(path, data)
	if err != nil {
		return nil, &exitError{code: ExitUsage, err: err}
	}
	return p, nil
}

func runAudit(ctx context.Context, o *auditOptions) error {
	e, g := o.e, o.g
	pol, err := loadPolicy(o.e, o.policyFile)
	if err != nil {
		return err
	}
	conn, err := g.connect(ctx, e)
	if err != nil {
		return err
	}
	defer conn.close()
	mc, err := g.mailChecker(e, conn, o.registration)
	if err != nil {
		return err
	}
	bar := newProgress(e, g, "accounts")
	rep, runErr := audit.Run(ctx, conn.client, pol, audit.Options{
		Types: o.types, Accounts: g.accounts, OUs: g.ous, Concurrency: g.concurrency,
		FailOn: o.failOn, Progress: bar.update, Now: e.now, Version: version(), Mail: mc, Warn: e.warn,
	})
	bar.finish()
	if err := filterError(g, runErr); err != nil {
		return err
	}
	if rep == nil {
		return withHints(fmt.Errorf("audit: %w", runErr), ExitIncomplete, awsHints(g, runErr)...)
	}
	if o.output == "asff" {
		fs := findings.FromReport(rep, findings.Options{Region: conn.client.HubRegion(), Now: e.now()})
		b, _ := report.MarshalIndent(fs)
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else if err := report.Audit(e.stdout, o.output, rep, withPII(e.style(), o.showPII)); err != nil {
		return err
	}
	if o.evidence != "" {
		if err := writeEvidence(o, rep); err != nil {
			return err
		}
	}
	if o.importFindings && runErr == nil {
		res, err := findings.Sync(ctx, conn.client, rep, findings.Options{Region: conn.client.HubRegion(), Now: e.now()})
		if err != nil {
			return withHints(fmt.Errorf("import findings: %w", err), ExitIncomplete, awsHints(g, err)...)
		}
		fmt.Fprintf(e.stderr, "altcontacts: Security Hub (%s): %d finding(s) imported, %d archived\n", conn.client.HubRegion(), res.Imported, res.Archived)
		if len(res.Failed) > 0 {
			return withHints(fmt.Errorf("%d finding(s) refused by Security Hub", len(res.Failed)), ExitIncomplete)
		}
	}
	if ctx.Err() != nil {
		return &exitError{code: ExitInterrupted, err: fmt.Errorf("interrupted: the report above holds the %d of %d accounts read before the interrupt",
			rep.Summary.Evaluated-rep.Summary.Unknown, rep.Summary.Accounts)}
	}
	if runErr != nil {
		return withHints(fmt.Errorf("audit incomplete: %w", runErr), ExitIncomplete, awsHints(g, runErr)...)
	}
	if errs := rep.Errors(); len(errs) > 0 {
		return withHints(fmt.Errorf("%d account(s) could not be read and are UNKNOWN", len(errs)), ExitIncomplete, unknownHints(g, errs)...)
	}
	if rep.Failing() > 0 {
		// Findings are the result, not an error: exit 1, no message.
		return &exitError{code: ExitFindings}
	}
	return nil
}
