package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/google/go-cmp/cmp"
)

// admin calls a /_sandbox endpoint and returns the status and body.
func admin(t *testing.T, srv *httptest.Server, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	mustNoErr(t, err)
	resp, err := srv.Client().Do(req)
	mustNoErr(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	mustNoErr(t, err)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	return resp.StatusCode, b
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestAdminState(t *testing.T) {
	e := New()
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()

	code, b := admin(t, srv, http.MethodGet, "/_sandbox/state", "")
	if code != 200 {
		t.Fatalf("GET state: %d %s", code, b)
	}
	var s State
	mustNoErr(t, json.Unmarshal(b, &s))
	if s.Organization == nil || s.Organization.ID != fintechOrg || len(s.Accounts) != fintechSize || len(s.SecurityHub.Findings) != 23 {
		t.Errorf("state: org %+v, %d accounts, %d findings", s.Organization, len(s.Accounts), len(s.SecurityHub.Findings))
	}

	// PUT restores a snapshot.
	s.account(sharedID).Contacts["SECURITY"] = &Contact{Name: "Put State", Title: "Security", Email: "ps@acmepay.io", Phone: "+1 206 555 0100"}
	nb, _ := json.Marshal(&s)
	if code, b := admin(t, srv, http.MethodPut, "/_sandbox/state", string(nb)); code != 200 {
		t.Fatalf("PUT state: %d %s", code, b)
	}
	got, err := getContact(t, newClients(loopbackConfig(e, srv, "")), aws.String(sharedID), acctypes.AlternateContactTypeSecurity)
	mustNoErr(t, err)
	if *got.Name != "Put State" {
		t.Errorf("after PUT state: %q", *got.Name)
	}
	code, b = admin(t, srv, http.MethodPut, "/_sandbox/state", `{"bogus": 1}`)
	if code != 400 || !strings.Contains(string(b), "bogus") {
		t.Errorf("PUT bad state: %d %s", code, b)
	}
}

func TestAdminReset(t *testing.T) {
	e := New()
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	c := newClients(loopbackConfig(e, srv, ""))

	if code, b := admin(t, srv, http.MethodPost, "/_sandbox/reset?scenario=standalone", ""); code != 200 {
		t.Fatalf("reset: %d %s", code, b)
	}
	if s := e.State(); s.Organization != nil || len(s.Accounts) != 1 {
		t.Errorf("after reset to standalone: org %+v, %d accounts", s.Organization, len(s.Accounts))
	}
	_, err := c.org.DescribeOrganization(ctx(t), &organizations.DescribeOrganizationInput{})
	wantErrorAs[*orgtypes.AWSOrganizationsNotInUseException](t, err)

	code, b := admin(t, srv, http.MethodPost, "/_sandbox/reset?scenario=bank", "")
	if code != 400 || !strings.Contains(string(b), `unknown scenario \"bank\"`) {
		t.Errorf("reset to an unknown scenario: %d %s", code, b)
	}
	// A body is a scenario file.
	if code, b := admin(t, srv, http.MethodPost, "/_sandbox/reset", smallOrgYAML); code != 200 {
		t.Fatalf("reset with a body: %d %s", code, b)
	}
	accts, _ := listAllAccounts(t, c.org, nil)
	if len(accts) != 5 {
		t.Errorf("%d accounts after reset to the small org", len(accts))
	}
	code, b = admin(t, srv, http.MethodPost, "/_sandbox/reset", "accounts:\n  - {id: \"1\"}\n")
	if code != 400 || !strings.Contains(string(b), "accounts[0].id") {
		t.Errorf("reset with a bad body: %d %s", code, b)
	}
	// No scenario means fintech.
	if code, _ := admin(t, srv, http.MethodPost, "/_sandbox/reset", ""); code != 200 || len(e.State().Accounts) != fintechSize {
		t.Errorf("reset to the default: %d", code)
	}
}

func TestAdminStats(t *testing.T) {
	e := New(WithFault(Fault{Op: "GetAlternateContact", Rate: 1, Error: "AccessDeniedException", Account: logID}))
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	c := newClients(loopbackConfig(e, srv, ""))
	cx := ctx(t)

	// Before any request the shape is already complete.
	code, b := admin(t, srv, http.MethodGet, "/_sandbox/stats", "")
	if code != 200 {
		t.Fatalf("stats: %d", code)
	}
	if d := cmp.Diff(map[string]any{"requests": 0.0, "throttled": 0.0, "faults": 0.0, "writes": 0.0, "operations": map[string]any{},
		"dns": map[string]any{"queries": 0.0, "udp": 0.0, "tcp": 0.0, "truncated": 0.0}}, decodeJSON(t, b)); d != "" {
		t.Errorf("empty stats (-want +got):\n%s", d)
	}

	_, err := c.acct.PutAlternateContact(cx, putInput(aws.String(sharedID), "Sec", "Sec", "sec@acmepay.io", "+1 206 555 0100"))
	mustNoErr(t, err)
	_, err = c.acct.PutAlternateContact(cx, putInput(aws.String(sharedID), "Sec", "Sec", "not-an-email", "+1 206 555 0100"))
	wantErrorAs[*acctypes.ValidationException](t, err)
	_, err = c.acct.DeleteAlternateContact(cx, &account.DeleteAlternateContactInput{AccountId: aws.String(sharedID), AlternateContactType: acctypes.AlternateContactTypeSecurity})
	mustNoErr(t, err)
	_, err = c.acct.DeleteAlternateContact(cx, &account.DeleteAlternateContactInput{AccountId: aws.String(sharedID), AlternateContactType: acctypes.AlternateContactTypeSecurity})
	wantErrorAs[*acctypes.ResourceNotFoundException](t, err)
	_, err = getContact(t, c, aws.String(logID), acctypes.AlternateContactTypeSecurity)
	wantErrorAs[*acctypes.AccessDeniedException](t, err)
	_, err = c.org.ListRoots(cx, &organizations.ListRootsInput{})
	mustNoErr(t, err)

	code, b = admin(t, srv, http.MethodGet, "/_sandbox/stats", "")
	if code != 200 {
		t.Fatalf("stats: %d", code)
	}
	raw := decodeJSON(t, b)
	if d := cmp.Diff([]string{"dns", "faults", "operations", "requests", "throttled", "writes"}, keys(raw)); d != "" {
		t.Errorf("top-level keys (-want +got):\n%s", d)
	}
	for op, v := range raw["operations"].(map[string]any) {
		if d := cmp.Diff([]string{"faults", "requests", "throttled"}, keys(v.(map[string]any))); d != "" {
			t.Errorf("%s keys (-want +got):\n%s", op, d)
		}
	}
	var st Stats
	mustNoErr(t, json.Unmarshal(b, &st))
	want := Stats{Requests: 6, Faults: 1, Writes: 2, Operations: map[string]OpStats{
		"PutAlternateContact":    {Requests: 2},
		"DeleteAlternateContact": {Requests: 2},
		"GetAlternateContact":    {Requests: 1, Faults: 1},
		"ListRoots":              {Requests: 1},
	}}
	if d := cmp.Diff(want, st); d != "" {
		t.Errorf("stats (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want, e.Stats()); d != "" {
		t.Errorf("Stats() (-want +got):\n%s", d)
	}

	if code, _ := admin(t, srv, http.MethodDelete, "/_sandbox/stats", ""); code != 200 {
		t.Errorf("DELETE stats: %d", code)
	}
	if st := e.Stats(); st.Requests != 0 || len(st.Operations) != 0 {
		t.Errorf("after DELETE: %+v", st)
	}
}

func TestAdminEvaluate(t *testing.T) {
	clk := newFakeClock()
	e := New(WithClock(clk.Now), WithoutThrottling()) // the clock never moves
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	c := newClients(loopbackConfig(e, srv, ""))

	_, err := c.acct.PutAlternateContact(ctx(t), putInput(aws.String(sharedID), "Sec", "Sec", "sec@acmepay.io", "+1 206 555 0100"))
	mustNoErr(t, err)
	if f := account1(t, c.sh, sharedID); f.Compliance.Status != "FAILED" {
		t.Fatalf("before evaluate: %s", f.Compliance.Status)
	}
	if code, b := admin(t, srv, http.MethodPost, "/_sandbox/evaluate", ""); code != 200 {
		t.Fatalf("evaluate: %d %s", code, b)
	}
	if f := account1(t, c.sh, sharedID); f.Compliance.Status != "PASSED" || f.Workflow.Status != "RESOLVED" {
		t.Errorf("after evaluate: %s/%s", f.Compliance.Status, f.Workflow.Status)
	}
}

func TestAdminUnknownEndpoint(t *testing.T) {
	srv := httptest.NewServer(New().Handler())
	defer srv.Close()
	for _, r := range [][2]string{{http.MethodGet, "/_sandbox/nothing"}, {http.MethodPost, "/_sandbox/state"}, {http.MethodGet, "/_sandbox/reset"}} {
		code, b := admin(t, srv, r[0], r[1], "")
		if code != 404 || !strings.Contains(string(b), "no such sandbox endpoint") {
			t.Errorf("%s %s: %d %s", r[0], r[1], code, b)
		}
	}
}
