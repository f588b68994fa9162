package plan_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/plan"
)

// answers is a DNS checker that answers from a table; a domain not in
// it is alive. It records which domains were started before any Check.
type answers struct {
	mu      sync.Mutex
	verdict map[string]contact.MailDomain
	started []string
	checked bool
}

func (a *answers) Start(_ context.Context, d string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.checked {
		a.started = append(a.started, d)
	}
}

func (a *answers) Check(_ context.Context, d string) contact.MailDomain {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.checked = true
	if md, ok := a.verdict[d]; ok {
		md.Domain = d
		return md
	}
	return contact.MailDomain{Domain: d, Verdict: contact.MailAlive}
}

// apply --plan refuses the addresses the plan would write to a domain
// that takes no mail: one line per address with the accounts it would go
// to, each dead domain once, and a domain DNS did not answer for only
// warned about, once.
func TestCheckMail(t *testing.T) {
	to := func(email string) *contact.Details {
		return &contact.Details{Name: "Security Operations", Title: "Security Team", Email: email, Phone: "+1 206 555 7700"}
	}
	pl := &plan.Plan{Changes: []plan.Change{
		{AccountID: "111111111111", Type: contact.Security, Action: plan.Create, After: to("security@gone.example")},
		{AccountID: "222222222222", Type: contact.Security, Action: plan.Update, After: to("security@gone.example")},
		{AccountID: "333333333333", Type: contact.Security, Action: plan.Update, After: to("sec@nomail.example")},
		{AccountID: "444444444444", Type: contact.Billing, Action: plan.Create, After: to("billing@acmepay.io")},
		{AccountID: "555555555555", Type: contact.Security, Action: plan.Create, After: to("a@slow.example")},
		{AccountID: "666666666666", Type: contact.Operations, Action: plan.Create, After: to("b@slow.example")},
		{AccountID: "777777777777", Type: contact.Security, Action: plan.Noop, After: to("security@gone.example")},
	}}
	mc := &answers{verdict: map[string]contact.MailDomain{
		"gone.example":   {Verdict: contact.MailMissing, Why: "NXDOMAIN"},
		"nomail.example": {Verdict: contact.MailNoMail, Why: "null MX (RFC 7505)"},
		"slow.example":   {Verdict: contact.MailUnchecked, Why: "timeout"},
	}}
	got := pl.CheckMail(context.Background(), mc, "plan.json")
	if len(got.Refusals) != 2 {
		t.Fatalf("refusals = %q, want two (one per address)", got.Refusals)
	}
	for i, want := range []string{"to 111111111111 SECURITY and 1 more)", "to 333333333333 SECURITY)"} {
		if r := got.Refusals[i]; len(r) < len(want) || r[len(r)-len(want):] != want || r[:len("plan.json: ")] != "plan.json: " {
			t.Errorf("refusal %d = %q, want plan.json: … (%s", i, r, want)
		}
	}
	if d := cmp.Diff([]string{"gone.example", "nomail.example"}, got.Dead); d != "" {
		t.Errorf("dead domains (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]plan.UncheckedDomain{{Domain: "slow.example", Why: "timeout"}}, got.Unchecked); d != "" {
		t.Errorf("unchecked (-want +got):\n%s", d)
	}
	if len(mc.started) != 6 {
		t.Errorf("lookups started before the first wait: %q, want every write's domain", mc.started)
	}
}
