package main_test

// End-to-end audit against moto: the real `aws` CLI builds an organization
// in moto_server (OUs, 25 members, trusted access, some SECURITY contacts),
// `altcontacts audit` runs in-process against the same endpoint, and the
// aws CLI then independently reads every ACTIVE account's SECURITY contact
// so the audit's Account.1 verdicts can be checked against a second client.
//
// Moto is a second opinion, not the reference (see the divergence table in
// internal/emulator/moto_test.go). What matters here, for moto 5.2:
//   - the management account is moto's default caller, 123456789012;
//   - an unset contact is ResourceNotFoundException with HTTP 400 (AWS: 404);
//     the audit must still read it as "not set", not as an error;
//   - moto has no trusted-access or standalone-context checks, so this test
//     does not exercise those rules (the emulator tests do);
//   - close-account turns an account SUSPENDED at once.
//
// The aws calls go through one long-lived CLI process (peertest.AWSCLI):
// a process per call cost about a second of Python start-up each.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"

	"github.com/altcontacts/altcontacts/internal/cli"
	"github.com/altcontacts/altcontacts/internal/peertest"
)

const (
	motoMgmtID      = "123456789012" // moto's default caller: the management account
	motoCLIParallel = 4              // aws calls in flight (the CLI shell serialises them; moto does not mind)
	motoMembers     = 25             // more than 20, so ListAccounts must page
)

// motoCLI runs the aws CLI against one moto_server with a hermetic
// environment, through one long-lived CLI process (see peertest.AWSCLI).
type motoCLI struct {
	cli *peertest.AWSCLI
	env []string // the full environment of every aws command
}

// run runs one aws call. A non-zero exit is returned as a *motoCLIError
// carrying stderr.
func (m *motoCLI) run(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	res, err := m.cli.Run(ctx, m.env, append([]string{"--output", "json"}, args...)...)
	switch {
	case err != nil:
		return "", err
	case res.Code != 0:
		return res.Stdout, &motoCLIError{args: args, code: res.Code, stderr: strings.TrimSpace(res.Stderr)}
	}
	return res.Stdout, nil
}

// json runs an aws call and decodes its stdout into v.
func (m *motoCLI) json(ctx context.Context, v any, args ...string) error {
	out, err := m.run(ctx, args...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		return fmt.Errorf("aws %s: stdout is not JSON (%v): %q", strings.Join(args, " "), err, out)
	}
	return nil
}

type motoCLIError struct {
	args   []string
	code   int
	stderr string
}

func (e *motoCLIError) Error() string {
	return fmt.Sprintf("aws %s: exit %d: %s", strings.Join(e.args, " "), e.code, e.stderr)
}

// inParallel runs jobs with at most motoCLIParallel at once and returns the
// first error.
func inParallel(ctx context.Context, jobs ...func(context.Context) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(motoCLIParallel)
	for _, j := range jobs {
		g.Go(func() error { return j(ctx) })
	}
	return g.Wait()
}

// motoAuditReport is the part of the audit/v1 JSON report this test reads.
type motoAuditReport struct {
	Schema       string `json:"schema"`
	Organization *struct {
		ID                  string `json:"id"`
		ManagementAccountID string `json:"management_account_id"`
	} `json:"organization"`
	Summary struct {
		Accounts  int `json:"accounts"`
		Evaluated int `json:"evaluated"`
		Skipped   int `json:"skipped"`
		Unknown   int `json:"unknown"`
		Account1  struct {
			Passed int `json:"passed"`
			Failed int `json:"failed"`
		} `json:"account1"`
	} `json:"summary"`
	Accounts []struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		State      string `json:"state"`
		OUPath     string `json:"ou_path"`
		Management bool   `json:"management"`
		Status     string `json:"status"`
		Account1   string `json:"account1"`
		Contacts   map[string]*struct {
			Name  string `json:"name"`
			Title string `json:"title"`
			Email string `json:"email"`
			Phone string `json:"phone"`
		} `json:"contacts"`
		Findings []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Type     string `json:"type"`
			Field    string `json:"field"`
			Message  string `json:"message"`
		} `json:"findings"`
		Error  *string `json:"error"`
		Reason string  `json:"reason"`
	} `json:"accounts"`
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestMotoAudit(t *testing.T) {
	t.Parallel()
	awsCLI := peertest.AWS(t)
	url := peertest.SharedMoto(t)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	dir := t.TempDir()
	awsEnv := map[string]string{
		"AWS_ENDPOINT_URL":            url,
		"AWS_ACCESS_KEY_ID":           "testing",
		"AWS_SECRET_ACCESS_KEY":       "testing",
		"AWS_DEFAULT_REGION":          "us-east-1",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "no-such-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "no-such-aws-credentials"),
		"AWS_PAGER":                   "",
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
	// The aws CLI inherits PATH, HOME and pyenv's variables (the shim needs
	// them) but no AWS_* setting of the machine.
	var procEnv []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			procEnv = append(procEnv, kv)
		}
	}
	for k, v := range awsEnv {
		procEnv = append(procEnv, k+"="+v)
	}
	aws := &motoCLI{cli: awsCLI, env: procEnv}

	// --- Build the organization with the aws CLI. ---
	var org struct {
		Organization struct{ Id, MasterAccountId, FeatureSet string }
	}
	if err := aws.json(ctx, &org, "organizations", "create-organization", "--feature-set", "ALL"); err != nil {
		t.Fatal(err)
	}
	if o := org.Organization; o.MasterAccountId != motoMgmtID || o.FeatureSet != "ALL" {
		t.Fatalf("create-organization = %+v, want management %s, feature set ALL", o, motoMgmtID)
	}
	var roots struct{ Roots []struct{ Id, Name string } }
	if err := aws.json(ctx, &roots, "organizations", "list-roots"); err != nil {
		t.Fatal(err)
	}
	if len(roots.Roots) != 1 {
		t.Fatalf("list-roots = %+v, want one root", roots.Roots)
	}
	root := roots.Roots[0].Id

	type ouOut struct{ OrganizationalUnit struct{ Id, Name string } }
	createOU := func(ctx context.Context, parent, name string) (string, error) {
		var o ouOut
		err := aws.json(ctx, &o, "organizations", "create-organizational-unit", "--parent-id", parent, "--name", name)
		return o.OrganizationalUnit.Id, err
	}

	// Members acct-01 … acct-25; where each goes and what contact it gets.
	name := func(i int) string { return fmt.Sprintf("acct-%02d", i) }
	const (
		pathProd      = "Root/Workloads/Prod"
		pathWorkloads = "Root/Workloads"
		pathSandbox   = "Root/Sandbox"
	)
	// Only five move, so Root keeps 21 accounts: more than the 20 moto's
	// ListAccountsForParent returns per page, so the audit's walk must page.
	placement := map[string]string{ // account name → OU path, for the moved ones
		name(1): pathProd, name(2): pathProd, name(3): pathProd,
		name(4): pathWorkloads,
		name(5): pathSandbox,
	}
	// acct-03 (in Prod) is left without a contact: a FAILED account in a
	// nested OU.
	durable := map[string]bool{"master": true} // moto names the management account "master"
	for _, i := range []int{1, 2, 4, 5, 11, 12, 13} {
		durable[name(i)] = true
	}
	freeMail := name(14)
	suspended := name(25)

	var (
		mu    sync.Mutex
		ids   = map[string]string{} // account name → id
		ouIDs = map[string]string{} // OU path → id
	)
	jobs := []func(context.Context) error{
		func(ctx context.Context) error {
			w, err := createOU(ctx, root, "Workloads")
			if err != nil {
				return err
			}
			p, err := createOU(ctx, w, "Prod")
			mu.Lock()
			ouIDs[pathWorkloads], ouIDs[pathProd] = w, p
			mu.Unlock()
			return err
		},
		func(ctx context.Context) error {
			s, err := createOU(ctx, root, "Sandbox")
			mu.Lock()
			ouIDs[pathSandbox] = s
			mu.Unlock()
			return err
		},
		func(ctx context.Context) error {
			// Moto accepts trusted access (it does not enforce it); AWS
			// needs it before the management account may name a member.
			_, err := aws.run(ctx, "organizations", "enable-aws-service-access", "--service-principal", "account.amazonaws.com")
			return err
		},
	}
	for i := 1; i <= motoMembers; i++ {
		n := name(i)
		jobs = append(jobs, func(ctx context.Context) error {
			var out struct {
				CreateAccountStatus struct{ State, AccountId, FailureReason string }
			}
			if err := aws.json(ctx, &out, "organizations", "create-account", "--account-name", n, "--email", "aws+"+n+"@acmepay.io"); err != nil {
				return err
			}
			// Moto creates accounts synchronously.
			if s := out.CreateAccountStatus; s.State != "SUCCEEDED" || len(s.AccountId) != 12 {
				return fmt.Errorf("create-account %s: status %+v, want SUCCEEDED with an account id", n, s)
			}
			mu.Lock()
			ids[n] = out.CreateAccountStatus.AccountId
			mu.Unlock()
			return nil
		})
	}
	if err := inParallel(ctx, jobs...); err != nil {
		t.Fatal(err)
	}

	putSecurity := func(accountName, contactName, email string) func(context.Context) error {
		args := []string{"account", "put-alternate-contact", "--alternate-contact-type", "SECURITY",
			"--name", contactName, "--title", "Security Team",
			"--email-address", email, "--phone-number", "+1 206 555 7700"}
		if accountName != "master" {
			args = append(args, "--account-id", ids[accountName])
		} // the management account's own contact: standalone context, no --account-id
		return func(ctx context.Context) error { _, err := aws.run(ctx, args...); return err }
	}
	jobs = nil
	for n, path := range placement {
		jobs = append(jobs, func(ctx context.Context) error {
			_, err := aws.run(ctx, "organizations", "move-account", "--account-id", ids[n],
				"--source-parent-id", root, "--destination-parent-id", ouIDs[path])
			return err
		})
	}
	for n := range durable {
		jobs = append(jobs, putSecurity(n, "Security Operations", "security@acmepay.io"))
	}
	jobs = append(jobs,
		putSecurity(freeMail, "Security Operations", "acmepay.secops@gmail.com"),
		func(ctx context.Context) error {
			_, err := aws.run(ctx, "organizations", "close-account", "--account-id", ids[suspended])
			return err
		})
	if err := inParallel(ctx, jobs...); err != nil {
		t.Fatal(err)
	}
	t.Logf("setup: organization %s, %d members, %s", org.Organization.Id, len(ids), time.Since(start).Round(time.Millisecond))

	// --- Audit with altcontacts, in its own process with the same
	// hermetic AWS_* settings (the SDK's config.LoadDefaultConfig reads
	// the process environment). ---
	auditStart := time.Now()
	stdout, stderr, code := altcontacts(ctx, t, append(procEnv, "HOME="+dir),
		"audit", "--endpoint-url", url, "-o", "json", "--types", "SECURITY", "--no-dns")
	t.Logf("audit: exit %d in %s", code, time.Since(auditStart).Round(time.Millisecond))
	if code != cli.ExitFindings {
		t.Errorf("audit exit = %d, want %d (findings); stderr:\n%s", code, cli.ExitFindings, stderr)
	}
	var rep motoAuditReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("audit -o json: %v; stdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	if rep.Schema != "altcontacts/audit/v1" {
		t.Errorf("schema = %q, want altcontacts/audit/v1", rep.Schema)
	}
	if rep.Organization == nil || rep.Organization.ID != org.Organization.Id || rep.Organization.ManagementAccountID != motoMgmtID {
		t.Errorf("organization = %+v, want %s managed by %s", rep.Organization, org.Organization.Id, motoMgmtID)
	}

	// --- Independently, with the aws CLI: who has no SECURITY contact? ---
	var listed struct {
		Accounts []struct{ Id, Name, State, Status string }
	}
	// --page-size makes the CLI follow NextToken (moto's own default page
	// for ListAccounts is 100).
	if err := aws.json(ctx, &listed, "organizations", "list-accounts", "--page-size", "10"); err != nil {
		t.Fatal(err)
	}
	cliIDs := map[string]bool{}
	cliMissing := map[string]bool{}
	jobs = nil
	for _, a := range listed.Accounts {
		cliIDs[a.Id] = true
		state := a.State
		if state == "" {
			state = a.Status
		}
		if state != "ACTIVE" {
			continue
		}
		args := []string{"account", "get-alternate-contact", "--alternate-contact-type", "SECURITY"}
		if a.Id != motoMgmtID {
			args = append(args, "--account-id", a.Id)
		}
		jobs = append(jobs, func(ctx context.Context) error {
			var got struct{ AlternateContact struct{ EmailAddress string } }
			err := aws.json(ctx, &got, args...)
			var ce *motoCLIError
			switch {
			case errors.As(err, &ce) && strings.Contains(ce.stderr, "(ResourceNotFoundException)"):
				mu.Lock()
				cliMissing[a.Id] = true
				mu.Unlock()
				return nil
			case err != nil:
				return err
			case got.AlternateContact.EmailAddress == "":
				return fmt.Errorf("get-alternate-contact %s: no EmailAddress in the answer", a.Id)
			}
			return nil
		})
	}
	if err := inParallel(ctx, jobs...); err != nil {
		t.Fatal(err)
	}
	if want := motoMembers + 1; len(cliIDs) != want {
		t.Errorf("aws organizations list-accounts: %d accounts, want %d", len(cliIDs), want)
	}
	// What the setup implies, as a check on the CLI's view itself.
	wantMissing := map[string]bool{}
	for i := 1; i <= motoMembers; i++ {
		if n := name(i); !durable[n] && n != freeMail && n != suspended {
			wantMissing[ids[n]] = true
		}
	}
	if d := cmp.Diff(sortedKeys(wantMissing), sortedKeys(cliMissing)); d != "" {
		t.Errorf("accounts without a SECURITY contact per the aws CLI, vs. the setup (-setup +cli):\n%s", d)
	}

	// --- Compare. ---
	auditIDs := map[string]bool{}
	auditFailed := map[string]bool{}
	byName := map[string]int{}
	for i, a := range rep.Accounts {
		if auditIDs[a.ID] {
			t.Errorf("audit lists account %s twice", a.ID)
		}
		auditIDs[a.ID] = true
		byName[a.Name] = i
		if a.Account1 == "FAILED" {
			auditFailed[a.ID] = true
		}
		if a.Status == "UNKNOWN" || (a.Account1 == "UNKNOWN" && a.Status != "SKIPPED") || a.Error != nil {
			errMsg := ""
			if a.Error != nil {
				errMsg = *a.Error
			}
			t.Errorf("account %s (%s): status %s, account1 %s, error %q; want it read", a.ID, a.Name, a.Status, a.Account1, errMsg)
		}
	}
	if d := cmp.Diff(sortedKeys(cliIDs), sortedKeys(auditIDs)); d != "" {
		t.Errorf("accounts audited vs. aws organizations list-accounts (-cli +audit):\n%s", d)
	}
	if d := cmp.Diff(sortedKeys(cliMissing), sortedKeys(auditFailed)); d != "" {
		t.Errorf("Account.1 FAILED in the audit vs. no SECURITY contact per the aws CLI (-cli +audit):\n%s", d)
	}
	if s := rep.Summary; s.Accounts != motoMembers+1 || s.Unknown != 0 || s.Skipped != 1 ||
		s.Account1.Failed != len(cliMissing) || s.Account1.Passed != motoMembers-len(cliMissing) {
		t.Errorf("summary = %+v, want %d accounts, 0 unknown, 1 skipped, account1 %d failed / %d passed",
			s, motoMembers+1, len(cliMissing), motoMembers-len(cliMissing))
	}

	// OU paths: the moved accounts sit where they were moved, the rest in Root.
	gotPaths, wantPaths := map[string]string{}, map[string]string{}
	for _, a := range rep.Accounts {
		gotPaths[a.Name] = a.OUPath
		wantPaths[a.Name] = "Root"
		if p, ok := placement[a.Name]; ok {
			wantPaths[a.Name] = p
		}
	}
	if d := cmp.Diff(wantPaths, gotPaths); d != "" {
		t.Errorf("ou_path by account name (-want +audit):\n%s", d)
	}
	inRoot := 0
	for _, p := range gotPaths {
		if p == "Root" {
			inRoot++
		}
	}
	if inRoot <= 20 {
		t.Errorf("%d accounts directly under Root; the test needs more than 20 so ListAccountsForParent pages", inRoot)
	}

	account := func(n string) (int, bool) {
		i, ok := byName[n]
		if !ok {
			t.Errorf("account %s missing from the audit", n)
		}
		return i, ok
	}
	if i, ok := account("master"); ok {
		if a := rep.Accounts[i]; a.ID != motoMgmtID || !a.Management {
			t.Errorf("management account in the audit: id %s, management %v; want %s, true", a.ID, a.Management, motoMgmtID)
		}
	}
	// A durable team contact passes with no finding, management included.
	for n := range durable {
		i, ok := account(n)
		if !ok {
			continue
		}
		a := rep.Accounts[i]
		c := a.Contacts["SECURITY"]
		if a.Status != "PASS" || a.Account1 != "PASSED" || len(a.Findings) != 0 || c == nil ||
			c.Name != "Security Operations" || c.Title != "Security Team" || c.Email != "security@acmepay.io" || c.Phone != "+1 206 555 7700" {
			t.Errorf("%s (%s): status %s, account1 %s, contact %+v, findings %+v; want PASS, PASSED, the durable contact, no findings",
				n, a.ID, a.Status, a.Account1, c, a.Findings)
		}
	}
	if i, ok := account(freeMail); ok {
		a := rep.Accounts[i]
		found := false
		for _, f := range a.Findings {
			if f.Rule == "free-mail" && f.Type == "SECURITY" && f.Field == "email" && strings.Contains(f.Message, "gmail.com") {
				found = true
			}
		}
		if !found || a.Status != "FAIL" || a.Account1 != "PASSED" {
			t.Errorf("%s (%s): status %s, account1 %s, findings %+v; want FAIL, PASSED, a free-mail finding on the SECURITY email",
				freeMail, a.ID, a.Status, a.Account1, a.Findings)
		}
	}
	if i, ok := account(suspended); ok {
		if a := rep.Accounts[i]; a.State != "SUSPENDED" || a.Status != "SKIPPED" || a.Account1 != "UNKNOWN" || a.Reason == "" {
			t.Errorf("%s (%s): state %s, status %s, account1 %s, reason %q; want SUSPENDED, SKIPPED, UNKNOWN, a reason",
				suspended, a.ID, a.State, a.Status, a.Account1, a.Reason)
		}
	}
	// Every account without a SECURITY contact carries the Account.1 finding.
	for _, a := range rep.Accounts {
		if !auditFailed[a.ID] {
			continue
		}
		found := false
		for _, f := range a.Findings {
			found = found || f.Rule == "Account.1"
		}
		if !found || a.Status != "FAIL" {
			t.Errorf("%s (%s): account1 FAILED but status %s, findings %+v; want FAIL with an Account.1 finding", a.Name, a.ID, a.Status, a.Findings)
		}
	}
	t.Logf("total %s", time.Since(start).Round(time.Millisecond))
}
