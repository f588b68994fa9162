package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/altcontacts/altcontacts/internal/emulator"
)

// SpeedOptions configure the speed benchmark.
type SpeedOptions struct {
	// N are the organization sizes; 23 means the built-in fintech scenario.
	N []int
	// Scale multiplies every quota, on the emulator and in the child's pacing.
	Scale float64
	// Latency is added to every emulated AWS request.
	Latency time.Duration
	// Ops are the commands to time: audit, apply.
	Ops  []string
	Seed uint64
	// Bin is a prebuilt altcontacts binary; empty builds one.
	Bin string
	// Dir holds the binary, policies and journals; empty means a temporary
	// directory removed afterwards.
	Dir string
	// Helper is the harness binary, run as `Helper _exec BIN ARGS...` to
	// measure the child's own peak RSS (see HelperCommand); empty measures
	// the child directly, which on Linux reports at least the harness's
	// own peak RSS.
	Helper string
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// SpeedResult is one timed command.
type SpeedResult struct {
	Op       string  `json:"op"`
	N        int     `json:"n"`
	Scenario string  `json:"scenario"`
	Scale    float64 `json:"scale"`
	Latency  string  `json:"latency"`
	// WallSeconds is the whole command: start-up, listing, reads, writes.
	WallSeconds float64 `json:"wall_s"`
	// BoundOp is the operation the bound counts: GetAlternateContact for
	// audit, PutAlternateContact for apply.
	BoundOp      string  `json:"bound_op"`
	BoundOK      int     `json:"bound_op_ok"`
	BoundSeconds float64 `json:"bound_s"`
	Ratio        float64 `json:"ratio"`
	// BoundAllSeconds is the largest bound over every quota-limited
	// operation of the run (for apply, the reads of plan, re-read and
	// read-back often outweigh the puts).
	BoundAllSeconds float64                     `json:"bound_all_s"`
	BoundAllOp      string                      `json:"bound_all_op"`
	RatioAll        float64                     `json:"ratio_all"`
	Calls           int                         `json:"calls"`
	Throttled       int                         `json:"throttled"`
	ThrottledPct    float64                     `json:"throttled_pct"`
	Faults          int                         `json:"faults"`
	Writes          int                         `json:"writes"`
	Operations      map[string]emulator.OpStats `json:"operations"`
	MaxRSSKiB       int64                       `json:"max_rss_kib"`
	ExitCode        int                         `json:"exit_code"`
	// Accounts and Unknown come from the audit report; Summary from the
	// apply report.
	Accounts int            `json:"accounts,omitempty"`
	Unknown  int            `json:"unknown,omitempty"`
	Summary  map[string]int `json:"summary,omitempty"`
	Error    string         `json:"error,omitempty"`
}

// MarshalJSON writes NaN ratios as null.
func (r SpeedResult) MarshalJSON() ([]byte, error) {
	type plain SpeedResult
	out := struct {
		plain
		Ratio    *float64 `json:"ratio"`
		RatioAll *float64 `json:"ratio_all"`
	}{plain: plain(r)}
	if !math.IsNaN(r.Ratio) {
		out.Ratio = &r.Ratio
	}
	if !math.IsNaN(r.RatioAll) {
		out.RatioAll = &r.RatioAll
	}
	return json.Marshal(out)
}

// quotaOps are the operations with a published quota, by service.
var quotaOps = [][2]string{
	{"account", "GetAlternateContact"},
	{"account", "PutAlternateContact"},
	{"account", "DeleteAlternateContact"},
	{"securityhub", "GetFindings"},
}

// Measure fills the call, throttling and bound figures of r from the
// emulator's statistics. boundOp names the operation of the headline bound.
func Measure(r *SpeedResult, st emulator.Stats, boundOp string, wall time.Duration) {
	r.WallSeconds = wall.Seconds()
	r.Calls, r.Throttled, r.Faults, r.Writes = st.Requests, st.Throttled, st.Faults, st.Writes
	if st.Requests > 0 {
		r.ThrottledPct = 100 * float64(st.Throttled) / float64(st.Requests)
	}
	r.Operations = st.Operations
	r.BoundOp = boundOp
	r.BoundOK = Succeeded(st.Operations[boundOp])
	b := Bound(r.BoundOK, emulator.DefaultQuota("account", boundOp), r.Scale)
	r.BoundSeconds = b.Seconds()
	r.Ratio = Ratio(wall, b)
	var all time.Duration
	for _, so := range quotaOps {
		ob := Bound(Succeeded(st.Operations[so[1]]), emulator.DefaultQuota(so[0], so[1]), r.Scale)
		if ob > all {
			all, r.BoundAllOp = ob, so[1]
		}
	}
	r.BoundAllSeconds = all.Seconds()
	r.RatioAll = Ratio(wall, all)
}

// orgState is the organization of size n: fintech for 23, else generated.
func orgState(n int, seed uint64) (*emulator.State, string, error) {
	if n == 23 {
		s, err := emulator.Builtin("fintech")
		return s, "fintech", err
	}
	s, err := emulator.Generate(n, seed)
	return s, fmt.Sprintf("generated(seed %d)", seed), err
}

// Speed runs every op for every N, each against a fresh emulator, so quota
// buckets start full and apply starts from the unfixed organization.
func Speed(ctx context.Context, o SpeedOptions) ([]SpeedResult, error) {
	if o.Scale <= 0 {
		o.Scale = 1
	}
	logf := logger(o.Log)
	dir, bin, cleanup, err := prepare(ctx, o.Dir, o.Bin, logf)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	policy := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policy, []byte(SecurityPolicy), 0o600); err != nil {
		return nil, err
	}
	var out []SpeedResult
	for _, n := range o.N {
		st, scenario, err := orgState(n, o.Seed)
		if err != nil {
			return out, err
		}
		for _, op := range o.Ops {
			logf("%s: N=%d scale=%g latency=%v ...", op, n, o.Scale, o.Latency)
			r, err := speedOne(ctx, o, bin, dir, policy, st, op)
			r.N, r.Scenario = n, scenario
			if err != nil {
				return out, err
			}
			logf("%s: N=%d wall %.1fs bound %.1fs ratio %s throttled %.2f%% rss %d MiB exit %d",
				op, n, r.WallSeconds, r.BoundSeconds, fmtRatio(r.Ratio), r.ThrottledPct, r.MaxRSSKiB/1024, r.ExitCode)
			out = append(out, r)
		}
	}
	return out, nil
}

func speedOne(ctx context.Context, o SpeedOptions, bin, dir, policy string, st *emulator.State, op string) (SpeedResult, error) {
	r := SpeedResult{Op: op, Scale: o.Scale, Latency: o.Latency.String()}
	e, err := emulator.Build(emulator.WithState(st), emulator.WithQuotaScale(o.Scale), emulator.WithLatency(o.Latency))
	if err != nil {
		return r, err
	}
	srv, err := Serve(e)
	if err != nil {
		return r, err
	}
	defer srv.Close()
	scale := strconv.FormatFloat(o.Scale, 'g', -1, 64)
	// --no-dns: the harness measures the Account API; the mail checks'
	// cost is BenchmarkAuditDNS10000's.
	args := []string{"--endpoint-url", srv.URL, "--quota-scale", scale, "-o", "json", "--no-progress", "--no-dns"}
	var boundOp string
	switch op {
	case "audit":
		args = append([]string{"audit"}, args...)
		boundOp = "GetAlternateContact"
	case "apply":
		journal := filepath.Join(dir, fmt.Sprintf("journal-%d-%d.jsonl", len(st.Accounts), time.Now().UnixNano()))
		args = append([]string{"apply"}, append(args, "--policy", policy, "--yes", "--journal", journal)...)
		boundOp = "PutAlternateContact"
	default:
		return r, fmt.Errorf("unknown op %q (want audit or apply)", op)
	}
	child, measured := viaHelper(Child{Path: bin, Args: args, Env: childEnv(dir)}, o.Helper, dir)
	run, err := child.Run(ctx)
	if err != nil {
		return r, err
	}
	if err := measured(&run); err != nil {
		return r, err
	}
	Measure(&r, e.Stats(), boundOp, run.Wall)
	r.MaxRSSKiB, r.ExitCode = run.MaxRSSKiB, run.ExitCode
	switch op {
	case "audit":
		var rep struct {
			Summary struct{ Accounts, Unknown int }
		}
		if err := json.Unmarshal(run.Stdout, &rep); err != nil {
			r.Error = fmt.Sprintf("audit output: %v; stderr: %s", err, tail(run.Stderr, 400))
		}
		r.Accounts, r.Unknown = rep.Summary.Accounts, rep.Summary.Unknown
		// 1 is "findings found": the run completed.
		if run.ExitCode != 0 && run.ExitCode != 1 {
			r.Error = fmt.Sprintf("exit %d: %s", run.ExitCode, tail(run.Stderr, 400))
		}
	case "apply":
		var rep struct{ Summary map[string]int }
		if err := json.Unmarshal(run.Stdout, &rep); err != nil {
			r.Error = fmt.Sprintf("apply output: %v; stderr: %s", err, tail(run.Stderr, 400))
		}
		r.Summary = rep.Summary
		if run.ExitCode != 0 {
			r.Error = fmt.Sprintf("exit %d: %s", run.ExitCode, tail(run.Stderr, 400))
		}
	}
	return r, nil
}

// WriteSpeedTable prints results as an aligned table.
func WriteSpeedTable(w io.Writer, rs []SpeedResult) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\tN\tscale\tlatency\twall s\tbound s\tratio\tbound(all) s\tratio(all)\tcalls\tbound-op ok\tthrottled\tthrottled %\tpeak RSS MiB\texit\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%d\t%g\t%s\t%.2f\t%.2f\t%s\t%.2f (%s)\t%s\t%d\t%d\t%d\t%.2f\t%.1f\t%d\t\n",
			r.Op, r.N, r.Scale, r.Latency, r.WallSeconds, r.BoundSeconds, fmtRatio(r.Ratio),
			r.BoundAllSeconds, shortOp(r.BoundAllOp), fmtRatio(r.RatioAll), r.Calls, r.BoundOK, r.Throttled, r.ThrottledPct,
			float64(r.MaxRSSKiB)/1024, r.ExitCode)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rs {
		if r.Error != "" {
			fmt.Fprintf(w, "%s N=%d: %s\n", r.Op, r.N, r.Error)
		}
		if r.Unknown > 0 {
			fmt.Fprintf(w, "%s N=%d: %d account(s) UNKNOWN\n", r.Op, r.N, r.Unknown)
		}
		if len(r.Summary) > 0 {
			keys := make([]string, 0, len(r.Summary))
			for k := range r.Summary {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var parts []string
			for _, k := range keys {
				parts = append(parts, fmt.Sprintf("%s %d", k, r.Summary[k]))
			}
			fmt.Fprintf(w, "%s N=%d: %s\n", r.Op, r.N, strings.Join(parts, ", "))
		}
	}
	return nil
}

func shortOp(op string) string {
	switch op {
	case "":
		return "-"
	case "GetAlternateContact":
		return "get"
	case "PutAlternateContact":
		return "put"
	case "DeleteAlternateContact":
		return "delete"
	}
	return op
}

func fmtRatio(r float64) string {
	if math.IsNaN(r) {
		return "-"
	}
	return fmt.Sprintf("%.3f", r)
}

func logger(w io.Writer) func(string, ...any) {
	return func(format string, args ...any) {
		if w != nil {
			fmt.Fprintf(w, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
		}
	}
}

// prepare makes the work directory and builds the altcontacts binary
// into it, unless bin names one already built.
func prepare(ctx context.Context, dirOpt, bin string, logf func(string, ...any)) (dir, binary string, cleanup func(), err error) {
	dir, cleanup, err = workDir(dirOpt)
	if err != nil {
		return "", "", nil, err
	}
	if bin == "" {
		logf("building ./cmd/altcontacts")
		if bin, err = Binary(ctx, dir); err != nil {
			cleanup()
			return "", "", nil, err
		}
	}
	return dir, bin, cleanup, nil
}

func workDir(dir string) (string, func(), error) {
	if dir != "" {
		return dir, func() {}, os.MkdirAll(dir, 0o700)
	}
	d, err := os.MkdirTemp("", "altcontacts-bench-")
	if err != nil {
		return "", nil, err
	}
	return d, func() { os.RemoveAll(d) }, nil
}
