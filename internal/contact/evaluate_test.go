package contact

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// durable is the contact every rule must leave alone.
func durable() Details {
	return Details{Name: "Security Operations", Title: "Security Team", Email: "security@acmepay.io", Phone: "+1 206 555 7700"}
}

func with(mod func(*Details)) *Details {
	d := durable()
	mod(&d)
	return &d
}

func acct(contacts map[Type]*Details) Account {
	return Account{
		ID: "111111111111", Name: "prod", Email: "aws-prod@acmepay.io",
		OUPath: "Root/Workloads/Prod", OUIDs: []string{"r-ab12", "ou-ab12-11111111", "ou-ab12-22222222"},
		Contacts: contacts,
	}
}

func secOnly(d *Details) Account { return acct(map[Type]*Details{Security: d}) }

func rulesFired(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Type)+"/"+f.Rule+"/"+f.Field)
	}
	return out
}

func TestEvaluateAcceptance(t *testing.T) {
	tests := []struct {
		name string
		a    Account
		want []string
	}{
		{"durable contact has no findings", secOnly(with(func(*Details) {})), nil},
		{"durable contact with surrounding spaces has no findings", secOnly(&Details{
			Name: " Security Operations ", Title: "Security Team ", Email: " security@acmepay.io ", Phone: " +1 206 555 7700 "}), nil},
		{"person", secOnly(with(func(d *Details) {
			d.Name, d.Title, d.Email = "Marco Rossi", "Platform Lead", "marco.rossi@acmepay.io"
		})), []string{"SECURITY/personal-address/email", "SECURITY/personal-name/name"}},
		{"free-mail", secOnly(with(func(d *Details) { d.Email = "secops.acmepay@gmail.com" })),
			[]string{"SECURITY/free-mail/email"}},
		{"example.com", secOnly(with(func(d *Details) { d.Email = "security@example.com" })),
			[]string{"SECURITY/placeholder/email"}},
		{"TBD name", secOnly(with(func(d *Details) { d.Name = "TBD" })),
			[]string{"SECURITY/placeholder/name"}},
		{"root email", secOnly(with(func(d *Details) { d.Email = "AWS-Prod@acmepay.io " })),
			[]string{"SECURITY/root-email-fallback/email"}},
		{"no security contact", acct(nil), []string{"SECURITY/Account.1/"}},
		{"only other types", acct(map[Type]*Details{Operations: with(func(*Details) {}), Billing: nil}),
			[]string{"SECURITY/Account.1/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rulesFired(Evaluate(DefaultPolicy(), tt.a))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluateNilPolicyIsDefault(t *testing.T) {
	a := acct(map[Type]*Details{Billing: with(func(d *Details) { d.Name = "TBD" })})
	if diff := cmp.Diff(Evaluate(DefaultPolicy(), a), Evaluate(nil, a)); diff != "" {
		t.Errorf("nil policy differs from DefaultPolicy (-default +nil):\n%s", diff)
	}
}

// ruleCase checks whether one rule fires on one account.
type ruleCase struct {
	name   string
	policy *Policy // nil means DefaultPolicy
	a      Account
	fires  bool
	field  string // expected Field when it fires
	typ    Type   // expected Type when it fires; defaults to SECURITY
}

func policyWith(mod func(*Policy)) *Policy {
	p := DefaultPolicy()
	mod(p)
	return p
}

func TestEvaluate(t *testing.T) {
	email := func(e string) Account { return secOnly(with(func(d *Details) { d.Email = e })) }
	phone := func(ph string) Account { return secOnly(with(func(d *Details) { d.Phone = ph })) }
	name := func(n string) Account { return secOnly(with(func(d *Details) { d.Name = n })) }
	title := func(n string) Account { return secOnly(with(func(d *Details) { d.Title = n })) }
	person := func(n, e string) Account {
		return secOnly(with(func(d *Details) { d.Name, d.Email = n, e }))
	}

	root := func(e string) Account {
		a := secOnly(with(func(*Details) {}))
		a.Email = e
		return a
	}
	allowed := policyWith(func(p *Policy) { p.Rules.AllowedEmailDomains = []string{"acmepay.io"} })
	denied := policyWith(func(p *Policy) { p.Rules.DeniedEmails = []string{"marco.rossi@acmepay.io"} })
	distinct := policyWith(func(p *Policy) { p.Rules.DistinctTypes = true })
	shared := func(ops, billing string) Account {
		return acct(map[Type]*Details{
			Security:   with(func(*Details) {}),
			Operations: with(func(d *Details) { d.Name, d.Email = "Cloud Platform", ops }),
			Billing:    with(func(d *Details) { d.Name, d.Email = "Finance Operations", billing }),
		})
	}

	cases := map[string][]ruleCase{
		RuleDistinctTypes: {
			{name: "off_by_default", a: shared("security@acmepay.io", "billing@acmepay.io")},
			{name: "all_distinct", policy: distinct, a: shared("cloud-ops@acmepay.io", "billing@acmepay.io")},
			{name: "operations_shares_security", policy: distinct, a: shared("security@acmepay.io", "billing@acmepay.io"),
				fires: true, field: "email", typ: Operations},
			{name: "case_and_space_insensitive", policy: distinct, a: shared("cloud-ops@acmepay.io", " Security@AcmePay.io "),
				fires: true, field: "email", typ: Billing},
			{name: "missing_types_ignored", policy: distinct, a: secOnly(with(func(*Details) {}))},
		},
		RuleRootEmailPersonal: {
			{name: "first_dot_last", a: root("alice.nguyen@acmepay.io"), fires: true, field: "email", typ: Root},
			{name: "plus_tag", a: root("alice.nguyen+aws@acmepay.io"), fires: true, field: "email", typ: Root},
			{name: "aws_plus_alias", a: root("aws+payments-prod@acmepay.io")},
			{name: "team_mailbox", a: root("aws-root@acmepay.io")},
			{name: "group_dotted", a: root("cloud.platform@acmepay.io")},
			{name: "standalone_unknown", a: root("")},
		},
		RuleRootEmailFreeMail: {
			{name: "gmail", a: root("acmepay.aws@gmail.com"), fires: true, field: "email", typ: Root},
			{name: "country_family", a: root("aws-root@yahoo.co.uk"), fires: true, field: "email", typ: Root},
			{name: "own_domain", a: root("aws-root@acmepay.io")},
		},
		RuleRootEmailDomain: {
			{name: "no_allowed_list", a: root("aws-root@acmepay-old.com")},
			{name: "allowed", policy: allowed, a: root("aws-root@acmepay.io")},
			{name: "subdomain_allowed", policy: allowed, a: root("aws-root@corp.acmepay.io")},
			{name: "other_domain", policy: allowed, a: root("aws-root@acmepay-old.com"), fires: true, field: "email", typ: Root},
		},
		RuleRootEmailDenied: {
			{name: "not_denied", policy: denied, a: root("aws-root@acmepay.io")},
			{name: "denied_any_case", policy: denied, a: root("Marco.Rossi@AcmePay.io"), fires: true, field: "email", typ: Root},
		},
		RuleAccount1: {
			{name: "missing", a: acct(nil), fires: true},
			{name: "nil_entry", a: acct(map[Type]*Details{Security: nil}), fires: true},
			{name: "present", a: secOnly(with(func(*Details) {}))},
			{name: "not_required_still_fires", policy: policyWith(func(p *Policy) { p.Require = nil }), a: acct(nil), fires: true},
		},
		RuleContactMissing: {
			{name: "required_operations_missing", policy: policyWith(func(p *Policy) { p.Require = []Type{Security, Operations} }),
				a: secOnly(with(func(*Details) {})), fires: true, typ: Operations},
			{name: "required_present", policy: policyWith(func(p *Policy) { p.Require = []Type{Security, Operations} }),
				a: acct(map[Type]*Details{Security: with(func(*Details) {}), Operations: with(func(*Details) {})})},
			{name: "not_required", a: secOnly(with(func(*Details) {}))},
			{name: "security_is_account1_not_this", policy: policyWith(func(p *Policy) { p.Require = []Type{Security} }), a: acct(nil)},
		},
		RulePlaceholder: {
			{name: "reserved_domain", a: email("security@example.com"), fires: true, field: "email"},
			{name: "reserved_domain_org_subdomain", a: email("security@corp.example.org"), fires: true, field: "email"},
			{name: "reserved_tld_test", a: email("security@acme.test"), fires: true, field: "email"},
			{name: "reserved_tld_invalid", a: email("security@acme.invalid"), fires: true, field: "email"},
			{name: "reserved_tld_localhost", a: email("root@host.localhost"), fires: true, field: "email"},
			{name: "reserved_tld_example", a: email("security@acme.example"), fires: true, field: "email"},
			{name: "test_local", a: email("test@acmepay.io"), fires: true, field: "email"},
			{name: "test_local_digits", a: email("test123@acmepay.io"), fires: true, field: "email"},
			{name: "noreply_local", a: email("no-reply@acmepay.io"), fires: true, field: "email"},
			{name: "noreply_tagged", a: email("noreply+aws@acmepay.io"), fires: true, field: "email"},
			{name: "xxx_local", a: email("xxxx@acmepay.io"), fires: true, field: "email"},
			{name: "example_like_domain_ok", a: email("security@examples.com")},
			{name: "testing_team_ok", a: email("security-testing@acmepay.io")},
			{name: "name_tbd", a: name("TBD"), fires: true, field: "name"},
			{name: "name_john_doe", a: name("john  DOE"), fires: true, field: "name"},
			{name: "name_dash", a: name("-"), fires: true, field: "name"},
			{name: "name_question", a: name("?"), fires: true, field: "name"},
			{name: "title_na", a: title("N/A"), fires: true, field: "title"},
			{name: "title_none", a: title("none"), fires: true, field: "title"},
			{name: "title_xxx", a: title("XXXXX"), fires: true, field: "title"},
			{name: "title_real", a: title("Security Team")},
			{name: "name_real", a: name("Security Operations")},
			{name: "phone_zeros", a: phone("+1 000 000 0000"), fires: true, field: "phone"},
			{name: "phone_zeros_national", a: phone("0000000000"), fires: true, field: "phone"},
			{name: "phone_repeated", a: phone("+1 111 111 1111"), fires: true, field: "phone"},
			{name: "phone_repeated_after_cc", a: phone("+44 7777 777777"), fires: true, field: "phone"},
			{name: "phone_run_up", a: phone("+1234567890"), fires: true, field: "phone"},
			{name: "phone_run_nsn", a: phone("+1 234 567 8901"), fires: true, field: "phone"},
			{name: "phone_run_zero_first", a: phone("0123456789"), fires: true, field: "phone"},
			{name: "phone_run_down", a: phone("9876543210"), fires: true, field: "phone"},
			{name: "phone_nanp_fiction_low", a: phone("+1 206 555 0100"), fires: true, field: "phone"},
			{name: "phone_nanp_fiction", a: phone("+1 (206) 555-0142"), fires: true, field: "phone"},
			{name: "phone_nanp_fiction_high", a: phone("+12125550199"), fires: true, field: "phone"},
			{name: "phone_nanp_555_real", a: phone("+1 206 555 7700")},
			{name: "phone_nanp_555_0200", a: phone("+1 206 555 0200")},
			{name: "phone_uk_drama_london", a: phone("+44 20 7946 0123"), fires: true, field: "phone"},
			{name: "phone_uk_drama_mobile", a: phone("+44 7700 900123"), fires: true, field: "phone"},
			{name: "phone_uk_real", a: phone("+44 20 7946 1234")},
			{name: "phone_de_real", a: phone("+49 30 2385 6410")},
		},
		RuleInvalidPhone: {
			{name: "valid_us", a: phone("+1 206 555 7700")},
			{name: "valid_uk", a: phone("+44 20 7946 1234")},
			{name: "national_form", a: phone("(206) 555-7700"), fires: true, field: "phone"},
			{name: "double_zero_prefix", a: phone("0044 20 7946 1234"), fires: true, field: "phone"},
			{name: "bad_country_code", a: phone("+999 1234 5678"), fires: true, field: "phone"},
			{name: "too_short", a: phone("+1 206 555"), fires: true, field: "phone"},
			{name: "letters", a: phone("+1 800 FLOWERS"), fires: true, field: "phone"},
			// Placeholders are reported as placeholder; the number being
			// unassigned is not reported again...
			{name: "placeholder_uk_mobile_not_double_reported", a: phone("+44 7700 900123")},
			{name: "placeholder_zeros_intl_not_double_reported", a: phone("+1 000 000 0000")},
			// ...but how it is written still is.
			{name: "placeholder_national_form_still_reported", a: phone("0000000000"), fires: true, field: "phone"},
		},
		RulePersonalAddress: {
			{name: "first_dot_last_matching_name", a: person("Marco Rossi", "marco.rossi@acmepay.io"), fires: true, field: "email"},
			{name: "initial_last", a: person("Marco Rossi", "mrossi@acmepay.io"), fires: true, field: "email"},
			{name: "first_only", a: person("Marco Rossi", "marco@acmepay.io"), fires: true, field: "email"},
			{name: "last_dot_first", a: person("Marco Rossi", "rossi.marco@acmepay.io"), fires: true, field: "email"},
			{name: "accented_name", a: person("José Núñez", "jose.nunez@acmepay.io"), fires: true, field: "email"},
			{name: "middle_initial", a: person("Marco J. Rossi", "mjrossi@acmepay.io"), fires: true, field: "email"},
			{name: "plus_tag_and_digits", a: person("Marco Rossi", "marco.rossi2+aws@acmepay.io"), fires: true, field: "email"},
			{name: "first_last_without_name", a: email("anna.bianchi@acmepay.io"), fires: true, field: "email"},
			{name: "first_underscore_last_without_name", a: email("anna_bianchi@acmepay.io"), fires: true, field: "email"},
			{name: "group_local", a: email("security@acmepay.io")},
			{name: "group_dotted", a: email("security.team@acmepay.io")},
			{name: "group_oncall", a: email("platform-oncall@acmepay.io")},
			{name: "group_aws_security", a: email("aws-security@acmepay.io")},
			{name: "group_runtogether", a: email("awssecurity@acmepay.io")},
			{name: "group_soc", a: email("soc@acmepay.io")},
			{name: "group_environment", a: email("aws.prod@acmepay.io")},
			{name: "group_local_even_with_person_name", a: person("Marco Rossi", "secops@acmepay.io")},
			{name: "name_unrelated_single_word", a: person("Marco Rossi", "cirrus@acmepay.io")},
			{name: "patterns_match", policy: policyWith(func(p *Policy) { p.Rules.GroupEmailPatterns = []string{"security@*", "*-oncall@*"} }),
				a: email("Security@AcmePay.io")},
			{name: "patterns_no_match", policy: policyWith(func(p *Policy) { p.Rules.GroupEmailPatterns = []string{"security@*", "*-oncall@*"} }),
				a: email("secops@acmepay.io"), fires: true, field: "email"},
			{name: "patterns_override_heuristic", policy: policyWith(func(p *Policy) { p.Rules.GroupEmailPatterns = []string{"*.*@acmepay.io"} }),
				a: person("Marco Rossi", "marco.rossi@acmepay.io")},
		},
		RuleFreeMail: {
			{name: "gmail", a: email("secops.acmepay@gmail.com"), fires: true, field: "email"},
			{name: "gmail_uppercase", a: email("SecOps@GMAIL.COM"), fires: true, field: "email"},
			{name: "yahoo_country", a: email("security@yahoo.co.uk"), fires: true, field: "email"},
			{name: "hotmail_fr", a: email("security@hotmail.fr"), fires: true, field: "email"},
			{name: "proton", a: email("security@proton.me"), fires: true, field: "email"},
			{name: "corporate", a: email("security@acmepay.io")},
			{name: "gmail_lookalike", a: email("security@gmail.acmepay.io")},
			{name: "yahoo_corporate_subdomain", a: email("security@yahoo.corporate.example")},
		},
		RuleRootEmailFallback: {
			{name: "equal", a: email("aws-prod@acmepay.io"), fires: true, field: "email"},
			{name: "equal_case_and_space", a: email("  AWS-Prod@AcmePay.io"), fires: true, field: "email"},
			{name: "different", a: email("security@acmepay.io")},
			{name: "other_type_not_checked", a: acct(map[Type]*Details{
				Security:   with(func(*Details) {}),
				Operations: with(func(d *Details) { d.Email = "aws-prod@acmepay.io" }),
			})},
			{name: "unknown_root_email", a: Account{ID: "111111111111", Contacts: map[Type]*Details{Security: with(func(*Details) {})}}},
		},
		RuleDomainNotAllowed: {
			{name: "unset", a: email("security@other.io")},
			{name: "allowed", policy: policyWith(func(p *Policy) { p.Rules.AllowedEmailDomains = []string{"acmepay.io"} }),
				a: email("security@acmepay.io")},
			{name: "subdomain_allowed", policy: policyWith(func(p *Policy) { p.Rules.AllowedEmailDomains = []string{"acmepay.io"} }),
				a: email("security@eu.acmepay.io")},
			{name: "suffix_is_not_subdomain", policy: policyWith(func(p *Policy) { p.Rules.AllowedEmailDomains = []string{"acmepay.io"} }),
				a: email("security@notacmepay.io"), fires: true, field: "email"},
			{name: "other_domain", policy: policyWith(func(p *Policy) { p.Rules.AllowedEmailDomains = []string{"acmepay.io", "acme.com"} }),
				a: email("security@partner.io"), fires: true, field: "email"},
		},
		RuleDeniedAddress: {
			{name: "email_denied", policy: policyWith(func(p *Policy) { p.Rules.DeniedEmails = []string{"marco.rossi@acmepay.io"} }),
				a: email("Marco.Rossi@acmepay.io"), fires: true, field: "email"},
			{name: "email_not_denied", policy: policyWith(func(p *Policy) { p.Rules.DeniedEmails = []string{"marco.rossi@acmepay.io"} }),
				a: email("security@acmepay.io")},
			{name: "phone_denied_other_format", policy: policyWith(func(p *Policy) { p.Rules.DeniedPhones = []string{"+12065557700"} }),
				a: phone("+1 (206) 555-7700"), fires: true, field: "phone"},
			{name: "phone_denied_without_plus", policy: policyWith(func(p *Policy) { p.Rules.DeniedPhones = []string{"1 206 555 7700"} }),
				a: phone("+1 206 555 7700"), fires: true, field: "phone"},
			{name: "phone_not_denied", policy: policyWith(func(p *Policy) { p.Rules.DeniedPhones = []string{"+12065557701"} }),
				a: phone("+1 206 555 7700")},
		},
		RulePersonalName: {
			{name: "two_words", a: name("Marco Rossi"), fires: true, field: "name"},
			{name: "three_words", a: name("Anna Maria Bianchi"), fires: true, field: "name"},
			{name: "middle_initial", a: name("Marco J. Rossi"), fires: true, field: "name"},
			{name: "team", a: name("Security Operations")},
			{name: "team_word", a: name("Cloud Platform Team")},
			{name: "oncall", a: name("Payments On-Call")},
			{name: "acronym", a: name("ACME SOC")},
			{name: "one_word", a: name("Marco")},
			{name: "lowercase", a: name("marco rossi")},
			{name: "four_words", a: name("Office Of The CISO")},
			{name: "placeholder_not_double_reported", a: name("John Doe")},
		},
		RuleDrift: {
			{name: "no_desired_contact", a: email("other@acmepay.io")},
			{name: "matches", policy: policyWith(func(p *Policy) { p.Contacts = map[Type]Details{Security: durable()} }),
				a: secOnly(&Details{Name: " Security Operations", Title: "Security Team", Email: "SECURITY@acmepay.io", Phone: "+1-206-555-7700"})},
			{name: "email_differs", policy: policyWith(func(p *Policy) { p.Contacts = map[Type]Details{Security: durable()} }),
				a: email("secops@acmepay.io"), fires: true},
			{name: "name_case_differs", policy: policyWith(func(p *Policy) { p.Contacts = map[Type]Details{Security: durable()} }),
				a: name("security operations"), fires: true},
			{name: "phone_plus_differs", policy: policyWith(func(p *Policy) { p.Contacts = map[Type]Details{Security: durable()} }),
				a: phone("1 206 555 7700"), fires: true},
			{name: "missing_not_required", policy: policyWith(func(p *Policy) { p.Contacts = map[Type]Details{Operations: durable()} }),
				a: secOnly(with(func(*Details) {})), fires: true, typ: Operations},
			{name: "missing_already_reported", policy: policyWith(func(p *Policy) {
				p.Require = []Type{Security, Operations}
				p.Contacts = map[Type]Details{Security: durable(), Operations: durable()}
			}), a: acct(nil)},
		},
	}
	for _, id := range RuleIDs() {
		// The mail-domain rules need lookups: TestMailFindings covers them.
		if len(cases[id]) == 0 && !strings.HasPrefix(id, "mail-domain-") {
			t.Errorf("no test cases for rule %s", id)
		}
	}
	for rule, cs := range cases {
		t.Run(rule, func(t *testing.T) {
			for _, c := range cs {
				t.Run(c.name, func(t *testing.T) {
					fs := Evaluate(c.policy, c.a)
					var got []Finding
					for _, f := range fs {
						if f.Rule == rule {
							got = append(got, f)
						}
					}
					if !c.fires {
						if len(got) > 0 {
							t.Fatalf("rule fired unexpectedly: %+v", got)
						}
						return
					}
					if len(got) != 1 {
						t.Fatalf("want exactly one %s finding, got %d; all findings: %v", rule, len(got), rulesFired(fs))
					}
					f := got[0]
					typ := c.typ
					if typ == "" {
						typ = Security
					}
					if f.Type != typ || f.Field != c.field {
						t.Errorf("finding type/field = %s/%q, want %s/%q", f.Type, f.Field, typ, c.field)
					}
					r, _ := RuleInfo(rule)
					if f.Severity != r.DefaultSeverity && (c.policy == nil || len(c.policy.Rules.Severity) == 0) {
						t.Errorf("severity = %v, want default %v", f.Severity, r.DefaultSeverity)
					}
					if f.Message == "" || f.Hint == "" || strings.Contains(f.Message, "\n") {
						t.Errorf("message/hint must be one non-empty line: %+v", f)
					}
				})
			}
		})
	}
}

// The root-email findings carry a remediation for their own account: the
// member's AccountId in the primary-email commands, and the console for the
// management account, which the Account API cannot change.
func TestRootEmailHint(t *testing.T) {
	a := acct(map[Type]*Details{Security: with(func(*Details) {})})
	a.Email = "alice.nguyen@gmail.com"
	fs := Evaluate(nil, a)
	if got := rulesFired(fs); !equalStrings(got, []string{"ROOT/root-email-personal/email", "ROOT/root-email-free-mail/email"}) {
		t.Fatalf("findings = %v", got)
	}
	for _, f := range fs {
		if !strings.Contains(f.Hint, "start-primary-email-update --account-id 111111111111") {
			t.Errorf("hint does not name the account's update command: %q", f.Hint)
		}
	}
	a.Management = true
	for _, f := range Evaluate(nil, a) {
		if strings.Contains(f.Hint, "--account-id") || !strings.Contains(f.Hint, "root user") {
			t.Errorf("management account hint = %q", f.Hint)
		}
	}
	// Severity overrides apply as to every other rule.
	p := policyWith(func(p *Policy) { p.Rules.Severity = map[string]Severity{RuleRootEmailFreeMail: Info} })
	for _, f := range Evaluate(p, a) {
		if f.Rule == RuleRootEmailFreeMail && f.Severity != Info {
			t.Errorf("override ignored: %+v", f)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEvaluateAllTypes(t *testing.T) {
	// Contact rules apply to every type present, not only SECURITY.
	a := acct(map[Type]*Details{
		Security:   with(func(*Details) {}),
		Operations: with(func(d *Details) { d.Email = "ops@gmail.com" }),
		Billing:    with(func(d *Details) { d.Name = "N/A" }),
	})
	got := rulesFired(Evaluate(nil, a))
	want := []string{"OPERATIONS/free-mail/email", "BILLING/placeholder/name"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEvaluateSortedAndStable(t *testing.T) {
	p := policyWith(func(p *Policy) {
		p.Require = []Type{Security, Operations, Billing}
		p.Rules.AllowedEmailDomains = []string{"acmepay.io"}
	})
	a := acct(map[Type]*Details{
		Billing: {Name: "John Doe", Title: "TBD", Email: "test@gmail.com", Phone: "0000000000"},
	})
	got := rulesFired(Evaluate(p, a))
	want := []string{
		"SECURITY/Account.1/",
		"OPERATIONS/contact-missing/",
		"BILLING/placeholder/name",
		"BILLING/placeholder/title",
		"BILLING/placeholder/email",
		"BILLING/placeholder/phone",
		"BILLING/invalid-phone/phone",
		"BILLING/free-mail/email",
		"BILLING/domain-not-allowed/email",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEvaluateSeverityOverride(t *testing.T) {
	p := policyWith(func(p *Policy) {
		p.Rules.Severity = map[string]Severity{RulePersonalName: Info, RuleAccount1: Critical}
	})
	fs := Evaluate(p, secOnly(with(func(d *Details) { d.Name = "Marco Rossi" })))
	if len(fs) != 1 || fs[0].Rule != RulePersonalName || fs[0].Severity != Info {
		t.Errorf("got %+v, want one personal-name finding at info", fs)
	}
	fs = Evaluate(p, acct(nil))
	if len(fs) != 1 || fs[0].Severity != Critical {
		t.Errorf("got %+v, want one Account.1 finding at critical", fs)
	}
}

func TestFindingMessages(t *testing.T) {
	a := secOnly(&Details{Name: "Marco Rossi", Title: "Platform Lead", Email: "marco.rossi@acmepay.io", Phone: "+1 206 555 0142"})
	var msgs []string
	for _, f := range Evaluate(nil, a) {
		msgs = append(msgs, f.Rule+": "+f.Message)
	}
	want := []string{
		`placeholder: phone "+1 *** *** 0142" is reserved for fiction (NANP 555-0100 to 555-0199)`,
		`personal-address: email "marco.rossi@acmepay.io" looks like the personal mailbox of Marco Rossi`,
		`personal-name: name "Marco Rossi" looks like a person rather than a team`,
	}
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFindingsNeverLeakPhone(t *testing.T) {
	phones := []string{"+1 206 555 0142", "+44 7700 900123", "0000000000", "+999 1234 5678", "(206) 555-7700", "+1 800 FLOWERS", "+1234567890"}
	for _, ph := range phones {
		p := policyWith(func(p *Policy) {
			p.Rules.DeniedPhones = []string{ph}
			p.Contacts = map[Type]Details{Security: durable()}
		})
		fs := Evaluate(p, secOnly(with(func(d *Details) { d.Phone = ph })))
		b, err := json.Marshal(fs)
		if err != nil {
			t.Fatal(err)
		}
		digits := digitsOf(ph)
		if strings.Contains(digitsOf(string(b)), digits) && len(digits) > 4 {
			t.Errorf("findings for %q contain the full number: %s", ph, b)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+1 206 555 0142", "+1 *** *** 0142"},
		{"+44 20 7946 0123", "+44 ** **** 0123"},
		{"+12065550142", "+1******0142"},
		{"(206) 555-0142", "(***) ***-0142"},
		{"12345678", "****5678"},
		{"1234", "**34"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := maskPhone(tt.in); got != tt.want {
			t.Errorf("maskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDiffers(t *testing.T) {
	d := durable()
	same := Details{Name: "Security Operations ", Title: " Security Team", Email: "Security@AcmePay.io", Phone: "+1 (206) 555-7700"}
	if Differs(same, d) {
		t.Error("formatting-only differences must not count")
	}
	if !Differs(*with(func(x *Details) { x.Phone = "+1 206 555 7701" }), d) {
		t.Error("a different phone must count")
	}
}
