package emulator

import (
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/google/go-cmp/cmp"
)

// burst calls f until it fails or limit calls succeeded, and returns the
// number of successes and the first error.
func burst(limit int, f func() error) (int, error) {
	for n := 0; n < limit; n++ {
		if err := f(); err != nil {
			return n, err
		}
	}
	return limit, nil
}

func TestAccountQuotas(t *testing.T) {
	for _, tc := range []struct {
		op    string
		burst int
		call  func(c clients) error
	}{
		{"GetAlternateContact", 15, func(c clients) error {
			_, err := c.acct.GetAlternateContact(ctx(t), &account.GetAlternateContactInput{AccountId: aws.String(securityID), AlternateContactType: acctypes.AlternateContactTypeSecurity})
			return err
		}},
		{"PutAlternateContact", 8, func(c clients) error {
			_, err := c.acct.PutAlternateContact(ctx(t), putInput(aws.String(sharedID), "Sec", "Sec", "sec@acmepay.io", "+1 206 555 0100"))
			return err
		}},
		{"DeleteAlternateContact", 6, func(c clients) error {
			_, err := c.acct.DeleteAlternateContact(ctx(t), &account.DeleteAlternateContactInput{AccountId: aws.String(logID), AlternateContactType: acctypes.AlternateContactTypeBilling})
			if httpStatus(err) == 404 {
				return nil // nothing to delete, but the call counted against the quota
			}
			return err
		}},
	} {
		t.Run(tc.op, func(t *testing.T) {
			clk := newFakeClock()
			e := New(WithClock(clk.Now))
			c := noRetry(e, "")
			n, err := burst(100, func() error { return tc.call(c) })
			if n != tc.burst {
				t.Errorf("%d calls succeeded, want the burst of %d", n, tc.burst)
			}
			wantAPIError(t, err, 429, "TooManyRequestsException", "Too Many Requests")
			wantErrorAs[*acctypes.TooManyRequestsException](t, err)
			st := e.Stats()
			if st.Throttled != 1 || st.Operations[tc.op].Throttled != 1 || st.Operations[tc.op].Requests != tc.burst+1 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestQuotaRefillAndBuckets(t *testing.T) {
	clk := newFakeClock()
	e := New(WithClock(clk.Now))
	get := func(c clients, id *string) func() error {
		return func() error {
			_, err := c.acct.GetAlternateContact(ctx(t), &account.GetAlternateContactInput{AccountId: id, AlternateContactType: acctypes.AlternateContactTypeSecurity})
			return err
		}
	}
	m := noRetry(e, "")
	if n, _ := burst(100, get(m, aws.String(securityID))); n != 15 {
		t.Fatalf("management: %d before throttling, want 15", n)
	}
	// Another caller has its own bucket, whatever account it reads.
	if n, _ := burst(100, get(noRetry(e, securityID), nil)); n != 15 {
		t.Errorf("member: %d before throttling, want 15", n)
	}
	if n, _ := burst(100, get(noRetry(e, logID), nil)); n != 15 {
		t.Errorf("second member: %d before throttling, want 15", n)
	}
	// Other operations have their own buckets too.
	_, err := m.acct.PutAlternateContact(ctx(t), putInput(aws.String(sharedID), "Sec", "Sec", "sec@acmepay.io", "+1 206 555 0100"))
	mustNoErr(t, err)

	// 10/s: 300ms later, three more.
	clk.Advance(300 * time.Millisecond)
	if n, _ := burst(100, get(m, aws.String(securityID))); n != 3 {
		t.Errorf("after 300ms: %d, want 3", n)
	}
	// A long pause refills up to the burst, not beyond.
	clk.Advance(time.Hour)
	if n, _ := burst(100, get(m, aws.String(securityID))); n != 15 {
		t.Errorf("after an hour: %d, want 15", n)
	}
}

func TestQuotaScale(t *testing.T) {
	clk := newFakeClock()
	e := New(WithClock(clk.Now), WithQuotaScale(2))
	c := noRetry(e, "")
	n, err := burst(100, func() error {
		_, err := c.acct.GetAlternateContact(ctx(t), &account.GetAlternateContactInput{AlternateContactType: acctypes.AlternateContactTypeBilling})
		return err
	})
	if n != 30 {
		t.Errorf("%d calls before throttling, want 30 (burst 15 × 2)", n)
	}
	wantErrorAs[*acctypes.TooManyRequestsException](t, err)
	clk.Advance(100 * time.Millisecond) // 20/s
	if n, _ := burst(100, func() error {
		_, err := c.acct.GetAlternateContact(ctx(t), &account.GetAlternateContactInput{AlternateContactType: acctypes.AlternateContactTypeBilling})
		return err
	}); n != 2 {
		t.Errorf("after 100ms: %d, want 2", n)
	}
}

func TestWithoutThrottling(t *testing.T) {
	clk := newFakeClock()
	e := New(WithClock(clk.Now), WithoutThrottling())
	c := noRetry(e, "")
	n, err := burst(200, func() error {
		_, err := c.acct.GetAlternateContact(ctx(t), &account.GetAlternateContactInput{AlternateContactType: acctypes.AlternateContactTypeBilling})
		return err
	})
	if n != 200 {
		t.Errorf("throttled after %d: %v", n, err)
	}
	n, err = burst(50, func() error {
		_, err := c.sh.GetFindings(ctx(t), &securityhub.GetFindingsInput{MaxResults: aws.Int32(1)})
		return err
	})
	if n != 50 {
		t.Errorf("GetFindings throttled after %d: %v", n, err)
	}
	if st := e.Stats(); st.Throttled != 0 {
		t.Errorf("Stats.Throttled = %d", st.Throttled)
	}
}

func TestSecurityHubQuota(t *testing.T) {
	clk := newFakeClock()
	e := New(WithClock(clk.Now))
	c := noRetry(e, "")
	n, err := burst(100, func() error {
		_, err := c.sh.GetFindings(ctx(t), &securityhub.GetFindingsInput{MaxResults: aws.Int32(1)})
		return err
	})
	if n != 6 {
		t.Errorf("%d GetFindings before throttling, want 6", n)
	}
	wantAPIError(t, err, 429, "LimitExceededException", "Rate exceeded")
	wantErrorAs[*shtypes.LimitExceededException](t, err)
	// DescribeHub has its own, larger bucket.
	_, err = c.sh.DescribeHub(ctx(t), &securityhub.DescribeHubInput{})
	mustNoErr(t, err)
}

func TestOrganizationsQuota(t *testing.T) {
	t.Run("unthrottled by default", func(t *testing.T) {
		clk := newFakeClock()
		e := New(WithClock(clk.Now))
		c := noRetry(e, "")
		if n, err := burst(60, func() error {
			_, err := c.org.ListRoots(ctx(t), &organizations.ListRootsInput{})
			return err
		}); n != 60 {
			t.Errorf("throttled after %d: %v", n, err)
		}
	})
	t.Run("scenario rate", func(t *testing.T) {
		clk := newFakeClock()
		e := New(WithState(scenario(t, smallOrgYAML+"organizations_rate: 1\norganizations_burst: 3\n")), WithClock(clk.Now))
		c := noRetry(e, "")
		n, err := burst(100, func() error {
			_, err := c.org.ListAccounts(ctx(t), &organizations.ListAccountsInput{})
			return err
		})
		if n != 3 {
			t.Errorf("%d calls before throttling, want 3", n)
		}
		wantAPIError(t, err, 400, "TooManyRequestsException",
			"AWS Organizations can't complete your request because another request is already in progress. Try again later.")
		wantErrorAs[*orgtypes.TooManyRequestsException](t, err)
		// The bucket is per caller and per operation.
		_, err = c.org.ListRoots(ctx(t), &organizations.ListRootsInput{})
		mustNoErr(t, err)
	})
}

// The SDK's standard retryer reads the emulator's throttle as retryable
// and, once the bucket has refilled, gets through. The clock is the
// emulator's fake, moved by the retryer's backoff instead of a wait: of 40
// concurrent reads at quota scale 2 (burst 30, 20/s), those past the burst
// are throttled until a retry moves the clock 500 ms, ten tokens, enough
// for every call still waiting, so no call fails and none is throttled
// twice.
func TestThrottlesAreRetried(t *testing.T) {
	clk := newFakeClock()
	e := New(WithQuotaScale(2), WithClock(clk.Now))
	cfg := e.ConfigAs("")
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 3
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
				clk.Advance(500 * time.Millisecond)
				return 0, nil
			})
		})
	}
	c := newClients(cfg)
	const calls = 40
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.acct.GetAlternateContact(ctx(t), &account.GetAlternateContactInput{AccountId: aws.String(securityID), AlternateContactType: acctypes.AlternateContactTypeSecurity})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	st := e.Stats()
	// The first throttle comes before any retry moves the clock.
	if st.Throttled < 1 || st.Throttled > calls-30 || st.Requests != calls+st.Throttled {
		t.Errorf("%d requests, %d throttled; want 1 to %d throttled, each retried once", st.Requests, st.Throttled, calls-30)
	}
}

func TestFaults(t *testing.T) {
	t.Run("one account", func(t *testing.T) {
		e := New(WithoutThrottling(), WithFault(Fault{Op: "GetAlternateContact", Rate: 1, Error: "AccessDeniedException", Account: securityID}))
		m := as(e, "")
		_, err := getContact(t, m, aws.String(securityID), acctypes.AlternateContactTypeSecurity)
		wantAPIError(t, err, 403, "AccessDeniedException", deniedMsg(mgmtID, "GetAlternateContact"))
		wantErrorAs[*acctypes.AccessDeniedException](t, err)
		_, err = getContact(t, m, aws.String(logID), acctypes.AlternateContactTypeSecurity)
		mustNoErr(t, err)
		// The account's own standalone call targets it too.
		_, err = getContact(t, as(e, securityID), nil, acctypes.AlternateContactTypeSecurity)
		wantErrorAs[*acctypes.AccessDeniedException](t, err)
		// Other operations are unaffected.
		_, err = m.acct.PutAlternateContact(ctx(t), putInput(aws.String(securityID), "Sec", "Sec", "sec@acmepay.io", "+1 206 555 0100"))
		mustNoErr(t, err)
		st := e.Stats()
		if st.Faults != 2 || st.Operations["GetAlternateContact"].Faults != 2 || st.Operations["PutAlternateContact"].Faults != 0 {
			t.Errorf("stats %+v", st)
		}
	})

	t.Run("half, deterministic", func(t *testing.T) {
		run := func() []bool {
			e := New(WithoutThrottling(), WithFault(Fault{Op: "GetAlternateContact", Rate: 0.5, Error: "AccessDeniedException"}))
			m := as(e, "")
			var out []bool
			faults := 0
			for range 200 {
				_, err := getContact(t, m, aws.String(securityID), acctypes.AlternateContactTypeSecurity)
				out = append(out, err != nil)
				if err != nil {
					wantErrorAs[*acctypes.AccessDeniedException](t, err)
					faults++
				}
			}
			if faults < 70 || faults > 130 {
				t.Errorf("%d of 200 calls faulted at rate 0.5", faults)
			}
			if st := e.Stats(); st.Faults != faults || st.Requests != 200 {
				t.Errorf("Stats.Faults %d, Requests %d; want %d, 200", st.Faults, st.Requests, faults)
			}
			return out
		}
		a, b := run(), run()
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("call %d differs between two seeded runs", i)
			}
		}
	})

	t.Run("reset reseeds", func(t *testing.T) {
		s := scenario(t, smallOrgYAML+"no_throttle: true\nseed: 9\nfaults: [{op: GetAlternateContact, rate: 0.5, error: AccessDeniedException}]\n")
		pattern := func(e *Emulator) []bool {
			var out []bool
			for range 40 {
				_, err := getContact(t, as(e, ""), nil, acctypes.AlternateContactTypeBilling)
				out = append(out, httpStatus(err) == 403)
			}
			return out
		}
		fresh := pattern(New(WithState(s)))
		e := New(WithState(s))
		pattern(e)
		e.Reset(s)
		if d := cmp.Diff(fresh, pattern(e)); d != "" {
			t.Errorf("faults after Reset differ from a fresh emulator's (-fresh +reset):\n%s", d)
		}
		snap, err := New(WithState(s)).Snapshot()
		mustNoErr(t, err)
		mustNoErr(t, e.Restore(snap))
		if d := cmp.Diff(fresh, pattern(e)); d != "" {
			t.Errorf("faults after Restore differ from a fresh emulator's (-fresh +restored):\n%s", d)
		}
	})

	t.Run("retryable fault is retried", func(t *testing.T) {
		e := New(WithoutThrottling(), WithFault(Fault{Op: "GetAlternateContact", Rate: 1, Error: "InternalServerException"}))
		_, err := getContact(t, as(e, ""), aws.String(securityID), acctypes.AlternateContactTypeSecurity)
		wantAPIError(t, err, 500, "InternalServerException", "Internal server error")
		wantErrorAs[*acctypes.InternalServerException](t, err)
		if st := e.Stats(); st.Requests != 3 || st.Faults != 3 {
			t.Errorf("default retryer: %d requests, %d faults; want 3 and 3", st.Requests, st.Faults)
		}
	})

	t.Run("organizations throttling fault", func(t *testing.T) {
		e := New(WithFault(Fault{Op: "*", Rate: 1, Error: "TooManyRequestsException"}))
		_, err := noRetry(e, "").org.ListAccounts(ctx(t), &organizations.ListAccountsInput{})
		wantAPIError(t, err, 400, "TooManyRequestsException", "You have sent too many requests in too short a period of time. Try again later.")
		wantErrorAs[*orgtypes.TooManyRequestsException](t, err)
	})
}
