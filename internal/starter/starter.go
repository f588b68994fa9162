// Package starter writes the starter policy of `altcontacts init`: a
// commented policy file built from what the organization tells about itself
// (its own mail domain, its OU paths), so a newcomer's first plan needs no
// hand-written YAML. The one thing the organization cannot tell is the
// on-call phone: without one, the file holds a marked placeholder that plan
// and apply refuse until it is replaced.
package starter

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/inventory"
)

// Suggested values; every one can be replaced by a flag.
const (
	DefaultName  = "Security Operations"
	DefaultTitle = "Security Team"
	// PlaceholderPhone is the marked filler written without --phone: the
	// placeholder rule (severity high) makes plan and apply refuse it.
	PlaceholderPhone = "+1 000 000 0000"
	// placeholderDomain stands in when no domain can be learned (a
	// standalone account with no contact yet): a reserved domain, which
	// the placeholder rule refuses as well.
	placeholderDomain = "example.com"
)

// Options are the user's choices; empty means "suggest one".
type Options struct {
	Phone string
	Email string
	Name  string
	// File is the name the policy will be written to, for the comments
	// that tell the user what to run next.
	File string
	// Command, if set, builds those next-step commands (altcontacts, the
	// subcommand, the run's connection flags, then args), so that copied
	// from the file they reach the same organization.
	Command func(sub string, args ...string) string
}

// ErrBadInput marks an Options value the policy cannot use (a malformed
// phone or email, a placeholder, a free-mail address); the CLI makes it an
// input error.
var ErrBadInput = errors.New("bad input")

// inputError is an ErrBadInput whose message is only the problem.
type inputError struct{ msg string }

func (e *inputError) Error() string        { return e.msg }
func (e *inputError) Is(target error) bool { return target == ErrBadInput }

func badInput(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// Result is a generated policy and what the user should know about it.
type Result struct {
	// Data is the policy file, YAML with comments.
	Data []byte
	// Email is the SECURITY contact's address, Domain its domain.
	Email, Domain string
	// DomainSource says where Domain came from, e.g. "the domain of 22 of
	// 24 root emails"; empty when it came from --email.
	DomainSource string
	// PlaceholderPhone and PlaceholderEmail report the marked fillers the
	// user must replace (plan refuses them); PhoneLine and EmailLine are
	// their 1-based lines in Data.
	PlaceholderPhone, PlaceholderEmail bool
	PhoneLine, EmailLine               int
	// Warnings are findings on the user's own values that do not stop the
	// policy (an invalid-phone, a personal-looking address).
	Warnings []string
	// Accounts counts the accounts the organization has.
	Accounts int
}

// Run reads the organization the client can see (the walk only: no contact
// is read, except for a standalone account, whose root email AWS does not
// return, where its own contacts are the only hint at its domain) and
// generates the starter policy. Callers check the options first with
// CheckOptions; Generate checks them again.
func Run(ctx context.Context, c *awsorg.Client, o Options) (*Result, error) {
	inv, err := inventory.Take(ctx, c, nil, inventory.Options{NoReads: true})
	if err != nil {
		return nil, err
	}
	if inv.Organization == nil {
		if inv, err = inventory.Take(ctx, c, nil, inventory.Options{}); err != nil {
			return nil, err
		}
	}
	return Generate(inv, o)
}

// CheckOptions refuses, before anything is read, the values the policy
// could never use: malformed, a placeholder, free-mail, denied. The error
// wraps ErrBadInput.
func CheckOptions(o Options) error {
	_, err := Generate(&inventory.Inventory{}, o)
	return err
}

// checkOptions refuses flag values that could never pass plan, before any
// call is made.
func checkOptions(o Options) error {
	if o.Phone != "" {
		d := contact.Details{Name: DefaultName, Title: DefaultTitle, Email: "security@acmepay.io", Phone: o.Phone}
		if err := d.Validate(); err != nil {
			return badInput("--phone: %v", err)
		}
	}
	if o.Email != "" {
		d := contact.Details{Name: DefaultName, Title: DefaultTitle, Email: o.Email, Phone: "+1 206 555 7700"}
		if err := d.Validate(); err != nil {
			return badInput("--email: %v", err)
		}
	}
	if o.Name != "" {
		d := contact.Details{Name: o.Name, Title: DefaultTitle, Email: "security@acmepay.io", Phone: "+1 206 555 7700"}
		if err := d.Validate(); err != nil {
			return badInput("--name: %v", err)
		}
	}
	return nil
}

// Generate builds the starter policy from an inventory (the walk is
// enough: root emails and OU paths). The result always parses; with a
// phone given (and no placeholder email), it passes the checks plan and
// apply make.
func Generate(inv *inventory.Inventory, o Options) (*Result, error) {
	if err := checkOptions(o); err != nil {
		return nil, err
	}
	res := &Result{Accounts: len(inv.Accounts)}
	name := strings.TrimSpace(o.Name)
	if name == "" {
		name = DefaultName
	}
	phone := strings.TrimSpace(o.Phone)
	if phone == "" {
		phone, res.PlaceholderPhone = PlaceholderPhone, true
	}
	email := strings.TrimSpace(o.Email)
	if email != "" {
		res.Domain = domainOf(email)
	} else {
		res.Domain, res.DomainSource = orgDomain(inv)
		if res.Domain == "" {
			res.Domain, res.PlaceholderEmail = placeholderDomain, true
		}
		email = "security@" + res.Domain
	}
	res.Email = email
	sec := contact.Details{Name: name, Title: DefaultTitle, Email: email, Phone: phone}

	file := o.File
	if file == "" {
		file = "contacts.yaml"
	}
	var b lines
	orgText := "this standalone account"
	if inv.Organization != nil {
		orgText = "organization " + inv.Organization.ID
	}
	b.add("# altcontacts policy for %s (%d accounts), written by altcontacts init.", orgText, len(inv.Accounts))
	b.add("# It declares the alternate contacts every account should have. Next:")
	command := o.Command
	if command == nil {
		command = func(sub string, args ...string) string {
			return strings.Join(append([]string{"altcontacts", sub}, args...), " ")
		}
	}
	planCmd, applyCmd := command("plan", "--policy", file), command("apply", "--policy", file)
	width := max(len(planCmd), len(applyCmd))
	b.add("#   %-*s   shows, account by account, what would change", width, planCmd)
	b.add("#   %-*s   writes it, with a journal to roll back from", width, applyCmd)
	b.add("# Unknown keys and bad values are errors that name file:line:column.")
	b.add("version: 1")
	b.add("")
	b.add("# Contact types every account must have. A missing SECURITY contact is always")
	b.add("# reported: it is what Security Hub control Account.1 checks.")
	b.add("require: [SECURITY]")
	b.add("")
	b.add("# The organization default, for every account no override below covers. AWS sends")
	b.add("# leaked-key alerts and abuse reports here: use a monitored team mailbox and an")
	b.add("# on-call phone, never one person's.")
	b.add("contacts:")
	b.add("  SECURITY:")
	b.add("    name: %s", quote(sec.Name))
	b.add("    title: %s", quote(sec.Title))
	switch {
	case res.PlaceholderEmail:
		res.EmailLine = b.add("    email: %s  # PLACEHOLDER: your security team's mailbox; plan refuses this until replaced (or rerun init with --email)", quote(sec.Email))
	case res.DomainSource != "":
		b.add("    email: %s  # %s: %s", quote(sec.Email), res.Domain, res.DomainSource)
	default:
		b.add("    email: %s", quote(sec.Email))
	}
	if res.PlaceholderPhone {
		res.PhoneLine = b.add("    phone: %s  # PLACEHOLDER: the on-call number in +country form; plan refuses this until replaced (or rerun init with --phone)", quote(sec.Phone))
	} else {
		b.add("    phone: %s", quote(sec.Phone))
	}
	b.add("")
	b.add("rules:")
	b.add("  # Contact and root emails outside these domains (and their subdomains) are")
	b.add("  # findings: domain-not-allowed and root-email-domain.")
	b.add("  allowed_email_domains: [%s]", quote(res.Domain))
	b.add("  # Uncomment so SECURITY, OPERATIONS and BILLING may not share one mailbox:")
	b.add("  # distinct_types: true")
	b.add("  # Per-rule severity, e.g. to stop failing on root emails while AWS's")
	b.add("  # primary-email update is under way:")
	b.add("  # severity: {root-email-personal: low}")
	b.add("")
	b.add("# Overrides replace a whole contact for the accounts under an OU (the nearest OU")
	b.add("# wins) or for one account (an account beats an OU). For example:")
	ex := overrideExample(inv)
	b.add("# overrides:")
	if ex.ou != "" {
		b.add("#   - ou: %s    # %d account(s)", ex.ou, ex.count)
	} else {
		b.add("#   - account: %s", quote(ex.account))
	}
	b.add("#     contacts:")
	b.add("#       SECURITY: {name: %s, title: %s, email: %s, phone: %s}",
		quote(ex.name), quote(DefaultTitle), quote(ex.local+"@"+res.Domain), quote(sec.Phone))
	b.add("")
	b.add("# Accounts (12-digit ids) and OUs (ids or Root/... paths) altcontacts leaves alone.")
	b.add("exclude: {accounts: [], ous: []}")
	res.Data = []byte(b.String())

	p, err := contact.ParsePolicy(file, res.Data)
	if err != nil {
		return nil, fmt.Errorf("the starter policy does not parse (a bug): %w", err)
	}
	// What plan would refuse must be exactly the placeholders; anything
	// else comes from the user's own values.
	for _, pe := range p.CheckErrors() {
		if (res.PlaceholderPhone && pe.Path == "contacts.SECURITY.phone") || (res.PlaceholderEmail && pe.Path == "contacts.SECURITY.email") {
			continue
		}
		return nil, badInput("%s", flagMessage(pe))
	}
	for _, f := range p.Check() {
		if f.Severity < contact.High {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s (%s)", f.Message, f.Rule))
		}
	}
	return res, nil
}

// flagMessage names the flag behind a refused value.
func flagMessage(pe *contact.FileError) string {
	flag := map[string]string{"contacts.SECURITY.phone": "--phone", "contacts.SECURITY.email": "--email", "contacts.SECURITY.name": "--name"}[pe.Path]
	if flag == "" {
		return pe.Message
	}
	return flag + ": " + pe.Message
}

// orgDomain is the most common domain among the accounts' root emails (ties
// to the alphabetically first), leaving out consumer and reserved domains,
// which no organization controls. A standalone account's root email is not
// known; its contacts' domains stand in.
func orgDomain(inv *inventory.Inventory) (domain, source string) {
	count := map[string]int{}
	total := 0
	for _, a := range inv.Accounts {
		if d := usableDomain(a.Email); d != "" {
			count[d]++
		}
		if a.Email != "" {
			total++
		}
	}
	what := "root emails"
	if len(count) == 0 {
		total = 0
		what = "contact emails"
		for _, a := range inv.Accounts {
			for _, t := range contact.Types() {
				if c := a.Contacts[t]; c != nil {
					total++
					if d := usableDomain(c.Email); d != "" {
						count[d]++
					}
				}
			}
		}
	}
	if len(count) == 0 {
		return "", ""
	}
	best := ""
	for d, n := range count {
		if best == "" || n > count[best] || (n == count[best] && d < best) {
			best = d
		}
	}
	return best, fmt.Sprintf("the domain of %d of %d %s", count[best], total, what)
}

// usableDomain is an address's domain when the organization could own it.
func usableDomain(email string) string {
	d := domainOf(email)
	if d == "" {
		return ""
	}
	// Reuse the rules: a domain is unusable when an address on it is
	// free-mail or a placeholder.
	probe := contact.Details{Name: DefaultName, Title: DefaultTitle, Email: "security@" + d, Phone: "+1 206 555 7700"}
	p := &contact.Policy{Version: 1, Contacts: map[contact.Type]contact.Details{contact.Security: probe}}
	for _, f := range p.Check() {
		if f.Rule == contact.RuleFreeMail || f.Rule == contact.RulePlaceholder {
			return ""
		}
	}
	return d
}

func domainOf(email string) string {
	e := strings.ToLower(strings.TrimSpace(email))
	i := strings.LastIndexByte(e, '@')
	if i <= 0 || i == len(e)-1 {
		return ""
	}
	return e[i+1:]
}

type example struct {
	ou, account string
	count       int
	name, local string
}

// overrideExample picks a real target for the commented override: a
// sandbox OU if there is one (the usual reason for a different contact),
// else the OU holding the most accounts; a standalone account names itself.
func overrideExample(inv *inventory.Inventory) example {
	count := map[string]int{}
	for _, a := range inv.Accounts {
		if a.OUPath != "" && a.OUPath != "Root" {
			count[a.OUPath]++
		}
	}
	paths := make([]string, 0, len(count))
	for p := range count {
		paths = append(paths, p)
	}
	sort.Slice(paths, func(i, j int) bool {
		si, sj := strings.Contains(strings.ToLower(paths[i]), "sandbox"), strings.Contains(strings.ToLower(paths[j]), "sandbox")
		if si != sj {
			return si
		}
		if count[paths[i]] != count[paths[j]] {
			return count[paths[i]] > count[paths[j]]
		}
		return paths[i] < paths[j]
	})
	if len(paths) == 0 {
		id := "123456789012"
		if len(inv.Accounts) > 0 {
			id = inv.Accounts[0].ID
		}
		return example{account: id, name: "Security Operations", local: "security-oncall"}
	}
	ou := paths[0]
	leaf := ou[strings.LastIndexByte(ou, '/')+1:]
	slug := strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, leaf), "-")
	if slug == "" {
		slug = "team"
	}
	return example{ou: ou, count: count[ou], name: leaf + " Security", local: slug + "-security"}
}

// quote writes a YAML double-quoted scalar; JSON's string escapes are a
// subset of YAML's, so any value survives whatever it contains.
func quote(s string) string {
	return strconv.Quote(s)
}

// lines builds the file and knows which line it is on.
type lines struct {
	b strings.Builder
	n int
}

func (l *lines) add(format string, args ...any) int {
	fmt.Fprintf(&l.b, format, args...)
	l.b.WriteByte('\n')
	l.n++
	return l.n
}

func (l *lines) String() string { return l.b.String() }
