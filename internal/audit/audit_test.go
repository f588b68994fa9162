package audit_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/inventory"
)

func run(t *testing.T, e *emulator.Emulator, caller string, o audit.Options) *audit.Report {
	t.Helper()
	// Quotas scaled up on both sides keep these tests fast; pacing at the
	// real quota is TestPacedBelowQuota's job.
	e.Update(func(s *emulator.State) { s.Settings.QuotaScale = 50 })
	c := awsorg.New(e.ConfigAs(caller), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(50)})
	rep, err := audit.Run(context.Background(), c, nil, o)
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	return rep
}

func byID(rep *audit.Report) map[string]audit.Account {
	m := map[string]audit.Account{}
	for _, a := range rep.Accounts {
		m[a.ID] = a
	}
	return m
}

func TestFintech(t *testing.T) {
	rep := run(t, emulator.New(), "", audit.Options{FailOn: contact.Medium})
	want := audit.Summary{Accounts: 24, Evaluated: 23, Skipped: 1, Account1: audit.Account1Counts{Passed: 9, Failed: 14},
		FindingsByRule: map[string]int{"Account.1": 14, "placeholder": 4, "personal-address": 1, "free-mail": 1, "root-email-fallback": 1, "personal-name": 1,
			"root-email-personal": 1, "root-email-free-mail": 1},
		FindingsBySeverity: map[string]int{"high": 6, "medium": 17, "low": 1}}
	if diff := cmp.Diff(want, rep.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	for i := 1; i < len(rep.Accounts); i++ {
		if rep.Accounts[i-1].ID >= rep.Accounts[i].ID {
			t.Fatalf("accounts not sorted by id at %d", i)
		}
	}
	// The root emails come with the walk: sandbox-alice's is a person's,
	// sandbox-bob's a free-mail inbox.
	for id, rule := range map[string]string{"938265104473": contact.RuleRootEmailPersonal, "446103928857": contact.RuleRootEmailFreeMail} {
		a := byID(rep)[id]
		var got []string
		for _, f := range a.Findings {
			if f.Type == contact.Root {
				got = append(got, f.Rule)
			}
		}
		if len(got) != 1 || got[0] != rule {
			t.Errorf("%s root-email findings = %v, want [%s]", id, got, rule)
		}
	}
	// --types narrows the contacts read, never the root-email findings.
	narrow := run(t, emulator.New(), "", audit.Options{Types: []contact.Type{contact.Billing}})
	if got := narrow.Summary.FindingsByRule; got["root-email-personal"] != 1 || got["root-email-free-mail"] != 1 || got["Account.1"] != 0 {
		t.Errorf("--types BILLING findings = %v", got)
	}
	mgmt := byID(rep)["401726385920"]
	if !mgmt.Management || mgmt.Account1 != audit.Account1Failed || mgmt.Error != nil {
		t.Errorf("management account: %+v", mgmt)
	}
	// The management account's BILLING contact was read in standalone context.
	if b := mgmt.Contacts[contact.Billing]; b == nil || b.Email != "billing@acmepay.io" {
		t.Errorf("management BILLING = %+v", b)
	}
	if got := byID(rep)["619283740556"].OUPath; got != "Root/Workloads/Prod" {
		t.Errorf("ou path = %q", got)
	}
}

// AccessDenied is UNKNOWN, never PASS and never "missing"; the run goes on.
func TestAccessDeniedIsUnknown(t *testing.T) {
	e := emulator.New(emulator.WithFault(emulator.Fault{Op: "GetAlternateContact", Rate: 1, Error: "AccessDeniedException", Account: "593018274615"}))
	rep := run(t, e, "", audit.Options{})
	a := byID(rep)["593018274615"]
	if a.Status != audit.StatusUnknown || a.Account1 != audit.Account1Unknown || a.Error == nil || len(a.Findings) != 0 {
		t.Fatalf("denied account = %+v", a)
	}
	if !strings.Contains(*a.Error, "AccessDeniedException") {
		t.Errorf("error = %q", *a.Error)
	}
	if rep.Summary.Unknown != 1 || rep.Summary.Evaluated != 23 || rep.Summary.Account1.Passed != 8 {
		t.Errorf("summary = %+v", rep.Summary)
	}
	if errs := rep.Errors(); len(errs) != 1 || !errors.Is(errs[0], awsorg.ErrAccessDenied) {
		t.Errorf("errors = %v", errs)
	}
}

// A delegated administrator cannot read the management account.
func TestDelegatedAdministrator(t *testing.T) {
	e := emulator.New()
	e.Update(func(s *emulator.State) {
		s.DelegatedAdmins = append(s.DelegatedAdmins, emulator.Delegation{Account: "593018274615", Principal: "account.amazonaws.com"})
	})
	rep := run(t, e, "593018274615", audit.Options{})
	m := byID(rep)
	if a := m["401726385920"]; a.Status != audit.StatusUnknown || a.Account1 != audit.Account1Unknown || *a.Error != inventory.ErrDelegatedManagement.Error() {
		t.Errorf("management = %+v", a)
	}
	if errs := rep.Errors(); len(errs) != 1 || !errors.Is(errs[0], inventory.ErrDelegatedManagement) {
		t.Errorf("errors = %v", errs)
	}
	if a := m["593018274615"]; a.Status != audit.StatusPass {
		t.Errorf("own account (standalone read) = %+v", a)
	}
	if a := m["619283740556"]; a.Status != audit.StatusPass {
		t.Errorf("member = %+v", a)
	}
}

// Cancelling stops the run and keeps what was read.
func TestCancelKeepsPartialReport(t *testing.T) {
	// Latency on an injected sleep: each request is a point where the
	// cancellation is seen, at no wall-clock cost.
	e := emulator.New(emulator.WithLatency(20*time.Millisecond),
		emulator.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
	ctx, cancel := context.WithCancel(context.Background())
	c := awsorg.New(e.Config(), awsorg.Options{})
	done := 0
	rep, err := audit.Run(ctx, c, nil, audit.Options{Concurrency: 2, Progress: func(d, total int) {
		done = d
		if d == 5 {
			cancel()
		}
	}})
	if err == nil || rep == nil {
		t.Fatalf("want partial report and error, got %v, %v", rep, err)
	}
	// The walk and the reads overlap: when the cancel lands, the accounts
	// the walk had found and not yet read are kept as UNKNOWN; the walk
	// itself may be cut short too (under load it lags the reads), and
	// then the report holds fewer than the organization's 24 accounts.
	// Either way what was done is kept and the report is partial.
	if done < 5 || rep.Summary.Accounts < 5 || (rep.Summary.Unknown == 0 && rep.Summary.Accounts >= 24) {
		t.Errorf("summary %+v after %d done", rep.Summary, done)
	}
	for _, a := range rep.Accounts {
		if a.Status == audit.StatusUnknown && (*a.Error != "not read: the run was interrupted" || a.Contacts != nil || a.Findings != nil) {
			t.Errorf("interrupted account %+v", a)
		}
	}
}

func TestStandaloneAccountAuditsItself(t *testing.T) {
	e := emulator.New(emulator.WithScenario("standalone"))
	rep := run(t, e, "", audit.Options{})
	if rep.Organization != nil || len(rep.Accounts) != 1 || rep.Accounts[0].ID != "845201937466" || rep.Accounts[0].Account1 != audit.Account1Failed {
		t.Fatalf("report = %+v", rep)
	}
}

// Failing follows --fail-on: fintech's findings reach medium on more
// accounts than they reach critical, and on none above critical.
func TestFailingFollowsFailOn(t *testing.T) {
	e := emulator.New()
	medium := run(t, e, "", audit.Options{FailOn: contact.Medium})
	critical := run(t, e, "", audit.Options{FailOn: contact.Critical})
	if medium.Failing() == 0 || critical.Failing() >= medium.Failing() {
		t.Errorf("failing at medium %d, at critical %d: want medium > critical", medium.Failing(), critical.Failing())
	}
	for _, rep := range []*audit.Report{medium, critical} {
		n := 0
		for _, a := range rep.Accounts {
			if a.Status == audit.StatusFail {
				n++
			}
		}
		if rep.Failing() != n {
			t.Errorf("Failing() = %d, %d accounts FAIL", rep.Failing(), n)
		}
	}
}
