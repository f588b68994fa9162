package emulator

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var durable = acctypes.AlternateContact{
	AlternateContactType: acctypes.AlternateContactTypeSecurity,
	Name:                 aws.String("Security Operations"),
	Title:                aws.String("Security Team"),
	EmailAddress:         aws.String("security@acmepay.io"),
	PhoneNumber:          aws.String("+1 206 555 7700"),
}

var ignoreUnexported = cmpopts.IgnoreUnexported(acctypes.AlternateContact{})

func getContact(t *testing.T, c clients, accountID *string, typ acctypes.AlternateContactType) (*acctypes.AlternateContact, error) {
	t.Helper()
	out, err := c.acct.GetAlternateContact(ctx(t), &account.GetAlternateContactInput{AccountId: accountID, AlternateContactType: typ})
	if err != nil {
		return nil, err
	}
	return out.AlternateContact, nil
}

func putInput(accountID *string, name, title, email, phone string) *account.PutAlternateContactInput {
	return &account.PutAlternateContactInput{
		AccountId:            accountID,
		AlternateContactType: acctypes.AlternateContactTypeSecurity,
		Name:                 aws.String(name),
		Title:                aws.String(title),
		EmailAddress:         aws.String(email),
		PhoneNumber:          aws.String(phone),
	}
}

func TestGetAlternateContact(t *testing.T) {
	e := New(WithoutThrottling())
	m := as(e, "")

	t.Run("management standalone BILLING", func(t *testing.T) {
		got, err := getContact(t, m, nil, acctypes.AlternateContactTypeBilling)
		mustNoErr(t, err)
		want := acctypes.AlternateContact{AlternateContactType: acctypes.AlternateContactTypeBilling,
			Name: aws.String("Finance Operations"), Title: aws.String("Accounts Payable"),
			EmailAddress: aws.String("billing@acmepay.io"), PhoneNumber: aws.String("+1 206 555 7710")}
		if d := cmp.Diff(want, *got, ignoreUnexported); d != "" {
			t.Errorf("contact (-want +got):\n%s", d)
		}
	})
	t.Run("management standalone SECURITY unset", func(t *testing.T) {
		_, err := getContact(t, m, nil, acctypes.AlternateContactTypeSecurity)
		wantAPIError(t, err, 404, "ResourceNotFoundException", "No contact of the inputted alternate contact type found.")
		wantErrorAs[*acctypes.ResourceNotFoundException](t, err)
	})
	t.Run("member via management", func(t *testing.T) {
		got, err := getContact(t, m, aws.String(securityID), acctypes.AlternateContactTypeSecurity)
		mustNoErr(t, err)
		if d := cmp.Diff(durable, *got, ignoreUnexported); d != "" {
			t.Errorf("contact (-want +got):\n%s", d)
		}
	})
	t.Run("member via management unset type", func(t *testing.T) {
		_, err := getContact(t, m, aws.String(securityID), acctypes.AlternateContactTypeBilling)
		wantErrorAs[*acctypes.ResourceNotFoundException](t, err)
	})
	t.Run("suspended member is readable", func(t *testing.T) {
		_, err := getContact(t, m, aws.String(suspendedID), acctypes.AlternateContactTypeSecurity)
		wantAPIError(t, err, 404, "ResourceNotFoundException", "No contact of the inputted alternate contact type found.")
	})
}

func TestPutGetDeleteRoundTrip(t *testing.T) {
	e := New(WithoutThrottling())
	m := as(e, "")
	c := ctx(t)
	id := aws.String(sharedID)

	if _, err := getContact(t, m, id, acctypes.AlternateContactTypeSecurity); err == nil {
		t.Fatal("shared-services should start without a SECURITY contact")
	}
	v0 := e.Version()
	_, err := m.acct.PutAlternateContact(c, putInput(id, "Security Operations", "Security Team", "security@acmepay.io", "+1 206 555 7700"))
	mustNoErr(t, err)
	if e.Version() == v0 {
		t.Error("Version did not move after a Put")
	}
	got, err := getContact(t, m, id, acctypes.AlternateContactTypeSecurity)
	mustNoErr(t, err)
	if d := cmp.Diff(durable, *got, ignoreUnexported); d != "" {
		t.Errorf("after Put (-want +got):\n%s", d)
	}

	// Put overwrites (the operation is idempotent).
	_, err = m.acct.PutAlternateContact(c, putInput(id, "SecOps", "CISO", "secops@acmepay.io", "(206) 555-0100"))
	mustNoErr(t, err)
	got, err = getContact(t, m, id, acctypes.AlternateContactTypeSecurity)
	mustNoErr(t, err)
	if *got.Name != "SecOps" || *got.PhoneNumber != "(206) 555-0100" {
		t.Errorf("after overwrite got %+v", got)
	}
	if a := e.State().account(sharedID); len(a.Contacts) != 1 {
		t.Errorf("shared-services has %d contacts, want 1", len(a.Contacts))
	}

	_, err = m.acct.DeleteAlternateContact(c, &account.DeleteAlternateContactInput{AccountId: id, AlternateContactType: acctypes.AlternateContactTypeSecurity})
	mustNoErr(t, err)
	_, err = getContact(t, m, id, acctypes.AlternateContactTypeSecurity)
	wantErrorAs[*acctypes.ResourceNotFoundException](t, err)

	_, err = m.acct.DeleteAlternateContact(c, &account.DeleteAlternateContactInput{AccountId: id, AlternateContactType: acctypes.AlternateContactTypeSecurity})
	wantAPIError(t, err, 404, "ResourceNotFoundException", "No contact of the inputted alternate contact type found.")
	wantErrorAs[*acctypes.ResourceNotFoundException](t, err)

	st := e.Stats()
	if st.Writes != 3 {
		t.Errorf("Stats.Writes = %d, want 3 (two Puts, one Delete; the failed Delete does not count)", st.Writes)
	}
}

func TestManagementStandaloneWrite(t *testing.T) {
	e := New(WithoutThrottling())
	m := as(e, "")
	_, err := m.acct.PutAlternateContact(ctx(t), putInput(nil, "Security Operations", "Security Team", "security@acmepay.io", "+1 206 555 7700"))
	mustNoErr(t, err)
	got, err := getContact(t, m, nil, acctypes.AlternateContactTypeSecurity)
	mustNoErr(t, err)
	if d := cmp.Diff(durable, *got, ignoreUnexported); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if e.State().account(mgmtID).Contacts["SECURITY"] == nil {
		t.Error("the Put did not land on the management account")
	}
}

func TestValidation(t *testing.T) {
	const (
		lenName  = "Member must have length less than or equal to 64"
		lenTitle = "Member must have length less than or equal to 50"
		lenPhone = "Member must have length less than or equal to 25"
		minLen   = "Member must have length greater than or equal to 1"
		reEmail  = `Member must satisfy regular expression pattern: ^[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*$`
		rePhone  = `Member must satisfy regular expression pattern: ^[\s0-9()+-]+$`
		reID     = `Member must satisfy regular expression pattern: ^\d{12}$`
		enumType = "Member must satisfy enum value set: [SECURITY, OPERATIONS, BILLING]"
	)
	ok := putInput(aws.String(sharedID), "Security Operations", "Security Team", "security@acmepay.io", "+1 206 555 7700")
	with := func(f func(*account.PutAlternateContactInput)) *account.PutAlternateContactInput {
		in := *ok
		f(&in)
		return &in
	}
	type field struct{ Name, Message string }
	cases := []struct {
		name   string
		in     *account.PutAlternateContactInput
		fields []field
	}{
		{"name 65 chars", with(func(in *account.PutAlternateContactInput) { in.Name = aws.String(strings.Repeat("n", 65)) }),
			[]field{{"Name", lenName}}},
		{"name empty", with(func(in *account.PutAlternateContactInput) { in.Name = aws.String("") }),
			[]field{{"Name", minLen}}},
		{"title 51 chars", with(func(in *account.PutAlternateContactInput) { in.Title = aws.String(strings.Repeat("t", 51)) }),
			[]field{{"Title", lenTitle}}},
		{"email without domain", with(func(in *account.PutAlternateContactInput) { in.EmailAddress = aws.String("security@acmepay") }),
			[]field{{"EmailAddress", reEmail}}},
		{"email not an address", with(func(in *account.PutAlternateContactInput) { in.EmailAddress = aws.String("not an email") }),
			[]field{{"EmailAddress", reEmail}}},
		{"phone with letters", with(func(in *account.PutAlternateContactInput) { in.PhoneNumber = aws.String("+1 206 CALL-SEC") }),
			[]field{{"PhoneNumber", rePhone}}},
		{"phone 26 chars", with(func(in *account.PutAlternateContactInput) { in.PhoneNumber = aws.String("+" + strings.Repeat("1", 25)) }),
			[]field{{"PhoneNumber", lenPhone}}},
		{"account id 11 digits", with(func(in *account.PutAlternateContactInput) { in.AccountId = aws.String("84201937564") }),
			[]field{{"AccountId", reID}}},
		{"account id 13 digits", with(func(in *account.PutAlternateContactInput) { in.AccountId = aws.String(sharedID + "0") }),
			[]field{{"AccountId", reID}}},
		{"bad contact type", with(func(in *account.PutAlternateContactInput) { in.AlternateContactType = "SECURITY_TEAM" }),
			[]field{{"AlternateContactType", enumType}}},
		{"two bad fields", with(func(in *account.PutAlternateContactInput) {
			in.Name = aws.String(strings.Repeat("n", 65))
			in.PhoneNumber = aws.String("call me")
		}), []field{{"Name", lenName}, {"PhoneNumber", rePhone}}},
	}
	e := New(WithoutThrottling())
	m := as(e, "")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.acct.PutAlternateContact(ctx(t), tc.in)
			var parts []string
			for _, f := range tc.fields {
				lower := strings.ToLower(f.Name[:1]) + f.Name[1:]
				parts = append(parts, "Value at '"+lower+"' failed to satisfy constraint: "+f.Message)
			}
			noun := "error"
			if len(parts) > 1 {
				noun = "errors"
			}
			msg := fmt.Sprintf("%d validation %s detected: %s", len(parts), noun, strings.Join(parts, "; "))
			wantAPIError(t, err, 400, "ValidationException", msg)
			ve := wantErrorAs[*acctypes.ValidationException](t, err)
			if ve.Reason != acctypes.ValidationExceptionReasonFieldValidationFailed {
				t.Errorf("Reason = %q, want fieldValidationFailed", ve.Reason)
			}
			var got []field
			for _, f := range ve.FieldList {
				got = append(got, field{aws.ToString(f.Name), aws.ToString(f.Message)})
			}
			if d := cmp.Diff(tc.fields, got); d != "" {
				t.Errorf("FieldList (-want +got):\n%s", d)
			}
			// Sensitive values never appear in the message.
			for _, v := range []*string{tc.in.Name, tc.in.EmailAddress, tc.in.PhoneNumber} {
				if len(*v) > 3 && strings.Contains(ve.ErrorMessage(), *v) {
					t.Errorf("message leaks the value %q", *v)
				}
			}
		})
	}
	if a := e.State().account(sharedID); a.Contacts["SECURITY"] != nil {
		t.Error("an invalid Put was stored")
	}

	t.Run("boundaries accepted", func(t *testing.T) {
		in := putInput(aws.String(sharedID), strings.Repeat("n", 64), strings.Repeat("t", 50), " sec.ops+aws@mail.acmepay.io ", "+"+strings.Repeat("1", 24))
		_, err := m.acct.PutAlternateContact(ctx(t), in)
		mustNoErr(t, err)
	})
	t.Run("Get with 11-digit AccountId", func(t *testing.T) {
		_, err := getContact(t, m, aws.String("59301827461"), acctypes.AlternateContactTypeSecurity)
		ve := wantErrorAs[*acctypes.ValidationException](t, err)
		if len(ve.FieldList) != 1 || aws.ToString(ve.FieldList[0].Name) != "AccountId" {
			t.Errorf("FieldList = %+v", ve.FieldList)
		}
	})
	t.Run("Delete with bad type", func(t *testing.T) {
		_, err := m.acct.DeleteAlternateContact(ctx(t), &account.DeleteAlternateContactInput{AlternateContactType: "security"})
		wantAPIError(t, err, 400, "ValidationException",
			"1 validation error detected: Value at 'alternateContactType' failed to satisfy constraint: "+enumType)
	})
	t.Run("SDK checks required members client-side", func(t *testing.T) {
		before := e.Stats().Requests
		_, err := m.acct.PutAlternateContact(ctx(t), &account.PutAlternateContactInput{AlternateContactType: acctypes.AlternateContactTypeSecurity})
		if err == nil || !strings.Contains(err.Error(), "missing required field") {
			t.Fatalf("err = %v, want the SDK's client-side validation error", err)
		}
		if e.Stats().Requests != before {
			t.Error("a request reached the emulator")
		}
	})
}

func TestAuthorization(t *testing.T) {
	const op = "GetAlternateContact"
	parenthetical := deniedMsg(mgmtID, op) + " (The management account can only be managed using the standalone context from the management account.)"
	cases := []struct {
		name      string
		caller    string
		accountID *string
		status    int    // 0: success
		msg       string // for 403s
	}{
		{"management standalone", "", nil, 0, ""},
		{"management names itself", "", aws.String(mgmtID), 403, parenthetical},
		{"management names itself (explicit key)", mgmtID, aws.String(mgmtID), 403, parenthetical},
		{"management names a member", "", aws.String(securityID), 0, ""},
		{"management names an outsider", "", aws.String(outsiderID), 403, deniedMsg(mgmtID, op)},
		{"member standalone", securityID, nil, 0, ""},
		{"member names itself", securityID, aws.String(securityID), 403, deniedMsg(securityID, op)},
		{"member names another member", securityID, aws.String(logID), 403, deniedMsg(securityID, op)},
		{"member names the management account", securityID, aws.String(mgmtID), 403, deniedMsg(securityID, op)},
		{"outsider names a member", outsiderID, aws.String(securityID), 403, deniedMsg(outsiderID, op)},
	}
	e := New(WithoutThrottling())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			typ := acctypes.AlternateContactTypeSecurity
			if (tc.caller == "" || tc.caller == mgmtID) && tc.accountID == nil {
				typ = acctypes.AlternateContactTypeBilling // management has no SECURITY contact
			}
			_, err := getContact(t, as(e, tc.caller), tc.accountID, typ)
			if tc.status == 0 {
				mustNoErr(t, err)
				return
			}
			wantAPIError(t, err, tc.status, "AccessDeniedException", tc.msg)
			wantErrorAs[*acctypes.AccessDeniedException](t, err)
		})
	}

	t.Run("member Put and Delete with AccountId name their operation", func(t *testing.T) {
		c := as(e, securityID)
		_, err := c.acct.PutAlternateContact(ctx(t), putInput(aws.String(securityID), "a", "b", "c@d.io", "1"))
		wantAPIError(t, err, 403, "AccessDeniedException", deniedMsg(securityID, "PutAlternateContact"))
		_, err = c.acct.DeleteAlternateContact(ctx(t), &account.DeleteAlternateContactInput{AccountId: aws.String(securityID), AlternateContactType: acctypes.AlternateContactTypeSecurity})
		wantAPIError(t, err, 403, "AccessDeniedException", deniedMsg(securityID, "DeleteAlternateContact"))
	})
	t.Run("member standalone writes its own contact", func(t *testing.T) {
		c := as(e, sharedID)
		_, err := c.acct.PutAlternateContact(ctx(t), putInput(nil, "Shared Sec", "Security", "shared-sec@acmepay.io", "+1 206 555 0199"))
		mustNoErr(t, err)
		got, err := getContact(t, c, nil, acctypes.AlternateContactTypeSecurity)
		mustNoErr(t, err)
		if *got.Name != "Shared Sec" {
			t.Errorf("Name = %q", *got.Name)
		}
		// The management account sees the member's own write.
		got, err = getContact(t, as(e, ""), aws.String(sharedID), acctypes.AlternateContactTypeSecurity)
		mustNoErr(t, err)
		if *got.EmailAddress != "shared-sec@acmepay.io" {
			t.Errorf("EmailAddress = %q", *got.EmailAddress)
		}
		if e.State().account(mgmtID).Contacts["SECURITY"] != nil {
			t.Error("the member's standalone Put landed on the management account")
		}
	})
}

func TestDelegatedAdministrator(t *testing.T) {
	e := New(WithoutThrottling())
	m := as(e, "")
	admin := as(e, securityID)
	c := ctx(t)

	// Before registration the member is an ordinary member.
	_, err := getContact(t, admin, aws.String(logID), acctypes.AlternateContactTypeSecurity)
	wantAPIError(t, err, 403, "AccessDeniedException", deniedMsg(securityID, "GetAlternateContact"))

	_, err = m.org.RegisterDelegatedAdministrator(c, &organizations.RegisterDelegatedAdministratorInput{
		AccountId: aws.String(securityID), ServicePrincipal: aws.String("account.amazonaws.com")})
	mustNoErr(t, err)

	got, err := getContact(t, admin, aws.String(logID), acctypes.AlternateContactTypeSecurity)
	mustNoErr(t, err)
	if d := cmp.Diff(durable, *got, ignoreUnexported); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	_, err = admin.acct.PutAlternateContact(c, putInput(aws.String(sharedID), "Shared Sec", "Security", "shared-sec@acmepay.io", "+1 206 555 0199"))
	mustNoErr(t, err)
	if e.State().account(sharedID).Contacts["SECURITY"] == nil {
		t.Error("the delegated administrator's Put was not stored")
	}
	_, err = admin.acct.DeleteAlternateContact(c, &account.DeleteAlternateContactInput{AccountId: aws.String(sharedID), AlternateContactType: acctypes.AlternateContactTypeSecurity})
	mustNoErr(t, err)

	// Never the management account.
	_, err = getContact(t, admin, aws.String(mgmtID), acctypes.AlternateContactTypeBilling)
	wantAPIError(t, err, 403, "AccessDeniedException",
		deniedMsg(securityID, "GetAlternateContact")+" (The management account can only be managed using the standalone context from the management account.)")
	_, err = admin.acct.PutAlternateContact(c, putInput(aws.String(mgmtID), "a", "b", "c@d.io", "1"))
	wantErrorAs[*acctypes.AccessDeniedException](t, err)

	// Its own contacts, standalone, as before.
	_, err = getContact(t, admin, nil, acctypes.AlternateContactTypeSecurity)
	mustNoErr(t, err)

	// Deregistered, it loses the access again.
	_, err = m.org.DeregisterDelegatedAdministrator(c, &organizations.DeregisterDelegatedAdministratorInput{
		AccountId: aws.String(securityID), ServicePrincipal: aws.String("account.amazonaws.com")})
	mustNoErr(t, err)
	_, err = getContact(t, admin, aws.String(logID), acctypes.AlternateContactTypeSecurity)
	wantAPIError(t, err, 403, "AccessDeniedException", deniedMsg(securityID, "GetAlternateContact"))
}

func TestDelegatedAdministratorOfOtherServiceIsNotAccountAdmin(t *testing.T) {
	e := New(WithoutThrottling())
	_, err := as(e, "").org.RegisterDelegatedAdministrator(ctx(t), &organizations.RegisterDelegatedAdministratorInput{
		AccountId: aws.String(securityID), ServicePrincipal: aws.String("securityhub.amazonaws.com")})
	mustNoErr(t, err)
	_, err = getContact(t, as(e, securityID), aws.String(logID), acctypes.AlternateContactTypeSecurity)
	wantAPIError(t, err, 403, "AccessDeniedException", deniedMsg(securityID, "GetAlternateContact"))
}

func TestTrustedAccessDisabled(t *testing.T) {
	e := New(WithoutThrottling())
	m := as(e, "")
	c := ctx(t)
	_, err := m.org.RegisterDelegatedAdministrator(c, &organizations.RegisterDelegatedAdministratorInput{
		AccountId: aws.String(securityID), ServicePrincipal: aws.String("account.amazonaws.com")})
	mustNoErr(t, err)

	_, err = m.org.DisableAWSServiceAccess(c, &organizations.DisableAWSServiceAccessInput{ServicePrincipal: aws.String("account.amazonaws.com")})
	mustNoErr(t, err)

	_, err = getContact(t, m, aws.String(securityID), acctypes.AlternateContactTypeSecurity)
	wantAPIError(t, err, 403, "AccessDeniedException", deniedMsg(mgmtID, "GetAlternateContact"))
	_, err = m.acct.PutAlternateContact(c, putInput(aws.String(sharedID), "a", "b", "c@d.io", "1"))
	wantAPIError(t, err, 403, "AccessDeniedException", deniedMsg(mgmtID, "PutAlternateContact"))
	// Standalone still works.
	_, err = getContact(t, m, nil, acctypes.AlternateContactTypeBilling)
	mustNoErr(t, err)
	// Disabling trusted access dropped the delegated administrator.
	_, err = getContact(t, as(e, securityID), aws.String(logID), acctypes.AlternateContactTypeSecurity)
	wantAPIError(t, err, 403, "AccessDeniedException", deniedMsg(securityID, "GetAlternateContact"))
	out, err := m.org.ListDelegatedAdministrators(c, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String("account.amazonaws.com")})
	mustNoErr(t, err)
	if len(out.DelegatedAdministrators) != 0 {
		t.Errorf("delegated administrators after disabling trusted access: %d", len(out.DelegatedAdministrators))
	}

	_, err = m.org.EnableAWSServiceAccess(c, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("account.amazonaws.com")})
	mustNoErr(t, err)
	_, err = getContact(t, m, aws.String(securityID), acctypes.AlternateContactTypeSecurity)
	mustNoErr(t, err)
}

func TestConsolidatedBillingOrganization(t *testing.T) {
	s := scenario(t, strings.Replace(smallOrgYAML, "feature_set: ALL", "feature_set: CONSOLIDATED_BILLING", 1))
	e := New(WithState(s), WithoutThrottling())
	m := as(e, "")
	_, err := getContact(t, m, aws.String("100000000002"), acctypes.AlternateContactTypeSecurity)
	wantAPIError(t, err, 403, "AccessDeniedException", deniedMsg("100000000001", "GetAlternateContact"))
	// Standalone is unaffected.
	_, err = getContact(t, as(e, "100000000002"), nil, acctypes.AlternateContactTypeSecurity)
	mustNoErr(t, err)
	// Trusted access needs all features.
	_, err = m.org.EnableAWSServiceAccess(ctx(t), &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("account.amazonaws.com")})
	wantAPIError(t, err, 400, "ConstraintViolationException", "The organization must have all features enabled.")
	cv := wantErrorAs[*orgtypes.ConstraintViolationException](t, err)
	if cv.Reason != orgtypes.ConstraintViolationExceptionReasonOrganizationNotInAllFeaturesMode {
		t.Errorf("Reason = %q", cv.Reason)
	}
}

func TestAccountOutsideOrganization(t *testing.T) {
	e := New(WithoutThrottling())
	o := as(e, outsiderID)
	c := ctx(t)

	_, err := o.org.DescribeOrganization(c, &organizations.DescribeOrganizationInput{})
	wantAPIError(t, err, 400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	wantErrorAs[*orgtypes.AWSOrganizationsNotInUseException](t, err)
	_, err = o.org.ListAccounts(c, &organizations.ListAccountsInput{})
	wantErrorAs[*orgtypes.AWSOrganizationsNotInUseException](t, err)

	_, err = getContact(t, o, nil, acctypes.AlternateContactTypeSecurity)
	wantErrorAs[*acctypes.ResourceNotFoundException](t, err)
	_, err = o.acct.PutAlternateContact(c, putInput(nil, "Solo Sec", "Security", "solo@example.org", "+44 20 7946 0000"))
	mustNoErr(t, err)
	got, err := getContact(t, o, nil, acctypes.AlternateContactTypeSecurity)
	mustNoErr(t, err)
	if *got.Name != "Solo Sec" {
		t.Errorf("Name = %q", *got.Name)
	}
	// A record exists now, but the account is still outside the organization.
	_, err = o.org.DescribeOrganization(c, &organizations.DescribeOrganizationInput{})
	wantErrorAs[*orgtypes.AWSOrganizationsNotInUseException](t, err)
	_, err = getContact(t, o, aws.String(outsiderID), acctypes.AlternateContactTypeSecurity)
	wantAPIError(t, err, 403, "AccessDeniedException", deniedMsg(outsiderID, "GetAlternateContact"))
	_, err = o.acct.DeleteAlternateContact(c, &account.DeleteAlternateContactInput{AlternateContactType: acctypes.AlternateContactTypeSecurity})
	mustNoErr(t, err)
}

func TestStandaloneScenario(t *testing.T) {
	e := New(WithScenario("standalone"), WithoutThrottling())
	c := as(e, "")
	id, err := c.sts.GetCallerIdentity(ctx(t), nil)
	mustNoErr(t, err)
	if *id.Account != "845201937466" {
		t.Errorf("caller = %s, want the scenario's only account", *id.Account)
	}
	_, err = c.org.DescribeOrganization(ctx(t), &organizations.DescribeOrganizationInput{})
	wantErrorAs[*orgtypes.AWSOrganizationsNotInUseException](t, err)
	_, err = c.acct.PutAlternateContact(ctx(t), putInput(nil, "Solo", "Security", "solo@acmepay.io", "+1 206 555 0100"))
	mustNoErr(t, err)
	_, err = getContact(t, c, aws.String("845201937466"), acctypes.AlternateContactTypeSecurity)
	wantAPIError(t, err, 403, "AccessDeniedException", deniedMsg("845201937466", "GetAlternateContact"))
}
