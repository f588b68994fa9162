package main_test

// AWS CLI conformance: the real `aws` command (botocore) against
// `altcontacts sandbox serve` over loopback. botocore is a second,
// independent client implementation (the Go SDK is the first), so these
// tests catch wire-format mistakes the Go SDK happens to tolerate.
//
// Every subtest starts its own `sandbox serve --scenario fintech` in-process,
// so each sees fresh state and the subtests run in parallel. The aws calls go
// through one long-lived CLI process (peertest.AWSCLI), as a process per call
// cost about a second of Python start-up each; the walkthrough's first call
// is a real `aws` process, so the command itself is proven too.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/cli"
	"github.com/altcontacts/altcontacts/internal/peertest"
)

const (
	mgmtID   = "401726385920" // fintech management account
	memberID = "593018274615" // fintech member "security-tooling" (has a SECURITY contact)
	otherID  = "728415903362" // fintech member "log-archive"
	orgID    = "o-7xq2m4k9pz"

	// msgNoContact is AWS's text for an unset contact type (docs/aws-facts.md, "Account: errors and authorization").
	msgNoContact = "No contact of the inputted alternate contact type found."
	// msgStandalone is the parenthetical AWS adds when the management
	// account names itself in AccountId (docs/aws-facts.md, "Account: errors and authorization").
	msgStandalone = "(The management account can only be managed using the standalone context from the management account.)"
)

// sandboxServer is one `sandbox serve` running in-process.
type sandboxServer struct {
	url string
	dir string // the test's temp dir: state file, AWS config files
	// run runs one aws command line: through the CLI shell, or as a
	// process (peertest.AWSCLI's Run or Exec).
	run func(ctx context.Context, env []string, args ...string) (peertest.AWSResult, error)
}

// startSandbox runs `altcontacts sandbox serve` on a free loopback port
// until the test ends, and returns its endpoint URL.
func startSandbox(t *testing.T, awsCLI *peertest.AWSCLI) *sandboxServer {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{
		"ALTCONTACTS_SANDBOX_STATE": filepath.Join(dir, "sandbox.json"),
		"HOME":                      dir,
		"XDG_STATE_HOME":            filepath.Join(dir, "state"),
	}
	getenv := func(k string) string { return env[k] }

	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(ctx, []string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--scenario", "fintech"}, pw, io.Discard, getenv)
		pw.Close()
	}()

	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(pr)
		line, err := r.ReadString('\n')
		if err != nil {
			close(lines)
		} else {
			lines <- line
		}
		// Keep draining, so serve never blocks on a full pipe.
		io.Copy(io.Discard, r)
	}()

	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("sandbox serve exited %d after cancellation, want 0", code)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("sandbox serve did not return within 15s of cancellation")
		}
		pr.Close()
	})

	var first string
	select {
	case l, ok := <-lines:
		if !ok {
			t.Fatalf("sandbox serve ended before printing its endpoint (exit %d)", <-done)
		}
		first = strings.TrimSpace(l)
	case code := <-done:
		t.Fatalf("sandbox serve exited %d before printing its endpoint", code)
	case <-time.After(15 * time.Second):
		t.Fatal("sandbox serve printed nothing within 15s")
	}
	url, ok := strings.CutPrefix(first, "AWS_ENDPOINT_URL=")
	if !ok || !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(url) {
		t.Fatalf("first stdout line of sandbox serve = %q, want AWS_ENDPOINT_URL=http://127.0.0.1:PORT", first)
	}
	return &sandboxServer{url: url, dir: dir, run: awsCLI.Run}
}

// awsResult is one finished aws CLI run.
type awsResult struct {
	stdout, stderr string
	code           int
}

// aws runs the AWS CLI as the caller key ("sandbox": the management
// account; 12 digits: that account). noRetry sets AWS_MAX_ATTEMPTS=1, for
// calls that are meant to fail.
func (s *sandboxServer) aws(t *testing.T, key string, noRetry bool, args ...string) awsResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// Inherit PATH, HOME and pyenv's variables (the aws shim needs them),
	// but no AWS_* setting of the machine.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"AWS_ENDPOINT_URL="+s.url,
		"AWS_ACCESS_KEY_ID="+key,
		"AWS_SECRET_ACCESS_KEY=sandbox",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+filepath.Join(s.dir, "no-such-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(s.dir, "no-such-aws-credentials"),
		"AWS_PAGER=",
	)
	if noRetry {
		env = append(env, "AWS_MAX_ATTEMPTS=1")
	}
	r, err := s.run(ctx, env, append([]string{"--output", "json"}, args...)...)
	if err != nil {
		t.Fatalf("aws %s: %v", strings.Join(args, " "), err)
	}
	return awsResult{stdout: r.Stdout, stderr: r.Stderr, code: r.Code}
}

// ok runs an aws call that must succeed and returns its stdout.
func (s *sandboxServer) ok(t *testing.T, key string, args ...string) string {
	t.Helper()
	r := s.aws(t, key, false, args...)
	if r.code != 0 {
		t.Fatalf("aws %s: exit %d, stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// okJSON runs an aws call that must succeed and decodes its stdout; output
// that is not JSON ends the test.
func (s *sandboxServer) okJSON(t *testing.T, key string, v any, args ...string) {
	t.Helper()
	if !s.tryJSON(t, key, v, args...) {
		t.FailNow()
	}
}

// tryJSON is okJSON that reports output that is not JSON and goes on.
func (s *sandboxServer) tryJSON(t *testing.T, key string, v any, args ...string) bool {
	t.Helper()
	out := s.ok(t, key, args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Errorf("aws %s: stdout is not JSON (%v): %q", strings.Join(args, " "), err, out)
		return false
	}
	return true
}

// fail runs an aws call that must fail with a service error and returns the
// one line of stderr the CLI prints for it.
func (s *sandboxServer) fail(t *testing.T, key string, args ...string) string {
	t.Helper()
	r := s.aws(t, key, true, args...)
	// aws-cli v1 exits 255 on a service error, v2 254.
	if r.code != 254 && r.code != 255 {
		t.Fatalf("aws %s: exit %d, want 254 or 255 (service error); stdout %q stderr %q", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	if strings.TrimSpace(r.stdout) != "" {
		t.Errorf("aws %s: failed but printed to stdout: %q", strings.Join(args, " "), r.stdout)
	}
	return strings.TrimSpace(r.stderr)
}

// stats reads the sandbox's request counters (GET /_sandbox/stats).
func (s *sandboxServer) stats(t *testing.T) sandboxStats {
	t.Helper()
	resp, err := http.Get(s.url + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st sandboxStats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatalf("decode /_sandbox/stats: %v", err)
	}
	return st
}

type sandboxStats struct {
	Requests   int `json:"requests"`
	Writes     int `json:"writes"`
	Operations map[string]struct {
		Requests int `json:"requests"`
	} `json:"operations"`
}

func wantStderr(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("stderr:\n got %q\nwant %q", got, want)
	}
}

func wantStderrRE(t *testing.T, got, pattern string) {
	t.Helper()
	if !regexp.MustCompile(pattern).MatchString(got) {
		t.Errorf("stderr:\n got %q\nwant match for %s", got, pattern)
	}
}

func errLine(code, op, msg string) string {
	return fmt.Sprintf("An error occurred (%s) when calling the %s operation: %s", code, op, msg)
}

type alternateContact struct {
	Name, Title, EmailAddress, PhoneNumber, AlternateContactType string
}

type orgAccount struct {
	Id, Arn, Email, Name, State, Status, JoinedMethod string
	JoinedTimestamp                                   float64
	Paths                                             []string
}

// securityContactArgs are put-alternate-contact's arguments for the
// lesson's durable security contact.
func securityContactArgs(name string) []string {
	return []string{"account", "put-alternate-contact", "--alternate-contact-type", "SECURITY",
		"--name", name, "--title", "Security Team",
		"--email-address", "security@acmepay.io", "--phone-number", "+1 206 555 7700"}
}

var getSecurity = []string{"account", "get-alternate-contact", "--alternate-contact-type", "SECURITY"}

func TestAWSCLI(t *testing.T) {
	// Alongside the scripts, after the tests that set the process
	// environment (TestMotoAudit, TestMotoS3Journal) have ended.
	t.Parallel()
	awsCLI := peertest.AWS(t)

	// The lesson, as a learner types it: the management account has no
	// SECURITY contact; set it; read it back; delete it; it is gone again.
	t.Run("Walkthrough", func(t *testing.T) {
		t.Parallel()
		s := startSandbox(t, awsCLI)
		// The first as an `aws` process: exit code, stdout and stderr of
		// the command itself.
		proc := *s
		proc.run = awsCLI.Exec

		wantStderr(t, proc.fail(t, "sandbox", getSecurity...),
			errLine("ResourceNotFoundException", "GetAlternateContact", msgNoContact))

		if out := s.ok(t, "sandbox", securityContactArgs("Security Operations")...); out != "" {
			t.Errorf("put-alternate-contact stdout = %q, want empty", out)
		}

		var got struct{ AlternateContact alternateContact }
		s.okJSON(t, "sandbox", &got, getSecurity...)
		want := alternateContact{Name: "Security Operations", Title: "Security Team",
			EmailAddress: "security@acmepay.io", PhoneNumber: "+1 206 555 7700", AlternateContactType: "SECURITY"}
		if got.AlternateContact != want {
			t.Errorf("get-alternate-contact = %+v, want %+v", got.AlternateContact, want)
		}

		if out := s.ok(t, "sandbox", "account", "delete-alternate-contact", "--alternate-contact-type", "SECURITY"); out != "" {
			t.Errorf("delete-alternate-contact stdout = %q, want empty", out)
		}
		wantStderr(t, s.fail(t, "sandbox", getSecurity...),
			errLine("ResourceNotFoundException", "GetAlternateContact", msgNoContact))
		// Deleting what is not there is a 404 on AWS too (docs/aws-facts.md, "Account: errors and authorization").
		wantStderr(t, s.fail(t, "sandbox", "account", "delete-alternate-contact", "--alternate-contact-type", "SECURITY"),
			errLine("ResourceNotFoundException", "DeleteAlternateContact", msgNoContact))
	})

	// The AccountId rules of docs/aws-facts.md, "Account: errors and authorization".
	t.Run("AccountIdRules", func(t *testing.T) {
		t.Parallel()
		s := startSandbox(t, awsCLI)

		// The management account may not name itself.
		wantStderrRE(t, s.fail(t, "sandbox", append(getSecurity, "--account-id", mgmtID)...),
			`^`+regexp.QuoteMeta(errLine("AccessDeniedException", "GetAlternateContact", "User: arn:aws:"))+
				`(iam|sts)::`+mgmtID+`:\S+ is not authorized to perform: account:GetAlternateContact `+regexp.QuoteMeta(msgStandalone)+`$`)

		// It may name a member (trusted access is on in fintech).
		var got struct{ AlternateContact alternateContact }
		s.okJSON(t, "sandbox", &got, append(getSecurity, "--account-id", memberID)...)
		want := alternateContact{Name: "Security Operations", Title: "Security Team",
			EmailAddress: "security@acmepay.io", PhoneNumber: "+1 206 555 7700", AlternateContactType: "SECURITY"}
		if got.AlternateContact != want {
			t.Errorf("get-alternate-contact --account-id %s = %+v, want %+v", memberID, got.AlternateContact, want)
		}

		// A member that is not a delegated administrator may not use
		// AccountId at all, not even with its own id; no parenthetical.
		for _, target := range []string{otherID, memberID} {
			wantStderrRE(t, s.fail(t, memberID, append(getSecurity, "--account-id", target)...),
				`^`+regexp.QuoteMeta(errLine("AccessDeniedException", "GetAlternateContact", "User: arn:aws:"))+
					`(iam|sts)::`+memberID+`:\S+ is not authorized to perform: account:GetAlternateContact$`)
		}
	})

	// Field validation is server-side: botocore checks required members
	// and minimum lengths only, so the errors must come from the sandbox.
	t.Run("Validation", func(t *testing.T) {
		t.Parallel()
		s := startSandbox(t, awsCLI)
		cases := []struct {
			name   string
			args   []string
			member string // the member named in the message
		}{
			{"bad email", []string{"account", "put-alternate-contact", "--alternate-contact-type", "SECURITY",
				"--name", "Security Operations", "--title", "Security Team",
				"--email-address", "not-an-email", "--phone-number", "+1 206 555 7700"}, "emailAddress"},
			{"65-char name", securityContactArgs(strings.Repeat("n", 65)), "name"},
		}
		for _, c := range cases {
			before := s.stats(t)
			line := s.fail(t, "sandbox", c.args...)
			after := s.stats(t)
			prefix := errLine("ValidationException", "PutAlternateContact", "")
			if !strings.HasPrefix(line, prefix) || !strings.Contains(line, "'"+c.member+"'") {
				t.Errorf("%s: stderr = %q, want %q… naming '%s'", c.name, line, prefix, c.member)
			}
			if n := after.Operations["PutAlternateContact"].Requests - before.Operations["PutAlternateContact"].Requests; n != 1 {
				t.Errorf("%s: the sandbox served %d PutAlternateContact requests, want 1 (the error must come from the server, not botocore)", c.name, n)
			}
			if after.Writes != before.Writes {
				t.Errorf("%s: a rejected put changed the state (writes %d → %d)", c.name, before.Writes, after.Writes)
			}
		}
		// Nothing was stored.
		wantStderr(t, s.fail(t, "sandbox", getSecurity...),
			errLine("ResourceNotFoundException", "GetAlternateContact", msgNoContact))
	})

	// ListAccounts pages at most 20 (docs/aws-facts.md, "Organizations: shapes"); the CLI follows NextToken.
	t.Run("ListAccounts", func(t *testing.T) {
		t.Parallel()
		s := startSandbox(t, awsCLI)

		checkAll := func(how string, accts []orgAccount) {
			t.Helper()
			ids := map[string]bool{}
			states := map[string]int{}
			for _, a := range accts {
				if ids[a.Id] {
					t.Errorf("%s: account %s listed twice", how, a.Id)
				}
				ids[a.Id] = true
				states[a.State]++
				if !strings.HasPrefix(a.Arn, "arn:aws:organizations::"+mgmtID+":account/"+orgID+"/") || a.JoinedTimestamp <= 0 || len(a.Paths) != 1 {
					t.Errorf("%s: malformed account %+v", how, a)
				}
			}
			if len(accts) != 24 || states["ACTIVE"] != 23 || states["SUSPENDED"] != 1 {
				t.Errorf("%s: %d accounts (states %v), want 24 (23 ACTIVE, 1 SUSPENDED)", how, len(accts), states)
			}
			if !ids[mgmtID] || !ids[memberID] {
				t.Errorf("%s: management or member account missing", how)
			}
		}

		var all struct {
			Accounts  []orgAccount
			NextToken *string
		}
		s.okJSON(t, "sandbox", &all, "organizations", "list-accounts")
		if all.NextToken != nil {
			t.Errorf("auto-paginated list-accounts left NextToken %q", *all.NextToken)
		}
		checkAll("list-accounts", all.Accounts)

		before := s.stats(t).Operations["ListAccounts"].Requests
		var paged struct{ Accounts []orgAccount }
		s.okJSON(t, "sandbox", &paged, "organizations", "list-accounts", "--page-size", "7")
		checkAll("list-accounts --page-size 7", paged.Accounts)
		if n := s.stats(t).Operations["ListAccounts"].Requests - before; n != 4 {
			t.Errorf("list-accounts --page-size 7 made %d ListAccounts requests, want 4 (7+7+7+3)", n)
		}

		var collected []orgAccount
		var token string
		for i := 0; ; i++ {
			if i > 10 {
				t.Fatal("list-accounts --max-items 5 did not end after 10 pages")
			}
			args := []string{"organizations", "list-accounts", "--max-items", "5"}
			if token != "" {
				args = append(args, "--starting-token", token)
			}
			var pg struct {
				Accounts  []orgAccount
				NextToken string
			}
			s.okJSON(t, "sandbox", &pg, args...)
			if len(pg.Accounts) > 5 {
				t.Errorf("--max-items 5 returned %d accounts", len(pg.Accounts))
			}
			collected = append(collected, pg.Accounts...)
			if pg.NextToken == "" {
				break
			}
			token = pg.NextToken
		}
		checkAll("list-accounts --max-items 5 (following NextToken)", collected)
	})

	t.Run("Organization", func(t *testing.T) {
		t.Parallel()
		s := startSandbox(t, awsCLI)

		var org struct {
			Organization struct{ Id, Arn, FeatureSet, MasterAccountId, MasterAccountArn, MasterAccountEmail string }
		}
		s.okJSON(t, "sandbox", &org, "organizations", "describe-organization")
		if o := org.Organization; o.Id != orgID || o.FeatureSet != "ALL" || o.MasterAccountId != mgmtID ||
			o.Arn != "arn:aws:organizations::"+mgmtID+":organization/"+orgID {
			t.Errorf("describe-organization = %+v", o)
		}

		var roots struct {
			Roots []struct {
				Id, Arn, Name string
				PolicyTypes   []struct{ Type, Status string }
			}
		}
		s.okJSON(t, "sandbox", &roots, "organizations", "list-roots")
		if len(roots.Roots) != 1 || !regexp.MustCompile(`^r-[0-9a-z]{4,32}$`).MatchString(roots.Roots[0].Id) {
			t.Fatalf("list-roots = %+v, want one root r-…", roots.Roots)
		}
		root := roots.Roots[0].Id

		type ous struct {
			OrganizationalUnits []struct{ Id, Arn, Name, Path string }
		}
		var top ous
		s.okJSON(t, "sandbox", &top, "organizations", "list-organizational-units-for-parent", "--parent-id", root)
		names := map[string]string{}
		for _, o := range top.OrganizationalUnits {
			if !regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`).MatchString(o.Id) {
				t.Errorf("OU id %q does not match the model's pattern", o.Id)
			}
			names[o.Name] = o.Id
		}
		var got []string
		for n := range names {
			got = append(got, n)
		}
		sort.Strings(got)
		if want := "Infrastructure,Sandbox,Security,Suspended,Workloads"; strings.Join(got, ",") != want {
			t.Errorf("top-level OUs = %v, want %s", got, want)
		}
		// A leaf OU has no children: AWS answers {"OrganizationalUnits": []}.
		// The output must still be JSON, so scripts can pipe it to jq.
		if id := names["Sandbox"]; id != "" {
			var leaf ous
			if s.tryJSON(t, "sandbox", &leaf, "organizations", "list-organizational-units-for-parent", "--parent-id", id) &&
				len(leaf.OrganizationalUnits) != 0 {
				t.Errorf("OUs under Sandbox = %+v, want none", leaf.OrganizationalUnits)
			}
		}

		// fintech registers no delegated administrator: an empty list,
		// which must still print as JSON.
		var admins struct {
			DelegatedAdministrators []struct{ Id string }
		}
		if s.tryJSON(t, "sandbox", &admins, "organizations", "list-delegated-administrators") &&
			len(admins.DelegatedAdministrators) != 0 {
			t.Errorf("list-delegated-administrators = %+v, want none", admins.DelegatedAdministrators)
		}

		var access struct {
			EnabledServicePrincipals []struct {
				ServicePrincipal string
				DateEnabled      float64
			}
		}
		s.okJSON(t, "sandbox", &access, "organizations", "list-aws-service-access-for-organization")
		found := false
		for _, p := range access.EnabledServicePrincipals {
			if p.ServicePrincipal == "account.amazonaws.com" {
				found = p.DateEnabled > 0
			}
		}
		if !found {
			t.Errorf("list-aws-service-access-for-organization = %+v, want account.amazonaws.com with a DateEnabled", access.EnabledServicePrincipals)
		}
	})

	t.Run("STS", func(t *testing.T) {
		t.Parallel()
		s := startSandbox(t, awsCLI)
		for key, want := range map[string]string{memberID: memberID, "sandbox": mgmtID} {
			var id struct{ UserId, Account, Arn string }
			s.okJSON(t, key, &id, "sts", "get-caller-identity")
			if id.Account != want || !strings.HasPrefix(id.Arn, "arn:aws:") || !strings.Contains(id.Arn, "::"+want+":") || id.UserId == "" {
				t.Errorf("get-caller-identity as %s = %+v, want account %s", key, id, want)
			}
		}
	})

	t.Run("SecurityHub", func(t *testing.T) {
		t.Parallel()
		s := startSandbox(t, awsCLI)
		var out struct {
			Findings []struct {
				Id, GeneratorId, AwsAccountId, RecordState, UpdatedAt string
				Compliance                                            struct{ Status, SecurityControlId string }
				Resources                                             []struct{ Type, Id string }
			}
			NextToken *string
		}
		s.okJSON(t, "sandbox", &out, "securityhub", "get-findings", "--filters",
			`{"ComplianceSecurityControlId":[{"Value":"Account.1","Comparison":"EQUALS"}],"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}]}`)
		failed := 0
		accts := map[string]bool{}
		for _, f := range out.Findings {
			if f.Compliance.Status == "FAILED" {
				failed++
			}
			accts[f.AwsAccountId] = true
			if f.Compliance.SecurityControlId != "Account.1" || f.RecordState != "ACTIVE" ||
				len(f.Resources) != 1 || f.Resources[0].Id != "AWS::::Account:"+f.AwsAccountId {
				t.Errorf("malformed finding %+v", f)
			}
			if _, err := time.Parse(time.RFC3339, f.UpdatedAt); err != nil {
				t.Errorf("finding UpdatedAt %q is not ISO 8601: %v", f.UpdatedAt, err)
			}
		}
		if len(out.Findings) != 23 || failed != 14 || len(accts) != 23 {
			t.Errorf("get-findings: %d findings over %d accounts, %d FAILED; want 23 over 23, 14 FAILED", len(out.Findings), len(accts), failed)
		}
		if !accts[mgmtID] {
			t.Errorf("no Account.1 finding for the management account")
		}
	})

	// The new Security Hub: botocore reads the same evaluations as OCSF
	// through get-findings-v2, and a malformed filter is the model's
	// ValidationException naming the field.
	t.Run("SecurityHubV2", func(t *testing.T) {
		t.Parallel()
		s := startSandbox(t, awsCLI)
		var hub struct{ HubV2Arn, SubscribedAt string }
		s.okJSON(t, "sandbox", &hub, "securityhub", "describe-security-hub-v2")
		if hub.HubV2Arn != "arn:aws:securityhub:us-east-1:"+mgmtID+":hubv2/default" || hub.SubscribedAt == "" {
			t.Errorf("describe-security-hub-v2 = %+v", hub)
		}
		var out struct {
			Findings []struct {
				ClassUID    int `json:"class_uid"`
				FindingInfo struct {
					UID            string `json:"uid"`
					ModifiedTimeDT string `json:"modified_time_dt"`
				} `json:"finding_info"`
				Cloud struct {
					Account struct {
						UID string `json:"uid"`
					} `json:"account"`
				} `json:"cloud"`
				Compliance struct{ Control, Status string } `json:"compliance"`
				Metadata   struct {
					Product struct{ Name string } `json:"product"`
				} `json:"metadata"`
			}
			NextToken *string
		}
		s.okJSON(t, "sandbox", &out, "securityhub", "get-findings-v2", "--filters",
			`{"CompositeFilters":[{"Operator":"AND","StringFilters":[`+
				`{"FieldName":"compliance.control","Filter":{"Value":"Account.1","Comparison":"EQUALS"}},`+
				`{"FieldName":"metadata.product.name","Filter":{"Value":"Security Hub CSPM","Comparison":"EQUALS"}},`+
				`{"FieldName":"status","Filter":{"Value":"Archived","Comparison":"NOT_EQUALS"}}]}],"CompositeOperator":"AND"}`)
		fail, accts := 0, map[string]bool{}
		for _, f := range out.Findings {
			accts[f.Cloud.Account.UID] = true
			if f.Compliance.Status == "Fail" {
				fail++
			}
			if f.ClassUID != 2003 || f.Compliance.Control != "Account.1" || !strings.Contains(f.FindingInfo.UID, ":security-control/Account.1/finding/") {
				t.Errorf("malformed OCSF finding %+v", f)
			}
			if _, err := time.Parse(time.RFC3339, f.FindingInfo.ModifiedTimeDT); err != nil {
				t.Errorf("modified_time_dt %q: %v", f.FindingInfo.ModifiedTimeDT, err)
			}
		}
		if len(out.Findings) != 23 || fail != 14 || len(accts) != 23 || !accts[mgmtID] {
			t.Errorf("get-findings-v2: %d findings over %d accounts, %d Fail; want 23 over 23, 14 Fail", len(out.Findings), len(accts), fail)
		}
		wantStderr(t, s.fail(t, "sandbox", "securityhub", "get-findings-v2", "--filters",
			`{"CompositeFilters":[{"StringFilters":[{"FieldName":"compliance.control","Filter":{"Value":"Account.1","Comparison":"LIKE"}}]}]}`),
			errLine("ValidationException", "GetFindingsV2",
				`Filters.CompositeFilters[0].StringFilters[0].Filter.Comparison: "LIKE" is not one of EQUALS, PREFIX, NOT_EQUALS, PREFIX_NOT_EQUALS, CONTAINS, NOT_CONTAINS, CONTAINS_WORD`))
	})
}
