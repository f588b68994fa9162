package awsorg

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
)

// Account1RuleIdentifier is the source identifier of the AWS Config managed
// rule behind Account.1 (security-account-information-provided). Rules are
// found by it, never by name: the name depends on who deployed the rule.
const Account1RuleIdentifier = "SECURITY_ACCOUNT_INFORMATION_PROVIDED"

// Deployments of the rule, from the creator AWS Config records.
const (
	DeployedBySecurityHub     = "service-linked by Security Hub"
	DeployedByOrganization    = "organization rule"
	DeployedByConformancePack = "conformance pack"
	DeployedByOwn             = "own rule"
)

// ConfigRule is a Config rule running SECURITY_ACCOUNT_INFORMATION_PROVIDED.
type ConfigRule struct {
	Name string `json:"name"`
	// Deployment is one of the DeployedBy* values.
	Deployment string `json:"deployment"`
	// Organization: an organization rule (DescribeOrganizationConfigRules),
	// not a rule of the caller's account.
	Organization bool `json:"organization,omitempty"`
}

// deployment names who created a rule from its CreatedBy.
func deployment(createdBy string) string {
	switch createdBy {
	case "securityhub.amazonaws.com":
		return DeployedBySecurityHub
	case "config-multiaccountsetup.amazonaws.com":
		return DeployedByOrganization
	case "config-conforms.amazonaws.com":
		return DeployedByConformancePack
	}
	return DeployedByOwn
}

// Account1Rules lists the caller's Config rules whose source is
// SECURITY_ACCOUNT_INFORMATION_PROVIDED (DescribeConfigRules, every page).
func (c *Client) Account1Rules(ctx context.Context) ([]ConfigRule, error) {
	var out []ConfigRule
	err := eachPage(ctx, "describe AWS Config rules", func(ctx context.Context, token *string) ([]cfgtypes.ConfigRule, *string, error) {
		pg, err := c.config.DescribeConfigRules(ctx, &configservice.DescribeConfigRulesInput{NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return pg.ConfigRules, pg.NextToken, nil
	}, func(r cfgtypes.ConfigRule) error {
		if r.Source != nil && aws.ToString(r.Source.SourceIdentifier) == Account1RuleIdentifier {
			out = append(out, ConfigRule{Name: aws.ToString(r.ConfigRuleName), Deployment: deployment(aws.ToString(r.CreatedBy))})
		}
		return nil
	})
	return out, err
}

// Account1OrganizationRules lists the organization rules running
// SECURITY_ACCOUNT_INFORMATION_PROVIDED (DescribeOrganizationConfigRules:
// the management account or Config's delegated administrator only).
func (c *Client) Account1OrganizationRules(ctx context.Context) ([]ConfigRule, error) {
	var out []ConfigRule
	err := eachPage(ctx, "describe AWS Config organization rules", func(ctx context.Context, token *string) ([]cfgtypes.OrganizationConfigRule, *string, error) {
		pg, err := c.config.DescribeOrganizationConfigRules(ctx, &configservice.DescribeOrganizationConfigRulesInput{NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return pg.OrganizationConfigRules, pg.NextToken, nil
	}, func(r cfgtypes.OrganizationConfigRule) error {
		if m := r.OrganizationManagedRuleMetadata; m != nil && aws.ToString(m.RuleIdentifier) == Account1RuleIdentifier {
			out = append(out, ConfigRule{Name: aws.ToString(r.OrganizationConfigRuleName), Deployment: DeployedByOrganization, Organization: true})
		}
		return nil
	})
	return out, err
}

// RuleNames recognises the rule's names across an organization's accounts
// in aggregated results, which name rules but not their source. A rule
// created by a service (Security Hub, an organization rule, a conformance
// pack) carries a per-account suffix after its last '-', so the caller's
// rule stands for the family up to it; an organization rule O is
// OrgConfigRule-O-<suffix> in the accounts; a rule of one's own keeps its
// name.
type RuleNames struct {
	exact    map[string]bool
	prefixes []string
}

// NewRuleNames builds the matcher from the rules found by source
// identifier.
func NewRuleNames(rules []ConfigRule) RuleNames {
	m := RuleNames{exact: map[string]bool{}}
	for _, r := range rules {
		m.exact[r.Name] = true
		switch {
		case r.Organization:
			m.prefixes = append(m.prefixes, "OrgConfigRule-"+r.Name+"-")
		case r.Deployment != DeployedByOwn:
			if i := strings.LastIndexByte(r.Name, '-'); i > 0 {
				m.prefixes = append(m.prefixes, r.Name[:i+1])
			}
		}
	}
	return m
}

// Empty reports whether no rule was found.
func (m RuleNames) Empty() bool { return len(m.exact) == 0 }

// Match reports whether name is one of the rule's names.
func (m RuleNames) Match(name string) bool {
	if m.exact[name] {
		return true
	}
	for _, p := range m.prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Aggregator is an AWS Config configuration aggregator.
type Aggregator struct {
	Name string `json:"name"`
	// Organization: its source is the organization.
	Organization bool      `json:"organization"`
	Created      time.Time `json:"created"`
}

// Aggregators lists the caller's configuration aggregators in the Region.
func (c *Client) Aggregators(ctx context.Context) ([]Aggregator, error) {
	var out []Aggregator
	err := eachPage(ctx, "describe AWS Config aggregators", func(ctx context.Context, token *string) ([]cfgtypes.ConfigurationAggregator, *string, error) {
		pg, err := c.config.DescribeConfigurationAggregators(ctx, &configservice.DescribeConfigurationAggregatorsInput{NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return pg.ConfigurationAggregators, pg.NextToken, nil
	}, func(a cfgtypes.ConfigurationAggregator) error {
		out = append(out, Aggregator{Name: aws.ToString(a.ConfigurationAggregatorName), Organization: a.OrganizationAggregationSource != nil,
			Created: aws.ToTime(a.CreationTime)})
		return nil
	})
	return out, err
}

// AggregatorChoiceError is several organization aggregators and none
// named: the caller must pick one.
type AggregatorChoiceError struct{ Names []string }

func (e *AggregatorChoiceError) Error() string {
	return fmt.Sprintf("%d AWS Config aggregators with an organization source: %s; name one with --config-aggregator",
		len(e.Names), strings.Join(e.Names, ", "))
}

// ErrNoAggregator is a Region with no aggregator with an organization
// source.
var ErrNoAggregator = errors.New("no AWS Config aggregator with an organization source in this Region")

// ChooseAggregator picks the aggregator to read: the one named (which
// must exist), else the only one with an organization source.
func ChooseAggregator(aggs []Aggregator, name string) (Aggregator, error) {
	if name != "" {
		for _, a := range aggs {
			if a.Name == name {
				return a, nil
			}
		}
		return Aggregator{}, &APIError{Op: "find AWS Config aggregator", Code: "NoSuchConfigurationAggregatorException",
			Message: fmt.Sprintf("no aggregator named %q in this Region", name), Kind: ErrNotFound}
	}
	var org []Aggregator
	for _, a := range aggs {
		if a.Organization {
			org = append(org, a)
		}
	}
	switch len(org) {
	case 0:
		return Aggregator{}, ErrNoAggregator
	case 1:
		return org[0], nil
	}
	names := make([]string, len(org))
	for i, a := range org {
		names[i] = a.Name
	}
	sort.Strings(names)
	return Aggregator{}, &AggregatorChoiceError{Names: names}
}

// ConfigResult is one rule result for one account.
type ConfigResult struct {
	AccountID string
	Region    string
	Rule      string
	// Compliance is COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE or
	// INSUFFICIENT_DATA.
	Compliance string
	// Recorded is ResultRecordedTime: when the last evaluation's result
	// was recorded (zero when not read).
	Recorded time.Time
}

// AggregateCompliance reads every rule result the aggregator holds whose
// rule names match, in pages of 1,000 (the model's maximum) paced at the
// Config bucket; pages counts the requests that answered.
func (c *Client) AggregateCompliance(ctx context.Context, aggregator string, names RuleNames) (results []ConfigResult, pages int, err error) {
	var out []ConfigResult
	err = eachPage(ctx, "describe aggregate compliance by AWS Config rules", func(ctx context.Context, token *string) ([]cfgtypes.AggregateComplianceByConfigRule, *string, error) {
		pages++
		pg, err := c.config.DescribeAggregateComplianceByConfigRules(ctx, &configservice.DescribeAggregateComplianceByConfigRulesInput{
			ConfigurationAggregatorName: aws.String(aggregator), Limit: 1000, NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return pg.AggregateComplianceByConfigRules, pg.NextToken, nil
	}, func(r cfgtypes.AggregateComplianceByConfigRule) error {
		if !names.Match(aws.ToString(r.ConfigRuleName)) {
			return nil
		}
		res := ConfigResult{AccountID: aws.ToString(r.AccountId), Region: aws.ToString(r.AwsRegion), Rule: aws.ToString(r.ConfigRuleName)}
		if r.Compliance != nil {
			res.Compliance = string(r.Compliance.ComplianceType)
		}
		out = append(out, res)
		return nil
	})
	return out, pages, err
}

// AggregateResult reads one account's latest result of rule through the
// aggregator (GetAggregateComplianceDetailsByConfigRule): its compliance
// and ResultRecordedTime. ok is false when the aggregator holds none.
func (c *Client) AggregateResult(ctx context.Context, aggregator string, r ConfigResult) (ConfigResult, bool, error) {
	var best ConfigResult
	found := false
	err := eachPage(ctx, "get aggregate compliance details by AWS Config rule", func(ctx context.Context, token *string) ([]cfgtypes.AggregateEvaluationResult, *string, error) {
		pg, err := c.config.GetAggregateComplianceDetailsByConfigRule(ctx, &configservice.GetAggregateComplianceDetailsByConfigRuleInput{
			ConfigurationAggregatorName: aws.String(aggregator), ConfigRuleName: aws.String(r.Rule), AccountId: aws.String(r.AccountID),
			AwsRegion: aws.String(r.Region), Limit: 100, NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return pg.AggregateEvaluationResults, pg.NextToken, nil
	}, func(e cfgtypes.AggregateEvaluationResult) error {
		t := aws.ToTime(e.ResultRecordedTime)
		if !found || t.After(best.Recorded) {
			best = ConfigResult{AccountID: r.AccountID, Region: r.Region, Rule: r.Rule, Compliance: string(e.ComplianceType), Recorded: t}
			found = true
		}
		return nil
	})
	return best, found, err
}

// OwnResults reads the caller's own results of its rules (a standalone
// account without an aggregator): GetComplianceDetailsByConfigRule per
// rule, the latest result of each.
func (c *Client) OwnResults(ctx context.Context, account, region string, rules []ConfigRule) ([]ConfigResult, error) {
	var out []ConfigResult
	for _, rule := range rules {
		var best ConfigResult
		found := false
		err := eachPage(ctx, "get compliance details by AWS Config rule", func(ctx context.Context, token *string) ([]cfgtypes.EvaluationResult, *string, error) {
			pg, err := c.config.GetComplianceDetailsByConfigRule(ctx, &configservice.GetComplianceDetailsByConfigRuleInput{
				ConfigRuleName: aws.String(rule.Name), NextToken: token})
			if err != nil {
				return nil, nil, err
			}
			return pg.EvaluationResults, pg.NextToken, nil
		}, func(e cfgtypes.EvaluationResult) error {
			t := aws.ToTime(e.ResultRecordedTime)
			if !found || t.After(best.Recorded) {
				best = ConfigResult{AccountID: account, Region: region, Rule: rule.Name, Compliance: string(e.ComplianceType), Recorded: t}
				found = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if found {
			out = append(out, best)
		}
	}
	return out, nil
}

// Recorder is a configuration recorder's status.
type Recorder struct {
	Name      string `json:"name"`
	Recording bool   `json:"recording"`
	// LastStatus is Pending, Success, Failure or NotApplicable.
	LastStatus string `json:"last_status"`
}

// Recorders reads the caller's configuration recorders' status.
func (c *Client) Recorders(ctx context.Context) ([]Recorder, error) {
	out, err := c.config.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
	if err != nil {
		return nil, classify("describe AWS Config recorder status", err)
	}
	var rs []Recorder
	for _, r := range out.ConfigurationRecordersStatus {
		rs = append(rs, Recorder{Name: aws.ToString(r.Name), Recording: r.Recording, LastStatus: string(r.LastStatus)})
	}
	return rs, nil
}
