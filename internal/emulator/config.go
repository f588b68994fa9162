package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// AWS Config (awsJson1_1, X-Amz-Target StarlingDoveService.<Op>): the
// managed rule behind Account.1, its per-account evaluations — made by the
// same evaluation run as Security Hub's Account.1 findings (evaluate) — and
// configuration aggregators with an organization source. Shapes, required
// members, enum values and limits are the botocore model's (config
// 2014-11-12); error texts marked UNCONFIRMED are not AWS's known words.

// Config rule facts (docs/aws-facts.md, "Security Hub: Account.1").
const (
	configRuleIdentifier = "SECURITY_ACCOUNT_INFORMATION_PROVIDED"
	configRuleBaseName   = "security-account-information-provided"
	configResourceType   = "AWS::::Account"
)

// How the rule was deployed: its name in each account follows from it.
const (
	// DeployOrganization is an organization rule (PutOrganizationConfigRule):
	// member accounts hold it as OrgConfigRule-<name>-<suffix>.
	DeployOrganization = "organization"
	// DeploySecurityHub is Security Hub's service-linked rule:
	// securityhub-security-account-information-provided-<suffix>.
	DeploySecurityHub = "securityhub"
	// DeployConformancePack is a conformance pack's rule:
	// security-account-information-provided-conformance-pack-<suffix>.
	DeployConformancePack = "conformance-pack"
	// DeployOwn is a rule each account created itself under the managed
	// rule's default name.
	DeployOwn = "own"
)

// ConfigDeployments are the values of ConfigService.Deployment.
var ConfigDeployments = []string{DeployOrganization, DeploySecurityHub, DeployConformancePack, DeployOwn}

// ConfigService is the AWS Config side of the world, in the Security Hub
// Region (one Region stands for the organization's home Region).
type ConfigService struct {
	Enabled bool `json:"enabled"`
	// Deployment is how the rule was deployed (ConfigDeployments); empty
	// means DeployOrganization.
	Deployment string `json:"deployment,omitempty"`
	// RecorderOff: the configuration recorder exists but is stopped.
	RecorderOff bool `json:"recorder_off,omitempty"`
	// Aggregators are configuration aggregators.
	Aggregators []Aggregator `json:"aggregators"`
	// Evaluations are the rule's latest results, one per account and rule.
	Evaluations []ConfigEvaluation `json:"evaluations"`
}

// Aggregator is a configuration aggregator in Account's home Region.
type Aggregator struct {
	Name string `json:"name"`
	// Account owns the aggregator; empty means the management account.
	Account string `json:"account,omitempty"`
	// Organization: the source is the organization (else the listed
	// accounts).
	Organization bool     `json:"organization"`
	Accounts     []string `json:"accounts,omitempty"`
	// SettingUp: just created, nothing aggregated yet (AWS takes a while
	// to collect the first results).
	SettingUp bool      `json:"setting_up,omitempty"`
	Created   time.Time `json:"created"`
}

// ConfigEvaluation is one account's latest result of a rule.
type ConfigEvaluation struct {
	Account    string    `json:"account"`
	Rule       string    `json:"rule"`
	Compliance string    `json:"compliance"`
	Recorded   time.Time `json:"recorded"`
	Invoked    time.Time `json:"invoked"`
}

// SetConfig switches AWS Config on (with an organization rule and, in an
// organization, an organization aggregator when none is declared) or off.
func (s *State) SetConfig(on bool) {
	s.Config.Enabled = on
	// The next request runs the evaluation, so the rule has results from
	// the start, as Security Hub's findings do.
	s.SecurityHub.LastEvaluation = time.Time{}
	if !on {
		s.Config.Evaluations = nil
		return
	}
	if s.Organization != nil && len(s.Config.Aggregators) == 0 {
		s.Config.Aggregators = []Aggregator{{Name: "organization-aggregator", Organization: true, Created: epochBase}}
	}
}

// configFromScenario applies a scenario's config: keys.
func (s *State) configFromScenario(enabled *bool, deployment string, recorderOff bool) error {
	if enabled != nil {
		s.Config.Enabled = *enabled
	} else {
		s.Config.Enabled = true
	}
	if deployment != "" && !oneOf(deployment, ConfigDeployments) {
		return fmt.Errorf("config.deployment: %q is not one of %s", deployment, strings.Join(ConfigDeployments, ", "))
	}
	s.Config.Deployment, s.Config.RecorderOff = deployment, recorderOff
	return nil
}

func (s *State) configDeployment() string {
	if s.Config.Deployment == "" {
		return DeployOrganization
	}
	return s.Config.Deployment
}

// configRuleName is the rule's name in account id for the deployment.
func (s *State) configRuleName(id string) string {
	sum := sha256.Sum256([]byte(id + "/" + configRuleBaseName))
	suffix := hex.EncodeToString(sum[:4])
	switch s.configDeployment() {
	case DeploySecurityHub:
		return "securityhub-" + configRuleBaseName + "-" + suffix[:6]
	case DeployConformancePack:
		return configRuleBaseName + "-conformance-pack-" + suffix
	case DeployOwn:
		return configRuleBaseName
	}
	return "OrgConfigRule-" + configRuleBaseName + "-" + suffix
}

// evaluateConfig is the rule's periodic run in every covered ACTIVE
// account, at the same moment as Security Hub's Account.1 run: COMPLIANT
// when a SECURITY contact exists. Called with e.mu held.
func (e *Emulator) evaluateConfig(now time.Time) {
	cfg := &e.state.Config
	if !cfg.Enabled {
		return
	}
	cfg.Evaluations = cfg.Evaluations[:0]
	if !e.state.account1Exists() {
		return // no such rule in this partition
	}
	covered := e.members("")
	if e.state.Organization == nil {
		covered = e.state.SortedAccounts()
	}
	for _, a := range covered {
		if a.State != "ACTIVE" {
			continue
		}
		comp := "NON_COMPLIANT"
		if a.Contacts["SECURITY"] != nil {
			comp = "COMPLIANT"
		}
		cfg.Evaluations = append(cfg.Evaluations, ConfigEvaluation{Account: a.ID, Rule: e.state.configRuleName(a.ID),
			Compliance: comp, Recorded: now, Invoked: now})
	}
}

var (
	configRuleNameRE  = regexp.MustCompile(`^.*\S.*$`)
	aggregatorNameRE  = regexp.MustCompile(`^[\w\-]+$`)
	configAccountIDRE = regexp.MustCompile(`^\d{12}$`)
	complianceTypes   = []string{"COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"}
)

type configInput struct {
	ConfigRuleNames              []string
	OrganizationConfigRuleNames  []string
	ConfigurationAggregatorNames []string
	ConfigurationRecorderNames   []string
	ConfigurationAggregatorName  *string
	ConfigRuleName               *string
	AccountId                    *string
	AwsRegion                    *string
	ComplianceType               *string
	ComplianceTypes              []string
	Filters                      *struct {
		ConfigRuleName *string
		ComplianceType *string
		AccountId      *string
		AwsRegion      *string
		EvaluationMode *string
	}
	Limit     *int
	NextToken *string
}

// configOps lists the operations served.
var configOps = map[string]bool{
	"DescribeConfigRules":                       true,
	"DescribeOrganizationConfigRules":           true,
	"DescribeConfigurationAggregators":          true,
	"DescribeAggregateComplianceByConfigRules":  true,
	"GetAggregateComplianceDetailsByConfigRule": true,
	"GetComplianceDetailsByConfigRule":          true,
	"DescribeConfigurationRecorderStatus":       true,
}

func cfgValidation(msg string) apiError {
	return apiError{status: 400, code: "ValidationException", msg: msg}
}

func cfgInvalidParameter(msg string) apiError {
	return apiError{status: 400, code: "InvalidParameterValueException", msg: msg}
}

// checkLimit applies the model's range for Limit; 0 (or none) means def.
func checkLimit(l *int, maxLimit, def int) (int, *apiError) {
	if l == nil || *l == 0 {
		return def, nil
	}
	if *l < 0 || *l > maxLimit {
		// The model's range; the text is UNCONFIRMED.
		return 0, &apiError{status: 400, code: "InvalidLimitException",
			msg: fmt.Sprintf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to %d", *l, maxLimit)}
	}
	return *l, nil
}

// required reports the first missing required member, AWS's way.
func required(names []string, vals ...*string) *apiError {
	for i, v := range vals {
		if v == nil {
			err := cfgValidation(fmt.Sprintf("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null",
				lowerFirst(names[i])))
			return &err
		}
	}
	return nil
}

// validate applies the model's patterns, lengths and enums to what the
// input carries.
func (in *configInput) validate(op string) *apiError {
	bad := func(field, value, constraint string) *apiError {
		err := cfgValidation(fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, constraint))
		return &err
	}
	checkRule := func(field string, v *string, maxLen int) *apiError {
		if v != nil && (len(*v) < 1 || len(*v) > maxLen || !configRuleNameRE.MatchString(*v)) {
			return bad(field, *v, fmt.Sprintf("Member must have length between 1 and %d and satisfy regular expression pattern: .*\\S.*", maxLen))
		}
		return nil
	}
	checkAgg := func(v *string) *apiError {
		if v != nil && (len(*v) < 1 || len(*v) > 256 || !aggregatorNameRE.MatchString(*v)) {
			return bad("configurationAggregatorName", *v, "Member must satisfy regular expression pattern: [\\w\\-]+")
		}
		return nil
	}
	checkAccount := func(field string, v *string) *apiError {
		if v != nil && !configAccountIDRE.MatchString(*v) {
			return bad(field, *v, "Member must satisfy regular expression pattern: \\d{12}")
		}
		return nil
	}
	checkRegion := func(field string, v *string) *apiError {
		if v != nil && (len(*v) < 1 || len(*v) > 64) {
			return bad(field, *v, "Member must have length between 1 and 64")
		}
		return nil
	}
	checkCompliance := func(field string, v *string) *apiError {
		if v != nil && !oneOf(*v, complianceTypes) {
			return bad(field, *v, "Member must satisfy enum value set: ["+strings.Join(complianceTypes, ", ")+"]")
		}
		return nil
	}
	var errs []*apiError
	switch op {
	case "DescribeConfigRules":
		if len(in.ConfigRuleNames) > 25 {
			errs = append(errs, bad("configRuleNames", fmt.Sprint(in.ConfigRuleNames), "Member must have length less than or equal to 25"))
		}
		for _, n := range in.ConfigRuleNames {
			errs = append(errs, checkRule("configRuleNames.member", &n, 128))
		}
		if in.Filters != nil && in.Filters.EvaluationMode != nil && !oneOf(*in.Filters.EvaluationMode, []string{"DETECTIVE", "PROACTIVE"}) {
			errs = append(errs, bad("filters.evaluationMode", *in.Filters.EvaluationMode, "Member must satisfy enum value set: [DETECTIVE, PROACTIVE]"))
		}
	case "DescribeOrganizationConfigRules":
		if len(in.OrganizationConfigRuleNames) > 25 {
			errs = append(errs, bad("organizationConfigRuleNames", fmt.Sprint(in.OrganizationConfigRuleNames), "Member must have length less than or equal to 25"))
		}
	case "DescribeConfigurationAggregators":
		if len(in.ConfigurationAggregatorNames) > 10 {
			errs = append(errs, bad("configurationAggregatorNames", fmt.Sprint(in.ConfigurationAggregatorNames), "Member must have length less than or equal to 10"))
		}
		for _, n := range in.ConfigurationAggregatorNames {
			errs = append(errs, checkAgg(&n))
		}
	case "DescribeAggregateComplianceByConfigRules":
		if err := required([]string{"ConfigurationAggregatorName"}, in.ConfigurationAggregatorName); err != nil {
			return err
		}
		errs = append(errs, checkAgg(in.ConfigurationAggregatorName))
		if f := in.Filters; f != nil {
			errs = append(errs, checkRule("filters.configRuleName", f.ConfigRuleName, 128), checkCompliance("filters.complianceType", f.ComplianceType),
				checkAccount("filters.accountId", f.AccountId), checkRegion("filters.awsRegion", f.AwsRegion))
			if f.ComplianceType != nil && *f.ComplianceType != "COMPLIANT" && *f.ComplianceType != "NON_COMPLIANT" {
				// Documented: only COMPLIANT and NON_COMPLIANT filter here.
				err := cfgInvalidParameter("ComplianceType must be COMPLIANT or NON_COMPLIANT") // UNCONFIRMED text
				errs = append(errs, &err)
			}
		}
	case "GetAggregateComplianceDetailsByConfigRule":
		if err := required([]string{"ConfigurationAggregatorName", "ConfigRuleName", "AccountId", "AwsRegion"},
			in.ConfigurationAggregatorName, in.ConfigRuleName, in.AccountId, in.AwsRegion); err != nil {
			return err
		}
		errs = append(errs, checkAgg(in.ConfigurationAggregatorName), checkRule("configRuleName", in.ConfigRuleName, 128),
			checkAccount("accountId", in.AccountId), checkRegion("awsRegion", in.AwsRegion), checkCompliance("complianceType", in.ComplianceType))
	case "GetComplianceDetailsByConfigRule":
		if err := required([]string{"ConfigRuleName"}, in.ConfigRuleName); err != nil {
			return err
		}
		errs = append(errs, checkRule("configRuleName", in.ConfigRuleName, 64))
		if len(in.ComplianceTypes) > 3 {
			errs = append(errs, bad("complianceTypes", fmt.Sprint(in.ComplianceTypes), "Member must have length less than or equal to 3"))
		}
		for _, t := range in.ComplianceTypes {
			errs = append(errs, checkCompliance("complianceTypes.member", &t))
		}
	}
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (e *Emulator) serveConfig(c *call) {
	if !configOps[c.op] || c.r.Method != "POST" {
		e.unknown(c, apiError{status: 400, code: "UnknownOperationException", msg: "Unknown operation " + c.op})
		return
	}
	var in configInput
	if err := decode(c, &in); err != nil {
		e.fail(c, *err)
		return
	}
	if err := in.validate(c.op); err != nil {
		e.mu.Lock()
		e.stats.Requests++
		e.count(c.op, func(s *OpStats) { s.Requests++ })
		e.mu.Unlock()
		e.fail(c, *err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evaluateIfDue()
	if err := e.admit(c, c.caller); err != nil {
		e.fail(c, *err)
		return
	}
	if e.state.account(c.caller) == nil {
		// A caller the world does not know has no Config data at all.
		e.fail(c, apiError{status: 400, code: "UnrecognizedClientException", msg: "The security token included in the request is invalid."})
		return
	}
	switch c.op {
	case "DescribeConfigRules":
		e.describeConfigRules(c, &in)
	case "DescribeOrganizationConfigRules":
		e.describeOrganizationConfigRules(c, &in)
	case "DescribeConfigurationAggregators":
		e.describeAggregators(c, &in)
	case "DescribeAggregateComplianceByConfigRules":
		e.aggregateCompliance(c, &in)
	case "GetAggregateComplianceDetailsByConfigRule":
		e.aggregateDetails(c, &in)
	case "GetComplianceDetailsByConfigRule":
		e.complianceDetails(c, &in)
	case "DescribeConfigurationRecorderStatus":
		e.recorderStatus(c, &in)
	}
}

// configRegion is where the sandbox's AWS Config lives.
func (e *Emulator) configRegion() string { return e.state.hubRegion() }

// ownRules are the caller's Config rules: the Account.1 rule when it is
// evaluated there, and a process check with a similar name, which a lookup
// by name would confuse with it.
func (e *Emulator) ownRules(account string) []map[string]any {
	cfg := &e.state.Config
	if !cfg.Enabled {
		return nil
	}
	region := e.configRegion()
	rule := func(name, owner, ident, createdBy string, periodic bool) map[string]any {
		sum := sha256.Sum256([]byte(account + "/" + name))
		id := "config-rule-" + hex.EncodeToString(sum[:3])
		r := map[string]any{
			"ConfigRuleName":  name,
			"ConfigRuleArn":   fmt.Sprintf("%sconfig:%s:%s:config-rule/%s", e.arnPrefix(), region, account, id),
			"ConfigRuleId":    id,
			"Scope":           map[string]any{"ComplianceResourceTypes": []any{}},
			"Source":          map[string]any{"Owner": owner, "SourceIdentifier": ident},
			"ConfigRuleState": "ACTIVE",
			"EvaluationModes": []any{map[string]any{"Mode": "DETECTIVE"}},
		}
		if periodic {
			r["MaximumExecutionFrequency"] = "TwentyFour_Hours"
			r["Description"] = "Checks if you have provided security contact information for your AWS account contacts."
		}
		if createdBy != "" {
			r["CreatedBy"] = createdBy
		}
		return r
	}
	out := []map[string]any{rule("account-security-contact-configured", "AWS", "AWS_CONFIG_PROCESS_CHECK", "", false)}
	if !e.state.account1Exists() {
		return out
	}
	if a := e.state.account(account); a == nil || a.State != "ACTIVE" || (e.state.Organization != nil && a.Parent == "") {
		return out
	}
	createdBy := map[string]string{DeployOrganization: "config-multiaccountsetup.amazonaws.com",
		DeploySecurityHub: "securityhub.amazonaws.com", DeployConformancePack: "config-conforms.amazonaws.com"}[e.state.configDeployment()]
	out = append(out, rule(e.state.configRuleName(account), "AWS", configRuleIdentifier, createdBy, true))
	sort.Slice(out, func(i, j int) bool { return out[i]["ConfigRuleName"].(string) < out[j]["ConfigRuleName"].(string) })
	return out
}

func (e *Emulator) describeConfigRules(c *call, in *configInput) {
	rules := e.ownRules(c.caller)
	if len(in.ConfigRuleNames) > 0 {
		var picked []map[string]any
		for _, n := range in.ConfigRuleNames {
			found := false
			for _, r := range rules {
				if r["ConfigRuleName"] == n {
					picked, found = append(picked, r), true
				}
			}
			if !found {
				e.fail(c, apiError{status: 400, code: "NoSuchConfigRuleException",
					msg: fmt.Sprintf("The ConfigRule '%s' provided in the request is invalid. Please check the configRule name.", n)})
				return
			}
		}
		rules = picked
	}
	// DescribeConfigRules has no Limit; AWS pages at 25.
	e.configList(c, "ConfigRules", rules, in.NextToken, 25)
}

func listOf(v []map[string]any) []map[string]any {
	if v == nil {
		return []map[string]any{}
	}
	return v
}

// configAdmin: the management account, or a delegated administrator for
// Config's multi-account setup.
func (e *Emulator) configAdmin(account string) bool {
	s := e.state
	if s.Organization == nil || s.member(account) == nil {
		return false
	}
	return account == s.Organization.ManagementAccount || s.delegatedAdmin(account, "config-multiaccountsetup.amazonaws.com") ||
		s.delegatedAdmin(account, "config.amazonaws.com")
}

func (e *Emulator) describeOrganizationConfigRules(c *call, in *configInput) {
	if !e.configAdmin(c.caller) {
		e.fail(c, apiError{status: 400, code: "OrganizationAccessDeniedException",
			msg: "This action can only be performed if you are a registered delegated administrator for AWS Config with permissions to call ListDelegatedAdministrators API."})
		return
	}
	limit, lerr := checkLimit(in.Limit, 100, 100)
	if lerr != nil {
		e.fail(c, *lerr)
		return
	}
	var rules []map[string]any
	if e.state.Config.Enabled && e.state.configDeployment() == DeployOrganization && e.state.account1Exists() {
		mgmt := e.state.Organization.ManagementAccount
		rules = append(rules, map[string]any{
			"OrganizationConfigRuleName": configRuleBaseName,
			"OrganizationConfigRuleArn": fmt.Sprintf("%sconfig:%s:%s:organization-config-rule/%s-abcdef12", e.arnPrefix(), e.configRegion(), mgmt,
				configRuleBaseName),
			"OrganizationManagedRuleMetadata": map[string]any{"RuleIdentifier": configRuleIdentifier, "MaximumExecutionFrequency": "TwentyFour_Hours",
				"Description": "Checks if you have provided security contact information for your AWS account contacts."},
			"LastUpdateTime": epoch(epochBase),
		})
	}
	for _, n := range in.OrganizationConfigRuleNames {
		if len(rules) == 0 || n != configRuleBaseName {
			e.fail(c, apiError{status: 400, code: "NoSuchOrganizationConfigRuleException",
				msg: fmt.Sprintf("The organization config rule '%s' does not exist.", n)}) // UNCONFIRMED text
			return
		}
	}
	e.configList(c, "OrganizationConfigRules", rules, in.NextToken, limit)
}

// aggregators are the caller's aggregators, sorted by name.
func (e *Emulator) aggregators(account string) []Aggregator {
	var out []Aggregator
	if !e.state.Config.Enabled {
		return nil
	}
	for _, a := range e.state.Config.Aggregators {
		owner := a.Account
		if owner == "" && e.state.Organization != nil {
			owner = e.state.Organization.ManagementAccount
		}
		if owner == account {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (e *Emulator) aggregatorJSON(account string, a Aggregator) map[string]any {
	region := e.configRegion()
	out := map[string]any{
		"ConfigurationAggregatorName": a.Name,
		"ConfigurationAggregatorArn":  fmt.Sprintf("%sconfig:%s:%s:config-aggregator/config-aggregator-%s", e.arnPrefix(), region, account, shortHash(account+a.Name)),
		"CreationTime":                epoch(a.Created),
		"LastUpdatedTime":             epoch(a.Created),
	}
	if a.Organization {
		out["OrganizationAggregationSource"] = map[string]any{
			"RoleArn":       fmt.Sprintf("%siam::%s:role/aws-service-role/config.amazonaws.com/AWSConfigRoleForOrganizations", e.arnPrefix(), account),
			"AllAwsRegions": true,
		}
	} else {
		out["AccountAggregationSources"] = []any{map[string]any{"AccountIds": a.Accounts, "AllAwsRegions": true}}
	}
	return out
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

func noSuchAggregator() apiError {
	return apiError{status: 400, code: "NoSuchConfigurationAggregatorException",
		msg: "The configuration aggregator does not exist. Check the configuration aggregator name and try again."}
}

func (e *Emulator) describeAggregators(c *call, in *configInput) {
	limit, lerr := checkLimit(in.Limit, 100, 10)
	if lerr != nil {
		e.fail(c, *lerr)
		return
	}
	aggs := e.aggregators(c.caller)
	if len(in.ConfigurationAggregatorNames) > 0 {
		var picked []Aggregator
		for _, n := range in.ConfigurationAggregatorNames {
			found := false
			for _, a := range aggs {
				if a.Name == n {
					picked, found = append(picked, a), true
				}
			}
			if !found {
				e.fail(c, noSuchAggregator())
				return
			}
		}
		aggs = picked
	}
	lo, hi, next, err := e.configPage(c, len(aggs), in.NextToken, limit)
	if err != nil {
		e.fail(c, *err)
		return
	}
	list := []map[string]any{}
	for _, a := range aggs[lo:hi] {
		list = append(list, e.aggregatorJSON(c.caller, a))
	}
	out := map[string]any{"ConfigurationAggregators": list}
	if next != "" {
		out["NextToken"] = next
	}
	e.ok(c, out)
}

// aggregator is the caller's aggregator called name, or nil.
func (e *Emulator) aggregator(account, name string) *Aggregator {
	for _, a := range e.aggregators(account) {
		if a.Name == name {
			return &a
		}
	}
	return nil
}

// aggregated are the evaluations an aggregator sees: its organization's
// (or listed accounts'), none while it is still being set up.
func (e *Emulator) aggregated(a *Aggregator) []ConfigEvaluation {
	if a.SettingUp {
		return nil
	}
	var out []ConfigEvaluation
	for _, ev := range e.state.Config.Evaluations {
		if a.Organization || oneOf(ev.Account, a.Accounts) {
			out = append(out, ev)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Account != out[j].Account {
			return out[i].Account < out[j].Account
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

func (e *Emulator) aggregateCompliance(c *call, in *configInput) {
	limit, lerr := checkLimit(in.Limit, 1000, 1000)
	if lerr != nil {
		e.fail(c, *lerr)
		return
	}
	agg := e.aggregator(c.caller, *in.ConfigurationAggregatorName)
	if agg == nil {
		e.fail(c, noSuchAggregator())
		return
	}
	region := e.configRegion()
	var rows []map[string]any
	for _, ev := range e.aggregated(agg) {
		if f := in.Filters; f != nil {
			if (f.ConfigRuleName != nil && *f.ConfigRuleName != ev.Rule) || (f.ComplianceType != nil && *f.ComplianceType != ev.Compliance) ||
				(f.AccountId != nil && *f.AccountId != ev.Account) || (f.AwsRegion != nil && *f.AwsRegion != region) {
				continue
			}
		}
		rows = append(rows, map[string]any{
			"ConfigRuleName": ev.Rule,
			"Compliance": map[string]any{"ComplianceType": ev.Compliance,
				"ComplianceContributorCount": map[string]any{"CappedCount": contributors(ev.Compliance), "CapExceeded": false}},
			"AccountId": ev.Account,
			"AwsRegion": region,
		})
	}
	e.configList(c, "AggregateComplianceByConfigRules", rows, in.NextToken, limit)
}

// contributors is the number of non-compliant resources: the account
// itself, or none.
func contributors(compliance string) int {
	if compliance == "NON_COMPLIANT" {
		return 1
	}
	return 0
}

func (e *Emulator) evaluationResult(ev ConfigEvaluation) map[string]any {
	return map[string]any{
		"EvaluationResultIdentifier": map[string]any{
			"EvaluationResultQualifier": map[string]any{"ConfigRuleName": ev.Rule, "ResourceType": configResourceType,
				"ResourceId": ev.Account, "EvaluationMode": "DETECTIVE"},
			"OrderingTimestamp": epoch(ev.Invoked),
		},
		"ComplianceType":        ev.Compliance,
		"ResultRecordedTime":    epoch(ev.Recorded),
		"ConfigRuleInvokedTime": epoch(ev.Invoked),
	}
}

func (e *Emulator) aggregateDetails(c *call, in *configInput) {
	limit, lerr := checkLimit(in.Limit, 100, 50)
	if lerr != nil {
		e.fail(c, *lerr)
		return
	}
	agg := e.aggregator(c.caller, *in.ConfigurationAggregatorName)
	if agg == nil {
		e.fail(c, noSuchAggregator())
		return
	}
	var rows []map[string]any
	if *in.AwsRegion == e.configRegion() {
		for _, ev := range e.aggregated(agg) {
			if ev.Rule != *in.ConfigRuleName || ev.Account != *in.AccountId || (in.ComplianceType != nil && *in.ComplianceType != ev.Compliance) {
				continue
			}
			r := e.evaluationResult(ev)
			r["AccountId"], r["AwsRegion"] = ev.Account, e.configRegion()
			rows = append(rows, r)
		}
	}
	e.configList(c, "AggregateEvaluationResults", rows, in.NextToken, limit)
}

func (e *Emulator) complianceDetails(c *call, in *configInput) {
	limit, lerr := checkLimit(in.Limit, 100, 100)
	if lerr != nil {
		e.fail(c, *lerr)
		return
	}
	found := false
	for _, r := range e.ownRules(c.caller) {
		if r["ConfigRuleName"] == *in.ConfigRuleName {
			found = true
		}
	}
	if !found {
		e.fail(c, apiError{status: 400, code: "NoSuchConfigRuleException",
			msg: fmt.Sprintf("The ConfigRule '%s' provided in the request is invalid. Please check the configRule name.", *in.ConfigRuleName)})
		return
	}
	var rows []map[string]any
	for _, ev := range e.state.Config.Evaluations {
		if ev.Account != c.caller || ev.Rule != *in.ConfigRuleName || (len(in.ComplianceTypes) > 0 && !oneOf(ev.Compliance, in.ComplianceTypes)) {
			continue
		}
		rows = append(rows, e.evaluationResult(ev))
	}
	e.configList(c, "EvaluationResults", rows, in.NextToken, limit)
}

func (e *Emulator) recorderStatus(c *call, in *configInput) {
	var list []map[string]any
	if e.state.Config.Enabled {
		st := map[string]any{
			"name":                 "default",
			"arn":                  fmt.Sprintf("%sconfig:%s:%s:configuration-recorder/default/%s", e.arnPrefix(), e.configRegion(), c.caller, shortHash(c.caller)),
			"lastStartTime":        epoch(epochBase),
			"recording":            !e.state.Config.RecorderOff,
			"lastStatus":           "Success",
			"lastStatusChangeTime": epoch(epochBase),
		}
		if e.state.Config.RecorderOff {
			st["lastStopTime"] = epoch(epochBase.Add(time.Hour))
			st["lastStatus"] = "Failure"
		}
		list = append(list, st)
	}
	for _, n := range in.ConfigurationRecorderNames {
		if len(list) == 0 || n != "default" {
			e.fail(c, apiError{status: 400, code: "NoSuchConfigurationRecorderException",
				msg: fmt.Sprintf("Cannot find configuration recorder with the specified name '%s'.", n)})
			return
		}
	}
	e.ok(c, map[string]any{"ConfigurationRecordersStatus": listOf(list)})
}

// configPage pages n rows; a token that is not one of ours is
// InvalidNextTokenException.
func (e *Emulator) configPage(c *call, n int, token *string, limit int) (lo, hi int, next string, err *apiError) {
	tok := ""
	if token != nil {
		tok = *token
	}
	return e.page(c, n, tok, &limit, limit, func(string) apiError {
		return apiError{status: 400, code: "InvalidNextTokenException", msg: "The nextToken provided is invalid"}
	})
}

// configList answers one page of rows under key, with the NextToken of the
// next page when there is one: every paged Config list but the aggregators.
func (e *Emulator) configList(c *call, key string, rows []map[string]any, token *string, limit int) {
	lo, hi, next, err := e.configPage(c, len(rows), token, limit)
	if err != nil {
		e.fail(c, *err)
		return
	}
	out := map[string]any{key: listOf(rows[lo:hi])}
	if next != "" {
		out["NextToken"] = next
	}
	e.ok(c, out)
}
