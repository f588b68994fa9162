// Package verify is step 4 of the loop: it reads every account's SECURITY
// contact back and Account.1's verdict — from Security Hub CSPM
// (GetFindings, ASFF), the new Security Hub (GetFindingsV2, OCSF), or the
// AWS Config rule behind the control (through an organization aggregator,
// or a standalone account's own rule) — and says honestly which accounts pass, which wait for AWS's next
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

// Sources of Options.Source.
const (
	// Auto reads the first source that is enabled: Security Hub CSPM,
	// the new Security Hub, AWS Config.
	Auto = "auto"
	CSPM = awsorg.CSPM
	V2   = awsorg.V2
	// Config reads the AWS Config rule behind Account.1.
	Config = "config"
)

// Sources are the values of Options.Source.
var Sources = []string{Auto, CSPM, V2, Config}

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

// Finding summarizes an account's Account.1 finding, or its AWS Config
// rule result (Status PASSED for COMPLIANT, FAILED for NON_COMPLIANT).
type Finding struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	// Rule is the AWS Config rule the result is of (source config only).
	Rule string `json:"rule,omitempty"`
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
	// Source is where Account.1 was read from: cspm, v2, config, or none
	// (nothing readable, or Account.1 does not exist here).
	Source string `json:"source"`
	// SecurityHub is the Security Hub generation read: cspm, v2, or none
	// (also with source config).
	SecurityHub string      `json:"securityhub"`
	Hub         *awsorg.Hub `json:"security_hub"`
	// Config is the AWS Config reading (source config only).
	Config   *ConfigSource  `json:"config,omitempty"`
	Summary  map[string]int `json:"summary"`
	Accounts []Account      `json:"accounts"`

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
	// Source is Auto (empty means Auto), CSPM, V2 or Config.
	Source string
	// ConfigAggregator names the AWS Config aggregator to read; empty
	// means the only one with an organization source.
	ConfigAggregator string
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
	// The source is chosen before anything is read, so an ambiguous
	// aggregator is a usage error with nothing else called.
	src, err := pickSource(ctx, c, o.Source, o.ConfigAggregator)
	if err != nil {
		return nil, err
	}
	inv, err := inventory.Take(ctx, c, nil, inventory.Options{Types: []contact.Type{contact.Security}, Accounts: o.Accounts, OUs: o.OUs,
		Concurrency: o.Concurrency, Warn: o.Warn})
	if err != nil {
		return nil, err
	}
	rep := &Report{Schema: Schema, GeneratedAt: o.Now().UTC(), ToolVersion: o.Version, Caller: inv.Caller, Organization: inv.Organization, SecurityHub: "none", Source: "none"}
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
	hub, herr := src.hub, src.err
	if herr == nil && src.config == nil {
		rep.Hub, rep.SecurityHub, rep.Source = &hub, hub.Generation, hub.Generation
	}
	if src.config != nil {
		rep.Source, rep.Config = Config, &src.config.ConfigSource
	}
	var scope *awsorg.Scope
	if herr == nil && src.config == nil && hub.Generation == V2 && len(live) > 0 {
		scope = orgScope(ctx, c, rep)
	}
	deadline := o.Now().Add(o.Wait)
	for n := 1; ; n++ {
		var pending int
		var err error
		if src.config != nil {
			pending, err = rep.judgeConfig(ctx, c, live, src.config)
		} else {
			pending, err = rep.judge(ctx, c, live, hub, herr, scope)
		}
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

// source is what Account.1 is read from: a Security Hub (hub, or err why
// none), or AWS Config.
type source struct {
	hub    awsorg.Hub
	err    error
	config *configSource
}

// pickSource finds the source to read: the one asked for, or by the auto
// rule — Security Hub CSPM, else the new Security Hub (awsorg.ChooseHub),
// else AWS Config — asking each only when the one before does not answer.
// An ambiguous aggregator is the one error it returns; a source that is
// not there is carried in source.err, for UNKNOWN with the reason.
func pickSource(ctx context.Context, c *awsorg.Client, which, aggregator string) (source, error) {
	if id, err := c.Identity(ctx); err == nil && awsorg.Account1Unavailable(id.Partition, c.HubRegion()) != "" {
		return source{err: errors.New("account.1 does not exist here")}, nil // never read: NOT_APPLICABLE
	}
	switch which {
	case CSPM:
		hub, err := c.Hub(ctx)
		return source{hub: hub, err: err}, nil
	case V2:
		hub, err := c.HubV2(ctx)
		return source{hub: hub, err: err}, nil
	case Config:
		cs, err := setupConfig(ctx, c, aggregator)
		if err != nil {
			var choice *awsorg.AggregatorChoiceError
			if errors.As(err, &choice) || ctx.Err() != nil {
				return source{}, err
			}
			return source{err: err}, nil
		}
		return source{config: cs}, nil
	}
	hub, cerr := c.Hub(ctx)
	var v2 awsorg.Hub
	var verr error
	if cerr != nil {
		v2, verr = c.HubV2(ctx)
	}
	hub, herr := awsorg.ChooseHub(hub, cerr, v2, verr)
	var neither *awsorg.NoHubError
	if herr == nil || !errors.As(herr, &neither) {
		return source{hub: hub, err: herr}, nil
	}
	cs, err := setupConfig(ctx, c, aggregator)
	if err == nil {
		return source{config: cs}, nil
	}
	var choice *awsorg.AggregatorChoiceError
	if errors.As(err, &choice) || ctx.Err() != nil {
		return source{}, err
	}
	return source{err: &NoSourceError{Hubs: neither, Config: err}}, nil
}

// NoSourceError says that no source of Account.1 is enabled: neither
// Security Hub, nor AWS Config's rule (with an aggregator in an
// organization). It is awsorg.ErrNotSubscribed to errors.Is.
type NoSourceError struct {
	Hubs   *awsorg.NoHubError
	Config error
}

func (e *NoSourceError) Error() string {
	return fmt.Sprintf("%v; AWS Config: %v", e.Hubs, e.Config)
}

func (e *NoSourceError) Is(target error) bool { return target == awsorg.ErrNotSubscribed }

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
		var none *NoSourceError
		var noConfig *ConfigUnavailableError
		switch {
		case errors.As(hubErr, &none):
			reason = "Security Hub is not enabled in this Region (neither CSPM nor the new one, or this account is not its administrator), nor is AWS Config's rule: " + none.Config.Error()
		case errors.As(hubErr, &noConfig):
			reason = noConfig.Error()
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
