package emulator

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

func sf(op shtypes.StringFilterComparison, v string) shtypes.StringFilter {
	return shtypes.StringFilter{Comparison: op, Value: aws.String(v)}
}

func eq(v string) []shtypes.StringFilter {
	return []shtypes.StringFilter{sf(shtypes.StringFilterComparisonEquals, v)}
}

// findings pages through GetFindings with the SDK paginator.
func findings(t *testing.T, c *securityhub.Client, filters *shtypes.AwsSecurityFindingFilters, maxResults *int32) []shtypes.AwsSecurityFinding {
	t.Helper()
	p := securityhub.NewGetFindingsPaginator(c, &securityhub.GetFindingsInput{Filters: filters, MaxResults: maxResults})
	var out []shtypes.AwsSecurityFinding
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pg.Findings...)
	}
	return out
}

// account1 finds the Account.1 finding of one account, the way verify reads it
// to look it up.
func account1(t *testing.T, c *securityhub.Client, accountID string) shtypes.AwsSecurityFinding {
	t.Helper()
	fs := findings(t, c, &shtypes.AwsSecurityFindingFilters{
		ComplianceSecurityControlId: eq("Account.1"),
		RecordState:                 eq("ACTIVE"),
		AwsAccountId:                eq(accountID),
	}, nil)
	if len(fs) != 1 {
		t.Fatalf("%d Account.1 findings for %s, want 1", len(fs), accountID)
	}
	return fs[0]
}

func TestFintechFindings(t *testing.T) {
	e := New(WithoutThrottling())
	all := findings(t, as(e, "").sh, nil, nil)
	if len(all) != 23 {
		t.Fatalf("%d findings, want 23 (one per ACTIVE account)", len(all))
	}
	status := map[shtypes.ComplianceStatus]int{}
	seen := map[string]bool{}
	for _, f := range all {
		acct := aws.ToString(f.AwsAccountId)
		if seen[acct] {
			t.Errorf("two findings for %s", acct)
		}
		seen[acct] = true
		status[f.Compliance.Status]++
		if aws.ToString(f.GeneratorId) != "security-control/Account.1" || aws.ToString(f.Compliance.SecurityControlId) != "Account.1" {
			t.Errorf("%s: GeneratorId %q, control %q", acct, aws.ToString(f.GeneratorId), aws.ToString(f.Compliance.SecurityControlId))
		}
		if f.RecordState != shtypes.RecordStateActive {
			t.Errorf("%s: RecordState %q", acct, f.RecordState)
		}
		if aws.ToString(f.Title) != "Security contact information should be provided for an AWS account" {
			t.Errorf("Title %q", aws.ToString(f.Title))
		}
		if len(f.Resources) != 1 || aws.ToString(f.Resources[0].Id) != "AWS::::Account:"+acct || aws.ToString(f.Resources[0].Type) != "AwsAccount" {
			t.Errorf("%s: Resources %+v", acct, f.Resources)
		}
		if !strings.HasPrefix(aws.ToString(f.Id), "arn:aws:securityhub:us-east-1:"+acct+":security-control/Account.1/finding/") {
			t.Errorf("Id %s", aws.ToString(f.Id))
		}
		for name, ts := range map[string]*string{"CreatedAt": f.CreatedAt, "UpdatedAt": f.UpdatedAt} {
			if _, err := time.Parse(time.RFC3339, aws.ToString(ts)); err != nil {
				t.Errorf("%s %s is not an ISO 8601 string: %v", acct, name, err)
			}
		}
		wantWF := shtypes.WorkflowStatusNew
		if f.Compliance.Status == shtypes.ComplianceStatusPassed {
			wantWF = shtypes.WorkflowStatusResolved
		}
		if f.Workflow == nil || f.Workflow.Status != wantWF {
			t.Errorf("%s %s: Workflow %+v, want %s", acct, f.Compliance.Status, f.Workflow, wantWF)
		}
		if f.Severity == nil || f.Severity.Label != shtypes.SeverityLabelMedium {
			t.Errorf("%s: Severity %+v", acct, f.Severity)
		}
	}
	if seen[suspendedID] {
		t.Error("the SUSPENDED account has a finding")
	}
	if d := cmp.Diff(map[shtypes.ComplianceStatus]int{"FAILED": 14, "PASSED": 9}, status); d != "" {
		t.Errorf("compliance (-want +got):\n%s", d)
	}
	if f := account1(t, as(e, "").sh, mgmtID); f.Compliance.Status != shtypes.ComplianceStatusFailed {
		t.Errorf("management account is %s, want FAILED", f.Compliance.Status)
	}
	if f := account1(t, as(e, "").sh, securityID); f.Compliance.Status != shtypes.ComplianceStatusPassed {
		t.Errorf("security-tooling is %s, want PASSED", f.Compliance.Status)
	}
}

func TestGetFindingsFilters(t *testing.T) {
	e := New(WithoutThrottling())
	c := as(e, "").sh
	type F = shtypes.AwsSecurityFindingFilters
	cases := []struct {
		name string
		f    F
		want int
	}{
		{"GeneratorId consolidated", F{GeneratorId: eq("security-control/Account.1")}, 23},
		{"GeneratorId standard form (not this hub's)", F{GeneratorId: eq("aws-foundational-security-best-practices/v/1.0.0/Account.1")}, 0},
		{"GeneratorId PREFIX", F{GeneratorId: []shtypes.StringFilter{sf(shtypes.StringFilterComparisonPrefix, "security-control/")}}, 23},
		{"GeneratorId PREFIX no match", F{GeneratorId: []shtypes.StringFilter{sf(shtypes.StringFilterComparisonPrefix, "aws-foundational")}}, 0},
		{"ComplianceSecurityControlId", F{ComplianceSecurityControlId: eq("Account.1")}, 23},
		{"ComplianceSecurityControlId other", F{ComplianceSecurityControlId: eq("IAM.1")}, 0},
		{"ComplianceStatus FAILED", F{ComplianceStatus: eq("FAILED")}, 14},
		{"ComplianceStatus PASSED", F{ComplianceStatus: eq("PASSED")}, 9},
		{"ComplianceStatus FAILED or PASSED", F{ComplianceStatus: append(eq("FAILED"), eq("PASSED")...)}, 23},
		{"AwsAccountId", F{AwsAccountId: eq(sharedID)}, 1},
		{"AwsAccountId two values ORed", F{AwsAccountId: append(eq(sharedID), eq(logID)...)}, 2},
		{"AwsAccountId suspended", F{AwsAccountId: eq(suspendedID)}, 0},
		{"AwsAccountId PREFIX", F{AwsAccountId: []shtypes.StringFilter{sf(shtypes.StringFilterComparisonPrefix, "8")}}, 3},
		{"RecordState ACTIVE", F{RecordState: eq("ACTIVE")}, 23},
		{"RecordState ARCHIVED", F{RecordState: eq("ARCHIVED")}, 0},
		{"WorkflowStatus NOT_EQUALS SUPPRESSED", F{WorkflowStatus: []shtypes.StringFilter{sf(shtypes.StringFilterComparisonNotEquals, "SUPPRESSED")}}, 23},
		{"WorkflowStatus NOT_EQUALS RESOLVED", F{WorkflowStatus: []shtypes.StringFilter{sf(shtypes.StringFilterComparisonNotEquals, "RESOLVED")}}, 14},
		{"negatives ANDed", F{AwsAccountId: []shtypes.StringFilter{
			sf(shtypes.StringFilterComparisonNotEquals, sharedID), sf(shtypes.StringFilterComparisonNotEquals, logID)}}, 21},
		{"PREFIX_NOT_EQUALS", F{AwsAccountId: []shtypes.StringFilter{sf(shtypes.StringFilterComparisonPrefixNotEquals, "8")}}, 20},
		{"ComplianceAssociatedStandardsId", F{ComplianceAssociatedStandardsId: eq("standards/aws-foundational-security-best-practices/v/1.0.0")}, 23},
		{"Title CONTAINS", F{Title: []shtypes.StringFilter{sf(shtypes.StringFilterComparisonContains, "Security contact")}}, 23},
		{"ResourceId", F{ResourceId: eq("AWS::::Account:" + paymentsID)}, 1},
		{"attributes ANDed", F{ComplianceStatus: eq("FAILED"), AwsAccountId: append(eq(sharedID), eq(logID)...)}, 1},
		{"the captured production query", F{
			AwsAccountId:                eq(sharedID),
			ComplianceSecurityControlId: eq("Account.1"),
			ComplianceStatus:            eq("FAILED"),
			GeneratorId:                 eq("security-control/Account.1"),
			RecordState:                 eq("ACTIVE"),
			WorkflowStatus:              []shtypes.StringFilter{sf(shtypes.StringFilterComparisonNotEquals, "SUPPRESSED")},
		}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			if got := len(findings(t, c, &f, aws.Int32(100))); got != tc.want {
				t.Errorf("%d findings, want %d", got, tc.want)
			}
		})
	}
}

func TestGetFindingsStandardControl(t *testing.T) {
	s := scenario(t, smallOrgYAML+"security_hub: {enabled: true, control_finding_generator: STANDARD_CONTROL}\n")
	e := New(WithState(s), WithoutThrottling())
	c := as(e, "").sh
	hub, err := c.DescribeHub(ctx(t), &securityhub.DescribeHubInput{})
	mustNoErr(t, err)
	if hub.ControlFindingGenerator != shtypes.ControlFindingGeneratorStandardControl {
		t.Errorf("ControlFindingGenerator = %q", hub.ControlFindingGenerator)
	}
	std := findings(t, c, &shtypes.AwsSecurityFindingFilters{GeneratorId: eq("aws-foundational-security-best-practices/v/1.0.0/Account.1")}, nil)
	if len(std) != 4 {
		t.Errorf("%d findings with the standard GeneratorId, want 4", len(std))
	}
	if n := len(findings(t, c, &shtypes.AwsSecurityFindingFilters{GeneratorId: eq("security-control/Account.1")}, nil)); n != 0 {
		t.Errorf("%d findings with the consolidated GeneratorId, want 0", n)
	}
	// The control id filter finds them in either mode.
	if n := len(findings(t, c, &shtypes.AwsSecurityFindingFilters{ComplianceSecurityControlId: eq("Account.1")}, nil)); n != 4 {
		t.Errorf("%d findings by ComplianceSecurityControlId, want 4", n)
	}
	for _, f := range std {
		if !strings.Contains(aws.ToString(f.Id), ":subscription/aws-foundational-security-best-practices/v/1.0.0/Account.1/finding/") {
			t.Errorf("Id %s", aws.ToString(f.Id))
		}
		if f.ProductFields["ControlId"] != "Account.1" {
			t.Errorf("ProductFields %v", f.ProductFields)
		}
	}
}

func TestGetFindingsPagination(t *testing.T) {
	e := New(WithoutThrottling())
	c := as(e, "").sh
	p := securityhub.NewGetFindingsPaginator(c, &securityhub.GetFindingsInput{MaxResults: aws.Int32(5)})
	var sizes []int
	ids := map[string]bool{}
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx(t))
		mustNoErr(t, err)
		sizes = append(sizes, len(pg.Findings))
		for _, f := range pg.Findings {
			ids[*f.Id] = true
		}
		if len(sizes) < 5 && aws.ToString(pg.NextToken) == "" {
			t.Errorf("page %d has no NextToken", len(sizes))
		}
	}
	if d := cmp.Diff([]int{5, 5, 5, 5, 3}, sizes); d != "" {
		t.Errorf("page sizes (-want +got):\n%s", d)
	}
	if len(ids) != 23 {
		t.Errorf("%d distinct findings, want 23", len(ids))
	}

	_, err := c.GetFindings(ctx(t), &securityhub.GetFindingsInput{MaxResults: aws.Int32(101)})
	wantAPIError(t, err, 400, "InvalidInputException", "MaxResults must be between 1 and 100")
	wantErrorAs[*shtypes.InvalidInputException](t, err)
	_, err = c.GetFindings(ctx(t), &securityhub.GetFindingsInput{NextToken: aws.String("bogus")})
	wantAPIError(t, err, 400, "InvalidInputException", "The provided token is invalid.")
}

func TestGetFindingsInvalidFilters(t *testing.T) {
	e := New(WithoutThrottling())
	c := as(e, "").sh
	get := func(f *shtypes.AwsSecurityFindingFilters) error {
		_, err := c.GetFindings(ctx(t), &securityhub.GetFindingsInput{Filters: f})
		return err
	}
	err := get(&shtypes.AwsSecurityFindingFilters{ComplianceStatus: []shtypes.StringFilter{sf("LIKE", "FAILED")}})
	wantAPIError(t, err, 400, "InvalidInputException", `Invalid Comparison "LIKE" for filter ComplianceStatus.`)
	err = get(&shtypes.AwsSecurityFindingFilters{ResourceAwsEc2InstanceType: eq("t3.micro")})
	wantAPIError(t, err, 400, "InvalidInputException", "The filter ResourceAwsEc2InstanceType is not supported by the altcontacts sandbox.")
	many := make([]shtypes.StringFilter, 21)
	for i := range many {
		many[i] = sf(shtypes.StringFilterComparisonEquals, "x")
	}
	err = get(&shtypes.AwsSecurityFindingFilters{AwsAccountId: many})
	wantAPIError(t, err, 400, "InvalidInputException", "Filter AwsAccountId can contain at most 20 values.")
	err = get(&shtypes.AwsSecurityFindingFilters{
		Id: eq("a"), ProductArn: eq("a"), ProductName: eq("a"), CompanyName: eq("a"), GeneratorId: eq("a"), AwsAccountId: eq("a"),
		Region: eq("a"), Title: eq("a"), Description: eq("a"), RecordState: eq("a"), WorkflowStatus: eq("a"),
	})
	wantAPIError(t, err, 400, "InvalidInputException", "Filters can contain at most 10 attributes.")
}

func TestEventualEvaluation(t *testing.T) {
	clk := newFakeClock()
	t0 := clk.Now()
	e := New(WithClock(clk.Now), WithEvaluationInterval(5*time.Second), WithoutThrottling())
	m := as(e, "")
	status := func(id string) (shtypes.ComplianceStatus, shtypes.WorkflowStatus, string) {
		t.Helper()
		f := account1(t, m.sh, id)
		return f.Compliance.Status, f.Workflow.Status, aws.ToString(f.UpdatedAt)
	}
	if s, w, u := status(sharedID); s != "FAILED" || w != "NEW" || u != "2026-11-26T12:00:00.000Z" {
		t.Fatalf("start: %s %s %s", s, w, u)
	}

	clk.Advance(time.Second)
	_, err := m.acct.PutAlternateContact(ctx(t), putInput(aws.String(sharedID), "Security Operations", "Security Team", "security@acmepay.io", "+1 206 555 7700"))
	mustNoErr(t, err)
	if s, _, _ := status(sharedID); s != "FAILED" {
		t.Errorf("right after the Put: %s, want still FAILED", s)
	}
	clk.Advance(3 * time.Second) // t0+4s
	if s, _, _ := status(sharedID); s != "FAILED" {
		t.Errorf("at t0+4s: %s, want still FAILED", s)
	}
	clk.Advance(time.Second) // t0+5s: the interval has passed
	s, w, u := status(sharedID)
	if s != "PASSED" || w != "RESOLVED" {
		t.Errorf("at t0+5s: %s/%s, want PASSED/RESOLVED", s, w)
	}
	if want := t0.Add(5 * time.Second).Format("2006-01-02T15:04:05.000Z"); u != want {
		t.Errorf("UpdatedAt = %s, want %s", u, want)
	}

	// Removing the contact flips it back at the next evaluation; Evaluate
	// forces one without waiting.
	_, err = m.acct.DeleteAlternateContact(ctx(t), &account.DeleteAlternateContactInput{AccountId: aws.String(sharedID), AlternateContactType: acctypes.AlternateContactTypeSecurity})
	mustNoErr(t, err)
	if s, _, _ := status(sharedID); s != "PASSED" {
		t.Errorf("right after the Delete: %s, want still PASSED", s)
	}
	e.Evaluate()
	if s, w, _ := status(sharedID); s != "FAILED" || w != "NEW" {
		t.Errorf("after Evaluate: %s/%s, want FAILED/NEW", s, w)
	}
}

func TestEvaluationArchives(t *testing.T) {
	e := New(WithoutThrottling())
	c := as(e, "").sh
	e.Update(func(s *State) { s.account(sharedID).State = "SUSPENDED" })
	e.Evaluate()
	archived := findings(t, c, &shtypes.AwsSecurityFindingFilters{RecordState: eq("ARCHIVED")}, nil)
	if len(archived) != 1 || *archived[0].AwsAccountId != sharedID {
		t.Fatalf("archived after suspension: %d", len(archived))
	}
	e.Update(func(s *State) { s.SecurityHub.Account1 = false })
	e.Evaluate()
	if n := len(findings(t, c, &shtypes.AwsSecurityFindingFilters{RecordState: eq("ACTIVE")}, nil)); n != 0 {
		t.Errorf("%d ACTIVE findings with the control disabled, want 0", n)
	}
}

func TestFindingsVisibility(t *testing.T) {
	e := New(WithoutThrottling())
	own := findings(t, as(e, sharedID).sh, nil, nil)
	if len(own) != 1 || *own[0].AwsAccountId != sharedID {
		t.Errorf("member sees %d findings, want only its own", len(own))
	}
	if n := len(findings(t, as(e, sharedID).sh, &shtypes.AwsSecurityFindingFilters{AwsAccountId: eq(logID)}, nil)); n != 0 {
		t.Errorf("member sees %d findings of another account", n)
	}

	_, err := as(e, outsiderID).sh.GetFindings(ctx(t), &securityhub.GetFindingsInput{})
	wantAPIError(t, err, 401, "InvalidAccessException", "Account "+outsiderID+" is not subscribed to AWS Security Hub")

	e.Update(func(s *State) { s.SecurityHub.Enabled = false })
	_, err = as(e, "").sh.GetFindings(ctx(t), &securityhub.GetFindingsInput{})
	wantAPIError(t, err, 401, "InvalidAccessException", "Account "+mgmtID+" is not subscribed to AWS Security Hub")
	wantErrorAs[*shtypes.InvalidAccessException](t, err)
	_, err = as(e, "").sh.DescribeHub(ctx(t), &securityhub.DescribeHubInput{})
	wantErrorAs[*shtypes.InvalidAccessException](t, err)
}

func TestDescribeHub(t *testing.T) {
	e := New()
	out, err := as(e, "").sh.DescribeHub(ctx(t), &securityhub.DescribeHubInput{})
	mustNoErr(t, err)
	if out.ControlFindingGenerator != shtypes.ControlFindingGeneratorSecurityControl {
		t.Errorf("ControlFindingGenerator = %q", out.ControlFindingGenerator)
	}
	if want := "arn:aws:securityhub:us-east-1:" + mgmtID + ":hub/default"; aws.ToString(out.HubArn) != want {
		t.Errorf("HubArn = %s", aws.ToString(out.HubArn))
	}
	if _, err := time.Parse(time.RFC3339, aws.ToString(out.SubscribedAt)); err != nil {
		t.Errorf("SubscribedAt: %v", err)
	}
}

// skipValidation removes the SDK's client-side required-member check, so a
// finding without required members reaches the service.
func skipValidation(o *securityhub.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		// Operations without required members have no such step.
		_, _ = s.Initialize.Remove("OperationInputValidation")
		return nil
	})
}

func TestBatchImportFindings(t *testing.T) {
	e := New(WithoutThrottling())
	c := securityhub.NewFromConfig(e.ConfigAs(sharedID), skipValidation)
	now := "2026-11-26T12:00:00.000Z"
	finding := func(id string) shtypes.AwsSecurityFinding {
		return shtypes.AwsSecurityFinding{
			SchemaVersion: aws.String("2018-10-08"),
			Id:            aws.String(id),
			ProductArn:    aws.String("arn:aws:securityhub:us-east-1:" + sharedID + ":product/" + sharedID + "/default"),
			GeneratorId:   aws.String("altcontacts/custom"),
			AwsAccountId:  aws.String(sharedID),
			CreatedAt:     aws.String(now),
			UpdatedAt:     aws.String(now),
			Title:         aws.String("Custom check"),
			Description:   aws.String("A finding imported by a test."),
			Resources:     []shtypes.Resource{{Type: aws.String("AwsAccount"), Id: aws.String("AWS::::Account:" + sharedID)}},
		}
	}
	bad := finding("custom-2")
	bad.Description = nil
	bad.Resources = nil
	foreign := finding("custom-3")
	foreign.AwsAccountId = aws.String(logID)

	out, err := c.BatchImportFindings(ctx(t), &securityhub.BatchImportFindingsInput{Findings: []shtypes.AwsSecurityFinding{finding("custom-1"), bad, foreign}})
	mustNoErr(t, err)
	if aws.ToInt32(out.SuccessCount) != 1 || aws.ToInt32(out.FailedCount) != 2 {
		t.Fatalf("SuccessCount %d FailedCount %d, want 1 and 2", aws.ToInt32(out.SuccessCount), aws.ToInt32(out.FailedCount))
	}
	var fails []string
	for _, f := range out.FailedFindings {
		fails = append(fails, aws.ToString(f.Id)+" "+aws.ToString(f.ErrorCode)+" "+aws.ToString(f.ErrorMessage))
	}
	sort.Strings(fails)
	want := []string{
		"custom-2 InvalidInput Finding is missing required field Description",
		"custom-3 AccessDenied The AwsAccountId of a finding imported with the default product ARN must be the caller's account.",
	}
	if d := cmp.Diff(want, fails); d != "" {
		t.Errorf("FailedFindings (-want +got):\n%s", d)
	}

	got := findings(t, c, &shtypes.AwsSecurityFindingFilters{GeneratorId: eq("altcontacts/custom")}, nil)
	if len(got) != 1 || *got[0].Id != "custom-1" || got[0].RecordState != shtypes.RecordStateActive {
		t.Fatalf("imported findings: %+v", got)
	}
	// Importing the same Id again replaces it.
	again := finding("custom-1")
	again.Title = aws.String("Custom check, updated")
	_, err = c.BatchImportFindings(ctx(t), &securityhub.BatchImportFindingsInput{Findings: []shtypes.AwsSecurityFinding{again}})
	mustNoErr(t, err)
	got = findings(t, c, &shtypes.AwsSecurityFindingFilters{GeneratorId: eq("altcontacts/custom")}, nil)
	if len(got) != 1 || *got[0].Title != "Custom check, updated" {
		t.Errorf("after re-import: %+v", got)
	}

	_, err = c.BatchImportFindings(ctx(t), &securityhub.BatchImportFindingsInput{Findings: []shtypes.AwsSecurityFinding{}})
	wantAPIError(t, err, 400, "InvalidInputException", "Findings must contain between 1 and 100 findings.")
}
