package emulator

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/altcontacts/altcontacts/internal/clock"
)

// Accounts of the built-in fintech scenario the tests lean on.
const (
	mgmtID      = "401726385920" // management account, no SECURITY contact
	securityID  = "593018274615" // Root/Security, durable SECURITY contact
	logID       = "728415903362" // Root/Security, durable SECURITY contact
	sharedID    = "842019375648" // Root/Infrastructure, no SECURITY contact
	paymentsID  = "619283740556" // Root/Workloads/Prod
	suspendedID = "753910284406" // SUSPENDED
	outsiderID  = "111122223333" // not in the scenario at all
	fintechOrg  = "o-7xq2m4k9pz"
	fintechSize = 24
)

// ctx is a test context; every SDK call in this package is in-process and
// fast, so a generous bound only catches hangs.
func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// clients are the four SDK clients for one caller.
type clients struct {
	acct *account.Client
	org  *organizations.Client
	sts  *sts.Client
	sh   *securityhub.Client
}

func newClients(cfg aws.Config) clients {
	return clients{
		acct: account.NewFromConfig(cfg),
		org:  organizations.NewFromConfig(cfg),
		sts:  sts.NewFromConfig(cfg),
		sh:   securityhub.NewFromConfig(cfg),
	}
}

// as returns the clients for caller ("" = management account).
func as(e *Emulator, caller string) clients { return newClients(e.ConfigAs(caller)) }

// noRetry builds clients that make exactly one attempt per call, for tests
// that count throttled or faulted responses.
func noRetry(e *Emulator, caller string) clients {
	cfg := e.ConfigAs(caller)
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	return newClients(cfg)
}

// wantAPIError asserts err is an AWS error with the code, exact message and
// HTTP status, and returns it for further checks.
func wantAPIError(t testing.TB, err error, status int, code, msg string) smithy.APIError {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %d %s: %s", status, code, msg)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) is not a smithy.APIError", err, err)
	}
	if ae.ErrorCode() != code {
		t.Errorf("ErrorCode = %q, want %q (err: %v)", ae.ErrorCode(), code, err)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Errorf("ErrorMessage =\n  %q\nwant\n  %q", ae.ErrorMessage(), msg)
	}
	if got := httpStatus(err); got != status {
		t.Errorf("HTTP status = %d, want %d", got, status)
	}
	return ae
}

// wantErrorAs asserts errors.As(err, target) holds: the SDK decoded the
// response into the modeled error type.
func wantErrorAs[T error](t testing.TB, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error %v (%T) is not a %T", err, err, target)
	}
	return target
}

func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func mustNoErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newFakeClock is a settable clock for WithClock: the tests' clock.Manual
// (a test-only import; the emulator's own code imports none of ours).
func newFakeClock() *clock.Manual {
	return clock.NewManual(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
}

// scenario loads a scenario or fails the test.
func scenario(t testing.TB, yaml string) *State {
	t.Helper()
	s, err := LoadScenario(t.Name(), []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// smallOrgYAML is a five-account organization that tests tweak with extra
// top-level keys appended.
const smallOrgYAML = `
name: small
organization: {id: o-aaaabbbbcc, feature_set: ALL, management_account: "100000000001"}
trusted_access: [account.amazonaws.com]
accounts:
  - {id: "100000000001", name: mgmt, ou: Root}
  - {id: "100000000002", name: sec, ou: Root/Security, contacts: {SECURITY: {name: Sec Ops, title: Security, email: sec@example.org, phone: "+1 206 555 0100"}}}
  - {id: "100000000003", name: app, ou: Root/Workloads/Prod}
  - {id: "100000000004", name: dev, ou: Root/Workloads/Dev}
  - {id: "100000000005", name: old, ou: Root/Suspended, state: SUSPENDED}
`

// deniedMsg is the Account API's plain 403 text for the sandbox caller.
func deniedMsg(caller, op string) string {
	return "User: arn:aws:iam::" + caller + ":user/sandbox-operator is not authorized to perform: account:" + op
}
