package awsorg_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
)

func TestLookupAccountResolvesTheOUPath(t *testing.T) {
	e := emulator.New()
	c := awsorg.New(e.Config(), awsorg.Options{})
	ctx := context.Background()
	a, err := c.LookupAccount(ctx, "619283740556")
	if err != nil {
		t.Fatal(err)
	}
	if a.OUPath != "Root/Workloads/Prod" || len(a.OUIDs) != 3 || a.State != "ACTIVE" || a.Name != "payments-prod" {
		t.Errorf("account = %+v", a)
	}
	// The walk and the lookup agree.
	all, err := c.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range all {
		if w.ID == a.ID {
			if diff := cmp.Diff(w, a); diff != "" {
				t.Errorf("walk vs lookup (-walk +lookup):\n%s", diff)
			}
		}
	}
	if _, err := c.LookupAccount(ctx, "999999999999"); !errors.Is(err, awsorg.ErrNotFound) {
		t.Errorf("unknown account: %v", err)
	}
}

func TestErrorKinds(t *testing.T) {
	ctx := context.Background()
	e := emulator.New(emulator.WithFault(emulator.Fault{Op: "GetAlternateContact", Rate: 1, Error: "AccessDeniedException", Account: "593018274615"}))
	c := awsorg.New(e.Config(), awsorg.Options{})
	_, err := c.GetContact(ctx, awsorg.Target{AccountID: "593018274615"}, contact.Security)
	var ae *awsorg.APIError
	if !errors.Is(err, awsorg.ErrAccessDenied) || !errors.As(err, &ae) || ae.Code != "AccessDeniedException" {
		t.Errorf("denied: %v", err)
	}
	// An unset contact is (nil, nil), not an error.
	if d, err := c.GetContact(ctx, awsorg.Target{AccountID: "401726385920", Standalone: true}, contact.Security); d != nil || err != nil {
		t.Errorf("unset: %v, %v", d, err)
	}
	// A standalone account is "not in an organization".
	solo := emulator.New(emulator.WithScenario("standalone"))
	if _, err := awsorg.New(solo.Config(), awsorg.Options{}).Organization(ctx); !errors.Is(err, awsorg.ErrNotInOrganization) {
		t.Errorf("standalone: %v", err)
	}
	// Put validates before spending a request.
	err = c.PutContact(ctx, awsorg.Target{AccountID: "593018274615"}, contact.Security, contact.Details{Name: "x", Title: "y", Email: "bad", Phone: "+1"})
	var fe *contact.FieldError
	if !errors.As(err, &fe) || e.Stats().Operations["PutAlternateContact"].Requests != 0 {
		t.Errorf("invalid put: %v (requests %d)", err, e.Stats().Operations["PutAlternateContact"].Requests)
	}
}

// Another process drained the server's bucket: the client's first reads
// meet throttles, and its paced retries go through. (That a throttle also
// empties the client's bucket shows at scale, in the soak: 13% throttled
// before, 1.45% after; see docs/benchmarks.md.)
func TestRetriesRecoverFromADrainedServer(t *testing.T) {
	e := emulator.New()
	ctx := context.Background()
	other := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(100)}) // paces far above the real quota
	for i := 0; i < 15; i++ {
		other.GetContact(ctx, awsorg.Target{AccountID: "593018274615"}, contact.Security)
	}
	e.ResetStats()
	c := awsorg.New(e.Config(), awsorg.Options{})
	for i := 0; i < 6; i++ {
		if _, err := c.GetContact(ctx, awsorg.Target{AccountID: "593018274615"}, contact.Security); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	st := e.Stats().Operations["GetAlternateContact"]
	if st.Throttled == 0 || st.Throttled > 6 {
		t.Errorf("throttled %d of %d requests", st.Throttled, st.Requests)
	}
}

// A Drained client starts with empty buckets: its first call waits for a
// token, where a fresh client spends its burst at once. The limiter
// refuses a wait longer than the deadline immediately, so nothing sleeps.
func TestDrainedStartsWithEmptyBuckets(t *testing.T) {
	e := emulator.New(emulator.WithoutThrottling())
	slow := awsorg.Quotas{GetContact: awsorg.Quota{Rate: 0.5, Burst: 10}}
	target := awsorg.Target{AccountID: "593018274615"}
	for _, drained := range []bool{false, true} {
		c := awsorg.New(e.Config(), awsorg.Options{Quotas: slow, Drained: drained})
		ctx, cancel := context.WithTimeout(context.Background(), time.Second) // a token takes 2 s
		_, err := c.GetContact(ctx, target, contact.Security)
		cancel()
		if drained != errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("drained %v: first read: %v", drained, err)
		}
	}
}

func TestChooseHubIsTheAutoRule(t *testing.T) {
	cspm, v2 := awsorg.Hub{Generation: awsorg.CSPM}, awsorg.Hub{Generation: awsorg.V2}
	off := &awsorg.APIError{Kind: awsorg.ErrNotSubscribed}
	denied := &awsorg.APIError{Kind: awsorg.ErrAccessDenied}
	for _, tc := range []struct {
		name       string
		cerr, verr error
		want       string
		wantErr    error
	}{
		{"both", nil, nil, awsorg.CSPM, nil},
		{"cspm only", nil, off, awsorg.CSPM, nil},
		{"v2 only", off, nil, awsorg.V2, nil},
		{"cspm unreadable", denied, nil, awsorg.V2, nil},
		{"neither", off, off, "", off},
		{"cspm off, v2 unreadable", off, denied, "", denied},
		{"cspm unreadable, v2 off", denied, off, "", denied},
	} {
		hub, err := awsorg.ChooseHub(cspm, tc.cerr, v2, tc.verr)
		if hub.Generation != tc.want || (tc.wantErr == nil) != (err == nil) {
			t.Errorf("%s: %q, %v", tc.name, hub.Generation, err)
			continue
		}
		var none *awsorg.NoHubError
		if tc.name == "neither" && (!errors.As(err, &none) || !errors.Is(err, awsorg.ErrNotSubscribed)) {
			t.Errorf("%s: %v is not a NoHubError", tc.name, err)
		}
		if tc.wantErr != nil && tc.name != "neither" && err != tc.wantErr {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.wantErr)
		}
	}
}
