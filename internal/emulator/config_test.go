package emulator

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
)

func configClient(e *Emulator, caller string) *configservice.Client {
	cfg := e.ConfigAs(caller)
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	return configservice.NewFromConfig(cfg)
}

// The rule is found by its source identifier next to a process check of a
// similar name; each ACTIVE account holds it under the organization rule's
// per-account name, and DescribeOrganizationConfigRules names the rule
// identifier for the management account only.
func TestConfigRules(t *testing.T) {
	t.Parallel()
	e := New(WithoutThrottling())
	c := configClient(e, "")
	out, err := c.DescribeConfigRules(ctx(t), &configservice.DescribeConfigRulesInput{})
	mustNoErr(t, err)
	var idents []string
	for _, r := range out.ConfigRules {
		idents = append(idents, aws.ToString(r.Source.SourceIdentifier)+"="+aws.ToString(r.ConfigRuleName)+"/"+aws.ToString(r.CreatedBy))
	}
	if len(idents) != 2 || !strings.HasPrefix(idents[0], "SECURITY_ACCOUNT_INFORMATION_PROVIDED=OrgConfigRule-security-account-information-provided-") ||
		!strings.HasSuffix(idents[0], "/config-multiaccountsetup.amazonaws.com") || idents[1] != "AWS_CONFIG_PROCESS_CHECK=account-security-contact-configured/" {
		t.Errorf("rules %v", idents)
	}
	org, err := c.DescribeOrganizationConfigRules(ctx(t), &configservice.DescribeOrganizationConfigRulesInput{})
	mustNoErr(t, err)
	if len(org.OrganizationConfigRules) != 1 || aws.ToString(org.OrganizationConfigRules[0].OrganizationManagedRuleMetadata.RuleIdentifier) != "SECURITY_ACCOUNT_INFORMATION_PROVIDED" {
		t.Errorf("organization rules %+v", org.OrganizationConfigRules)
	}
	_, err = configClient(e, paymentsID).DescribeOrganizationConfigRules(ctx(t), &configservice.DescribeOrganizationConfigRulesInput{})
	wantErrorAs[*cfgtypes.OrganizationAccessDeniedException](t, err)
	_, err = c.DescribeConfigRules(ctx(t), &configservice.DescribeConfigRulesInput{ConfigRuleNames: []string{"nope"}})
	wantAPIError(t, err, 400, "NoSuchConfigRuleException", "The ConfigRule 'nope' provided in the request is invalid. Please check the configRule name.")
	wantErrorAs[*cfgtypes.NoSuchConfigRuleException](t, err)
}

// The aggregate read pages at the Limit (1,000 at most; 0 means the
// maximum), each page's NextToken leading to the next, and moves with the
// same evaluation run as Security Hub's findings.
func TestConfigAggregateCompliancePagination(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := New(WithClock(clock.Now), WithoutThrottling(), WithEvaluationInterval(0))
	c := configClient(e, "")
	agg := aws.String("acmepay-org-aggregator")
	var rows []cfgtypes.AggregateComplianceByConfigRule
	pages := 0
	p := configservice.NewDescribeAggregateComplianceByConfigRulesPaginator(c, &configservice.DescribeAggregateComplianceByConfigRulesInput{
		ConfigurationAggregatorName: agg, Limit: 10})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx(t))
		mustNoErr(t, err)
		pages++
		rows = append(rows, pg.AggregateComplianceByConfigRules...)
	}
	if pages != 3 || len(rows) != fintechSize-1 {
		t.Fatalf("%d pages, %d rows; want 3 pages of the 23 ACTIVE accounts", pages, len(rows))
	}
	count := map[cfgtypes.ComplianceType]int{}
	for _, r := range rows {
		count[r.Compliance.ComplianceType]++
		if aws.ToString(r.AwsRegion) != "us-east-1" {
			t.Errorf("region %q", aws.ToString(r.AwsRegion))
		}
	}
	if count[cfgtypes.ComplianceTypeNonCompliant] != 14 || count[cfgtypes.ComplianceTypeCompliant] != 9 {
		t.Errorf("compliance %v", count)
	}

	// A contact written now shows only after the next evaluation.
	acct := account.NewFromConfig(e.Config())
	_, err := acct.PutAlternateContact(ctx(t), &account.PutAlternateContactInput{AccountId: aws.String(sharedID),
		AlternateContactType: acctypes.AlternateContactTypeSecurity, Name: aws.String("Sec"), Title: aws.String("Sec"),
		EmailAddress: aws.String("security@acmepay.io"), PhoneNumber: aws.String("+1 206 555 7700")})
	mustNoErr(t, err)
	detail := func() cfgtypes.AggregateEvaluationResult {
		t.Helper()
		one, err := c.DescribeAggregateComplianceByConfigRules(ctx(t), &configservice.DescribeAggregateComplianceByConfigRulesInput{
			ConfigurationAggregatorName: agg, Filters: &cfgtypes.ConfigRuleComplianceFilters{AccountId: aws.String(sharedID)}})
		mustNoErr(t, err)
		if len(one.AggregateComplianceByConfigRules) != 1 {
			t.Fatalf("filtered rows %d", len(one.AggregateComplianceByConfigRules))
		}
		r := one.AggregateComplianceByConfigRules[0]
		d, err := c.GetAggregateComplianceDetailsByConfigRule(ctx(t), &configservice.GetAggregateComplianceDetailsByConfigRuleInput{
			ConfigurationAggregatorName: agg, ConfigRuleName: r.ConfigRuleName, AccountId: aws.String(sharedID), AwsRegion: aws.String("us-east-1")})
		mustNoErr(t, err)
		if len(d.AggregateEvaluationResults) != 1 || d.AggregateEvaluationResults[0].ComplianceType != r.Compliance.ComplianceType {
			t.Fatalf("details %+v vs %+v", d.AggregateEvaluationResults, r.Compliance)
		}
		return d.AggregateEvaluationResults[0]
	}
	before := detail()
	clock.Advance(time.Hour)
	e.Evaluate()
	after := detail()
	if before.ComplianceType != cfgtypes.ComplianceTypeNonCompliant || after.ComplianceType != cfgtypes.ComplianceTypeCompliant ||
		!aws.ToTime(after.ResultRecordedTime).Equal(clock.Now()) || !aws.ToTime(before.ResultRecordedTime).Before(aws.ToTime(after.ResultRecordedTime)) {
		t.Errorf("before %s %v, after %s %v", before.ComplianceType, before.ResultRecordedTime, after.ComplianceType, after.ResultRecordedTime)
	}
}

// The model's validation and error types, through the SDK's decoders.
func TestConfigValidationAndErrors(t *testing.T) {
	t.Parallel()
	e := New(WithoutThrottling())
	c := configClient(e, "")
	agg := aws.String("acmepay-org-aggregator")
	_, err := c.DescribeAggregateComplianceByConfigRules(ctx(t), &configservice.DescribeAggregateComplianceByConfigRulesInput{
		ConfigurationAggregatorName: agg, Limit: 1001})
	wantErrorAs[*cfgtypes.InvalidLimitException](t, err)
	_, err = c.DescribeAggregateComplianceByConfigRules(ctx(t), &configservice.DescribeAggregateComplianceByConfigRulesInput{
		ConfigurationAggregatorName: aws.String("missing")})
	wantAPIError(t, err, 400, "NoSuchConfigurationAggregatorException", "")
	wantErrorAs[*cfgtypes.NoSuchConfigurationAggregatorException](t, err)
	_, err = c.DescribeAggregateComplianceByConfigRules(ctx(t), &configservice.DescribeAggregateComplianceByConfigRulesInput{
		ConfigurationAggregatorName: agg, NextToken: aws.String("not-a-token")})
	wantErrorAs[*cfgtypes.InvalidNextTokenException](t, err)
	_, err = c.DescribeAggregateComplianceByConfigRules(ctx(t), &configservice.DescribeAggregateComplianceByConfigRulesInput{
		ConfigurationAggregatorName: agg, Filters: &cfgtypes.ConfigRuleComplianceFilters{AccountId: aws.String("12345")}})
	wantErrorAs[*cfgtypes.ValidationException](t, err)
	_, err = c.DescribeAggregateComplianceByConfigRules(ctx(t), &configservice.DescribeAggregateComplianceByConfigRulesInput{
		ConfigurationAggregatorName: agg, Filters: &cfgtypes.ConfigRuleComplianceFilters{ComplianceType: "MAYBE"}})
	wantErrorAs[*cfgtypes.ValidationException](t, err)
	// The SDK checks required members itself; the wire answers the same
	// to a client that does not (the AWS CLI peer test sends raw JSON).
	in := configInput{ConfigurationAggregatorName: agg}
	if verr := in.validate("GetAggregateComplianceDetailsByConfigRule"); verr == nil || verr.code != "ValidationException" ||
		!strings.Contains(verr.msg, "'configRuleName' failed to satisfy constraint: Member must not be null") {
		t.Errorf("missing members: %+v", verr)
	}
	_, err = c.GetAggregateComplianceDetailsByConfigRule(ctx(t), &configservice.GetAggregateComplianceDetailsByConfigRuleInput{
		ConfigurationAggregatorName: agg, ConfigRuleName: aws.String("r"), AccountId: aws.String(sharedID), AwsRegion: aws.String("us-east-1"), Limit: 101})
	wantErrorAs[*cfgtypes.InvalidLimitException](t, err)
	_, err = c.GetComplianceDetailsByConfigRule(ctx(t), &configservice.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: aws.String("nope")})
	wantErrorAs[*cfgtypes.NoSuchConfigRuleException](t, err)
	_, err = c.DescribeConfigurationAggregators(ctx(t), &configservice.DescribeConfigurationAggregatorsInput{ConfigurationAggregatorNames: []string{"missing"}})
	wantErrorAs[*cfgtypes.NoSuchConfigurationAggregatorException](t, err)
	// A member account owns no aggregator.
	aggs, err := configClient(e, paymentsID).DescribeConfigurationAggregators(ctx(t), &configservice.DescribeConfigurationAggregatorsInput{})
	mustNoErr(t, err)
	if len(aggs.ConfigurationAggregators) != 0 {
		t.Errorf("member sees %d aggregators", len(aggs.ConfigurationAggregators))
	}
	rec, err := c.DescribeConfigurationRecorderStatus(ctx(t), &configservice.DescribeConfigurationRecorderStatusInput{})
	mustNoErr(t, err)
	if len(rec.ConfigurationRecordersStatus) != 1 || !rec.ConfigurationRecordersStatus[0].Recording || rec.ConfigurationRecordersStatus[0].LastStatus != cfgtypes.RecorderStatusSuccess {
		t.Errorf("recorders %+v", rec.ConfigurationRecordersStatus)
	}
}

// Config's reads are throttled per caller as a 400 ThrottlingException.
func TestConfigThrottling(t *testing.T) {
	t.Parallel()
	e := New()
	c := configClient(e, "")
	var err error
	for i := 0; i < 20 && err == nil; i++ {
		_, err = c.DescribeAggregateComplianceByConfigRules(ctx(t), &configservice.DescribeAggregateComplianceByConfigRulesInput{
			ConfigurationAggregatorName: aws.String("acmepay-org-aggregator")})
	}
	wantAPIError(t, err, 400, "ThrottlingException", "Rate exceeded")
}

// In aws-us-gov the rule does not exist: no rule, no result.
func TestConfigGovCloudHasNoRule(t *testing.T) {
	t.Parallel()
	st, err := Builtin("fintech")
	mustNoErr(t, err)
	mustNoErr(t, st.SetPartition("aws-us-gov"))
	e := New(WithState(st), WithoutThrottling())
	c := configClient(e, "")
	rules, err := c.DescribeConfigRules(ctx(t), &configservice.DescribeConfigRulesInput{})
	mustNoErr(t, err)
	for _, r := range rules.ConfigRules {
		if aws.ToString(r.Source.SourceIdentifier) == "SECURITY_ACCOUNT_INFORMATION_PROVIDED" {
			t.Errorf("rule %s in aws-us-gov", aws.ToString(r.ConfigRuleName))
		}
	}
	agg, err := c.DescribeAggregateComplianceByConfigRules(ctx(t), &configservice.DescribeAggregateComplianceByConfigRulesInput{
		ConfigurationAggregatorName: aws.String("acmepay-org-aggregator")})
	mustNoErr(t, err)
	if len(agg.AggregateComplianceByConfigRules) != 0 {
		t.Errorf("%d results in aws-us-gov", len(agg.AggregateComplianceByConfigRules))
	}
}
