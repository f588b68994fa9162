// Package doctor is the pre-flight: it checks, with harmless reads, every
// prerequisite altcontacts needs — credentials, the organization, all
// features, trusted access, the caller's role, the partition and its
// quotas, which Security Hub is enabled (CSPM, the new one, both, neither)
// and its Account.1 control, AWS Config (the recorder, the rule behind
// Account.1 and how it was deployed, an organization aggregator), the
// permission to read contacts, the DNS resolver of the mail-domain
// checks — and for
// each failure names the exact command that fixes it.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/maildomain"
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
	Schema string `json:"schema"`
	// Partition is the caller's partition; empty when the caller is
	// unknown.
	Partition string `json:"partition"`
	// SecurityHub lists the Security Hubs enabled in the Region: cspm,
	// v2, both or neither ([]).
	SecurityHub []string `json:"securityhub"`
	// Source is where verify --source auto reads Account.1: cspm, v2,
	// config, or none.
	Source string  `json:"source"`
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
	r := &Report{Schema: Schema, SecurityHub: []string{}, Source: "none", Checks: []Check{}}
	add := func(id, status, detail, fix string) {
		r.Checks = append(r.Checks, Check{ID: id, Status: status, Detail: detail, Fix: fix})
	}
	id, err := c.Identity(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
		add("credentials", Fail, err.Error(), FixCredentials)
		return r, nil
	}
	add("credentials", Pass, "caller "+id.ARN, "")
	r.Partition = id.Partition
	q := c.Quotas()
	pacing := fmt.Sprintf("pacing at GetAlternateContact %s, PutAlternateContact %s, DeleteAlternateContact %s (--max-rps overrides)",
		rateText(q.GetContact), rateText(q.PutContact), rateText(q.DeleteContact))
	if awsorg.KnownPartition(id.Partition) {
		add("partition", Pass, id.Partition+": "+pacing, "")
	} else {
		add("partition", Pass, fmt.Sprintf("unknown partition %q: the most conservative quota table; %s", id.Partition, pacing), "")
	}

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
				FixAllFeatures+"   # from the management account; every member must accept")
		}
		mgmt := id.Account == org.ManagementAccountID
		trusted, terr := c.TrustedAccess(ctx)
		switch {
		case terr != nil:
			add("trusted-access", Fail, "cannot list trusted access: "+terr.Error(),
				FixCaller)
		case slices.Contains(trusted, principal):
			add("trusted-access", Pass, "trusted access enabled for "+principal, "")
		default:
			add("trusted-access", Fail, "trusted access for "+principal+" is not enabled: member accounts read as AccessDenied (UNKNOWN)",
				FixTrustedAccess+"   # from the management account")
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
				FixDelegatedAdmin(id.Account)+"   # from the management account")
		}
	}

	// The read probe: the caller's own contact, in standalone context.
	if err := c.CanReadContacts(ctx, awsorg.Target{AccountID: id.Account, Standalone: true}); err != nil {
		add("contact-read", Fail, "account:GetAlternateContact on the caller's own account failed: "+err.Error(),
			"grant account:GetAlternateContact (and PutAlternateContact to apply): see docs/iam/audit-policy.json and docs/iam/apply-policy.json")
	} else {
		add("contact-read", Pass, "account:GetAlternateContact allowed", "")
	}

	region := hubRegion(c)
	cfg := checkConfig(ctx, c, id, region, !standalone && err == nil)
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	hubChecks(ctx, c, r, id, region, cfg, add)
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	// With a Security Hub as the source, Config's missing pieces do not
	// fail: verify does not need them.
	r.Checks = append(r.Checks, cfg.checks(r.Source == awsorg.CSPM || r.Source == awsorg.V2)...)
	return r, nil
}

// hubChecks checks Security Hub and its Account.1 control, and settles
// the source verify reads: a Security Hub, else AWS Config when cfg can
// serve.
func hubChecks(ctx context.Context, c *awsorg.Client, r *Report, id awsorg.Identity, region string, cfg *configState, add func(id, status, detail, fix string)) {
	hub, cerr := c.Hub(ctx)
	v2, verr := c.HubV2(ctx)
	if cerr == nil {
		r.SecurityHub = append(r.SecurityHub, awsorg.CSPM)
	}
	if verr == nil {
		r.SecurityHub = append(r.SecurityHub, awsorg.V2)
	}
	hub, herr := awsorg.ChooseHub(hub, cerr, v2, verr)
	if herr == nil {
		r.Source = hub.Generation
	}
	var neither *awsorg.NoHubError
	switch {
	case errors.As(herr, &neither) && cfg.usable():
		r.Source = "config"
		add("security-hub", Skip, "neither Security Hub CSPM nor the new Security Hub is enabled in "+region+
			": verify reads Account.1 from AWS Config ("+cfg.via()+")", "")
		add("account1-control", Skip, "Security Hub is not enabled; AWS Config's rule is read instead", "")
		return
	case herr == nil && hub.Generation == awsorg.CSPM && verr == nil:
		add("security-hub", Pass, fmt.Sprintf("Security Hub CSPM (%s findings) and the new Security Hub are enabled in %s: verify reads Account.1 from CSPM (GetFindings)",
			hub.ControlFindingGenerator, region), "")
	case herr == nil && hub.Generation == awsorg.CSPM:
		add("security-hub", Pass, fmt.Sprintf("Security Hub CSPM is enabled in %s (%s findings), the new Security Hub is not: verify reads Account.1 from CSPM (GetFindings)",
			region, hub.ControlFindingGenerator), "")
	case herr == nil:
		add("security-hub", Pass, fmt.Sprintf("only the new Security Hub is enabled in %s (Security Hub CSPM is not): verify reads Account.1 from it (GetFindingsV2, OCSF)", region), "")
	case errors.As(herr, &neither):
		add("security-hub", Fail, "neither Security Hub CSPM nor the new Security Hub is enabled in "+region+" for this account",
			FixHubV2+" --region "+region+"   # the new Security Hub; or enable-security-hub for Security Hub CSPM; or run verify with --securityhub-region set to your aggregation Region")
		add("account1-control", Skip, "Security Hub is not enabled", "")
		return
	default:
		add("security-hub", Fail, "cannot describe Security Hub: "+herr.Error(),
			"grant securityhub:DescribeHub, securityhub:DescribeSecurityHubV2 and securityhub:GetFindings: see docs/iam/verify-policy.json")
		add("account1-control", Skip, "Security Hub is not readable", "")
		return
	}
	if why := awsorg.Account1Unavailable(id.Partition, region); why != "" {
		add("account1-control", Skip, why+": verify reports accounts with a contact NOT_APPLICABLE", "")
		return
	}
	fs, err := c.Account1FindingsIn(ctx, hub, []string{id.Account}, nil)
	switch {
	case err != nil:
		add("account1-control", Fail, "cannot read Account.1 findings: "+err.Error(), "grant securityhub:GetFindings")
	case len(fs) == 0:
		add("account1-control", Fail, "no active Account.1 finding for this account in "+hub.Region+": the control is disabled (or not yet evaluated)",
			"aws securityhub batch-update-standards-control-associations --standards-control-association-updates '[{\"SecurityControlId\":\"Account.1\",\"StandardsArn\":\"arn:"+id.Partition+":securityhub:"+hub.Region+"::standards/aws-foundational-security-best-practices/v/1.0.0\",\"AssociationStatus\":\"ENABLED\"}]'")
	default:
		add("account1-control", Pass, fmt.Sprintf("Account.1 is evaluated (this account: %s)", fs[0].Status), "")
	}
}

// rateText is a quota as "10/s burst 15".
func rateText(q awsorg.Quota) string {
	return fmt.Sprintf("%s/s burst %d", strconv.FormatFloat(q.Rate, 'f', -1, 64), q.Burst)
}

func hubRegion(c *awsorg.Client) string { return c.HubRegion() }

// Resolver is the check of the resolver the mail-domain rules ask: mc is
// the command's checker, setupErr why none could be made (no resolver
// configured), and noDNS means --no-dns turned the lookups off.
func Resolver(ctx context.Context, mc *maildomain.Checker, setupErr error, noDNS bool) Check {
	const id = "dns-resolver"
	fix := "name a resolver that answers with --resolver HOST:PORT (or ALTCONTACTS_RESOLVER), or turn the mail-domain checks off with --no-dns"
	switch {
	case noDNS:
		return Check{ID: id, Status: Skip, Detail: "--no-dns: mail domains are not looked up"}
	case setupErr != nil:
		return Check{ID: id, Status: Fail, Detail: setupErr.Error(), Fix: fix}
	case mc == nil:
		return Check{ID: id, Status: Skip, Detail: "no resolver"}
	}
	servers := strings.Join(mc.Servers(), ", ")
	if err := mc.Probe(ctx); err != nil {
		return Check{ID: id, Status: Fail, Detail: fmt.Sprintf("resolver %s: %v", servers, err), Fix: fix}
	}
	return Check{ID: id, Status: Pass, Detail: fmt.Sprintf("resolver %s answers (mail-domain checks)", servers)}
}
