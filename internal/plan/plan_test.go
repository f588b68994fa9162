package plan_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/inventory"
	"github.com/altcontacts/altcontacts/internal/plan"
	"github.com/altcontacts/altcontacts/internal/strict"
)

const scale = 20.0

const basePolicy = `version: 1
require: [SECURITY]
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
`

var (
	durable    = contact.Details{Name: "Security Operations", Title: "Security Team", Email: "security@acmepay.io", Phone: "+1 206 555 7700"}
	sandboxSec = contact.Details{Name: "Sandbox Security", Title: "Security Team", Email: "sandbox-security@acmepay.io", Phone: "+1 206 555 7701"}
	bobSec     = contact.Details{Name: "Bob Team Security", Title: "Security Team", Email: "bob-oncall@acmepay.io", Phone: "+1 206 555 7702"}
	secOUSec   = contact.Details{Name: "Security Tooling", Title: "Security Team", Email: "sec-tooling@acmepay.io", Phone: "+1 206 555 7703"}
)

func fintech(t *testing.T) (*emulator.Emulator, *awsorg.Client) {
	t.Helper()
	e := emulator.New(emulator.WithQuotaScale(scale))
	return e, awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(scale)})
}

func policy(t *testing.T, src string) *contact.Policy {
	t.Helper()
	p, err := contact.ParsePolicy("policy.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParsePolicy: %v\n%s", err, src)
	}
	return p
}

func build(t *testing.T, c *awsorg.Client, p *contact.Policy, src string, o plan.Options) (*plan.Plan, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return plan.Build(ctx, c, p, []byte(src), o)
}

func changeOf(t *testing.T, pl *plan.Plan, account string, typ contact.Type) plan.Change {
	t.Helper()
	for _, ch := range pl.Changes {
		if ch.AccountID == account && (ch.Type == typ || ch.Action == plan.Skip && ch.Type == "") {
			return ch
		}
	}
	t.Fatalf("no change for %s %s", account, typ)
	return plan.Change{}
}

func TestFintech(t *testing.T) {
	_, c := fintech(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	pl, err := build(t, c, policy(t, basePolicy), basePolicy, plan.Options{Now: func() time.Time { return now }, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if want := (plan.Summary{Create: 14, Update: 4, Noop: 5, Skip: 1}); pl.Summary != want {
		t.Errorf("summary = %+v, want %+v", pl.Summary, want)
	}
	if pl.Schema != plan.Schema || !pl.GeneratedAt.Equal(now) || pl.ToolVersion != "test" {
		t.Errorf("header = %q %v %q", pl.Schema, pl.GeneratedAt, pl.ToolVersion)
	}
	if pl.Policy.File != "policy.yaml" || pl.Policy.SHA256 != plan.Hash([]byte(basePolicy)) || len(pl.Policy.SHA256) != 64 {
		t.Errorf("policy ref = %+v", pl.Policy)
	}
	if pl.Organization == nil || pl.Organization.ManagementAccountID != "401726385920" || pl.Caller.Account != "401726385920" {
		t.Errorf("organization %+v, caller %+v", pl.Organization, pl.Caller)
	}
	if n := len(pl.Writes()); n != 18 {
		t.Errorf("Writes() = %d changes, want 18", n)
	}

	mgmt := changeOf(t, pl, "401726385920", contact.Security)
	if mgmt.Action != plan.Create || !mgmt.Management || mgmt.Before != nil || mgmt.After == nil || *mgmt.After != durable {
		t.Errorf("management account: %+v", mgmt)
	}
	ci := changeOf(t, pl, "265937401187", contact.Security)
	if ci.Action != plan.Update || ci.Before == nil || ci.Before.Email != "marco.rossi@acmepay.io" || *ci.After != durable {
		t.Errorf("ci-cd: %+v", ci)
	}
	if d := cmp.Diff([]string{"name", "title", "email", "phone"}, ci.Fields); d != "" {
		t.Errorf("ci-cd fields (-want +got):\n%s", d)
	}
	audit := changeOf(t, pl, "184930275561", contact.Security)
	if audit.Action != plan.Update || len(audit.Fields) == 0 || len(audit.Fields) == 4 {
		t.Errorf("audit (same phone, other fields differ): %+v", audit)
	}
	noop := changeOf(t, pl, "593018274615", contact.Security)
	if noop.Action != plan.Noop || noop.Before == nil || *noop.Before != durable || noop.OUPath != "Root/Security" {
		t.Errorf("security-tooling: %+v", noop)
	}
	skip := changeOf(t, pl, "753910284406", "")
	if skip.Action != plan.Skip || !strings.Contains(skip.Reason, "SUSPENDED") || skip.Unknown {
		t.Errorf("legacy-payments: %+v", skip)
	}
	// Changes come sorted by account.
	for i := 1; i < len(pl.Changes); i++ {
		if pl.Changes[i-1].AccountID > pl.Changes[i].AccountID {
			t.Fatalf("changes not sorted by account at %d", i)
		}
	}
}

func TestOverrides(t *testing.T) {
	e, c := fintech(t)
	var secOU string
	for _, o := range e.State().OUs {
		if o.Name == "Security" {
			secOU = o.ID
		}
	}
	if secOU == "" {
		t.Fatal("no Security OU in fintech")
	}
	// The account override comes first in the file and still wins over the
	// OU override of its OU.
	src := basePolicy + fmt.Sprintf(`overrides:
  - account: "446103928857"
    contacts: {SECURITY: {name: %s, title: %s, email: %s, phone: "%s"}}
  - ou: Root/Sandbox
    contacts: {SECURITY: {name: %s, title: %s, email: %s, phone: "%s"}}
  - ou: %s
    contacts: {SECURITY: {name: %s, title: %s, email: %s, phone: "%s"}}
`, bobSec.Name, bobSec.Title, bobSec.Email, bobSec.Phone,
		sandboxSec.Name, sandboxSec.Title, sandboxSec.Email, sandboxSec.Phone,
		secOU, secOUSec.Name, secOUSec.Title, secOUSec.Email, secOUSec.Phone)
	pl, err := build(t, c, policy(t, src), src, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		account string
		action  string
		want    contact.Details
	}{
		{"938265104473", plan.Create, sandboxSec}, // sandbox-alice: OU path
		{"571839204668", plan.Create, sandboxSec}, // sandbox-ml: OU path
		{"446103928857", plan.Create, bobSec},     // sandbox-bob: account beats OU
		{"593018274615", plan.Update, secOUSec},   // security-tooling: OU id
		{"728415903362", plan.Update, secOUSec},   // log-archive: OU id
		{"619283740556", plan.Noop, durable},      // payments-prod: default
		{"476120938574", plan.Create, durable},    // cards-prod: default
	} {
		ch := changeOf(t, pl, tc.account, contact.Security)
		if ch.Action != tc.action || ch.After == nil || *ch.After != tc.want {
			t.Errorf("%s: %s %+v; want %s %+v", tc.account, ch.Action, ch.After, tc.action, tc.want)
		}
	}
	if want := (plan.Summary{Create: 14, Update: 6, Noop: 3, Skip: 1}); pl.Summary != want {
		t.Errorf("summary = %+v, want %+v", pl.Summary, want)
	}
}

func TestMissingReferences(t *testing.T) {
	_, c := fintech(t)
	src := basePolicy + `overrides:
  - ou: Root/Sandbox
    contacts: {SECURITY: {name: Sandbox Security, title: Security Team, email: sandbox-security@acmepay.io, phone: "+1 206 555 7701"}}
  - ou: Root/Nowhere
    contacts: {SECURITY: {name: Sandbox Security, title: Security Team, email: sandbox-security@acmepay.io, phone: "+1 206 555 7701"}}
  - account: "111122223333"
    contacts: {SECURITY: {name: Sandbox Security, title: Security Team, email: sandbox-security@acmepay.io, phone: "+1 206 555 7701"}}
exclude:
  ous: [Root/Gone]
  accounts: ["999988887777"]
`
	_, err := build(t, c, policy(t, src), src, plan.Options{})
	var fes strict.FileErrors
	if !errors.As(err, &fes) {
		t.Fatalf("Build = %v; want strict.FileErrors", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`policy.yaml:8:5: overrides[1].ou: "Root/Nowhere" is not an OU of organization o-7xq2m4k9pz`,
		`policy.yaml:10:5: overrides[2].account: 111122223333 is not an account`,
		`policy.yaml:13:9: exclude.ous[0]: "Root/Gone" is not an OU`,
		`policy.yaml:14:14: exclude.accounts[0]: 999988887777 is not an account`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if len(fes) != 4 {
		t.Errorf("problems = %q, want 4", fes)
	}
	if strings.Contains(msg, "Root/Sandbox") {
		t.Errorf("an existing OU was flagged:\n%s", msg)
	}
}

// With --accounts the report holds only some accounts, so account
// references outside the selection are not errors; OU references still are
// checked against the whole tree.
func TestAccountsFilter(t *testing.T) {
	_, c := fintech(t)
	src := basePolicy + `overrides:
  - account: "446103928857"
    contacts: {SECURITY: {name: Bob Team Security, title: Security Team, email: bob-oncall@acmepay.io, phone: "+1 206 555 7702"}}
  - ou: Root/Sandbox
    contacts: {SECURITY: {name: Sandbox Security, title: Security Team, email: sandbox-security@acmepay.io, phone: "+1 206 555 7701"}}
exclude:
  accounts: ["999988887777"]
`
	pl, err := build(t, c, policy(t, src), src, plan.Options{Accounts: []string{"265937401187", "938265104473"}})
	if err != nil {
		t.Fatalf("Build with --accounts: %v", err)
	}
	if len(pl.Changes) != 2 {
		t.Fatalf("changes = %+v, want the two selected accounts", pl.Changes)
	}
	if ch := changeOf(t, pl, "938265104473", contact.Security); *ch.After != sandboxSec {
		t.Errorf("sandbox-alice: %+v", ch.After)
	}
	// --ou narrows too.
	if _, err := build(t, c, policy(t, src), src, plan.Options{OUs: []string{"Root/Security"}}); err != nil {
		t.Errorf("Build with --ou: %v", err)
	}
	bad := src + "  ous: [Root/Gone]\n"
	if _, err := build(t, c, policy(t, bad), bad, plan.Options{Accounts: []string{"265937401187"}}); !errors.As(err, new(*strict.FileError)) {
		t.Errorf("a missing OU with --accounts: Build = %v; want a *strict.FileError", err)
	}
}

func TestTypes(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []contact.Type
	}{
		{"version: 1\n", []contact.Type{contact.Security}},
		{basePolicy, []contact.Type{contact.Security}},
		{`version: 1
require: [SECURITY]
contacts:
  BILLING: {name: Finance Operations, title: Accounts Payable, email: billing@acmepay.io, phone: "+1 206 555 7710"}
overrides:
  - ou: Root/Sandbox
    contacts:
      OPERATIONS: {name: Cloud Platform, title: Platform Engineering, email: cloud-ops@acmepay.io, phone: "+1 206 555 7720"}
`, []contact.Type{contact.Security, contact.Operations, contact.Billing}},
		{`version: 1
require: [BILLING]
contacts:
  BILLING: {name: Finance Operations, title: Accounts Payable, email: billing@acmepay.io, phone: "+1 206 555 7710"}
`, []contact.Type{contact.Billing}},
	} {
		if d := cmp.Diff(tc.want, plan.Types(policy(t, tc.src))); d != "" {
			t.Errorf("Types(%q) (-want +got):\n%s", tc.src, d)
		}
	}
}

// A type the policy requires but declares no contact for is a skip with a
// reason, not a write.
func TestRequiredWithoutContact(t *testing.T) {
	_, c := fintech(t)
	src := basePolicy + "require: [SECURITY, OPERATIONS]\n"
	src = strings.Replace(src, "require: [SECURITY]\n", "", 1)
	pl, err := build(t, c, policy(t, src), src, plan.Options{Accounts: []string{"401726385920"}})
	if err != nil {
		t.Fatal(err)
	}
	ops := changeOf(t, pl, "401726385920", contact.Operations)
	if ops.Action != plan.Skip || !strings.Contains(ops.Reason, "declares no contact") || ops.After != nil {
		t.Errorf("OPERATIONS: %+v", ops)
	}
	if sec := changeOf(t, pl, "401726385920", contact.Security); sec.Action != plan.Create {
		t.Errorf("SECURITY: %+v", sec)
	}
}

// Make turns each read status of an inventory into its changes, with no
// call to AWS.
func TestMakeFromInventory(t *testing.T) {
	p := policy(t, basePolicy)
	acct := func(id string, st inventory.Status, contacts map[contact.Type]*contact.Details) inventory.Account {
		return inventory.Account{Account: contact.Account{ID: id, Name: "n" + id, OUPath: "Root", Contacts: contacts}, State: "ACTIVE", Status: st}
	}
	other := durable
	other.Phone = "+1 206 555 7799"
	skipped := acct("555555555555", inventory.Skipped, nil)
	skipped.Reason = "excluded by policy"
	failed := acct("666666666666", inventory.Failed, nil)
	failed.Err = fmt.Errorf("get contact: %w", awsorg.ErrAccessDenied)
	interrupted := acct("777777777777", inventory.NotRead, nil)
	interrupted.Err = context.Canceled
	inv := &inventory.Inventory{Caller: awsorg.Identity{Account: "111111111111"}, Organization: &inventory.Organization{ID: "o-1"},
		Accounts: []inventory.Account{
			acct("111111111111", inventory.Read, map[contact.Type]*contact.Details{contact.Security: nil}),
			acct("222222222222", inventory.Read, map[contact.Type]*contact.Details{contact.Security: &other}),
			acct("333333333333", inventory.Read, map[contact.Type]*contact.Details{contact.Security: &durable}),
			acct("444444444444", inventory.NotRead, nil),
			skipped, failed, interrupted,
		}}
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	pl := plan.Make(inv, p, []byte(basePolicy), plan.Options{Now: func() time.Time { return now }, Version: "test"})
	type row struct {
		Account, Action, Reason string
		Unknown                 bool
		Fields                  []string
	}
	var got []row
	for _, ch := range pl.Changes {
		got = append(got, row{ch.AccountID, ch.Action, ch.Reason, ch.Unknown, ch.Fields})
	}
	want := []row{
		{"111111111111", plan.Create, "", false, nil},
		{"222222222222", plan.Update, "", false, []string{"phone"}},
		{"333333333333", plan.Noop, "", false, nil},
		{"444444444444", plan.Ensure, "", false, nil},
		{"555555555555", plan.Skip, "excluded by policy", false, nil},
		{"666666666666", plan.Skip, failed.Err.Error(), true, nil},
		{"777777777777", plan.Skip, "not read: the run was interrupted", true, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	wantSum := plan.Summary{Create: 1, Update: 1, Noop: 1, Ensure: 1, Skip: 3, Unknown: 2}
	if pl.Summary != wantSum || pl.Organization.ID != "o-1" || pl.Caller.Account != "111111111111" || !pl.GeneratedAt.Equal(now) {
		t.Errorf("plan = %+v", pl)
	}
}
