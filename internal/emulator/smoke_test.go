package emulator

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestSmoke(t *testing.T) {
	e := New()
	ctx := context.Background()
	cfg := e.Config()
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	t.Logf("sts %v %v", id, err)
	if err == nil {
		t.Logf("%s %s", *id.Account, *id.Arn)
	}
	ac := account.NewFromConfig(cfg)
	_, err = ac.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: acctypes.AlternateContactTypeSecurity})
	t.Logf("get mgmt: %v", err)
	_, err = ac.GetAlternateContact(ctx, &account.GetAlternateContactInput{AccountId: aws.String("401726385920"), AlternateContactType: acctypes.AlternateContactTypeSecurity})
	t.Logf("get mgmt own id: %v", err)
	out, err := ac.GetAlternateContact(ctx, &account.GetAlternateContactInput{AccountId: aws.String("593018274615"), AlternateContactType: acctypes.AlternateContactTypeSecurity})
	t.Logf("get member: %v %v", err, out)
	_, err = ac.PutAlternateContact(ctx, &account.PutAlternateContactInput{AccountId: aws.String("593018274615"), AlternateContactType: acctypes.AlternateContactTypeSecurity,
		Name: aws.String("x"), Title: aws.String("y"), EmailAddress: aws.String("bad"), PhoneNumber: aws.String("+1")})
	t.Logf("put bad: %v", err)
	org := organizations.NewFromConfig(cfg)
	p := organizations.NewListAccountsPaginator(org, &organizations.ListAccountsInput{})
	n := 0
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(pg.Accounts)
	}
	t.Logf("accounts %d", n)
	sh := securityhub.NewFromConfig(cfg)
	f, err := sh.GetFindings(ctx, &securityhub.GetFindingsInput{})
	t.Logf("findings %v %d", err, len(f.Findings))
	if len(f.Findings) > 0 {
		t.Logf("%s %s", *f.Findings[0].Id, f.Findings[0].Compliance.Status)
	}
}
