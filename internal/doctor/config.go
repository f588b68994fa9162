package doctor

import (
	"context"
	"fmt"
	"strings"

	"github.com/altcontacts/altcontacts/internal/awsorg"
)

// configState is what doctor learned of AWS Config in the Region.
type configState struct {
	region, partition, account string
	org                        bool
	// unavailable says why the rule cannot exist here (aws-us-gov, a few
	// Regions), or "".
	unavailable string

	recorders []awsorg.Recorder
	recErr    error
	rules     []awsorg.ConfigRule
	ruleErr   error
	aggs      []awsorg.Aggregator
	aggErr    error
}

// checkConfig reads the recorder, the rules running
// SECURITY_ACCOUNT_INFORMATION_PROVIDED and, in an organization, the
// aggregators.
func checkConfig(ctx context.Context, c *awsorg.Client, id awsorg.Identity, region string, org bool) *configState {
	s := &configState{region: region, partition: id.Partition, account: id.Account, org: org,
		unavailable: awsorg.Account1Unavailable(id.Partition, region)}
	s.recorders, s.recErr = c.Recorders(ctx)
	if s.unavailable != "" {
		return s
	}
	s.rules, s.ruleErr = c.Account1Rules(ctx)
	if org {
		// Only the management account or Config's delegated administrator
		// may list organization rules: others see their own rules only.
		if orgRules, err := c.Account1OrganizationRules(ctx); err == nil {
			s.rules = append(s.rules, orgRules...)
		}
		s.aggs, s.aggErr = c.Aggregators(ctx)
	}
	return s
}

// orgAggregators are the aggregators with an organization source.
func (s *configState) orgAggregators() []string {
	var out []string
	for _, a := range s.aggs {
		if a.Organization {
			out = append(out, a.Name)
		}
	}
	return out
}

// usable says whether verify --source config can read Account.1 here.
func (s *configState) usable() bool {
	if s.unavailable != "" || s.ruleErr != nil || len(s.rules) == 0 {
		return false
	}
	return !s.org || (s.aggErr == nil && len(s.orgAggregators()) > 0)
}

// via names how verify reads AWS Config.
func (s *configState) via() string {
	if !s.org {
		return "this account's own rule"
	}
	aggs := s.orgAggregators()
	if len(aggs) == 1 {
		return "aggregator " + aggs[0]
	}
	return "one of the aggregators " + strings.Join(aggs, ", ") + ", named with --config-aggregator"
}

// checks are the config-* checks. With optional (Security Hub is the
// source), what is missing does not fail: verify does not need it.
func (s *configState) checks(optional bool) []Check {
	var out []Check
	missing := Fail
	note := ""
	if optional {
		missing, note = Skip, " (verify reads Security Hub; needed only for --source config)"
	}
	add := func(id, status, detail, fix string) {
		out = append(out, Check{ID: id, Status: status, Detail: detail, Fix: fix})
	}
	region := " --region " + s.region
	role := fmt.Sprintf("arn:%s:iam::%s:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig", s.partition, s.account)

	var recording []string
	for _, r := range s.recorders {
		if r.Recording {
			recording = append(recording, r.Name)
		}
	}
	switch {
	case s.recErr != nil:
		add("config-recorder", missing, "cannot describe the AWS Config recorder: "+s.recErr.Error()+note,
			"grant config:DescribeConfigurationRecorderStatus: see docs/iam/verify-policy.json")
	case len(s.recorders) == 0:
		add("config-recorder", missing, "no AWS Config configuration recorder in "+s.region+": AWS Config evaluates no rule"+note,
			"aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN="+role+
				" --recording-group allSupported=true,includeGlobalResourceTypes=true"+region+
				" && aws configservice start-configuration-recorder --configuration-recorder-name default"+region+"   # needs a delivery channel (put-delivery-channel)")
	case len(recording) == 0:
		add("config-recorder", missing, "the AWS Config recorder "+s.recorders[0].Name+" in "+s.region+" is stopped"+note,
			"aws configservice start-configuration-recorder --configuration-recorder-name "+s.recorders[0].Name+region)
	default:
		add("config-recorder", Pass, "AWS Config recorder "+recording[0]+" is recording in "+s.region, "")
	}

	if s.unavailable != "" {
		add("config-rule", Skip, s.unavailable+": verify reports accounts with a contact NOT_APPLICABLE", "")
		if s.org {
			add("config-aggregator", Skip, "the rule does not exist here", "")
		}
		return out
	}
	switch {
	case s.ruleErr != nil:
		add("config-rule", missing, "cannot list AWS Config rules: "+s.ruleErr.Error()+note,
			"grant config:DescribeConfigRules and config:DescribeOrganizationConfigRules: see docs/iam/verify-policy.json")
	case len(s.rules) == 0 && s.org:
		add("config-rule", missing, "no AWS Config rule with source "+awsorg.Account1RuleIdentifier+" in "+s.region+note,
			"aws configservice put-organization-config-rule --organization-config-rule-name security-account-information-provided"+
				" --organization-managed-rule-metadata RuleIdentifier="+awsorg.Account1RuleIdentifier+",MaximumExecutionFrequency=TwentyFour_Hours"+region+
				"   # from the management account or Config's delegated administrator")
	case len(s.rules) == 0:
		add("config-rule", missing, "no AWS Config rule with source "+awsorg.Account1RuleIdentifier+" in "+s.region+note,
			`aws configservice put-config-rule --config-rule '{"ConfigRuleName":"security-account-information-provided","Source":{"Owner":"AWS","SourceIdentifier":"`+
				awsorg.Account1RuleIdentifier+`"},"MaximumExecutionFrequency":"TwentyFour_Hours"}'`+region)
	default:
		var names []string
		for _, r := range s.rules {
			names = append(names, r.Name+" ("+r.Deployment+")")
		}
		add("config-rule", Pass, "AWS Config runs "+awsorg.Account1RuleIdentifier+": "+strings.Join(names, ", "), "")
	}
	if !s.org {
		return out
	}
	aggs := s.orgAggregators()
	switch {
	case s.aggErr != nil:
		add("config-aggregator", missing, "cannot list AWS Config aggregators: "+s.aggErr.Error()+note,
			"grant config:DescribeConfigurationAggregators: see docs/iam/verify-policy.json")
	case len(aggs) == 0:
		add("config-aggregator", missing, "no AWS Config aggregator with an organization source in "+s.region+
			": the organization's results cannot be read in one place"+note,
			fmt.Sprintf("aws configservice put-configuration-aggregator --configuration-aggregator-name organization-aggregator"+
				" --organization-aggregation-source RoleArn=arn:%s:iam::%s:role/AWSConfigRoleForOrganizations,AllAwsRegions=true%s"+
				"   # the role trusts config.amazonaws.com and has the AWSConfigRoleForOrganizations managed policy", s.partition, s.account, region))
	case len(aggs) == 1:
		add("config-aggregator", Pass, "organization aggregator "+aggs[0]+": verify --source config reads the organization through it", "")
	default:
		add("config-aggregator", Pass, fmt.Sprintf("%d organization aggregators (%s): verify --source config needs --config-aggregator NAME",
			len(aggs), strings.Join(aggs, ", ")), "")
	}
	return out
}
