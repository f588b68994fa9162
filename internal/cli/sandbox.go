package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/sandbox"
)

// sandboxOptions are the flags of the sandbox commands; each command binds
// the ones it takes.
type sandboxOptions struct {
	e *env

	state string
	// scenario selection, for serve and reset
	scenario string
	accounts int
	seed     uint64
	// generated organizations' mail domains: how many, and the share dead
	domains     int
	deadDomains float64
	// serve only
	addr       string
	latency    time.Duration
	dnsLatency time.Duration
	quotaScale float64
	noThrottle bool
	evalEvery  time.Duration
	// changedKnob reports whether a flag was given (cobra's Flags().Changed):
	// only given flags change an existing state.
	changedKnob func(string) bool
	// serve and reset
	securityHub string
	partition   string
	config      string
}

// parse checks every knob before anything is read or generated; only
// given flags are checked, as only they change the state.
func (o *sandboxOptions) parse() error {
	changed := o.changedKnob
	if changed("securityhub") && !slices.Contains(emulator.SecurityHubModes, o.securityHub) {
		return usageErr("--securityhub: want %s, got %q", strings.Join(emulator.SecurityHubModes, ", "), o.securityHub)
	}
	if changed("config") && o.config != "on" && o.config != "off" {
		return usageErr("--config: want on or off, got %q", o.config)
	}
	if changed("partition") && !slices.Contains(emulator.Partitions, o.partition) {
		return usageErr("--partition: want %s, got %q", strings.Join(emulator.Partitions, ", "), o.partition)
	}
	if changed("quota-scale") && o.quotaScale <= 0 {
		return usageErr("--quota-scale: want a positive number, got %v", o.quotaScale)
	}
	if changed("latency") && o.latency < 0 {
		return usageErr("--latency cannot be negative")
	}
	if changed("dns-latency") && o.dnsLatency < 0 {
		return usageErr("--dns-latency cannot be negative")
	}
	if changed("domains") && o.domains < 1 {
		return usageErr("--domains: want at least 1, got %d", o.domains)
	}
	if changed("dead-domains") && !(o.deadDomains >= 0 && o.deadDomains <= 1) {
		return usageErr("--dead-domains: want a share from 0 to 1, got %v", o.deadDomains)
	}
	if (changed("domains") || changed("dead-domains")) && o.accounts == 0 {
		return usageErr("--domains and --dead-domains shape a generated organization: give --accounts N too")
	}
	if changed("evaluation-interval") && o.evalEvery < 0 {
		return usageErr("--evaluation-interval cannot be negative")
	}
	return nil
}

// knobs are the given flags, checked by parse, as the sandbox's knobs:
// only given flags change an existing state.
func (o *sandboxOptions) knobs() sandbox.Knobs {
	changed := o.changedKnob
	var k sandbox.Knobs
	if changed("securityhub") {
		k.SecurityHub = &o.securityHub
	}
	if changed("partition") {
		k.Partition = &o.partition
	}
	if changed("config") {
		on := o.config == "on"
		k.Config = &on
	}
	if changed("latency") {
		k.Latency = &o.latency
	}
	if changed("dns-latency") {
		k.DNSLatency = &o.dnsLatency
	}
	if changed("quota-scale") {
		k.QuotaScale = &o.quotaScale
	}
	if changed("no-throttle") {
		k.NoThrottle = &o.noThrottle
	}
	if changed("evaluation-interval") {
		k.EvaluationInterval = &o.evalEvery
	}
	return k
}

// origin is where --scenario / --accounts start a fresh state.
func (o *sandboxOptions) origin() (sandbox.Origin, error) {
	if o.accounts > 0 {
		if o.scenario != "" {
			return sandbox.Origin{}, usageErr("--accounts and --scenario cannot be used together")
		}
		return sandbox.Origin{Generate: &emulator.Generation{Accounts: o.accounts, Seed: o.seed, Domains: o.domains, DeadDomains: o.deadDomains}}, nil
	}
	if o.accounts < 0 {
		return sandbox.Origin{}, usageErr("--accounts: want a positive number, got %d", o.accounts)
	}
	return sandbox.Origin{Scenario: o.scenario, Dir: o.e.dir}, nil
}

// sandboxErr gives the sandbox's input errors exit 2 and their hints.
func sandboxErr(err error) error {
	var oe *sandbox.OriginError
	if errors.As(err, &oe) {
		if oe.Unreadable {
			return withHints(err, ExitUsage, "built-in scenarios: "+strings.Join(emulator.Builtins(), ", "))
		}
		return &exitError{code: ExitUsage, err: err}
	}
	var le *sandbox.ListenError
	if errors.As(err, &le) {
		if le.DNS {
			return withHints(err, ExitUsage, "pick another host with --addr 127.0.0.1:0")
		}
		return withHints(err, ExitUsage, "pick a free port with --addr 127.0.0.1:0")
	}
	return err
}

func newSandboxCmd(e *env, g *globalOptions) *cobra.Command {
	o := &sandboxOptions{e: e}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run or inspect the local AWS emulator",
		Long: `The sandbox is a wire-compatible emulator of the AWS APIs altcontacts uses (Account,
Organizations, STS, Security Hub, AWS Config), seeded with a realistic organization.

--sandbox on any command uses a sandbox whose state persists between commands in
$ALTCONTACTS_SANDBOX_STATE (default ~/.local/state/altcontacts/sandbox.json).
'sandbox serve' serves it over HTTP for the AWS CLI, boto3 or any SigV4 client.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringVar(&o.state, "state", "", "state file (default: the --sandbox state)")
	scenarioFlags := func(c *cobra.Command) {
		c.Flags().StringVar(&o.scenario, "scenario", "", "built-in scenario ("+strings.Join(emulator.Builtins(), ", ")+") or a scenario file (YAML/JSON)")
		c.Flags().IntVar(&o.accounts, "accounts", 0, "generate an organization of N accounts instead of a scenario")
		c.Flags().Uint64Var(&o.seed, "seed", 1, "seed for --accounts")
		c.Flags().IntVar(&o.domains, "domains", 1, "with --accounts: spread root emails and contacts over N mail domains (acmepay.io, acmepay-0001.com, ...)")
		c.Flags().Float64Var(&o.deadDomains, "dead-domains", 0, "with --accounts: the share (0..1) of those domains declared dead, half NXDOMAIN, half null MX, chosen by --seed")
		c.Flags().StringVar(&o.securityHub, "securityhub", "", "which Security Hub is enabled: cspm, v2 (the new one), both or none (default: the scenario's; fintech has both)")
		c.Flags().StringVar(&o.partition, "partition", "", "the partition the sandbox plays: aws, aws-cn or aws-us-gov (ARNs, quotas, Account.1's availability)")
		c.Flags().StringVar(&o.config, "config", "", "AWS Config (the rule behind Account.1, an organization aggregator): on or off (default: the scenario's; fintech has it on)")
	}

	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve the emulator over HTTP, and its DNS resolver, on loopback",
		Long: `serve serves the emulator's AWS APIs and its RDAP service (bootstrap file at
/rdap/dns.json) over HTTP, and a DNS resolver on UDP and TCP, on loopback.

It prints two lines on stdout, then serves until interrupted:
  AWS_ENDPOINT_URL=http://127.0.0.1:PORT
  ALTCONTACTS_RESOLVER=127.0.0.1:PORT
The resolver answers for the scenario's declared domains (domains:) and
gives every other domain a live MX.`,
		Example: `  altcontacts sandbox serve
  # first lines: AWS_ENDPOINT_URL=http://127.0.0.1:PORT, ALTCONTACTS_RESOLVER=127.0.0.1:PORT
  # then, in another shell:
  export AWS_ENDPOINT_URL=http://127.0.0.1:PORT AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox AWS_DEFAULT_REGION=us-east-1
  aws account get-alternate-contact --alternate-contact-type SECURITY
  aws organizations list-accounts
  dig @127.0.0.1 -p PORT acmepay.iol MX

  altcontacts sandbox serve --accounts 1000 --seed 7 --quota-scale 10 --latency 30ms
  altcontacts sandbox serve --accounts 10000 --domains 500 --dead-domains 0.02 --dns-latency 5ms
  altcontacts sandbox serve --securityhub v2 --partition aws-cn`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.changedKnob = cmd.Flags().Changed
			return runSandboxServe(cmd.Context(), o)
		},
	}
	scenarioFlags(serve)
	serve.Flags().StringVar(&o.addr, "addr", "127.0.0.1:0", "listen address (loopback unless you say otherwise)")
	serve.Flags().DurationVar(&o.latency, "latency", 0, "added latency per AWS request")
	serve.Flags().DurationVar(&o.dnsLatency, "dns-latency", 0, "added latency per DNS answer")
	serve.Flags().Float64Var(&o.quotaScale, "quota-scale", 1, "multiply every quota's rate and burst")
	serve.Flags().BoolVar(&o.noThrottle, "no-throttle", false, "switch quotas off")
	serve.Flags().DurationVar(&o.evalEvery, "evaluation-interval", emulator.DefaultEvaluationInterval, "how often Security Hub re-evaluates Account.1 (0: only on POST /_sandbox/evaluate)")

	reset := &cobra.Command{
		Use:   "reset",
		Short: "Start the sandbox state afresh from a scenario",
		Example: `  altcontacts sandbox reset
  altcontacts sandbox reset --scenario standalone
  altcontacts sandbox reset --accounts 500 --seed 3
  altcontacts sandbox reset --accounts 500 --domains 40 --dead-domains 0.1
  altcontacts sandbox reset --securityhub v2
  altcontacts sandbox reset --securityhub none --config on
  altcontacts sandbox reset --partition aws-us-gov`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.changedKnob = cmd.Flags().Changed
			return runSandboxReset(cmd.Context(), o)
		},
	}
	scenarioFlags(reset)
	reset.Flags().Float64Var(&o.quotaScale, "quota-scale", 1, "multiply every quota's rate and burst (altcontacts paces to it too)")
	reset.Flags().DurationVar(&o.evalEvery, "evaluation-interval", emulator.DefaultEvaluationInterval, "how often Security Hub re-evaluates Account.1")

	show := &cobra.Command{
		Use:   "show",
		Short: "Print the sandbox state as JSON",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return runSandboxShow(cmd.Context(), o) },
	}
	evaluate := &cobra.Command{
		Use:   "evaluate",
		Short: "Make Security Hub re-evaluate Account.1 now, instead of at its next interval",
		Long: `evaluate runs the sandbox's Security Hub evaluation of Account.1 now, on the --sandbox
state, as POST /_sandbox/evaluate does for 'sandbox serve': every account's finding is
PASSED or FAILED from its SECURITY contact at this moment. AWS evaluates every 12 or 24
hours; in the sandbox, verify's PENDING accounts pass after this.`,
		Example: `  altcontacts apply --sandbox --policy contacts.yaml --yes
  altcontacts sandbox evaluate
  altcontacts verify --sandbox`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runSandboxEvaluate(cmd.Context(), o) },
	}
	cmd.AddCommand(serve, reset, show, evaluate)
	return cmd
}

// runSandboxReset writes a fresh state from --scenario or --accounts, with
// the given knobs applied.
func runSandboxReset(_ context.Context, o *sandboxOptions) error {
	if err := o.parse(); err != nil {
		return err
	}
	path, err := o.statePath()
	if err != nil {
		return err
	}
	origin, err := o.origin()
	if err != nil {
		return err
	}
	st, name, err := sandbox.InitialState(origin)
	if err != nil {
		return sandboxErr(err)
	}
	if err := o.knobs().Apply(st); err != nil {
		return err
	}
	if err := sandbox.Reset(o.e.path(path), st); err != nil {
		return err
	}
	fmt.Fprintf(o.e.stderr, "altcontacts: sandbox state %s reset to %s (%d accounts)\n", path, name, len(st.Accounts))
	return nil
}

// runSandboxShow prints the state as JSON.
func runSandboxShow(_ context.Context, o *sandboxOptions) error {
	path, err := o.statePath()
	if err != nil {
		return err
	}
	s, err := sandbox.Open(o.e.path(path))
	if err != nil {
		return err
	}
	defer s.Close()
	b, err := s.Emulator.Snapshot()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(o.e.stdout, "%s\n", b)
	return err
}

// runSandboxEvaluate runs Security Hub's Account.1 evaluation on the
// state now and saves it.
func runSandboxEvaluate(_ context.Context, o *sandboxOptions) error {
	path, err := o.statePath()
	if err != nil {
		return err
	}
	s, err := sandbox.Open(o.e.path(path))
	if err != nil {
		return err
	}
	s.Emulator.Evaluate()
	if err := s.Close(); err != nil {
		return err
	}
	fmt.Fprintf(o.e.stderr, "altcontacts: sandbox evaluated Account.1 (Security Hub and AWS Config; state %s)\n", path)
	return nil
}

func (o *sandboxOptions) statePath() (string, error) {
	e := o.e
	if o.state != "" {
		return o.state, nil
	}
	p, err := sandbox.StatePath(e.getenv)
	if err != nil {
		return "", usageErr("%v", err)
	}
	return p, nil
}

// runSandboxServe serves the sandbox until interrupted: the sandbox
// package serves; this prints where, and how to point a client at it.
func runSandboxServe(ctx context.Context, o *sandboxOptions) error {
	e := o.e
	if err := o.parse(); err != nil {
		return err
	}
	cfg := sandbox.ServeConfig{Addr: o.addr, StatePath: o.e.path(o.state), Knobs: o.knobs()}
	// A state file alone is served as it is; --scenario or --accounts
	// start it afresh.
	if o.state == "" || o.scenario != "" || o.accounts != 0 {
		origin, err := o.origin()
		if err != nil {
			return err
		}
		cfg.Origin = &origin
	}
	cfg.Saved = func(err error) {
		if err != nil {
			fmt.Fprintf(e.stderr, "altcontacts: error: %v\n", err)
		}
	}
	cfg.Ready = func(l sandbox.Listening) {
		if !l.Loopback {
			fmt.Fprintf(e.stderr, "altcontacts: warning: the sandbox listens on %s, beyond this machine; it has no authentication\n", strings.TrimPrefix(l.URL, "http://"))
		}
		fmt.Fprintf(e.stdout, "AWS_ENDPOINT_URL=%s\n", l.URL)
		fmt.Fprintf(e.stdout, "ALTCONTACTS_RESOLVER=%s\n", l.Resolver)
		if f, ok := e.stdout.(interface{ Sync() error }); ok {
			f.Sync()
		}
		st := l.State
		mgmt := "none"
		if st.Organization != nil {
			mgmt = st.Organization.ManagementAccount
		}
		fmt.Fprintf(e.stderr, "altcontacts: sandbox serving %s: %d accounts, management account %s\n", l.Description, len(st.Accounts), mgmt)
		region := st.SecurityHub.Region
		if region == "" {
			region = "us-east-1"
		}
		fmt.Fprintf(e.stderr, "altcontacts: hint: export AWS_ENDPOINT_URL=%s AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox AWS_DEFAULT_REGION=%s\n", l.URL, region)
		fmt.Fprintf(e.stderr, "altcontacts: hint: a 12-digit AWS_ACCESS_KEY_ID calls as that account; anything else is the management account\n")
		fmt.Fprintf(e.stderr, "altcontacts: hint: export ALTCONTACTS_RESOLVER=%s for the mail-domain checks; RDAP bootstrap at %s%s\n", l.Resolver, l.URL, emulator.RDAPBootstrapPath)
	}
	if err := sandbox.Serve(ctx, cfg); err != nil {
		return sandboxErr(err)
	}
	fmt.Fprintf(e.stderr, "altcontacts: sandbox stopped\n")
	// An interrupt is how serve is meant to end: exit 0, not 130.
	return nil
}
