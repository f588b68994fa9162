package verify_test

import (
	"context"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/verify"
)

// After a contact is set, the account is PENDING until Security Hub's next
// evaluation; --wait polls until then. The emulator's clock and evaluation
// are driven by the test, so nothing waits for real.
func TestPendingUntilNextEvaluation(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	e := emulator.New(emulator.WithClock(clock), emulator.WithEvaluationInterval(0), emulator.WithoutThrottling())
	c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(100)})
	durable := contact.Details{Name: "Security Operations", Title: "Security Team", Email: "security@acmepay.io", Phone: "+1 206 555 7700"}
	if err := c.PutContact(context.Background(), awsorg.Target{AccountID: "476120938574"}, contact.Security, durable); err != nil {
		t.Fatal(err)
	}
	status := func(r *verify.Report, id string) verify.Account {
		for _, a := range r.Accounts {
			if a.ID == id {
				return a
			}
		}
		t.Fatalf("no account %s", id)
		return verify.Account{}
	}

	rep, err := verify.Run(context.Background(), c, verify.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	a := status(rep, "476120938574")
	if a.Status != verify.Pending || a.Finding == nil || a.Finding.Status != "FAILED" || !a.Finding.NextBy.Equal(a.Finding.EvaluatedAt.Add(24*time.Hour)) {
		t.Fatalf("right after the write: %+v (finding %+v)", a, a.Finding)
	}
	if rep.Summary[verify.Pending] != 1 || rep.Summary[verify.Failed] != 13 || rep.Summary[verify.Passed] != 9 {
		t.Errorf("summary = %v", rep.Summary)
	}

	polls := 0
	rep, err = verify.Run(context.Background(), c, verify.Options{Now: clock, Wait: time.Hour, Poll: time.Minute,
		Sleep: func(ctx context.Context, d time.Duration) error {
			polls++
			now = now.Add(d)
			if polls == 3 {
				e.Evaluate() // Security Hub's periodic run happens during the third wait
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if a := status(rep, "476120938574"); a.Status != verify.Passed || polls != 3 {
		t.Errorf("after waiting: %+v, %d polls", a, polls)
	}
}
