package apply_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/plan"
	"github.com/altcontacts/altcontacts/internal/s3test"
)

const (
	scale     = 20.0
	mgmt      = "401726385920"
	ciCD      = "265937401187" // SECURITY is a person's: an update
	cardsProd = "476120938574" // no SECURITY: a create
	shared    = "842019375648" // no SECURITY: a create
)

// securityPolicy wants the durable SECURITY contact everywhere.
const securityPolicy = `version: 1
require: [SECURITY]
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
`

// twoTypePolicy also wants OPERATIONS: on fintech, 14+22 creates and 4+1
// updates.
const twoTypePolicy = securityPolicy + `  OPERATIONS: {name: Cloud Platform, title: Platform Engineering Team, email: cloud-ops@acmepay.io, phone: "+1 206 555 7720"}
`

var durable = contact.Details{Name: "Security Operations", Title: "Security Team", Email: "security@acmepay.io", Phone: "+1 206 555 7700"}

// fast keeps read-back retries short; the emulator is consistent at once.
// fast never waits between read-back attempts: the sleep returns at once.
var fast = apply.Options{ReadBackDelay: 5 * time.Millisecond, Sleep: func(context.Context, time.Duration) error { return nil }}

func newEmulator(opts ...emulator.Option) *emulator.Emulator {
	return emulator.New(append(opts, emulator.WithQuotaScale(scale))...)
}

func newClient(e *emulator.Emulator, o awsorg.Options) *awsorg.Client {
	o.Quotas = awsorg.DefaultQuotas.Scale(scale)
	return awsorg.New(e.Config(), o)
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func buildPlan(t *testing.T, c *awsorg.Client, src string) *plan.Plan {
	t.Helper()
	p, err := contact.ParsePolicy("policy.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	pl, err := plan.Build(ctxT(t, 30*time.Second), c, p, []byte(src), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func caller(t *testing.T, c *awsorg.Client) string {
	t.Helper()
	id, err := c.Identity(ctxT(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return id.Account
}

func newJournal(t *testing.T, path string) *journal.Writer {
	t.Helper()
	j, err := journal.Create(path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func readJournal(t *testing.T, path string) []journal.Entry {
	t.Helper()
	es, err := journal.Read(path)
	if err != nil {
		t.Fatalf("read journal: %v", err)
	}
	return es
}

// contacts flattens a state's contacts to "account/TYPE" → value, so an
// account whose last contact was deleted equals one that never had any.
func contacts(s *emulator.State) map[string]emulator.Contact {
	out := map[string]emulator.Contact{}
	for _, a := range s.Accounts {
		for typ, c := range a.Contacts {
			if c != nil {
				out[a.ID+"/"+typ] = *c
			}
		}
	}
	return out
}

func summary(rep *apply.Report) string {
	b, _ := json.Marshal(rep.Summary)
	return string(b)
}

type key struct {
	account string
	typ     contact.Type
}

// journalIndex splits a journal into apply-phase intents and outcomes.
type journalIndex struct {
	intents  map[int]journal.Entry
	outcomes map[int]journal.Entry
	byKey    map[key][]journal.Entry
}

func index(es []journal.Entry, phase string) journalIndex {
	ix := journalIndex{intents: map[int]journal.Entry{}, outcomes: map[int]journal.Entry{}, byKey: map[key][]journal.Entry{}}
	for _, e := range es {
		if e.Phase != phase {
			continue
		}
		switch e.Kind {
		case journal.Intent:
			ix.intents[e.Seq] = e
			ix.byKey[key{e.Account, e.Type}] = append(ix.byKey[key{e.Account, e.Type}], e)
		case journal.Outcome:
			ix.outcomes[e.Seq] = e
		}
	}
	return ix
}

func TestApplyThenRollbackRestoresExactly(t *testing.T) {
	e := newEmulator()
	c := newClient(e, awsorg.Options{})
	orig := contacts(e.State())
	pl := buildPlan(t, c, twoTypePolicy)
	if s := pl.Summary; s.Create != 36 || s.Update != 5 {
		t.Fatalf("plan summary = %+v", s)
	}
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	o := fast
	o.Caller = caller(t, c)
	rep, err := apply.Apply(ctxT(t, 30*time.Second), c, newJournal(t, path), pl.Changes, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary[apply.Verified] != 41 || len(rep.Outcomes) != 41 || rep.Schema != apply.Schema || rep.Journal != path {
		t.Fatalf("apply: %s, %d outcomes", summary(rep), len(rep.Outcomes))
	}
	after := contacts(e.State())
	for _, ch := range pl.Writes() {
		if got := after[ch.AccountID+"/"+string(ch.Type)]; got != (emulator.Contact{Name: ch.After.Name, Title: ch.After.Title, Email: ch.After.Email, Phone: ch.After.Phone}) {
			t.Errorf("%s %s after apply = %+v, want %+v", ch.AccountID, ch.Type, got, *ch.After)
		}
	}
	// The suspended account was not touched.
	if _, ok := after["753910284406/SECURITY"]; ok {
		t.Error("the SUSPENDED account was written")
	}

	rs := apply.Restores(readJournal(t, path))
	if len(rs) != 41 {
		t.Fatalf("Restores = %d, want 41", len(rs))
	}
	deletes := 0
	for _, r := range rs {
		if r.Before == nil {
			deletes++
		}
		if r.Account == mgmt && !r.Standalone {
			t.Errorf("management account restore without standalone context: %+v", r)
		}
	}
	if deletes != 36 {
		t.Errorf("restores that delete = %d, want 36", deletes)
	}

	// Without allowDelete, only the updates go back; created contacts stay.
	rep, err = apply.Rollback(ctxT(t, 30*time.Second), c, newJournal(t, path), rs, false, fast)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary[apply.Verified] != 5 || rep.Summary[apply.Skipped] != 36 {
		t.Fatalf("rollback without deletes: %s", summary(rep))
	}
	mid := contacts(e.State())
	for k, v := range orig {
		if mid[k] != v {
			t.Errorf("%s after rollback = %+v, want %+v", k, mid[k], v)
		}
	}
	if len(mid) != len(orig)+36 {
		t.Errorf("contacts after a rollback without deletes = %d, want %d", len(mid), len(orig)+36)
	}

	// With allowDelete, from the same journal (its rollback lines do not
	// count as befores): everything is as it was.
	rs = apply.Restores(readJournal(t, path))
	if len(rs) != 41 {
		t.Fatalf("Restores after a rollback = %d, want 41", len(rs))
	}
	rep, err = apply.Rollback(ctxT(t, 30*time.Second), c, newJournal(t, path), rs, true, fast)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary[apply.Verified] != 36 || rep.Summary[apply.Unchanged] != 5 {
		t.Fatalf("rollback with deletes: %s", summary(rep))
	}
	if d := cmp.Diff(orig, contacts(e.State())); d != "" {
		t.Errorf("contacts after rollback (-orig +got):\n%s", d)
	}
	// Every rollback write was journaled with its outcome.
	ix := index(readJournal(t, path), journal.PhaseRollback)
	if len(ix.intents) != 41 || len(ix.outcomes) != 41 {
		t.Errorf("rollback journal: %d intents, %d outcomes; want 41 each", len(ix.intents), len(ix.outcomes))
	}
	// A second rollback has nothing to do.
	rep, err = apply.Rollback(ctxT(t, 30*time.Second), c, newJournal(t, path), rs, true, fast)
	if err != nil || rep.Summary[apply.Unchanged] != 41 {
		t.Errorf("rerun of rollback: %s, %v", summary(rep), err)
	}
}

func TestFailedWriteJournaled(t *testing.T) {
	e := newEmulator(emulator.WithFault(emulator.Fault{Op: "PutAlternateContact", Rate: 1, Error: "InternalServerException", Account: cardsProd}))
	// One attempt: the SDK would otherwise retry the 500 with backoff.
	c := newClient(e, awsorg.Options{MaxAttempts: 1})
	orig := contacts(e.State())
	pl := buildPlan(t, c, securityPolicy)
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	o := fast
	o.Caller = caller(t, c)
	rep, err := apply.Apply(ctxT(t, 30*time.Second), c, newJournal(t, path), pl.Changes, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary[apply.Failed] != 1 || rep.Summary[apply.Verified] != 17 {
		t.Fatalf("apply: %s", summary(rep))
	}
	var failed apply.Outcome
	for _, oc := range rep.Outcomes {
		if oc.Result == apply.Failed {
			failed = oc
		}
	}
	if failed.AccountID != cardsProd || failed.Seq == 0 || !strings.Contains(failed.Error, "InternalServerException") {
		t.Errorf("failed outcome = %+v", failed)
	}
	ix := index(readJournal(t, path), journal.PhaseApply)
	in, ok := ix.intents[failed.Seq]
	if !ok || in.Account != cardsProd || in.Type != contact.Security || in.Op != "put" || in.Before != nil || in.After == nil || *in.After != durable {
		t.Errorf("intent for the failed write = %+v (found %v)", in, ok)
	}
	out, ok := ix.outcomes[failed.Seq]
	if !ok || out.Outcome != journal.Failed || !strings.Contains(out.Error, "InternalServerException") {
		t.Errorf("outcome for the failed write = %+v (found %v)", out, ok)
	}
	if !out.Time.After(in.Time) && !out.Time.Equal(in.Time) {
		t.Errorf("outcome %v before intent %v", out.Time, in.Time)
	}
	if _, ok := contacts(e.State())[cardsProd+"/SECURITY"]; ok || len(orig) == 0 {
		t.Errorf("the failed account's contact changed")
	}
	// A failed write may still have landed (a 500 proves nothing), so its
	// contact is restored too: to its before, unset, which rollback sees
	// already holds and leaves alone.
	found := false
	for _, r := range apply.Restores(readJournal(t, path)) {
		if r.Account == cardsProd {
			found = r.Before == nil
		}
	}
	if !found {
		t.Error("Restores leaves out the failed write")
	}
	if n := len(apply.Restores(readJournal(t, path))); n != 18 {
		t.Errorf("Restores = %d, want 18", n)
	}
}

func TestStrictBeforeConflict(t *testing.T) {
	e := newEmulator()
	c := newClient(e, awsorg.Options{})
	pl := buildPlan(t, c, securityPolicy)
	moved := &emulator.Contact{Name: "Platform Security", Title: "Security Team", Email: "platform-security@acmepay.io", Phone: "+1 206 555 7730"}
	e.Update(func(s *emulator.State) {
		for _, a := range s.Accounts {
			switch a.ID {
			case ciCD:
				a.Contacts["SECURITY"] = moved // someone else changed it
			case shared:
				// someone already set what the plan wants
				a.Contacts = map[string]*emulator.Contact{"SECURITY": {Name: durable.Name, Title: durable.Title, Email: durable.Email, Phone: durable.Phone}}
			}
		}
	})
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	o := fast
	o.Caller, o.StrictBefore = caller(t, c), true
	rep, err := apply.Apply(ctxT(t, 30*time.Second), c, newJournal(t, path), pl.Changes, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary[apply.Conflict] != 1 || rep.Summary[apply.Unchanged] != 1 || rep.Summary[apply.Verified] != 16 {
		t.Fatalf("apply: %s", summary(rep))
	}
	for _, oc := range rep.Outcomes {
		switch oc.AccountID {
		case ciCD:
			if oc.Result != apply.Conflict || oc.Error == "" || oc.Seq != 0 {
				t.Errorf("ci-cd: %+v", oc)
			}
		case shared:
			if oc.Result != apply.Unchanged {
				t.Errorf("shared-services (already as planned): %+v", oc)
			}
		}
	}
	if got := contacts(e.State())[ciCD+"/SECURITY"]; got != *moved {
		t.Errorf("the conflicting contact was overwritten: %+v", got)
	}
	if ix := index(readJournal(t, path), journal.PhaseApply); len(ix.byKey[key{ciCD, contact.Security}]) != 0 || len(ix.intents) != 16 {
		t.Errorf("journal: %d intents, ci-cd %v", len(ix.intents), ix.byKey[key{ciCD, contact.Security}])
	}
}

// The management account's own contact must be written without AccountId:
// the emulator, like AWS, answers 403 when it names itself.
func TestManagementAccountStandalone(t *testing.T) {
	e := newEmulator()
	c := newClient(e, awsorg.Options{MaxAttempts: 1})
	pl := buildPlan(t, c, securityPolicy)
	var only []plan.Change
	for _, ch := range pl.Writes() {
		if ch.AccountID == mgmt {
			only = append(only, ch)
		}
	}
	if len(only) != 1 || !only[0].Management {
		t.Fatalf("management change: %+v", only)
	}
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j := newJournal(t, path)
	// Without knowing the caller, apply names the account and AWS refuses.
	rep, err := apply.Apply(ctxT(t, 10*time.Second), c, j, only, fast)
	if err != nil {
		t.Fatal(err)
	}
	if oc := rep.Outcomes[0]; oc.Result != apply.Failed || !strings.Contains(oc.Error, "AccessDenied") {
		t.Fatalf("apply naming the management account: %+v (the emulator should refuse it)", oc)
	}
	o := fast
	o.Caller = caller(t, c)
	rep, err = apply.Apply(ctxT(t, 10*time.Second), c, j, only, o)
	if err != nil {
		t.Fatal(err)
	}
	if oc := rep.Outcomes[0]; oc.Result != apply.Verified {
		t.Fatalf("standalone apply: %+v", oc)
	}
	if got := contacts(e.State())[mgmt+"/SECURITY"]; got.Email != durable.Email {
		t.Errorf("management SECURITY = %+v", got)
	}
	ix := index(readJournal(t, path), journal.PhaseApply)
	if in := ix.byKey[key{mgmt, contact.Security}]; len(in) != 1 || !in[0].Standalone {
		// The 403 happened on the re-read, before any intent.
		t.Errorf("management intents = %+v; want one, standalone", in)
	}
}

// TestFaultsConverge runs apply against a 100-account organization where a
// tenth of the writes fail, with throttling on: the first run reports
// failures, reruns of plan+apply finish the job.
func TestFaultsConverge(t *testing.T) {
	const seed = 7
	st, err := emulator.Generate(100, seed)
	if err != nil {
		t.Fatal(err)
	}
	// The emulator's clock runs with the wall clock plus skew, so the
	// time between two commands passes by moving it, not by waiting.
	var skew atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	e := newEmulator(emulator.WithState(st), emulator.WithClock(clock),
		emulator.WithFault(emulator.Fault{Op: "PutAlternateContact", Rate: 0.1, Error: "InternalServerException"}))
	// The first run is one process with one attempt per call, so the
	// injected 500s surface as failures instead of being retried away.
	once := newClient(e, awsorg.Options{MaxAttempts: 1})
	who := caller(t, once)
	pl := buildPlan(t, once, securityPolicy)
	writes := len(pl.Writes())
	if writes < 50 {
		t.Fatalf("only %d writes planned", writes)
	}
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	o := fast
	o.Caller = who
	rep, err := apply.Apply(ctxT(t, 60*time.Second), once, newJournal(t, path), pl.Changes, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d: %d writes; first run %s; emulator %+v", seed, writes, summary(rep), e.Stats().Operations["PutAlternateContact"])
	if rep.Summary[apply.Failed] == 0 {
		t.Fatalf("no write failed at a 10%% fault rate: %s", summary(rep))
	}
	if rep.Summary[apply.Verified]+rep.Summary[apply.Failed]+rep.Summary[apply.Applied] != writes {
		t.Errorf("outcomes %s do not add up to %d writes", summary(rep), writes)
	}
	// With one attempt, a request the server throttles despite the pacing
	// (arrival jitter) fails too; anything else is a bug.
	injected := 0
	for _, oc := range rep.Outcomes {
		switch {
		case oc.Result != apply.Failed:
		case strings.Contains(oc.Error, "InternalServerException"):
			injected++
			if oc.Seq == 0 {
				t.Errorf("a failed put without a journal intent: %+v", oc)
			}
		case !strings.Contains(oc.Error, "TooManyRequestsException"):
			t.Errorf("unexpected failure: %+v", oc)
		}
	}
	if injected == 0 {
		t.Errorf("no write failed with the injected fault: %s", summary(rep))
	}
	t.Logf("%d failures from the injected fault, %d from throttling", injected, rep.Summary[apply.Failed]-injected)
	// Reruns are new processes with the SDK's retries on. A new process
	// paces from a full bucket, so let the emulator's buckets refill
	// first, as the time between two commands would.
	skew.Add(int64(1500 * time.Millisecond))
	retrying := newClient(e, awsorg.Options{})
	for run := 1; ; run++ {
		pl = buildPlan(t, retrying, securityPolicy)
		if pl.Summary.Create+pl.Summary.Update == 0 && pl.Summary.Unknown == 0 {
			break
		}
		if run > 3 {
			t.Fatalf("not converged after 3 reruns: %+v", pl.Summary)
		}
		rep, err = apply.Apply(ctxT(t, 60*time.Second), retrying, newJournal(t, path), pl.Changes, o)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("rerun %d: %d writes, %s", run, len(pl.Writes()), summary(rep))
	}
	if s := e.Stats().Operations["PutAlternateContact"]; s.Faults == 0 {
		t.Errorf("no faults injected: %+v", s)
	}
	// The journal of all runs rolls everything back except what never
	// changed.
	ix := index(readJournal(t, path), journal.PhaseApply)
	for seq := range ix.intents {
		if _, ok := ix.outcomes[seq]; !ok {
			t.Errorf("intent %d has no outcome", seq)
		}
	}
}

// TestCancel interrupts a run: Apply returns the context's error, writes
// not yet started are Interrupted, and every write that happened has its
// intent and outcome in the journal.
func TestCancel(t *testing.T) {
	e := newEmulator()
	c := newClient(e, awsorg.Options{})
	orig := contacts(e.State())
	pl := buildPlan(t, c, twoTypePolicy)
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	o := fast
	o.Caller, o.Concurrency = caller(t, c), 3
	// Interrupt as SIGINT does once five writes are done: the (at most
	// three) in flight finish, the rest never start.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o.Progress = func(done, total int) {
		if done == 5 {
			cancel()
		}
	}
	rep, err := apply.Apply(ctx, c, newJournal(t, path), pl.Changes, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Apply = %v; want context.Canceled", err)
	}
	t.Logf("interrupted: %s", summary(rep))
	if v := rep.Summary[apply.Verified]; v < 5 || v > 5+o.Concurrency || rep.Summary[apply.Interrupted] == 0 {
		t.Fatalf("cancel after 5 writes: %s; want 5 to 8 verified, the rest interrupted", summary(rep))
	}
	if rep.Summary[apply.Verified]+rep.Summary[apply.Interrupted] != 41 {
		t.Errorf("outcomes: %s", summary(rep))
	}
	ix := index(readJournal(t, path), journal.PhaseApply)
	for seq, in := range ix.intents {
		if out, ok := ix.outcomes[seq]; !ok || out.Outcome != journal.Verified {
			t.Errorf("intent %d (%s %s): outcome %+v, found %v", seq, in.Account, in.Type, out, ok)
		}
	}
	if len(ix.intents) != rep.Summary[apply.Verified] {
		t.Errorf("%d intents for %d verified writes", len(ix.intents), rep.Summary[apply.Verified])
	}
	for _, oc := range rep.Outcomes {
		if oc.Result == apply.Interrupted && oc.Seq != 0 {
			t.Errorf("interrupted change with a journal line: %+v", oc)
		}
	}
	now := contacts(e.State())
	changed := 0
	for k := range unionKeys(orig, now) {
		if orig[k] == now[k] {
			continue
		}
		changed++
		account, typ, _ := strings.Cut(k, "/")
		if len(ix.byKey[key{account, contact.Type(typ)}]) == 0 {
			t.Errorf("%s changed without a journal intent", k)
		}
	}
	if changed != rep.Summary[apply.Verified] {
		t.Errorf("%d contacts changed, %d verified", changed, rep.Summary[apply.Verified])
	}
}

func unionKeys(a, b map[string]emulator.Contact) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// The crash test's child: it applies the changes in ALTCONTACTS_CHANGES
// against the emulator the parent serves at ALTCONTACTS_ENDPOINT, journaling
// to ALTCONTACTS_JOURNAL, until the parent kills it.
const childEnv = "ALTCONTACTS_APPLY_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(crashChild())
	}
	os.Exit(m.Run())
}

func crashChild() int {
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "child:", err); return 2 }
	data, err := os.ReadFile(os.Getenv("ALTCONTACTS_CHANGES"))
	if err != nil {
		return fail(err)
	}
	var changes []plan.Change
	if err := json.Unmarshal(data, &changes); err != nil {
		return fail(err)
	}
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(emulator.SandboxKeyID, "sandbox-secret-key", ""),
		BaseEndpoint: aws.String(os.Getenv("ALTCONTACTS_ENDPOINT")),
	}
	c := awsorg.New(cfg, awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(scale)})
	target := journal.Target{File: os.Getenv("ALTCONTACTS_JOURNAL")}
	if journal.IsS3(target.File) {
		loc, err := journal.ParseLocation(target.File)
		if err != nil {
			return fail(err)
		}
		s3cfg := cfg.Copy()
		s3cfg.BaseEndpoint = aws.String(os.Getenv("ALTCONTACTS_S3_ENDPOINT"))
		target = journal.Target{Store: awsorg.NewBucket(s3cfg, loc.Bucket, awsorg.BucketOptions{PathStyle: true}), Loc: loc}
	}
	j, err := target.Open(context.Background(), journal.RunInfo{Mode: "apply"}, time.Now)
	if err != nil {
		return fail(err)
	}
	conc, _ := strconv.Atoi(os.Getenv("ALTCONTACTS_CONCURRENCY"))
	_, err = apply.Apply(context.Background(), c, j, changes, apply.Options{
		Caller: os.Getenv("ALTCONTACTS_CALLER"), StrictBefore: true, Concurrency: conc, ReadBackDelay: 5 * time.Millisecond})
	if err != nil {
		return fail(err)
	}
	return 0
}

// TestCrashChild is the child's name on the command line; TestMain runs
// the child before any test, so in the parent it has nothing to do.
func TestCrashChild(t *testing.T) {}

// crashGate stands in front of the emulator for one killed child: it kills
// the child at its k-th PutAlternateContact, before serving it (the
// journaled write never happens) or after (it happens; the child never
// hears), and once shut it refuses what the dead child's sockets still
// deliver and waits for the requests it let in, so the state is settled.
type crashGate struct {
	h      http.Handler
	killAt int  // the put that kills; 0: none
	after  bool // kill after serving that put
	kill   func()

	mu     sync.Mutex
	puts   int
	closed bool
	busy   sync.WaitGroup
}

func (g *crashGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		http.Error(w, "the crash test is over", http.StatusServiceUnavailable)
		return
	}
	g.busy.Add(1)
	defer g.busy.Done()
	now := false
	if r.URL.Path == "/putAlternateContact" {
		g.puts++
		now = g.puts == g.killAt
	}
	g.mu.Unlock()
	if now && !g.after {
		g.kill()
		return
	}
	g.h.ServeHTTP(w, r)
	if now {
		g.kill() // before the handler returns: the answer is never sent
	}
}

// shut refuses every later request and waits for those in flight.
func (g *crashGate) shut() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.busy.Wait()
}

// TestCrashRollback kills an apply with SIGKILL and checks that nothing was
// written without a durable journal intent and that rollback from the
// journal restores every contact byte for byte. Kills come from hooks at
// points drawn from a fixed seed, never from timers: file journals are
// killed by the emulator at the k-th write, before or after it is made;
// S3 journals by the store itself right after it stored an intent and
// before the child heard back: the record is durable, the write it
// announced never happened.
func TestCrashRollback(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	seed := uint64(1)
	if s := os.Getenv("ALTCONTACTS_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("kill-point seed %d (another: ALTCONTACTS_CRASH_SEED=n)", seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	e := newEmulator()
	store := s3test.Start(t, "journal")
	bucket := awsorg.NewBucket(store.Config(), "journal", awsorg.BucketOptions{PathStyle: true})
	c := newClient(e, awsorg.Options{})
	orig := contacts(e.State())
	pl := buildPlan(t, c, twoTypePolicy)
	dir := t.TempDir()
	changesPath := filepath.Join(dir, "changes.json")
	data, err := json.Marshal(pl.Writes())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(changesPath, data, 0o600); err != nil {
		t.Fatal(err)
	}

	for trial := 0; trial < 6; trial++ {
		toS3 := trial%2 == 1
		path := filepath.Join(dir, fmt.Sprintf("journal-%d.jsonl", trial))
		target := journal.Target{File: path}
		if toS3 {
			loc, _ := journal.ParseLocation(fmt.Sprintf("s3://journal/trial-%d", trial))
			target = journal.Target{Store: bucket, Loc: loc}
			path = loc.String()
		}
		// The hooks run on the servers' goroutines; they reach the
		// child's process once Start has returned.
		var proc *os.Process
		started := make(chan struct{})
		killed := make(chan struct{})
		// sent is set before the SIGKILL: the child's death can reach
		// Wait before killed is closed, and must not read as a failure.
		var sent atomic.Bool
		var once sync.Once
		kill := func() {
			once.Do(func() {
				<-started
				sent.Store(true)
				proc.Kill() // SIGKILL
				close(killed)
			})
		}
		k := 1 + rng.IntN(len(pl.Writes()))
		gate := &crashGate{h: e.Handler(), kill: kill}
		if toS3 {
			// Kill at the k-th intent, inside the store's reply; the
			// server calls the hook from concurrent handlers, hence the
			// atomic count.
			var intents atomic.Int64
			store.AfterPut(func(r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "-intent.json") && intents.Add(1) == int64(k) {
					kill()
				}
			})
		} else {
			gate.killAt, gate.after = k, rng.IntN(2) == 1
		}
		srv := httptest.NewServer(gate)
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), childEnv+"=1",
			"ALTCONTACTS_ENDPOINT="+srv.URL, "ALTCONTACTS_JOURNAL="+path, "ALTCONTACTS_CHANGES="+changesPath,
			"ALTCONTACTS_S3_ENDPOINT="+store.URL, "ALTCONTACTS_CALLER="+mgmt, "ALTCONTACTS_CONCURRENCY=2")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		proc = cmd.Process
		close(started)
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		exited := false
		select {
		case err := <-waited:
			if sent.Load() {
				<-killed
				break
			}
			exited = true
			if err != nil {
				t.Fatalf("trial %d: child failed before the kill: %v\n%s", trial, err, stderr.String())
			}
		case <-killed:
			<-waited
		}
		store.AfterPut(nil)
		// What the dead child sent is refused or finished before the
		// state is read.
		gate.shut()
		srv.Close()

		var entries []journal.Entry
		if toS3 {
			entries, _, err = target.Entries(ctxT(t, 30*time.Second))
		} else {
			entries, err = journal.Read(path)
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("trial %d: journal after SIGKILL: %v", trial, err)
		}
		ix := index(entries, journal.PhaseApply)
		now := contacts(e.State())
		changed := 0
		for k := range unionKeys(orig, now) {
			if orig[k] == now[k] {
				continue
			}
			changed++
			account, typ, _ := strings.Cut(k, "/")
			if len(ix.byKey[key{account, contact.Type(typ)}]) == 0 {
				t.Errorf("trial %d: %s changed without a journal intent", trial, k)
			}
		}
		t.Logf("trial %d (%s): killed (exited first: %v): %d intents, %d outcomes, %d contacts changed",
			trial, path, exited, len(ix.intents), len(ix.outcomes), changed)

		// Roll back in-process: appending to the same file (after its torn
		// line, if any), or as a new run beside the killed one.
		j, err := target.Open(ctxT(t, 30*time.Second), journal.RunInfo{Mode: journal.PhaseRollback}, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := apply.Rollback(ctxT(t, 30*time.Second), c, j, apply.Restores(entries), true, fast)
		j.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n := rep.Summary[apply.Failed] + rep.Summary[apply.Applied] + rep.Summary[apply.Skipped]; n != 0 {
			t.Errorf("trial %d: rollback %s", trial, summary(rep))
		}
		if d := cmp.Diff(orig, contacts(e.State())); d != "" {
			t.Fatalf("trial %d: contacts after rollback (-orig +got):\n%s", trial, d)
		}
		// The journal stays readable after the rollback wrote to it.
		if toS3 {
			if _, _, err := target.Entries(ctxT(t, 30*time.Second)); err != nil {
				t.Fatal(err)
			}
		} else if len(entries) > 0 || rep.Summary[apply.Verified] > 0 {
			readJournal(t, path)
		}
	}
}

// A journal that fails midway stops the run: the writes it journaled are
// made and recorded, nothing after the failure is written, the error is
// returned, and rollback from what was stored restores every contact.
func TestJournalFailureStopsTheRun(t *testing.T) {
	e := newEmulator()
	c := newClient(e, awsorg.Options{})
	orig := contacts(e.State())
	pl := buildPlan(t, c, twoTypePolicy)
	store := s3test.Start(t, "journal")
	loc, _ := journal.ParseLocation("s3://journal/apply")
	target := journal.Target{Store: awsorg.NewBucket(store.Config(), "journal", awsorg.BucketOptions{PathStyle: true}), Loc: loc}
	const okIntents = 7
	intents := 0
	var mu sync.Mutex
	store.FailWhen(func(r *http.Request) int {
		mu.Lock()
		defer mu.Unlock()
		if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "-intent.json") {
			intents++
			if intents > okIntents {
				return http.StatusServiceUnavailable
			}
		}
		return 0
	})
	j, _ := target.Open(context.Background(), journal.RunInfo{Mode: "apply"}, time.Now)
	o := fast
	o.Caller, o.Concurrency = caller(t, c), 1
	rep, err := apply.Apply(ctxT(t, 60*time.Second), c, j, pl.Writes(), o)
	var je *apply.JournalError
	if !errors.As(err, &je) {
		t.Fatalf("Apply = %v, want a *JournalError", err)
	}
	store.FailWhen(nil)
	entries, _, rerr := target.Entries(ctxT(t, 30*time.Second))
	if rerr != nil {
		t.Fatal(rerr)
	}
	ix := index(entries, journal.PhaseApply)
	now := contacts(e.State())
	changed := 0
	for k := range unionKeys(orig, now) {
		if orig[k] != now[k] {
			changed++
			account, typ, _ := strings.Cut(k, "/")
			if len(ix.byKey[key{account, contact.Type(typ)}]) == 0 {
				t.Errorf("%s changed without a stored intent", k)
			}
		}
	}
	if changed != okIntents || len(ix.intents) != okIntents {
		t.Errorf("%d contacts changed, %d intents stored; want %d of each (%s)", changed, len(ix.intents), okIntents, summary(rep))
	}
	if rep.Summary[apply.Interrupted] == 0 {
		t.Errorf("no change was left unstarted after the journal failed: %s", summary(rep))
	}
	j2, _ := target.Open(context.Background(), journal.RunInfo{Mode: journal.PhaseRollback}, time.Now)
	if _, err := apply.Rollback(ctxT(t, 30*time.Second), c, j2, apply.Restores(entries), true, fast); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(orig, contacts(e.State())); d != "" {
		t.Fatalf("contacts after rollback (-orig +got):\n%s", d)
	}
}
