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
	e.Update(func(s *emulator.State) { s.SecurityHub.Enabled = false })
	m := checks(t, e, "")
	if c := m["security-hub"]; c.Status != doctor.Fail || !strings.Contains(c.Fix, "aws securityhub enable-security-hub") {
		t.Errorf("security-hub = %+v", c)
	}
	if m["account1-control"].Status != doctor.Skip {
		t.Errorf("account1-control = %+v, want SKIP", m["account1-control"])
	}
}

func TestContactReadDenied(t *testing.T) {
	e := emulator.New(emulator.WithFault(emulator.Fault{Op: "GetAlternateContact", Rate: 1, Error: "AccessDeniedException"}))
	m := checks(t, e, "")
	if c := m["contact-read"]; c.Status != doctor.Fail || !strings.Contains(c.Detail, "AccessDenied") {
		t.Errorf("contact-read = %+v", c)
	}
}
