package inventory_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/inventory"
)

// client is a client of e as caller, with quotas scaled up on both sides so
// these tests are fast; pacing at the real quota is TestPacedBelowQuota's
// job.
func client(e *emulator.Emulator, caller string) *awsorg.Client {
	e.Update(func(s *emulator.State) { s.Settings.QuotaScale = 50 })
	return awsorg.New(e.ConfigAs(caller), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(50)})
}

func take(t *testing.T, e *emulator.Emulator, caller string, p *contact.Policy, o inventory.Options) *inventory.Inventory {
	t.Helper()
	inv, err := inventory.Take(context.Background(), client(e, caller), p, o)
	if err != nil {
		t.Fatalf("inventory: %v", err)
	}
	return inv
}

func byID(inv *inventory.Inventory) map[string]inventory.Account {
	m := map[string]inventory.Account{}
	for _, a := range inv.Accounts {
		m[a.ID] = a
	}
	return m
}

func count(inv *inventory.Inventory) map[inventory.Status]int {
	n := map[inventory.Status]int{}
	for _, a := range inv.Accounts {
		n[a.Status]++
	}
	return n
}

func TestFintech(t *testing.T) {
	e := emulator.New()
	inv := take(t, e, "", nil, inventory.Options{})
	if inv.Organization == nil || inv.Organization.ID != "o-7xq2m4k9pz" || inv.Organization.ManagementAccountID != "401726385920" {
		t.Errorf("organization = %+v", inv.Organization)
	}
	if inv.Caller.Account != "401726385920" {
		t.Errorf("caller = %+v", inv.Caller)
	}
	if got := count(inv); got[inventory.Read] != 23 || got[inventory.Skipped] != 1 || len(inv.Accounts) != 24 {
		t.Errorf("statuses = %v of %d", got, len(inv.Accounts))
	}
	for i := 1; i < len(inv.Accounts); i++ {
		if inv.Accounts[i-1].ID >= inv.Accounts[i].ID {
			t.Fatalf("accounts not sorted by id at %d", i)
		}
	}
	m := byID(inv)
	prod := m["619283740556"]
	if prod.OUPath != "Root/Workloads/Prod" || len(prod.OUIDs) != 3 || prod.Email != "aws+payments-prod@acmepay.io" || prod.Name != "payments-prod" || prod.State != "ACTIVE" {
		t.Errorf("payments-prod = %+v", prod)
	}
	if s := prod.Contacts[contact.Security]; s == nil || s.Email != "security@acmepay.io" {
		t.Errorf("payments-prod SECURITY = %+v", s)
	}
	if a := m["753910284406"]; a.Status != inventory.Skipped || a.Reason != "account state is SUSPENDED" || a.Contacts != nil {
		t.Errorf("suspended = %+v", a)
	}
	// Every OU on the walk is in the map, by id, with its path.
	paths := map[string]bool{}
	for _, p := range inv.OUs {
		paths[p] = true
	}
	for _, p := range []string{"Root", "Root/Workloads", "Root/Workloads/Prod", "Root/Sandbox", "Root/Suspended"} {
		if !paths[p] {
			t.Errorf("OU %s missing from %v", p, inv.OUs)
		}
	}
	for i, id := range prod.OUIDs {
		want := []string{"Root", "Root/Workloads", "Root/Workloads/Prod"}[i]
		if inv.OUs[id] != want {
			t.Errorf("OU %s = %q, want %q", id, inv.OUs[id], want)
		}
	}
}

// The management account must be read without AccountId: naming itself is
// a 403 on AWS, which naive loops report as an error or, worse, "missing".
func TestManagementReadInStandaloneContext(t *testing.T) {
	e := emulator.New()
	inv := take(t, e, "", nil, inventory.Options{})
	mgmt := byID(inv)["401726385920"]
	if mgmt.Status != inventory.Read || !mgmt.Management || mgmt.Err != nil {
		t.Fatalf("management account = %+v", mgmt)
	}
	if b := mgmt.Contacts[contact.Billing]; b == nil || b.Email != "billing@acmepay.io" {
		t.Errorf("management BILLING = %+v", b)
	}
	if st := e.Stats(); st.Operations["GetAlternateContact"].Requests != 23*3 {
		t.Errorf("GetAlternateContact requests = %d, want %d", st.Operations["GetAlternateContact"].Requests, 23*3)
	}
}

// Organizations pages hold at most 20 and may be empty with a NextToken;
// every account must still be found.
func TestPaginationBeyondTwentyAndEmptyPages(t *testing.T) {
	st, err := emulator.Generate(137, 5)
	if err != nil {
		t.Fatal(err)
	}
	e := emulator.New(emulator.WithState(st), emulator.WithEmptyPages(), emulator.WithoutThrottling())
	inv := take(t, e, "", nil, inventory.Options{Types: []contact.Type{contact.Security}})
	if len(inv.Accounts) != 137 {
		t.Fatalf("accounts = %d, want 137", len(inv.Accounts))
	}
	seen := map[string]bool{}
	for _, a := range inv.Accounts {
		if seen[a.ID] {
			t.Errorf("account %s twice", a.ID)
		}
		seen[a.ID] = true
	}
}

// An unset contact type must not hide the types read after it.
func TestMissingTypeDoesNotHideOthers(t *testing.T) {
	inv := take(t, emulator.New(), "", nil, inventory.Options{})
	mgmt := byID(inv)["401726385920"]
	if _, ok := mgmt.Contacts[contact.Security]; !ok || mgmt.Contacts[contact.Security] != nil {
		t.Errorf("SECURITY = %+v; want read and unset (nil)", mgmt.Contacts)
	}
	if mgmt.Contacts[contact.Operations] == nil || mgmt.Contacts[contact.Billing] == nil {
		t.Errorf("contacts = %+v; want OPERATIONS and BILLING read", mgmt.Contacts)
	}
	// Types narrows the reads.
	e := emulator.New()
	narrow := take(t, e, "", nil, inventory.Options{Types: []contact.Type{contact.Billing}})
	if c := byID(narrow)["401726385920"].Contacts; len(c) != 1 || c[contact.Billing] == nil {
		t.Errorf("--types BILLING contacts = %v", c)
	}
	if n := e.Stats().Operations["GetAlternateContact"].Requests; n != 23 {
		t.Errorf("GetAlternateContact requests = %d, want 23", n)
	}
}

// AccessDenied is Failed with its typed error, never Read and never
// "missing"; the run goes on.
func TestAccessDeniedIsFailed(t *testing.T) {
	e := emulator.New(emulator.WithFault(emulator.Fault{Op: "GetAlternateContact", Rate: 1, Error: "AccessDeniedException", Account: "593018274615"}))
	inv := take(t, e, "", nil, inventory.Options{})
	a := byID(inv)["593018274615"]
	if a.Status != inventory.Failed || !errors.Is(a.Err, awsorg.ErrAccessDenied) {
		t.Fatalf("denied account = %+v", a)
	}
	var ae *awsorg.APIError
	if !errors.As(a.Err, &ae) || ae.Code != "AccessDeniedException" {
		t.Errorf("error = %#v, want an *awsorg.APIError with the code", a.Err)
	}
	if got := count(inv); got[inventory.Read] != 22 || got[inventory.Failed] != 1 {
		t.Errorf("statuses = %v", got)
	}
	if inv.Count(inventory.Read) != 22 || inv.Count(inventory.Failed) != 1 {
		t.Errorf("Count: read %d, failed %d", inv.Count(inventory.Read), inv.Count(inventory.Failed))
	}
	if errs := inv.Errors(); len(errs) != 1 || !errors.Is(errs[0], awsorg.ErrAccessDenied) || !strings.HasPrefix(errs[0].Error(), "account 593018274615: ") {
		t.Errorf("errors = %v", errs)
	}
}

// A delegated administrator cannot read the management account: it is
// Failed with ErrDelegatedManagement and never asked for. Its own account is
// read in standalone context.
func TestDelegatedAdministrator(t *testing.T) {
	e := emulator.New()
	e.Update(func(s *emulator.State) {
		s.DelegatedAdmins = append(s.DelegatedAdmins, emulator.Delegation{Account: "593018274615", Principal: "account.amazonaws.com"})
	})
	inv := take(t, e, "593018274615", nil, inventory.Options{})
	m := byID(inv)
	if a := m["401726385920"]; a.Status != inventory.Failed || !errors.Is(a.Err, inventory.ErrDelegatedManagement) || a.Contacts != nil {
		t.Errorf("management = %+v", a)
	}
	if a := m["593018274615"]; a.Status != inventory.Read || a.Contacts[contact.Security] == nil {
		t.Errorf("own account (standalone read) = %+v", a)
	}
	if a := m["619283740556"]; a.Status != inventory.Read {
		t.Errorf("member = %+v", a)
	}
	if n := e.Stats().Operations["GetAlternateContact"].Requests; n != 22*3 {
		t.Errorf("GetAlternateContact requests = %d, want %d (the management account is not asked)", n, 22*3)
	}
	// The rule holds without reads too: a streamed plan must not write there.
	walk := take(t, emulator.New(), "", nil, inventory.Options{NoReads: true})
	if a := byID(walk)["401726385920"]; a.Status != inventory.NotRead || a.Err != nil {
		t.Errorf("management from itself, no reads = %+v", a)
	}
}

func TestStandaloneAccountTakesItself(t *testing.T) {
	e := emulator.New(emulator.WithScenario("standalone"))
	inv := take(t, e, "", nil, inventory.Options{})
	if inv.Organization != nil || len(inv.Accounts) != 1 {
		t.Fatalf("inventory = %+v", inv)
	}
	a := inv.Accounts[0]
	if a.ID != "845201937466" || a.Status != inventory.Read || a.Management || a.State != "ACTIVE" || a.Contacts[contact.Security] != nil {
		t.Errorf("account = %+v", a)
	}
	// An exclusion or a filter does not hide the only account there is.
	p := &contact.Policy{Version: 1, Exclude: contact.Exclude{Accounts: []string{"845201937466"}}}
	if inv := take(t, e, "", p, inventory.Options{Accounts: []string{"111111111111"}}); len(inv.Accounts) != 1 || inv.Accounts[0].Status != inventory.Read {
		t.Errorf("excluded standalone = %+v", inv.Accounts)
	}
}

// --accounts and --ou (an id or a path, nested OUs included) select; the
// policy's exclusions and non-ACTIVE states skip.
func TestFilterAndSkip(t *testing.T) {
	e := emulator.New()
	all := take(t, e, "", nil, inventory.Options{NoReads: true})
	workloads := ""
	for id, path := range all.OUs {
		if path == "Root/Workloads" {
			workloads = id
		}
	}
	if workloads == "" {
		t.Fatalf("no Root/Workloads in %v", all.OUs)
	}
	ids := func(inv *inventory.Inventory) []string {
		var out []string
		for _, a := range inv.Accounts {
			out = append(out, a.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		o    inventory.Options
		want int
	}{
		{"ou path with nested OUs", inventory.Options{OUs: []string{"Root/Workloads"}}, 12},
		{"ou path with a slash", inventory.Options{OUs: []string{"Root/Workloads/"}}, 12},
		{"ou id with nested OUs", inventory.Options{OUs: []string{workloads}}, 12},
		{"leaf ou", inventory.Options{OUs: []string{"Root/Workloads/Dev"}}, 3},
		{"two ous", inventory.Options{OUs: []string{"Root/Sandbox", "Root/Security"}}, 6},
		{"accounts", inventory.Options{Accounts: []string{"619283740556", "753910284406"}}, 2},
		{"accounts and ou", inventory.Options{Accounts: []string{"619283740556", "938265104473"}, OUs: []string{"Root/Sandbox"}}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.NoReads = true
			inv := take(t, e, "", nil, tc.o)
			if len(inv.Accounts) != tc.want {
				t.Errorf("accounts = %v, want %d", ids(inv), tc.want)
			}
		})
	}

	// A path prefix is not an OU: a filter naming nothing is an error, not
	// an empty selection.
	var fe *inventory.FilterError
	if inv, err := inventory.Take(context.Background(), client(e, ""), nil, inventory.Options{OUs: []string{"Root/Work"}, NoReads: true}); !errors.As(err, &fe) || inv != nil {
		t.Errorf("--ou Root/Work: Take = %v, %v; want a *FilterError", inv, err)
	}

	p := &contact.Policy{Version: 1, Exclude: contact.Exclude{Accounts: []string{"619283740556"}, OUs: []string{"Root/Sandbox"}}}
	before := e.Stats().Operations["GetAlternateContact"].Requests
	inv := take(t, e, "", p, inventory.Options{Types: []contact.Type{contact.Security}})
	m := byID(inv)
	for _, id := range []string{"619283740556", "938265104473", "446103928857", "571839204668"} {
		if a := m[id]; a.Status != inventory.Skipped || a.Reason != "excluded by policy" {
			t.Errorf("%s = %+v, want skipped by policy", id, a)
		}
	}
	if a := m["753910284406"]; a.Status != inventory.Skipped || a.Reason != "account state is SUSPENDED" {
		t.Errorf("suspended = %+v", a)
	}
	if n := e.Stats().Operations["GetAlternateContact"].Requests - before; n != 23-4 {
		t.Errorf("GetAlternateContact requests = %d, want %d: skipped accounts are not read", n, 23-4)
	}
}

// NoReads walks, filters and skips, and reads nothing.
func TestNoReads(t *testing.T) {
	e := emulator.New()
	inv := take(t, e, "", nil, inventory.Options{NoReads: true})
	if got := count(inv); got[inventory.NotRead] != 23 || got[inventory.Skipped] != 1 {
		t.Errorf("statuses = %v", got)
	}
	for _, a := range inv.Accounts {
		if a.Contacts != nil || a.Err != nil {
			t.Errorf("%s = %+v, want no contacts and no error", a.ID, a)
		}
	}
	if n := e.Stats().Operations["GetAlternateContact"].Requests; n != 0 {
		t.Errorf("GetAlternateContact requests = %d, want 0", n)
	}
}

// Given accounts are taken as they are: no walk, no OU map; the filters
// and skip rules still apply.
func TestGiven(t *testing.T) {
	e := emulator.New()
	c := client(e, "")
	acct, err := c.LookupAccount(context.Background(), "619283740556")
	if err != nil {
		t.Fatal(err)
	}
	suspended, err := c.LookupAccount(context.Background(), "753910284406")
	if err != nil {
		t.Fatal(err)
	}
	walks := e.Stats().Operations["ListAccountsForParent"].Requests
	inv, err := inventory.Take(context.Background(), c, nil, inventory.Options{Given: []awsorg.Account{acct, suspended}})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Accounts) != 2 || len(inv.OUs) != 0 {
		t.Fatalf("inventory = %+v", inv)
	}
	if a := inv.Accounts[0]; a.ID != "619283740556" || a.Status != inventory.Read || a.OUPath != "Root/Workloads/Prod" || a.Contacts[contact.Security] == nil {
		t.Errorf("given = %+v", a)
	}
	if a := inv.Accounts[1]; a.Status != inventory.Skipped {
		t.Errorf("given suspended = %+v", a)
	}
	if n := e.Stats().Operations["ListAccountsForParent"].Requests; n != walks {
		t.Errorf("the organization was walked (%d ListAccountsForParent)", n-walks)
	}
}

// Reads are paced below the quota: accounts read from one caller at AWS's
// real rates must not fail, and throttles stay rare. The clock is real, so
// this runs at the quota: 25 reads at 10/s, 10 past the burst of 15, ≈ 1 s. It is
// the one test of pacing at the real quota (-short skips it); the others
// run on scaled quotas or the emulator's fake clock.
func TestPacedBelowQuota(t *testing.T) {
	if testing.Short() {
		t.Skip("runs at the real quota")
	}
	st, err := emulator.Generate(25, 9)
	if err != nil {
		t.Fatal(err)
	}
	e := emulator.New(emulator.WithState(st), emulator.WithLatency(5*time.Millisecond))
	inv, err := inventory.Take(context.Background(), awsorg.New(e.Config(), awsorg.Options{}), nil,
		inventory.Options{Types: []contact.Type{contact.Security}, Concurrency: 16})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range inv.Accounts {
		if a.Status == inventory.Failed {
			t.Errorf("%s failed: %v", a.ID, a.Err)
		}
	}
	s := e.Stats().Operations["GetAlternateContact"]
	if s.Throttled*50 > s.Requests {
		t.Errorf("throttled %d of %d requests (> 2%%)", s.Throttled, s.Requests)
	}
}

// Cancelling from a progress callback stops the reads: the accounts read
// stay read, and every other one is NotRead with the interrupt.
func TestCancelFromProgress(t *testing.T) {
	e := emulator.New()
	c := client(e, "")
	walk, err := inventory.Take(context.Background(), c, nil, inventory.Options{NoReads: true})
	if err != nil {
		t.Fatal(err)
	}
	var given []awsorg.Account
	for _, a := range walk.Accounts {
		given = append(given, awsorg.Account{ID: a.ID, Name: a.Name, Email: a.Email, State: a.State, OUPath: a.OUPath, OUIDs: a.OUIDs})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inv, err := inventory.Take(ctx, c, nil, inventory.Options{Given: given, Concurrency: 2, Progress: func(done, total int) {
		if done == 5 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || inv == nil {
		t.Fatalf("want a partial inventory and context.Canceled, got %v, %v", inv, err)
	}
	if len(inv.Accounts) != 24 {
		t.Errorf("accounts = %d, want all 24 given", len(inv.Accounts))
	}
	n := count(inv)
	// Five were done when the callback cancelled: the fifth read (or skip),
	// at most one more read already in flight, and no new one.
	if n[inventory.Read]+n[inventory.Skipped] < 5 || n[inventory.Read] > 6 || n[inventory.Failed] != 0 {
		t.Errorf("statuses = %v", n)
	}
	for _, a := range inv.Accounts {
		if a.Status == inventory.NotRead && (!errors.Is(a.Err, context.Canceled) || a.Contacts != nil) {
			t.Errorf("%s = %+v, want not read with the interrupt", a.ID, a)
		}
	}
	if n[inventory.NotRead] < 24-7 {
		t.Errorf("statuses = %v, want the rest not read", n)
	}
	if errs := inv.Errors(); len(errs) != n[inventory.NotRead] || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("errors = %v, want one interrupt per account not read", errs)
	}
}

// Cancelling during a walk returns what was found, every account either
// read or not read with the interrupt.
func TestCancelDuringWalk(t *testing.T) {
	// Latency on an injected sleep: each request sees the cancellation,
	// at no wall-clock cost.
	e := emulator.New(emulator.WithLatency(time.Millisecond),
		emulator.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inv, err := inventory.Take(ctx, client(e, ""), nil, inventory.Options{Concurrency: 2, Progress: func(done, total int) {
		if done == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || inv == nil {
		t.Fatalf("want a partial inventory and context.Canceled, got %v, %v", inv, err)
	}
	for _, a := range inv.Accounts {
		switch a.Status {
		case inventory.Read, inventory.Skipped:
		case inventory.NotRead:
			if !errors.Is(a.Err, context.Canceled) {
				t.Errorf("%s not read with %v", a.ID, a.Err)
			}
		default:
			t.Errorf("%s = %+v", a.ID, a)
		}
	}
	if n := count(inv); n[inventory.Read] > 4 || n[inventory.Read]+n[inventory.Skipped] < 3 {
		t.Errorf("statuses = %v", n)
	}
}

// An organization that cannot be listed at all is an error, not an empty
// inventory.
func TestWalkFailsOutright(t *testing.T) {
	e := emulator.New(emulator.WithFault(emulator.Fault{Op: "ListRoots", Rate: 1, Error: "AccessDeniedException"}))
	inv, err := inventory.Take(context.Background(), client(e, ""), nil, inventory.Options{})
	if inv != nil || !errors.Is(err, awsorg.ErrAccessDenied) {
		t.Errorf("got %+v, %v; want no inventory and access denied", inv, err)
	}
}

func TestDefaultConcurrency(t *testing.T) {
	for _, tc := range []struct {
		rate float64
		want int
	}{{0, 4}, {10, 7}, {3, 4}, {200, 64}} {
		if got := inventory.DefaultConcurrency(tc.rate); got != tc.want {
			t.Errorf("DefaultConcurrency(%v) = %d, want %d", tc.rate, got, tc.want)
		}
	}
}

func TestAccountProblem(t *testing.T) {
	tests := []struct {
		a    inventory.Account
		want string
	}{
		{inventory.Account{Status: inventory.Read}, ""},
		{inventory.Account{Status: inventory.Skipped, Reason: "excluded"}, ""},
		{inventory.Account{Status: inventory.NotRead}, ""},
		{inventory.Account{Status: inventory.NotRead, Err: context.Canceled}, "not read: the run was interrupted"},
		{inventory.Account{Status: inventory.Failed, Err: inventory.ErrDelegatedManagement}, inventory.ErrDelegatedManagement.Error()},
	}
	for _, tt := range tests {
		if got := tt.a.Problem(); got != tt.want {
			t.Errorf("%s/%v: Problem() = %q, want %q", tt.a.Status, tt.a.Err, got, tt.want)
		}
	}
}
