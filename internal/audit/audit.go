// Package audit is step 1 of the loop: it evaluates the rules of package
// contact on an inventory of the organization (package inventory, which
// walks it and reads the contacts) and summarises them in the audit report.
// An account that could not be read is UNKNOWN with its error; only
// cancellation stops a run.
package audit

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/inventory"
	"github.com/altcontacts/altcontacts/internal/maildomain"
)

// Schema is the audit report's schema id.
const Schema = "altcontacts/audit/v1"

// Account statuses.
const (
	StatusPass    = "PASS"
	StatusFail    = "FAIL"
	StatusUnknown = "UNKNOWN"
	StatusSkipped = "SKIPPED"
)

// Account.1 states.
const (
	Account1Passed  = "PASSED"
	Account1Failed  = "FAILED"
	Account1Unknown = "UNKNOWN"
	// Account1NotEvaluated: SECURITY, the type Account.1 checks, was not
	// read (--types without it). The account's status then speaks for
	// the types read only, never for Account.1.
	Account1NotEvaluated = "NOT_EVALUATED"
)

// Options select and tune a run.
type Options struct {
	// Types to read; empty means all three.
	Types []contact.Type
	// Accounts and OUs filter the organization (ids, or OU paths like
	// Root/Workloads); empty means everything.
	Accounts []string
	OUs      []string
	// Concurrency bounds in-flight contact reads; zero sizes it to the
	// read quota.
	Concurrency int
	// FailOn is the severity at or above which an account is FAIL.
	FailOn contact.Severity
	// Progress, if set, is called as accounts complete, one call at a time.
	Progress func(done, total int)
	// Warn hears the inventory's warnings (inventory.Options.Warn).
	Warn    func(msg string)
	Now     func() time.Time
	Version string
	// Mail, when set, checks every distinct email domain (contacts and
	// root emails) for the mail-domain-* rules. Its lookups start as the
	// inventory meets each address and run beside the Account API reads;
	// the results are joined when the accounts are evaluated. Nil: no
	// mail-domain rule (--no-dns).
	Mail *maildomain.Checker
}

// Report is the audit result (schema altcontacts/audit/v1).
type Report struct {
	Schema       string          `json:"schema"`
	GeneratedAt  time.Time       `json:"generated_at"`
	ToolVersion  string          `json:"tool_version"`
	Caller       awsorg.Identity `json:"caller"`
	Organization *Organization   `json:"organization"`
	Summary      Summary         `json:"summary"`
	Accounts     []Account       `json:"accounts"`
}

// Organization identifies the organization audited.
type Organization = inventory.Organization

// Summary counts the report.
type Summary struct {
	Accounts           int            `json:"accounts"`
	Evaluated          int            `json:"evaluated"`
	Skipped            int            `json:"skipped"`
	Unknown            int            `json:"unknown"`
	Account1           Account1Counts `json:"account1"`
	FindingsByRule     map[string]int `json:"findings_by_rule"`
	FindingsBySeverity map[string]int `json:"findings_by_severity"`
}

// Account1Counts counts Account.1 outcomes over evaluated accounts.
type Account1Counts struct {
	Passed int `json:"passed"`
	Failed int `json:"failed"`
	// NotEvaluated counts the accounts read without SECURITY.
	NotEvaluated int `json:"not_evaluated"`
}

// Account is one account's result.
type Account struct {
	ID         string                            `json:"id"`
	Name       string                            `json:"name"`
	Email      string                            `json:"email"`
	State      string                            `json:"state"`
	OUPath     string                            `json:"ou_path"`
	Management bool                              `json:"management"`
	Status     string                            `json:"status"`
	Account1   string                            `json:"account1"`
	Contacts   map[contact.Type]*contact.Details `json:"contacts"`
	Findings   []contact.Finding                 `json:"findings"`
	Error      *string                           `json:"error"`
	// Reason says why an account was skipped.
	Reason string `json:"reason,omitempty"`

	err error
}

// Failing counts the accounts whose findings reach Options.FailOn (status
// FAIL): the audit's own verdict, which the CLI's exit code follows.
func (r *Report) Failing() int {
	n := 0
	for _, a := range r.Accounts {
		if a.Status == StatusFail {
			n++
		}
	}
	return n
}

// Errors keeps the per-account errors of a run, for hints at the CLI.
func (r *Report) Errors() []error {
	var out []error
	for _, a := range r.Accounts {
		switch {
		case a.err != nil:
			out = append(out, fmt.Errorf("account %s: %w", a.ID, a.err))
		case a.Error != nil:
			out = append(out, fmt.Errorf("account %s: %s", a.ID, *a.Error))
		}
	}
	return out
}

// Run audits the organization the client's caller can see: it takes the
// inventory (package inventory) and evaluates every account read. It
// returns the report even when err is non-nil (cancellation), holding what
// was read.
func Run(ctx context.Context, c *awsorg.Client, p *contact.Policy, o Options) (*Report, error) {
	if p == nil {
		p = contact.DefaultPolicy()
	}
	if len(o.Types) == 0 {
		o.Types = contact.Types()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	generated := o.Now().UTC()
	io := inventory.Options{Types: o.Types, Accounts: o.Accounts, OUs: o.OUs, Concurrency: o.Concurrency, Progress: o.Progress, Warn: o.Warn}
	if o.Mail != nil {
		io.Email = func(email string) {
			if d := contact.EmailDomain(email); d != "" {
				o.Mail.Start(ctx, d)
			}
		}
	}
	inv, err := inventory.Take(ctx, c, p, io)
	if inv == nil {
		return nil, err
	}
	rep := &Report{Schema: Schema, GeneratedAt: generated, ToolVersion: o.Version, Caller: inv.Caller,
		Organization: inv.Organization, Accounts: make([]Account, 0, len(inv.Accounts))}
	lookup := o.Mail.Lookup(ctx)
	for _, ia := range inv.Accounts {
		rep.Accounts = append(rep.Accounts, evaluate(p, o, ia, lookup, generated))
	}
	rep.Summary = summarize(rep.Accounts)
	return rep, err
}

// evaluate makes one account's result: its inventory status, and for an
// account read, the rules' findings.
func evaluate(p *contact.Policy, o Options, ia inventory.Account, lookup contact.MailLookup, now time.Time) Account {
	a := Account{ID: ia.ID, Name: ia.Name, Email: ia.Email, State: ia.State, OUPath: ia.OUPath, Management: ia.Management,
		Account1: Account1Unknown, Contacts: ia.Contacts}
	fail := func(msg string) {
		a.Status, a.Error = StatusUnknown, &msg
	}
	switch ia.Status {
	case inventory.Skipped:
		a.Status, a.Reason = StatusSkipped, ia.Reason
		return a
	case inventory.Failed:
		fail(ia.Problem())
		a.err = ia.Err
		return a
	case inventory.NotRead:
		// Run asks for reads: only an interrupt leaves an account unread.
		fail(ia.Problem())
		return a
	}
	fs := contact.Evaluate(p, ia.Account)
	if lookup != nil {
		fs = append(fs, p.MailFindings(ia.Account, o.Types, lookup, now)...)
		contact.SortFindings(fs)
	}
	a.Findings = fs[:0]
	for _, f := range fs {
		// Root-email findings are about the account, not a contact
		// type, and cost no read: --types never hides them.
		if f.Type == "" || f.Type == contact.Root || slices.Contains(o.Types, f.Type) {
			a.Findings = append(a.Findings, f)
		}
	}
	a.Account1 = Account1NotEvaluated
	if slices.Contains(o.Types, contact.Security) {
		a.Account1 = Account1Passed
		if a.Contacts[contact.Security] == nil {
			a.Account1 = Account1Failed
		}
	}
	a.Status = StatusPass
	for _, f := range a.Findings {
		if f.Severity >= o.FailOn {
			a.Status = StatusFail
		}
	}
	return a
}

func summarize(accts []Account) Summary {
	s := Summary{Accounts: len(accts), FindingsByRule: map[string]int{}, FindingsBySeverity: map[string]int{}}
	for _, a := range accts {
		switch a.Status {
		case StatusSkipped:
			s.Skipped++
			continue
		case StatusUnknown:
			s.Unknown++
		}
		s.Evaluated++
		switch a.Account1 {
		case Account1Passed:
			s.Account1.Passed++
		case Account1Failed:
			s.Account1.Failed++
		case Account1NotEvaluated:
			s.Account1.NotEvaluated++
		}
		for _, f := range a.Findings {
			s.FindingsByRule[f.Rule]++
			s.FindingsBySeverity[f.Severity.String()]++
		}
	}
	return s
}
