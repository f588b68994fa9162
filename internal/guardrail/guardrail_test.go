package guardrail

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// arnLike is IAM's ArnLike: the six colon-separated parts are compared one
// by one, each a pattern where * is any run of characters and ? one.
func arnLike(pattern, arn string) bool {
	p := strings.SplitN(pattern, ":", 6)
	a := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || len(a) != 6 {
		return false
	}
	for i := range p {
		re := "^" + strings.NewReplacer(`\*`, `.*`, `\?`, `.`).Replace(regexp.QuoteMeta(p[i])) + "$"
		if !regexp.MustCompile(re).MatchString(a[i]) {
			return false
		}
	}
	return true
}

// denied says whether the SCP denies PutAlternateContact to principal.
func denied(d Document, principal string) bool {
	for _, st := range d.Statement {
		if st.Effect != "Deny" {
			continue
		}
		exempt := false
		for _, p := range st.Condition["ArnNotLike"]["aws:PrincipalArn"] {
			exempt = exempt || arnLike(p, principal)
		}
		if !exempt {
			return true
		}
	}
	return false
}

func TestSCPExemptsTheEnforcerInEveryPartition(t *testing.T) {
	for _, part := range Partitions {
		t.Run(part, func(t *testing.T) {
			o := Options{Partition: part, EnforcerRole: DefaultEnforcerRole,
				Exempt: []string{"arn:" + part + ":iam::111122223333:role/ops/altcontacts-admin"}}
			if err := o.Check(); err != nil {
				t.Fatal(err)
			}
			d := SCP(o)
			for principal, wantDenied := range map[string]bool{
				"arn:" + part + ":iam::123456789012:role/altcontacts-enforcer":        false,
				"arn:" + part + ":iam::210987654321:role/altcontacts-enforcer":        false,
				"arn:" + part + ":iam::111122223333:role/ops/altcontacts-admin":       false,
				"arn:" + part + ":iam::123456789012:role/Admin":                       true,
				"arn:" + part + ":iam::123456789012:user/altcontacts-enforcer":        true,
				"arn:" + part + ":sts::123456789012:assumed-role/Admin/session":       true,
				"arn:" + part + ":iam::123456789012:role/altcontacts-enforcer-shadow": true,
			} {
				if got := denied(d, principal); got != wantDenied {
					t.Errorf("denied(%s) = %v, want %v", principal, got, wantDenied)
				}
			}
		})
	}
}

// The bug this package fixed: an aws-partition pattern never matches a
// China or GovCloud principal, so that SCP denied the enforcer itself.
func TestCommercialPatternDeniesOtherPartitions(t *testing.T) {
	d := SCP(Options{Partition: "aws", EnforcerRole: DefaultEnforcerRole})
	for _, part := range []string{"aws-cn", "aws-us-gov"} {
		if !denied(d, "arn:"+part+":iam::123456789012:role/altcontacts-enforcer") {
			t.Errorf("the aws policy exempts the %s enforcer; the matcher is wrong", part)
		}
	}
}

func TestCheckRejects(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want error
	}{
		{Options{Partition: "aws-iso", EnforcerRole: "r"}, ErrPartition},
		{Options{Partition: "", EnforcerRole: "r"}, ErrPartition},
		{Options{Partition: "aws", EnforcerRole: ""}, ErrRoleName},
		{Options{Partition: "aws", EnforcerRole: "role/with/path"}, ErrRoleName},
		{Options{Partition: "aws", EnforcerRole: strings.Repeat("r", 65)}, ErrRoleName},
		{Options{Partition: "aws", EnforcerRole: "r", Exempt: []string{"admin"}}, ErrRoleARN},
		{Options{Partition: "aws", EnforcerRole: "r", Exempt: []string{"arn:aws:iam::123:role/x"}}, ErrRoleARN},
		{Options{Partition: "aws", EnforcerRole: "r", Exempt: []string{"arn:aws:iam::123456789012:user/x"}}, ErrRoleARN},
		{Options{Partition: "aws-cn", EnforcerRole: "r", Exempt: []string{"arn:aws:iam::123456789012:role/x"}}, ErrOtherPartition},
		{Options{Partition: "aws", EnforcerRole: "r", Exempt: []string{"arn:aws:iam::123456789012:role/" + strings.Repeat("x", 513)}}, ErrRoleARN},
	} {
		err := tc.o.Check()
		var ie *InputError
		if !errors.Is(err, tc.want) || !errors.As(err, &ie) {
			t.Errorf("%+v: Check() = %v, want %v", tc.o, err, tc.want)
		}
	}
	// The longest a name (64) and a path and name (512) may be.
	ok := Options{Partition: "aws", EnforcerRole: strings.Repeat("r", 64), Exempt: []string{"arn:aws:iam::*:role/" + strings.Repeat("x", 512)}}
	if err := ok.Check(); err != nil {
		t.Errorf("Check() at the length limits = %v", err)
	}
}
