package enforce_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/enforce"
)

// The enforcer refuses to start on a policy whose own address cannot
// receive mail, unless ALTCONTACTS_NO_DNS turns the check off.
func TestCheckPolicyMail(t *testing.T) {
	t.Parallel()
	e := emulator.New()
	addr, stop, err := e.ServeDNS("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop() })
	policy := func(email string) *contact.Policy {
		p, err := contact.ParsePolicy("p.yaml", []byte(`version: 1
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: `+email+`, phone: "+1 206 555 7700"}
`))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	env := func(kv ...string) func(string) string {
		m := map[string]string{enforce.EnvResolver: addr}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	ctx := context.Background()
	if err := enforce.CheckPolicyMail(ctx, policy("security@acmepay.iol"), env(), io.Discard); !errors.Is(err, enforce.ErrDeadPolicyAddress) {
		t.Errorf("dead domain: got %v", err)
	}
	if err := enforce.CheckPolicyMail(ctx, policy("security@acmepay-labs.com"), env(), io.Discard); !errors.Is(err, enforce.ErrDeadPolicyAddress) {
		t.Errorf("null MX: got %v", err)
	}
	if err := enforce.CheckPolicyMail(ctx, policy("security@acmepay.io"), env(), io.Discard); err != nil {
		t.Errorf("alive: %v", err)
	}
	if err := enforce.CheckPolicyMail(ctx, policy("security@acmepay.iol"), env(enforce.EnvNoDNS, "true"), io.Discard); err != nil {
		t.Errorf("ALTCONTACTS_NO_DNS: %v", err)
	}
}
