package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestGuardrailSCP(t *testing.T) {
	e, out, errb := testEnv(t)
	code := run(context.Background(), e, []string{"guardrail", "scp", "--enforcer-role", "ac-enforcer",
		"--management-role-arn", "arn:aws:iam::*:role/altcontacts-admin"})
	if code != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errb)
	}
	var doc struct {
		Version   string
		Statement []struct {
			Effect    string
			Action    []string
			Resource  string
			Condition map[string]map[string][]string
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) != 1 {
		t.Fatalf("document = %+v", doc)
	}
	st := doc.Statement[0]
	if st.Effect != "Deny" || st.Resource != "*" || strings.Join(st.Action, ",") != "account:PutAlternateContact,account:DeleteAlternateContact" {
		t.Errorf("statement = %+v", st)
	}
	got := st.Condition["ArnNotLike"]["aws:PrincipalArn"]
	want := []string{"arn:aws:iam::*:role/ac-enforcer", "arn:aws:iam::*:role/altcontacts-admin"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ArnNotLike aws:PrincipalArn = %q, want %q", got, want)
	}
	// AWS counts an SCP's size without whitespace; the limit is 5,120.
	var compact bytes.Buffer
	if err := json.Compact(&compact, out.Bytes()); err != nil || compact.Len() > 5120 {
		t.Errorf("compact size %d (err %v)", compact.Len(), err)
	}
}

func TestGuardrailSCPDefaultRole(t *testing.T) {
	e, out, errb := testEnv(t)
	if code := run(context.Background(), e, []string{"guardrail", "scp"}); code != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errb)
	}
	if !strings.Contains(out.String(), `"arn:aws:iam::*:role/altcontacts-enforcer"`) {
		t.Errorf("stdout:\n%s", out)
	}
}

func TestGuardrailSCPRejectsBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--enforcer-role", ""},
		{"--enforcer-role", "has space"},
		{"--enforcer-role", "role/with/path"},
		{"--enforcer-role", strings.Repeat("r", 65)},
		{"--management-role-arn", "admin"},
		{"--management-role-arn", "arn:aws:iam::123:role/x"},
		{"--management-role-arn", "arn:aws:iam::123456789012:user/x"},
		{"-o", "table"},
		{"--partition", "aws-iso"},
		{"--partition", "aws-cn", "--management-role-arn", "arn:aws:iam::*:role/altcontacts-admin"},
		{"--region", "us-iso-east-1"},
		{"extra"},
	} {
		e, out, errb := testEnv(t)
		if code := run(context.Background(), e, append([]string{"guardrail", "scp"}, args...)); code != ExitUsage {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if out.Len() != 0 {
			t.Errorf("%q: stdout %q, want nothing", args, out)
		}
		if !strings.HasPrefix(errb.String(), "altcontacts: error: ") {
			t.Errorf("%q: stderr %q", args, errb)
		}
	}
}

// The exemption names the organization's partition: from --partition, else
// from --region, else aws (internal/guardrail tests that it matches there).
func TestGuardrailSCPPartition(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "arn:aws:iam::*:role/altcontacts-enforcer"},
		{[]string{"--region", "eu-west-1"}, "arn:aws:iam::*:role/altcontacts-enforcer"},
		{[]string{"--region", "cn-north-1"}, "arn:aws-cn:iam::*:role/altcontacts-enforcer"},
		{[]string{"--region", "us-gov-west-1"}, "arn:aws-us-gov:iam::*:role/altcontacts-enforcer"},
		{[]string{"--partition", "aws-cn"}, "arn:aws-cn:iam::*:role/altcontacts-enforcer"},
		{[]string{"--partition", "aws-us-gov", "--region", "us-east-1"}, "arn:aws-us-gov:iam::*:role/altcontacts-enforcer"},
	} {
		e, out, errb := testEnv(t)
		if code := run(context.Background(), e, append([]string{"guardrail", "scp"}, tc.args...)); code != ExitOK {
			t.Fatalf("%q: exit %d; stderr:\n%s", tc.args, code, errb)
		}
		var doc struct {
			Statement []struct {
				Condition map[string]map[string][]string
			}
		}
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if got := doc.Statement[0].Condition["ArnNotLike"]["aws:PrincipalArn"][0]; got != tc.want {
			t.Errorf("%q: exemption %q, want %q", tc.args, got, tc.want)
		}
	}
}
