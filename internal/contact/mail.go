package contact

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/altcontacts/altcontacts/internal/strict"
)

// MailVerdict is what DNS says about an email domain's mail delivery
// (RFC 5321 §5.1, RFC 7505). The lookups themselves live in package
// maildomain; the rules here only judge their results, so they stay pure.
type MailVerdict string

// Mail verdicts.
const (
	// MailAlive: the domain has MX records, or no MX but an A/AAAA
	// address (the implicit MX). An MX whose host does not resolve is
	// still alive here: that is a mail-server problem, not a dead domain.
	MailAlive MailVerdict = "alive"
	// MailMissing: the domain does not exist (NXDOMAIN).
	MailMissing MailVerdict = "missing"
	// MailNoMail: the domain exists but accepts no mail: a null MX
	// (a single "0 ." record) or no MX and no A/AAAA.
	MailNoMail MailVerdict = "no-mail"
	// MailUnchecked: the resolver gave no usable answer (SERVFAIL,
	// REFUSED, a timeout); never a pass or a fail.
	MailUnchecked MailVerdict = "unchecked"
)

// Registration verdicts, from RDAP (only with --check-registration).
type RegistrationVerdict string

// Registration verdicts.
const (
	// RegistrationNotAsked: no RDAP lookup was made.
	RegistrationNotAsked RegistrationVerdict = ""
	// RegistrationKnown: the registry answered; Expires is its
	// expiration event, zero when the registry publishes none.
	RegistrationKnown RegistrationVerdict = "known"
	// RegistrationUnchecked: no RDAP answer (no server for the TLD, an
	// error, a timeout).
	RegistrationUnchecked RegistrationVerdict = "unchecked"
)

// MailDomain is the result of checking one email domain.
type MailDomain struct {
	Domain  string
	Verdict MailVerdict
	// Why details the verdict: "null MX (RFC 7505)", "no MX and no
	// A/AAAA record", "SERVFAIL from 10.0.0.2:53", ...
	Why string

	Registration RegistrationVerdict
	// Expires is the registration's expiration date, zero when unknown.
	Expires time.Time
	// RegistrationWhy says why the registration is unchecked.
	RegistrationWhy string
}

// DefaultDomainExpiryDays is the window of mail-domain-expiring when the
// policy does not set rules.domain_expiry_days.
const DefaultDomainExpiryDays = 30

// EmailDomain returns the lowercase domain of an email address, or "".
func EmailDomain(email string) string {
	_, d, ok := splitEmail(email)
	if !ok {
		return ""
	}
	return d
}

// MailLookup gives the checked result for a domain; ok is false when the
// domain was not checked at all (--no-dns), and no rule fires then.
type MailLookup func(domain string) (md MailDomain, ok bool)

// expiryDays is the policy's mail-domain-expiring window.
func (p *Policy) expiryDays() int {
	if p == nil || p.Rules.DomainExpiryDays <= 0 {
		return DefaultDomainExpiryDays
	}
	return p.Rules.DomainExpiryDays
}

// mailSeverity is a mail rule's severity: the policy's override when it
// sets one, else the default, raised to critical when escalate (a root
// email on a missing domain, a registration already expired).
func (p *Policy) mailSeverity(rule string, escalate bool) Severity {
	if p != nil {
		if s, ok := p.Rules.Severity[rule]; ok {
			return s
		}
	}
	if escalate {
		return Critical
	}
	return p.severity(rule)
}

// MailFindings judges the mail domains of an account's contacts (the
// types given, which are the ones read) and of its root email, under the
// policy, at time now (for the expiry window). It is Evaluate's companion
// for the rules that need lookups: the caller does the lookups and hands
// in their results.
func (p *Policy) MailFindings(a Account, types []Type, lookup MailLookup, now time.Time) []Finding {
	if lookup == nil {
		return nil
	}
	var out []Finding
	for _, t := range Types() {
		c := a.Contacts[t]
		if c == nil || !slices.Contains(types, t) {
			continue
		}
		out = append(out, p.mailFindings(t, strings.TrimSpace(c.Email), lookup, now, a)...)
	}
	if email := strings.TrimSpace(a.Email); email != "" {
		out = append(out, p.mailFindings(Root, email, lookup, now, a)...)
	}
	SortFindings(out)
	return out
}

func (p *Policy) mailFindings(t Type, email string, lookup MailLookup, now time.Time, a Account) []Finding {
	domain := EmailDomain(email)
	if domain == "" {
		return nil
	}
	md, ok := lookup(domain)
	if !ok {
		return nil
	}
	what := fmt.Sprintf("email %q", email)
	if t == Root {
		what = fmt.Sprintf("root email %q", email)
	}
	var out []Finding
	add := func(rule string, sev Severity, msg, hint string) {
		out = append(out, Finding{Rule: rule, Severity: sev, Type: t, Field: fieldEmail, Message: msg, Hint: hint})
	}
	fixAddress := fmt.Sprintf("correct the address: use a monitored mailbox on a domain your organization owns and renews (%s does not receive mail)", domain)
	if t == Root {
		fixAddress = "correct the root email: " + rootEmailFix(a)
	}
	switch md.Verdict {
	case MailMissing:
		msg := fmt.Sprintf("%s: the domain %s does not exist (NXDOMAIN); mail to it bounces, and whoever registers %s receives it", what, domain, domain)
		if t == Root {
			msg = fmt.Sprintf("%s: the domain %s does not exist (NXDOMAIN); whoever registers %s receives this account's root password reset", what, domain, domain)
		}
		add(RuleMailDomainMissing, p.mailSeverity(RuleMailDomainMissing, t == Root), msg, fixAddress)
	case MailNoMail:
		why := md.Why
		if why == "" {
			why = "no MX and no A/AAAA record"
		}
		add(RuleMailDomainNoMail, p.mailSeverity(RuleMailDomainNoMail, false),
			fmt.Sprintf("%s: the domain %s accepts no mail (%s)", what, domain, why),
			fmt.Sprintf("publish MX records for %s that point at a mail server, or %s", domain, fixAddress))
	case MailUnchecked:
		why := md.Why
		if why == "" {
			why = "no answer"
		}
		add(RuleMailDomainUnchecked, p.mailSeverity(RuleMailDomainUnchecked, false),
			fmt.Sprintf("%s: the mail domain %s could not be checked in DNS (%s)", what, domain, why),
			fmt.Sprintf("rerun when the resolver answers (--resolver HOST:PORT picks another), or check by hand: dig MX %s", domain))
	}
	if md.Verdict == MailMissing {
		// No registration to expire: the domain is already gone.
		return out
	}
	switch md.Registration {
	case RegistrationKnown:
		if md.Expires.IsZero() {
			break
		}
		left := md.Expires.Sub(now)
		window := time.Duration(p.expiryDays()) * 24 * time.Hour
		date := md.Expires.UTC().Format("2006-01-02")
		renew := fmt.Sprintf("renew %s at its registrar (and turn on auto-renew)", domain)
		switch {
		case left <= 0:
			add(RuleMailDomainExpiring, p.mailSeverity(RuleMailDomainExpiring, true),
				fmt.Sprintf("%s: the registration of %s expired on %s", what, domain, date), renew+" now, before someone else registers it")
		case left <= window:
			days := int(left.Hours()/24 + 0.999)
			add(RuleMailDomainExpiring, p.mailSeverity(RuleMailDomainExpiring, false),
				fmt.Sprintf("%s: the registration of %s expires on %s (in %d day(s))", what, domain, date, days), renew+" before "+date)
		}
	case RegistrationUnchecked:
		why := md.RegistrationWhy
		if why == "" {
			why = "no RDAP answer"
		}
		add(RuleMailDomainUnchecked, p.mailSeverity(RuleMailDomainUnchecked, false),
			fmt.Sprintf("%s: the registration of %s could not be checked over RDAP (%s)", what, domain, why),
			fmt.Sprintf("check the expiry date of %s with its registrar", domain))
	}
	return out
}

// MailDomains lists the distinct email domains of the policy's own
// contacts (defaults, then overrides), in declaration order: what plan,
// apply and the enforcer look up before writing.
func (p *Policy) MailDomains() []string {
	var out []string
	for _, pc := range p.policyContacts() {
		if d := EmailDomain(pc.d.Email); d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

type policyContact struct {
	path string
	line int
	d    Details
}

func (p *Policy) policyContacts() []policyContact {
	if p == nil {
		return nil
	}
	var out []policyContact
	for _, t := range Types() {
		if d, ok := p.Contacts[t]; ok {
			out = append(out, policyContact{path: "contacts." + string(t), d: d})
		}
	}
	for i, o := range p.Overrides {
		for _, t := range Types() {
			if d, ok := o.Contacts[t]; ok {
				out = append(out, policyContact{path: fmt.Sprintf("overrides[%d].contacts.%s", i, t), line: o.Line, d: d})
			}
		}
	}
	return out
}

// MailRefusal says why an address whose domain has this result must not
// be written to any account (mail-domain-missing, mail-domain-no-mail), or
// "" when it may.
func MailRefusal(email string, md MailDomain) string {
	domain := EmailDomain(email)
	switch md.Verdict {
	case MailMissing:
		return fmt.Sprintf("email %q: the domain %s does not exist (NXDOMAIN) (%s)", email, domain, RuleMailDomainMissing)
	case MailNoMail:
		why := md.Why
		if why == "" {
			why = "no MX and no A/AAAA record"
		}
		return fmt.Sprintf("email %q: the domain %s accepts no mail (%s) (%s)", email, domain, why, RuleMailDomainNoMail)
	}
	return ""
}

// MailChecker is what the mail checks of a policy (CheckMail) or a plan
// need of a DNS checker (maildomain.Checker): start a lookup early, then
// wait for its answer.
type MailChecker interface {
	Start(ctx context.Context, domain string)
	Check(ctx context.Context, domain string) MailDomain
}

// CheckMail is the mail check of the policy's own addresses before
// anything is read or written (plan, apply, enforce, the enforcer): every
// domain looked up at once, then judged as MailErrors does. A nil mc
// (--no-dns) finds nothing.
func (p *Policy) CheckMail(ctx context.Context, mc MailChecker) (errs []*strict.FileError, dead, warnings []string) {
	if p == nil || mc == nil {
		return nil, nil, nil
	}
	for _, d := range p.MailDomains() {
		mc.Start(ctx, d)
	}
	return p.MailErrors(func(domain string) (MailDomain, bool) { return mc.Check(ctx, domain), true })
}

// MailErrors judges the policy's own addresses against the lookups: an
// address at a domain that does not exist or accepts no mail would be
// copied to every account, so it is an error located at the email's
// file:line:column (callers refuse the policy, exit 2), and its domain is
// listed in dead. Unchecked domains are not errors: each is a warning line
// (callers proceed and say so).
func (p *Policy) MailErrors(lookup MailLookup) (errs []*strict.FileError, dead, warnings []string) {
	if lookup == nil {
		return nil, nil, nil
	}
	warned := map[string]bool{}
	for _, pc := range p.policyContacts() {
		email := strings.TrimSpace(pc.d.Email)
		domain := EmailDomain(email)
		if domain == "" {
			continue
		}
		md, ok := lookup(domain)
		if !ok {
			continue
		}
		if md.Verdict == MailUnchecked && !warned[domain] {
			warned[domain] = true
			warnings = append(warnings, fmt.Sprintf("the mail domain %s of the policy could not be checked in DNS (%s); proceeding", domain, md.Why))
		}
		msg := MailRefusal(email, md)
		if msg == "" {
			continue
		}
		if !slices.Contains(dead, domain) {
			dead = append(dead, domain)
		}
		path := pc.path + "." + fieldEmail
		line, col := p.Position(path)
		if line == 0 {
			line, col = p.PositionOr(pc.path, pc.line)
		}
		errs = append(errs, &strict.FileError{File: p.Source, Line: line, Column: col, Path: path, Message: msg})
	}
	strict.Sort(errs)
	return errs, dead, warnings
}
