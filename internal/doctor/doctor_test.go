package doctor_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/doctor"
	"github.com/altcontacts/altcontacts/internal/emulator"
)

func checks(t *testing.T, e *emulator.Emulator, caller string) map[string]doctor.Check {
	t.Helper()
	rep, err := doctor.Run(context.Background(), awsorg.New(e.ConfigAs(caller), awsorg.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]doctor.Check{}
	for _, c := range rep.Checks {
		m[c.ID] = c
	}
	return m
}

// Trusted access switched off through the Organizations API, as an admin
// might: doctor fails that check, names the fix, and passes the others.
func TestTrustedAccessDisabledThroughTheAPI(t *testing.T) {
	e := emulator.New()
	org := organizations.NewFromConfig(e.Config())
	if _, err := org.DisableAWSServiceAccess(context.Background(), &organizations.DisableAWSServiceAccessInput{ServicePrincipal: aws.String("account.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	m := checks(t, e, "")
	c := m["trusted-access"]
	if c.Status != doctor.Fail || !strings.Contains(c.Fix, "aws organizations enable-aws-service-access --service-principal account.amazonaws.com") {
		t.Errorf("trusted-access = %+v", c)
	}
	for _, id := range []string{"credentials", "organization", "all-features", "caller-role", "contact-read", "security-hub", "account1-control"} {
		if m[id].Status != doctor.Pass {
			t.Errorf("%s = %+v, want PASS", id, m[id])
		}
	}
}

func TestSecurityHubDisabled(t *testing.T) {
	e := emulator.New()
	e.Update(func(s *emulator.State) { s.SetSecurityHub("none"); s.SetConfig(false) })
	m := checks(t, e, "")
	if c := m["security-hub"]; c.Status != doctor.Fail || !strings.Contains(c.Fix, "aws securityhub enable-security-hub-v2") ||
		!strings.Contains(c.Detail, "neither Security Hub CSPM nor the new Security Hub") {
		t.Errorf("security-hub = %+v", c)
	}
	if m["account1-control"].Status != doctor.Skip {
		t.Errorf("account1-control = %+v, want SKIP", m["account1-control"])
	}
}

// doctor says which Security Hub is enabled, and reads Account.1 from the
// one verify would read.
func TestWhichSecurityHub(t *testing.T) {
	for _, tc := range []struct {
		mode, detail string
		enabled      []string
	}{
		{"cspm", "Security Hub CSPM is enabled in us-east-1 (SECURITY_CONTROL findings), the new Security Hub is not", []string{"cspm"}},
		{"v2", "only the new Security Hub is enabled in us-east-1 (Security Hub CSPM is not): verify reads Account.1 from it (GetFindingsV2, OCSF)", []string{"v2"}},
		{"both", "Security Hub CSPM (SECURITY_CONTROL findings) and the new Security Hub are enabled in us-east-1", []string{"cspm", "v2"}},
	} {
		e := emulator.New()
		e.Update(func(s *emulator.State) { s.SetSecurityHub(tc.mode) })
		rep, err := doctor.Run(context.Background(), awsorg.New(e.Config(), awsorg.Options{}))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]doctor.Check{}
		for _, c := range rep.Checks {
			m[c.ID] = c
		}
		if c := m["security-hub"]; c.Status != doctor.Pass || !strings.Contains(c.Detail, tc.detail) {
			t.Errorf("%s: security-hub = %+v", tc.mode, c)
		}
		if c := m["account1-control"]; c.Status != doctor.Pass {
			t.Errorf("%s: account1-control = %+v", tc.mode, c)
		}
		if strings.Join(rep.SecurityHub, ",") != strings.Join(tc.enabled, ",") || rep.Partition != "aws" {
			t.Errorf("%s: report says %v in %q", tc.mode, rep.SecurityHub, rep.Partition)
		}
		if tc.mode == "v2" && e.Stats().Operations["GetFindingsV2"].Requests == 0 {
			t.Errorf("v2: Account.1 was not read through GetFindingsV2: %v", e.Stats().Operations)
		}
	}
}

// The partition comes from the caller's ARN and sets the quotas doctor
// reports; in aws-us-gov the Account.1 check is skipped with the reason.
func TestPartitions(t *testing.T) {
	for _, tc := range []struct{ partition, detail, account1 string }{
		{"aws-cn", "aws-cn: pacing at GetAlternateContact 3/s burst 5, PutAlternateContact 1/s burst 6", doctor.Pass},
		{"aws-us-gov", "aws-us-gov: pacing at GetAlternateContact 10/s burst 15", doctor.Skip},
	} {
		st, err := emulator.Builtin("fintech")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetPartition(tc.partition); err != nil {
			t.Fatal(err)
		}
		m := checks(t, emulator.New(emulator.WithState(st)), "")
		if c := m["partition"]; c.Status != doctor.Pass || !strings.HasPrefix(c.Detail, tc.detail) {
			t.Errorf("%s: partition = %+v", tc.partition, c)
		}
		if c := m["account1-control"]; c.Status != tc.account1 {
			t.Errorf("%s: account1-control = %+v", tc.partition, c)
		}
		if c := m["credentials"]; !strings.Contains(c.Detail, "arn:"+tc.partition+":iam::") {
			t.Errorf("%s: credentials = %+v", tc.partition, c)
		}
	}
}

func TestContactReadDenied(t *testing.T) {
	e := emulator.New(emulator.WithFault(emulator.Fault{Op: "GetAlternateContact", Rate: 1, Error: "AccessDeniedException"}))
	m := checks(t, e, "")
	if c := m["contact-read"]; c.Status != doctor.Fail || !strings.Contains(c.Detail, "AccessDenied") {
		t.Errorf("contact-read = %+v", c)
	}
}

// AWS Config as the only source: its checks FAIL with the command that
// fixes each missing piece, and PASS (naming how the rule was deployed)
// when present.
func TestConfigChecks(t *testing.T) {
	t.Parallel()
	world := func(f func(*emulator.State)) *emulator.Emulator {
		st, err := emulator.Builtin("fintech")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetSecurityHub("none"); err != nil {
			t.Fatal(err)
		}
		f(st)
		return emulator.New(emulator.WithState(st), emulator.WithoutThrottling())
	}
	m := checks(t, world(func(st *emulator.State) { st.Config.Deployment = emulator.DeployConformancePack }), "")
	if c := m["config-rule"]; c.Status != doctor.Pass || !strings.Contains(c.Detail, "-conformance-pack-") || !strings.Contains(c.Detail, "(conformance pack)") {
		t.Errorf("config-rule = %+v", c)
	}
	if m["security-hub"].Status != doctor.Skip || m["config-aggregator"].Status != doctor.Pass || m["config-recorder"].Status != doctor.Pass {
		t.Errorf("checks %+v", m)
	}

	m = checks(t, world(func(st *emulator.State) {
		st.Config.RecorderOff = true
		st.Config.Aggregators = append(st.Config.Aggregators, emulator.Aggregator{Name: "second", Organization: true})
	}), "")
	if c := m["config-recorder"]; c.Status != doctor.Fail || c.Fix != "aws configservice start-configuration-recorder --configuration-recorder-name default --region us-east-1" {
		t.Errorf("config-recorder = %+v", c)
	}
	if c := m["config-aggregator"]; c.Status != doctor.Pass || !strings.Contains(c.Detail, "needs --config-aggregator NAME") {
		t.Errorf("config-aggregator = %+v", c)
	}

	m = checks(t, world(func(st *emulator.State) { st.Config.Aggregators = nil }), "")
	if c := m["config-aggregator"]; c.Status != doctor.Fail || !strings.HasPrefix(c.Fix,
		"aws configservice put-configuration-aggregator --configuration-aggregator-name organization-aggregator --organization-aggregation-source RoleArn=arn:aws:iam::401726385920:role/AWSConfigRoleForOrganizations,AllAwsRegions=true --region us-east-1") {
		t.Errorf("config-aggregator = %+v", c)
	}
	if m["security-hub"].Status != doctor.Fail {
		t.Errorf("security-hub = %+v: no source at all must fail", m["security-hub"])
	}
}
