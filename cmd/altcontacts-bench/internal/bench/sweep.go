package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/enforce"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/s3test"
)

// SweepCommand is the hidden subcommand that runs the batched sweep in a
// process of its own (see Sweep).
const SweepCommand = "_sweep"

// LambdaBatchSeconds is a batch's budget in the deployed function: its
// 900 s timeout minus the default 60 s margin. The benchmark divides it
// by the quota scale, so a batch takes as many accounts as it would at
// AWS's real quotas and the number of batches is the real one.
const LambdaBatchSeconds = 840

// SweepOptions configure the sweep benchmark.
type SweepOptions struct {
	N       int
	Scale   float64
	Latency time.Duration
	Seed    uint64
	// Budget per batch; zero means LambdaBatchSeconds / Scale.
	Budget time.Duration
	// Full starts every batch's client with full token buckets instead of
	// empty ones (awsorg.Options.Drained), to measure the difference.
	Full bool
	// S3 journals to an in-process S3 (gofakes3, on loopback, with
	// S3Latency added to each request) as the deployed enforcer journals
	// to its bucket, instead of to files on tmpfs.
	S3        bool
	S3Latency time.Duration
	// Helper is the harness binary, which runs the sweep as a child.
	Helper string
	Dir    string
	Log    io.Writer
}

// BatchStat is one batch as the child measured it.
type BatchStat struct {
	Batch   int     `json:"batch"`
	Taken   int     `json:"taken"`
	Cursor  int     `json:"cursor"`
	Seconds float64 `json:"s"`
	// PeakRSSKiB is the child's VmHWM over the batch alone: reset
	// (clear_refs 5) before it, read after it.
	PeakRSSKiB int64 `json:"peak_rss_kib"`
}

// SweepResult is one sweep.
type SweepResult struct {
	N             int     `json:"n"`
	Scale         float64 `json:"scale"`
	Latency       string  `json:"latency"`
	BudgetSeconds float64 `json:"budget_s"`
	Buckets       string  `json:"buckets"`
	// WallSeconds is the whole child: start-up, inventory, batches, summary.
	WallSeconds      float64 `json:"wall_s"`
	InventorySeconds float64 `json:"inventory_s"`
	// BoundSeconds is the quota lower bound: the largest over
	// GetAlternateContact and PutAlternateContact of (ok − burst) / rate.
	BoundSeconds float64 `json:"bound_s"`
	BoundOp      string  `json:"bound_op"`
	Ratio        float64 `json:"ratio"`
	// OverheadPerBatchSeconds is (wall − inventory − bound) / batches.
	OverheadPerBatchSeconds float64          `json:"overhead_per_batch_s"`
	Batches                 []BatchStat      `json:"batches"`
	Calls                   int              `json:"calls"`
	Throttled               int              `json:"throttled"`
	ThrottledPct            float64          `json:"throttled_pct"`
	Needed                  int              `json:"needed"`
	Writes                  int              `json:"writes"`
	Duplicates              int              `json:"duplicates"`
	Missed                  int              `json:"missed"`
	MaxBatchRSSKiB          int64            `json:"max_batch_rss_kib"`
	Summary                 *enforce.Summary `json:"summary"`
	Error                   string           `json:"error,omitempty"`
	// Journal is "s3" when the sweep journaled to the in-process S3
	// (SweepOptions.S3), with the records it holds afterwards: one intent
	// and one outcome per write.
	Journal         string `json:"journal,omitempty"`
	JournalIntents  int    `json:"journal_intents,omitempty"`
	JournalOutcomes int    `json:"journal_outcomes,omitempty"`
}

// Sweep serves a generated organization of N accounts and runs the
// batched sweep (enforce.Drive, with a fresh client per batch as a new
// Lambda container would have) in a child process against it, then checks
// the organization: every ACTIVE account holds the policy's contact
// (missed), and the emulator made exactly one write per contact that
// needed one (duplicates).
func Sweep(ctx context.Context, o SweepOptions) (*SweepResult, error) {
	var store *s3test.Server
	if o.S3 {
		var err error
		if store, err = s3test.New("journal"); err != nil {
			return nil, err
		}
		defer store.Close()
		store.SetLatency(o.S3Latency)
	}
	logf := func(format string, a ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", a...)
		}
	}
	if o.Helper == "" {
		return nil, errors.New("sweep: the harness binary is unknown")
	}
	if o.Budget <= 0 {
		o.Budget = time.Duration(LambdaBatchSeconds / o.Scale * float64(time.Second))
	}
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "altcontacts-bench-sweep-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	st, err := emulator.Generate(o.N, o.Seed)
	if err != nil {
		return nil, err
	}
	needed := 0
	for _, a := range st.Accounts {
		if a.State == "ACTIVE" && (a.Contacts["SECURITY"] == nil || *a.Contacts["SECURITY"] != PolicyContact) {
			needed++
		}
	}
	e := emulator.New(emulator.WithState(st), emulator.WithQuotaScale(o.Scale), emulator.WithLatency(o.Latency))
	srv, err := Serve(e)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	buckets := "empty"
	if o.Full {
		buckets = "full"
	}
	logf("sweep: %d accounts (%d to write), quotas ×%g, latency %s, budget %s a batch, %s buckets", o.N, needed, o.Scale, o.Latency, o.Budget, buckets)
	// The journal on tmpfs when there is one: the deployed enforcer
	// journals to S3 (concurrent PUTs), not to a local disk whose fsyncs,
	// serialized by the journal's lock, would be what this measures.
	jdir := dir
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if d, err := os.MkdirTemp("/dev/shm", "altcontacts-bench-sweep-"); err == nil {
			defer os.RemoveAll(d)
			jdir = d
		}
	}
	args := []string{SweepCommand, "--endpoint-url", srv.URL, "--scale", fmt.Sprint(o.Scale), "--budget", o.Budget.String(),
		"--journal", filepath.Join(jdir, "sweep-journal")}
	if store != nil {
		args = append(args, "--s3-endpoint", store.URL)
	}
	if o.Full {
		args = append(args, "--full")
	}
	run, err := Child{Path: o.Helper, Args: args, Env: childEnv(dir)}.Run(ctx)
	if err != nil {
		return nil, err
	}
	r := &SweepResult{N: o.N, Scale: o.Scale, Latency: o.Latency.String(), BudgetSeconds: o.Budget.Seconds(), Buckets: buckets,
		WallSeconds: run.Wall.Seconds(), Needed: needed, Batches: []BatchStat{}}
	sc := bufio.NewScanner(bytes.NewReader(run.Stdout))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case bytes.HasPrefix(line, []byte(`{"batch"`)):
			var b BatchStat
			json.Unmarshal(line, &b)
			r.Batches = append(r.Batches, b)
			r.MaxBatchRSSKiB = max(r.MaxBatchRSSKiB, b.PeakRSSKiB)
		case bytes.HasPrefix(line, []byte(`{"inventory_s"`)):
			var v struct {
				S float64 `json:"inventory_s"`
			}
			json.Unmarshal(line, &v)
			r.InventorySeconds = v.S
		case bytes.HasPrefix(line, []byte(`{"id"`)):
			r.Summary = &enforce.Summary{}
			json.Unmarshal(line, r.Summary)
		}
	}
	if run.ExitCode != 0 {
		r.Error = fmt.Sprintf("child exit %d: %s", run.ExitCode, tail(run.Stderr, 2000))
	}
	stats := e.Stats()
	r.Calls, r.Throttled, r.Writes = stats.Requests, stats.Throttled, stats.Writes
	if r.Calls > 0 {
		r.ThrottledPct = 100 * float64(r.Throttled) / float64(r.Calls)
	}
	for _, op := range []string{"GetAlternateContact", "PutAlternateContact"} {
		b := Bound(Succeeded(stats.Operations[op]), emulator.DefaultQuota("account", op), o.Scale)
		if b.Seconds() > r.BoundSeconds {
			r.BoundSeconds, r.BoundOp = b.Seconds(), op
		}
	}
	r.Ratio = Ratio(run.Wall, time.Duration(r.BoundSeconds*float64(time.Second)))
	if len(r.Batches) > 0 {
		r.OverheadPerBatchSeconds = (r.WallSeconds - r.InventorySeconds - r.BoundSeconds) / float64(len(r.Batches))
	}
	for _, a := range e.State().Accounts {
		if a.State == "ACTIVE" && (a.Contacts["SECURITY"] == nil || *a.Contacts["SECURITY"] != PolicyContact) {
			r.Missed++
		}
	}
	// Each needed contact was written at least once unless missed; every
	// write beyond one per needed contact is a duplicate.
	r.Duplicates = r.Writes - (needed - r.Missed)
	if store != nil {
		// Count what the journal holds, as `altcontacts journal list` would.
		r.Journal = "s3"
		b := awsorg.NewBucket(store.Config(), "journal", awsorg.BucketOptions{PathStyle: true})
		loc, _ := journal.ParseLocation("s3://journal/enforcer")
		runs, err := journal.ListRuns(ctx, b, loc)
		if err != nil {
			return nil, err
		}
		for _, run := range runs {
			r.JournalIntents += run.Intents
			r.JournalOutcomes += run.Verified + run.Applied + run.Failed
		}
	}
	return r, nil
}

// SweepMain is the child: it runs enforce.Drive against the endpoint,
// with a new client (and handler) per batch, and prints one JSON line per
// batch with its time and its peak RSS, then the summary.
func SweepMain(args []string) int {
	fs := flag.NewFlagSet(SweepCommand, flag.ContinueOnError)
	endpoint := fs.String("endpoint-url", "", "emulator URL")
	scale := fs.Float64("scale", 1, "quota scale")
	budget := fs.Duration("budget", 0, "batch budget")
	journalPath := fs.String("journal", "", "journal file prefix: one file per batch, as the S3 journal keys each run")
	full := fs.Bool("full", false, "start each batch's client with full buckets")
	s3Endpoint := fs.String("s3-endpoint", "", "journal to s3://journal/enforcer at this S3 endpoint instead of files")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()
	cfg, err := awsorg.LoadConfig(ctx, awsorg.LoadOptions{EndpointURL: *endpoint})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	p, err := contact.ParsePolicy("policy.yaml", []byte(SecurityPolicy))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	store := enforce.NewMemStore()
	target := func(n int) journal.Target { return journal.Target{File: fmt.Sprintf("%s-%03d.jsonl", *journalPath, n)} }
	if *s3Endpoint != "" {
		// A config of its own: the emulator's endpoint, set in code on cfg,
		// would outrank any other for every service, S3 included.
		s3cfg, err := awsorg.LoadConfig(ctx, awsorg.LoadOptions{EndpointURL: *s3Endpoint})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		loc, _ := journal.ParseLocation("s3://journal/enforcer")
		b := awsorg.NewBucket(s3cfg, "journal", awsorg.BucketOptions{PathStyle: true})
		target = func(int) journal.Target { return journal.Target{Store: b, Loc: loc} }
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	n := 0
	handler := func() (*enforce.Handler, error) {
		n++
		c := awsorg.New(cfg, awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(*scale), Drained: !*full})
		return enforce.New(c, enforce.Config{Policy: p, PolicyBytes: []byte(SecurityPolicy), Mode: enforce.ModeEnforce,
			EnforcerRole: "altcontacts-enforcer", Journal: target(n), Logger: logger, Store: store, BatchBudget: *budget})
	}
	h, err := handler()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out := json.NewEncoder(os.Stdout)
	start := time.Now()
	inventoried := false
	s, err := enforce.Drive(ctx, h, enforce.DriveOptions{
		ID: "bench", Log: os.Stderr, Renew: handler,
		Before: func(int) {
			if !inventoried {
				inventoried = true
				out.Encode(map[string]float64{"inventory_s": time.Since(start).Seconds()})
			}
			// Reset the high-water mark to the current RSS.
			os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		},
		After: func(prev, next *enforce.SweepState, took time.Duration) {
			out.Encode(BatchStat{Batch: next.Batches, Taken: next.Cursor - prev.Cursor, Cursor: next.Cursor, Seconds: took.Seconds(), PeakRSSKiB: vmHWM()})
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out.Encode(s)
	return 0
}

// vmHWM is the process's peak RSS since the last reset (Linux), or 0.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// WriteSweepTable prints r for people.
func WriteSweepTable(w io.Writer, r *SweepResult) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "N\tscale\tlatency\tbuckets\tbatches\twall s\tinventory s\tbound s\tratio\toverhead/batch s\tcalls\tthrottled %\twrites\tduplicates\tmissed\tpeak RSS/batch MiB\t")
	fmt.Fprintf(tw, "%d\t%g\t%s\t%s\t%d\t%.1f\t%.1f\t%.1f (%s)\t%s\t%.2f\t%d\t%.2f\t%d\t%d\t%d\t%.1f\t\n",
		r.N, r.Scale, r.Latency, r.Buckets, len(r.Batches), r.WallSeconds, r.InventorySeconds, r.BoundSeconds, shortOp(r.BoundOp),
		fmtRatio(r.Ratio), r.OverheadPerBatchSeconds, r.Calls, r.ThrottledPct, r.Writes, r.Duplicates, r.Missed, float64(r.MaxBatchRSSKiB)/1024)
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Journal == "s3" {
		fmt.Fprintf(w, "journal in S3: %d intents, %d outcomes for %d writes\n", r.JournalIntents, r.JournalOutcomes, r.Writes)
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "batch\taccounts\tcursor\ts\tpeak RSS MiB\t")
	for _, b := range r.Batches {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%.1f\t%.1f\t\n", b.Batch, b.Taken, b.Cursor, b.Seconds, float64(b.PeakRSSKiB)/1024)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Error != "" {
		fmt.Fprintln(w, r.Error)
	}
	return nil
}
