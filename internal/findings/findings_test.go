package findings_test

import (
	"context"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/findings"
)

// ownFindings counts what the emulator's Security Hub holds from
// altcontacts, by record state.
func ownFindings(e *emulator.Emulator) map[string]int {
	n := map[string]int{}
	for _, f := range e.State().SecurityHub.Findings {
		if g, _ := f["GeneratorId"].(string); len(g) > 12 && g[:12] == "altcontacts/" {
			n[f["RecordState"].(string)]++
		}
	}
	return n
}

func TestImportUpdatesAndArchives(t *testing.T) {
	e := emulator.New(emulator.WithQuotaScale(50))
	c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(50)})
	ctx := context.Background()
	sync := func() *findings.Result {
		t.Helper()
		rep, err := audit.Run(ctx, c, nil, audit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := findings.Sync(ctx, c, rep, findings.Options{Region: "us-east-1", Now: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// fintech: 4 placeholder + personal-address + personal-name + free-mail
	// + root-email-fallback + root-email-personal + root-email-free-mail
	// = 10 durability findings; Account.1 stays AWS's.
	res := sync()
	if res.Imported != 10 || res.Archived != 0 || len(res.Failed) != 0 {
		t.Fatalf("first import = %+v", res)
	}
	if got := ownFindings(e); got["ACTIVE"] != 10 {
		t.Fatalf("Security Hub holds %v", got)
	}
	// A rerun updates the same findings: no duplicates.
	if res = sync(); res.Imported != 10 || ownFindings(e)["ACTIVE"] != 10 {
		t.Fatalf("rerun = %+v, hub %v", res, ownFindings(e))
	}
	// Fix the free-mail contact: its finding is archived.
	e.Update(func(s *emulator.State) {
		for _, a := range s.Accounts {
			if a.ID == "158392047716" {
				a.Contacts["SECURITY"].Email = "security@acmepay.io"
			}
		}
	})
	res = sync()
	if res.Imported != 9 || res.Archived != 1 {
		t.Fatalf("after the fix = %+v", res)
	}
	if got := ownFindings(e); got["ACTIVE"] != 9 || got["ARCHIVED"] != 1 {
		t.Fatalf("Security Hub holds %v", got)
	}
}

func TestCallerPartition(t *testing.T) {
	for _, tc := range []struct {
		id   awsorg.Identity
		want string
	}{
		{awsorg.Identity{ARN: "arn:aws-cn:iam::123456789012:root", Partition: "aws-cn"}, "aws-cn"},
		{awsorg.Identity{ARN: "arn:aws-us-gov:iam::123456789012:root"}, "aws-us-gov"},
		{awsorg.Identity{}, "aws"},
	} {
		if got := findings.CallerPartition(&audit.Report{Caller: tc.id}); got != tc.want {
			t.Errorf("callerPartition(%+v) = %q, want %q", tc.id, got, tc.want)
		}
	}
}
