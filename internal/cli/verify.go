package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/doctor"
	"github.com/altcontacts/altcontacts/internal/report"
	"github.com/altcontacts/altcontacts/internal/verify"
)

// verifyOptions are verify's flags.
type verifyOptions struct {
	e *env
	g *globalOptions

	wait, poll time.Duration
	showPII    bool
	source     string
	aggregator string
	// hubGen is the deprecated --securityhub spelling of --source.
	hubGen  string
	changed func(string) bool

	// Set by parse.
	format string
}

func newVerifyCmd(e *env, g *globalOptions) *cobra.Command {
	o := &verifyOptions{e: e, g: g}
	cmd := &cobra.Command{
		Use:   "verify [--wait DURATION] [--securityhub-region R] [--source auto|cspm|v2|config] [--config-aggregator NAME]",
		Short: "Read every SECURITY contact back and check Account.1 (Security Hub or AWS Config)",
		Long: `verify reads each ACTIVE account's SECURITY contact and its Account.1 verdict, from
Security Hub or the AWS Config rule behind the control, and reports per account:

  PASSED          a contact is set and Account.1 says PASSED
  PENDING         a contact is set, but Account.1 has not been re-evaluated since (AWS checks
                  every 12 or 24 hours; the last evaluation and the latest next one are shown)
  FAILED          no SECURITY contact: Account.1 fails until one is set
  UNKNOWN         cannot tell: access denied, Security Hub or Account.1 not enabled in the Region
  NOT_APPLICABLE  a contact is set, and Account.1 does not exist in this partition or Region
                  (aws-us-gov, a few newer Regions): no finding will ever come, so no waiting

Account.1 is read from Security Hub CSPM (GetFindings, ASFF), the new Security Hub
(GetFindingsV2, OCSF), or AWS Config: the rule with source SECURITY_ACCOUNT_INFORMATION_PROVIDED
(whoever deployed it), through an aggregator with an organization source — the one
--config-aggregator names, else the only one — or, in a standalone account, its own rule.
--source auto (the default) takes the first that is enabled: CSPM, the new one, Config;
cspm, v2 or config insists on one. All give the same statuses; COMPLIANT is PASSED, and
NON_COMPLIANT with a contact set is PENDING.

--wait polls until nothing is PENDING, printing each poll's counts on stderr: every 30 s
(--poll-interval), or on the sandbox at its evaluation interval. Run it where Security Hub aggregates findings
(--securityhub-region), as the Security Hub administrator.

Exit codes: 0 all PASSED (or NOT_APPLICABLE); 1 any FAILED or still PENDING; 3 any UNKNOWN.`,
		Example: `  altcontacts verify --sandbox
  altcontacts verify --sandbox --wait 30s
  altcontacts verify --sandbox --source v2
  altcontacts verify --sandbox --source config --config-aggregator acmepay-org-aggregator
  altcontacts verify --profile security-admin --securityhub-region eu-west-1 -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			return runVerify(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.showPII, "show-pii", false, "show contact phone numbers in full in -o html (default: masked)")
	cmd.Flags().DurationVar(&o.wait, "wait", 0, "poll until nothing is PENDING or this long has passed")
	cmd.Flags().DurationVar(&o.poll, "poll-interval", 0, "time between polls with --wait (default 30s; on the sandbox, its evaluation interval)")
	cmd.Flags().StringVar(&g.hubRegion, "securityhub-region", "", "Security Hub Region to read findings from (default: --region)")
	cmd.Flags().StringVar(&o.source, "source", verify.Auto, "where to read Account.1 from: auto (CSPM, else the new Security Hub, else AWS Config), cspm, v2, config")
	cmd.Flags().StringVar(&o.aggregator, "config-aggregator", "", "the AWS Config aggregator to read with --source config (default: the only one with an organization source)")
	cmd.Flags().StringVar(&o.hubGen, "securityhub", verify.Auto, "the old spelling of --source")
	if err := cmd.Flags().MarkDeprecated("securityhub", "use --source"); err != nil {
		panic(err) // the flag is defined just above
	}
	// pflag writes the deprecation notice to the flag set's output, which
	// cobra would copy to stdout (its Out); stdout holds the report, so
	// the notice goes to stderr directly. With ContinueOnError, pflag
	// writes nothing else there.
	cmd.Flags().SetOutput(e.stderr)
	o.changed = cmd.Flags().Changed
	outputFlag(cmd, g, report.VerifyFormats...)
	return cmd
}

// parse checks every flag before anything is called.
func (o *verifyOptions) parse() error {
	var err error
	if o.format, err = outputFormat(o.g, "verify", report.VerifyFormats); err != nil {
		return err
	}
	if o.wait < 0 || o.poll < 0 {
		return usageErr("--wait and --poll-interval cannot be negative")
	}
	if o.changed != nil && o.changed("securityhub") {
		if o.changed("source") {
			return usageErr("--securityhub is the old spelling of --source: give one")
		}
		if !slices.Contains(verify.Sources, o.hubGen) {
			return usageErr("--securityhub: want %s, got %q", strings.Join(verify.Sources, ", "), o.hubGen)
		}
		o.source = o.hubGen
	}
	if !slices.Contains(verify.Sources, o.source) {
		return usageErr("--source: want %s, got %q", strings.Join(verify.Sources, ", "), o.source)
	}
	if o.aggregator != "" && !verify.ValidAggregatorName(o.aggregator) {
		return usageErr("--config-aggregator: %q is not an aggregator name (1-256 of letters, digits, _ and -)", o.aggregator)
	}
	return nil
}

// withPII is st showing phone numbers in full when show is set.
func withPII(st report.Style, show bool) report.Style {
	st.ShowPII = show
	return st
}

func runVerify(ctx context.Context, o *verifyOptions) error {
	e, g, hubGen := o.e, o.g, o.source
	conn, err := g.connect(ctx, e)
	if err != nil {
		return err
	}
	defer conn.close()
	poll := o.poll
	if poll == 0 && conn.evaluationInterval > 0 {
		// Poll at the source's pace: more often finds nothing new, less
		// often waits past the evaluation that settled it.
		poll = conn.evaluationInterval
	}
	// With --wait, each poll is a line (on a terminal or not); without,
	// the one read shows a bar on a terminal.
	var polled func(int, map[string]int)
	label := "accounts settled"
	if o.wait > 0 {
		label = ""
		if !g.noProgress {
			polled = func(n int, s map[string]int) {
				fmt.Fprintf(e.stderr, "altcontacts: poll %d: %d passed, %d pending, %d failed, %d unknown\n",
					n, s[verify.Passed], s[verify.Pending], s[verify.Failed], s[verify.Unknown])
			}
		}
	}
	bar := newProgress(e, g, label)
	if label == "" {
		bar.enabled = false
	}
	rep, err := verify.Run(ctx, conn.client, verify.Options{Accounts: g.accounts, OUs: g.ous, Concurrency: g.concurrency,
		Wait: o.wait, Poll: poll, Progress: bar.update, Polled: polled, Now: e.now, Sleep: e.sleep, Version: version(), Source: hubGen, ConfigAggregator: o.aggregator, Warn: e.warn})
	bar.finish()
	if err := filterError(g, err); err != nil {
		return err
	}
	if rep == nil {
		if ctx.Err() != nil {
			return &exitError{code: ExitInterrupted, err: fmt.Errorf("interrupted")}
		}
		var choice *awsorg.AggregatorChoiceError
		if errors.As(err, &choice) {
			return &exitError{code: ExitUsage, err: err}
		}
		return withHints(fmt.Errorf("verify: %w", err), ExitIncomplete, awsHints(g, err)...)
	}
	if err := report.Verify(e.stdout, o.format, rep, withPII(e.style(), o.showPII)); err != nil {
		return err
	}
	s := rep.Summary
	switch {
	case ctx.Err() != nil:
		return &exitError{code: ExitInterrupted, err: fmt.Errorf("interrupted while waiting; the report above is the last poll")}
	case s[verify.Unknown] > 0:
		hints := []string{"see what is missing with: " + g.cmdline("doctor")}
		if rep.Hub == nil && rep.Config == nil {
			switch hubGen {
			case verify.Config:
				hints = append(hints, "deploy the rule and an organization aggregator ('"+g.cmdline("doctor")+"' prints both commands), try --source auto, or point --securityhub-region at the aggregator's Region")
			case verify.CSPM:
				hints = append(hints, "enable Security Hub CSPM, try --source auto, or point --securityhub-region at the aggregation Region")
			case verify.V2:
				hints = append(hints, "enable the new Security Hub ("+doctor.FixHubV2+"), try --source auto, or point --securityhub-region at the aggregation Region")
			default:
				hints = append(hints, "enable Security Hub (CSPM or the new one) or AWS Config's rule with an organization aggregator, or point --securityhub-region at the aggregation Region")
			}
		}
		return withHints(fmt.Errorf("%d account(s) UNKNOWN", s[verify.Unknown]), ExitIncomplete, hints...)
	case s[verify.Failed] > 0 || s[verify.Pending] > 0:
		var hints []string
		if s[verify.Failed] > 0 {
			hints = append(hints, "set the missing contacts: "+g.cmdline("apply", append([]string{"--policy", "FILE"}, g.yesFlag()...)...))
		}
		if s[verify.Pending] > 0 {
			hints = append(hints, "PENDING accounts pass at AWS's next Account.1 evaluation; rerun later or use --wait")
		}
		return &exitError{code: ExitFindings, hints: hints}
	}
	return nil
}

// doctorOptions are doctor's flags: only the global ones.
type doctorOptions struct {
	e *env
	g *globalOptions

	// Set by parse.
	format string
}

func newDoctorCmd(e *env, g *globalOptions) *cobra.Command {
	o := &doctorOptions{e: e, g: g}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check every prerequisite and print the command that fixes each failure",
		Long: `doctor checks, with harmless reads, what altcontacts needs: credentials and the
partition (which sets the quotas it paces at), the organization, all features, trusted
access, the caller's role, which Security Hub is enabled in the Region (Security Hub CSPM
through DescribeHub, the new Security Hub through DescribeSecurityHubV2: both, one, or
neither), Account.1's findings (read as verify reads them), the permission to read
contacts, and whether the DNS resolver of the mail-domain checks answers (skipped
under --no-dns). Each FAIL names the command that fixes it.`,
		Example: `  altcontacts doctor --sandbox
  altcontacts doctor --profile org-admin --securityhub-region us-east-1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			return runDoctor(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&g.hubRegion, "securityhub-region", "", "Security Hub Region to check (default: --region)")
	outputFlag(cmd, g, report.ChangeFormats...)
	return cmd
}

func (o *doctorOptions) parse() error {
	var err error
	o.format, err = changeOutput(o.g, "doctor")
	return err
}

func runDoctor(ctx context.Context, o *doctorOptions) error {
	e := o.e
	conn, err := o.g.connect(ctx, e)
	if err != nil {
		return err
	}
	defer conn.close()
	rep, err := doctor.Run(ctx, conn.client)
	if err != nil {
		return &exitError{code: ExitInterrupted, err: err}
	}
	mc, setupErr, err := o.g.newMailChecker(e, conn, false)
	if err != nil {
		return err
	}
	rep.Checks = append(rep.Checks, doctor.Resolver(ctx, mc, setupErr, o.g.noDNS))
	if err := report.Doctor(e.stdout, o.format, rep, e.style()); err != nil {
		return err
	}
	if rep.Failed() {
		return &exitError{code: ExitFindings}
	}
	return nil
}
