// Package audit is step 1 of the loop: it inventories every account of the
// organization, reads its alternate contacts at the pace the Account API
// quota allows, and evaluates the rules of package contact. One account's
// error is kept on that account (UNKNOWN); only cancellation stops a run.
package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
)

// Schema is the audit report's schema id.
const Schema = "altcontacts/audit/v1"

// Account statuses.
const (
	StatusPass    = "PASS"
	StatusFail    = "FAIL"
	StatusUnknown = "UNKNOWN"
	StatusSkipped = "SKIPPED"
	// StatusNotRead marks an account an inventory (Options.SkipReads)
	// would have read.
	StatusNotRead = "NOT_READ"
)

// Account.1 states.
const (
	Account1Passed  = "PASSED"
	Account1Failed  = "FAILED"
	Account1Unknown = "UNKNOWN"
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
	Now      func() time.Time
	Version  string
	// SkipReads makes Run an inventory: the walk, the filters and the skip
	// rules, but no contact reads; readable accounts get StatusNotRead.
	SkipReads bool
	// Resolved, when not nil, are the accounts to audit, already looked up
	// (with OU paths); the organization is not walked.
	Resolved []awsorg.Account
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
	// OUs maps every root and OU id met on the walk to its path, so
	// callers can check a policy's references against the organization.
	OUs map[string]string `json:"-"`
}

// Organization identifies the organization audited.
type Organization struct {
	ID                  string `json:"id"`
	ManagementAccountID string `json:"management_account_id"`
}

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

	// OUIDs are the root and OU ids above the account, root first.
	OUIDs []string `json:"-"`
	err   error
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

// Run audits the organization the client's caller can see. It returns the
// report even when err is non-nil (cancellation), holding what was read.
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
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency(c.Quotas().GetContact.Rate)
	}
	id, err := c.Identity(ctx)
	if err != nil {
		return nil, err
	}
	rep := &Report{Schema: Schema, GeneratedAt: o.Now().UTC(), ToolVersion: o.Version, Caller: id}
	org, err := c.Organization(ctx)
	standalone := errors.Is(err, awsorg.ErrNotInOrganization)
	if err != nil && !standalone {
		return nil, err
	}
	if !standalone {
		rep.Organization = &Organization{ID: org.ID, ManagementAccountID: org.ManagementAccountID}
	}

	r := &runner{c: c, p: p, o: o, caller: id.Account, mgmt: org.ManagementAccountID}
	work := make(chan *Account)
	var wg sync.WaitGroup
	for i := 0; i < o.Concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range work {
				r.read(ctx, a)
				r.done()
			}
		}()
	}
	var walkErr error
	if standalone {
		// An account outside any organization audits itself.
		a := &Account{ID: id.Account, Name: id.Account, State: "ACTIVE", OUPath: ""}
		r.add(a)
		select {
		case work <- a:
		case <-ctx.Done():
		}
	} else {
		rep.OUs = map[string]string{}
		var ouMu sync.Mutex
		onOU := func(o awsorg.OU) {
			ouMu.Lock()
			rep.OUs[o.ID] = o.Path
			ouMu.Unlock()
		}
		visit := func(wa awsorg.Account) {
			a := &Account{ID: wa.ID, Name: wa.Name, Email: wa.Email, State: wa.State, OUPath: wa.OUPath,
				Management: wa.ID == org.ManagementAccountID, OUIDs: wa.OUIDs}
			if !r.selected(a) {
				return
			}
			r.add(a)
			if reason := r.skip(a); reason != "" {
				a.Status, a.Account1, a.Reason = StatusSkipped, Account1Unknown, reason
				r.done()
				return
			}
			select {
			case work <- a:
			case <-ctx.Done():
			}
		}
		if o.Resolved != nil {
			// The caller already knows the accounts (the enforcer, per
			// event): no walk.
			for _, wa := range o.Resolved {
				visit(wa)
			}
		} else {
			walkErr = c.WalkOrganization(ctx, 8, visit, onOU)
		}
	}
	close(work)
	wg.Wait()

	if walkErr != nil && len(r.accounts) == 0 && ctx.Err() == nil {
		// Nothing to report: the organization could not be listed at all.
		return nil, walkErr
	}
	rep.Accounts = make([]Account, 0, len(r.accounts))
	for _, a := range r.accounts {
		if a.Status == "" {
			// Walked but never read: cancelled before its turn.
			msg := "not read: the run was interrupted"
			a.Status, a.Account1, a.Error = StatusUnknown, Account1Unknown, &msg
		}
		rep.Accounts = append(rep.Accounts, *a)
	}
	sort.Slice(rep.Accounts, func(i, j int) bool { return rep.Accounts[i].ID < rep.Accounts[j].ID })
	rep.Summary = summarize(rep.Accounts)
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	if walkErr != nil {
		return rep, walkErr
	}
	return rep, nil
}

// DefaultConcurrency sizes the read pool to a quota: enough requests in
// flight to keep the token bucket drained at ~0.5 s latency, no more.
func DefaultConcurrency(rate float64) int {
	return min(64, max(4, int(rate/2+0.5)+2))
}

type runner struct {
	c            *awsorg.Client
	p            *contact.Policy
	o            Options
	caller, mgmt string

	mu       sync.Mutex
	accounts []*Account
	finished int
}

func (r *runner) add(a *Account) {
	r.mu.Lock()
	r.accounts = append(r.accounts, a)
	r.mu.Unlock()
}

// done counts a finished account. Progress is called under the lock, so
// callers get one call at a time, in order.
func (r *runner) done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished++
	if r.o.Progress != nil {
		r.o.Progress(r.finished, len(r.accounts))
	}
}

// selected applies --accounts and --ou.
func (r *runner) selected(a *Account) bool {
	if len(r.o.Accounts) > 0 && !slices.Contains(r.o.Accounts, a.ID) {
		return false
	}
	if len(r.o.OUs) == 0 {
		return true
	}
	for _, ou := range r.o.OUs {
		ou = strings.TrimSuffix(ou, "/")
		if slices.Contains(a.OUIDs, ou) || a.OUPath == ou || strings.HasPrefix(a.OUPath, ou+"/") {
			return true
		}
	}
	return false
}

// skip says why an account is not evaluated, or "".
func (r *runner) skip(a *Account) string {
	if a.State != "ACTIVE" {
		return "account state is " + a.State
	}
	if r.p.Excluded(r.contactAccount(a)) {
		return "excluded by policy"
	}
	return ""
}

func (r *runner) contactAccount(a *Account) contact.Account {
	return contact.Account{ID: a.ID, Name: a.Name, Email: a.Email, Management: a.Management, OUPath: a.OUPath, OUIDs: a.OUIDs, Contacts: a.Contacts}
}

// read fetches an account's contacts and evaluates the rules.
func (r *runner) read(ctx context.Context, a *Account) {
	fail := func(msg string) {
		a.Status, a.Account1, a.Error = StatusUnknown, Account1Unknown, &msg
	}
	if a.Management && r.caller != a.ID {
		fail("a delegated administrator cannot read or change the management account's contacts; run from the management account")
		return
	}
	if r.o.SkipReads {
		a.Status, a.Account1 = StatusNotRead, Account1Unknown
		return
	}
	// The caller's own account is always read in standalone context: the
	// management account gets a 403 if it names itself.
	t := awsorg.Target{AccountID: a.ID, Standalone: a.ID == r.caller}
	a.Contacts = map[contact.Type]*contact.Details{}
	for _, typ := range r.o.Types {
		d, err := r.c.GetContact(ctx, t, typ)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				a.Contacts = nil
				return // left without status: reported as interrupted
			}
			fail(err.Error())
			a.err = err
			return
		}
		// A missing type is nil and reading goes on: one unset type
		// must never hide the others.
		a.Contacts[typ] = d
	}
	fs := contact.Evaluate(r.p, r.contactAccount(a))
	a.Findings = fs[:0]
	for _, f := range fs {
		// Root-email findings are about the account, not a contact
		// type, and cost no read: --types never hides them.
		if f.Type == "" || f.Type == contact.Root || slices.Contains(r.o.Types, f.Type) {
			a.Findings = append(a.Findings, f)
		}
	}
	a.Account1 = Account1Unknown
	if slices.Contains(r.o.Types, contact.Security) {
		a.Account1 = Account1Passed
		if a.Contacts[contact.Security] == nil {
			a.Account1 = Account1Failed
		}
	}
	a.Status = StatusPass
	for _, f := range a.Findings {
		if f.Severity >= r.o.FailOn {
			a.Status = StatusFail
		}
	}
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
		}
		for _, f := range a.Findings {
			s.FindingsByRule[f.Rule]++
			s.FindingsBySeverity[f.Severity.String()]++
		}
	}
	return s
}
