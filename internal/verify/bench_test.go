package verify_test

import (
	"context"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/verify"
)

// configVerify runs verify --source config over a generated organization of
// n accounts with AWS Config on, at quota-scale scale with latency per
// request. With pending, every ACTIVE account without a contact gets one
// after the rule's last evaluation, so each of those is PENDING and needs
// its evaluation time (the detail read); without, the organization is as
// evaluated and the aggregate pages alone decide.
func configVerify(tb testing.TB, n int, scale float64, latency time.Duration, pending bool) (*verify.Report, *emulator.Emulator, time.Duration) {
	tb.Helper()
	st, err := emulator.Generate(n, 42)
	if err != nil {
		tb.Fatal(err)
	}
	st.SetConfig(true)
	if err := st.SetSecurityHub("none"); err != nil {
		tb.Fatal(err)
	}
	st.Settings.EvaluationInterval = 0
	e := emulator.New(emulator.WithState(st), emulator.WithLatency(latency), emulator.WithQuotaScale(scale))
	e.Evaluate()
	if pending {
		e.Update(func(st *emulator.State) {
			for _, a := range st.Accounts {
				if a.State == "ACTIVE" && a.Contacts["SECURITY"] == nil {
					a.Contacts["SECURITY"] = &emulator.Contact{Name: "Security", Title: "Security", Email: "security@acmepay.io", Phone: "+1 206 555 7700"}
				}
			}
		})
	}
	e.ResetStats()
	c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(scale)})
	start := time.Now()
	rep, err := verify.Run(context.Background(), c, verify.Options{Source: verify.Config})
	wall := time.Since(start)
	if err != nil {
		tb.Fatal(err)
	}
	return rep, e, wall
}

// BenchmarkVerifyConfig10000 measures verify --source config over 10,000
// accounts at quota-scale 10 with 30 ms latency: the AWS Config calls made
// and the wall time against the pacing bound, which is the contact reads'
// bound (GetAlternateContact, (reads − burst) / rate) plus Config's
// ((Config calls − burst) / rate at the client's Config bucket, 3/s burst 6
// × scale). "evaluated" is the steady state (no detail read), "pending"
// right after an apply that set every missing contact (one detail read
// per PENDING account). Run it with
//
//	go test -run '^$' -bench VerifyConfig10000 -benchtime 1x ./internal/verify/
func BenchmarkVerifyConfig10000(b *testing.B) {
	const scale, n = 10.0, 10000
	for _, pending := range []bool{false, true} {
		name := "evaluated"
		if pending {
			name = "pending"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				rep, e, wall := configVerify(b, n, scale, 30*time.Millisecond, pending)
				ops := e.Stats().Operations
				get := ops["GetAlternateContact"]
				pages := ops["DescribeAggregateComplianceByConfigRules"]
				details := ops["GetAggregateComplianceDetailsByConfigRule"]
				gq := emulator.DefaultQuota("account", "GetAlternateContact")
				cq := awsorg.DefaultQuotas.ConfigRead
				getBound := (float64(get.Requests-get.Throttled) - float64(gq.Burst)*scale) / (gq.Rate * scale)
				cfgCalls := float64(pages.Requests + details.Requests - pages.Throttled - details.Throttled)
				cfgBound := max(0, (cfgCalls-float64(cq.Burst)*scale)/(cq.Rate*scale))
				b.ReportMetric(wall.Seconds(), "wall-s")
				b.ReportMetric(getBound, "get-bound-s")
				b.ReportMetric(cfgBound, "config-bound-s")
				b.ReportMetric(wall.Seconds()/(getBound+cfgBound), "ratio")
				b.ReportMetric(float64(pages.Requests), "aggregate-pages")
				b.ReportMetric(float64(details.Requests), "detail-calls")
				b.ReportMetric(float64(pages.Throttled+details.Throttled), "config-throttled")
				b.ReportMetric(float64(rep.Summary[verify.Passed]), "passed")
				b.ReportMetric(float64(rep.Summary[verify.Pending]), "pending")
				b.ReportMetric(float64(rep.Summary[verify.Unknown]), "unknown")
			}
		})
	}
}

// The Config path's call count does not grow with the organization beyond
// one aggregate page per 1,000 results and one detail read per PENDING
// account: over 1,100 accounts, 2 pages and no detail read when evaluated.
func TestConfigCallsScaleWithPages(t *testing.T) {
	t.Parallel()
	rep, e, _ := configVerify(t, 1100, 1000, 0, false)
	ops := e.Stats().Operations
	if n := ops["DescribeAggregateComplianceByConfigRules"].Requests; n != 2 {
		t.Errorf("%d aggregate pages for 1,100 accounts, want 2", n)
	}
	if n := ops["GetAggregateComplianceDetailsByConfigRule"].Requests; n != 0 {
		t.Errorf("%d detail reads with nothing PENDING", n)
	}
	if rep.Summary[verify.Unknown] != 0 || rep.Summary[verify.Pending] != 0 || rep.Config.Calls != 2 {
		t.Errorf("summary %v, %d Config calls", rep.Summary, rep.Config.Calls)
	}
}
