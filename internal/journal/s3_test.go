package journal_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/s3test"
)

func s3Target(t *testing.T, prefix string) (*s3test.Server, journal.Target) {
	t.Helper()
	srv := s3test.Start(t, "journal")
	b := awsorg.NewBucket(srv.Config(), "journal", awsorg.BucketOptions{PathStyle: true})
	loc, err := journal.ParseLocation("s3://journal/" + prefix)
	if err != nil {
		t.Fatal(err)
	}
	return srv, journal.Target{Store: b, Loc: loc}
}

func TestParseLocation(t *testing.T) {
	for _, tc := range []struct {
		in, bucket, prefix, err string
	}{
		{in: "s3://b", bucket: "b"},
		{in: "s3://b/", bucket: "b"},
		{in: "s3://b/enforcer", bucket: "b", prefix: "enforcer/"},
		{in: "s3://b//a/b/", bucket: "b", prefix: "a/b/"},
		{in: "s3:///x", err: "no bucket name"},
		{in: "file.jsonl", err: "want s3://"},
		{in: "s3://a b/x", err: "not a bucket name"},
	} {
		loc, err := journal.ParseLocation(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseLocation(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || loc.Bucket != tc.bucket || loc.Prefix != tc.prefix {
			t.Errorf("ParseLocation(%q) = %+v, %v; want bucket %q prefix %q", tc.in, loc, err, tc.bucket, tc.prefix)
		}
	}
}

func TestS3RunRoundTrip(t *testing.T) {
	ctx := context.Background()
	srv, tg := s3Target(t, "enforcer")
	w, err := tg.Open(ctx, journal.RunInfo{Mode: "enforce", Caller: "arn:aws:sts::401726385920:assumed-role/altcontacts-enforcer/x"}, clock())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Objects(t, "journal")); n != 0 || w.Written() {
		t.Fatalf("before the first Append: %d objects, Written %v; want none", n, w.Written())
	}
	s1 := mustAppend(t, w, intent("111111111111", nil, durable))
	mustAppend(t, w, outcome(s1, journal.Verified, ""))
	s2 := mustAppend(t, w, intent("222222222222", person, durable))
	mustAppend(t, w, outcome(s2, journal.Failed, "PutAlternateContact: AccessDeniedException"))
	mustAppend(t, w, intent("333333333333", person, durable)) // crashed: no outcome

	objs := srv.Objects(t, "journal")
	if len(objs) != 6 {
		t.Errorf("stored %d objects, want a header and 5 records:\n%v", len(objs), keys(objs))
	}
	if !strings.HasPrefix(w.Path(), "s3://journal/enforcer/") || !strings.HasSuffix(w.Path(), "/") {
		t.Errorf("Path() = %q, want the run's own s3:// prefix", w.Path())
	}
	runs, err := tg.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 {
		t.Fatalf("%d runs, want 1", len(runs))
	}
	r := runs[0]
	if r.Location != w.Path() || r.Info.Mode != "enforce" || !strings.Contains(r.Info.Caller, "altcontacts-enforcer") || r.Intents != 3 || r.Verified != 1 || r.Failed != 1 || r.Unfinished() != 1 {
		t.Errorf("run = %+v (unfinished %d)", r, r.Unfinished())
	}
	entries, _, err := tg.Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 || entries[0].Kind != journal.Intent || *entries[0].After != *durable || entries[2].Before == nil || *entries[2].Before != *person {
		t.Errorf("entries = %+v", entries)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Concurrent runs under one prefix (two invocations, two operators) keep
// every record: no key is ever written twice.
func TestS3ConcurrentRunsKeepEveryRecord(t *testing.T) {
	ctx := context.Background()
	srv, tg := s3Target(t, "shared")
	const runs, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, runs*each)
	for r := 0; r < runs; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w, _ := tg.Open(ctx, journal.RunInfo{Mode: "apply"}, clock())
			for i := 0; i < each; i++ {
				acct := fmt.Sprintf("%012d", r*1000+i)
				if _, err := w.Append(intent(acct, nil, durable)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(srv.Objects(t, "journal")); got != runs*(each+1) {
		t.Errorf("%d objects stored, want %d", got, runs*(each+1))
	}
	entries, _, err := tg.Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, e := range entries {
		if seen[e.Seq] {
			t.Errorf("merged sequence %d appears twice", e.Seq)
		}
		seen[e.Seq] = true
	}
	if len(entries) != runs*each {
		t.Errorf("%d entries read back, want %d", len(entries), runs*each)
	}
}

func TestBucketPutNew(t *testing.T) {
	ctx := context.Background()
	srv := s3test.Start(t, "journal")
	b := awsorg.NewBucket(srv.Config(), "journal", awsorg.BucketOptions{PathStyle: true})
	if err := b.PutNew(ctx, "k", []byte("one")); err != nil {
		t.Fatal(err)
	}
	// The same bytes again is a retry of our own request: success.
	if err := b.PutNew(ctx, "k", []byte("one")); err != nil {
		t.Errorf("PutNew of identical bytes = %v, want nil", err)
	}
	if err := b.PutNew(ctx, "k", []byte("two")); !errors.Is(err, awsorg.ErrExists) {
		t.Errorf("PutNew over other bytes = %v, want ErrExists", err)
	}
	if got, err := b.Get(ctx, "k"); err != nil || string(got) != "one" {
		t.Errorf("after a refused PutNew the object is %q, %v; want the first record", got, err)
	}
	if _, err := b.Get(ctx, "missing"); !errors.Is(err, awsorg.ErrNotFound) {
		t.Errorf("Get of a missing key = %v, want ErrNotFound", err)
	}
	nb := awsorg.NewBucket(srv.Config(), "no-such-bucket", awsorg.BucketOptions{PathStyle: true})
	if err := nb.PutNew(ctx, "k", []byte("x")); !errors.Is(err, awsorg.ErrNoSuchBucket) || !errors.Is(err, awsorg.ErrNotFound) {
		t.Errorf("PutNew into a missing bucket = %v, want ErrNoSuchBucket and ErrNotFound", err)
	}
	if err := nb.List(ctx, "", func(string) error { return nil }); !errors.Is(err, awsorg.ErrNoSuchBucket) || !errors.Is(err, awsorg.ErrNotFound) {
		t.Errorf("List of a missing bucket = %v, want ErrNoSuchBucket and ErrNotFound", err)
	}
}

// A journal that cannot be written returns the error: nothing may be
// overwritten after it.
func TestS3AppendFailureIsReturned(t *testing.T) {
	ctx := context.Background()
	srv, tg := s3Target(t, "p")
	srv.FailPutsUnder("journal", "p/", http.StatusForbidden)
	w, _ := tg.Open(ctx, journal.RunInfo{Mode: "apply"}, clock())
	_, err := w.Append(intent("111111111111", nil, durable))
	if !errors.Is(err, awsorg.ErrAccessDenied) {
		t.Fatalf("Append = %v, want access denied", err)
	}
	srv.FailWhen(nil)
	if n := len(srv.Objects(t, "journal")); n != 0 {
		t.Errorf("%d objects after a refused first Append, want 0", n)
	}
}

// Rollback over a prefix restores each contact's earliest before across
// runs; a run's own prefix restores that run alone, and a new run about it
// belongs beside it.
func TestS3EarliestBeforeAcrossRuns(t *testing.T) {
	ctx := context.Background()
	_, tg := s3Target(t, "enforcer")
	marker := &contact.Details{Name: "Interim", Title: "Security", Email: "interim@acmepay.io", Phone: "+1 206 555 0100"}
	w1, _ := tg.Open(ctx, journal.RunInfo{Mode: "enforce"}, clock())
	s := mustAppend(t, w1, intent("111111111111", person, marker))
	mustAppend(t, w1, outcome(s, journal.Verified, ""))
	later := func() func() (tm time.Time) { c := clock(); return func() time.Time { return c().Add(time.Hour) } }()
	w2, _ := tg.Open(ctx, journal.RunInfo{Mode: "enforce"}, later)
	s = mustAppend(t, w2, intent("111111111111", marker, durable))
	mustAppend(t, w2, outcome(s, journal.Verified, ""))
	s = mustAppend(t, w2, intent("222222222222", nil, durable))
	mustAppend(t, w2, outcome(s, journal.Verified, ""))

	entries, base, err := tg.Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := apply.Restores(entries)
	want := []apply.Restore{
		{Account: "111111111111", Type: contact.Security, Before: person},
		{Account: "222222222222", Type: contact.Security, Before: nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("restores over the prefix (-want +got):\n%s", diff)
	}
	if base.String() != "s3://journal/enforcer/" {
		t.Errorf("base = %s, want the prefix itself", base)
	}

	one, err := journal.ParseLocation(w2.Path())
	if err != nil {
		t.Fatal(err)
	}
	runTarget := journal.Target{Store: tg.Store, Loc: one}
	entries, base, err = runTarget.Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got = apply.Restores(entries)
	want = []apply.Restore{
		{Account: "111111111111", Type: contact.Security, Before: marker},
		{Account: "222222222222", Type: contact.Security, Before: nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("restores of one run (-want +got):\n%s", diff)
	}
	if base.String() != "s3://journal/enforcer/" {
		t.Errorf("base of a run's prefix = %s, want its parent", base)
	}
}

// A record that is not a journal entry, or that disagrees with its key, is
// refused with its s3:// name: rollback must not guess.
func TestS3CorruptRecordIsRefused(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ key, body, want string }{
		{"00000002-intent.json", `{"seq":2,"kind":"intent"`, "not a journal entry"},
		{"00000003-intent.json", `{"seq":9,"time":"2026-03-01T12:00:00Z","kind":"intent","phase":"apply","account":"111111111111","type":"SECURITY","op":"put","before":null,"after":null}`, "does not match its key"},
	} {
		_, tg := s3Target(t, "p")
		w, _ := tg.Open(ctx, journal.RunInfo{Mode: "apply"}, clock())
		mustAppend(t, w, intent("111111111111", nil, durable))
		run, _ := journal.ParseLocation(w.Path())
		if err := tg.Store.PutNew(ctx, run.Prefix+tc.key, []byte(tc.body)); err != nil {
			t.Fatal(err)
		}
		_, _, err := tg.Entries(ctx)
		var le *journal.LineError
		if !errors.As(err, &le) || !strings.Contains(le.File, "s3://journal/"+run.Prefix+tc.key) || !strings.Contains(le.Msg, tc.want) {
			t.Errorf("Entries with %s = %v, want a LineError naming it: %s", tc.key, err, tc.want)
		}
	}
}
