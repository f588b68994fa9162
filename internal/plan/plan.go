// Package plan is step 2 of the loop: it compares what a policy wants with
// what every account has, and lists the changes (create, update, noop,
// skip) with each contact's current value, so apply can later refuse to
// overwrite anything that moved since.
package plan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/inventory"
	"github.com/altcontacts/altcontacts/internal/strict"
)

// Schema is the plan file's schema id.
const Schema = "altcontacts/plan/v1"

// Actions.
const (
	Create = "create"
	Update = "update"
	Noop   = "noop"
	Skip   = "skip"
	// Ensure is a write decided at write time: the contact was not read
	// for the plan, and apply writes it only if it differs (streaming).
	Ensure = "ensure"
)

// Change is one contact of one account.
type Change struct {
	AccountID   string       `json:"account_id"`
	AccountName string       `json:"account_name"`
	OUPath      string       `json:"ou_path"`
	Management  bool         `json:"management"`
	Type        contact.Type `json:"type,omitempty"`
	Action      string       `json:"action"`
	// Fields lists what an update changes.
	Fields []string `json:"fields,omitempty"`
	// Before is the contact read when the plan was made (null: unset).
	Before *contact.Details `json:"before"`
	After  *contact.Details `json:"after"`
	// Reason says why a change is skipped.
	Reason string `json:"reason,omitempty"`
	// Unknown marks a skip caused by an account that could not be read.
	Unknown bool `json:"unknown,omitempty"`
}

// Decide is what a policy's contact want asks of a contact that is now
// cur (nil: unset): Create, Update with the fields that differ, or Noop
// when the policy's comparison finds them the same. Plans and the
// enforcer's report-mode sweep decide through it alike.
func Decide(cur *contact.Details, want contact.Details) (action string, fields []string) {
	switch {
	case cur == nil:
		return Create, nil
	case contact.Differs(*cur, want):
		return Update, contact.DiffFields(*cur, want)
	}
	return Noop, nil
}

// Plan is what plan prints and --out writes.
type Plan struct {
	Schema       string                  `json:"schema"`
	GeneratedAt  time.Time               `json:"generated_at"`
	ToolVersion  string                  `json:"tool_version"`
	Caller       awsorg.Identity         `json:"caller"`
	Organization *inventory.Organization `json:"organization"`
	Policy       PolicyRef               `json:"policy"`
	Summary      Summary                 `json:"summary"`
	Changes      []Change                `json:"changes"`
}

// PolicyRef identifies the policy a plan was made from.
type PolicyRef struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// Summary counts changes by action.
type Summary struct {
	Create  int `json:"create"`
	Update  int `json:"update"`
	Noop    int `json:"noop"`
	Skip    int `json:"skip"`
	Unknown int `json:"unknown"`
	Ensure  int `json:"ensure,omitempty"`
}

// Options select and tune a plan.
type Options struct {
	Accounts    []string
	OUs         []string
	Concurrency int
	Progress    func(done, total int)
	// Warn hears the inventory's warnings (inventory.Options.Warn).
	Warn    func(msg string)
	Now     func() time.Time
	Version string
	// Stream makes a plan without reading any contact: every (account,
	// type) the policy declares becomes an Ensure, and apply's own read
	// decides. A plan costs a read per contact and apply two more (the
	// re-read before the journaled write, the read-back), so for
	// unattended runs this saves a third of the reads, which bind before
	// the Put quota does.
	Stream bool
}

// Hash is the policy hash a plan records.
func Hash(policy []byte) string {
	sum := sha256.Sum256(policy)
	return hex.EncodeToString(sum[:])
}

// Types are the contact types a policy touches: required ones and any it
// declares a contact for.
func Types(p *contact.Policy) []contact.Type {
	want := map[contact.Type]bool{}
	for _, t := range p.Require {
		want[t] = true
	}
	for t := range p.Contacts {
		want[t] = true
	}
	for _, o := range p.Overrides {
		for t := range o.Contacts {
			want[t] = true
		}
	}
	var out []contact.Type
	for _, t := range contact.Types() {
		if want[t] {
			out = append(out, t)
		}
	}
	return out
}

// Build takes the inventory of the organization (reading the types the
// policy touches, or nothing with Stream), checks the policy's references
// against it and makes the plan for policy p, whose file bytes were
// policyBytes.
func Build(ctx context.Context, c *awsorg.Client, p *contact.Policy, policyBytes []byte, o Options) (*Plan, error) {
	inv, err := inventory.Take(ctx, c, p, inventory.Options{
		Types: Types(p), Accounts: o.Accounts, OUs: o.OUs, Concurrency: o.Concurrency,
		Progress: o.Progress, NoReads: o.Stream, Warn: o.Warn,
	})
	if err != nil {
		return nil, err
	}
	if inv.Organization != nil {
		if err := CheckReferences(p, inv, len(o.Accounts) == 0 && len(o.OUs) == 0); err != nil {
			return nil, err
		}
	}
	return Make(inv, p, policyBytes, o), nil
}

// Make makes the plan for policy p from an inventory taken for it (with
// Types(p), and the policy's exclusions): a change per (account, type) read,
// an Ensure per one not read, a skip per account skipped or not readable.
// It checks no reference; only Now and Version of o are used.
func Make(inv *inventory.Inventory, p *contact.Policy, policyBytes []byte, o Options) *Plan {
	if o.Now == nil {
		o.Now = time.Now
	}
	types := Types(p)
	pl := &Plan{
		Schema: Schema, GeneratedAt: o.Now().UTC(), ToolVersion: o.Version, Caller: inv.Caller,
		Organization: inv.Organization, Policy: PolicyRef{File: p.Source, SHA256: Hash(policyBytes)},
		Changes: []Change{},
	}
	for _, a := range inv.Accounts {
		base := Change{AccountID: a.ID, AccountName: a.Name, OUPath: a.OUPath, Management: a.Management}
		switch {
		case a.Status == inventory.Skipped:
			base.Action, base.Reason = Skip, a.Reason
			pl.Changes = append(pl.Changes, base)
			continue
		case a.Status == inventory.Failed, a.Status == inventory.NotRead && a.Err != nil:
			base.Action, base.Reason, base.Unknown = Skip, a.Problem(), true
			pl.Changes = append(pl.Changes, base)
			continue
		}
		desired := p.Desired(a.Account)
		for _, t := range types {
			ch := base
			ch.Type = t
			ch.Before = a.Contacts[t]
			want, ok := desired[t]
			switch {
			case !ok:
				ch.Action, ch.Reason = Skip, fmt.Sprintf("the policy requires %s but declares no contact for this account", t)
			case a.Status == inventory.NotRead:
				w := want
				ch.Action, ch.After = Ensure, &w
			default:
				w := want
				ch.Action, ch.Fields = Decide(ch.Before, w)
				ch.After = &w
				if ch.Action == Noop {
					ch.After = ch.Before
				}
			}
			pl.Changes = append(pl.Changes, ch)
		}
	}
	pl.Summarize()
	return pl
}

// Summarize recounts Summary from Changes.
func (pl *Plan) Summarize() {
	var s Summary
	for _, c := range pl.Changes {
		switch c.Action {
		case Create:
			s.Create++
		case Update:
			s.Update++
		case Noop:
			s.Noop++
		case Ensure:
			s.Ensure++
		case Skip:
			s.Skip++
			if c.Unknown {
				s.Unknown++
			}
		}
	}
	pl.Summary = s
}

// Writes are the changes that (may) write: create, update and ensure.
func (pl *Plan) Writes() []Change {
	var out []Change
	for _, c := range pl.Changes {
		if c.Action == Create || c.Action == Update || c.Action == Ensure {
			out = append(out, c)
		}
	}
	return out
}

// Accounts counts the distinct accounts of changes: what apply tells the
// user it is about to write to.
func Accounts(changes []Change) int {
	seen := map[string]bool{}
	for _, c := range changes {
		seen[c.AccountID] = true
	}
	return len(seen)
}

// Unknowns are the changes skipped because their account could not be
// read (Summary.Unknown counts them), in the plan's order: neither written
// nor checked, so a run that leaves any is incomplete.
func (pl *Plan) Unknowns() []Change {
	var out []Change
	for _, c := range pl.Changes {
		if c.Unknown {
			out = append(out, c)
		}
	}
	return out
}

// CheckReferences reports the policy's OU and account references that do
// not exist in the organization the inventory walked (its OU map and its
// accounts), as a *strict.FileError or, for several, strict.FileErrors in
// file order: the user's to fix, not AWS's. With --accounts or --ou the
// inventory holds only some accounts, so account references are checked
// only when allAccounts is true.
func CheckReferences(p *contact.Policy, inv *inventory.Inventory, allAccounts bool) error {
	accounts := map[string]bool{}
	for _, a := range inv.Accounts {
		accounts[a.ID] = true
	}
	paths := map[string]bool{}
	for _, path := range inv.OUs {
		paths[path] = true
	}
	ouExists := func(ref string) bool {
		if _, ok := inv.OUs[ref]; ok {
			return true
		}
		return paths[strings.TrimSuffix(ref, "/")]
	}
	var found []*strict.FileError
	add := func(path string, line int, format string, args ...any) {
		l, col := p.PositionOr(path, line)
		found = append(found, &strict.FileError{File: p.Source, Line: l, Column: col, Path: path, Message: fmt.Sprintf(format, args...)})
	}
	org := inv.Organization.ID
	for i, o := range p.Overrides {
		switch {
		case o.OU != "" && !ouExists(o.OU):
			add(fmt.Sprintf("overrides[%d].ou", i), o.Line, "%q is not an OU of organization %s", o.OU, org)
		case o.Account != "" && allAccounts && !accounts[o.Account]:
			add(fmt.Sprintf("overrides[%d].account", i), o.Line, "%s is not an account of organization %s", o.Account, org)
		}
	}
	for i, ou := range p.Exclude.OUs {
		if !ouExists(ou) {
			add(fmt.Sprintf("exclude.ous[%d]", i), 0, "%q is not an OU of organization %s", ou, org)
		}
	}
	for i, id := range p.Exclude.Accounts {
		if allAccounts && !accounts[id] {
			add(fmt.Sprintf("exclude.accounts[%d]", i), 0, "%s is not an account of organization %s", id, org)
		}
	}
	return strict.Join(found)
}
