package audit_test

import (
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/maildomain"
)

// With a Checker, the fintech's dead domains are findings, each domain is
// asked once, and the expiry window uses the injected clock; without one
// (--no-dns) no mail rule fires.
func TestMailDomains(t *testing.T) {
	t.Parallel()
	e := emulator.New()
	addr, stop, err := e.ServeDNS("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop() })
	mc, err := maildomain.New(maildomain.Options{Servers: []string{addr}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	rep := run(t, e, "", audit.Options{Mail: mc})
	type key struct {
		account string
		typ     contact.Type
		rule    string
	}
	got := map[key]contact.Severity{}
	for _, a := range rep.Accounts {
		for _, f := range a.Findings {
			if len(f.Rule) > 12 && f.Rule[:12] == "mail-domain-" {
				got[key{a.ID, f.Type, f.Rule}] = f.Severity
			}
		}
	}
	want := map[key]contact.Severity{
		{"184930275561", contact.Root, contact.RuleMailDomainMissing}:     contact.Critical,
		{"184930275561", contact.Security, contact.RuleMailDomainMissing}: contact.High,
		{"571839204668", contact.Root, contact.RuleMailDomainNoMail}:      contact.High,
	}
	if len(got) != len(want) {
		t.Errorf("mail findings %v, want %v", got, want)
	}
	for k, s := range want {
		if got[k] != s {
			t.Errorf("%v: severity %v, want %v", k, got[k], s)
		}
	}
	st := e.Stats().DNS
	if int64(st.ByType["MX"]) != mc.Stats().Domains || st.ByType["MX"] == 0 {
		t.Errorf("%d MX queries for %d distinct domains", st.ByType["MX"], mc.Stats().Domains)
	}

	none := run(t, emulator.New(), "", audit.Options{})
	if n := none.Summary.FindingsByRule[contact.RuleMailDomainMissing]; n != 0 {
		t.Errorf("without a checker: %d mail-domain-missing", n)
	}
}
