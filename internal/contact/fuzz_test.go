package contact

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/altcontacts/altcontacts/internal/strict"
)

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(fullPolicy))
	f.Add([]byte("version: 1\n"))
	f.Add([]byte(`{"version": 1, "exclude": {"accounts": [12345678901]}}`))
	f.Add([]byte("version: 1\nx-t: &t {name: a, title: b, email: a@b.io, phone: \"+1\"}\ncontacts: {SECURITY: *t, BILLING: {<<: *t}}\n"))
	f.Add([]byte("version: 1\noverrides:\n  - ou: Root/Sandbox\n    account: 1\n"))
	f.Add([]byte("a: [\n"))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy("f.yaml", data)
		if (p == nil) == (err == nil) {
			t.Fatalf("want exactly one of policy and error, got %v and %v", p, err)
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "f.yaml:") {
					t.Errorf("error line %q does not name the file", line)
				}
			}
			var pe *strict.FileError
			if !errors.As(err, &pe) {
				t.Errorf("error %T is not a *strict.FileError", err)
			}
			return
		}
		if p.Version != 1 {
			t.Errorf("version %d accepted", p.Version)
		}
		contacts := []map[Type]Details{p.Contacts}
		for _, o := range p.Overrides {
			if (o.OU == "") == (o.Account == "") {
				t.Errorf("override %+v has both or neither of ou and account", o)
			}
			if o.Account != "" && !IsAccountID(o.Account) {
				t.Errorf("bad account id %q accepted", o.Account)
			}
			contacts = append(contacts, o.Contacts)
		}
		for _, m := range contacts {
			for typ, d := range m {
				if _, err := ParseType(string(typ)); err != nil {
					t.Errorf("bad type %q accepted", typ)
				}
				if err := d.Validate(); err != nil {
					t.Errorf("invalid contact accepted: %v", err)
				}
			}
		}
		for _, id := range p.Exclude.Accounts {
			if !IsAccountID(id) {
				t.Errorf("bad excluded account id %q accepted", id)
			}
		}
		for _, s := range p.Rules.Severity {
			if !s.Valid() {
				t.Errorf("invalid severity %d accepted", s)
			}
		}
		checkFindings(t, p.Check(), false)
		for _, e := range p.CheckErrors() {
			if e.Line <= 0 || e.Column <= 0 || e.Path == "" || strings.ContainsAny(e.Error(), "\n\r") {
				t.Errorf("policy refusal not located on one line: %q", e.Error())
			}
		}
		// Every desired contact, not one picked by map order, so that a
		// failing input fails every time.
		a := Account{ID: "123456789012", OUPath: "Root/Sandbox/Dev", OUIDs: []string{"r-ab12"}, Email: "root@acmepay.io", Contacts: map[Type]*Details{}}
		for typ, d := range p.Desired(a) {
			a.Contacts[typ] = &d
		}
		checkFindings(t, Evaluate(p, a), true)
		_ = p.Excluded(a)
	})
}

func FuzzEvaluate(f *testing.F) {
	f.Add("Security Operations", "Security Team", "security@acmepay.io", "+1 206 555 7700", "root@acmepay.io", uint8(0))
	f.Add("Marco Rossi", "Platform Lead", "marco.rossi@acmepay.io", "+1 206 555 0142", "root@acmepay.io", uint8(1))
	f.Add("TBD", "N/A", "test@example.com", "0000000000", "test@example.com", uint8(255))
	f.Add("José Núñez", "-", "jose.nunez@gmail.com", "+44 7700 900123", "", uint8(7))
	f.Add("", "", "", "", "", uint8(3))
	f.Fuzz(func(t *testing.T, name, title, email, phone, root string, flags uint8) {
		d := Details{Name: name, Title: title, Email: email, Phone: phone}
		_ = d.Validate()
		p := DefaultPolicy()
		if flags&1 != 0 {
			p.Rules.AllowedEmailDomains = []string{"acmepay.io"}
		}
		if flags&2 != 0 {
			p.Rules.GroupEmailPatterns = []string{"security@*", "*-oncall@*"}
		}
		if flags&4 != 0 {
			p.Rules.DeniedEmails = []string{strings.ToLower(strings.TrimSpace(email))}
			p.Rules.DeniedPhones = []string{phone}
		}
		if flags&8 != 0 {
			p.Contacts = map[Type]Details{Security: durable(), Billing: durable()}
		}
		if flags&16 != 0 {
			p.Require = Types()
		}
		contacts := map[Type]*Details{}
		for i, typ := range Types() {
			if flags&(32<<i) != 0 {
				contacts[typ] = &d
			}
		}
		a := Account{ID: "123456789012", Email: root, OUPath: "Root", Contacts: contacts}
		fs := Evaluate(p, a)
		checkFindings(t, fs, true)
		if again := Evaluate(p, a); !slices.Equal(fs, again) {
			t.Errorf("Evaluate is not deterministic")
		}
		if a.Contacts[Security] == nil && (len(fs) == 0 || fs[0].Rule != RuleAccount1) {
			t.Errorf("missing SECURITY contact must give Account.1 first, got %v", rulesFired(fs))
		}
		if ph := strings.TrimSpace(phone); len(digitsOf(ph)) > 4 {
			for _, f := range fs {
				if f.Field == fieldPhone && strings.Contains(f.Message, ph) {
					t.Errorf("finding leaks the phone number %q: %s", ph, f.Message)
				}
			}
		}
		_ = p.Check()
	})
}

// checkFindings asserts the invariants every finding list must meet.
// Policy.Check keeps declaration order, so only Evaluate's output is sorted.
func checkFindings(t *testing.T, fs []Finding, wantSorted bool) {
	t.Helper()
	sorted := slices.Clone(fs)
	SortFindings(sorted)
	if wantSorted && !slices.Equal(fs, sorted) {
		t.Errorf("findings not sorted: %v", rulesFired(fs))
	}
	for _, f := range fs {
		if !f.Severity.Valid() {
			t.Errorf("invalid severity in %+v", f)
		}
		if _, ok := RuleInfo(f.Rule); !ok {
			t.Errorf("unknown rule in %+v", f)
		}
		if _, err := ParseType(string(f.Type)); err != nil && (f.Type != Root || !strings.HasPrefix(f.Rule, "root-email-") || f.Rule == RuleRootEmailFallback) {
			t.Errorf("bad type in %+v", f)
		}
		if f.Message == "" || f.Hint == "" || strings.ContainsAny(f.Message, "\n\r") {
			t.Errorf("message must be one non-empty line, with a hint: %+v", f)
		}
	}
}
