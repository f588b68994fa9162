package emulator_test

// A comparison of the emulator with moto (moto_server, getmoto/moto) on the
// calls altcontacts makes, through the real aws-sdk-go-v2 clients. Moto is a
// second opinion, not the reference: where moto and AWS disagree we follow
// AWS (per docs/aws-facts.md) and assert moto's actual behaviour too, so
// this test notices when moto changes.
//
// Divergences (moto 5.2.1; quoted names are sections of docs/aws-facts.md):
//
// | Call | AWS (facts) | moto | emulator | we follow |
// |------|-------------|------|----------|-----------|
// | Account GetAlternateContact, type not set | 404 ResourceNotFoundException "No contact of the inputted alternate contact type found." ("Account: errors and authorization") | same code and text, but HTTP 400 | 404, same code and text | AWS |
// | Account DeleteAlternateContact, type not set | 404 ResourceNotFoundException ("Account: errors and authorization": a modeled error) | 200, nothing happens | 404 ResourceNotFoundException | AWS |
// | Account *AlternateContact, management passes its own AccountId | 403 AccessDeniedException "… (The management account can only be managed using the standalone context from the management account.)" ("Account: errors and authorization") | allowed, acts on the management account | 403 with AWS's text | AWS |
// | Account *AlternateContact with a member AccountId, trusted access for account.amazonaws.com off | 403 AccessDeniedException, no parenthetical ("Account: errors and authorization", steampipe #1309) | allowed (moto has no trusted-access check) | 403 | AWS |
// | Account *AlternateContact, member (not delegated admin) caller passes an AccountId | 403 AccessDeniedException, no parenthetical ("Account: errors and authorization") | allowed, acts on the named account | 403 | AWS |
// | Account *AlternateContact, AccountId not in the organization | must be a member of the same organization ("Account: errors and authorization"; exact answer UNCONFIRMED) | allowed (any 12 digits get their own backend) | 403 AccessDeniedException, no parenthetical | AWS rule |
// | Account PutAlternateContact, bad EmailAddress / 65-char Name | 400 ValidationException, server-side ("Account: shapes"; "Account: errors and authorization"; text UNCONFIRMED) | accepted and stored | 400 ValidationException reason fieldValidationFailed, fieldList names the member | AWS |
// | Account *AlternateContact, AlternateContactType outside the enum | UNCONFIRMED ("Account: errors and authorization") | 400 AccessDeniedException "… (You specified an invalid Alternate Contact type.)" | 400 ValidationException (enum constraint) | model ("Account: shapes" enum) |
// | STS GetCallerIdentity | Arn of the IAM principal, e.g. arn:aws:iam::<acct>:user/<name> ("STS") | arn:aws:sts::123456789012:user/moto (an "sts" user ARN), UserId AKIAIOSFODNN7EXAMPLE | arn:aws:iam::<acct>:user/sandbox-operator | AWS |
// | Organizations ListAccounts, account shape | Id, Arn, Email, Name, Status, State, Paths, JoinedMethod, JoinedTimestamp ("Organizations: shapes") | no Paths | all, Paths included | AWS |
// | Organizations ListAccounts, MaxResults 21 | model range 1–20 ("Organizations: shapes"); real answer UNCONFIRMED ("Unconfirmed") | accepted, up to 21 per page | 400 InvalidInputException reason MAX_VALUE_EXCEEDED | model |
// | Organizations List*, nothing to list (e.g. ListDelegatedAdministrators with none) | an empty JSON array, `{"DelegatedAdministrators":[]}` (awsJson list member; not spelled out in the facts) | `{"DelegatedAdministrators": []}` | `{"DelegatedAdministrators":null}` — EMULATOR BUG, the aws CLI then prints nothing | AWS (test fails until fixed) |
// | Security Hub GetFindings before the hub is enabled | 401 InvalidAccessException ("Security Hub: GetFindings"; text UNCONFIRMED) | 200, empty list | (hub enabled in fintech; not compared) | AWS |
// | Security Hub GetFindings, Filters | StringFilter semantics applied ("Security Hub: GetFindings") | Filters ignored: every imported finding returned | filters applied | AWS |
// | Security Hub Account.1 control findings | one per account per Region, produced by Security Hub itself ("Security Hub: Account.1") | none (only BatchImportFindings findings exist) | one per ACTIVE account | AWS |
//
// What must agree, and does: the ResourceNotFoundException code and text for
// an unset contact; the Put/Get/Delete round trip standalone and for a
// member from the management account; ListAccounts pagination reaching
// every account with at most 20 per page; DescribeOrganization's shape;
// STS's Account; BatchImportFindings and GetFindings parsing.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/peertest"
)

const (
	motoAccount  = "123456789012" // moto's default caller account
	fintechMgmt  = "401726385920"
	fintechMembr = "593018274615"
	fintechOther = "728415903362"
	notInOrg     = "999988887777"
	msgNoContact = "No contact of the inputted alternate contact type found."
	msgStandalon = "(The management account can only be managed using the standalone context from the management account.)"
)

// side is one implementation under comparison.
type side struct {
	name   string
	mgmt   string // the management account (the default caller)
	member string // a member account
	other  string // another member account
	nAccts int    // accounts in the organization
	cfg    func(caller string) aws.Config
}

func (s side) account(caller string) *account.Client { return account.NewFromConfig(s.cfg(caller)) }
func (s side) org() *organizations.Client            { return organizations.NewFromConfig(s.cfg("")) }

// headerTransport adds moto's x-moto-account-id header, which is how moto
// is told who the caller is.
type headerTransport struct {
	account string
	next    http.RoundTripper
}

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("x-moto-account-id", h.account)
	return h.next.RoundTrip(r)
}

// baseConfig reaches endpoint through client, wrapped as altcontacts wraps
// its own (awsorg.HTTPClient), so that keep-alive connections hold.
func baseConfig(endpoint, key, secret string, client *http.Client) aws.Config {
	return aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, ""),
		BaseEndpoint:     aws.String(endpoint),
		HTTPClient:       awsorg.HTTPClient(client),
		RetryMaxAttempts: 1,
	}
}

// apiErr unpacks an SDK error: code, message, HTTP status.
func apiErr(t *testing.T, err error) (code, msg string, status int) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want an AWS API error, got %v", err)
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return ae.ErrorCode(), ae.ErrorMessage(), status
}

func wantAPIErr(t *testing.T, who string, err error, code string, status int, msg string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: succeeded, want %s (%d)", who, code, status)
		return
	}
	c, m, st := apiErr(t, err)
	if c != code || (status != 0 && st != status) || (msg != "" && m != msg) {
		t.Errorf("%s: got %s (%d) %q, want %s (%d) %q", who, c, st, m, code, status, msg)
	}
}

// setupMoto gives moto an organization like the emulator's: management
// 123456789012 plus n created members (moto creates them instantly).
func setupMoto(t *testing.T, ctx context.Context, url string, n int) side {
	t.Helper()
	cfg := func(caller string) aws.Config {
		client := &http.Client{Timeout: 30 * time.Second}
		if caller != "" {
			client.Transport = headerTransport{caller, http.DefaultTransport}
		}
		return baseConfig(url, "testing", "testing", client)
	}
	org := organizations.NewFromConfig(cfg(""))
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatalf("moto CreateOrganization: %v", err)
	}
	var ids []string
	for i := range n {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{
			AccountName: aws.String(fmt.Sprintf("member-%02d", i)),
			Email:       aws.String(fmt.Sprintf("aws+member-%02d@example.com", i)),
		})
		if err != nil {
			t.Fatalf("moto CreateAccount: %v", err)
		}
		st, err := org.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
		if err != nil {
			t.Fatalf("moto DescribeCreateAccountStatus: %v", err)
		}
		if st.CreateAccountStatus.State != orgtypes.CreateAccountStateSucceeded || aws.ToString(st.CreateAccountStatus.AccountId) == "" {
			t.Fatalf("moto create account status = %+v", st.CreateAccountStatus)
		}
		ids = append(ids, *st.CreateAccountStatus.AccountId)
	}
	return side{name: "moto", mgmt: motoAccount, member: ids[0], other: ids[1], nAccts: n + 1, cfg: cfg}
}

func setupEmulator(t *testing.T) side {
	t.Helper()
	em := emulator.New(emulator.WithoutThrottling())
	srv := httptest.NewServer(em.Handler())
	t.Cleanup(srv.Close)
	// Keep-alive, as users' clients reach `sandbox serve`. baseConfig's
	// awsorg.HTTPClient is what keeps a reused connection from being
	// closed under a large answer (the SDK's request-body close racing the
	// Transport's write; see awsorg.HTTPClient).
	client := &http.Client{Timeout: 30 * time.Second}
	cfg := func(caller string) aws.Config {
		key := "sandbox"
		if caller != "" {
			key = caller
		}
		return baseConfig(srv.URL, key, "sandbox", client)
	}
	return side{name: "emulator", mgmt: fintechMgmt, member: fintechMembr, other: fintechOther, nAccts: 24, cfg: cfg}
}

func putInput(accountID *string, name, email string) *account.PutAlternateContactInput {
	return &account.PutAlternateContactInput{
		AccountId:            accountID,
		AlternateContactType: acctypes.AlternateContactTypeSecurity,
		Name:                 aws.String(name),
		Title:                aws.String("Security Team"),
		EmailAddress:         aws.String(email),
		PhoneNumber:          aws.String("+1 206 555 7700"),
	}
}

func getSecurity(accountID *string) *account.GetAlternateContactInput {
	return &account.GetAlternateContactInput{AccountId: accountID, AlternateContactType: acctypes.AlternateContactTypeSecurity}
}

func deleteSecurity(accountID *string) *account.DeleteAlternateContactInput {
	return &account.DeleteAlternateContactInput{AccountId: accountID, AlternateContactType: acctypes.AlternateContactTypeSecurity}
}

func TestMoto(t *testing.T) {
	url := peertest.Moto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	moto := setupMoto(t, ctx, url, 25)
	emu := setupEmulator(t)
	both := []side{moto, emu}

	t.Run("GetCallerIdentity", func(t *testing.T) {
		for _, s := range both {
			out, err := sts.NewFromConfig(s.cfg("")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if aws.ToString(out.Account) != s.mgmt || aws.ToString(out.UserId) == "" {
				t.Errorf("%s: GetCallerIdentity = %s %s %s, want account %s", s.name, aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId), s.mgmt)
			}
			arn := aws.ToString(out.Arn)
			switch s.name {
			case "emulator":
				if arn != "arn:aws:iam::"+s.mgmt+":user/sandbox-operator" {
					t.Errorf("emulator Arn = %s", arn)
				}
			case "moto":
				// Divergence: moto answers with an "sts" user ARN.
				if arn != "arn:aws:sts::"+motoAccount+":user/moto" {
					t.Errorf("moto Arn = %s (moto changed?)", arn)
				}
			}
		}
	})

	// An empty list is an empty JSON array on the wire. The Go SDK cannot
	// tell null from [], so this reads the raw response; the aws CLI prints
	// nothing at all for null (see cmd/altcontacts/awscli_test.go).
	t.Run("EmptyListWire", func(t *testing.T) {
		for _, s := range []struct{ name, url string }{{"moto", url}, {"emulator", aws.ToString(emu.cfg("").BaseEndpoint)}} {
			req, err := http.NewRequestWithContext(ctx, "POST", s.url+"/", bytes.NewReader([]byte("{}")))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			req.Header.Set("X-Amz-Target", "AWSOrganizationsV20161128.ListDelegatedAdministrators")
			// Neither checks the signature; both read the caller from it.
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20261126/us-east-1/organizations/aws4_request, SignedHeaders=host, Signature=0")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]json.RawMessage
			err = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("%s: ListDelegatedAdministrators: HTTP %d, %v", s.name, resp.StatusCode, err)
			}
			if got := strings.TrimSpace(string(body["DelegatedAdministrators"])); got != "[]" {
				t.Errorf("%s: ListDelegatedAdministrators with none registered sends DelegatedAdministrators = %s, want []", s.name, got)
			}
		}
	})

	t.Run("DescribeOrganization", func(t *testing.T) {
		for _, s := range both {
			out, err := s.org().DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			o := out.Organization
			if o.FeatureSet != orgtypes.OrganizationFeatureSetAll || aws.ToString(o.MasterAccountId) != s.mgmt ||
				!strings.HasPrefix(aws.ToString(o.Id), "o-") || !strings.HasPrefix(aws.ToString(o.Arn), "arn:aws:organizations::"+s.mgmt+":organization/o-") {
				t.Errorf("%s: DescribeOrganization = %+v", s.name, o)
			}
		}
	})

	t.Run("ListAccounts", func(t *testing.T) {
		for _, s := range both {
			p := organizations.NewListAccountsPaginator(s.org(), &organizations.ListAccountsInput{MaxResults: aws.Int32(20)})
			seen := map[string]bool{}
			pages := 0
			paths := 0
			for p.HasMorePages() {
				pg, err := p.NextPage(ctx)
				if err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				pages++
				if len(pg.Accounts) > 20 {
					t.Errorf("%s: page of %d accounts, MaxResults 20", s.name, len(pg.Accounts))
				}
				for _, a := range pg.Accounts {
					id := aws.ToString(a.Id)
					if seen[id] {
						t.Errorf("%s: %s listed twice", s.name, id)
					}
					seen[id] = true
					if a.State == "" || a.Status == "" || a.JoinedTimestamp == nil || aws.ToString(a.Email) == "" ||
						!strings.HasPrefix(aws.ToString(a.Arn), "arn:aws:organizations::"+s.mgmt+":account/o-") {
						t.Errorf("%s: account %s: incomplete %+v", s.name, id, a)
					}
					if len(a.Paths) > 0 {
						paths++
					}
				}
			}
			if len(seen) != s.nAccts || !seen[s.mgmt] || !seen[s.member] {
				t.Errorf("%s: paginator reached %d accounts, want %d including %s and %s", s.name, len(seen), s.nAccts, s.mgmt, s.member)
			}
			if pages != 2 {
				t.Errorf("%s: %d pages for %d accounts at 20 per page, want 2", s.name, pages, s.nAccts)
			}
			switch s.name {
			case "emulator":
				if paths != len(seen) {
					t.Errorf("emulator: %d of %d accounts carry Paths", paths, len(seen))
				}
			case "moto":
				// Divergence: moto sends no Paths.
				if paths != 0 {
					t.Errorf("moto: %d accounts carry Paths (moto changed?)", paths)
				}
			}

			// MaxResults above the model's 20 (docs/aws-facts.md, "Organizations: shapes"; AWS's answer
			// UNCONFIRMED).
			out, err := s.org().ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(21)})
			switch s.name {
			case "emulator":
				wantAPIErr(t, "emulator ListAccounts MaxResults 21", err, "InvalidInputException", 400, "")
				var ie *orgtypes.InvalidInputException
				if errors.As(err, &ie) && ie.Reason != "MAX_VALUE_EXCEEDED" {
					t.Errorf("emulator: InvalidInputException reason %q, want MAX_VALUE_EXCEEDED", ie.Reason)
				}
			case "moto":
				// Divergence: moto has no upper bound.
				if err != nil || len(out.Accounts) != 21 {
					t.Errorf("moto ListAccounts MaxResults 21: %v (moto changed?)", err)
				}
			}
		}
	})

	t.Run("UnsetContact", func(t *testing.T) {
		// Must agree: code and text. Status: AWS 404, moto 400.
		for _, s := range both {
			_, err := s.account("").GetAlternateContact(ctx, getSecurity(nil))
			status := 404
			if s.name == "moto" {
				status = 400 // divergence: moto's JsonRESTError default status
			}
			wantAPIErr(t, s.name+" GetAlternateContact (unset)", err, "ResourceNotFoundException", status, msgNoContact)
			var rnf *acctypes.ResourceNotFoundException
			if !errors.As(err, &rnf) {
				t.Errorf("%s: error is %T, want *types.ResourceNotFoundException", s.name, err)
			}

			_, err = s.account("").DeleteAlternateContact(ctx, deleteSecurity(nil))
			switch s.name {
			case "emulator":
				wantAPIErr(t, "emulator DeleteAlternateContact (unset)", err, "ResourceNotFoundException", 404, msgNoContact)
			case "moto":
				// Divergence: moto deletes nothing, successfully.
				if err != nil {
					t.Errorf("moto DeleteAlternateContact (unset): %v (moto changed?)", err)
				}
			}
		}
	})

	t.Run("StandaloneRoundTrip", func(t *testing.T) {
		// Must agree.
		for _, s := range both {
			c := s.account("")
			if _, err := c.PutAlternateContact(ctx, putInput(nil, "Security Operations", "security@acmepay.io")); err != nil {
				t.Fatalf("%s: put: %v", s.name, err)
			}
			out, err := c.GetAlternateContact(ctx, getSecurity(nil))
			if err != nil {
				t.Fatalf("%s: get: %v", s.name, err)
			}
			ac := out.AlternateContact
			if aws.ToString(ac.Name) != "Security Operations" || aws.ToString(ac.Title) != "Security Team" ||
				aws.ToString(ac.EmailAddress) != "security@acmepay.io" || aws.ToString(ac.PhoneNumber) != "+1 206 555 7700" ||
				ac.AlternateContactType != acctypes.AlternateContactTypeSecurity {
				t.Errorf("%s: round trip = %+v", s.name, ac)
			}
			if _, err := c.DeleteAlternateContact(ctx, deleteSecurity(nil)); err != nil {
				t.Fatalf("%s: delete: %v", s.name, err)
			}
			_, err = c.GetAlternateContact(ctx, getSecurity(nil))
			if err == nil {
				t.Errorf("%s: get after delete succeeded", s.name)
			} else if code, msg, _ := apiErr(t, err); code != "ResourceNotFoundException" || msg != msgNoContact {
				t.Errorf("%s: get after delete: %s %q", s.name, code, msg)
			}
		}
	})

	t.Run("ManagementOwnID", func(t *testing.T) {
		for _, s := range both {
			_, err := s.account("").GetAlternateContact(ctx, getSecurity(aws.String(s.mgmt)))
			switch s.name {
			case "emulator":
				wantAPIErr(t, "emulator GetAlternateContact own id", err, "AccessDeniedException", 403,
					"User: arn:aws:iam::"+s.mgmt+":user/sandbox-operator is not authorized to perform: account:GetAlternateContact "+msgStandalon)
			case "moto":
				// Divergence: moto treats it as standalone; the contact was
				// deleted above, so it is not found.
				if err == nil {
					t.Errorf("moto GetAlternateContact own id: succeeded")
				} else if code, _, _ := apiErr(t, err); code != "ResourceNotFoundException" {
					t.Errorf("moto GetAlternateContact own id: %s, want ResourceNotFoundException (moto changed?)", code)
				}
			}
		}
	})

	t.Run("MemberFromManagement", func(t *testing.T) {
		// Must agree (AWS allows it with trusted access on, docs/aws-facts.md, "Account: errors and authorization"; moto
		// has none configured and allows it anyway).
		for _, s := range both {
			c := s.account("")
			id := aws.String(s.other)
			if _, err := c.PutAlternateContact(ctx, putInput(id, "Security Operations", "security@acmepay.io")); err != nil {
				t.Fatalf("%s: put member: %v", s.name, err)
			}
			out, err := c.GetAlternateContact(ctx, getSecurity(id))
			if err != nil {
				t.Fatalf("%s: get member: %v", s.name, err)
			}
			if aws.ToString(out.AlternateContact.EmailAddress) != "security@acmepay.io" {
				t.Errorf("%s: member contact = %+v", s.name, out.AlternateContact)
			}
		}

		// Without trusted access for account.amazonaws.com: AWS denies.
		if _, err := emu.org().DisableAWSServiceAccess(ctx, &organizations.DisableAWSServiceAccessInput{ServicePrincipal: aws.String("account.amazonaws.com")}); err != nil {
			t.Fatal(err)
		}
		_, err := emu.account("").GetAlternateContact(ctx, getSecurity(aws.String(emu.other)))
		wantAPIErr(t, "emulator GetAlternateContact member without trusted access", err, "AccessDeniedException", 403,
			"User: arn:aws:iam::"+emu.mgmt+":user/sandbox-operator is not authorized to perform: account:GetAlternateContact")
		if _, err := emu.org().EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("account.amazonaws.com")}); err != nil {
			t.Fatal(err)
		}
		// moto: trusted access was never enabled, and the member call above
		// succeeded (divergence).
		sa, err := moto.org().ListAWSServiceAccessForOrganization(ctx, &organizations.ListAWSServiceAccessForOrganizationInput{})
		if err != nil {
			t.Fatalf("moto ListAWSServiceAccessForOrganization: %v", err)
		}
		if len(sa.EnabledServicePrincipals) != 0 {
			t.Errorf("moto: trusted access %+v; expected none", sa.EnabledServicePrincipals)
		}

		// An account outside the organization.
		_, err = emu.account("").GetAlternateContact(ctx, getSecurity(aws.String(notInOrg)))
		wantAPIErr(t, "emulator GetAlternateContact outside the org", err, "AccessDeniedException", 403, "")
		_, err = moto.account("").GetAlternateContact(ctx, getSecurity(aws.String(notInOrg)))
		if err == nil {
			t.Errorf("moto GetAlternateContact outside the org: succeeded")
		} else if code, _, _ := apiErr(t, err); code != "ResourceNotFoundException" {
			// Divergence: moto looks the contact up in that account.
			t.Errorf("moto GetAlternateContact outside the org: %s, want ResourceNotFoundException (moto changed?)", code)
		}
	})

	t.Run("MemberCallerWithAccountID", func(t *testing.T) {
		for _, s := range both {
			c := s.account(s.member)
			for _, target := range []string{s.other, s.member} {
				_, err := c.GetAlternateContact(ctx, getSecurity(aws.String(target)))
				who := fmt.Sprintf("%s: member %s GetAlternateContact AccountId %s", s.name, s.member, target)
				switch s.name {
				case "emulator":
					wantAPIErr(t, who, err, "AccessDeniedException", 403,
						"User: arn:aws:iam::"+s.member+":user/sandbox-operator is not authorized to perform: account:GetAlternateContact")
				case "moto":
					// Divergence: moto does not check the caller. s.other
					// has the contact put above; s.member has none.
					if target == s.other && err != nil {
						t.Errorf("%s: %v (moto changed?)", who, err)
					}
					if target == s.member {
						if err == nil {
							t.Errorf("%s: succeeded", who)
						} else if code, _, _ := apiErr(t, err); code != "ResourceNotFoundException" {
							t.Errorf("%s: %s (moto changed?)", who, code)
						}
					}
				}
			}
		}
	})

	t.Run("Validation", func(t *testing.T) {
		for _, s := range both {
			c := s.account("")
			for _, in := range []*account.PutAlternateContactInput{
				putInput(nil, "Security Operations", "not-an-email"),
				putInput(nil, strings.Repeat("n", 65), "security@acmepay.io"),
			} {
				_, err := c.PutAlternateContact(ctx, in)
				who := fmt.Sprintf("%s: put name %d chars, email %q", s.name, len(*in.Name), *in.EmailAddress)
				switch s.name {
				case "emulator":
					wantAPIErr(t, who, err, "ValidationException", 400, "")
					var ve *acctypes.ValidationException
					if errors.As(err, &ve) {
						want := "EmailAddress"
						if len(*in.Name) > 64 {
							want = "Name"
						}
						if ve.Reason != acctypes.ValidationExceptionReasonFieldValidationFailed || len(ve.FieldList) != 1 || aws.ToString(ve.FieldList[0].Name) != want {
							t.Errorf("%s: ValidationException reason %q fields %+v, want fieldValidationFailed on %s", who, ve.Reason, ve.FieldList, want)
						}
					}
				case "moto":
					// Divergence: moto validates nothing.
					if err != nil {
						t.Errorf("%s: %v (moto changed?)", who, err)
					}
				}
			}
		}

		// A type outside the enum (AWS's answer UNCONFIRMED).
		for _, s := range both {
			_, err := s.account("").GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: "SECURTY"})
			switch s.name {
			case "emulator":
				wantAPIErr(t, "emulator invalid type", err, "ValidationException", 400, "")
			case "moto":
				wantAPIErr(t, "moto invalid type (moto changed?)", err, "AccessDeniedException", 400,
					"User: arn:aws:sts::"+motoAccount+":user/moto is not authorized to perform: account:GetAlternateContact (You specified an invalid Alternate Contact type.)")
			}
		}
	})

	t.Run("SecurityHub", func(t *testing.T) {
		msh := securityhub.NewFromConfig(moto.cfg(""))
		// Divergence: moto serves GetFindings before the hub is enabled
		// (AWS: 401 InvalidAccessException, docs/aws-facts.md, "Security Hub: GetFindings").
		out, err := msh.GetFindings(ctx, &securityhub.GetFindingsInput{})
		if err != nil || len(out.Findings) != 0 {
			t.Errorf("moto GetFindings before EnableSecurityHub: %v (moto changed?)", err)
		}
		if _, err := msh.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{}); err != nil {
			t.Fatalf("moto EnableSecurityHub: %v", err)
		}

		for _, s := range both {
			sh := securityhub.NewFromConfig(s.cfg(""))
			now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
			finding := func(n int) shtypes.AwsSecurityFinding {
				return shtypes.AwsSecurityFinding{
					SchemaVersion: aws.String("2018-10-08"),
					Id:            aws.String(fmt.Sprintf("altcontacts-moto-test-%d", n)),
					ProductArn:    aws.String(fmt.Sprintf("arn:aws:securityhub:us-east-1:%s:product/%s/default", s.mgmt, s.mgmt)),
					GeneratorId:   aws.String("altcontacts-test"),
					AwsAccountId:  aws.String(s.mgmt),
					CreatedAt:     aws.String(now),
					UpdatedAt:     aws.String(now),
					Title:         aws.String(fmt.Sprintf("test finding %d", n)),
					Description:   aws.String("imported by moto_test.go"),
					Severity:      &shtypes.Severity{Label: shtypes.SeverityLabelLow},
					Types:         []string{"Software and Configuration Checks"},
					Resources:     []shtypes.Resource{{Type: aws.String("AwsAccount"), Id: aws.String("AWS::::Account:" + s.mgmt)}},
				}
			}
			imp, err := sh.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: []shtypes.AwsSecurityFinding{finding(1), finding(2)}})
			if err != nil {
				t.Fatalf("%s: BatchImportFindings: %v", s.name, err)
			}
			if aws.ToInt32(imp.SuccessCount) != 2 || aws.ToInt32(imp.FailedCount) != 0 {
				t.Errorf("%s: BatchImportFindings success %d failed %d %+v", s.name, aws.ToInt32(imp.SuccessCount), aws.ToInt32(imp.FailedCount), imp.FailedFindings)
			}

			got, err := sh.GetFindings(ctx, &securityhub.GetFindingsInput{
				Filters: &shtypes.AwsSecurityFindingFilters{
					Id: []shtypes.StringFilter{{Value: aws.String("altcontacts-moto-test-1"), Comparison: shtypes.StringFilterComparisonEquals}},
				},
				MaxResults: aws.Int32(100),
			})
			if err != nil {
				t.Fatalf("%s: GetFindings: %v", s.name, err)
			}
			ids := map[string]bool{}
			for _, f := range got.Findings {
				ids[aws.ToString(f.Id)] = true
			}
			if !ids["altcontacts-moto-test-1"] {
				t.Errorf("%s: GetFindings by Id misses the finding: %v", s.name, ids)
			}
			switch s.name {
			case "emulator":
				if len(got.Findings) != 1 {
					t.Errorf("emulator: GetFindings Id EQUALS returned %d findings, want 1", len(got.Findings))
				}
			case "moto":
				// Divergence: moto ignores Filters.
				if len(got.Findings) != 2 {
					t.Errorf("moto: GetFindings Id EQUALS returned %d findings, want 2 (moto ignores filters; moto changed?)", len(got.Findings))
				}
			}

			// Account.1 control findings exist on AWS and the emulator only.
			a1, err := sh.GetFindings(ctx, &securityhub.GetFindingsInput{Filters: &shtypes.AwsSecurityFindingFilters{
				ComplianceSecurityControlId: []shtypes.StringFilter{{Value: aws.String("Account.1"), Comparison: shtypes.StringFilterComparisonEquals}},
				RecordState:                 []shtypes.StringFilter{{Value: aws.String("ACTIVE"), Comparison: shtypes.StringFilterComparisonEquals}},
			}})
			if err != nil {
				t.Fatalf("%s: GetFindings Account.1: %v", s.name, err)
			}
			control := 0
			for _, f := range a1.Findings {
				if f.Compliance != nil && aws.ToString(f.Compliance.SecurityControlId) == "Account.1" {
					control++
				}
			}
			switch s.name {
			case "emulator":
				if control != 23 || len(a1.Findings) != 23 {
					t.Errorf("emulator: %d Account.1 findings of %d, want 23", control, len(a1.Findings))
				}
			case "moto":
				if control != 0 {
					t.Errorf("moto: %d Account.1 findings (moto changed?)", control)
				}
			}
		}
	})
}
