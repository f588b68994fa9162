package starter_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/inventory"
	"github.com/altcontacts/altcontacts/internal/plan"
	"github.com/altcontacts/altcontacts/internal/starter"
)

func client(e *emulator.Emulator) *awsorg.Client {
	e.Update(func(s *emulator.State) { s.Settings.QuotaScale = 50 })
	return awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(50)})
}

func generated(t *testing.T) *emulator.Emulator {
	t.Helper()
	st, err := emulator.Generate(60, 7)
	if err != nil {
		t.Fatal(err)
	}
	return emulator.New(emulator.WithState(st))
}

func standaloneWithContact(t *testing.T) *emulator.Emulator {
	t.Helper()
	e := emulator.New(emulator.WithScenario("standalone"))
	e.Update(func(s *emulator.State) {
		s.Accounts[0].Contacts["BILLING"] = &emulator.Contact{Name: "Finance", Title: "Accounts Payable", Email: "billing@solo.example-corp.io", Phone: "+1 206 555 7710"}
	})
	return e
}

// refusals are the errors plan and apply would stop on.
func refusals(p *contact.Policy) []string {
	var out []string
	for _, pe := range p.CheckErrors() {
		out = append(out, pe.Path)
	}
	return out
}

func TestInitPolicies(t *testing.T) {
	tests := []struct {
		name       string
		emu        func(t *testing.T) *emulator.Emulator
		wantEmail  string
		wantOU     string // the override example's target
		wantDomain string
	}{
		{"fintech", func(*testing.T) *emulator.Emulator { return emulator.New() }, "security@acmepay.io", "ou: Root/Sandbox", "the domain of 20 of 24 root emails"},
		{"generated", generated, "security@acmepay.io", "ou: Root/Sandbox", "root emails"},
		{"standalone_with_a_contact", standaloneWithContact, "security@solo.example-corp.io", `account: "845201937466"`, "the domain of 1 of 1 contact emails"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			c := client(tc.emu(t))

			// Without --phone: the file parses, and plan refuses exactly
			// the marked placeholder phone.
			res, err := starter.Run(ctx, c, starter.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Email != tc.wantEmail || !strings.Contains(res.DomainSource, tc.wantDomain) {
				t.Errorf("email %q from %q, want %q from %q", res.Email, res.DomainSource, tc.wantEmail, tc.wantDomain)
			}
			p, err := contact.ParsePolicy("contacts.yaml", res.Data)
			if err != nil {
				t.Fatalf("the starter policy does not parse: %v\n%s", err, res.Data)
			}
			if got := refusals(p); len(got) != 1 || got[0] != "contacts.SECURITY.phone" || !res.PlaceholderPhone {
				t.Errorf("refusals without --phone = %v, want the placeholder phone only", got)
			}
			if line := strings.Split(string(res.Data), "\n")[res.PhoneLine-1]; !strings.Contains(line, starter.PlaceholderPhone) || !strings.Contains(line, "PLACEHOLDER") {
				t.Errorf("line %d is not the marked placeholder: %q", res.PhoneLine, line)
			}
			if !strings.Contains(string(res.Data), "#   - "+tc.wantOU) {
				t.Errorf("override example does not name %s:\n%s", tc.wantOU, res.Data)
			}

			// With --phone: nothing to refuse, and plan builds on the
			// organization it came from (every reference resolves).
			res, err = starter.Run(ctx, c, starter.Options{Phone: "+1 206 555 7700"})
			if err != nil {
				t.Fatal(err)
			}
			p, err = contact.ParsePolicy("contacts.yaml", res.Data)
			if err != nil {
				t.Fatal(err)
			}
			if got := refusals(p); len(got) != 0 {
				t.Errorf("refusals with --phone = %v", got)
			}
			if got := p.Rules.AllowedEmailDomains; len(got) != 1 || "security@"+got[0] != tc.wantEmail {
				t.Errorf("allowed_email_domains = %v", got)
			}
			pl, err := plan.Build(ctx, c, p, res.Data, plan.Options{})
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			if pl.Summary.Create+pl.Summary.Update+pl.Summary.Noop == 0 {
				t.Errorf("plan has nothing for SECURITY: %+v", pl.Summary)
			}
			// The commented override becomes valid YAML once uncommented.
			uncommented := strings.NewReplacer("# overrides:", "overrides:", "#   - ", "  - ", "#     contacts:", "    contacts:", "#       SECURITY", "      SECURITY").Replace(string(res.Data))
			up, err := contact.ParsePolicy("contacts.yaml", []byte(uncommented))
			if err != nil || len(up.Overrides) != 1 {
				t.Fatalf("the override example does not parse once uncommented: %v\n%s", err, uncommented)
			}
			if _, err := plan.Build(ctx, c, up, []byte(uncommented), plan.Options{}); err != nil {
				t.Errorf("the override example names what the organization does not have: %v", err)
			}
		})
	}
}

// A standalone account with no contact has no domain to learn: the email is
// a marked placeholder too, and --email fills it.
func TestInitStandaloneWithoutDomain(t *testing.T) {
	ctx := context.Background()
	c := client(emulator.New(emulator.WithScenario("standalone")))
	res, err := starter.Run(ctx, c, starter.Options{Phone: "+1 206 555 7700"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := contact.ParsePolicy("contacts.yaml", res.Data)
	if err != nil {
		t.Fatal(err)
	}
	if got := refusals(p); !res.PlaceholderEmail || len(got) != 1 || got[0] != "contacts.SECURITY.email" {
		t.Errorf("refusals = %v, placeholder email %v", got, res.PlaceholderEmail)
	}
	res, err = starter.Run(ctx, c, starter.Options{Phone: "+1 206 555 7700", Email: "secops@solo-corp.io", Name: "Solo Security"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ = contact.ParsePolicy("contacts.yaml", res.Data)
	if got := refusals(p); len(got) != 0 {
		t.Errorf("refusals = %v", got)
	}
	if d := p.Contacts[contact.Security]; d.Email != "secops@solo-corp.io" || d.Name != "Solo Security" {
		t.Errorf("SECURITY = %+v", d)
	}
	if _, err := plan.Build(ctx, c, p, res.Data, plan.Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestInitRefusesBadFlags(t *testing.T) {
	for _, o := range []starter.Options{
		{Phone: "+1 000 000 0000"},
		{Phone: "call me"},
		{Email: "not-an-address"},
		{Email: "secops@gmail.com"},
		{Email: "test@acmepay.io"},
		{Name: "TBD"},
	} {
		if err := starter.CheckOptions(o); !errors.Is(err, starter.ErrBadInput) {
			t.Errorf("%+v: err = %v, want ErrBadInput", o, err)
		}
	}
	if err := starter.CheckOptions(starter.Options{Phone: "+44 20 7946 1234", Email: "secops@acmepay.io", Name: "Security Ops"}); err != nil {
		t.Errorf("good flags refused: %v", err)
	}
}

// Values that need YAML quoting survive the round trip.
func TestInitQuotes(t *testing.T) {
	rep := &inventory.Inventory{Accounts: []inventory.Account{{Account: contact.Account{ID: "111111111111", Email: "root@acmepay.io", OUPath: "Root"}}}}
	res, err := starter.Generate(rep, starter.Options{Phone: "+1 206 555 7700", Name: `Security: "Ops" # team`})
	if err != nil {
		t.Fatal(err)
	}
	p, err := contact.ParsePolicy("c.yaml", res.Data)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Contacts[contact.Security].Name; got != `Security: "Ops" # team` {
		t.Errorf("name = %q", got)
	}
}
