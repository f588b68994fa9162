package enforce_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/clock"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/enforce"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/s3test"
)

// putCounter counts the PutAlternateContact calls AWS accepted, per
// account and type, as they cross the wire.
type putCounter struct {
	next *http.Client
	mu   sync.Mutex
	n    map[string]int
}

func (p *putCounter) Do(r *http.Request) (*http.Response, error) {
	if r.URL.Path != "/putAlternateContact" {
		return p.next.Do(r)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var in struct{ AccountId, AlternateContactType string }
	json.Unmarshal(body, &in)
	resp, err := p.next.Do(r)
	if err == nil && resp.StatusCode == http.StatusOK {
		p.mu.Lock()
		p.n[in.AccountId+"/"+in.AlternateContactType]++
		p.mu.Unlock()
	}
	return resp, err
}

func (p *putCounter) total() (sum int, dup []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, v := range p.n {
		sum += v
		if v > 1 {
			dup = append(dup, fmt.Sprintf("%s ×%d", k, v))
		}
	}
	return sum, dup
}

// sweepEpoch is where the sweep tests' clock starts: far from today, so a
// time read from the wall clock instead shows. The enforcer reads one
// clock.Manual: reading it never moves it (the plan, the journal and the
// budget all read it, as often as they like); the batch moves it a second
// for every account it takes (Config.Taken), so a 10 s budget is 10
// accounts whatever the machine's speed, and a batch's size says how its
// budget was spent.
var sweepEpoch = time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)

type sweepFixture struct {
	e    *emulator.Emulator
	h    *enforce.Handler
	puts *putCounter
	log  *bytes.Buffer
	clk  *clock.Manual
	// journal is the enforcer's journal file.
	journal string
	// want is each ACTIVE account's SECURITY contact under the policy.
	want map[string]emulator.Contact
	// needed counts the accounts whose contact differs from it at the start.
	needed int
}

// The sweep tests' organization: six batches of ten accounts, enough for
// a first, middle and last batch, a retried one and a failure inside one.
const (
	sweepBatch    = 10
	sweepAccounts = 6 * sweepBatch
)

// newSweep serves a generated organization and an enforcer over it whose
// batches take sweepBatch accounts each (a 10 s budget, 1 s per account).
func newSweep(t *testing.T, mode string, opts ...emulator.Option) sweepFixture {
	t.Helper()
	st, err := emulator.Generate(sweepAccounts, 7)
	if err != nil {
		t.Fatal(err)
	}
	e := emulator.New(append([]emulator.Option{emulator.WithState(st), emulator.WithQuotaScale(50)}, opts...)...)
	p, err := contact.ParsePolicy("policy.yaml", []byte(policyYAML))
	if err != nil {
		t.Fatal(err)
	}
	cfg := e.Config()
	puts := &putCounter{next: &http.Client{Transport: cfg.HTTPClient.(*http.Client).Transport}, n: map[string]int{}}
	var log bytes.Buffer
	clk := clock.NewManual(sweepEpoch)
	jpath := filepath.Join(t.TempDir(), "journal.jsonl")
	h, err := enforce.New(awsorg.New(cfg, awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(50), MaxAttempts: 2, HTTPClient: puts}), enforce.Config{
		Policy: p, PolicyBytes: []byte(policyYAML), Mode: mode, EnforcerRole: "altcontacts-enforcer",
		Journal: journal.Target{File: jpath}, Logger: slog.New(slog.NewJSONHandler(&log, nil)),
		BatchBudget: sweepBatch * time.Second, Now: clk.Now, Taken: func(string) { clk.Advance(time.Second) },
	})
	if err != nil {
		t.Fatal(err)
	}
	f := sweepFixture{e: e, h: h, puts: puts, log: &log, clk: clk, journal: jpath, want: map[string]emulator.Contact{}}
	sandboxOU := map[string]bool{}
	for _, ou := range st.OUs {
		if ou.Name == "Sandbox" && ou.Parent == st.Organization.RootID {
			sandboxOU[ou.ID] = true
		}
	}
	for _, a := range st.Accounts {
		if a.State != "ACTIVE" {
			continue
		}
		want := durable
		if sandboxOU[a.Parent] {
			want = sandbox
		}
		f.want[a.ID] = want
		if got := a.Contacts["SECURITY"]; got == nil || *got != want {
			f.needed++
		}
	}
	if len(sandboxOU) == 0 || f.needed == 0 {
		t.Fatalf("generated organization unfit for the test: sandbox OU %v, %d to change", sandboxOU, f.needed)
	}
	return f
}

// check asserts every ACTIVE account converged, each needed contact was
// written exactly once and nothing else was.
func (f sweepFixture) check(t *testing.T, s *enforce.Summary) {
	t.Helper()
	for _, a := range f.e.State().Accounts {
		want, active := f.want[a.ID]
		got := a.Contacts["SECURITY"]
		if active && (got == nil || *got != want) {
			t.Errorf("account %s (%s) missed: SECURITY = %+v, want %+v", a.ID, a.Name, got, want)
		}
	}
	sum, dup := f.puts.total()
	if len(dup) > 0 {
		t.Errorf("contacts written more than once: %v", dup)
	}
	if sum != f.needed {
		t.Errorf("%d contacts written, %d needed", sum, f.needed)
	}
	if s.Writes != sum || s.Changed != f.needed {
		t.Errorf("summary says %d writes to %d accounts; the wire saw %d", s.Writes, s.Changed, sum)
	}
	if s.Checked+s.Skipped != sweepAccounts || s.Accounts != sweepAccounts {
		t.Errorf("summary: %d checked + %d skipped of %d accounts, want %d", s.Checked, s.Skipped, s.Accounts, sweepAccounts)
	}
}

func noSleep(context.Context, time.Duration) error { return nil }

// A budget of 10 accounts sweeps 60 in 6 batches, each taking exactly
// its share, and every account converges with one write at most.
func TestSweepInBatches(t *testing.T) {
	f := newSweep(t, enforce.ModeEnforce)
	var lines bytes.Buffer
	var took []int
	s, err := enforce.Drive(context.Background(), f.h, enforce.DriveOptions{ID: "test", Log: &lines, Sleep: noSleep,
		After: func(prev, next *enforce.SweepState, _ time.Duration) { took = append(took, next.Cursor-prev.Cursor) }})
	if err != nil {
		t.Fatalf("%v\n%s", err, lines.String())
	}
	f.check(t, s)
	if s.Batches != 6 || fmt.Sprint(took) != "[10 10 10 10 10 10]" {
		t.Errorf("%d batches taking %v accounts, want 6 of 10", s.Batches, took)
	}
	if s.Failed != 0 {
		t.Errorf("failed = %d", s.Failed)
	}
	for i := 1; i <= 6; i++ {
		want := fmt.Sprintf("batch %d: 10 accounts, cursor %d/60, ", i, 10*i)
		if !strings.Contains(lines.String(), want) {
			t.Errorf("no line %q in\n%s", want, lines.String())
		}
	}
	if !strings.Contains(lines.String(), "sweep test: 60 accounts in 6 batches: ") {
		t.Errorf("no summary line in\n%s", lines.String())
	}
	// One clock: the journal and the summary read the clock the batches
	// spent, which only the accounts taken moved (60 s, 1 s each).
	entries, err := journal.Read(f.journal)
	if err != nil || len(entries) == 0 {
		t.Fatalf("journal: %d entries, %v", len(entries), err)
	}
	for _, e := range entries {
		if e.Time.Before(sweepEpoch) || e.Time.After(sweepEpoch.Add(sweepAccounts*time.Second)) {
			t.Fatalf("journal entry %d at %s: not on the enforcer's clock (%s + %d s)", e.Seq, e.Time, sweepEpoch, sweepAccounts)
		}
	}
	if s.DurationSeconds != sweepAccounts {
		t.Errorf("sweep took %v s on the enforcer's clock, want %d (1 s an account)", s.DurationSeconds, sweepAccounts)
	}
	if st := f.e.Stats(); st.Throttled*50 > st.Requests {
		t.Errorf("%d of %d calls throttled, more than 2%%", st.Throttled, st.Requests)
	}

	// A second sweep finds everything right and writes nothing.
	f.puts.n = map[string]int{}
	s, err = enforce.Drive(context.Background(), f.h, enforce.DriveOptions{Sleep: noSleep})
	if err != nil || s.Changed != 0 || s.Writes != 0 || len(f.puts.n) != 0 {
		t.Errorf("second sweep: %+v, %v, puts %v", s, err, f.puts.n)
	}
}

// A batch whose calls start failing midway fails as a whole and is retried
// from its cursor: the accounts it finished before the failure are re-read,
// found right and not written again.
func TestSweepRetriesAFailedBatch(t *testing.T) {
	f := newSweep(t, enforce.ModeEnforce)
	accts := f.e.State().SortedAccounts()
	// The 6th account of the third batch fails until the retry.
	bad := accts[2*sweepBatch+5].ID
	var putsBefore, putsAtFailure, retries int
	var lines bytes.Buffer
	s, err := enforce.Drive(context.Background(), f.h, enforce.DriveOptions{ID: "retry", Log: &lines,
		Before: func(batch int) {
			if batch == 3 {
				putsBefore, _ = f.puts.total()
				f.e.Update(func(s *emulator.State) {
					s.Settings.Faults = []emulator.Fault{{Op: "GetAlternateContact", Rate: 1, Error: "InternalServerException", Account: bad}}
				})
			}
		},
		Sleep: func(context.Context, time.Duration) error {
			retries++
			putsAtFailure, _ = f.puts.total()
			f.e.Update(func(s *emulator.State) { s.Settings.Faults = nil })
			return nil
		}})
	if err != nil {
		t.Fatalf("%v\n%s", err, lines.String())
	}
	f.check(t, s)
	if retries != 1 || !strings.Contains(lines.String(), "batch 3: attempt 1 failed, retrying in 2s: ") {
		t.Errorf("%d retries; lines:\n%s", retries, lines.String())
	}
	if putsAtFailure <= putsBefore {
		t.Errorf("the failed attempt wrote nothing (%d puts before, %d at the failure): the test does not fail midway", putsBefore, putsAtFailure)
	}
	if s.Failed != 0 || s.Batches != 6 {
		t.Errorf("summary %+v", s)
	}
}

// A batch that keeps failing fails the sweep after the retry rule's
// attempts, with the state machine's waits.
func TestSweepGivesUpAfterRetries(t *testing.T) {
	f := newSweep(t, enforce.ModeEnforce, emulator.WithFault(emulator.Fault{Op: "GetAlternateContact", Rate: 1, Error: "ServiceUnavailableException"}))
	var waits []time.Duration
	_, err := enforce.Drive(context.Background(), f.h, enforce.DriveOptions{
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }})
	if err == nil || !strings.Contains(err.Error(), "batch 1 from account 0 of 60") {
		t.Fatalf("err = %v", err)
	}
	if fmt.Sprint(waits) != "[2s 4s 8s 16s 32s]" {
		t.Errorf("waits = %v", waits)
	}
	if sum, _ := f.puts.total(); sum != 0 {
		t.Errorf("%d writes", sum)
	}
}

// An account that refuses the enforcer is counted as failed and passed; the
// sweep goes on and ends with the failure in its summary.
func TestSweepPersistentFailureMovesOn(t *testing.T) {
	st, _ := emulator.Generate(sweepAccounts, 7)
	bad := st.SortedAccounts()[3*sweepBatch+3].ID
	f := newSweep(t, enforce.ModeEnforce, emulator.WithFault(emulator.Fault{Op: "GetAlternateContact", Rate: 1, Error: "AccessDeniedException", Account: bad}))
	retried := false
	s, err := enforce.Drive(context.Background(), f.h, enforce.DriveOptions{
		Sleep: func(context.Context, time.Duration) error { retried = true; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if s.Failed != 1 || retried || s.Batches != 6 {
		t.Errorf("failed %d, retried %v, batches %d", s.Failed, retried, s.Batches)
	}
	if !strings.Contains(f.log.String(), `"msg":"account failed","account":"`+bad+`"`) {
		t.Errorf("no failure logged for %s", bad)
	}
	if !strings.Contains(f.log.String(), `"level":"ERROR","msg":"sweep summary"`) {
		t.Errorf("the summary of a sweep with a failure is not an error")
	}
}

// Report mode reads every account, counts what it would change and writes
// nothing.
func TestSweepReportMode(t *testing.T) {
	f := newSweep(t, enforce.ModeReport)
	s, err := enforce.Drive(context.Background(), f.h, enforce.DriveOptions{Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	if s.Changed != f.needed || s.Writes != 0 || f.e.Stats().Writes != 0 || s.Batches != 6 {
		t.Errorf("summary %+v (needed %d), emulator writes %d", s, f.needed, f.e.Stats().Writes)
	}
	if n := strings.Count(f.log.String(), `"msg":"would write"`); n != f.needed {
		t.Errorf("%d would-write lines, want %d", n, f.needed)
	}
}

// The state machine's round trip: every phase through Invoke, the state
// as JSON between them, as Step Functions passes it.
func TestInvokeSweepPhases(t *testing.T) {
	f := newSweep(t, enforce.ModeEnforce)
	ctx := context.Background()
	invoke := func(payload string) []byte {
		t.Helper()
		out, err := f.h.Invoke(ctx, json.RawMessage(payload))
		if err != nil {
			t.Fatalf("%s: %v", payload, err)
		}
		b, _ := json.Marshal(out)
		return b
	}
	state := invoke(`{"sweep":{"phase":"inventory","id":"exec-1"}}`)
	for i := 0; ; i++ {
		var st enforce.SweepState
		json.Unmarshal(state, &st)
		if st.Done {
			break
		}
		if i > 10 {
			t.Fatalf("no end after %d batches: %s", i, state)
		}
		state = invoke(`{"sweep":{"phase":"batch","state":` + string(state) + `}}`)
	}
	var s enforce.Summary
	json.Unmarshal(invoke(`{"sweep":{"phase":"summary","state":`+string(state)+`}}`), &s)
	f.check(t, &s)
	if s.ID != "exec-1" || s.Batches != 6 {
		t.Errorf("summary %+v", s)
	}
	if len(state) > 1024 {
		t.Errorf("the state is %d bytes; it should carry only the cursor and totals", len(state))
	}
	for _, bad := range []string{`{"sweep":{"phase":"nap"}}`, `{"sweep":{"phase":"batch"}}`} {
		if _, err := f.h.Invoke(ctx, json.RawMessage(bad)); !errors.Is(err, enforce.ErrUnrecognized) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// The plain scheduled event, invoked directly, sweeps within its one
// invocation; when the invocation's time is all margin it says so.
func TestInvokeScheduledEvent(t *testing.T) {
	f := newSweep(t, enforce.ModeEnforce)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	// A 10 s budget is 10 accounts: one invocation does not finish.
	out, err := f.h.Invoke(ctx, event(t, "scheduled-sweep.json"))
	if !errors.Is(err, enforce.ErrIncomplete) {
		t.Fatalf("err = %v", err)
	}
	if s := out.(*enforce.Summary); s.Batches != 1 || s.Checked+s.Skipped != sweepBatch {
		t.Errorf("one invocation: %+v", s)
	}

	g := newSweep(t, enforce.ModeEnforce)
	h, _ := enforce.New(awsorg.New(g.e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(50), MaxAttempts: 2, HTTPClient: g.puts}),
		enforce.Config{Policy: mustPolicy(t), PolicyBytes: []byte(policyYAML), Mode: enforce.ModeEnforce, Journal: journal.Target{File: filepath.Join(t.TempDir(), "j.jsonl")}})
	out, err = h.Invoke(ctx, event(t, "scheduled-sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := out.(*enforce.Summary)
	g.check(t, s)
	if s.Batches != 1 {
		t.Errorf("batches = %d", s.Batches)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel2()
	if _, err := h.Invoke(short, event(t, "scheduled-sweep.json")); !errors.Is(err, enforce.ErrNoTime) {
		t.Errorf("30 s left, 60 s margin: %v", err)
	}
}

func mustPolicy(t *testing.T) *contact.Policy {
	t.Helper()
	p, err := contact.ParsePolicy("policy.yaml", []byte(policyYAML))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The summary line is a valid CloudWatch embedded-metric-format document
// whose metrics are the sweep's counts.
func TestSummaryIsEMF(t *testing.T) {
	var log bytes.Buffer
	now := time.Date(2026, 11, 26, 6, 42, 0, 0, time.UTC)
	h, err := enforce.New(nil, enforce.Config{Policy: mustPolicy(t), Mode: enforce.ModeEnforce,
		Logger: slog.New(slog.NewJSONHandler(&log, nil)), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	h.Summarize(context.Background(), enforce.SweepState{ID: "x", Mode: enforce.ModeEnforce, Total: 1000, Cursor: 1000, Done: true,
		Batches: 7, Started: now.Add(-1000 * time.Second), Totals: enforce.Totals{Checked: 980, Changed: 410, Failed: 2, Skipped: 20, Writes: 415}})
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("want one summary line, got %d:\n%s", len(lines), log.String())
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &doc); err != nil {
		t.Fatal(err)
	}
	aws, _ := doc["_aws"].(map[string]any)
	if ts, ok := aws["Timestamp"].(float64); !ok || int64(ts) != now.UnixMilli() {
		t.Errorf("_aws.Timestamp = %v", aws["Timestamp"])
	}
	cwm, _ := aws["CloudWatchMetrics"].([]any)
	if len(cwm) != 1 {
		t.Fatalf("CloudWatchMetrics = %v", aws["CloudWatchMetrics"])
	}
	d := cwm[0].(map[string]any)
	if d["Namespace"] != "altcontacts" {
		t.Errorf("Namespace = %v", d["Namespace"])
	}
	for _, set := range d["Dimensions"].([]any) {
		for _, dim := range set.([]any) {
			if _, ok := doc[dim.(string)].(string); !ok {
				t.Errorf("dimension %v is not a top-level string", dim)
			}
		}
	}
	want := map[string]float64{"AccountsChecked": 980, "AccountsChanged": 410, "AccountsFailed": 2, "AccountsSkipped": 20,
		"ContactsWritten": 415, "Batches": 7, "SweepDuration": 1000}
	units := map[string]bool{"Count": true, "Seconds": true}
	got := map[string]float64{}
	for _, m := range d["Metrics"].([]any) {
		m := m.(map[string]any)
		name, _ := m["Name"].(string)
		if !units[m["Unit"].(string)] {
			t.Errorf("%s: unit %v", name, m["Unit"])
		}
		v, ok := doc[name].(float64)
		if !ok {
			t.Errorf("metric %s has no top-level number", name)
		}
		got[name] = v
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("metrics = %v, want %v", got, want)
	}
	if doc["msg"] != "sweep summary" || doc["level"] != "ERROR" {
		t.Errorf("a sweep with failures logs %v at %v", doc["msg"], doc["level"])
	}
}

func TestStores(t *testing.T) {
	ctx := context.Background()
	srv := s3test.Start(t, "journal")
	bucket := awsorg.NewBucket(srv.Config(), "journal", awsorg.BucketOptions{PathStyle: true})
	for name, s := range map[string]enforce.Store{"mem": enforce.NewMemStore(), "s3": enforce.BucketStore(bucket, "enforcer/")} {
		if _, err := s.Get(ctx, "sweeps/a/inventory.json"); !errors.Is(err, enforce.ErrNoObject) {
			t.Errorf("%s: get of nothing: %v", name, err)
		}
		if err := s.Put(ctx, "sweeps/a/inventory.json", []byte("one")); err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx, "sweeps/a/inventory.json", []byte("two")); err != nil {
			t.Fatal(err)
		}
		if b, err := s.Get(ctx, "sweeps/a/inventory.json"); err != nil || string(b) != "two" {
			t.Errorf("%s: %q, %v", name, b, err)
		}
	}
}
