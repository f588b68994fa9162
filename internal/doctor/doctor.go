// Package doctor is the pre-flight: it checks, with harmless reads, every
// prerequisite altcontacts needs — credentials, the organization, all
// features, trusted access, the caller's role, Security Hub and its
// Account.1 control, the permission to read contacts — and for each failure
// names the exact command that fixes it.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/altcontacts/altcontacts/internal/awsorg"
)

// Schema is the doctor report's schema id.
const Schema = "altcontacts/doctor/v1"

// Statuses.
const (
	Pass = "PASS"
	Fail = "FAIL"
	Skip = "SKIP" // cannot apply here (e.g. organization checks for a standalone account)
)

// Check is one prerequisite.
type Check struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Detail string `json:"detail"`
	// Fix is the command (or action) that turns a FAIL into a PASS.
	Fix string `json:"fix,omitempty"`
}

// Report is the doctor result.
type Report struct {
	Schema string  `json:"schema"`
	Checks []Check `json:"checks"`
}

// Failed reports whether any check failed.
func (r *Report) Failed() bool {
	for _, c := range r.Checks {
		if c.Status == Fail {
			return true
		}
	}
	return false
}

const principal = "account.amazonaws.com"

// Run performs every check in order; later checks that depend on an
// earlier failure are skipped with the reason.
func Run(ctx context.Context, c *awsorg.Client) (*Report, error) {
	r := &Report{Schema: Schema}
	add := func(id, status, detail, fix string) {
		r.Checks = append(r.Checks, Check{ID: id, Status: status, Detail: detail, Fix: fix})
	}
	id, err := c.Identity(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
		add("credentials", Fail, err.Error(), "configure credentials: 'aws configure', 'aws sso login --profile NAME', or pass --profile")
		return r, nil
	}
	add("credentials", Pass, "caller "+id.ARN, "")

	org, err := c.Organization(ctx)
	standalone := errors.Is(err, awsorg.ErrNotInOrganization)
	switch {
	case standalone:
		add("organization", Pass, fmt.Sprintf("account %s is not in an organization: altcontacts manages its own contacts only", id.Account), "")
		for _, skipped := range []string{"all-features", "trusted-access", "caller-role"} {
			add(skipped, Skip, "not in an organization", "")
		}
	case err != nil:
		add("organization", Fail, err.Error(), "run with credentials of an account in the organization")
	default:
		add("organization", Pass, fmt.Sprintf("organization %s, management account %s", org.ID, org.ManagementAccountID), "")
		if org.FeatureSet == "ALL" {
			add("all-features", Pass, "all features enabled", "")
		} else {
			add("all-features", Fail, "feature set "+org.FeatureSet+": member accounts' contacts cannot be managed centrally",
				"aws organizations enable-all-features   # from the management account; every member must accept")
		}
		mgmt := id.Account == org.ManagementAccountID
		trusted, terr := c.TrustedAccess(ctx)
		switch {
		case terr != nil:
			add("trusted-access", Fail, "cannot list trusted access: "+terr.Error(),
				"run doctor from the management account or a delegated administrator")
		case slices.Contains(trusted, principal):
			add("trusted-access", Pass, "trusted access enabled for "+principal, "")
		default:
			add("trusted-access", Fail, "trusted access for "+principal+" is not enabled: member accounts read as AccessDenied (UNKNOWN)",
				"aws organizations enable-aws-service-access --service-principal "+principal+"   # from the management account")
		}
		admins, aerr := c.DelegatedAdministrators(ctx, principal)
		switch {
		case mgmt:
			detail := "the management account: manages every member, and its own contacts in standalone context"
			if aerr == nil && len(admins) > 0 {
				detail += fmt.Sprintf("; delegated administrator %s is registered too", admins[0])
			}
			add("caller-role", Pass, detail, "")
		case aerr == nil && slices.Contains(admins, id.Account):
			add("caller-role", Pass, "delegated administrator for "+principal+
				": manages every member, but not the management account's own contacts (run those from the management account)", "")
		default:
			add("caller-role", Fail, fmt.Sprintf("account %s is neither the management account nor the delegated administrator for %s", id.Account, principal),
				fmt.Sprintf("aws organizations register-delegated-administrator --account-id %s --service-principal %s   # from the management account", id.Account, principal))
		}
	}

	// The read probe: the caller's own contact, in standalone context.
	if err := c.CanReadContacts(ctx, awsorg.Target{AccountID: id.Account, Standalone: true}); err != nil {
		add("contact-read", Fail, "account:GetAlternateContact on the caller's own account failed: "+err.Error(),
			"grant account:GetAlternateContact (and PutAlternateContact to apply): see docs/iam/audit-policy.json and docs/iam/apply-policy.json")
	} else {
		add("contact-read", Pass, "account:GetAlternateContact allowed", "")
	}

	hub, err := c.Hub(ctx)
	switch {
	case errors.Is(err, awsorg.ErrNotSubscribed):
		add("security-hub", Fail, "Security Hub is not enabled in "+hubRegion(c)+" for this account",
			"aws securityhub enable-security-hub --region "+hubRegion(c)+"   # or run verify with --securityhub-region set to your aggregation Region")
		add("account1-control", Skip, "Security Hub is not enabled", "")
		return r, nil
	case err != nil:
		add("security-hub", Fail, "cannot describe Security Hub: "+err.Error(), "grant securityhub:DescribeHub and securityhub:GetFindings")
		add("account1-control", Skip, "Security Hub is not readable", "")
		return r, nil
	}
	add("security-hub", Pass, fmt.Sprintf("Security Hub enabled in %s (%s findings)", hub.Region, hub.ControlFindingGenerator), "")
	fs, err := c.Account1Findings(ctx, []string{id.Account})
	switch {
	case err != nil:
		add("account1-control", Fail, "cannot read Account.1 findings: "+err.Error(), "grant securityhub:GetFindings")
	case len(fs) == 0:
		add("account1-control", Fail, "no active Account.1 finding for this account in "+hub.Region+": the control is disabled (or not yet evaluated)",
			"aws securityhub batch-update-standards-control-associations --standards-control-association-updates '[{\"SecurityControlId\":\"Account.1\",\"StandardsArn\":\"arn:aws:securityhub:"+hub.Region+"::standards/aws-foundational-security-best-practices/v/1.0.0\",\"AssociationStatus\":\"ENABLED\"}]'")
	default:
		add("account1-control", Pass, fmt.Sprintf("Account.1 is evaluated (this account: %s)", fs[0].Status), "")
	}
	return r, nil
}

func hubRegion(c *awsorg.Client) string { return c.HubRegion() }
