package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

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
	hubGen     string

	// Set by parse.
	format string
}

func newVerifyCmd(e *env, g *globalOptions) *cobra.Command {
	o := &verifyOptions{e: e, g: g}
	cmd := &cobra.Command{
		Use:   "verify [--wait DURATION] [--securityhub-region R] [--securityhub auto|cspm|v2]",
		Short: "Read every SECURITY contact back and check Security Hub's Account.1 finding",
		Long: `verify reads each ACTIVE account's SECURITY contact and its Account.1 finding in Security
Hub, and reports per account:

  PASSED          a contact is set and Account.1 says PASSED
  PENDING         a contact is set, but Account.1 has not been re-evaluated since (AWS checks
                  every 12 or 24 hours; the last evaluation and the latest next one are shown)
  FAILED          no SECURITY contact: Account.1 fails until one is set
  UNKNOWN         cannot tell: access denied, Security Hub or Account.1 not enabled in the Region
  NOT_APPLICABLE  a contact is set, and Account.1 does not exist in this partition or Region
                  (aws-us-gov, a few newer Regions): no finding will ever come, so no waiting

Account.1 is read from Security Hub CSPM (GetFindings, ASFF) or the new Security Hub
(GetFindingsV2, OCSF): --securityhub auto (the default) prefers CSPM and falls back to the
new one; cspm or v2 insists on one. Both give the same statuses and evaluation times.

--wait polls until nothing is PENDING, printing each poll's counts on stderr: every 30 s
(--poll-interval), or on the sandbox at its evaluation interval. Run it where Security Hub aggregates findings
(--securityhub-region), as the Security Hub administrator.

Exit codes: 0 all PASSED (or NOT_APPLICABLE); 1 any FAILED or still PENDING; 3 any UNKNOWN.`,
		Example: `  altcontacts verify --sandbox
  altcontacts verify --sandbox --wait 30s
  altcontacts verify --sandbox --securityhub v2
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
	cmd.Flags().StringVar(&o.hubGen, "securityhub", verify.Auto, "which Security Hub to read Account.1 from: auto (CSPM, else the new one), cspm, v2")
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
	switch o.hubGen {
	case verify.Auto, verify.CSPM, verify.V2:
	default:
		return usageErr("--securityhub: want auto, cspm or v2, got %q", o.hubGen)
	}
	return nil
}

// withPII is st showing phone numbers in full when show is set.
func withPII(st report.Style, show bool) report.Style {
	st.ShowPII = show
	return st
}

func runVerify(ctx context.Context, o *verifyOptions) error {
	e, g, hubGen := o.e, o.g, o.hubGen
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
		Wait: o.wait, Poll: poll, Progress: bar.update, Polled: polled, Now: e.now, Sleep: e.sleep, Version: version(), SecurityHub: hubGen, Warn: e.warn})
	bar.finish()
	if err := filterError(g, err); err != nil {
		return err
	}
	if rep == nil {
		if ctx.Err() != nil {
			return &exitError{code: ExitInterrupted, err: fmt.Errorf("interrupted")}
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
		if rep.Hub == nil {
			switch hubGen {
			case verify.CSPM:
				hints = append(hints, "enable Security Hub CSPM, try --securityhub auto, or point --securityhub-region at the aggregation Region")
			case verify.V2:
				hints = append(hints, "enable the new Security Hub (aws securityhub enable-security-hub-v2), try --securityhub auto, or point --securityhub-region at the aggregation Region")
			default:
				hints = append(hints, "enable Security Hub (CSPM or the new one), or point --securityhub-region at the aggregation Region")
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
neither), Account.1's findings (read as verify reads them), and the permission to read
contacts. Each FAIL names the command that fixes it.`,
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
	if err := report.Doctor(e.stdout, o.format, rep, e.style()); err != nil {
		return err
	}
	if rep.Failed() {
		return &exitError{code: ExitFindings}
	}
	return nil
}
