package verify_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/verify"
)

// configWorld is the fintech sandbox with AWS Config only and
// cards-prod's contact set; the rule's first evaluation runs at the next
// request (SetConfig leaves it to it), so it sees that contact.
func configWorld(t *testing.T, clock func() time.Time) *emulator.Emulator {
	t.Helper()
	e := world(t, "none", clock)
	e.Update(func(st *emulator.State) { st.SetConfig(true) })
	return e
}

// --wait ends PASSED through AWS Config as through Security Hub: the
// sleep triggers the sandbox's evaluation, never the wall clock. The
// organization is read with one aggregate page per poll, and details only
// for the accounts whose verdict needs an evaluation time.
func TestConfigWaitPasses(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	e := configWorld(t, clock)
	c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(100)})
	// The first evaluation ran with cards-prod's contact set; remove it
	// from the rule's view by making that result NON_COMPLIANT, as if the
	// contact were written after the run.
	if _, err := verify.Run(context.Background(), c, verify.Options{Now: clock, Source: verify.Config}); err != nil {
		t.Fatal(err)
	}
	e.Update(func(st *emulator.State) {
		for i := range st.Config.Evaluations {
			if st.Config.Evaluations[i].Account == "476120938574" {
				st.Config.Evaluations[i].Compliance = "NON_COMPLIANT"
			}
		}
	})
	e.ResetStats()
	polls := 0
	rep, err := verify.Run(context.Background(), c, verify.Options{Now: clock, Wait: time.Hour, Poll: time.Minute, Source: verify.Config,
		Sleep: func(ctx context.Context, d time.Duration) error {
			polls++
			now = now.Add(d)
			e.Evaluate()
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Source != verify.Config || rep.Config == nil || rep.Config.Aggregator != "acmepay-org-aggregator" {
		t.Fatalf("source %q config %+v", rep.Source, rep.Config)
	}
	if v := verdicts(rep)["476120938574"]; v.Status != verify.Passed || polls != 1 {
		t.Errorf("after waiting: %+v, %d polls", v, polls)
	}
	if rep.Summary[verify.Passed] != 10 || rep.Summary[verify.Failed] != 13 {
		t.Errorf("summary %v", rep.Summary)
	}
	ops := e.Stats().Operations
	if n := ops["DescribeAggregateComplianceByConfigRules"].Requests; n != 2 {
		t.Errorf("%d aggregate reads for two polls of 24 accounts, want 2 (one page each)", n)
	}
	if n := ops["GetAggregateComplianceDetailsByConfigRule"].Requests; n != 1 {
		t.Errorf("%d detail reads, want 1 (the one PENDING account, once)", n)
	}
}

// Several rules for one account (here two organization rule instances):
// the most recent result wins, and the report names its rule.
func TestConfigSeveralRulesMostRecentWins(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	e := configWorld(t, clock)
	c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(100)})
	if _, err := verify.Run(context.Background(), c, verify.Options{Now: clock, Source: verify.Config}); err != nil {
		t.Fatal(err)
	}
	const acct, older = "476120938574", "OrgConfigRule-security-account-information-provided-00000000"
	e.Update(func(st *emulator.State) {
		st.Config.Evaluations = append(st.Config.Evaluations, emulator.ConfigEvaluation{Account: acct, Rule: older,
			Compliance: "NON_COMPLIANT", Recorded: now.Add(-time.Hour), Invoked: now.Add(-time.Hour)})
	})
	rep, err := verify.Run(context.Background(), c, verify.Options{Now: clock, Source: verify.Config})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rep.Accounts {
		if a.ID != acct {
			continue
		}
		if a.Status != verify.Passed || a.Finding == nil || a.Finding.Rule == older || !a.Finding.EvaluatedAt.Equal(now) ||
			!strings.Contains(a.Reason, "the most recent of 2 rules (also "+older+" NON_COMPLIANT)") {
			t.Errorf("%+v %+v", a, a.Finding)
		}
	}
}

// A new aggregator has collected nothing yet: UNKNOWN, saying so, not
// FAILED and not a wait.
func TestConfigAggregatorSettingUp(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	e := configWorld(t, clock)
	e.Update(func(st *emulator.State) { st.Config.Aggregators[0].SettingUp = true })
	c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(100)})
	rep, err := verify.Run(context.Background(), c, verify.Options{Now: clock, Wait: time.Hour, Source: verify.Auto,
		Sleep: func(context.Context, time.Duration) error {
			t.Fatal("waited for an aggregator being set up")
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Source != verify.Config || rep.Summary[verify.Unknown] != 10 {
		t.Fatalf("source %s summary %v", rep.Source, rep.Summary)
	}
	if v := verdicts(rep)["476120938574"]; v.Status != verify.Unknown {
		t.Errorf("%+v", v)
	}
	for _, a := range rep.Accounts {
		if a.Status == verify.Unknown && !strings.Contains(a.Reason, "aggregator acmepay-org-aggregator holds no result of the rule yet") {
			t.Errorf("%s: %s", a.ID, a.Reason)
		}
	}
}

// Two organization aggregators and none named: an error listing both,
// returned before the organization is read.
func TestConfigAggregatorChoice(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	e := configWorld(t, func() time.Time { return now })
	e.Update(func(st *emulator.State) {
		st.Config.Aggregators = append(st.Config.Aggregators, emulator.Aggregator{Name: "another", Organization: true})
	})
	e.ResetStats()
	c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(100)})
	_, err := verify.Run(context.Background(), c, verify.Options{Source: verify.Config})
	var choice *awsorg.AggregatorChoiceError
	if !errors.As(err, &choice) || strings.Join(choice.Names, ",") != "acmepay-org-aggregator,another" {
		t.Fatalf("err %v", err)
	}
	if n := e.Stats().Operations["ListAccountsForParent"].Requests; n != 0 {
		t.Errorf("the organization was walked (%d ListAccountsForParent) before the usage error", n)
	}
}

// A standalone account reads its own rule (here Security Hub's
// service-linked one): DescribeConfigRules, GetComplianceDetailsByConfigRule.
func TestConfigStandaloneOwnRule(t *testing.T) {
	st, err := emulator.LoadScenario("solo", []byte(`
accounts:
  - {id: "845201937466", name: solo, email: aws-solo@acmepay.io, contacts: {SECURITY: {name: Sec, title: Sec, email: security@acmepay.io, phone: "+1 206 555 7700"}}}
security_hub: {enabled: false}
config: {deployment: securityhub}
`))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	e := emulator.New(emulator.WithState(st), emulator.WithClock(func() time.Time { return now }), emulator.WithoutThrottling())
	c := awsorg.New(e.Config(), awsorg.Options{})
	rep, err := verify.Run(context.Background(), c, verify.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Source != verify.Config || rep.Config.Aggregator != "" || len(rep.Config.Rules) != 1 ||
		rep.Config.Rules[0].Deployment != awsorg.DeployedBySecurityHub {
		t.Fatalf("source %s config %+v", rep.Source, rep.Config)
	}
	if v := verdicts(rep)["845201937466"]; v.Status != verify.Passed || !v.Evaluated.Equal(now) {
		t.Errorf("%+v", v)
	}
	if n := e.Stats().Operations["GetComplianceDetailsByConfigRule"].Requests; n != 1 {
		t.Errorf("%d GetComplianceDetailsByConfigRule", n)
	}
}
