// Package inventory takes stock of the organization: it walks the OU tree
// (or takes accounts already looked up), keeps the accounts the filters
// select, sets aside the ones no command may touch (not ACTIVE, excluded by
// the policy, the management account seen from a delegated administrator)
// and reads the requested contact types at the pace the Account API quota
// allows. It judges nothing: audit evaluates an inventory, plan compares
// it with a policy, verify reads Account.1 for it.
//
// One account's error stays on that account (Failed); only cancellation
// stops a run, and accounts it caught before their read are NotRead with
// the interrupt.
package inventory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
)

// Status says what became of one account's contacts.
type Status string

// Statuses.
const (
	// Read: every requested type was read (an unset one is nil).
	Read Status = "read"
	// NotRead: nothing was read, because Options.NoReads asked for none
	// (Err is nil) or the run was interrupted first (Err is the
	// interrupt).
	NotRead Status = "not read"
	// Skipped: left alone by rule; Reason says why.
	Skipped Status = "skipped"
	// Failed: a read failed; Err is its typed error (awsorg.ErrAccessDenied,
	// …, or ErrDelegatedManagement). Contacts holds the types read before.
	Failed Status = "failed"
)

// ErrDelegatedManagement is the management account seen from a delegated
// administrator, which the Account API does not let read or change the
// management account's contacts.
var ErrDelegatedManagement = errors.New("a delegated administrator cannot read or change the management account's contacts; run from the management account")

// Organization identifies the organization taken stock of.
type Organization struct {
	ID                  string `json:"id"`
	ManagementAccountID string `json:"management_account_id"`
}

// Account is one account: what the rules and the policy see of it
// (contact.Account), its AWS state and what became of its read.
type Account struct {
	contact.Account
	// State is AWS's account state (ACTIVE, SUSPENDED, …).
	State  string
	Status Status
	// Reason says why the account was Skipped.
	Reason string
	// Err is a Failed account's error, or the interrupt of a NotRead one.
	Err error
}

// Problem says why an account's contacts are not in the inventory: a
// Failed account's error, or that an interrupt left it unread. It is ""
// for an account read, skipped (Reason says why) or not read by request.
func (a Account) Problem() string {
	switch {
	case a.Status == Failed && a.Err != nil:
		return a.Err.Error()
	case a.Status == NotRead && a.Err != nil:
		return "not read: the run was interrupted"
	}
	return ""
}

// Inventory is the organization as the caller sees it.
type Inventory struct {
	Caller awsorg.Identity
	// Organization is nil for a standalone account, which is the
	// inventory's only account.
	Organization *Organization
	// OUs maps every root and OU id met on the walk to its path; it is
	// empty when the accounts were given (Options.Given) or standalone.
	OUs map[string]string
	// Accounts are sorted by id.
	Accounts []Account
}

// Count counts the accounts with status s.
func (inv *Inventory) Count(s Status) int {
	n := 0
	for _, a := range inv.Accounts {
		if a.Status == s {
			n++
		}
	}
	return n
}

// Errors are the accounts' errors: every Failed account's, and the
// interrupt of every account it left NotRead, for hints at the CLI.
func (inv *Inventory) Errors() []error {
	var out []error
	for _, a := range inv.Accounts {
		switch {
		case a.Status == Failed:
			out = append(out, fmt.Errorf("account %s: %w", a.ID, a.Err))
		case a.Status == NotRead && a.Err != nil:
			out = append(out, fmt.Errorf("account %s: not read: %w", a.ID, a.Err))
		}
	}
	return out
}

// Options select and tune an inventory.
type Options struct {
	// Types to read; empty means all three.
	Types []contact.Type
	// Accounts and OUs filter the organization (ids, or OU paths like
	// Root/Workloads, nested OUs included); empty means everything.
	Accounts []string
	OUs      []string
	// Concurrency bounds in-flight contact reads; zero sizes it to the
	// read quota.
	Concurrency int
	// Progress, if set, is called as accounts complete, one call at a time.
	Progress func(done, total int)
	// NoReads makes the walk, the filters and the skip rules, but reads no
	// contact: accounts that would be read are NotRead.
	NoReads bool
	// Given, when not nil, are the accounts to take, already looked up
	// (with OU paths); the organization is not walked.
	Given []awsorg.Account
	// Email, if set, is told every email address as soon as it is known:
	// an account's root email when the walk meets the account, each
	// contact's after its read. It must not block (audit starts the
	// domain's DNS lookup in the background), and may be called
	// concurrently.
	Email func(email string)
	// Warn, if set, hears what is worth saying but not an error: filters
	// that select no ACTIVE account.
	Warn func(msg string)
}

// DefaultConcurrency sizes a pool to a quota: enough requests in flight to
// keep the token bucket drained at ~0.5 s latency, no more.
func DefaultConcurrency(rate float64) int {
	return min(64, max(4, int(rate/2+0.5)+2))
}

// Take takes the inventory of the organization the client's caller can
// see; p's exclusions set accounts aside (nil: none). It returns the
// inventory even when err is non-nil (cancellation, a walk that failed
// part-way), holding what was found.
func Take(ctx context.Context, c *awsorg.Client, p *contact.Policy, o Options) (*Inventory, error) {
	if len(o.Types) == 0 {
		o.Types = contact.Types()
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency(c.Quotas().GetContact.Rate)
	}
	id, err := c.Identity(ctx)
	if err != nil {
		return nil, err
	}
	inv := &Inventory{Caller: id, OUs: map[string]string{}}
	org, err := c.Organization(ctx)
	standalone := errors.Is(err, awsorg.ErrNotInOrganization)
	if err != nil && !standalone {
		return nil, err
	}
	if !standalone {
		inv.Organization = &Organization{ID: org.ID, ManagementAccountID: org.ManagementAccountID}
	}

	t := &taker{c: c, p: p, o: o, caller: id.Account}
	work := make(chan *Account)
	var wg sync.WaitGroup
	for i := 0; i < o.Concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range work {
				t.read(ctx, a)
				t.done()
			}
		}()
	}
	var walkErr error
	if standalone {
		// An account outside any organization takes stock of itself.
		a := &Account{Account: contact.Account{ID: id.Account, Name: id.Account}, State: "ACTIVE"}
		t.add(a)
		select {
		case work <- a:
		case <-ctx.Done():
		}
	} else {
		var ouMu sync.Mutex
		onOU := func(o awsorg.OU) {
			ouMu.Lock()
			inv.OUs[o.ID] = o.Path
			ouMu.Unlock()
		}
		visit := func(wa awsorg.Account) {
			t.seen(wa.ID)
			// The one conversion from AWS's account to ours.
			a := &Account{Account: contact.Account{ID: wa.ID, Name: wa.Name, Email: wa.Email, OUPath: wa.OUPath, OUIDs: wa.OUIDs,
				Management: wa.ID == org.ManagementAccountID}, State: wa.State}
			if !t.selected(a) {
				return
			}
			t.add(a)
			if reason := t.skip(a); reason != "" {
				a.Status, a.Reason = Skipped, reason
				t.done()
				return
			}
			if o.Email != nil && a.Email != "" {
				o.Email(a.Email)
			}
			select {
			case work <- a:
			case <-ctx.Done():
			}
		}
		if o.Given != nil {
			for _, wa := range o.Given {
				visit(wa)
			}
		} else {
			walkErr = c.WalkOrganization(ctx, 8, visit, onOU)
		}
	}
	close(work)
	wg.Wait()

	if walkErr != nil && len(t.accounts) == 0 && ctx.Err() == nil {
		// Nothing to report: the organization could not be listed at all.
		return nil, walkErr
	}
	// Filters are checked against the whole walk: a value that names
	// nothing is a typo, not an empty selection (nothing was read, since
	// it selected nothing).
	if !standalone && o.Given == nil && walkErr == nil && ctx.Err() == nil {
		if err := checkFilters(o, inv.OUs, t.walked); err != nil {
			return nil, err
		}
	}
	inv.Accounts = make([]Account, 0, len(t.accounts))
	for _, a := range t.accounts {
		if a.Status == "" {
			// Walked but never read: interrupted before or during its turn.
			a.Status, a.Contacts = NotRead, nil
			if a.Err == nil {
				a.Err = ctx.Err()
			}
			if a.Err == nil {
				a.Err = context.Canceled
			}
		}
		inv.Accounts = append(inv.Accounts, *a)
	}
	sort.Slice(inv.Accounts, func(i, j int) bool { return inv.Accounts[i].ID < inv.Accounts[j].ID })
	if o.Warn != nil && (len(o.Accounts) > 0 || len(o.OUs) > 0) && ctx.Err() == nil && walkErr == nil {
		if msg := emptySelection(o, inv.Accounts); msg != "" {
			o.Warn(msg)
		}
	}
	if err := ctx.Err(); err != nil {
		return inv, err
	}
	if walkErr != nil {
		return inv, walkErr
	}
	return inv, nil
}

// taker is one Take's shared state.
type taker struct {
	c      *awsorg.Client
	p      *contact.Policy
	o      Options
	caller string

	mu       sync.Mutex
	accounts []*Account
	finished int
	walked   map[string]bool // every account id the walk met, selected or not
}

func (t *taker) seen(id string) {
	t.mu.Lock()
	if t.walked == nil {
		t.walked = map[string]bool{}
	}
	t.walked[id] = true
	t.mu.Unlock()
}

func (t *taker) add(a *Account) {
	t.mu.Lock()
	t.accounts = append(t.accounts, a)
	t.mu.Unlock()
}

// done counts a finished account. Progress is called under the lock, so
// callers get one call at a time, in order.
func (t *taker) done() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.finished++
	if t.o.Progress != nil {
		t.o.Progress(t.finished, len(t.accounts))
	}
}

// selected applies --accounts and --ou.
func (t *taker) selected(a *Account) bool {
	if len(t.o.Accounts) > 0 && !slices.Contains(t.o.Accounts, a.ID) {
		return false
	}
	if len(t.o.OUs) == 0 {
		return true
	}
	for _, ou := range t.o.OUs {
		ou = strings.TrimSuffix(ou, "/")
		if slices.Contains(a.OUIDs, ou) || a.OUPath == ou || strings.HasPrefix(a.OUPath, ou+"/") {
			return true
		}
	}
	return false
}

// skip says why an account is left alone, or "".
func (t *taker) skip(a *Account) string {
	if a.State != "ACTIVE" {
		return "account state is " + a.State
	}
	if t.p != nil && t.p.Excluded(a.Account) {
		return "excluded by policy"
	}
	return ""
}

// read fetches an account's contacts; an interrupted read leaves the
// status empty for Take to report.
func (t *taker) read(ctx context.Context, a *Account) {
	if a.Management && t.caller != a.ID {
		a.Status, a.Err = Failed, ErrDelegatedManagement
		return
	}
	if t.o.NoReads {
		a.Status = NotRead
		return
	}
	// The caller's own account is always read in standalone context: the
	// management account gets a 403 if it names itself.
	target := awsorg.Target{AccountID: a.ID, Standalone: a.ID == t.caller}
	a.Contacts = map[contact.Type]*contact.Details{}
	for _, typ := range t.o.Types {
		d, err := t.c.GetContact(ctx, target, typ)
		if err != nil {
			if ctx.Err() != nil {
				// Interrupted, not failed: Take reports it NotRead.
				a.Err = err
				return
			}
			a.Status, a.Err = Failed, err
			return
		}
		// A missing type is nil and reading goes on: one unset type
		// must never hide the others.
		a.Contacts[typ] = d
		if d != nil && t.o.Email != nil {
			t.o.Email(d.Email)
		}
	}
	a.Status = Read
}
