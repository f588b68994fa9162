package contact

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/altcontacts/altcontacts/internal/strict"
)

// Account is what the rules need to know about one AWS account. It carries
// no AWS SDK types so that the core stays independent of how accounts are
// listed.
type Account struct {
	ID string
	// Name is the account name from Organizations.
	Name string
	// Email is the account's root email address.
	Email string
	// Management marks the organization's management account, whose root
	// email cannot be changed through the Account API.
	Management bool
	// OUPath holds OU names from the root, e.g. "Root/Workloads/Prod", or
	// "Root" for an account directly under the root.
	OUPath string
	// OUIDs holds the ids of the root and every OU containing the account,
	// root to leaf (r-..., ou-..., ...).
	OUIDs []string
	// Contacts maps each type to its current contact; a nil or absent entry
	// means AWS has no contact of that type.
	Contacts map[Type]*Details
}

// Rules holds the policy's tunables for the rules (rules.go). Strings are
// stored normalised (trimmed, lowercase where matching is case-insensitive).
type Rules struct {
	// AllowedEmailDomains, when non-empty, enables domain-not-allowed; a
	// subdomain of an allowed domain is allowed.
	AllowedEmailDomains []string
	// GroupEmailPatterns, when non-empty, replaces the personal-address
	// heuristic: an address matching none of these path.Match globs is
	// personal, one matching any of them is a group address.
	GroupEmailPatterns []string
	// DeniedEmails and DeniedPhones feed denied-address.
	DeniedEmails []string
	DeniedPhones []string
	// DistinctTypes, when set, enables distinct-types: no two contact
	// types of one account may share an email address.
	DistinctTypes bool
	// Severity overrides the default severity per rule id.
	Severity map[string]Severity
	// DomainExpiryDays is mail-domain-expiring's window in days; 0 means
	// DefaultDomainExpiryDays.
	DomainExpiryDays int
}

// Policy is a parsed policy file (the README's "The loop" shows one).
type Policy struct {
	Version int
	// Require lists the types that must exist; missing SECURITY is always
	// reported as Account.1 regardless.
	Require []Type
	// Contacts are the organization-wide desired contacts.
	Contacts  map[Type]Details
	Rules     Rules
	Overrides []Override
	Exclude   Exclude
	// Source is the file name the policy came from, for messages.
	Source string

	// pos holds where ParsePolicy found each declared value, by canonical
	// path; nil for a policy built in code. See Position.
	pos map[string]strict.Pos
}

// Override replaces desired contacts for the accounts under one OU or for one
// account. Exactly one of OU and Account is set.
type Override struct {
	// OU is an OU id (ou-...), a root id (r-...) or a path from the root
	// ("Root/Sandbox"), which also covers every OU nested below it.
	OU string
	// Account is a 12-digit account id.
	Account  string
	Contacts map[Type]Details
	// Line is the line of the override in the policy file, for messages.
	Line int
}

// Exclude lists accounts and OUs that the tool must leave alone.
type Exclude struct {
	Accounts []string
	OUs      []string
}

// Position returns the 1-based line and column at which the policy file
// declares the value at path, or 0, 0 when it is not known (a policy built
// in code, or a path the parser does not record). Paths use the parsed
// policy's indexes and canonical type spelling:
//
//	contacts.SECURITY                       the contact's type key
//	contacts.SECURITY.email                 one field's key (name, title, email, phone)
//	overrides[1]                            the start of the override
//	overrides[1].ou, overrides[1].account   the override's target key
//	overrides[1].contacts.BILLING[.FIELD]   as for contacts
//	exclude.accounts[0], exclude.ous[2]     the list item
//
// A field that came from a YAML alias or merge key is reported where its
// value is written, i.e. at the anchor.
func (p *Policy) Position(path string) (line, column int) {
	if p == nil {
		return 0, 0
	}
	pos := p.pos[path]
	return pos.Line, pos.Column
}

// PositionOr is Position, or line (column 0) when path's position is
// unknown: an override's Line, for instance.
func (p *Policy) PositionOr(path string, line int) (int, int) {
	if l, col := p.Position(path); l != 0 {
		return l, col
	}
	return line, 0
}

// DefaultPolicy is the policy in force without a policy file: SECURITY is
// required, nothing is desired, and no rule is tuned.
func DefaultPolicy() *Policy {
	return &Policy{Version: 1, Require: []Type{Security}}
}

// Desired returns the contacts the policy wants for the account: the
// organization default, then every matching OU override from the root
// down (the nearest ancestor wins; for the same OU, the later entry), then
// every matching account override in file order. Each override replaces a
// whole contact per type, never single fields, because a contact mixed from
// two teams would reach neither. Types the policy does not declare are
// absent from the result.
func (p *Policy) Desired(a Account) map[Type]Details {
	out := make(map[Type]Details)
	if p == nil {
		return out
	}
	for t, d := range p.Contacts {
		out[t] = d
	}
	// OU overrides apply from the root down, so the nearest ancestor of
	// the account wins; among overrides of the same OU, the later entry.
	var ous []Override
	var depths []int
	for _, o := range p.Overrides {
		if o.Account == "" && ouMatches(o.OU, a) {
			ous = append(ous, o)
			depths = append(depths, ouDepth(o.OU, a))
		}
	}
	idx := make([]int, len(ous))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return depths[idx[i]] < depths[idx[j]] })
	for _, i := range idx {
		for t, d := range ous[i].Contacts {
			out[t] = d
		}
	}
	for _, o := range p.Overrides {
		if o.Account != "" && o.Account == a.ID {
			for t, d := range o.Contacts {
				out[t] = d
			}
		}
	}
	return out
}

// Excluded reports whether the policy tells the tool to leave the account
// alone, by id or because it sits under an excluded OU.
func (p *Policy) Excluded(a Account) bool {
	if p == nil {
		return false
	}
	if slices.Contains(p.Exclude.Accounts, a.ID) {
		return true
	}
	for _, ou := range p.Exclude.OUs {
		if ouMatches(ou, a) {
			return true
		}
	}
	return false
}

// ouMatches matches an OU reference against an account. Ids match any OU on
// the account's path; a path matches itself and everything below it, and
// compares exactly because OU names are case-sensitive in Organizations.
// ouDepth is how deep the OU ref (which matches a) sits: 0 for the root.
func ouDepth(ref string, a Account) int {
	if isOUPath(ref) {
		return strings.Count(strings.Trim(ref, "/"), "/")
	}
	return max(slices.Index(a.OUIDs, ref), 0)
}

func ouMatches(ref string, a Account) bool {
	if ref == "" {
		return false
	}
	if !isOUPath(ref) {
		return slices.Contains(a.OUIDs, ref)
	}
	return a.OUPath == ref || strings.HasPrefix(a.OUPath, ref+"/")
}

// severity returns the effective severity of a rule under this policy.
func (p *Policy) severity(rule string) Severity {
	if p != nil {
		if s, ok := p.Rules.Severity[rule]; ok {
			return s
		}
	}
	r, _ := RuleInfo(rule)
	return r.DefaultSeverity
}

// requires reports whether the policy requires the type.
func (p *Policy) requires(t Type) bool {
	return slices.Contains(p.Require, t)
}

// Check evaluates the contact rules on the policy's own contacts (the
// organization default and every override), so a policy that would spread a
// placeholder or a free-mail inbox across the organization is caught before
// anything is written. Rules that need an account (Account.1,
// contact-missing, root-email-fallback, drift) do not apply. Findings come in
// declaration order (defaults, then each override), and each message is
// prefixed with where the contact is declared. Callers refuse the policy
// when any finding is High or above; CheckErrors gives those findings as
// errors located at file:line:column.
func (p *Policy) Check() []Finding {
	var out []Finding
	for _, c := range p.check() {
		f := c.Finding
		f.Message = c.where + ": " + f.Message
		out = append(out, f)
	}
	return out
}

// CheckErrors returns the findings of Check whose severity is High or above
// (those for which callers refuse the policy) as errors in the format of
// ParsePolicy's: File is p.Source, Line and Column locate the offending
// field (or the contact, for a finding about no one field), Path is e.g.
// "overrides[0].contacts.SECURITY.email", and Message is the finding's
// message followed by the rule id in parentheses. Line and Column are 0 for
// a policy not read by ParsePolicy. The errors are in file order.
func (p *Policy) CheckErrors() []*strict.FileError {
	var out []*strict.FileError
	for _, c := range p.check() {
		if c.Severity < High {
			continue
		}
		path := c.path
		if c.Field != "" {
			path += "." + c.Field
		}
		line, col := p.Position(path)
		if line == 0 {
			line, col = p.PositionOr(c.path, c.line)
		}
		out = append(out, &strict.FileError{File: p.Source, Line: line, Column: col, Path: path,
			Message: fmt.Sprintf("%s (%s)", c.Message, c.Rule)})
	}
	strict.Sort(out)
	return out
}

// RefusedError is a policy that parsed but that CheckErrors refuses: its
// own contacts (a placeholder, a free-mail inbox, ...) would not work when
// needed, and would be copied to every account. Errs are in file order.
type RefusedError struct{ Errs []*strict.FileError }

func (e *RefusedError) Error() string {
	return "policy refused: its own contacts would not work when needed\n" + strict.Join(e.Errs).Error()
}

func (e *RefusedError) Unwrap() error { return strict.Join(e.Errs) }

// ParseUsablePolicy is how a command that writes from a policy reads it
// (plan, apply, export --policy, enforce from a file or from
// ALTCONTACTS_POLICY): ParsePolicy, then a *RefusedError when CheckErrors
// finds anything, so the policy is refused the same way wherever it comes
// from.
func ParseUsablePolicy(name string, data []byte) (*Policy, error) {
	p, err := ParsePolicy(name, data)
	if err != nil {
		return nil, err
	}
	if bad := p.CheckErrors(); len(bad) > 0 {
		return nil, &RefusedError{Errs: bad}
	}
	return p, nil
}

// checked is a finding of Check with where its contact is declared.
type checked struct {
	Finding
	// path is the contact's canonical path, e.g. overrides[0].contacts.SECURITY.
	path string
	// where is the prefix Check gives the message.
	where string
	// line is the override's line (Override.Line), a fallback for
	// policies whose positions are unknown.
	line int
}

func (p *Policy) check() []checked {
	if p == nil {
		return nil
	}
	var out []checked
	add := func(path, where string, line int, fs []Finding) {
		for _, f := range fs {
			out = append(out, checked{Finding: f, path: path, where: where, line: line})
		}
	}
	for _, t := range Types() {
		if d, ok := p.Contacts[t]; ok {
			path := fmt.Sprintf("contacts.%s", t)
			add(path, path, 0, p.contactFindings(t, d))
		}
	}
	for i, o := range p.Overrides {
		target := "ou " + o.OU
		if o.Account != "" {
			target = "account " + o.Account
		}
		for _, t := range Types() {
			if d, ok := o.Contacts[t]; ok {
				where := fmt.Sprintf("overrides[%d] (%s", i, target)
				if o.Line > 0 {
					where += fmt.Sprintf(", line %d", o.Line)
				}
				where += fmt.Sprintf(") contacts.%s", t)
				add(fmt.Sprintf("overrides[%d].contacts.%s", i, t), where, o.Line, p.contactFindings(t, d))
			}
		}
	}
	return out
}
