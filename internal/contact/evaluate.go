package contact

import (
	"fmt"
	"sort"
	"strings"
)

// Evaluate runs every rule (rules.go) against one account under the policy
// (DefaultPolicy when p is nil). It does not consult p.Excluded: whether an
// excluded account is skipped or merely annotated is the caller's choice.
//
// Findings are sorted by contact type (SECURITY, OPERATIONS, BILLING), then
// by rule in the rules table's order, then by field (name, title, email, phone),
// then by message, so reports and SARIF output are byte-for-byte stable.
func Evaluate(p *Policy, a Account) []Finding {
	if p == nil {
		p = DefaultPolicy()
	}
	desired := p.Desired(a)
	var out []Finding
	for _, t := range Types() {
		c := a.Contacts[t]
		want, declared := desired[t]
		if c == nil {
			reported := false
			if t == Security {
				out = append(out, p.finding(RuleAccount1, t, "",
					"no SECURITY alternate contact is set", ""))
				reported = true
			} else if p.requires(t) {
				out = append(out, p.finding(RuleContactMissing, t, "",
					fmt.Sprintf("no %s alternate contact is set, but the policy requires one", t), ""))
				reported = true
			}
			// A missing contact the policy declares is drift too, but not
			// worth a second finding when it is already reported as missing.
			if declared && !reported {
				out = append(out, p.finding(RuleDrift, t, "",
					fmt.Sprintf("no %s alternate contact is set; the policy wants %q", t, want.Email), ""))
			}
			continue
		}
		out = append(out, p.contactFindings(t, *c)...)
		if t == Security && a.Email != "" && strings.EqualFold(strings.TrimSpace(c.Email), strings.TrimSpace(a.Email)) {
			out = append(out, p.finding(RuleRootEmailFallback, t, fieldEmail,
				fmt.Sprintf("email %q is the account's root email", strings.TrimSpace(c.Email)), ""))
		}
		if declared {
			if diff := diffFields(*c, want); len(diff) > 0 {
				out = append(out, p.finding(RuleDrift, t, "", driftMessage(*c, want, diff), ""))
			}
		}
	}
	out = append(out, p.distinctTypes(a)...)
	out = append(out, p.rootEmailFindings(a)...)
	SortFindings(out)
	return out
}

// distinctTypes reports, when the policy asks for it, every contact type
// whose email an earlier type (in Types order) of the same account already
// uses: a notice meant for billing then lands with the security team, or
// the other way round.
func (p *Policy) distinctTypes(a Account) []Finding {
	if !p.Rules.DistinctTypes {
		return nil
	}
	var out []Finding
	first := map[string]Type{}
	for _, t := range Types() {
		c := a.Contacts[t]
		if c == nil {
			continue
		}
		email := strings.ToLower(strings.TrimSpace(c.Email))
		if email == "" {
			continue
		}
		if prev, ok := first[email]; ok {
			out = append(out, p.finding(RuleDistinctTypes, t, fieldEmail,
				fmt.Sprintf("email %q is also the %s contact's", strings.TrimSpace(c.Email), prev), ""))
			continue
		}
		first[email] = t
	}
	return out
}

// rootEmailFindings judges the account's root (primary) email. It is not an
// alternate contact, but it is where AWS sends everything the alternate
// contacts do not cover, so a person's or a free-mail root inbox is as
// fragile as such a contact. Organizations returns the address with every
// account, so this costs no API call; a standalone account's is unknown
// (empty) and not judged.
func (p *Policy) rootEmailFindings(a Account) []Finding {
	email := strings.TrimSpace(a.Email)
	local, domain, ok := splitEmail(email)
	if !ok {
		return nil
	}
	hint := rootEmailFix(a)
	var out []Finding
	add := func(rule, msg string) {
		out = append(out, p.finding(rule, Root, fieldEmail, msg, hint))
	}
	if base := localBase(local); !isGroupLocal(base) && looksFirstLast(base) {
		add(RuleRootEmailPersonal, fmt.Sprintf("root email %q looks like one person's mailbox (first.last)", email))
	}
	if prov := freeMailProvider(email); prov != "" {
		add(RuleRootEmailFreeMail, fmt.Sprintf("root email %q is at the consumer mail provider %s", email, prov))
	}
	if allowed := p.Rules.AllowedEmailDomains; len(allowed) > 0 && !domainAllowed(domain, allowed) {
		add(RuleRootEmailDomain, fmt.Sprintf("root email %q is not on an allowed domain (%s)", email, strings.Join(allowed, ", ")))
	}
	for _, e := range p.Rules.DeniedEmails {
		if strings.EqualFold(email, e) {
			add(RuleRootEmailDenied, fmt.Sprintf("root email %q is on the policy's denied_emails list", email))
			break
		}
	}
	return out
}

// rootEmailFix says how to change this account's root email. The Account
// API changes it only for member accounts (StartPrimaryEmailUpdate takes a
// member's AccountId); the management account's is changed by its root
// user in the console.
func rootEmailFix(a Account) string {
	if a.Management {
		return "sign in as the management account's root user and change the root email (Account settings) to a monitored group mailbox on your own domain; " +
			"the Account API's start-primary-email-update changes member accounts only"
	}
	id := a.ID
	if id == "" {
		id = "ACCOUNT_ID"
	}
	return fmt.Sprintf("move the root email to a monitored group mailbox on your own domain: aws account start-primary-email-update --account-id %s --primary-email NEW, "+
		"then aws account accept-primary-email-update --account-id %s --primary-email NEW --otp CODE with the code AWS sends to NEW", id, id)
}

// SortFindings sorts findings in the order Evaluate documents.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if x, y := typeRank(a.Type), typeRank(b.Type); x != y {
			return x < y
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if x, y := ruleRank(a.Rule), ruleRank(b.Rule); x != y {
			return x < y
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if x, y := fieldRank(a.Field), fieldRank(b.Field); x != y {
			return x < y
		}
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		return a.Message < b.Message
	})
}

// finding builds a finding with the policy's effective severity; an empty
// hint means the rule's generic one.
func (p *Policy) finding(rule string, t Type, field, msg, hint string) Finding {
	r, _ := RuleInfo(rule)
	if hint == "" {
		hint = r.Hint
	}
	return Finding{Rule: rule, Severity: p.severity(rule), Type: t, Field: field, Message: msg, Hint: hint}
}

// contactFindings runs the rules that judge a contact on its own (shared by
// Evaluate and Policy.Check).
func (p *Policy) contactFindings(t Type, d Details) []Finding {
	var out []Finding
	add := func(rule, field, msg, hint string) {
		out = append(out, p.finding(rule, t, field, msg, hint))
	}

	// placeholder, per field.
	for _, f := range []string{fieldName, fieldTitle} {
		if why := placeholderText(d.field(f)); why != "" {
			add(RulePlaceholder, f, fmt.Sprintf("%s %q %s", f, strings.TrimSpace(d.field(f)), why),
				"name the team and its role, e.g. Security Operations / Security Team")
		}
	}
	email := strings.TrimSpace(d.Email)
	if why := placeholderEmail(email); why != "" {
		add(RulePlaceholder, fieldEmail, fmt.Sprintf("email %q %s", email, why),
			"use a monitored team mailbox on your own domain, e.g. security@yourdomain")
	}
	masked := maskPhone(strings.TrimSpace(d.Phone))
	phonePlaceholder := placeholderPhone(d.Phone)
	if phonePlaceholder != "" {
		add(RulePlaceholder, fieldPhone, fmt.Sprintf("phone %q %s", masked, phonePlaceholder),
			"use a real number that reaches the on-call team, in +country form")
	}

	// invalid-phone. A placeholder number is often also "invalid" (the
	// Ofcom mobile drama range is, NANP 555-01xx is not), but replacing the
	// placeholder fixes that too, so only problems with how the number is
	// written are reported on top of a placeholder.
	if why := phoneFormatProblem(d.Phone); why != "" {
		add(RuleInvalidPhone, fieldPhone, fmt.Sprintf("phone %q %s", masked, why), "")
	} else if why := phoneNumberProblem(d.Phone); why != "" && phonePlaceholder == "" {
		add(RuleInvalidPhone, fieldPhone, fmt.Sprintf("phone %q %s", masked, why), "")
	}

	// personal-address
	if local, _, ok := splitEmail(email); ok {
		if len(p.Rules.GroupEmailPatterns) > 0 {
			if !matchGroupPattern(p.Rules.GroupEmailPatterns, email) {
				add(RulePersonalAddress, fieldEmail, fmt.Sprintf("email %q matches none of the policy's group_email_patterns (%s)",
					email, strings.Join(p.Rules.GroupEmailPatterns, ", ")), "")
			}
		} else if base := localBase(local); !isGroupLocal(base) {
			if words, ok := personNameWords(d.Name); ok && localMatchesName(base, words) {
				add(RulePersonalAddress, fieldEmail, fmt.Sprintf("email %q looks like the personal mailbox of %s", email, strings.TrimSpace(d.Name)), "")
			} else if looksFirstLast(base) {
				add(RulePersonalAddress, fieldEmail, fmt.Sprintf("email %q looks like one person's mailbox (first.last)", email), "")
			}
		}
	}

	// free-mail
	if prov := freeMailProvider(email); prov != "" {
		add(RuleFreeMail, fieldEmail, fmt.Sprintf("email %q is at the consumer mail provider %s", email, prov), "")
	}

	// domain-not-allowed
	if allowed := p.Rules.AllowedEmailDomains; len(allowed) > 0 {
		if _, domain, ok := splitEmail(email); ok && !domainAllowed(domain, allowed) {
			add(RuleDomainNotAllowed, fieldEmail, fmt.Sprintf("email %q is not on an allowed domain (%s)", email, strings.Join(allowed, ", ")),
				fmt.Sprintf("use an address on %s, or add %s to rules.allowed_email_domains", strings.Join(allowed, " or "), domain))
		}
	}

	// denied-address
	for _, e := range p.Rules.DeniedEmails {
		if strings.EqualFold(email, e) {
			add(RuleDeniedAddress, fieldEmail, fmt.Sprintf("email %q is on the policy's denied_emails list", email), "")
			break
		}
	}
	for _, ph := range p.Rules.DeniedPhones {
		if phonesEqual(d.Phone, ph) {
			add(RuleDeniedAddress, fieldPhone, fmt.Sprintf("phone %q is on the policy's denied_phones list", masked), "")
			break
		}
	}

	// personal-name
	if personalName(d.Name) {
		add(RulePersonalName, fieldName, fmt.Sprintf("name %q looks like a person rather than a team", strings.TrimSpace(d.Name)), "")
	}
	return out
}

func domainAllowed(domain string, allowed []string) bool {
	for _, a := range allowed {
		if domainWithin(domain, a) {
			return true
		}
	}
	return false
}

// phonesEqual compares numbers as AWS would dial them, ignoring formatting.
// Digits alone are compared as a fallback so a deny entry written without +
// still matches.
func phonesEqual(a, b string) bool {
	da, db := digitsOf(a), digitsOf(b)
	if da == "" || db == "" {
		return false
	}
	return phoneKey(a) == phoneKey(b) || da == db
}

// diffFields lists the fields in which have differs from want, comparing the
// way the values behave rather than byte for byte: surrounding whitespace
// never matters, email case does not matter, and phone formatting does not
// matter (only the leading + and the digits).
func diffFields(have, want Details) []string {
	var diff []string
	if strings.TrimSpace(have.Name) != strings.TrimSpace(want.Name) {
		diff = append(diff, fieldName)
	}
	if strings.TrimSpace(have.Title) != strings.TrimSpace(want.Title) {
		diff = append(diff, fieldTitle)
	}
	if !strings.EqualFold(strings.TrimSpace(have.Email), strings.TrimSpace(want.Email)) {
		diff = append(diff, fieldEmail)
	}
	if phoneKey(have.Phone) != phoneKey(want.Phone) {
		diff = append(diff, fieldPhone)
	}
	return diff
}

// Differs reports whether a current contact differs from a desired one under
// the comparison drift uses, so plan and the rules agree on what a change is.
func Differs(have, want Details) bool {
	return len(diffFields(have, want)) > 0
}

func driftMessage(have, want Details, diff []string) string {
	msg := "contact differs from the policy in " + strings.Join(diff, ", ")
	for _, f := range diff {
		if f == fieldEmail {
			msg += fmt.Sprintf(" (email %q, policy wants %q)", strings.TrimSpace(have.Email), strings.TrimSpace(want.Email))
		}
	}
	return msg
}

// DiffFields lists the fields ("name", "title", "email", "phone") in which
// have differs from want under the comparison Differs uses, for plans.
func DiffFields(have, want Details) []string { return diffFields(have, want) }
