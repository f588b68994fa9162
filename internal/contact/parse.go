package contact

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/altcontacts/altcontacts/internal/strict"
)

// ParsePolicy parses a policy file (YAML, or JSON, which is YAML) named name.
// Unknown keys, duplicate keys, values AWS would refuse and references that
// cannot be right (contact types, rule ids, severities, account and OU ids)
// are all errors naming file:line:column and the field path. The error is a
// *strict.FileError, or strict.FileErrors when there are several.
//
// Top-level keys starting with "x-" are ignored so that YAML anchors for
// shared contacts have somewhere to live.
//
// Scalars are read from their source text, so an unquoted 12-digit account id
// keeps its leading zeros and an unquoted +12065557700 stays a phone number.
func ParsePolicy(name string, data []byte) (*Policy, error) {
	d, body, err := strict.Parse(name, "policy", data)
	if err != nil {
		return nil, err
	}
	if strict.IsNull(body.Val) {
		return nil, &strict.FileError{File: name, Line: 1, Column: 1, Path: "version",
			Message: "is required; the policy is empty (start it with version: 1)"}
	}
	p := policyParser{d}.policy(body)
	if err := d.Err(); err != nil {
		return nil, err
	}
	p.Source = name
	p.pos = d.Positions()
	return p, nil
}

// policyParser reads the policy's sections. The structs below declare each
// mapping's keys, in the order the unknown-key message lists them.
type policyParser struct{ *strict.Decoder }

type policyKeys struct {
	Version   strict.Field `yaml:"version"`
	Require   strict.Field `yaml:"require"`
	Contacts  strict.Field `yaml:"contacts"`
	Rules     strict.Field `yaml:"rules"`
	Overrides strict.Field `yaml:"overrides"`
	Exclude   strict.Field `yaml:"exclude"`
}

func (ps policyParser) policy(body strict.Entry) *Policy {
	p := DefaultPolicy()
	p.Version = 0
	var k policyKeys
	// x- keys are free for YAML anchors (x-team: &team {...}), as in
	// Compose files; anything else is a typo until proven otherwise.
	ok, _ := ps.Fields(body, &k, func(f *strict.Field) {
		switch f {
		case &k.Version:
			ps.version(f.Entry, p)
		case &k.Require:
			p.Require = ps.require(f.Entry)
		case &k.Contacts:
			p.Contacts = ps.contacts(f.Entry, "contacts")
		case &k.Rules:
			ps.rules(f.Entry, &p.Rules)
		case &k.Overrides:
			p.Overrides = ps.overrides(f.Entry)
		case &k.Exclude:
			ps.exclude(f.Entry, &p.Exclude)
		}
	}, "x-")
	if !ok {
		return nil
	}
	if !k.Version.Set {
		ps.ErrorAt(body.Node, "version", "is required; add version: 1")
	}
	return p
}

func (ps policyParser) version(e strict.Entry, p *Policy) {
	if s, ok := ps.String(e); ok {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		switch {
		case err != nil:
			ps.Errorf(e, "%q is not a number; use version: 1", s)
		case v != 1:
			ps.Errorf(e, "unsupported version %d (this altcontacts understands version 1)", v)
		default:
			p.Version = v
		}
	}
}

func (ps policyParser) require(e strict.Entry) []Type {
	out := []Type{}
	seen := map[Type]bool{}
	ps.Strings(e, func(s string, it strict.Entry) {
		t, err := ParseType(s)
		switch {
		case err != nil:
			ps.Errorf(it, "%v", err)
		case seen[t]:
			ps.Errorf(it, "%s is listed twice", t)
		default:
			seen[t] = true
			out = append(out, t)
		}
	})
	return out
}

// contacts reads a type → contact mapping. Type keys are case-insensitive
// like everywhere else in the tool; the path keeps the spelling in the file,
// while canon, the same path with types spelled canonically, is what
// positions are recorded under.
func (ps policyParser) contacts(e strict.Entry, canon string) map[Type]Details {
	entries, ok := ps.Mapping(e)
	if !ok {
		return nil
	}
	out := map[Type]Details{}
	for _, f := range entries {
		t, err := ParseType(f.Key)
		if err != nil {
			ps.Errorf(f, "%v", err)
			continue
		}
		if _, dup := out[t]; dup {
			ps.Errorf(f, "%s is declared twice", t)
			continue
		}
		if d, ok := ps.details(f, fmt.Sprintf("%s.%s", canon, t)); ok {
			out[t] = d
		}
	}
	return out
}

type contactKeys struct {
	Name  strict.Field `yaml:"name"`
	Title strict.Field `yaml:"title"`
	Email strict.Field `yaml:"email"`
	Phone strict.Field `yaml:"phone"`
}

// details reads one contact. All four fields are required because
// PutAlternateContact replaces the whole contact; the values are trimmed so
// stray spaces are not written to AWS. On success the contact's key and each
// field's key are recorded under canon and canon.FIELD.
func (ps policyParser) details(e strict.Entry, canon string) (Details, bool) {
	if strict.IsNull(e.Val) {
		ps.Errorf(e, "must be a contact with name, title, email and phone")
		return Details{}, false
	}
	var k contactKeys
	var d Details
	fields := []struct {
		name string
		key  *strict.Field
		dst  *string
	}{{fieldName, &k.Name, &d.Name}, {fieldTitle, &k.Title, &d.Title}, {fieldEmail, &k.Email, &d.Email}, {fieldPhone, &k.Phone, &d.Phone}}
	good := true
	ok, unknown := ps.Fields(e, &k, func(f *strict.Field) {
		s, ok := ps.String(f.Entry)
		good = good && ok
		for _, g := range fields {
			if ok && g.key == f {
				*g.dst = strings.TrimSpace(s)
			}
		}
	})
	if !ok {
		return Details{}, false
	}
	good = good && unknown == 0
	for _, f := range fields {
		if !f.key.Set {
			ps.ErrorAt(e.Node, strict.Child(e.Path, f.name), "is required (a contact needs name, title, email and phone)")
			good = false
		}
	}
	if !good {
		return Details{}, false
	}
	if err := d.Validate(); err != nil {
		at, msg := e, err.Error()
		var fe *FieldError
		if errors.As(err, &fe) {
			at, msg = strict.Entry{Path: strict.Child(e.Path, fe.Field)}, fe.Message
			for _, f := range fields {
				if f.name == fe.Field {
					at.Node = f.key.Node
				}
			}
		}
		ps.Errorf(at, "%s", msg)
		return Details{}, false
	}
	ps.Record(canon, e.Node)
	for _, f := range fields {
		ps.Record(canon+"."+f.name, f.key.Node)
	}
	return d, true
}

var domainPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)

type rulesKeys struct {
	AllowedEmailDomains strict.Field `yaml:"allowed_email_domains"`
	GroupEmailPatterns  strict.Field `yaml:"group_email_patterns"`
	DeniedEmails        strict.Field `yaml:"denied_emails"`
	DeniedPhones        strict.Field `yaml:"denied_phones"`
	DistinctTypes       strict.Field `yaml:"distinct_types"`
	Severity            strict.Field `yaml:"severity"`
	DomainExpiryDays    strict.Field `yaml:"domain_expiry_days"`
}

func (ps policyParser) rules(e strict.Entry, r *Rules) {
	var k rulesKeys
	ps.Fields(e, &k, func(f *strict.Field) {
		switch f {
		case &k.AllowedEmailDomains:
			ps.Strings(f.Entry, func(s string, it strict.Entry) {
				d := strings.TrimPrefix(strings.ToLower(s), "@")
				if !domainPattern.MatchString(d) {
					ps.Errorf(it, "%q is not a domain name (subdomains of a listed domain are allowed automatically)", s)
					return
				}
				r.AllowedEmailDomains = append(r.AllowedEmailDomains, d)
			})
		case &k.GroupEmailPatterns:
			ps.Strings(f.Entry, func(s string, it strict.Entry) {
				pat := strings.ToLower(s)
				if _, err := path.Match(pat, ""); err != nil {
					ps.Errorf(it, "%q is not a valid glob pattern", s)
					return
				}
				if !strings.Contains(pat, "@") {
					ps.Errorf(it, "%q has no @; patterns match the whole address, e.g. security@*", s)
					return
				}
				r.GroupEmailPatterns = append(r.GroupEmailPatterns, pat)
			})
		case &k.DeniedEmails:
			ps.Strings(f.Entry, func(s string, it strict.Entry) {
				if !emailPattern.MatchString(s) {
					ps.Errorf(it, "%q is not a valid email address", s)
					return
				}
				r.DeniedEmails = append(r.DeniedEmails, strings.ToLower(s))
			})
		case &k.DeniedPhones:
			ps.Strings(f.Entry, func(s string, it strict.Entry) {
				if !phonePattern.MatchString(s) || digitsOf(s) == "" {
					ps.Errorf(it, "%q is not a phone number", maskPhone(s))
					return
				}
				r.DeniedPhones = append(r.DeniedPhones, s)
			})
		case &k.DistinctTypes:
			if v, ok := ps.String(f.Entry); ok {
				switch strings.ToLower(v) {
				case "true":
					r.DistinctTypes = true
				case "false":
					r.DistinctTypes = false
				default:
					ps.Errorf(f.Entry, "want true or false, got %q", v)
				}
			}
		case &k.Severity:
			ps.severities(f.Entry, r)
		case &k.DomainExpiryDays:
			// 0 stays "not set": the rule that uses the window applies
			// its default (see Rules.DomainExpiryDays).
			if v, ok := ps.String(f.Entry); ok {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || n < 1 || n > 3650 {
					ps.Errorf(f.Entry, "want a whole number of days from 1 to 3650, got %q", v)
					return
				}
				ps.Record(f.Path, f.Node)
				r.DomainExpiryDays = n
			}
		}
	})
}

func (ps policyParser) severities(e strict.Entry, r *Rules) {
	entries, _ := ps.Mapping(e)
	for _, f := range entries {
		if _, ok := RuleInfo(f.Key); !ok {
			ps.Errorf(f, "unknown rule %q (rules: %s)", f.Key, strings.Join(RuleIDs(), ", "))
			continue
		}
		s, ok := ps.String(f)
		if !ok {
			continue
		}
		sev, err := ParseSeverity(s)
		if err != nil {
			ps.Errorf(f, "%v", err)
			continue
		}
		if r.Severity == nil {
			r.Severity = map[string]Severity{}
		}
		r.Severity[f.Key] = sev
	}
}

type overrideKeys struct {
	OU       strict.Field `yaml:"ou"`
	Account  strict.Field `yaml:"account"`
	Contacts strict.Field `yaml:"contacts"`
}

func (ps policyParser) overrides(e strict.Entry) []Override {
	items, _ := ps.List(e)
	var out []Override
	for i, it := range items {
		var k overrideKeys
		o := Override{Line: strict.NodePos(it.Val).Line}
		good := true
		ok, unknown := ps.Fields(it, &k, func(f *strict.Field) {
			switch f {
			case &k.OU:
				s, ok := ps.String(f.Entry)
				ref, err := parseOURef(s)
				switch {
				case !ok:
					good = false
				case err != nil:
					ps.Errorf(f.Entry, "%v", err)
					good = false
				default:
					ps.Record(it.Path+".ou", f.Node)
					o.OU = ref
				}
			case &k.Account:
				id, ok := ps.accountID(f.Entry)
				if ok {
					ps.Record(it.Path+".account", f.Node)
					o.Account = id
				}
				good = good && ok
			case &k.Contacts:
				before := ps.Count()
				o.Contacts = ps.contacts(f.Entry, fmt.Sprintf("overrides[%d].contacts", i))
				if len(o.Contacts) == 0 && ps.Count() == before {
					ps.Errorf(f.Entry, "must declare at least one contact")
					good = false
				}
			}
		})
		if !ok {
			continue
		}
		ps.Record(it.Path, it.Val)
		good = good && unknown == 0
		switch {
		case k.OU.Set && k.Account.Set:
			ps.Errorf(it, "set either ou or account, not both")
			good = false
		case !k.OU.Set && !k.Account.Set:
			ps.Errorf(it, "needs ou (an OU id or a path like Root/Sandbox) or account (a 12-digit id)")
			good = false
		}
		if !k.Contacts.Set {
			ps.ErrorAt(it.Node, strict.Child(it.Path, "contacts"), "is required")
			good = false
		}
		if good {
			out = append(out, o)
		}
	}
	return out
}

type excludeKeys struct {
	Accounts strict.Field `yaml:"accounts"`
	OUs      strict.Field `yaml:"ous"`
}

func (ps policyParser) exclude(e strict.Entry, x *Exclude) {
	var k excludeKeys
	ps.Fields(e, &k, func(f *strict.Field) {
		switch f {
		case &k.Accounts:
			items, _ := ps.List(f.Entry)
			for _, it := range items {
				if id, ok := ps.accountID(it); ok {
					ps.Record(fmt.Sprintf("exclude.accounts[%d]", len(x.Accounts)), it.Node)
					x.Accounts = append(x.Accounts, id)
				}
			}
		case &k.OUs:
			ps.Strings(f.Entry, func(s string, it strict.Entry) {
				ref, err := parseOURef(s)
				if err != nil {
					ps.Errorf(it, "%v", err)
					return
				}
				ps.Record(fmt.Sprintf("exclude.ous[%d]", len(x.OUs)), it.Node)
				x.OUs = append(x.OUs, ref)
			})
		}
	})
}

// accountID reads a 12-digit account id. The source text is used, so an
// unquoted id keeps its leading zeros; a number that is too short is most
// likely one whose zeros were already lost by whatever generated the file,
// so the message says to quote it.
func (ps policyParser) accountID(e strict.Entry) (string, bool) {
	s, ok := ps.String(e)
	if !ok {
		return "", false
	}
	s = strings.TrimSpace(s)
	if !IsAccountID(s) {
		if _, isNum := e.Val.(*ast.IntegerNode); isNum {
			ps.Errorf(e, "%s is not a 12-digit account id (write account ids as quoted strings so leading zeros survive)", s)
		} else {
			ps.Errorf(e, "%q is not a 12-digit account id", s)
		}
		return "", false
	}
	return s, true
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// IsAccountID reports whether s is exactly 12 ASCII digits, the form AWS
// documents for account ids.
func IsAccountID(s string) bool {
	return accountIDPattern.MatchString(s)
}

var (
	ouIDPattern   = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$`)
	rootIDPattern = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
)

// parseOURef validates an OU reference: an OU id, a root id, or a path of OU
// names starting at Root. A trailing slash is tolerated.
func parseOURef(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "ou-"):
		if !ouIDPattern.MatchString(s) {
			return "", fmt.Errorf("%q is not a valid OU id (ou-xxxx-xxxxxxxx)", s)
		}
		return s, nil
	case strings.HasPrefix(s, "r-"):
		if !rootIDPattern.MatchString(s) {
			return "", fmt.Errorf("%q is not a valid root id (r-xxxx)", s)
		}
		return s, nil
	}
	p := strings.TrimSuffix(s, "/")
	if p == "Root" || strings.HasPrefix(p, "Root/") {
		for _, seg := range strings.Split(p, "/") {
			if strings.TrimSpace(seg) == "" {
				return "", fmt.Errorf("%q has an empty OU name", s)
			}
		}
		return p, nil
	}
	return "", fmt.Errorf("%q is neither an OU id (ou-...) nor a path from the root (Root/...)", s)
}

// isOUPath tells OU paths from ids when matching; parseOURef guarantees
// every path starts at Root.
func isOUPath(ref string) bool {
	return ref == "Root" || strings.HasPrefix(ref, "Root/")
}
