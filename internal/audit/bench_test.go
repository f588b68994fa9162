package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/emulator"
)

// BenchmarkAudit1000 audits a generated 1,000-account organization at
// quota-scale 10 with 30 ms latency per request, and reports the wall time
// against the quota lower bound: the reads beyond the burst, at the rate
// (reads − burst) / rate. Run it with
//
//	go test -run '^$' -bench Audit1000 -benchtime 1x ./internal/audit/
//
// The targets are a ratio ≤ 1.10, at most 2% of calls throttled, and zero
// UNKNOWN accounts; they are reported, not asserted, because wall time on a
// shared machine is not a unit-test property.
func BenchmarkAudit1000(b *testing.B) {
	const scale, n = 10.0, 1000
	st, err := emulator.Generate(n, 42)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		e := emulator.New(emulator.WithState(st), emulator.WithLatency(30*time.Millisecond), emulator.WithQuotaScale(scale))
		c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(scale)})
		start := time.Now()
		rep, err := audit.Run(context.Background(), c, nil, audit.Options{})
		wall := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		s := e.Stats().Operations["GetAlternateContact"]
		q := emulator.DefaultQuota("account", "GetAlternateContact")
		rate, burst := q.Rate*scale, float64(q.Burst)*scale
		bound := time.Duration((float64(s.Requests-s.Throttled) - burst) / rate * float64(time.Second))
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(bound.Seconds(), "bound-s")
		b.ReportMetric(wall.Seconds()/bound.Seconds(), "ratio")
		b.ReportMetric(100*float64(s.Throttled)/float64(s.Requests), "throttled-%")
		b.ReportMetric(float64(rep.Summary.Unknown), "unknown")
		b.ReportMetric(float64(s.Requests), "reads")
	}
}
