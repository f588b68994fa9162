package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/google/go-cmp/cmp"
)

// recorder is an http.RoundTripper that keeps the last exchange, for the
// tests whose point is the wire shape.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	req  *http.Request
	resp *http.Response
	body []byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	r.mu.Lock()
	r.req, r.resp, r.body = req, resp, b
	r.mu.Unlock()
	return resp, nil
}

func recordingClients(e *Emulator) (clients, *recorder) {
	rec := &recorder{next: Transport(e.Handler())}
	cfg := e.Config()
	cfg.HTTPClient = &http.Client{Transport: rec}
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	return newClients(cfg), rec
}

// loopbackConfig is a Config that reaches the emulator over a real socket.
func loopbackConfig(e *Emulator, srv *httptest.Server, caller string) aws.Config {
	cfg := e.ConfigAs(caller)
	cfg.BaseEndpoint = aws.String(srv.URL)
	cfg.HTTPClient = srv.Client()
	return cfg
}

func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
	return m
}

func TestWireAccount(t *testing.T) {
	e := New()
	c, rec := recordingClients(e)

	_, err := c.acct.PutAlternateContact(ctx(t), putInput(aws.String(sharedID), "Sec", "Sec", "sec@acmepay.io", "+1 206 555 0100"))
	mustNoErr(t, err)
	if rec.req.URL.Path != "/putAlternateContact" || rec.req.Method != http.MethodPost {
		t.Errorf("request %s %s", rec.req.Method, rec.req.URL.Path)
	}
	if rec.resp.StatusCode != 200 || len(rec.body) != 0 {
		t.Errorf("Put answered %d %q, want 200 with an empty body", rec.resp.StatusCode, rec.body)
	}
	if rec.resp.Header.Get("x-amzn-RequestId") == "" {
		t.Error("no x-amzn-RequestId")
	}

	_, err = getContact(t, c, nil, acctypes.AlternateContactTypeSecurity)
	wantErrorAs[*acctypes.ResourceNotFoundException](t, err)
	if got := rec.resp.Header.Get("x-amzn-ErrorType"); got != "ResourceNotFoundException" {
		t.Errorf("x-amzn-ErrorType = %q", got)
	}
	if d := cmp.Diff(map[string]any{"message": "No contact of the inputted alternate contact type found."}, decodeJSON(t, rec.body)); d != "" {
		t.Errorf("error body (-want +got):\n%s", d)
	}

	_, err = c.acct.PutAlternateContact(ctx(t), putInput(aws.String(sharedID), "Sec", "Sec", "bad", "+1 206 555 0100"))
	wantErrorAs[*acctypes.ValidationException](t, err)
	body := decodeJSON(t, rec.body)
	if body["reason"] != "fieldValidationFailed" || body["fieldList"] == nil || body["message"] == nil {
		t.Errorf("validation body %s", rec.body)
	}
}

func TestWireOrganizations(t *testing.T) {
	e := New()
	c, rec := recordingClients(e)
	_, err := c.org.ListAccounts(ctx(t), &organizations.ListAccountsInput{MaxResults: aws.Int32(2)})
	mustNoErr(t, err)
	if got := rec.req.Header.Get("X-Amz-Target"); got != "AWSOrganizationsV20161128.ListAccounts" {
		t.Errorf("X-Amz-Target = %q", got)
	}
	if got := rec.resp.Header.Get("Content-Type"); got != "application/x-amz-json-1.1" {
		t.Errorf("Content-Type = %q", got)
	}
	var page struct {
		Accounts  []map[string]any
		NextToken string
	}
	mustNoErr(t, json.Unmarshal(rec.body, &page))
	if _, ok := page.Accounts[0]["JoinedTimestamp"].(float64); !ok {
		t.Errorf("JoinedTimestamp is %T, want a JSON number", page.Accounts[0]["JoinedTimestamp"])
	}
	if page.Accounts[0]["State"] == nil || page.Accounts[0]["Status"] == nil || page.NextToken == "" {
		t.Errorf("page %s", rec.body)
	}

	// An empty list is [], not null.
	_, err = c.org.ListDelegatedAdministrators(ctx(t), &organizations.ListDelegatedAdministratorsInput{})
	mustNoErr(t, err)
	if string(rec.body) != `{"DelegatedAdministrators":[]}` {
		t.Errorf("empty ListDelegatedAdministrators body %s", rec.body)
	}

	_, err = as(e, outsiderID).org.ListAccounts(ctx(t), &organizations.ListAccountsInput{})
	wantErrorAs[*orgtypes.AWSOrganizationsNotInUseException](t, err)
	_, err = c.org.ListAccounts(ctx(t), &organizations.ListAccountsInput{MaxResults: aws.Int32(21)})
	wantErrorAs[*orgtypes.InvalidInputException](t, err)
	if rec.resp.StatusCode != 400 {
		t.Errorf("status %d", rec.resp.StatusCode)
	}
	if d := cmp.Diff(map[string]any{"__type": "InvalidInputException", "Message": "You provided a value that is outside the allowed range for MaxResults.", "Reason": "MAX_VALUE_EXCEEDED"},
		decodeJSON(t, rec.body)); d != "" {
		t.Errorf("error body (-want +got):\n%s", d)
	}
}

func TestWireSecurityHub(t *testing.T) {
	e := New()
	c, rec := recordingClients(e)
	_, err := c.sh.GetFindings(ctx(t), &securityhub.GetFindingsInput{MaxResults: aws.Int32(1)})
	mustNoErr(t, err)
	if rec.req.URL.Path != "/findings" {
		t.Errorf("path %s", rec.req.URL.Path)
	}
	var out struct{ Findings []map[string]any }
	mustNoErr(t, json.Unmarshal(rec.body, &out))
	for _, k := range []string{"CreatedAt", "UpdatedAt"} {
		if _, ok := out.Findings[0][k].(string); !ok {
			t.Errorf("%s is %T, want an ISO string", k, out.Findings[0][k])
		}
	}
}

func TestUnknownOperations(t *testing.T) {
	e := New()
	m := as(e, "")
	_, err := m.acct.GetContactInformation(ctx(t), &account.GetContactInformationInput{})
	wantAPIError(t, err, 404, "UnknownOperationException", "Unknown operation /getContactInformation")

	_, err = m.org.ListPolicies(ctx(t), &organizations.ListPoliciesInput{Filter: orgtypes.PolicyTypeServiceControlPolicy})
	wantAPIError(t, err, 400, "UnknownOperationException", "The requested operation is not recognized by the service.")

	_, err = m.sh.GetEnabledStandards(ctx(t), &securityhub.GetEnabledStandardsInput{})
	wantAPIError(t, err, 404, "UnknownOperationException", "Unknown operation POST /standards/get")

	if st := e.Stats(); st.Requests != 3 {
		t.Errorf("Stats.Requests = %d, want 3", st.Requests)
	}
}

func TestUnsignedRequest(t *testing.T) {
	e := New()
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()

	resp, err := http.Post(srv.URL+"/getAlternateContact", "application/json", strings.NewReader(`{"AlternateContactType":"SECURITY"}`))
	mustNoErr(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
		t.Errorf("got %d %q", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
	}
	if d := cmp.Diff(map[string]any{"message": "Missing Authentication Token"}, decodeJSON(t, b)); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
	if resp.Header.Get("x-amzn-RequestId") == "" {
		t.Error("no x-amzn-RequestId")
	}

	// An unsigned Organizations call gets the awsJson dialect.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", "AWSOrganizationsV20161128.ListAccounts")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err = http.DefaultClient.Do(req)
	mustNoErr(t, err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || decodeJSON(t, b)["__type"] != "MissingAuthenticationTokenException" {
		t.Errorf("organizations unsigned: %d %s", resp.StatusCode, b)
	}
}

func TestLoopbackHTTP(t *testing.T) {
	e := New()
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	c := newClients(loopbackConfig(e, srv, ""))
	got, err := getContact(t, c, aws.String(securityID), acctypes.AlternateContactTypeSecurity)
	mustNoErr(t, err)
	if d := cmp.Diff(durable, *got, ignoreUnexported); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	accts, _ := listAllAccounts(t, c.org, nil)
	if len(accts) != fintechSize {
		t.Errorf("%d accounts over loopback", len(accts))
	}
	id, err := c.sts.GetCallerIdentity(ctx(t), nil)
	mustNoErr(t, err)
	if *id.Account != mgmtID {
		t.Errorf("caller %s", *id.Account)
	}
	_, err = getContact(t, c, aws.String(mgmtID), acctypes.AlternateContactTypeSecurity)
	wantErrorAs[*acctypes.AccessDeniedException](t, err)
}
