package contact

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const fullPolicy = `version: 1
require: [SECURITY, operations]
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
  OPERATIONS:
    name: "  Cloud Platform On-Call "
    title: Platform Team
    email: platform-oncall@acmepay.io
    phone: +12065557701
rules:
  allowed_email_domains: [AcmePay.io, "@acme.com"]
  group_email_patterns: ["security@*", "*-security@*", "*-oncall@*", "ap@*"]
  denied_emails: [Marco.Rossi@acmepay.io]
  denied_phones: ["+1 206 555 0142"]
  distinct_types: true
  severity: {personal-name: info, Account.1: HIGH, root-email-personal: low}
overrides:
  - ou: Root/Sandbox/
    contacts: {SECURITY: {name: Sandbox Security, title: Security Team, email: sandbox-security@acmepay.io, phone: "+1 206 555 7702"}}
  - account: 012345678901
    contacts:
      BILLING: {name: Finance Team, title: Accounts Payable, email: ap@acmepay.io, phone: "+1 206 555 7703"}
  - ou: ou-ab12-34567890
    contacts:
      security: {name: Prod Security, title: Security Team, email: prod-security@acmepay.io, phone: "+1 206 555 7704"}
exclude: {accounts: ["999999999999"], ous: [Root/Suspended, r-ab12]}
`

func TestParsePolicyFull(t *testing.T) {
	p, err := ParsePolicy("policy.yaml", []byte(fullPolicy))
	if err != nil {
		t.Fatal(err)
	}
	want := &Policy{
		Version: 1,
		Require: []Type{Security, Operations},
		Contacts: map[Type]Details{
			Security:   durable(),
			Operations: {Name: "Cloud Platform On-Call", Title: "Platform Team", Email: "platform-oncall@acmepay.io", Phone: "+12065557701"},
		},
		Rules: Rules{
			AllowedEmailDomains: []string{"acmepay.io", "acme.com"},
			GroupEmailPatterns:  []string{"security@*", "*-security@*", "*-oncall@*", "ap@*"},
			DeniedEmails:        []string{"marco.rossi@acmepay.io"},
			DeniedPhones:        []string{"+1 206 555 0142"},
			DistinctTypes:       true,
			Severity:            map[string]Severity{"personal-name": Info, "Account.1": High, "root-email-personal": Low},
		},
		Overrides: []Override{
			{OU: "Root/Sandbox", Line: 18, Contacts: map[Type]Details{Security: {Name: "Sandbox Security", Title: "Security Team", Email: "sandbox-security@acmepay.io", Phone: "+1 206 555 7702"}}},
			{Account: "012345678901", Line: 20, Contacts: map[Type]Details{Billing: {Name: "Finance Team", Title: "Accounts Payable", Email: "ap@acmepay.io", Phone: "+1 206 555 7703"}}},
			{OU: "ou-ab12-34567890", Line: 23, Contacts: map[Type]Details{Security: {Name: "Prod Security", Title: "Security Team", Email: "prod-security@acmepay.io", Phone: "+1 206 555 7704"}}},
		},
		Exclude: Exclude{Accounts: []string{"999999999999"}, OUs: []string{"Root/Suspended", "r-ab12"}},
		Source:  "policy.yaml",
	}
	if diff := cmp.Diff(want, p, cmpopts.IgnoreUnexported(Policy{})); diff != "" {
		t.Errorf("policy mismatch (-want +got):\n%s", diff)
	}
	if fs := p.Check(); len(fs) != 0 {
		t.Errorf("Check() = %+v, want none", fs)
	}
}

func TestParsePolicyJSON(t *testing.T) {
	src := `{
	"version": 1,
	"contacts": {"SECURITY": {"name": "Security Operations", "title": "Security Team", "email": "security@acmepay.io", "phone": "+1 206 555 7700"}},
	"overrides": [{"account": "000000000042", "contacts": {"BILLING": {"name": "Finance", "title": "Finance Team", "email": "finance@acmepay.io", "phone": "+1 206 555 7703"}}}],
	"exclude": {"accounts": [123456789012]}
}`
	p, err := ParsePolicy("policy.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Overrides[0].Account; got != "000000000042" {
		t.Errorf("account = %q", got)
	}
	if diff := cmp.Diff([]string{"123456789012"}, p.Exclude.Accounts); diff != "" {
		t.Errorf("a 12-digit JSON number is accepted as is: %s", diff)
	}
	if diff := cmp.Diff(map[Type]Details{Security: durable()}, p.Contacts); diff != "" {
		t.Error(diff)
	}
}

func TestParsePolicyMinimal(t *testing.T) {
	p, err := ParsePolicy("p.yaml", []byte("version: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultPolicy()
	want.Source = "p.yaml"
	if diff := cmp.Diff(want, p, cmpopts.IgnoreUnexported(Policy{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// An explicit empty require list means nothing beyond Account.1.
	p, err = ParsePolicy("p.yaml", []byte("version: 1\nrequire: []\ncontacts:\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Require) != 0 || len(p.Contacts) != 0 {
		t.Errorf("got %+v", p)
	}
}

func TestParsePolicyAnchors(t *testing.T) {
	src := `version: 1
x-team: &team {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
contacts:
  SECURITY: *team
  OPERATIONS:
    <<: *team
    email: ops@acmepay.io
`
	p, err := ParsePolicy("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ops := durable()
	ops.Email = "ops@acmepay.io"
	if diff := cmp.Diff(map[Type]Details{Security: durable(), Operations: ops}, p.Contacts); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParsePolicyErrors(t *testing.T) {
	const sec = `  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}` + "\n"
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"unknown_top_key", "version: 1\ncontact:\n" + sec,
			"policy.yaml:2:1: contact: unknown key (known keys: version, require, contacts, rules, overrides, exclude)"},
		{"unknown_nested_key", "version: 1\nrules:\n  allowed_domains: [acmepay.io]\n",
			"policy.yaml:3:3: rules.allowed_domains: unknown key (known keys: allowed_email_domains, group_email_patterns, denied_emails, denied_phones, distinct_types, severity, domain_expiry_days)"},
		{"unknown_contact_field", "version: 1\ncontacts:\n  SECURITY: {name: a b, title: t, email: a@b.io, phone: \"+1 206 555 7700\", mobile: \"1\"}\n",
			"policy.yaml:3:76: contacts.SECURITY.mobile: unknown key (known keys: name, title, email, phone)"},
		{"bad_email", "version: 1\ncontacts:\n  SECURITY:\n    name: Security Operations\n    title: Security Team\n    phone: \"+1 206 555 7700\"\n    email: x\n",
			`policy.yaml:7:5: contacts.SECURITY.email: "x" is not a valid email address`},
		{"name_too_long", "version: 1\ncontacts:\n  BILLING:\n    name: " + strings.Repeat("n", 65) + "\n    title: Finance\n    email: finance@acmepay.io\n    phone: \"+1 206 555 7700\"\n",
			"policy.yaml:4:5: contacts.BILLING.name: must be at most 64 characters, got 65"},
		{"bad_type_key", "version: 1\ncontacts:\n  SECURTY: {name: a, title: b, email: a@b.io, phone: \"+1\"}\n",
			`policy.yaml:3:3: contacts.SECURTY: unknown contact type "SECURTY" (want SECURITY, OPERATIONS or BILLING)`},
		{"duplicate_type_key_case", "version: 1\ncontacts:\n" + sec + "  security: {name: a, title: b, email: a@b.io, phone: \"+1\"}\n",
			"policy.yaml:4:3: contacts.security: SECURITY is declared twice"},
		{"bad_require", "version: 1\nrequire: [SECURITY, PRIMARY]\n",
			`policy.yaml:2:21: require[1]: unknown contact type "PRIMARY" (want SECURITY, OPERATIONS or BILLING)`},
		{"duplicate_require", "version: 1\nrequire:\n  - SECURITY\n  - security\n",
			"policy.yaml:4:5: require[1]: SECURITY is listed twice"},
		{"bad_severity", "version: 1\nrules:\n  severity:\n    personal-name: whatever\n",
			`policy.yaml:4:5: rules.severity.personal-name: unknown severity "whatever" (want info, low, medium, high or critical)`},
		{"bad_domain_expiry_days", "version: 1\nrules:\n  domain_expiry_days: soon\n",
			`policy.yaml:3:3: rules.domain_expiry_days: want a whole number of days from 1 to 3650, got "soon"`},
		{"zero_domain_expiry_days", "version: 1\nrules:\n  domain_expiry_days: 0\n",
			`policy.yaml:3:3: rules.domain_expiry_days: want a whole number of days from 1 to 3650, got "0"`},
		{"fractional_domain_expiry_days", "version: 1\nrules:\n  domain_expiry_days: 1.5\n",
			`policy.yaml:3:3: rules.domain_expiry_days: want a whole number of days from 1 to 3650, got "1.5"`},
		{"bad_distinct_types", "version: 1\nrules:\n  distinct_types: sometimes\n",
			`policy.yaml:3:3: rules.distinct_types: want true or false, got "sometimes"`},
		{"bad_rule_id", "version: 1\nrules:\n  severity: {personal_name: low}\n",
			`policy.yaml:3:14: rules.severity.personal_name: unknown rule "personal_name" (rules: Account.1, contact-missing, placeholder, invalid-phone, personal-address, free-mail, root-email-fallback, domain-not-allowed, denied-address, personal-name, drift, distinct-types, root-email-personal, root-email-free-mail, root-email-domain, root-email-denied, mail-domain-missing, mail-domain-no-mail, mail-domain-expiring, mail-domain-unchecked)`},
		{"bad_account_id_short", "version: 1\noverrides:\n  - account: \"12345\"\n    contacts:\n    " + sec,
			`policy.yaml:3:5: overrides[0].account: "12345" is not a 12-digit account id`},
		{"bad_account_id_number_lost_zero", `{"version": 1, "exclude": {"accounts": [12345678901]}}`,
			`policy.json:1:41: exclude.accounts[0]: 12345678901 is not a 12-digit account id (write account ids as quoted strings so leading zeros survive)`},
		{"missing_field", "version: 1\ncontacts:\n  SECURITY:\n    name: Security Operations\n    title: Security Team\n    email: security@acmepay.io\n",
			"policy.yaml:3:3: contacts.SECURITY.phone: is required (a contact needs name, title, email and phone)"},
		{"empty_field", "version: 1\ncontacts:\n  SECURITY: {name: Security Operations, title: , email: security@acmepay.io, phone: \"+1 206 555 7700\"}\n",
			"policy.yaml:3:41: contacts.SECURITY.title: value is missing"},
		{"null_contact", "version: 1\ncontacts:\n  SECURITY:\n",
			"policy.yaml:3:3: contacts.SECURITY: must be a contact with name, title, email and phone"},
		{"override_both", "version: 1\noverrides:\n  - ou: Root/Sandbox\n    account: \"123456789012\"\n    contacts:\n    " + sec,
			"policy.yaml:3:5: overrides[0]: set either ou or account, not both"},
		{"override_neither", "version: 1\noverrides:\n  - contacts:\n    " + sec,
			"policy.yaml:3:5: overrides[0]: needs ou (an OU id or a path like Root/Sandbox) or account (a 12-digit id)"},
		{"override_bad_ou", "version: 1\noverrides:\n  - ou: Sandbox\n    contacts:\n    " + sec,
			`policy.yaml:3:5: overrides[0].ou: "Sandbox" is neither an OU id (ou-...) nor a path from the root (Root/...)`},
		{"override_no_contacts", "version: 1\noverrides:\n  - ou: Root/Sandbox\n",
			"policy.yaml:3:5: overrides[0].contacts: is required"},
		{"version_missing", "contacts:\n" + sec,
			"policy.yaml:1:1: version: is required; add version: 1"},
		{"version_2", "version: 2\n",
			"policy.yaml:1:1: version: unsupported version 2 (this altcontacts understands version 1)"},
		{"empty_file", "",
			"policy.yaml:1:1: version: is required; the policy is empty (start it with version: 1)"},
		{"not_a_mapping", "- version: 1\n",
			"policy.yaml:1:1: must be a mapping, got a list"},
		{"rules_not_a_mapping", "version: 1\nrules: [a]\n",
			"policy.yaml:2:1: rules: must be a mapping, got a list"},
		{"list_expected", "version: 1\nrequire: SECURITY\n",
			`policy.yaml:2:1: require: must be a list, got "SECURITY"`},
		{"bad_glob", "version: 1\nrules:\n  group_email_patterns: [\"[security@*\"]\n",
			`policy.yaml:3:26: rules.group_email_patterns[0]: "[security@*" is not a valid glob pattern`},
		{"glob_without_at", "version: 1\nrules:\n  group_email_patterns: [security]\n",
			`policy.yaml:3:26: rules.group_email_patterns[0]: "security" has no @; patterns match the whole address, e.g. security@*`},
		{"bad_domain", "version: 1\nrules:\n  allowed_email_domains: [\"*.acmepay.io\"]\n",
			`policy.yaml:3:27: rules.allowed_email_domains[0]: "*.acmepay.io" is not a domain name (subdomains of a listed domain are allowed automatically)`},
		{"bad_denied_email", "version: 1\nrules:\n  denied_emails: [marco]\n",
			`policy.yaml:3:19: rules.denied_emails[0]: "marco" is not a valid email address`},
		{"duplicate_key", "version: 1\nversion: 1\n",
			`policy.yaml:2:1: mapping key "version" already defined at [1:1]`},
		{"syntax", "version: 1\ncontacts: {SECURITY: \n",
			`policy.yaml:2:20: could not find map value`},
		{"two_documents", "version: 1\n---\nversion: 1\n",
			"policy.yaml:3:1: a policy must be a single YAML document (found document 2)"},
		{"unknown_alias", "version: 1\ncontacts:\n  SECURITY: *nope\n",
			"policy.yaml:3:13: contacts.SECURITY: unknown alias *nope"},
		{"several_errors_in_file_order", "version: 1\nfoo: 1\nrules:\n  severity: {drift: nope}\nbar: 2\n",
			"policy.yaml:2:1: foo: unknown key (known keys: version, require, contacts, rules, overrides, exclude)\n" +
				`policy.yaml:4:14: rules.severity.drift: unknown severity "nope" (want info, low, medium, high or critical)` + "\n" +
				"policy.yaml:5:1: bar: unknown key (known keys: version, require, contacts, rules, overrides, exclude)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "policy.yaml"
			if strings.HasPrefix(tt.want, "policy.json") {
				name = "policy.json"
			}
			p, err := ParsePolicy(name, []byte(tt.src))
			if err == nil {
				t.Fatalf("ParsePolicy succeeded: %+v", p)
			}
			if p != nil {
				t.Errorf("ParsePolicy returned a policy with an error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
			var pe *FileError
			if !errors.As(err, &pe) || pe.File != name {
				t.Errorf("error %T does not unwrap to a *FileError for %s", err, name)
			}
		})
	}
}

// A merge list is searched in order: for <<: [*b, *a] b's keys win over a's,
// whichever anchor is written first; keys written in the mapping win over
// both.
func TestParsePolicyMergeListOrder(t *testing.T) {
	src := `version: 1
x-a: &a {name: Security Operations, title: Security Team, email: a@acmepay.io, phone: "+1 206 555 7700"}
x-b: &b {email: b@acmepay.io, title: Operations Team}
contacts:
  SECURITY:
    <<: [*b, *a]
  OPERATIONS:
    <<: [*b, *a]
    email: ops@acmepay.io
`
	p, err := ParsePolicy("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sec := durable()
	sec.Email = "b@acmepay.io"
	sec.Title = "Operations Team"
	ops := sec
	ops.Email = "ops@acmepay.io"
	if diff := cmp.Diff(map[Type]Details{Security: sec, Operations: ops}, p.Contacts); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
