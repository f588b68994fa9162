package verify_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/verify"
)

var durable = contact.Details{Name: "Security Operations", Title: "Security Team", Email: "security@acmepay.io", Phone: "+1 206 555 7700"}

// verdicts is each account's status, finding status and evaluation time.
type verdict struct {
	Status, Finding string
	Evaluated       time.Time
}

func verdicts(r *verify.Report) map[string]verdict {
	m := map[string]verdict{}
	for _, a := range r.Accounts {
		v := verdict{Status: a.Status}
		if a.Finding != nil {
			v.Finding, v.Evaluated = a.Finding.Status, a.Finding.EvaluatedAt
		}
		m[a.ID] = v
	}
	return m
}

// world is the fintech sandbox with the given Security Hub mode and no AWS
// Config, after one
// contact was set and before the next evaluation (one account PENDING).
func world(t *testing.T, mode string, clock func() time.Time) *emulator.Emulator {
	t.Helper()
	st, err := emulator.Builtin("fintech")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetSecurityHub(mode); err != nil {
		t.Fatal(err)
	}
	// Security Hub alone: fintech's AWS Config is another source (config_test.go).
	st.SetConfig(false)
	e := emulator.New(emulator.WithState(st), emulator.WithClock(clock), emulator.WithEvaluationInterval(0), emulator.WithoutThrottling())
	c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(100)})
	if err := c.PutContact(context.Background(), awsorg.Target{AccountID: "476120938574"}, contact.Security, durable); err != nil {
		t.Fatal(err)
	}
	return e
}

// The same fintech loop reads the same statuses and evaluation times from
// Security Hub CSPM, from the new Security Hub, and from either when both
// are on; with neither, every account with a contact is UNKNOWN.
func TestSameVerdictFromEitherSecurityHub(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	run := func(mode, which string) *verify.Report {
		t.Helper()
		e := world(t, mode, clock)
		rep, err := verify.Run(context.Background(), awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(100)}),
			verify.Options{Now: clock, Source: which})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	want := run("cspm", verify.CSPM)
	if want.SecurityHub != verify.CSPM || want.Summary[verify.Passed] != 9 || want.Summary[verify.Pending] != 1 || want.Summary[verify.Failed] != 13 {
		t.Fatalf("cspm: %s %v", want.SecurityHub, want.Summary)
	}
	if v := verdicts(want)["476120938574"]; v.Status != verify.Pending || v.Finding != "FAILED" || !v.Evaluated.Equal(now) {
		t.Fatalf("cspm pending account: %+v", v)
	}
	for _, tc := range []struct{ mode, which, gen string }{
		{"v2", verify.V2, verify.V2},
		{"v2", verify.Auto, verify.V2},
		{"both", verify.Auto, verify.CSPM},
		{"both", verify.V2, verify.V2},
		{"cspm", verify.Auto, verify.CSPM},
	} {
		got := run(tc.mode, tc.which)
		if got.SecurityHub != tc.gen {
			t.Errorf("%s/%s: read from %q, want %q", tc.mode, tc.which, got.SecurityHub, tc.gen)
		}
		if diff := cmp.Diff(verdicts(want), verdicts(got)); diff != "" {
			t.Errorf("%s/%s: verdicts differ from CSPM's (-cspm +got):\n%s", tc.mode, tc.which, diff)
		}
	}
	for _, tc := range []struct{ mode, which string }{{"none", verify.Auto}, {"cspm", verify.V2}, {"v2", verify.CSPM}} {
		got := run(tc.mode, tc.which)
		if got.SecurityHub != "none" || got.Hub != nil || got.Summary[verify.Unknown] != 10 || got.Summary[verify.Passed] != 0 {
			t.Errorf("%s/%s: %s %v", tc.mode, tc.which, got.SecurityHub, got.Summary)
		}
	}
}

// --wait ends PASSED from the new Security Hub alone, as from CSPM.
func TestWaitPassesOnV2Only(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	e := world(t, "v2", clock)
	c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(100)})
	rep, err := verify.Run(context.Background(), c, verify.Options{Now: clock, Wait: time.Hour, Poll: time.Minute,
		Sleep: func(ctx context.Context, d time.Duration) error {
			now = now.Add(d)
			e.Evaluate()
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if v := verdicts(rep)["476120938574"]; v.Status != verify.Passed || !v.Evaluated.Equal(now) {
		t.Errorf("after waiting: %+v (now %s)", v, now)
	}
}

// The Security Hub delegated administrator reads the organization's OCSF
// findings with Scopes.AwsOrganizations; a plain member may not send a
// scope at all.
func TestDelegatedAdminOrganizationScope(t *testing.T) {
	sc := `
organization: {id: o-abcdefghij, management_account: "111111111111"}
trusted_access: [account.amazonaws.com, securityhub.amazonaws.com]
delegated_admins:
  - {account: "222222222222", service: account.amazonaws.com}
  - {account: "222222222222", service: securityhub.amazonaws.com}
security_hub: {cspm: false, v2: true, admin: "222222222222"}
accounts:
  - {id: "111111111111", name: mgmt, email: root@corp.acmepay.io, ou: Root}
  - {id: "222222222222", name: security, email: sec@corp.acmepay.io, ou: Root/Security, contacts: {SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}}}
  - {id: "333333333333", name: prod, email: prod@corp.acmepay.io, ou: Root/Prod, contacts: {SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}}}
`
	st, err := emulator.LoadScenario("delegated.yaml", []byte(sc))
	if err != nil {
		t.Fatal(err)
	}
	e := emulator.New(emulator.WithState(st), emulator.WithoutThrottling())
	admin := awsorg.New(e.ConfigAs("222222222222"), awsorg.Options{})
	rep, err := verify.Run(context.Background(), admin, verify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.SecurityHub != verify.V2 || verdicts(rep)["333333333333"].Status != verify.Passed || verdicts(rep)["222222222222"].Status != verify.Passed {
		t.Errorf("delegated administrator: %s %v", rep.SecurityHub, verdicts(rep))
	}
	if n := e.Stats().Operations["ListDelegatedAdministrators"].Requests; n == 0 {
		t.Error("verify never checked whether the caller is the Security Hub delegated administrator")
	}
	member := awsorg.New(e.ConfigAs("333333333333"), awsorg.Options{})
	_, err = member.Account1FindingsIn(context.Background(), awsorg.Hub{Generation: awsorg.V2}, []string{"333333333333"}, &awsorg.Scope{OrganizationID: "o-abcdefghij"})
	if !errors.Is(err, awsorg.ErrAccessDenied) {
		t.Errorf("a member's scoped read: %v, want access denied", err)
	}
	fs, err := admin.Account1FindingsIn(context.Background(), awsorg.Hub{Generation: awsorg.V2}, []string{"111111111111", "333333333333"}, &awsorg.Scope{OrganizationID: "o-abcdefghij"})
	if err != nil || len(fs) != 2 {
		t.Errorf("the administrator's scoped read: %v, %v", fs, err)
	}
}

// In aws-us-gov Account.1 does not exist: verify says NOT_APPLICABLE at
// once, reads no finding and never waits.
func TestGovCloudNotApplicable(t *testing.T) {
	st, err := emulator.Builtin("fintech")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetPartition("aws-us-gov"); err != nil {
		t.Fatal(err)
	}
	e := emulator.New(emulator.WithState(st), emulator.WithoutThrottling())
	// Paced at a hundred times GovCloud's quotas: the reads are not what
	// this test is about, and at the real rate they took a second.
	c := awsorg.New(e.Config(), awsorg.Options{Scale: 100})
	rep, err := verify.Run(context.Background(), c, verify.Options{Wait: time.Hour,
		Sleep: func(context.Context, time.Duration) error { t.Fatal("verify waited in aws-us-gov"); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Caller.Partition != "aws-us-gov" || rep.Summary[verify.NotApplicable] != 9 || rep.Summary[verify.Failed] != 14 || rep.Summary[verify.Unknown] != 0 {
		t.Errorf("partition %q, summary %v", rep.Caller.Partition, rep.Summary)
	}
	ops := e.Stats().Operations
	if ops["GetFindings"].Requests+ops["GetFindingsV2"].Requests != 0 {
		t.Errorf("verify read findings that cannot exist: %v", ops)
	}
}
