package emulator

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
)

func ocsfEq(field shtypes.OcsfStringField, v string) shtypes.OcsfStringFilter {
	return shtypes.OcsfStringFilter{FieldName: field, Filter: &shtypes.StringFilter{Comparison: shtypes.StringFilterComparisonEquals, Value: aws.String(v)}}
}

// findingsV2 pages through GetFindingsV2 with the SDK paginator and decodes
// each OCSF document.
func findingsV2(t *testing.T, c *securityhub.Client, in *securityhub.GetFindingsV2Input) []map[string]any {
	t.Helper()
	p := securityhub.NewGetFindingsV2Paginator(c, in)
	var out []map[string]any
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range pg.Findings {
			var m map[string]any
			if err := d.UnmarshalSmithyDocument(&m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
	}
	return out
}

func path(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		v = v.(map[string]any)[k]
	}
	return v
}

// The new Security Hub serves the same Account.1 evaluations as OCSF: one
// finding per ACTIVE account, with the ASFF id, the same status and the
// same evaluation time.
func TestGetFindingsV2MirrorsCSPM(t *testing.T) {
	e := New(WithoutThrottling())
	c := as(e, "").sh
	asff := findings(t, c, &shtypes.AwsSecurityFindingFilters{ComplianceSecurityControlId: eq("Account.1"), RecordState: eq("ACTIVE")}, nil)
	ocsf := findingsV2(t, c, &securityhub.GetFindingsV2Input{MaxResults: aws.Int32(7), Filters: &shtypes.OcsfFindingFilters{
		CompositeFilters: []shtypes.CompositeFilter{{StringFilters: []shtypes.OcsfStringFilter{
			ocsfEq(shtypes.OcsfStringFieldComplianceControl, "Account.1"),
			ocsfEq(shtypes.OcsfStringFieldMetadataProductName, "Security Hub CSPM"),
		}}},
	}})
	if len(asff) != 23 || len(ocsf) != 23 {
		t.Fatalf("%d ASFF and %d OCSF findings, want 23 each", len(asff), len(ocsf))
	}
	byID := map[string]map[string]any{}
	for _, d := range ocsf {
		byID[path(d, "finding_info", "uid").(string)] = d
	}
	caption := map[shtypes.ComplianceStatus]string{"PASSED": "Pass", "FAILED": "Fail"}
	for _, f := range asff {
		d := byID[aws.ToString(f.Id)]
		if d == nil {
			t.Fatalf("no OCSF finding for %s", aws.ToString(f.Id))
		}
		if path(d, "compliance", "status") != caption[f.Compliance.Status] || path(d, "cloud", "account", "uid") != aws.ToString(f.AwsAccountId) ||
			path(d, "finding_info", "modified_time_dt") != aws.ToString(f.UpdatedAt) || fmt.Sprint(d["class_uid"]) != "2003" {
			t.Errorf("OCSF %v/%v/%v does not mirror ASFF %s %s %s", path(d, "compliance", "status"), path(d, "finding_info", "modified_time_dt"), d["class_uid"], aws.ToString(f.AwsAccountId), f.Compliance.Status, aws.ToString(f.UpdatedAt))
		}
	}
	// OR across accounts, AND with the control.
	got := findingsV2(t, c, &securityhub.GetFindingsV2Input{Filters: &shtypes.OcsfFindingFilters{
		CompositeOperator: shtypes.AllowedOperatorsAnd,
		CompositeFilters: []shtypes.CompositeFilter{
			{StringFilters: []shtypes.OcsfStringFilter{ocsfEq(shtypes.OcsfStringFieldComplianceStatus, "Pass")}},
			{Operator: shtypes.AllowedOperatorsOr, StringFilters: []shtypes.OcsfStringFilter{
				ocsfEq(shtypes.OcsfStringFieldCloudAccountUid, "593018274615"), ocsfEq(shtypes.OcsfStringFieldCloudAccountUid, "476120938574")}},
		},
	}})
	if len(got) != 1 || path(got[0], "cloud", "account", "uid") != "593018274615" {
		t.Errorf("Pass AND (593018274615 OR 476120938574) = %v", got)
	}
}

// Malformed filters fail with the model's ValidationException, and the
// message names the field.
func TestGetFindingsV2InvalidFilters(t *testing.T) {
	e := New(WithoutThrottling())
	c := as(e, "").sh
	get := func(in *securityhub.GetFindingsV2Input) error {
		_, err := c.GetFindingsV2(ctx(t), in)
		return err
	}
	one := func(f shtypes.OcsfStringFilter) *securityhub.GetFindingsV2Input {
		return &securityhub.GetFindingsV2Input{Filters: &shtypes.OcsfFindingFilters{CompositeFilters: []shtypes.CompositeFilter{{StringFilters: []shtypes.OcsfStringFilter{f}}}}}
	}
	wantAPIError(t, get(one(shtypes.OcsfStringFilter{FieldName: "compliance.controls", Filter: &shtypes.StringFilter{Comparison: "EQUALS", Value: aws.String("x")}})),
		400, "ValidationException", `Filters.CompositeFilters[0].StringFilters[0].FieldName: "compliance.controls" is not a string field the altcontacts sandbox filters on`)
	wantAPIError(t, get(one(shtypes.OcsfStringFilter{FieldName: "compliance.control", Filter: &shtypes.StringFilter{Comparison: "LIKE", Value: aws.String("x")}})),
		400, "ValidationException", `Filters.CompositeFilters[0].StringFilters[0].Filter.Comparison: "LIKE" is not one of EQUALS, PREFIX, NOT_EQUALS, PREFIX_NOT_EQUALS, CONTAINS, NOT_CONTAINS, CONTAINS_WORD`)
	wantAPIError(t, get(one(shtypes.OcsfStringFilter{FieldName: "compliance.control"})),
		400, "ValidationException", `Filters.CompositeFilters[0].StringFilters[0].Filter: required`)
	wantAPIError(t, get(&securityhub.GetFindingsV2Input{Filters: &shtypes.OcsfFindingFilters{CompositeOperator: "XOR"}}),
		400, "ValidationException", `Filters.CompositeOperator: "XOR" is not AND or OR`)
	many := make([]shtypes.CompositeFilter, 11)
	wantAPIError(t, get(&securityhub.GetFindingsV2Input{Filters: &shtypes.OcsfFindingFilters{CompositeFilters: many}}),
		400, "ValidationException", `Filters.CompositeFilters: at most 10 composite filters, got 11`)
	twentyOne := make([]shtypes.OcsfStringFilter, 21)
	for i := range twentyOne {
		twentyOne[i] = ocsfEq(shtypes.OcsfStringFieldCloudAccountUid, "x")
	}
	wantAPIError(t, get(&securityhub.GetFindingsV2Input{Filters: &shtypes.OcsfFindingFilters{CompositeFilters: []shtypes.CompositeFilter{{StringFilters: twentyOne}}}}),
		400, "ValidationException", `Filters.CompositeFilters[0].StringFilters: at most 20 filters, got 21`)
	deep := []shtypes.CompositeFilter{{NestedCompositeFilters: []shtypes.CompositeFilter{{NestedCompositeFilters: []shtypes.CompositeFilter{{}}}}}}
	wantAPIError(t, get(&securityhub.GetFindingsV2Input{Filters: &shtypes.OcsfFindingFilters{CompositeFilters: deep}}),
		400, "ValidationException", `Filters.CompositeFilters[0].NestedCompositeFilters[0].NestedCompositeFilters: filters nest at most three layers deep`)
	wantAPIError(t, get(&securityhub.GetFindingsV2Input{MaxResults: aws.Int32(101)}),
		400, "ValidationException", `MaxResults: must be between 1 and 100`)
	wantAPIError(t, get(&securityhub.GetFindingsV2Input{NextToken: aws.String("bogus")}),
		400, "ValidationException", `NextToken: The provided token is invalid.`)
	// Only the delegated administrator may scope.
	wantAPIError(t, get(&securityhub.GetFindingsV2Input{Scopes: &shtypes.FindingScopes{AwsOrganizations: []shtypes.AwsOrganizationScope{{OrganizationId: aws.String("o-7xq2m4k9pz")}}}}),
		403, "AccessDeniedException", "Only the delegated administrator account can use Scopes.")
}

// DescribeSecurityHubV2 and GetFindingsV2 answer only where the new
// Security Hub is enabled; DescribeHub and GetFindings only where CSPM is.
func TestSecurityHubGenerations(t *testing.T) {
	for _, mode := range []string{"cspm", "v2", "both", "none"} {
		st, _ := Builtin("fintech")
		if err := st.SetSecurityHub(mode); err != nil {
			t.Fatal(err)
		}
		e := New(WithState(st), WithoutThrottling())
		c := as(e, "").sh
		_, cerr := c.DescribeHub(ctx(t), &securityhub.DescribeHubInput{})
		v2, verr := c.DescribeSecurityHubV2(ctx(t), &securityhub.DescribeSecurityHubV2Input{})
		_, gerr := c.GetFindingsV2(ctx(t), &securityhub.GetFindingsV2Input{})
		cspmOn, v2On := mode == "cspm" || mode == "both", mode == "v2" || mode == "both"
		if (cerr == nil) != cspmOn {
			t.Errorf("%s: DescribeHub: %v", mode, cerr)
		}
		if v2On {
			if verr != nil || gerr != nil || aws.ToString(v2.HubV2Arn) != "arn:aws:securityhub:us-east-1:401726385920:hubv2/default" {
				t.Errorf("%s: DescribeSecurityHubV2 %v / %v, GetFindingsV2 %v", mode, v2, verr, gerr)
			}
			continue
		}
		wantAPIError(t, verr, 404, "ResourceNotFoundException", "Security Hub is not enabled for account 401726385920 in this Region")
		wantAPIError(t, gerr, 403, "AccessDeniedException", "Account 401726385920 is not subscribed to Security Hub")
	}
}

// A partition changes the ARNs, the Account API's quotas, and whether
// Account.1 exists.
func TestPartitions(t *testing.T) {
	st, _ := Builtin("fintech")
	if err := st.SetPartition("aws-cn"); err != nil {
		t.Fatal(err)
	}
	e := New(WithState(st))
	c := noRetry(e, "")
	id, err := c.sts.GetCallerIdentity(ctx(t), nil)
	if err != nil || aws.ToString(id.Arn) != "arn:aws-cn:iam::401726385920:user/sandbox-operator" {
		t.Fatalf("caller %v, %v", aws.ToString(id.Arn), err)
	}
	fs := findings(t, c.sh, &shtypes.AwsSecurityFindingFilters{AwsAccountId: eq("593018274615")}, nil)
	if len(fs) != 1 || !strings.HasPrefix(aws.ToString(fs[0].Id), "arn:aws-cn:securityhub:cn-northwest-1:593018274615:") {
		t.Fatalf("China finding: %v", fs)
	}
	if q := PartitionQuota("aws-cn", "account", "GetAlternateContact"); q != (Quota{3, 5}) {
		t.Errorf("China Get quota %v", q)
	}
	// The China bucket holds 5: the sixth call at once is throttled.
	throttled := 0
	for i := 0; i < 6; i++ {
		_, err := c.acct.GetAlternateContact(ctx(t), &account.GetAlternateContactInput{AlternateContactType: acctypes.AlternateContactTypeSecurity})
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "TooManyRequestsException" {
			throttled++
		}
	}
	if throttled != 1 {
		t.Errorf("%d of 6 China reads throttled, want 1", throttled)
	}

	if err := st.SetPartition("aws-us-gov"); err != nil {
		t.Fatal(err)
	}
	gov := New(WithState(st), WithoutThrottling())
	if n := len(findings(t, as(gov, "").sh, nil, nil)); n != 0 {
		t.Errorf("%d findings in aws-us-gov, want none: Account.1 does not exist there", n)
	}
	if err := st.SetPartition("aws-iso"); err == nil {
		t.Error("SetPartition accepted aws-iso")
	}
	if _, err := LoadScenario("x", []byte("partition: aws-cn\nsecurity_hub: {region: us-east-1}\n")); err == nil {
		t.Error("a China scenario accepted a commercial Security Hub Region")
	}
}
