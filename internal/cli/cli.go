// Package cli is the altcontacts command line: one cobra command per
// subcommand, each an options struct, a parse step and a run step, with
// every input and output passed in so tests run it in-process. [Main] owns
// the exit codes; AWS errors become hints here and nowhere else.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/buildinfo"
	"github.com/altcontacts/altcontacts/internal/report"
	"github.com/altcontacts/altcontacts/internal/workdir"
)

// Exit codes, as the README documents them. Precedence when several apply: 2 > 130 > 3 > 1 > 0.
const (
	ExitOK          = 0
	ExitFindings    = 1
	ExitUsage       = 2
	ExitIncomplete  = 3
	ExitInterrupted = 130
)

// env is the process environment a command runs in. Nothing below Run
// reads the process's own environment, streams or working directory:
// getenv, the streams and path stand in for them.
type env struct {
	stdout io.Writer
	stderr io.Writer
	stdin  io.Reader
	getenv func(string) string
	// dir is the working directory relative paths are in; "" is the
	// process's own (see path).
	dir string
	now func() time.Time
	// sleep waits (verify --wait's polls); nil is the real wait. Tests
	// advance a fake now instead of waiting.
	sleep func(context.Context, time.Duration) error
	// tty reports whether stdin, stdout and stderr are terminals.
	stdinTTY, stdoutTTY, stderrTTY bool
	// observe, when set, sees every progress update (label, done, total)
	// whether or not a bar is drawn: tests interrupt a run at a point of
	// its progress instead of after a time.
	observe func(label string, done, total int)
	// taken, when set, is told each account a sweep batch takes
	// (enforce.Config.Taken): tests move their now a step there, so
	// `enforce --budget` cuts the same batches on any machine.
	taken func(account string)

	mu        sync.Mutex
	announced map[string]bool // journals named on stderr (announceJournal)
}

// style is how human output looks here: colour on a terminal, unless
// NO_COLOR is set.
func (e *env) style() report.Style {
	return report.Style{Color: e.stdoutTTY && e.getenv("NO_COLOR") == ""}
}

// exitError carries an exit code and hint lines out of a command.
type exitError struct {
	code  int
	err   error
	hints []string
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr is a usage or input error: exit 2, nothing called or written.
func usageErr(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// withHints attaches hints to an error, keeping its exit code.
func withHints(err error, code int, hints ...string) error {
	return &exitError{code: code, err: err, hints: hints}
}

// hintsOnce is the advice for errs by their kinds (awsHints), each hint
// once, in the order of the errors.
func hintsOnce(g *globalOptions, errs []error) []string {
	seen := map[string]bool{}
	var out []string
	for _, err := range errs {
		for _, h := range awsHints(g, err) {
			if !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
		}
	}
	return out
}

// path is name, a path as the user wrote it, as this process opens it: in
// the command's working directory.
func (e *env) path(name string) string { return workdir.Join(e.dir, name) }

// asWritten names the file in err as the user wrote it (name) again, so a
// message reads the same wherever the command runs.
func (e *env) asWritten(err error, name string) error { return workdir.AsWritten(err, e.dir, name) }

// readFile reads name, as the user wrote it, from the working directory.
func (e *env) readFile(name string) ([]byte, error) {
	data, err := os.ReadFile(e.path(name))
	return data, e.asWritten(err, name)
}

// Main runs altcontacts with args (without the program name) and returns the
// process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return Run(ctx, Invocation{Args: args, Stdin: os.Stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv})
}

// Invocation is one run of altcontacts as its process sees the world:
// arguments, standard streams, environment and working directory. Main
// is the process's own; the scripts (cmd/altcontacts) run one per command
// in their own directory, as many at once as run in parallel.
type Invocation struct {
	Args           []string
	Stdin          io.Reader // nil: no input
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Dir is the directory relative paths are in: files named on the
	// command line, and the defaults written "here" (a journal, init's
	// contacts.yaml, export's directory). "" is the process's working
	// directory.
	Dir string
}

// Run runs one invocation of altcontacts and returns its exit code.
func Run(ctx context.Context, inv Invocation) int {
	stdin := inv.Stdin
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	e := &env{
		stdout: inv.Stdout, stderr: inv.Stderr, stdin: stdin, getenv: inv.Getenv, dir: inv.Dir, now: time.Now,
		stdinTTY: isTerminal(stdin), stdoutTTY: isTerminal(inv.Stdout), stderrTTY: isTerminal(inv.Stderr),
	}
	args := inv.Args
	if args == nil {
		// cobra reads os.Args for nil: the process's, not this run's.
		args = []string{}
	}
	return run(ctx, e, args)
}

func run(ctx context.Context, e *env, args []string) int {
	root := newRoot(e)
	root.SetArgs(args)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetIn(e.stdin)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var xe *exitError
	if !errors.As(err, &xe) {
		// cobra's own parse errors (unknown flag, bad value, extra args).
		xe = &exitError{code: ExitUsage, err: err, hints: []string{"see 'altcontacts --help' for usage"}}
	}
	if ctx.Err() != nil && xe.code != ExitUsage {
		xe.code = ExitInterrupted
	}
	if xe.err != nil {
		// One prefixed line each: an error about several places in a file
		// is one line per place, each file:line:column: path: message.
		for _, line := range strings.Split(xe.err.Error(), "\n") {
			fmt.Fprintf(e.stderr, "altcontacts: error: %s\n", line)
		}
	}
	for _, h := range xe.hints {
		fmt.Fprintf(e.stderr, "altcontacts: hint: %s\n", h)
	}
	return xe.code
}

// globalOptions are the flags every command takes.
type globalOptions struct {
	profile     string
	region      string
	endpointURL string
	sandbox     bool
	output      string
	noProgress  bool
	verbose     bool
	concurrency int
	accounts    []string
	ous         []string
	quotaScale  float64
	hubRegion   string
	maxRPS      string
	rps         awsorg.MaxRPS // --max-rps, parsed
	resolver    string        // --resolver HOST:PORT for the mail checks
	noDNS       bool          // --no-dns: no mail-domain lookups at all
	// interactive is whether the run can ask (env.interactive): next-step
	// commands printed for a script carry --yes.
	interactive bool
}

// unknownCommand refuses a first word that names no command, suggesting
// the nearest ones.
func unknownCommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	var hints []string
	for _, s := range c.SuggestionsFor(args[0]) {
		hints = append(hints, fmt.Sprintf("did you mean %q?", s))
	}
	if len(hints) == 0 {
		hints = append(hints, "see 'altcontacts --help' for the commands")
	}
	return &exitError{code: ExitUsage, err: fmt.Errorf("unknown command %q", args[0]), hints: hints}
}

func newRoot(e *env) *cobra.Command {
	g := &globalOptions{interactive: e.interactive()}
	root := &cobra.Command{
		Use:   "altcontacts",
		Short: "Make sure AWS can reach the right people when an account is compromised",
		Long: `altcontacts audits, fixes and verifies the alternate contacts of every account in an
AWS Organization, closing Security Hub control Account.1 and catching contacts that
exist but will not work when needed.

The loop: audit (inventory), plan (declare a durable contact in a policy), apply
(propagate it with a journal), verify (read back and watch Account.1 turn PASSED).
Add --sandbox to any command to run against a local emulator; no AWS account needed.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// A word that is no command is an error of ours, not cobra's
		// multi-line text: one error line and a did-you-mean hint. Args
		// is only consulted on a runnable command, so the root shows its
		// help when run alone.
		Args:                       unknownCommand,
		RunE:                       func(c *cobra.Command, _ []string) error { return c.Help() },
		SuggestionsMinimumDistance: 2,
	}
	root.CompletionOptions.HiddenDefaultCmd = false
	// --version prints what the version command prints.
	info := buildinfo.Current()
	root.Version = info.Version
	root.SetVersionTemplate(info.String() + "\n")
	pf := root.PersistentFlags()
	pf.StringVar(&g.profile, "profile", "", "AWS shared-config profile (SSO and assume-role profiles work)")
	pf.StringVar(&g.region, "region", "", "AWS Region for regional services (Security Hub, STS)")
	pf.StringVar(&g.endpointURL, "endpoint-url", "", "one endpoint URL for every AWS service, like the AWS CLI (AWS_ENDPOINT_URL works too)")
	pf.BoolVar(&g.sandbox, "sandbox", false, "run against the local sandbox emulator; no credentials needed")
	// Each command that renders a report has its own -o listing its
	// formats (outputFlag); this one only lets -o come first.
	pf.StringVarP(&g.output, "output", "o", "", "output format (each command's help lists its own)")
	pf.MarkHidden("output")
	pf.BoolVar(&g.noProgress, "no-progress", false, "never show a progress bar")
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "structured debug log on stderr")
	pf.IntVar(&g.concurrency, "concurrency", 0, "parallel AWS calls (default sized to the AWS quotas)")
	pf.StringSliceVar(&g.accounts, "accounts", nil, "only these account IDs (comma-separated)")
	pf.StringSliceVar(&g.ous, "ou", nil, "only accounts under these OUs (ou-... id or Root/... path)")
	pf.Float64Var(&g.quotaScale, "quota-scale", 1, "pace at this multiple of AWS's published quotas (for raised quotas and scaled sandboxes)")
	pf.MarkHidden("quota-scale")
	pf.StringVar(&g.maxRPS, "max-rps", "", "override the Account API request rates, e.g. get=20,put=10,delete=2 (default: the caller's partition's published quotas)")
	pf.StringVar(&g.resolver, "resolver", "", "DNS server (HOST:PORT) for the mail-domain checks (default: the system's; ALTCONTACTS_RESOLVER works too; wins over the sandbox's)")
	pf.BoolVar(&g.noDNS, "no-dns", false, "no DNS lookups: skip the mail-domain checks (only domain names are ever looked up)")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := checkOutput(cmd, g); err != nil {
			return err
		}
		return g.parse()
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: ExitUsage, err: err, hints: []string{fmt.Sprintf("see '%s --help' for usage", c.CommandPath())}}
	})
	root.AddCommand(newAuditCmd(e, g), newInitCmd(e, g), newPlanCmd(e, g), newExportCmd(e, g), newApplyCmd(e, g), newRollbackCmd(e, g), newJournalCmd(e, g), newVerifyCmd(e, g), newDoctorCmd(e, g), newEnforceCmd(e, g), newGuardrailCmd(e, g), newVersionCmd(e, g), newSandboxCmd(e, g))
	return root
}
