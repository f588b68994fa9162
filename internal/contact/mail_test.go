package contact

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

var mailNow = time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)

// lookups is a fixed DNS/RDAP world for the rules.
func lookups(m map[string]MailDomain) MailLookup {
	return func(d string) (MailDomain, bool) {
		md, ok := m[d]
		if !ok {
			return MailDomain{Domain: d, Verdict: MailAlive}, true
		}
		md.Domain = d
		return md, true
	}
}

var world = lookups(map[string]MailDomain{
	"acmepay.iol":  {Verdict: MailMissing, Why: "NXDOMAIN"},
	"nullmx.io":    {Verdict: MailNoMail, Why: "null MX (RFC 7505)"},
	"nothing.io":   {Verdict: MailNoMail},
	"flaky.io":     {Verdict: MailUnchecked, Why: "SERVFAIL"},
	"soon.io":      {Verdict: MailAlive, Registration: RegistrationKnown, Expires: mailNow.Add(10 * 24 * time.Hour)},
	"later.io":     {Verdict: MailAlive, Registration: RegistrationKnown, Expires: mailNow.Add(40 * 24 * time.Hour)},
	"lapsed.io":    {Verdict: MailAlive, Registration: RegistrationKnown, Expires: mailNow.Add(-time.Hour)},
	"noexpiry.io":  {Verdict: MailAlive, Registration: RegistrationKnown},
	"nordap.io":    {Verdict: MailAlive, Registration: RegistrationUnchecked, RegistrationWhy: "no RDAP server for the domain's TLD"},
	"gone-rdap.io": {Verdict: MailMissing, Registration: RegistrationUnchecked},
	"nullsoon.io":  {Verdict: MailNoMail, Why: "null MX (RFC 7505)", Registration: RegistrationKnown, Expires: mailNow.Add(24 * time.Hour)},
	"flakyrdap.io": {Verdict: MailUnchecked, Why: "no answer within 2s", Registration: RegistrationUnchecked, RegistrationWhy: "timeout"},
})

func TestMailFindings(t *testing.T) {
	type fired struct {
		typ      Type
		rule     string
		severity Severity
	}
	sec := func(email string) Account {
		a := secOnly(with(func(d *Details) { d.Email = email }))
		a.Email = ""
		return a
	}
	root := func(email string, mgmt bool) Account {
		a := acct(nil)
		a.Email, a.Management = email, mgmt
		return a
	}
	days := func(n int) *Policy { return policyWith(func(p *Policy) { p.Rules.DomainExpiryDays = n }) }
	override := func(rule string, s Severity) *Policy {
		return policyWith(func(p *Policy) { p.Rules.Severity = map[string]Severity{rule: s} })
	}
	tests := []struct {
		name   string
		policy *Policy
		a      Account
		types  []Type
		want   []fired
		msg    string // a substring of the first finding's message
		hint   string // a substring of the first finding's hint
	}{
		{name: "alive", a: sec("security@acmepay.io")},
		{name: "missing contact", a: sec("security@acmepay.iol"), want: []fired{{Security, RuleMailDomainMissing, High}},
			msg: "the domain acmepay.iol does not exist (NXDOMAIN)", hint: "correct the address"},
		{name: "missing root is critical", a: root("aws@acmepay.iol", false), want: []fired{{Root, RuleMailDomainMissing, Critical}},
			msg: "root password reset", hint: "start-primary-email-update --account-id 111111111111"},
		{name: "missing root of the management account", a: root("aws@acmepay.iol", true), want: []fired{{Root, RuleMailDomainMissing, Critical}},
			hint: "management account's root user"},
		{name: "null MX", a: sec("security@nullmx.io"), want: []fired{{Security, RuleMailDomainNoMail, High}},
			msg: "accepts no mail (null MX (RFC 7505))", hint: "publish MX records for nullmx.io"},
		{name: "no MX no A", a: sec("security@nothing.io"), want: []fired{{Security, RuleMailDomainNoMail, High}},
			msg: "no MX and no A/AAAA record"},
		{name: "unchecked", a: sec("security@flaky.io"), want: []fired{{Security, RuleMailDomainUnchecked, Info}},
			msg: "could not be checked in DNS (SERVFAIL)", hint: "dig MX flaky.io"},
		{name: "expiring inside the default window", a: sec("security@soon.io"), want: []fired{{Security, RuleMailDomainExpiring, High}},
			msg: "expires on 2026-12-15 (in 10 day(s))", hint: "renew soon.io"},
		{name: "outside the default window", a: sec("security@later.io")},
		{name: "inside a wider window", policy: days(60), a: sec("security@later.io"), want: []fired{{Security, RuleMailDomainExpiring, High}}},
		{name: "outside a narrower window", policy: days(5), a: sec("security@soon.io")},
		{name: "expired is critical", a: sec("security@lapsed.io"), want: []fired{{Security, RuleMailDomainExpiring, Critical}},
			msg: "expired on 2026-12-05"},
		{name: "no expiration event", a: sec("security@noexpiry.io")},
		{name: "registration unchecked", a: sec("security@nordap.io"), want: []fired{{Security, RuleMailDomainUnchecked, Info}},
			msg: "could not be checked over RDAP (no RDAP server"},
		{name: "missing domain has no registration to judge", a: sec("security@gone-rdap.io"), want: []fired{{Security, RuleMailDomainMissing, High}}},
		{name: "no mail and expiring", a: sec("security@nullsoon.io"),
			want: []fired{{Security, RuleMailDomainNoMail, High}, {Security, RuleMailDomainExpiring, High}}},
		{name: "both unchecked", a: sec("security@flakyrdap.io"),
			want: []fired{{Security, RuleMailDomainUnchecked, Info}, {Security, RuleMailDomainUnchecked, Info}}},
		{name: "override beats the root escalation", policy: override(RuleMailDomainMissing, Medium), a: root("aws@acmepay.iol", false),
			want: []fired{{Root, RuleMailDomainMissing, Medium}}},
		{name: "override beats the expiry escalation", policy: override(RuleMailDomainExpiring, Low), a: sec("security@lapsed.io"),
			want: []fired{{Security, RuleMailDomainExpiring, Low}}},
		{name: "override of unchecked", policy: override(RuleMailDomainUnchecked, Medium), a: sec("security@flaky.io"),
			want: []fired{{Security, RuleMailDomainUnchecked, Medium}}},
		{name: "every type and the root, each its own finding",
			a: func() Account {
				a := acct(map[Type]*Details{
					Security:   with(func(d *Details) { d.Email = "security@acmepay.iol" }),
					Operations: with(func(d *Details) { d.Email = "ops@nullmx.io" }),
					Billing:    with(func(d *Details) { d.Email = "billing@acmepay.iol" }),
				})
				a.Email = "aws@acmepay.iol"
				return a
			}(),
			want: []fired{{Security, RuleMailDomainMissing, High}, {Operations, RuleMailDomainNoMail, High},
				{Billing, RuleMailDomainMissing, High}, {Root, RuleMailDomainMissing, Critical}}},
		{name: "types not read are not judged", types: []Type{Operations},
			a: sec("security@acmepay.iol")},
		{name: "an address without a domain", a: sec("nobody")},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			types := tc.types
			if types == nil {
				types = Types()
			}
			fs := tc.policy.MailFindings(tc.a, types, world, mailNow)
			var got []fired
			for _, f := range fs {
				got = append(got, fired{f.Type, f.Rule, f.Severity})
				covered[f.Rule] = true
				if f.Field != fieldEmail || f.Message == "" || f.Hint == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("finding %d: got %v, want %v", i, got[i], tc.want[i])
				}
			}
			if tc.msg != "" && !strings.Contains(fs[0].Message, tc.msg) {
				t.Errorf("message %q lacks %q", fs[0].Message, tc.msg)
			}
			if tc.hint != "" && !strings.Contains(fs[0].Hint, tc.hint) {
				t.Errorf("hint %q lacks %q", fs[0].Hint, tc.hint)
			}
		})
	}
	for _, id := range RuleIDs() {
		if strings.HasPrefix(id, "mail-domain-") && !covered[id] {
			t.Errorf("rule %s never fired", id)
		}
	}
	// --no-dns: no lookup, no finding.
	if fs := DefaultPolicy().MailFindings(secOnly(with(func(d *Details) { d.Email = "x@acmepay.iol" })), Types(), nil, mailNow); len(fs) != 0 {
		t.Errorf("without lookups: %v", fs)
	}
	if fs := DefaultPolicy().MailFindings(sec("x@acmepay.iol"), Types(), func(string) (MailDomain, bool) { return MailDomain{}, false }, mailNow); len(fs) != 0 {
		t.Errorf("unchecked domains: %v", fs)
	}
}

func TestMailErrors(t *testing.T) {
	src := `version: 1
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.iol, phone: "+1 206 555 7700"}
  BILLING:
    name: Finance
    title: Accounts Payable
    email: ap@flaky.io
    phone: "+1 206 555 7700"
overrides:
  - ou: Root/Sandbox
    contacts:
      OPERATIONS:
        name: Sandbox Ops
        title: Platform
        email: ops@nullmx.io
        phone: "+1 206 555 7700"
  - account: "123456789012"
    contacts:
      SECURITY: {name: Security Operations, title: Security Team, email: sec@acmepay.io, phone: "+1 206 555 7700"}
      BILLING: {name: Finance, title: Accounts Payable, email: ap2@flaky.io, phone: "+1 206 555 7700"}
`
	p, err := ParsePolicy("policy.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(p.MailDomains(), ","), "acmepay.iol,flaky.io,nullmx.io,acmepay.io"; got != want {
		t.Errorf("MailDomains = %s, want %s", got, want)
	}
	errs, dead, warns := p.MailErrors(world)
	if strings.Join(dead, ",") != "acmepay.iol,nullmx.io" {
		t.Errorf("dead = %v", dead)
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		`policy.yaml:3:63: contacts.SECURITY.email: email "security@acmepay.iol": the domain acmepay.iol does not exist (NXDOMAIN) (mail-domain-missing)`,
		`policy.yaml:15:9: overrides[0].contacts.OPERATIONS.email: email "ops@nullmx.io": the domain nullmx.io accepts no mail (null MX (RFC 7505)) (mail-domain-no-mail)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "flaky.io") {
		t.Errorf("warnings %v: want one for flaky.io", warns)
	}
	if errs, dead, warns := p.MailErrors(nil); errs != nil || dead != nil || warns != nil {
		t.Errorf("--no-dns: %v %v %v", errs, dead, warns)
	}
}

// worldChecker is a MailChecker over world that records the order of its
// calls.
type worldChecker struct{ calls []string }

func (w *worldChecker) Start(_ context.Context, d string) { w.calls = append(w.calls, "start "+d) }

func (w *worldChecker) Check(_ context.Context, d string) MailDomain {
	w.calls = append(w.calls, "check "+d)
	md, _ := world(d)
	return md
}

// CheckMail starts every domain's lookup before it waits for one (they
// run at once), then judges as MailErrors does; --no-dns (nil) and no
// policy find nothing.
func TestPolicyCheckMail(t *testing.T) {
	t.Parallel()
	src := `version: 1
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.iol, phone: "+1 206 555 7700"}
  BILLING: {name: Finance, title: Accounts Payable, email: ap@flaky.io, phone: "+1 206 555 7700"}
  OPERATIONS: {name: Ops, title: Platform, email: ops@acmepay.io, phone: "+1 206 555 7700"}
`
	p, err := ParsePolicy("policy.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	mc := &worldChecker{}
	errs, dead, warns := p.CheckMail(context.Background(), mc)
	starts := []string{"start acmepay.iol", "start acmepay.io", "start flaky.io"}
	if len(mc.calls) < len(starts) || !slices.Equal(mc.calls[:len(starts)], starts) {
		t.Errorf("calls %v: want every lookup started first, %v", mc.calls, starts)
	}
	wantErrs, wantDead, wantWarns := p.MailErrors(world)
	if len(errs) != 1 || len(wantErrs) != 1 || errs[0].Error() != wantErrs[0].Error() {
		t.Errorf("errs %v, want %v", errs, wantErrs)
	}
	if !slices.Equal(dead, wantDead) || !slices.Equal(dead, []string{"acmepay.iol"}) {
		t.Errorf("dead %v, want [acmepay.iol]", dead)
	}
	if !slices.Equal(warns, wantWarns) || len(warns) != 1 {
		t.Errorf("warnings %v, want %v", warns, wantWarns)
	}
	if errs, dead, warns := p.CheckMail(context.Background(), nil); errs != nil || dead != nil || warns != nil {
		t.Errorf("--no-dns: %v %v %v", errs, dead, warns)
	}
	var none *Policy
	if errs, dead, warns := none.CheckMail(context.Background(), &worldChecker{}); errs != nil || dead != nil || warns != nil {
		t.Errorf("no policy: %v %v %v", errs, dead, warns)
	}
}

// FuzzMailFindings: whatever the lookups say, findings are complete, only
// mail rules, and critical only where the rules escalate.
func FuzzMailFindings(f *testing.F) {
	f.Add("security@acmepay.iol", "aws@x.io", 1, 0, int64(0), 30)
	f.Add("a@b.c", "", 2, 1, int64(-5), 0)
	f.Fuzz(func(t *testing.T, email, rootEmail string, verdict, reg int, expiresDays int64, window int) {
		verdicts := []MailVerdict{MailAlive, MailMissing, MailNoMail, MailUnchecked, "bogus"}
		regs := []RegistrationVerdict{RegistrationNotAsked, RegistrationKnown, RegistrationUnchecked}
		md := MailDomain{
			Verdict:      verdicts[((verdict%len(verdicts))+len(verdicts))%len(verdicts)],
			Registration: regs[((reg%len(regs))+len(regs))%len(regs)],
			Expires:      mailNow.Add(time.Duration(expiresDays%100000) * time.Hour),
		}
		p := policyWith(func(p *Policy) { p.Rules.DomainExpiryDays = window })
		a := acct(map[Type]*Details{Security: {Email: email}})
		a.Email = rootEmail
		fs := p.MailFindings(a, Types(), func(string) (MailDomain, bool) { return md, true }, mailNow)
		for _, f := range fs {
			if !strings.HasPrefix(f.Rule, "mail-domain-") || f.Message == "" || f.Hint == "" || !f.Severity.Valid() {
				t.Fatalf("bad finding %+v", f)
			}
			if f.Severity == Critical && !(f.Rule == RuleMailDomainMissing && f.Type == Root) && f.Rule != RuleMailDomainExpiring {
				t.Fatalf("critical without escalation: %+v", f)
			}
		}
	})
}
