package plan

import (
	"context"
	"errors"
	"fmt"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/inventory"
)

// OrganizationError is a plan file made for another organization than the
// caller's (or for none, or the caller is in none): its account ids may
// name someone else's accounts, so nothing of it is applied.
type OrganizationError struct {
	File string
	// Planned is the organization the plan was made for; "" for none.
	Planned string
	// Caller is the caller's organization; "" when it is in none.
	Caller string
}

func (e *OrganizationError) Error() string {
	made := "no organization"
	if e.Planned != "" {
		made = "organization " + e.Planned
	}
	if e.Caller == "" {
		return fmt.Sprintf("%s: the plan was made for %s, but the caller is not in an organization", e.File, made)
	}
	return fmt.Sprintf("%s: the plan was made for %s, but the caller is in organization %s", e.File, made, e.Caller)
}

// Recheck makes a plan file read from file fit the organization as it is
// now, before anything is written: a plan for another organization is an
// *OrganizationError, and writes to accounts that are no longer ACTIVE
// members, or to the management account by anyone else, become skips (and
// Summary is recounted). Other errors are AWS's.
func Recheck(ctx context.Context, c *awsorg.Client, file string, pl *Plan, caller awsorg.Identity) error {
	planned := ""
	if pl.Organization != nil {
		planned = pl.Organization.ID
	}
	org, err := c.Organization(ctx)
	switch {
	case errors.Is(err, awsorg.ErrNotInOrganization):
		if planned != "" {
			return &OrganizationError{File: file, Planned: planned}
		}
		return nil
	case err != nil:
		return err
	}
	if planned != org.ID {
		return &OrganizationError{File: file, Planned: planned, Caller: org.ID}
	}
	accts, err := c.Accounts(ctx)
	if err != nil {
		return err
	}
	state := map[string]string{}
	for _, a := range accts {
		state[a.ID] = a.State
	}
	for i, ch := range pl.Changes {
		if ch.Action != Create && ch.Action != Update {
			continue
		}
		if st := state[ch.AccountID]; st != "ACTIVE" {
			pl.Changes[i].Action = Skip
			pl.Changes[i].Reason = fmt.Sprintf("account is no longer ACTIVE (state %q)", st)
		}
		if ch.Management && caller.Account != ch.AccountID {
			pl.Changes[i].Action = Skip
			pl.Changes[i].Reason = inventory.ErrDelegatedManagement.Error()
		}
	}
	pl.Summarize()
	return nil
}
