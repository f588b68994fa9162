package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/journal"
)

// SoakOptions configure the soak: apply and rollback under faults, latency
// spikes and SIGKILLs, with the journal and rollback invariants checked.
type SoakOptions struct {
	N        int
	Duration time.Duration
	// Seed drives the kill points, the latency and the injected faults;
	// zero picks one from the clock (printed, so a run can be repeated).
	Seed uint64
	// Scale multiplies the quotas (10: AWS's quotas ×10).
	Scale float64
	// FaultRate is the share of Get/Put/DeleteAlternateContact calls
	// answered with a 500 InternalServerException.
	FaultRate float64
	// MaxLatency bounds the latency, re-drawn every LatencyEvery.
	MaxLatency   time.Duration
	LatencyEvery time.Duration
	// MaxKills is the SIGKILLs per phase (apply, each rollback) before
	// runs are left to finish; MaxAttempts caps the runs per phase.
	MaxKills    int
	MaxAttempts int
	// MaxCycles stops after that many apply+rollback cycles; zero runs
	// cycles until the duration would be exceeded.
	MaxCycles int
	// KillWindow is the span kill points are drawn from; zero estimates a
	// full run from the quotas, then uses the last unkilled run's time.
	KillWindow time.Duration
	Bin        string
	// Dir keeps the journals; empty means a temporary directory, kept when
	// the soak fails.
	Dir string
	Log io.Writer
}

// SoakResult summarizes a soak.
type SoakResult struct {
	Seed           uint64                      `json:"seed"`
	N              int                         `json:"n"`
	Cycles         int                         `json:"cycles"`
	ApplyRuns      int                         `json:"apply_runs"`
	RollbackRuns   int                         `json:"rollback_runs"`
	Kills          int                         `json:"kills"`
	Reruns         int                         `json:"reruns"`
	Journals       int                         `json:"journals"`
	ExitCodes      map[int]int                 `json:"exit_codes"`
	Requests       int                         `json:"requests"`
	Throttled      int                         `json:"throttled"`
	Faults         int                         `json:"faults"`
	Writes         int                         `json:"writes"`
	ElapsedSeconds float64                     `json:"elapsed_s"`
	Violations     []string                    `json:"violations,omitempty"`
	Result         string                      `json:"result"` // PASS, FAIL, INCOMPLETE
	Dir            string                      `json:"dir,omitempty"`
	Operations     map[string]emulator.OpStats `json:"operations"`
}

// Failed reports whether the soak found a violation or did not finish one cycle.
func (r *SoakResult) Failed() bool { return r.Result != "PASS" }

// Contacts flattens a state's contacts to "account/TYPE" → contact.
func Contacts(s *emulator.State) map[string]emulator.Contact {
	out := map[string]emulator.Contact{}
	for _, a := range s.Accounts {
		for t, c := range a.Contacts {
			if c != nil {
				out[a.ID+"/"+t] = *c
			}
		}
	}
	return out
}

// CheckApplied returns the violations of "apply finished": every ACTIVE
// account's SECURITY contact is want, and every other contact is as in orig.
func CheckApplied(orig map[string]emulator.Contact, s *emulator.State, want emulator.Contact) []string {
	var v []string
	now := Contacts(s)
	expect := map[string]emulator.Contact{}
	for k, c := range orig {
		expect[k] = c
	}
	for _, a := range s.Accounts {
		if a.State == "ACTIVE" {
			expect[a.ID+"/SECURITY"] = want
		}
	}
	for _, k := range keys(expect, now) {
		e, eok := expect[k]
		n, nok := now[k]
		switch {
		case !nok:
			v = append(v, fmt.Sprintf("%s: unset, want %v", k, e))
		case !eok:
			v = append(v, fmt.Sprintf("%s: %v, want unset", k, n))
		case e != n:
			v = append(v, fmt.Sprintf("%s: %v, want %v", k, n, e))
		}
	}
	return v
}

// CheckRestored returns the difference between the original contacts and
// the state's, or "" when every contact is exactly as it was.
func CheckRestored(orig map[string]emulator.Contact, s *emulator.State) string {
	return cmp.Diff(orig, Contacts(s))
}

// CheckJournaled returns the violations of the write-ahead rule after a
// crash: every contact that differs from orig must be named by an intent in
// one of the journals, and hold either its original or the wanted value.
func CheckJournaled(orig map[string]emulator.Contact, s *emulator.State, want emulator.Contact, journals []string) ([]string, error) {
	intents := map[string]bool{}
	for _, p := range journals {
		es, err := journal.Read(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("journal unreadable after SIGKILL: %w", err)
		}
		for _, e := range es {
			if e.Kind == journal.Intent {
				intents[e.Account+"/"+string(e.Type)] = true
			}
		}
	}
	var v []string
	now := Contacts(s)
	for _, k := range keys(orig, now) {
		o, ook := orig[k]
		n, nok := now[k]
		if ook == nok && o == n {
			continue
		}
		if !intents[k] {
			v = append(v, fmt.Sprintf("%s changed without a journal intent", k))
		}
		if !nok || n != want {
			v = append(v, fmt.Sprintf("%s is %v: neither the original nor the policy's", k, n))
		}
	}
	return v, nil
}

func keys(a, b map[string]emulator.Contact) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]emulator.Contact{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func (o *SoakOptions) defaults() {
	if o.N <= 0 {
		o.N = 1000
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Minute
	}
	if o.Seed == 0 {
		o.Seed = uint64(time.Now().UnixNano())
	}
	if o.Scale <= 0 {
		o.Scale = 10
	}
	if o.FaultRate < 0 {
		o.FaultRate = 0
	}
	if o.LatencyEvery <= 0 {
		o.LatencyEvery = 2 * time.Second
	}
	if o.MaxKills < 0 {
		o.MaxKills = 0
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = o.MaxKills + 6
	}
}

type soak struct {
	o        SoakOptions
	res      *SoakResult
	e        *emulator.Emulator
	url      string
	bin, dir string
	policy   string
	rng      *rand.Rand
	logf     func(string, ...any)
	// observed is the wall time of the last run of each kind that was not
	// killed; kill points are drawn from it.
	observed map[string]time.Duration
	active   int
}

// Soak runs apply/rollback cycles until the duration would be exceeded (or
// MaxCycles), SIGKILLing the child at random points, and checks after each
// kill that nothing changed without a journal intent, after each apply that
// the policy holds everywhere, and after each rollback that every contact
// is exactly as before.
func Soak(ctx context.Context, o SoakOptions) (*SoakResult, error) {
	o.defaults()
	start := time.Now()
	res := &SoakResult{Seed: o.Seed, N: o.N, ExitCodes: map[int]int{}}
	s := &soak{o: o, res: res, rng: rand.New(rand.NewPCG(o.Seed, 0x736f616b)), logf: logger(o.Log),
		observed: map[string]time.Duration{}}
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "altcontacts-soak-")
		if err != nil {
			return nil, err
		}
		dir = d
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	s.dir, res.Dir = dir, dir
	s.logf("soak: seed %d, n %d, duration %v, journals in %s", o.Seed, o.N, o.Duration, dir)
	defer func() {
		res.ElapsedSeconds = time.Since(start).Seconds()
		if o.Dir == "" && !res.Failed() {
			os.RemoveAll(dir)
			res.Dir = ""
		}
	}()

	ctx, cancel := context.WithDeadline(ctx, start.Add(o.Duration))
	defer cancel()
	var err error
	if s.bin = o.Bin; s.bin == "" {
		s.logf("building ./cmd/altcontacts")
		if s.bin, err = Binary(ctx, dir); err != nil {
			return nil, err
		}
	}
	s.policy = filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(s.policy, []byte(SecurityPolicy), 0o600); err != nil {
		return nil, err
	}
	st, err := emulator.Generate(o.N, o.Seed%1000+1)
	if err != nil {
		return nil, err
	}
	st.Settings.Seed = o.Seed
	opts := []emulator.Option{emulator.WithState(st), emulator.WithQuotaScale(o.Scale)}
	if o.FaultRate > 0 {
		for _, op := range []string{"GetAlternateContact", "PutAlternateContact", "DeleteAlternateContact"} {
			opts = append(opts, emulator.WithFault(emulator.Fault{Op: op, Rate: o.FaultRate, Error: "InternalServerException"}))
		}
	}
	if s.e, err = emulator.Build(opts...); err != nil {
		return nil, err
	}
	srv, err := Serve(s.e)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	s.url = srv.URL
	for _, a := range st.Accounts {
		if a.State == "ACTIVE" {
			s.active++
		}
	}
	stopLatency := s.varyLatency(o.Seed)
	defer stopLatency()

	orig := Contacts(st)
	var last time.Duration
	for cycle := 1; o.MaxCycles == 0 || cycle <= o.MaxCycles; cycle++ {
		if dl, _ := ctx.Deadline(); cycle > 1 && time.Until(dl) < last*3/2 {
			s.logf("soak: %v left, a cycle takes ~%v: stopping", time.Until(dl).Round(time.Second), last.Round(time.Second))
			break
		}
		cstart := time.Now()
		done, err := s.cycle(ctx, cycle, orig)
		if err != nil && ctx.Err() == nil {
			return res, err
		}
		if !done {
			s.logf("soak: cycle %d cut short by the duration", cycle)
			break
		}
		res.Cycles++
		last = time.Since(cstart)
	}
	st2 := s.e.Stats()
	res.Requests, res.Throttled, res.Faults, res.Writes, res.Operations = st2.Requests, st2.Throttled, st2.Faults, st2.Writes, st2.Operations
	switch {
	case len(res.Violations) > 0:
		res.Result = "FAIL"
	case res.Cycles == 0:
		res.Result = "INCOMPLETE"
	default:
		res.Result = "PASS"
	}
	return res, nil
}

// varyLatency re-draws the emulator's latency every LatencyEvery: mostly
// low, with spikes up to MaxLatency.
func (s *soak) varyLatency(seed uint64) (stop func()) {
	if s.o.MaxLatency <= 0 {
		return func() {}
	}
	rng := rand.New(rand.NewPCG(seed, 0x6c6174))
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(s.o.LatencyEvery)
		defer t.Stop()
		for {
			d := time.Duration(rng.Int64N(int64(s.o.MaxLatency) / 4))
			if rng.IntN(4) == 0 {
				d = s.o.MaxLatency/2 + time.Duration(rng.Int64N(int64(s.o.MaxLatency)/2+1))
			}
			s.e.Update(func(st *emulator.State) { st.Settings.Latency = emulator.Duration(d) })
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// cycle applies with kills until an apply exits 0, checks the policy holds,
// rolls every journal back (newest first) with kills until each rollback
// exits 0, and checks every contact is back. done is false when the
// duration ran out first.
func (s *soak) cycle(ctx context.Context, cycle int, orig map[string]emulator.Contact) (done bool, err error) {
	var journals []string
	ok, err := s.phase(ctx, "apply", fmt.Sprintf("cycle %d apply", cycle), func(attempt int) []string {
		j := filepath.Join(s.dir, fmt.Sprintf("cycle%02d-apply-%02d.jsonl", cycle, attempt))
		journals = append(journals, j)
		return []string{"apply", "--policy", s.policy, "--yes", "--journal", j}
	}, orig, &journals)
	if err != nil || !ok {
		return false, err
	}
	if v := CheckApplied(orig, s.e.State(), PolicyContact); len(v) > 0 {
		// Recorded; the rollback invariant is still checked below.
		s.violate(fmt.Sprintf("cycle %d: apply exited 0, but %d contact(s) are not as the policy wants: %s", cycle, len(v), strings.Join(first(v, 5), "; ")))
	} else {
		s.logf("cycle %d: apply converged: every ACTIVE account's SECURITY contact is the policy's", cycle)
	}

	var existing []string
	for _, j := range journals {
		if _, err := os.Stat(j); err == nil {
			existing = append(existing, j)
		}
	}
	s.res.Journals += len(existing)
	for i := len(existing) - 1; i >= 0; i-- {
		j := existing[i]
		ok, err := s.phase(ctx, "rollback", fmt.Sprintf("cycle %d rollback %s", cycle, filepath.Base(j)), func(int) []string {
			return []string{"rollback", "--journal", j, "--yes"}
		}, orig, &journals)
		if err != nil || !ok {
			return false, err
		}
	}
	if d := CheckRestored(orig, s.e.State()); d != "" {
		s.violate(fmt.Sprintf("cycle %d: after rolling back %d journal(s), contacts differ from the originals (-orig +now):\n%s", cycle, len(existing), d))
		return true, nil
	}
	s.logf("cycle %d: rolled back %d journal(s): every contact is exactly as before", cycle, len(existing))
	return true, nil
}

// phase runs one command until it exits 0, SIGKILLing the first MaxKills
// runs at random points and checking the journals after each kill.
func (s *soak) phase(ctx context.Context, kind, name string, args func(attempt int) []string, orig map[string]emulator.Contact, journals *[]string) (bool, error) {
	kills := 0
	for attempt := 1; attempt <= s.o.MaxAttempts; attempt++ {
		if ctx.Err() != nil {
			return false, nil
		}
		var killAfter time.Duration
		if kills < s.o.MaxKills {
			killAfter = 50*time.Millisecond + time.Duration(s.rng.Int64N(int64(s.window(kind))))
		}
		a := append(args(attempt), "--endpoint-url", s.url, "--quota-scale", strconv.FormatFloat(s.o.Scale, 'g', -1, 64), "-o", "json", "--no-progress", "--no-dns")
		run, err := Child{Path: s.bin, Args: a, Env: childEnv(s.dir), KillAfter: killAfter}.Run(ctx)
		if ctx.Err() != nil {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if kind == "apply" {
			s.res.ApplyRuns++
		} else {
			s.res.RollbackRuns++
		}
		if attempt > 1 {
			s.res.Reruns++
		}
		if run.Killed {
			kills++
			s.res.Kills++
			s.logf("%s: run %d SIGKILLed after %v", name, attempt, run.Wall.Round(time.Millisecond))
			// Let the server finish or drop what the child had sent.
			time.Sleep(300*time.Millisecond + s.o.MaxLatency)
			v, err := CheckJournaled(orig, s.e.State(), PolicyContact, *journals)
			if err != nil {
				s.violate(fmt.Sprintf("%s: %v", name, err))
				return true, nil
			}
			for _, x := range v {
				s.violate(name + ": " + x)
			}
			continue
		}
		s.observed[kind] = run.Wall
		s.res.ExitCodes[run.ExitCode]++
		s.logf("%s: run %d exit %d after %v", name, attempt, run.ExitCode, run.Wall.Round(time.Millisecond))
		switch run.ExitCode {
		case 0:
			return true, nil
		case 3:
			// Some accounts failed beyond the retries: rerun, as the hint says.
			continue
		default:
			s.violate(fmt.Sprintf("%s: run %d exit %d: %s", name, attempt, run.ExitCode, tail(run.Stderr, 600)))
			return true, nil
		}
	}
	s.violate(fmt.Sprintf("%s: no run exited 0 in %d attempts", name, s.o.MaxAttempts))
	return true, nil
}

// window is the span a kill point is drawn from: the option, else the
// last full run of that kind, else an estimate of a full apply from the
// quotas (the plan's reads, then a re-read, a put and a read-back per
// account, beyond the burst, plus start-up).
func (s *soak) window(kind string) time.Duration {
	if s.o.KillWindow > 0 {
		return s.o.KillWindow
	}
	if d := s.observed[kind]; d > 0 {
		return d
	}
	q := emulator.DefaultQuota("account", "GetAlternateContact")
	extra := max(0, float64(3*s.active)-float64(q.Burst)*s.o.Scale)
	return 300*time.Millisecond + time.Duration(extra/(q.Rate*s.o.Scale)*float64(time.Second))
}

func (s *soak) violate(msg string) {
	s.logf("VIOLATION: %s", msg)
	s.res.Violations = append(s.res.Violations, msg)
}

func first(v []string, n int) []string {
	if len(v) > n {
		return append(v[:n:n], fmt.Sprintf("... %d more", len(v)-n))
	}
	return v
}

// WriteSoakSummary prints the summary.
func WriteSoakSummary(w io.Writer, r *SoakResult) {
	fmt.Fprintf(w, "soak: seed %d, n %d, %d cycle(s) in %.0fs\n", r.Seed, r.N, r.Cycles, r.ElapsedSeconds)
	fmt.Fprintf(w, "  runs: %d apply, %d rollback; %d SIGKILLs, %d reruns; %d journal(s)\n", r.ApplyRuns, r.RollbackRuns, r.Kills, r.Reruns, r.Journals)
	var codes []string
	for c, n := range r.ExitCodes {
		codes = append(codes, fmt.Sprintf("exit %d ×%d", c, n))
	}
	sort.Strings(codes)
	fmt.Fprintf(w, "  exits: %s\n", strings.Join(codes, ", "))
	fmt.Fprintf(w, "  emulator: %d requests, %d throttled, %d faults injected, %d writes\n", r.Requests, r.Throttled, r.Faults, r.Writes)
	for _, v := range r.Violations {
		fmt.Fprintf(w, "  VIOLATION: %s\n", v)
	}
	if r.Dir != "" {
		fmt.Fprintf(w, "  journals kept in %s\n", r.Dir)
	}
	fmt.Fprintf(w, "result: %s\n", r.Result)
}
