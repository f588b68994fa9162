package emulator

import (
	"regexp"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestGetCallerIdentity(t *testing.T) {
	e := New()
	for _, tc := range []struct{ key, account string }{
		{"", mgmtID},
		{securityID, securityID},
		{outsiderID, outsiderID},
	} {
		out, err := as(e, tc.key).sts.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
		mustNoErr(t, err)
		if *out.Account != tc.account {
			t.Errorf("key %q: Account = %s, want %s", tc.key, *out.Account, tc.account)
		}
		if want := "arn:aws:iam::" + tc.account + ":user/sandbox-operator"; *out.Arn != want {
			t.Errorf("Arn = %s, want %s", *out.Arn, want)
		}
		if *out.UserId == "" {
			t.Error("no UserId")
		}
	}
}

func TestSTSRequestID(t *testing.T) {
	e := New()
	c := as(e, "").sts
	idRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 3 {
		out, err := c.GetCallerIdentity(ctx(t), nil)
		mustNoErr(t, err)
		id, ok := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		if !ok || !idRE.MatchString(id) {
			t.Errorf("request id %q (present %v)", id, ok)
		}
		if seen[id] {
			t.Errorf("request id %s repeated", id)
		}
		seen[id] = true
	}
}

func TestSTSUnknownAction(t *testing.T) {
	e := New()
	_, err := as(e, "").sts.GetSessionToken(ctx(t), &sts.GetSessionTokenInput{})
	wantAPIError(t, err, 400, "InvalidAction", "Could not find operation GetSessionToken for version 2011-06-15")
}
