package bench

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

const usage = `altcontacts-bench measures the real altcontacts binary against the emulator over loopback.

Usage:
  altcontacts-bench speed    [--n 23,1000,10000] [--scale 10] [--latency 30ms] [--ops audit,apply] [--json]
  altcontacts-bench baseline [--runs 3] [--json]
  altcontacts-bench soak     [--n 1000] [--duration 10m] [--seed S] [--json]
  altcontacts-bench sweep    [--n 50000] [--scale 100] [--latency 20ms] [--budget D] [--full] [--json]

Run it from the module root: go run ./cmd/altcontacts-bench speed --n 23,1000
`

// Main is the whole altcontacts-bench command; it returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "speed":
		err = runSpeed(ctx, args[1:], stdout, stderr)
	case "baseline":
		err = runBaseline(ctx, args[1:], stdout, stderr)
	case "soak":
		err = runSoak(ctx, args[1:], stdout, stderr)
	case "sweep":
		err = runSweepBench(ctx, args[1:], stdout, stderr)
	case HelperCommand:
		return HelperMain(args[1:])
	case SweepCommand:
		return SweepMain(args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "altcontacts-bench: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	var ee exitErr
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ee):
		return int(ee)
	}
	fmt.Fprintf(stderr, "altcontacts-bench: error: %v\n", err)
	return 1
}

// exitErr exits with that code, the reason already printed.
type exitErr int

func (e exitErr) Error() string { return fmt.Sprintf("exit %d", int(e)) }

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--n: %q is not a positive number", f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("--n: want at least one size")
	}
	return out, nil
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func runSpeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("speed", stderr)
	n := fs.String("n", "23,1000,10000", "organization sizes, comma-separated (23 = the fintech scenario)")
	o := SpeedOptions{Log: stderr}
	if exe, err := os.Executable(); err == nil {
		o.Helper = exe
	}
	fs.Float64Var(&o.Scale, "scale", 10, "quota scale, on the emulator and --quota-scale of the child")
	fs.DurationVar(&o.Latency, "latency", 30*time.Millisecond, "latency added to every emulated AWS request")
	ops := fs.String("ops", "audit,apply", "commands to time: audit, apply")
	fs.Uint64Var(&o.Seed, "seed", Seed, "seed of generated organizations")
	fs.StringVar(&o.Bin, "bin", "", "prebuilt altcontacts binary (default: go build ./cmd/altcontacts)")
	fs.StringVar(&o.Dir, "dir", "", "working directory to keep (binary, policy, journals)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	out := fs.String("out", "", "also write the results as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if o.N, err = parseInts(*n); err != nil {
		return err
	}
	for _, op := range strings.Split(*ops, ",") {
		if op = strings.TrimSpace(op); op != "audit" && op != "apply" {
			return fmt.Errorf("--ops: %q is not audit or apply", op)
		}
		o.Ops = append(o.Ops, op)
	}
	rs, err := Speed(ctx, o)
	if *out != "" && len(rs) > 0 {
		b, _ := json.MarshalIndent(rs, "", "  ")
		if werr := os.WriteFile(*out, append(b, '\n'), 0o644); werr != nil {
			return werr
		}
	}
	if len(rs) > 0 {
		if *asJSON {
			if werr := writeJSON(stdout, rs); werr != nil {
				return werr
			}
		} else if werr := WriteSpeedTable(stdout, rs); werr != nil {
			return werr
		}
	}
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.Error != "" {
			return exitErr(1)
		}
	}
	return nil
}

func runBaseline(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("baseline", stderr)
	o := BaselineOptions{Log: stderr}
	fs.IntVar(&o.Runs, "runs", 3, "runs of each side; the best counts")
	fs.StringVar(&o.Bin, "bin", "", "prebuilt altcontacts binary (default: go build ./cmd/altcontacts)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := Baseline(ctx, o)
	if errors.Is(err, ErrNoAWSCLI) {
		fmt.Fprintln(stderr, "altcontacts-bench: baseline skipped: the aws CLI is not installed (https://aws.amazon.com/cli/)")
		return nil
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, r)
	}
	return WriteBaselineTable(stdout, r)
}

func runSoak(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("soak", stderr)
	o := SoakOptions{Log: stderr}
	fs.IntVar(&o.N, "n", 1000, "accounts in the generated organization")
	fs.DurationVar(&o.Duration, "duration", 10*time.Minute, "stop by then")
	fs.Uint64Var(&o.Seed, "seed", 0, "seed of kills, latency and faults (default: from the clock, printed)")
	fs.Float64Var(&o.Scale, "scale", 10, "quota scale")
	fs.Float64Var(&o.FaultRate, "fault-rate", 0.05, "share of Get/Put/DeleteAlternateContact calls failed with InternalServerException")
	fs.DurationVar(&o.MaxLatency, "max-latency", 200*time.Millisecond, "latency spikes up to this")
	fs.IntVar(&o.MaxKills, "kills", 3, "SIGKILLs per phase (apply, each rollback) before runs may finish")
	fs.IntVar(&o.MaxAttempts, "max-attempts", 0, "runs per phase before giving up (default kills+6)")
	fs.IntVar(&o.MaxCycles, "cycles", 0, "stop after this many apply+rollback cycles (default: until the duration)")
	fs.DurationVar(&o.KillWindow, "kill-window", 0, "draw kill points from this span (default: estimated, then the last full run)")
	fs.StringVar(&o.Bin, "bin", "", "prebuilt altcontacts binary (default: go build ./cmd/altcontacts)")
	fs.StringVar(&o.Dir, "dir", "", "keep the journals here (default: a temporary directory, kept on failure)")
	asJSON := fs.Bool("json", false, "print JSON instead of a summary")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := Soak(ctx, o)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := writeJSON(stdout, r); err != nil {
			return err
		}
	} else {
		WriteSoakSummary(stdout, r)
	}
	if r.Failed() {
		return exitErr(1)
	}
	return nil
}

func runSweepBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sweep", stderr)
	o := SweepOptions{Log: stderr}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	o.Helper = exe
	fs.IntVar(&o.N, "n", 50000, "accounts in the generated organization")
	fs.Float64Var(&o.Scale, "scale", 100, "quota scale, on the emulator and in the sweep's pacing")
	fs.DurationVar(&o.Latency, "latency", 20*time.Millisecond, "latency added to every emulated AWS request")
	fs.DurationVar(&o.Budget, "budget", 0, "batch budget (default: the Lambda's 840 s divided by --scale)")
	fs.BoolVar(&o.Full, "full", false, "start each batch's client with full token buckets instead of empty ones")
	fs.BoolVar(&o.S3, "s3", false, "journal to an in-process S3 (gofakes3) instead of files on tmpfs")
	fs.DurationVar(&o.S3Latency, "s3-latency", 10*time.Millisecond, "latency added to every S3 request (with --s3)")
	fs.Uint64Var(&o.Seed, "seed", Seed, "seed of the generated organization")
	fs.StringVar(&o.Dir, "dir", "", "working directory to keep (the journal)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	out := fs.String("out", "", "also write the result as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.N < 1 || o.Scale <= 0 {
		return errors.New("--n and --scale must be positive")
	}
	r, err := Sweep(ctx, o)
	if err != nil {
		return err
	}
	if *out != "" {
		b, _ := json.MarshalIndent(r, "", "  ")
		if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if *asJSON {
		err = writeJSON(stdout, r)
	} else {
		err = WriteSweepTable(stdout, r)
	}
	if err != nil {
		return err
	}
	if r.Error != "" || r.Missed > 0 || r.Duplicates > 0 {
		return exitErr(1)
	}
	return nil
}
