package emulator

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/google/go-cmp/cmp"
)

const msgNoPerm = "You don't have permissions to access this resource."

// listAllAccounts walks ListAccounts with the SDK paginator and returns the
// accounts and the size of each page.
func listAllAccounts(t *testing.T, c *organizations.Client, maxResults *int32) ([]orgtypes.Account, []int) {
	t.Helper()
	p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{MaxResults: maxResults})
	var all []orgtypes.Account
	var pages []int
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.Accounts...)
		pages = append(pages, len(out.Accounts))
	}
	return all, pages
}

func ids(accts []orgtypes.Account) []string {
	var out []string
	for _, a := range accts {
		out = append(out, aws.ToString(a.Id))
	}
	return out
}

func TestListAccountsPagination(t *testing.T) {
	e := New()
	c := as(e, "").org
	for _, tc := range []struct {
		max   *int32
		pages []int
	}{
		{nil, []int{20, 4}},
		{aws.Int32(20), []int{20, 4}},
		{aws.Int32(7), []int{7, 7, 7, 3}},
		{aws.Int32(1), nil},
	} {
		accts, pages := listAllAccounts(t, c, tc.max)
		if len(accts) != fintechSize {
			t.Errorf("MaxResults %v: %d accounts, want %d", aws.ToInt32(tc.max), len(accts), fintechSize)
		}
		if tc.pages != nil {
			if d := cmp.Diff(tc.pages, pages); d != "" {
				t.Errorf("MaxResults %v: page sizes (-want +got):\n%s", aws.ToInt32(tc.max), d)
			}
		} else if len(pages) != fintechSize {
			t.Errorf("MaxResults 1: %d pages", len(pages))
		}
		got := ids(accts)
		if !sort.StringsAreSorted(got) {
			t.Errorf("accounts not in a stable (id) order: %v", got)
		}
		seen := map[string]bool{}
		for _, id := range got {
			if seen[id] {
				t.Errorf("account %s listed twice", id)
			}
			seen[id] = true
		}
	}
}

func TestListAccountsFields(t *testing.T) {
	e := New()
	accts, _ := listAllAccounts(t, as(e, "").org, nil)
	states := map[orgtypes.AccountState]int{}
	for _, a := range accts {
		states[a.State]++
		if string(a.State) != string(a.Status) {
			t.Errorf("%s: State %q, Status %q; want both", *a.Id, a.State, a.Status)
		}
		if a.JoinedTimestamp == nil || a.JoinedTimestamp.Before(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: JoinedTimestamp %v", *a.Id, a.JoinedTimestamp)
		}
		if a.JoinedMethod != orgtypes.AccountJoinedMethodCreated {
			t.Errorf("%s: JoinedMethod %q", *a.Id, a.JoinedMethod)
		}
		if want := "arn:aws:organizations::" + mgmtID + ":account/" + fintechOrg + "/" + *a.Id; aws.ToString(a.Arn) != want {
			t.Errorf("Arn = %s, want %s", aws.ToString(a.Arn), want)
		}
		if len(a.Paths) != 1 || !strings.HasPrefix(a.Paths[0], fintechOrg+"/r-") || !strings.HasSuffix(a.Paths[0], "/"+*a.Id+"/") {
			t.Errorf("%s: Paths %v", *a.Id, a.Paths)
		}
	}
	if d := cmp.Diff(map[orgtypes.AccountState]int{"ACTIVE": 23, "SUSPENDED": 1}, states); d != "" {
		t.Errorf("states (-want +got):\n%s", d)
	}
	// The scenario's first account joined at its fixed epoch; the
	// timestamp crossed the wire as an epoch number and the SDK parsed it.
	for _, a := range accts {
		if *a.Id == mgmtID && !a.JoinedTimestamp.Equal(time.Date(2021, 3, 15, 9, 30, 0, 0, time.UTC)) {
			t.Errorf("management JoinedTimestamp = %v", a.JoinedTimestamp)
		}
	}
}

func TestListAccountsOmitStatus(t *testing.T) {
	e := New(WithState(scenario(t, smallOrgYAML+"omit_status: true\n")))
	accts, _ := listAllAccounts(t, as(e, "").org, nil)
	if len(accts) != 5 {
		t.Fatalf("%d accounts, want 5", len(accts))
	}
	for _, a := range accts {
		if a.Status != "" {
			t.Errorf("%s: Status %q, want none", *a.Id, a.Status)
		}
		if a.State == "" {
			t.Errorf("%s: no State", *a.Id)
		}
	}
}

func TestListAccountsEmptyPages(t *testing.T) {
	e := New(WithEmptyPages())
	c := as(e, "").org
	first, err := c.ListAccounts(ctx(t), &organizations.ListAccountsInput{})
	mustNoErr(t, err)
	if len(first.Accounts) != 0 || aws.ToString(first.NextToken) == "" {
		t.Fatalf("first page: %d accounts, NextToken %q; want an empty page with a token", len(first.Accounts), aws.ToString(first.NextToken))
	}
	accts, pages := listAllAccounts(t, c, nil)
	if len(accts) != fintechSize {
		t.Errorf("paginator got %d accounts, want %d", len(accts), fintechSize)
	}
	if d := cmp.Diff([]int{0, 20, 0, 4}, pages); d != "" {
		t.Errorf("page sizes (-want +got):\n%s", d)
	}
}

func TestListAccountsInvalidInput(t *testing.T) {
	e := New()
	c := as(e, "").org
	for _, tc := range []struct {
		name   string
		in     *organizations.ListAccountsInput
		reason orgtypes.InvalidInputExceptionReason
		msg    string
	}{
		{"MaxResults 21", &organizations.ListAccountsInput{MaxResults: aws.Int32(21)}, orgtypes.InvalidInputExceptionReasonMaxValueExceeded,
			"You provided a value that is outside the allowed range for MaxResults."},
		{"MaxResults 0", &organizations.ListAccountsInput{MaxResults: aws.Int32(0)}, orgtypes.InvalidInputExceptionReasonMinValueExceeded,
			"You provided a value that is outside the allowed range for MaxResults."},
		{"garbage NextToken", &organizations.ListAccountsInput{NextToken: aws.String("not-a-token")}, orgtypes.InvalidInputExceptionReasonInvalidPaginationToken,
			"The provided token is invalid."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.ListAccounts(ctx(t), tc.in)
			wantAPIError(t, err, 400, "InvalidInputException", tc.msg)
			ie := wantErrorAs[*orgtypes.InvalidInputException](t, err)
			if ie.Reason != tc.reason {
				t.Errorf("Reason = %q, want %q", ie.Reason, tc.reason)
			}
		})
	}
	t.Run("token of another operation", func(t *testing.T) {
		out, err := c.ListAccounts(ctx(t), &organizations.ListAccountsInput{MaxResults: aws.Int32(5)})
		mustNoErr(t, err)
		_, err = c.ListAWSServiceAccessForOrganization(ctx(t), &organizations.ListAWSServiceAccessForOrganizationInput{NextToken: out.NextToken})
		ie := wantErrorAs[*orgtypes.InvalidInputException](t, err)
		if ie.Reason != orgtypes.InvalidInputExceptionReasonInvalidPaginationToken {
			t.Errorf("Reason = %q", ie.Reason)
		}
	})
}

func TestOrganizationTreeWalk(t *testing.T) {
	e := New()
	c := as(e, "").org
	cx := ctx(t)
	roots, err := c.ListRoots(cx, &organizations.ListRootsInput{})
	mustNoErr(t, err)
	if len(roots.Roots) != 1 {
		t.Fatalf("%d roots", len(roots.Roots))
	}
	root := roots.Roots[0]
	if aws.ToString(root.Name) != "Root" || !strings.HasPrefix(aws.ToString(root.Id), "r-") ||
		aws.ToString(root.Arn) != "arn:aws:organizations::"+mgmtID+":root/"+fintechOrg+"/"+aws.ToString(root.Id) {
		t.Errorf("root = %+v", root)
	}

	found := map[string]string{} // account id -> OU path
	var walk func(parent, path string)
	walk = func(parent, path string) {
		ap := organizations.NewListAccountsForParentPaginator(c, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent), MaxResults: aws.Int32(3)})
		for ap.HasMorePages() {
			out, err := ap.NextPage(cx)
			mustNoErr(t, err)
			for _, a := range out.Accounts {
				found[*a.Id] = path
			}
		}
		op := organizations.NewListOrganizationalUnitsForParentPaginator(c, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent), MaxResults: aws.Int32(2)})
		for op.HasMorePages() {
			out, err := op.NextPage(cx)
			mustNoErr(t, err)
			for _, ou := range out.OrganizationalUnits {
				if !strings.HasPrefix(*ou.Id, "ou-") || !strings.HasSuffix(aws.ToString(ou.Path), *ou.Id+"/") {
					t.Errorf("OU %+v", ou)
				}
				walk(*ou.Id, path+"/"+*ou.Name)
			}
		}
	}
	walk(*root.Id, "Root")
	if len(found) != fintechSize {
		t.Errorf("tree walk reached %d accounts, want %d", len(found), fintechSize)
	}
	for id, want := range map[string]string{mgmtID: "Root", securityID: "Root/Security", paymentsID: "Root/Workloads/Prod", suspendedID: "Root/Suspended"} {
		if found[id] != want {
			t.Errorf("account %s under %q, want %q", id, found[id], want)
		}
	}

	// ListParents and ListChildren agree with the walk.
	par, err := c.ListParents(cx, &organizations.ListParentsInput{ChildId: aws.String(paymentsID)})
	mustNoErr(t, err)
	if len(par.Parents) != 1 || par.Parents[0].Type != orgtypes.ParentTypeOrganizationalUnit {
		t.Fatalf("parents of payments-prod: %+v", par.Parents)
	}
	prod := *par.Parents[0].Id
	par, err = c.ListParents(cx, &organizations.ListParentsInput{ChildId: aws.String(prod)})
	mustNoErr(t, err)
	workloads := *par.Parents[0].Id
	par, err = c.ListParents(cx, &organizations.ListParentsInput{ChildId: aws.String(workloads)})
	mustNoErr(t, err)
	if *par.Parents[0].Id != *root.Id || par.Parents[0].Type != orgtypes.ParentTypeRoot {
		t.Errorf("parent of Workloads = %+v, want the root", par.Parents[0])
	}
	par, err = c.ListParents(cx, &organizations.ListParentsInput{ChildId: aws.String(mgmtID)})
	mustNoErr(t, err)
	if par.Parents[0].Type != orgtypes.ParentTypeRoot {
		t.Errorf("management parent type %q", par.Parents[0].Type)
	}

	kids, err := c.ListChildren(cx, &organizations.ListChildrenInput{ParentId: aws.String(workloads), ChildType: orgtypes.ChildTypeOrganizationalUnit})
	mustNoErr(t, err)
	if len(kids.Children) != 3 {
		t.Errorf("Workloads has %d child OUs, want Prod, Staging, Dev", len(kids.Children))
	}
	kids, err = c.ListChildren(cx, &organizations.ListChildrenInput{ParentId: aws.String(prod), ChildType: orgtypes.ChildTypeAccount})
	mustNoErr(t, err)
	var prodAccounts []string
	for _, k := range kids.Children {
		if k.Type != orgtypes.ChildTypeAccount {
			t.Errorf("child type %q", k.Type)
		}
		prodAccounts = append(prodAccounts, *k.Id)
	}
	if len(prodAccounts) != 5 {
		t.Errorf("Prod accounts: %v, want 5", prodAccounts)
	}
	kids, err = c.ListChildren(cx, &organizations.ListChildrenInput{ParentId: aws.String(workloads), ChildType: orgtypes.ChildTypeAccount})
	mustNoErr(t, err)
	if len(kids.Children) != 0 {
		t.Errorf("Workloads holds %d accounts directly, want 0", len(kids.Children))
	}
}

func TestOrganizationsNotFound(t *testing.T) {
	e := New()
	c := as(e, "").org
	cx := ctx(t)
	const parentMsg = "We can't find a root or OU with the ParentId that you specified."
	_, err := c.ListAccountsForParent(cx, &organizations.ListAccountsForParentInput{ParentId: aws.String("ou-zzzz-abcdefgh")})
	wantAPIError(t, err, 400, "ParentNotFoundException", parentMsg)
	wantErrorAs[*orgtypes.ParentNotFoundException](t, err)
	_, err = c.ListOrganizationalUnitsForParent(cx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String("r-zzzz")})
	wantErrorAs[*orgtypes.ParentNotFoundException](t, err)
	_, err = c.ListChildren(cx, &organizations.ListChildrenInput{ParentId: aws.String("r-zzzz"), ChildType: orgtypes.ChildTypeAccount})
	wantErrorAs[*orgtypes.ParentNotFoundException](t, err)

	_, err = c.ListParents(cx, &organizations.ListParentsInput{ChildId: aws.String(outsiderID)})
	wantAPIError(t, err, 400, "ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
	wantErrorAs[*orgtypes.ChildNotFoundException](t, err)

	_, err = c.DescribeAccount(cx, &organizations.DescribeAccountInput{AccountId: aws.String(outsiderID)})
	wantAPIError(t, err, 400, "AccountNotFoundException",
		"We can't find an AWS account with the AccountId that you specified, or the account whose credentials you used to make this request isn't a member of an organization.")
	wantErrorAs[*orgtypes.AccountNotFoundException](t, err)

	for name, err := range map[string]error{
		"ParentId pattern": func() error {
			_, err := c.ListAccountsForParent(cx, &organizations.ListAccountsForParentInput{ParentId: aws.String("Root/Workloads")})
			return err
		}(),
		"ChildType enum": func() error {
			_, err := c.ListChildren(cx, &organizations.ListChildrenInput{ParentId: aws.String("r-zzzz"), ChildType: "POLICY"})
			return err
		}(),
		"AccountId pattern": func() error {
			_, err := c.DescribeAccount(cx, &organizations.DescribeAccountInput{AccountId: aws.String("12345")})
			return err
		}(),
	} {
		ie := wantErrorAs[*orgtypes.InvalidInputException](t, err)
		if ie.Reason != orgtypes.InvalidInputExceptionReasonInvalidPattern && ie.Reason != orgtypes.InvalidInputExceptionReasonInvalidEnum {
			t.Errorf("%s: Reason %q", name, ie.Reason)
		}
	}
}

func TestDescribe(t *testing.T) {
	e := New()
	cx := ctx(t)
	m := as(e, "").org
	a, err := m.DescribeAccount(cx, &organizations.DescribeAccountInput{AccountId: aws.String(suspendedID)})
	mustNoErr(t, err)
	if a.Account.State != orgtypes.AccountStateSuspended || a.Account.Status != orgtypes.AccountStatusSuspended || aws.ToString(a.Account.Name) != "legacy-payments" {
		t.Errorf("DescribeAccount = %+v", a.Account)
	}
	// Any member may describe the organization.
	o, err := as(e, sharedID).org.DescribeOrganization(cx, &organizations.DescribeOrganizationInput{})
	mustNoErr(t, err)
	want := orgtypes.Organization{
		Id:                 aws.String(fintechOrg),
		Arn:                aws.String("arn:aws:organizations::" + mgmtID + ":organization/" + fintechOrg),
		FeatureSet:         orgtypes.OrganizationFeatureSetAll,
		MasterAccountArn:   aws.String("arn:aws:organizations::" + mgmtID + ":account/" + fintechOrg + "/" + mgmtID),
		MasterAccountId:    aws.String(mgmtID),
		MasterAccountEmail: aws.String("aws-root@acmepay.io"),
		AvailablePolicyTypes: []orgtypes.PolicyTypeSummary{
			{Type: orgtypes.PolicyTypeServiceControlPolicy, Status: orgtypes.PolicyTypeStatusEnabled}},
	}
	if d := cmp.Diff(want, *o.Organization, cmp.AllowUnexported(orgtypes.Organization{}, orgtypes.PolicyTypeSummary{})); d != "" {
		t.Errorf("DescribeOrganization (-want +got):\n%s", d)
	}
}

func TestOrganizationsAccessDenied(t *testing.T) {
	e := New()
	member := as(e, sharedID).org
	cx := ctx(t)
	calls := map[string]func() error{
		"ListAccounts": func() error { _, err := member.ListAccounts(cx, &organizations.ListAccountsInput{}); return err },
		"ListRoots":    func() error { _, err := member.ListRoots(cx, &organizations.ListRootsInput{}); return err },
		"ListDelegatedAdministrators": func() error {
			_, err := member.ListDelegatedAdministrators(cx, &organizations.ListDelegatedAdministratorsInput{})
			return err
		},
		"DescribeAccount": func() error {
			_, err := member.DescribeAccount(cx, &organizations.DescribeAccountInput{AccountId: aws.String(sharedID)})
			return err
		},
		"EnableAWSServiceAccess": func() error {
			_, err := member.EnableAWSServiceAccess(cx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("account.amazonaws.com")})
			return err
		},
		"RegisterDelegatedAdministrator": func() error {
			_, err := member.RegisterDelegatedAdministrator(cx, &organizations.RegisterDelegatedAdministratorInput{AccountId: aws.String(sharedID), ServicePrincipal: aws.String("account.amazonaws.com")})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			wantAPIError(t, err, 400, "AccessDeniedException", msgNoPerm)
			wantErrorAs[*orgtypes.AccessDeniedException](t, err)
		})
	}
}

func TestServiceAccess(t *testing.T) {
	e := New()
	m := as(e, "").org
	cx := ctx(t)
	principals := func() []string {
		t.Helper()
		var out []string
		p := organizations.NewListAWSServiceAccessForOrganizationPaginator(m, &organizations.ListAWSServiceAccessForOrganizationInput{})
		for p.HasMorePages() {
			pg, err := p.NextPage(cx)
			mustNoErr(t, err)
			for _, s := range pg.EnabledServicePrincipals {
				if s.DateEnabled == nil || s.DateEnabled.IsZero() {
					t.Errorf("%s: no DateEnabled", *s.ServicePrincipal)
				}
				out = append(out, *s.ServicePrincipal)
			}
		}
		sort.Strings(out)
		return out
	}
	if d := cmp.Diff([]string{"account.amazonaws.com", "securityhub.amazonaws.com", "sso.amazonaws.com"}, principals()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	_, err := m.DisableAWSServiceAccess(cx, &organizations.DisableAWSServiceAccessInput{ServicePrincipal: aws.String("sso.amazonaws.com")})
	mustNoErr(t, err)
	_, err = m.EnableAWSServiceAccess(cx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("config.amazonaws.com")})
	mustNoErr(t, err)
	// Enabling twice is harmless.
	_, err = m.EnableAWSServiceAccess(cx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("config.amazonaws.com")})
	mustNoErr(t, err)
	if d := cmp.Diff([]string{"account.amazonaws.com", "config.amazonaws.com", "securityhub.amazonaws.com"}, principals()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	_, err = m.EnableAWSServiceAccess(cx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("example.com")})
	ie := wantErrorAs[*orgtypes.InvalidInputException](t, err)
	if ie.Reason != orgtypes.InvalidInputExceptionReasonUnrecognizedServicePrincipal {
		t.Errorf("Reason = %q", ie.Reason)
	}
}

func TestDelegatedAdministrators(t *testing.T) {
	e := New()
	m := as(e, "").org
	cx := ctx(t)
	register := func(id, principal string) error {
		_, err := m.RegisterDelegatedAdministrator(cx, &organizations.RegisterDelegatedAdministratorInput{AccountId: aws.String(id), ServicePrincipal: aws.String(principal)})
		return err
	}

	mustNoErr(t, register(securityID, "account.amazonaws.com"))

	err := register(securityID, "account.amazonaws.com")
	wantAPIError(t, err, 400, "AccountAlreadyRegisteredException", "The provided account is already a delegated administrator for your organization.")
	wantErrorAs[*orgtypes.AccountAlreadyRegisteredException](t, err)

	err = register(mgmtID, "account.amazonaws.com")
	wantAPIError(t, err, 400, "ConstraintViolationException", "You cannot register the management account of the organization as a delegated administrator.")
	if cv := wantErrorAs[*orgtypes.ConstraintViolationException](t, err); cv.Reason != orgtypes.ConstraintViolationExceptionReasonCannotRegisterMasterAsDelegatedAdministrator {
		t.Errorf("Reason = %q", cv.Reason)
	}

	err = register(logID, "account.amazonaws.com")
	wantAPIError(t, err, 400, "ConstraintViolationException", "The number of delegated administrators for this service has reached the limit.")
	if cv := wantErrorAs[*orgtypes.ConstraintViolationException](t, err); cv.Reason != orgtypes.ConstraintViolationExceptionReasonMaxDelegatedAdministratorsForServiceLimitExceeded {
		t.Errorf("Reason = %q", cv.Reason)
	}

	err = register(logID, "config.amazonaws.com")
	if cv := wantErrorAs[*orgtypes.ConstraintViolationException](t, err); cv.Reason != orgtypes.ConstraintViolationExceptionReasonServiceAccessNotEnabled {
		t.Errorf("untrusted service: Reason = %q", cv.Reason)
	}
	err = register(suspendedID, "securityhub.amazonaws.com")
	wantErrorAs[*orgtypes.ConstraintViolationException](t, err)
	err = register(outsiderID, "securityhub.amazonaws.com")
	wantErrorAs[*orgtypes.AccountNotFoundException](t, err)
	// Other services take more than one.
	mustNoErr(t, register(logID, "securityhub.amazonaws.com"))
	mustNoErr(t, register(securityID, "securityhub.amazonaws.com"))

	list := func(principal *string) []string {
		t.Helper()
		out, err := m.ListDelegatedAdministrators(cx, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: principal})
		mustNoErr(t, err)
		var got []string
		for _, d := range out.DelegatedAdministrators {
			if d.DelegationEnabledDate == nil || d.State == "" {
				t.Errorf("delegated admin %+v lacks fields", d)
			}
			got = append(got, *d.Id)
		}
		sort.Strings(got)
		return got
	}
	if d := cmp.Diff([]string{securityID}, list(aws.String("account.amazonaws.com"))); d != "" {
		t.Errorf("account.amazonaws.com (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{securityID, logID}, list(nil)); d != "" {
		t.Errorf("all services, each account once (-want +got):\n%s", d)
	}

	// The delegated administrator may read the organization but not change it.
	admin := as(e, securityID).org
	accts, _ := listAllAccounts(t, admin, nil)
	if len(accts) != fintechSize {
		t.Errorf("delegated admin ListAccounts: %d", len(accts))
	}
	_, err = admin.DescribeAccount(cx, &organizations.DescribeAccountInput{AccountId: aws.String(sharedID)})
	mustNoErr(t, err)
	_, err = admin.EnableAWSServiceAccess(cx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("account.amazonaws.com")})
	wantAPIError(t, err, 400, "AccessDeniedException", msgNoPerm)
	wantErrorAs[*orgtypes.AccessDeniedException](t, err)
	_, err = admin.RegisterDelegatedAdministrator(cx, &organizations.RegisterDelegatedAdministratorInput{AccountId: aws.String(sharedID), ServicePrincipal: aws.String("sso.amazonaws.com")})
	wantErrorAs[*orgtypes.AccessDeniedException](t, err)

	deregister := func(id, principal string) error {
		_, err := m.DeregisterDelegatedAdministrator(cx, &organizations.DeregisterDelegatedAdministratorInput{AccountId: aws.String(id), ServicePrincipal: aws.String(principal)})
		return err
	}
	mustNoErr(t, deregister(securityID, "account.amazonaws.com"))
	err = deregister(securityID, "account.amazonaws.com")
	wantAPIError(t, err, 400, "AccountNotRegisteredException", "The provided account is not a registered delegated administrator for this service.")
	wantErrorAs[*orgtypes.AccountNotRegisteredException](t, err)
	err = deregister(sharedID, "account.amazonaws.com")
	wantErrorAs[*orgtypes.AccountNotRegisteredException](t, err)
	err = deregister(outsiderID, "account.amazonaws.com")
	wantErrorAs[*orgtypes.AccountNotFoundException](t, err)
	_, err = m.ListDelegatedAdministrators(cx, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String("not a principal!")})
	if ie := wantErrorAs[*orgtypes.InvalidInputException](t, err); ie.Reason != orgtypes.InvalidInputExceptionReasonInvalidPattern {
		t.Errorf("Reason = %q", ie.Reason)
	}
	// With the slot free, another account can take it.
	mustNoErr(t, register(logID, "account.amazonaws.com"))
}

func TestDescribeOrganizationalUnit(t *testing.T) {
	e := New()
	org := organizations.NewFromConfig(e.Config())
	ctx := context.Background()
	par, err := org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("619283740556")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := org.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: par.Parents[0].Id})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.OrganizationalUnit.Name) != "Prod" {
		t.Errorf("name = %q", aws.ToString(out.OrganizationalUnit.Name))
	}
	_, err = org.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String("ou-abcd-12345678")})
	var nf *orgtypes.OrganizationalUnitNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("unknown OU: %v", err)
	}
}
