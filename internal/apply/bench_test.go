package apply_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/plan"
)

// BenchmarkApply1000 applies a SECURITY policy to a generated 1,000-account
// organization at quota-scale 10 with 30 ms latency per request, timing
// Apply only, and reports the wall time against the quota lower bound: the
// puts beyond the burst, at the PutAlternateContact rate. Run it with
//
//	go test -run '^$' -bench Apply1000 -benchtime 1x ./internal/apply/
//
// The target is a ratio ≤ 1.10 with nothing failed; it is reported, not
// asserted, because wall time on a shared machine is not a unit-test
// property.
func BenchmarkApply1000(b *testing.B) {
	const scale, n = 10.0, 1000
	st, err := emulator.Generate(n, 42)
	if err != nil {
		b.Fatal(err)
	}
	p, err := contact.ParsePolicy("policy.yaml", []byte(securityPolicy))
	if err != nil {
		b.Fatal(err)
	}
	quotas := awsorg.DefaultQuotas.Scale(scale)
	opts := []emulator.Option{emulator.WithState(st), emulator.WithLatency(30 * time.Millisecond), emulator.WithQuotaScale(scale)}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		// The plan is made against its own emulator of the same world, so
		// the apply starts with the quota buckets and statistics fresh,
		// as a later `apply --plan` would.
		pe := emulator.New(opts...)
		pl, err := plan.Build(context.Background(), awsorg.New(pe.Config(), awsorg.Options{Quotas: quotas}), p, []byte(securityPolicy), plan.Options{})
		if err != nil {
			b.Fatal(err)
		}
		e := emulator.New(opts...)
		c := awsorg.New(e.Config(), awsorg.Options{Quotas: quotas})
		j, err := journal.Create(filepath.Join(b.TempDir(), "journal.jsonl"), time.Now)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		rep, err := apply.Apply(context.Background(), c, j, pl.Changes, apply.Options{Caller: pl.Caller.Account})
		wall := time.Since(start)
		b.StopTimer()
		j.Close()
		if err != nil {
			b.Fatal(err)
		}
		s := e.Stats().Operations["PutAlternateContact"]
		g := e.Stats().Operations["GetAlternateContact"]
		q := emulator.DefaultQuota("account", "PutAlternateContact")
		rate, burst := q.Rate*scale, float64(q.Burst)*scale
		puts := float64(s.Requests - s.Throttled)
		bound := time.Duration((puts - burst) / rate * float64(time.Second))
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(bound.Seconds(), "bound-s")
		b.ReportMetric(wall.Seconds()/bound.Seconds(), "ratio")
		b.ReportMetric(100*float64(s.Throttled)/float64(max(1, s.Requests)), "throttled-%")
		b.ReportMetric(100*float64(g.Throttled)/float64(max(1, g.Requests)), "get-throttled-%")
		b.ReportMetric(float64(rep.Summary[apply.Failed]), "failed")
		b.ReportMetric(puts, "puts")
		b.StartTimer()
	}
}
