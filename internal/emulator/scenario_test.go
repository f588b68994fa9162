package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/google/go-cmp/cmp"
)

func TestFintechScenario(t *testing.T) {
	s, err := Builtin("fintech")
	mustNoErr(t, err)
	active, suspended, lacking := 0, 0, 0
	mgmtLacks := false
	for _, a := range s.Accounts {
		switch a.State {
		case "ACTIVE":
			active++
			if a.Contacts["SECURITY"] == nil {
				lacking++
				mgmtLacks = mgmtLacks || a.ID == s.Organization.ManagementAccount
			}
		case "SUSPENDED":
			suspended++
		}
	}
	if active != 23 || suspended != 1 || lacking != 14 || !mgmtLacks {
		t.Errorf("active %d suspended %d lacking %d (management among them: %v); want 23, 1, 14, true", active, suspended, lacking, mgmtLacks)
	}
	if len(s.OUs) < 4 {
		t.Errorf("%d OUs, want at least 4", len(s.OUs))
	}
	if d := ouDepth(s); d < 2 {
		t.Errorf("OU depth %d, want nested OUs", d)
	}
	if s.Organization.FeatureSet != "ALL" || !s.trusted("account.amazonaws.com") {
		t.Errorf("organization %+v, trusted %v", s.Organization, s.TrustedAccess)
	}
	if names := Builtins(); !cmp.Equal(names, []string{"fintech", "standalone"}) {
		t.Errorf("Builtins() = %v", names)
	}
	if _, err := Builtin("bank"); err == nil || !strings.Contains(err.Error(), `"bank"`) {
		t.Errorf("Builtin(bank) = %v", err)
	}
}

// ouDepth is the deepest OU nesting below the root (an OU directly under
// the root has depth 1).
func ouDepth(s *State) int {
	deepest := 0
	for _, o := range s.OUs {
		d := 1
		for p := o.Parent; p != s.Organization.RootID; d++ {
			p = s.ou(p).Parent
		}
		deepest = max(deepest, d)
	}
	return deepest
}

func TestSnapshotRestore(t *testing.T) {
	e := New(WithoutThrottling())
	_, err := as(e, "").acct.PutAlternateContact(ctx(t), putInput(aws.String(sharedID), "Snap Shot", "Security", "snap@acmepay.io", "+1 206 555 0100"))
	mustNoErr(t, err)
	snap, err := e.Snapshot()
	mustNoErr(t, err)

	f := New(WithScenario("standalone"), WithoutThrottling())
	mustNoErr(t, f.Restore(snap))
	again, err := f.Snapshot()
	mustNoErr(t, err)
	if d := cmp.Diff(string(snap), string(again)); d != "" {
		t.Errorf("snapshot after restore differs (-want +got):\n%s", d)
	}
	got, err := getContact(t, as(f, ""), aws.String(sharedID), acctypes.AlternateContactTypeSecurity)
	mustNoErr(t, err)
	if *got.Name != "Snap Shot" {
		t.Errorf("restored contact %q", *got.Name)
	}
	accts, _ := listAllAccounts(t, as(f, "").org, nil)
	if len(accts) != fintechSize {
		t.Errorf("%d accounts after restore", len(accts))
	}
	// The restored emulator is independent of the state it came from.
	e.Update(func(s *State) { s.account(sharedID).Contacts = nil })
	if f.State().account(sharedID).Contacts["SECURITY"] == nil {
		t.Error("restore shares state with the source")
	}

	for name, bad := range map[string]string{
		"not JSON":      "accounts: []",
		"unknown field": `{"organisation": {}}`,
	} {
		if err := f.Restore([]byte(bad)); err == nil {
			t.Errorf("%s: Restore accepted %q", name, bad)
		}
	}
	// A failed restore keeps the state.
	if f.State().Organization == nil {
		t.Error("failed restore dropped the state")
	}
}

func TestStateIsACopy(t *testing.T) {
	e := New()
	s := e.State()
	s.account(securityID).Contacts = nil
	s.Organization.FeatureSet = "CONSOLIDATED_BILLING"
	if e.State().account(securityID).Contacts["SECURITY"] == nil || e.State().Organization.FeatureSet != "ALL" {
		t.Error("changing State()'s result changed the emulator")
	}
	v := e.Version()
	e.Update(func(s *State) { s.Organization.FeatureSet = "CONSOLIDATED_BILLING" })
	if e.Version() == v || e.State().Organization.FeatureSet != "CONSOLIDATED_BILLING" {
		t.Error("Update did not apply or did not bump the version")
	}
}

func TestReset(t *testing.T) {
	e := New(WithoutThrottling())
	_, err := as(e, "").acct.PutAlternateContact(ctx(t), putInput(aws.String(sharedID), "Sec", "Sec", "sec@acmepay.io", "+1 206 555 0100"))
	mustNoErr(t, err)
	s, err := Builtin("fintech")
	mustNoErr(t, err)
	e.Reset(s)
	if e.State().account(sharedID).Contacts["SECURITY"] != nil {
		t.Error("Reset kept the contact")
	}
	if st := e.Stats(); st.Requests != 0 || st.Writes != 0 {
		t.Errorf("Reset kept the stats: %+v", st)
	}
	// Reset copies: changing s afterwards does not reach the emulator.
	s.Organization.FeatureSet = "CONSOLIDATED_BILLING"
	if e.State().Organization.FeatureSet != "ALL" {
		t.Error("Reset shares the caller's state")
	}
}

func TestGenerate(t *testing.T) {
	a, err := Generate(1000, 7)
	mustNoErr(t, err)
	b, err := Generate(1000, 7)
	mustNoErr(t, err)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Error("Generate(1000, 7) is not deterministic")
	}
	// Through the emulator too (with a fixed clock for the findings).
	clk := newFakeClock()
	sa, err := New(WithState(a), WithClock(clk.Now)).Snapshot()
	mustNoErr(t, err)
	sb, err := New(WithState(b), WithClock(clk.Now)).Snapshot()
	mustNoErr(t, err)
	if !bytes.Equal(sa, sb) {
		t.Error("two emulators from Generate(1000, 7) snapshot differently")
	}
	c, err := Generate(1000, 8)
	mustNoErr(t, err)
	if jc, _ := json.Marshal(c); bytes.Equal(ja, jc) {
		t.Error("seeds 7 and 8 generate the same organization")
	}

	if len(a.Accounts) != 1000 {
		t.Fatalf("%d accounts", len(a.Accounts))
	}
	seen := map[string]bool{}
	withContact, suspended := 0, 0
	for _, acct := range a.Accounts {
		if !twelveDigits.MatchString(acct.ID) {
			t.Errorf("id %q is not 12 digits", acct.ID)
		}
		if seen[acct.ID] {
			t.Errorf("id %s twice", acct.ID)
		}
		seen[acct.ID] = true
		if acct.Contacts["SECURITY"] != nil {
			withContact++
		}
		if acct.State == "SUSPENDED" {
			suspended++
		}
	}
	if !seen[a.Organization.ManagementAccount] {
		t.Error("management account missing")
	}
	if d := ouDepth(a); d < 3 {
		t.Errorf("OU depth %d, want at least 3", d)
	}
	if withContact < 400 || withContact > 600 || suspended < 5 || suspended > 40 {
		t.Errorf("%d with a SECURITY contact, %d suspended", withContact, suspended)
	}

	// The SDK paginates all of it.
	e := New(WithState(a), WithoutThrottling())
	accts, pages := listAllAccounts(t, as(e, "").org, nil)
	if len(accts) != 1000 || len(pages) != 50 {
		t.Errorf("%d accounts in %d pages", len(accts), len(pages))
	}

	if _, err := Generate(0, 1); err == nil {
		t.Error("Generate(0, 1) succeeded")
	}
	one, err := Generate(1, 3)
	mustNoErr(t, err)
	if len(one.Accounts) != 1 || one.Accounts[0].ID != one.Organization.ManagementAccount {
		t.Errorf("Generate(1, 3) = %+v", one.Accounts)
	}
}

func TestLoadScenarioErrors(t *testing.T) {
	const org = "organization: {id: o-aaaabbbbcc, management_account: \"100000000001\"}\n"
	const acct = "accounts:\n  - {id: \"100000000001\"}\n"
	for _, tc := range []struct {
		name, yaml string
		want       []string // substrings of the error
	}{
		{"unknown top-level key", "name: x\ncolour: blue\n", []string{"f.yaml", `unknown field "colour"`}},
		{"unknown account key", "accounts:\n  - {id: \"100000000001\", favourite: 1}\n", []string{`unknown field "favourite"`}},
		{"short id", "accounts:\n  - {id: \"12345\"}\n", []string{`accounts[0].id: "12345" is not 12 digits`}},
		{"duplicate id", "accounts:\n  - {id: \"100000000001\"}\n  - {id: \"100000000001\"}\n", []string{"accounts[1].id", "listed twice"}},
		{"bad state", "accounts:\n  - {id: \"100000000001\", state: ASLEEP}\n", []string{"accounts[0].state", `"ASLEEP"`}},
		{"bad contact type", "accounts:\n  - {id: \"100000000001\", contacts: {LEGAL: {name: x}}}\n", []string{"accounts[0].contacts", `"LEGAL"`}},
		{"ou without organization", "accounts:\n  - {id: \"100000000001\", ou: Root/Prod}\n", []string{"accounts[0].ou", "no organization"}},
		{"ou not under Root", org + "accounts:\n  - {id: \"100000000001\", ou: Prod}\n", []string{"accounts[0].ou", "Root/"}},
		{"bad organization id", "organization: {id: org-1, management_account: \"100000000001\"}\n" + acct, []string{"organization.id"}},
		{"bad feature set", "organization: {id: o-aaaabbbbcc, feature_set: SOME, management_account: \"100000000001\"}\n" + acct, []string{"organization.feature_set", `"SOME"`}},
		{"management not listed", "organization: {id: o-aaaabbbbcc, management_account: \"999999999999\"}\n" + acct, []string{"organization.management_account", "999999999999"}},
		{"delegated admin not a member", org + acct + "delegated_admins: [{account: \"999999999999\", service: account.amazonaws.com}]\n", []string{"delegated_admins[0].account"}},
		{"fault rate", "faults: [{op: GetAlternateContact, rate: 2, error: AccessDeniedException}]\n", []string{"faults[0]"}},
		{"fault without error", "faults: [{op: GetAlternateContact, rate: 1}]\n", []string{"faults[0]"}},
		{"bad generator", "security_hub: {control_finding_generator: BOTH}\n", []string{"security_hub.control_finding_generator", `"BOTH"`}},
		{"bad interval", "evaluation_interval: soon\n", []string{"evaluation_interval"}},
		{"bad latency", "latency: 5 parsecs\n", []string{"latency"}},
		{"not YAML", "accounts: [\n", []string{"f.yaml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadScenario("f.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("LoadScenario accepted:\n%s", tc.yaml)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadScenarioJSONAndSettings(t *testing.T) {
	s, err := LoadScenario("s.json", []byte(`{
		"name": "json",
		"organization": {"id": "o-aaaabbbbcc", "management_account": "100000000001"},
		"accounts": [{"id": "100000000001", "name": "mgmt"}, {"id": "100000000002", "ou": "Root/A/B/C"}],
		"ous": ["Root/Empty"],
		"evaluation_interval": "1m",
		"latency": "3ms",
		"quota_scale": 0.5,
		"seed": 42,
		"faults": [{"op": "*", "rate": 0.1, "error": "ServiceException"}]
	}`))
	mustNoErr(t, err)
	if s.Organization.FeatureSet != "ALL" || len(s.OUs) != 4 || ouDepth(s) != 3 {
		t.Errorf("organization %+v, %d OUs, depth %d", s.Organization, len(s.OUs), ouDepth(s))
	}
	want := Settings{EvaluationInterval: Duration(time.Minute), Latency: Duration(3 * time.Millisecond), QuotaScale: 0.5, Seed: 42,
		Faults: []Fault{{Op: "*", Rate: 0.1, Error: "ServiceException"}}}
	if d := cmp.Diff(want, s.Settings); d != "" {
		t.Errorf("settings (-want +got):\n%s", d)
	}
	if a := s.account("100000000002"); a.Name != "100000000002" || a.Email == "" || a.State != "ACTIVE" {
		t.Errorf("defaults %+v", a)
	}

	// The empty OU is listed though it holds nothing.
	e := New(WithState(s))
	out, err := as(e, "").org.ListOrganizationalUnitsForParent(ctx(t), &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(s.Organization.RootID)})
	mustNoErr(t, err)
	if len(out.OrganizationalUnits) != 2 {
		t.Errorf("%d OUs under the root, want A and Empty", len(out.OrganizationalUnits))
	}
}

func TestDurationJSON(t *testing.T) {
	b, err := json.Marshal(Duration(1500 * time.Millisecond))
	mustNoErr(t, err)
	if string(b) != `"1.5s"` {
		t.Errorf("marshal = %s", b)
	}
	for in, want := range map[string]time.Duration{`"5s"`: 5 * time.Second, `1000`: time.Microsecond} {
		var d Duration
		mustNoErr(t, json.Unmarshal([]byte(in), &d))
		if time.Duration(d) != want {
			t.Errorf("%s = %v, want %v", in, time.Duration(d), want)
		}
	}
	var d Duration
	if err := json.Unmarshal([]byte(`"soon"`), &d); err == nil {
		t.Error("accepted \"soon\"")
	}
	if err := json.Unmarshal([]byte(`true`), &d); err == nil {
		t.Error("accepted true")
	}
}

// Latency waits through the injected sleep, once per AWS request, for the
// configured time; a wait cut short by the request's cancellation leaves
// the request unserved.
func TestLatency(t *testing.T) {
	var mu sync.Mutex
	var waits []time.Duration
	var cancelNext context.CancelFunc
	e := New(WithLatency(40*time.Millisecond), WithSleep(func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, d)
		if cancelNext != nil {
			cancelNext()
		}
		return ctx.Err()
	}))
	_, err := as(e, "").sts.GetCallerIdentity(ctx(t), nil)
	mustNoErr(t, err)
	if len(waits) != 1 || waits[0] != 40*time.Millisecond {
		t.Errorf("waits = %v, want one of 40ms", waits)
	}
	c, cancel := context.WithCancel(ctx(t))
	mu.Lock()
	cancelNext = cancel
	mu.Unlock()
	if _, err := as(e, "").sts.GetCallerIdentity(c, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled during the latency: %v, want context.Canceled", err)
	}
	if st := e.Stats(); st.Requests != 1 {
		t.Errorf("requests = %d, want 1 (the cancelled one is not served)", st.Requests)
	}
}
