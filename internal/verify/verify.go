// Package verify is step 4 of the loop: it reads every account's SECURITY
// contact back and Security Hub's Account.1 findings — from Security Hub
// CSPM (GetFindings, ASFF) or the new Security Hub (GetFindingsV2, OCSF) —
// and says honestly which accounts pass, which wait for AWS's next
// evaluation (PENDING), which never will without a contact (FAILED), and
// where Account.1 does not exist at all (NOT_APPLICABLE).
package verify

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/clock"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/inventory"
)

// Schema is the verify report's schema id.
const Schema = "altcontacts/verify/v1"

// Statuses.
const (
	Passed  = "PASSED"  // a contact exists and Account.1 says PASSED
	Pending = "PENDING" // a contact exists; Account.1 has not re-evaluated yet
	Failed  = "FAILED"  // no SECURITY contact: Account.1 will fail
	Unknown = "UNKNOWN" // cannot tell (access, Security Hub off, Account.1 off)
	Skipped = "SKIPPED" // not ACTIVE, or excluded
	// NotApplicable: a contact is set, and Account.1 does not exist in
	// this partition or Region, so no finding will ever come.
	NotApplicable = "NOT_APPLICABLE"
)

// Security Hub choices of Options.SecurityHub.
const (
	// Auto reads Security Hub CSPM when it is enabled, else the new one.
	Auto = "auto"
	CSPM = awsorg.CSPM
	V2   = awsorg.V2
)

// EvaluationPeriod is the longest Security Hub waits between periodic
// Account.1 checks ("within 12 or 24 hours").
const EvaluationPeriod = 24 * time.Hour

// Account is one account's verdict.
type Account struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	OUPath     string `json:"ou_path"`
	Management bool   `json:"management"`
	Status     string `json:"status"`
	// Contact is the live SECURITY contact (null: unset or unread).
	Contact *contact.Details `json:"contact"`
	// Finding is the Account.1 finding Security Hub holds now.
	Finding *Finding `json:"finding"`
	Reason  string   `json:"reason,omitempty"`
}

// Finding summarizes an account's Account.1 finding.
type Finding struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	// EvaluatedAt is the finding's UpdatedAt: the last evaluation.
	EvaluatedAt time.Time `json:"evaluated_at"`
	// NextBy is the latest the next evaluation is due.
	NextBy time.Time `json:"next_by"`
}

// Report is the verify result.
type Report struct {
	Schema       string                  `json:"schema"`
	GeneratedAt  time.Time               `json:"generated_at"`
	ToolVersion  string                  `json:"tool_version"`
	Caller       awsorg.Identity         `json:"caller"`
	Organization *inventory.Organization `json:"organization"`
	// SecurityHub is the generation Account.1 was read from: cspm, v2,
	// or none (neither readable, or Account.1 does not exist here).
	SecurityHub string         `json:"securityhub"`
	Hub         *awsorg.Hub    `json:"security_hub"`
	Summary     map[string]int `json:"summary"`
	Accounts    []Account      `json:"accounts"`

	// index maps an account ID to its place in Accounts.
	index map[string]int
}

// Options select and tune a run.
type Options struct {
	Accounts    []string
	OUs         []string
	Concurrency int
	// Wait polls the findings until nothing is PENDING or Wait passes.
	Wait time.Duration
	// Poll is the interval between polls; zero means 30 s.
	Poll     time.Duration
	Progress func(pending, total int)
	// Polled, if set, hears each poll's counts by status (PASSED,
	// PENDING, ...): n is the poll's number, from 1.
	Polled func(n int, summary map[string]int)
	// Warn hears the inventory's warnings (inventory.Options.Warn).
	Warn    func(msg string)
	Now     func() time.Time
	Sleep   func(context.Context, time.Duration) error
	Version string
	// SecurityHub is Auto (empty means Auto), CSPM or V2.
	SecurityHub string
}

// Run verifies the organization the caller can see.
func Run(ctx context.Context, c *awsorg.Client, o Options) (*Report, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = clock.Sleep
	}
	if o.Poll <= 0 {
		o.Poll = 30 * time.Second
	}
	inv, err := inventory.Take(ctx, c, nil, inventory.Options{Types: []contact.Type{contact.Security}, Accounts: o.Accounts, OUs: o.OUs,
		Concurrency: o.Concurrency, Warn: o.Warn})
	if err != nil {
		return nil, err
	}
	rep := &Report{Schema: Schema, GeneratedAt: o.Now().UTC(), ToolVersion: o.Version, Caller: inv.Caller, Organization: inv.Organization, SecurityHub: "none"}
	var live []string // accounts with a contact, whose finding decides
	for _, a := range inv.Accounts {
		v := Account{ID: a.ID, Name: a.Name, OUPath: a.OUPath, Management: a.Management}
		switch a.Status {
		case inventory.Skipped:
			v.Status, v.Reason = Skipped, a.Reason
		case inventory.Failed, inventory.NotRead:
			v.Status, v.Reason = Unknown, a.Err.Error()
		default:
			v.Contact = a.Contacts[contact.Security]
			if v.Contact == nil {
				v.Status, v.Reason = Failed, "no SECURITY alternate contact: Account.1 fails until one is set"
			} else {
				live = append(live, a.ID)
			}
		}
		rep.Accounts = append(rep.Accounts, v)
	}
	rep.index = make(map[string]int, len(rep.Accounts))
	for i, a := range rep.Accounts {
		rep.index[a.ID] = i
	}
	if why := awsorg.Account1Unavailable(rep.Caller.Partition, c.HubRegion()); why != "" {
		// No finding will ever come: say so at once, never wait.
		for _, id := range live {
			rep.set(id, NotApplicable, why+"; the SECURITY contact is set", nil)
		}
		rep.summarize()
		return rep, nil
	}
	hub, herr := pickHub(ctx, c, o.SecurityHub)
	if herr == nil {
		rep.Hub, rep.SecurityHub = &hub, hub.Generation
	}
	var scope *awsorg.Scope
	if herr == nil && hub.Generation == V2 && len(live) > 0 {
		scope = orgScope(ctx, c, rep)
	}
	deadline := o.Now().Add(o.Wait)
	for n := 1; ; n++ {
		pending, err := rep.judge(ctx, c, live, hub, herr, scope)
		if err != nil {
			return rep, err
		}
		if o.Progress != nil {
			o.Progress(len(live)-pending, len(live))
		}
		if o.Polled != nil {
			rep.summarize()
			o.Polled(n, rep.Summary)
		}
		if pending == 0 || o.Wait <= 0 || !o.Now().Before(deadline) {
			break
		}
		if err := o.Sleep(ctx, min(o.Poll, deadline.Sub(o.Now()))); err != nil {
			rep.summarize()
			return rep, err
		}
	}
	rep.summarize()
	return rep, nil
}

// pickHub finds the Security Hub to read: the one asked for, or by the
// auto rule (awsorg.ChooseHub), asking the new Security Hub only when
// Security Hub CSPM does not answer.
func pickHub(ctx context.Context, c *awsorg.Client, which string) (awsorg.Hub, error) {
	switch which {
	case CSPM:
		return c.Hub(ctx)
	case V2:
		return c.HubV2(ctx)
	}
	hub, cerr := c.Hub(ctx)
	var v2 awsorg.Hub
	var verr error
	if cerr != nil {
		v2, verr = c.HubV2(ctx)
	}
	return awsorg.ChooseHub(hub, cerr, v2, verr)
}

// orgScope is the organization scope of GetFindingsV2 when the caller is
// the Security Hub delegated administrator (only it may send one), or nil:
// without a scope the delegated administrator still sees the whole
// organization, so a failed check costs nothing but the scope.
func orgScope(ctx context.Context, c *awsorg.Client, r *Report) *awsorg.Scope {
	if r.Organization == nil || r.Caller.Account == r.Organization.ManagementAccountID {
		return nil
	}
	admins, err := c.DelegatedAdministrators(ctx, "securityhub.amazonaws.com")
	if err != nil {
		return nil
	}
	for _, a := range admins {
		if a == r.Caller.Account {
			return &awsorg.Scope{OrganizationID: r.Organization.ID}
		}
	}
	return nil
}

// set records one account's verdict.
func (r *Report) set(id, status, reason string, f *Finding) {
	if i, ok := r.index[id]; ok {
		a := &r.Accounts[i]
		a.Status, a.Reason, a.Finding = status, reason, f
	}
}

// judge reads the findings of the accounts with a contact and sets their
// status; it returns how many are PENDING.
func (r *Report) judge(ctx context.Context, c *awsorg.Client, live []string, hub awsorg.Hub, hubErr error, scope *awsorg.Scope) (int, error) {
	if len(live) == 0 {
		return 0, nil
	}
	if hubErr != nil {
		reason := "cannot read Security Hub: " + hubErr.Error()
		var neither *awsorg.NoHubError
		switch {
		case errors.As(hubErr, &neither):
			reason = "Security Hub is not enabled in this Region: neither Security Hub CSPM nor the new Security Hub (or this account is not its administrator)"
		case errors.Is(hubErr, awsorg.ErrNotSubscribed):
			reason = "Security Hub is not enabled in this Region (or this account is not its administrator)"
		}
		for _, id := range live {
			r.set(id, Unknown, reason, nil)
		}
		return 0, nil
	}
	fs, err := c.Account1FindingsIn(ctx, hub, live, scope)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		for _, id := range live {
			r.set(id, Unknown, "cannot read the Account.1 findings: "+err.Error(), nil)
		}
		return 0, nil
	}
	byAccount := map[string][]awsorg.Finding{}
	for _, f := range fs {
		byAccount[f.AccountID] = append(byAccount[f.AccountID], f)
	}
	pending := 0
	for _, id := range live {
		found := byAccount[id]
		if len(found) == 0 {
			if len(fs) == 0 {
				r.set(id, Unknown, "no Account.1 findings at all in this Region: the control is disabled, or this account is not the Security Hub administrator", nil)
				continue
			}
			pending++
			r.set(id, Pending, "a contact is set; Security Hub has no Account.1 finding for this account yet", nil)
			continue
		}
		// With several findings (one per standard, or per Region), the
		// account passes only when every one does.
		sort.Slice(found, func(i, j int) bool { return found[i].UpdatedAt.After(found[j].UpdatedAt) })
		worst := found[0]
		for _, f := range found {
			if f.Status != "PASSED" {
				worst = f
				break
			}
		}
		fd := &Finding{ID: worst.ID, Status: worst.Status, EvaluatedAt: worst.UpdatedAt, NextBy: worst.UpdatedAt.Add(EvaluationPeriod)}
		if worst.Status == "PASSED" {
			r.set(id, Passed, "", fd)
			continue
		}
		pending++
		r.set(id, Pending, fmt.Sprintf("a contact is set; the finding still says %s from the evaluation at %s; the next is due by %s",
			worst.Status, fd.EvaluatedAt.UTC().Format(time.RFC3339), fd.NextBy.UTC().Format(time.RFC3339)), fd)
	}
	return pending, nil
}

func (r *Report) summarize() {
	r.Summary = map[string]int{Passed: 0, Pending: 0, Failed: 0, Unknown: 0, Skipped: 0, NotApplicable: 0}
	for _, a := range r.Accounts {
		r.Summary[a.Status]++
	}
}
