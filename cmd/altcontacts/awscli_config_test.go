package main_test

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/peertest"
)

// AWS Config conformance: the AWS CLI's configservice commands and boto3's
// parsed answers, checked against botocore's model, on fintech (Config on,
// an organization aggregator): its commands
// through peertest's one long-lived aws CLI process, and one Python process.
func TestAWSCLIConfig(t *testing.T) {
	t.Parallel()
	s := startSandbox(t, peertest.AWS(t))

	var agg struct {
		AggregateComplianceByConfigRules []struct {
			ConfigRuleName, AccountId, AwsRegion string
			Compliance                           struct{ ComplianceType string }
		}
	}
	s.okJSON(t, "sandbox", &agg, "configservice", "describe-aggregate-compliance-by-config-rules",
		"--configuration-aggregator-name", "acmepay-org-aggregator", "--page-size", "7")
	count := map[string]int{}
	for _, r := range agg.AggregateComplianceByConfigRules {
		count[r.Compliance.ComplianceType]++
		if !strings.HasPrefix(r.ConfigRuleName, "OrgConfigRule-security-account-information-provided-") || r.AwsRegion != "us-east-1" {
			t.Errorf("row %+v", r)
		}
	}
	if len(agg.AggregateComplianceByConfigRules) != 23 || count["NON_COMPLIANT"] != 14 || count["COMPLIANT"] != 9 {
		t.Errorf("the CLI paged to %d rows %v, want 23 (14 NON_COMPLIANT, 9 COMPLIANT)", len(agg.AggregateComplianceByConfigRules), count)
	}
	if n := s.stats(t).Operations["DescribeAggregateComplianceByConfigRules"].Requests; n != 4 {
		t.Errorf("%d DescribeAggregateComplianceByConfigRules requests for 23 rows at --page-size 7, want 4", n)
	}

	var rules struct {
		ConfigRules []struct {
			ConfigRuleName string
			Source         struct{ Owner, SourceIdentifier string }
		}
	}
	s.okJSON(t, "sandbox", &rules, "configservice", "describe-config-rules")
	found := 0
	for _, r := range rules.ConfigRules {
		if r.Source.SourceIdentifier == "SECURITY_ACCOUNT_INFORMATION_PROVIDED" && r.Source.Owner == "AWS" {
			found++
		}
	}
	if found != 1 || len(rules.ConfigRules) != 2 {
		t.Errorf("describe-config-rules: %+v", rules.ConfigRules)
	}

	// botocore validates only minimums: the Limit's maximum is the server's.
	wantStderrRE(t, s.fail(t, "sandbox", "configservice", "describe-aggregate-compliance-by-config-rules",
		"--configuration-aggregator-name", "acmepay-org-aggregator", "--limit", "1001", "--no-paginate"),
		`^`+regexp.QuoteMeta(errLine("InvalidLimitException", "DescribeAggregateComplianceByConfigRules", ""))+`.*1000$`)

	py := peertest.Require(t, "python3")
	if err := exec.Command(py, "-c", "import boto3").Run(); err != nil {
		peertest.Missing(t, "peer boto3 not importable by "+py+" ("+err.Error()+")")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, filepath.Join("testdata", "peer", "config_model.py"), s.url).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("config_model.py: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var res struct {
		Errors []string
		Counts map[string]int
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("config_model.py printed %q: %v", out, err)
	}
	for _, e := range res.Errors {
		t.Error(e)
	}
	want := map[string]int{"rules": 2, "org_rules": 1, "aggregators": 1, "aggregate_rows": 23, "aggregate_pages": 3,
		"non_compliant": 14, "details": 1, "own_results": 1, "recorders": 1}
	for k, v := range want {
		if res.Counts[k] != v {
			t.Errorf("%s = %d, want %d (all: %v)", k, res.Counts[k], v, res.Counts)
		}
	}
}
