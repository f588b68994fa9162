package contact

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func team(n string) Details {
	return Details{Name: n + " Security", Title: "Security Team", Email: strings.ToLower(n) + "-security@acmepay.io", Phone: "+1 206 555 7700"}
}

func TestDesired(t *testing.T) {
	p := &Policy{
		Version:  1,
		Contacts: map[Type]Details{Security: team("Org"), Billing: team("Billing")},
		Overrides: []Override{
			{Account: "222222222222", Contacts: map[Type]Details{Security: team("Acct1")}},
			{OU: "Root/Sandbox", Contacts: map[Type]Details{Security: team("Sandbox"), Operations: team("SandboxOps")}},
			{OU: "Root/Sandbox/Dev", Contacts: map[Type]Details{Security: team("Dev")}},
			{OU: "ou-ab12-11111111", Contacts: map[Type]Details{Security: team("ById")}},
			{Account: "222222222222", Contacts: map[Type]Details{Security: team("Acct2")}},
			{OU: "Root/Sandbox", Contacts: map[Type]Details{Operations: team("SandboxOps2")}},
		},
	}
	tests := []struct {
		name string
		a    Account
		want map[Type]Details
	}{
		{"org default only", Account{ID: "111111111111", OUPath: "Root/Prod", OUIDs: []string{"r-ab12", "ou-ab12-99999999"}},
			map[Type]Details{Security: team("Org"), Billing: team("Billing")}},
		{"ou path", Account{ID: "111111111111", OUPath: "Root/Sandbox"},
			map[Type]Details{Security: team("Sandbox"), Operations: team("SandboxOps2"), Billing: team("Billing")}},
		{"ou path prefix covers nested OUs; later entry wins", Account{ID: "111111111111", OUPath: "Root/Sandbox/Dev/Team"},
			map[Type]Details{Security: team("Dev"), Operations: team("SandboxOps2"), Billing: team("Billing")}},
		{"path prefix is per segment", Account{ID: "111111111111", OUPath: "Root/SandboxOld"},
			map[Type]Details{Security: team("Org"), Billing: team("Billing")}},
		// The id names the Sandbox OU; the nearer Root/Sandbox/Dev wins
		// SECURITY although it comes earlier in the file.
		{"ou id anywhere on the path, nearest ancestor wins", Account{ID: "111111111111", OUPath: "Root/Sandbox/Dev", OUIDs: []string{"r-ab12", "ou-ab12-11111111", "ou-ab12-22222222"}},
			map[Type]Details{Security: team("Dev"), Operations: team("SandboxOps2"), Billing: team("Billing")}},
		{"account beats ou regardless of order; later account entry wins", Account{ID: "222222222222", OUPath: "Root/Sandbox/Dev", OUIDs: []string{"ou-ab12-11111111"}},
			map[Type]Details{Security: team("Acct2"), Operations: team("SandboxOps2"), Billing: team("Billing")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, p.Desired(tt.a)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if got := DefaultPolicy().Desired(Account{ID: "1"}); len(got) != 0 {
		t.Errorf("default policy desires %v", got)
	}
	var nilPolicy *Policy
	if got := nilPolicy.Desired(Account{}); got == nil || len(got) != 0 {
		t.Errorf("nil policy desires %v", got)
	}
}

func TestDesiredDoesNotAlias(t *testing.T) {
	p := &Policy{Contacts: map[Type]Details{Security: team("Org")}}
	d := p.Desired(Account{})
	d[Security] = team("Changed")
	if p.Contacts[Security] != team("Org") {
		t.Error("Desired returned the policy's own map")
	}
}

func TestExcluded(t *testing.T) {
	p := &Policy{Exclude: Exclude{Accounts: []string{"333333333333"}, OUs: []string{"Root/Suspended", "ou-ab12-44444444"}}}
	tests := []struct {
		name string
		a    Account
		want bool
	}{
		{"by id", Account{ID: "333333333333", OUPath: "Root"}, true},
		{"by path", Account{ID: "1", OUPath: "Root/Suspended"}, true},
		{"by nested path", Account{ID: "1", OUPath: "Root/Suspended/Old"}, true},
		{"by ou id", Account{ID: "1", OUPath: "Root/X", OUIDs: []string{"r-ab12", "ou-ab12-44444444"}}, true},
		{"similar path", Account{ID: "1", OUPath: "Root/SuspendedNot"}, false},
		{"case matters", Account{ID: "1", OUPath: "Root/suspended"}, false},
		{"other", Account{ID: "1", OUPath: "Root/Prod", OUIDs: []string{"r-ab12"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Excluded(tt.a); got != tt.want {
				t.Errorf("Excluded = %v, want %v", got, tt.want)
			}
		})
	}
	root := &Policy{Exclude: Exclude{OUs: []string{"Root"}}}
	if !root.Excluded(Account{ID: "1", OUPath: "Root/Anything"}) {
		t.Error("Root excludes everything")
	}
}

func TestCheck(t *testing.T) {
	src := `version: 1
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
  BILLING: {name: Marco Rossi, title: Finance, email: marco.rossi@gmail.com, phone: "+1 206 555 7701"}
rules:
  severity: {personal-name: info}
overrides:
  - ou: Root/Sandbox
    contacts:
      SECURITY: {name: TBD, title: Security Team, email: security@example.com, phone: "+1 206 555 7700"}
`
	p, err := ParsePolicy("policy.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	type short struct {
		Rule     string
		Severity Severity
		Message  string
	}
	var got []short
	for _, f := range p.Check() {
		got = append(got, short{f.Rule, f.Severity, f.Message})
	}
	want := []short{
		{"personal-address", Medium, `contacts.BILLING: email "marco.rossi@gmail.com" looks like the personal mailbox of Marco Rossi`},
		{"free-mail", High, `contacts.BILLING: email "marco.rossi@gmail.com" is at the consumer mail provider gmail.com`},
		{"personal-name", Info, `contacts.BILLING: name "Marco Rossi" looks like a person rather than a team`},
		{"placeholder", High, `overrides[0] (ou Root/Sandbox, line 8) contacts.SECURITY: name "TBD" is a placeholder`},
		{"placeholder", High, `overrides[0] (ou Root/Sandbox, line 8) contacts.SECURITY: email "security@example.com" uses the reserved domain example.com`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if fs := DefaultPolicy().Check(); len(fs) != 0 {
		t.Errorf("default policy Check() = %v", fs)
	}
}

// The nearest ancestor OU wins, whatever the order in the file; for the
// same OU the later entry wins; an account override beats both.
func TestDesiredNearestAncestorWins(t *testing.T) {
	mk := func(email string) Details {
		return Details{Name: "Security Operations", Title: "Security Team", Email: email, Phone: "+1 206 555 7700"}
	}
	p := &Policy{
		Contacts: map[Type]Details{Security: mk("org@acmepay.io")},
		Overrides: []Override{
			{OU: "Root/Workloads/Prod", Contacts: map[Type]Details{Security: mk("prod@acmepay.io")}},
			{OU: "Root/Workloads", Contacts: map[Type]Details{Security: mk("workloads@acmepay.io")}},
			{OU: "ou-ab12-prod0001", Contacts: map[Type]Details{Security: mk("prod-by-id@acmepay.io")}},
		},
	}
	prod := Account{ID: "111111111111", OUPath: "Root/Workloads/Prod", OUIDs: []string{"r-ab12", "ou-ab12-work0001", "ou-ab12-prod0001"}}
	dev := Account{ID: "222222222222", OUPath: "Root/Workloads/Dev", OUIDs: []string{"r-ab12", "ou-ab12-work0001", "ou-ab12-dev00001"}}
	if got := p.Desired(prod)[Security].Email; got != "prod-by-id@acmepay.io" {
		t.Errorf("prod: %s (the later entry for the nearest OU should win)", got)
	}
	if got := p.Desired(dev)[Security].Email; got != "workloads@acmepay.io" {
		t.Errorf("dev: %s", got)
	}
	p.Overrides = append(p.Overrides, Override{Account: "111111111111", Contacts: map[Type]Details{Security: mk("acct@acmepay.io")}})
	p.Overrides = append(p.Overrides, Override{OU: "Root", Contacts: map[Type]Details{Security: mk("root@acmepay.io")}})
	if got := p.Desired(prod)[Security].Email; got != "acct@acmepay.io" {
		t.Errorf("account override: %s", got)
	}
	if got := p.Desired(dev)[Security].Email; got != "workloads@acmepay.io" {
		t.Errorf("a later Root override must not beat a nearer OU: %s", got)
	}
}
