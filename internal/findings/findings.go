// Package findings puts altcontacts' durability findings into Security
// Hub as ASFF: a deterministic id per (account, type, rule, field), so a
// rerun updates rather than duplicates, and the findings that stopped firing
// are archived. Account.1 itself is AWS's finding and is never written.
package findings

import (
	"context"
	"fmt"
	"time"

	"github.com/altcontacts/altcontacts/internal/asff"
	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
)

// Options place exported findings.
type Options struct {
	// Region is the Security Hub Region the findings go to.
	Region string
	Now    time.Time
}

var labels = map[contact.Severity]string{
	contact.Info: "INFORMATIONAL", contact.Low: "LOW", contact.Medium: "MEDIUM", contact.High: "HIGH", contact.Critical: "CRITICAL",
}

// callerPartition is the partition awsorg read from the caller's ARN when
// it took the identity; a report without one (read from an old file) is
// the commercial partition's.
func callerPartition(r *audit.Report) string {
	if r.Caller.Partition != "" {
		return r.Caller.Partition
	}
	if p := awsorg.PartitionOf(r.Caller.ARN); p != "" {
		return p
	}
	return awsorg.PartitionAWS
}

// FromReport converts every finding of the report except Account.1 (AWS owns
// that one) into ASFF, for -o asff and --import-findings.
func FromReport(r *audit.Report, o Options) []asff.Finding {
	partition := callerPartition(r)
	caller := r.Caller.Account
	now := o.Now.UTC().Format("2006-01-02T15:04:05.000Z")
	out := []asff.Finding{}
	for _, a := range r.Accounts {
		for _, f := range a.Findings {
			if f.Rule == contact.RuleAccount1 {
				continue
			}
			subject := fmt.Sprintf("%s alternate contact", f.Type)
			if f.Type == contact.Root {
				subject = "Root email"
			}
			title := fmt.Sprintf("%s: %s", subject, f.Rule)
			if info, ok := contact.RuleInfo(f.Rule); ok {
				title = fmt.Sprintf("%s: %s", subject, info.Description)
			}
			if len(title) > 256 {
				title = title[:256]
			}
			out = append(out, asff.Finding{
				SchemaVersion: "2018-10-08",
				Id:            asff.ID(partition, o.Region, caller, a.ID, f.Type, f.Rule, f.Field),
				ProductArn:    asff.ProductArn(partition, o.Region, caller),
				GeneratorId:   asff.GeneratorPrefix + f.Rule,
				AwsAccountId:  caller,
				Types:         []string{"Software and Configuration Checks/AWS Security Best Practices"},
				CreatedAt:     now,
				UpdatedAt:     now,
				Severity:      asff.Severity{Label: labels[f.Severity]},
				Title:         title,
				Description:   fmt.Sprintf("Account %s (%s): %s", a.ID, a.Name, f.Message),
				Remediation:   asff.Remediation{Recommendation: asff.Recommendation{Text: f.Hint}},
				Resources:     []asff.Resource{{Type: "AwsAccount", Id: "AWS::::Account:" + a.ID, Partition: partition, Region: o.Region}},
				Compliance:    asff.Compliance{Status: "FAILED"},
				RecordState:   "ACTIVE",
				ProductFields: map[string]string{
					"altcontacts/Rule": f.Rule, "altcontacts/ContactType": string(f.Type), "altcontacts/Account": a.ID,
					"altcontacts/OUPath": a.OUPath,
				},
			})
		}
	}
	return out
}

// Result counts what Sync did.
type Result struct {
	Imported int               `json:"imported"`
	Archived int               `json:"archived"`
	Failed   map[string]string `json:"failed,omitempty"`
}

// Sync imports the report's findings and archives earlier ones that no
// longer fire, for the accounts the report covers (so a filtered audit
// never archives findings of accounts it did not read). Findings keep the
// CreatedAt of their first import.
func Sync(ctx context.Context, c *awsorg.Client, r *audit.Report, o Options) (*Result, error) {
	fs := FromReport(r, o)
	product := asff.ProductArn(callerPartition(r), o.Region, r.Caller.Account)
	existing, err := c.OwnFindings(ctx, product)
	if err != nil {
		return nil, err
	}
	read := map[string]bool{}
	for _, a := range r.Accounts {
		if a.Status == audit.StatusPass || a.Status == audit.StatusFail {
			read[a.ID] = true
		}
	}
	current := map[string]bool{}
	for _, f := range fs {
		current[f.Id] = true
	}
	created := map[string]string{}
	for _, e := range existing {
		created[e.ID] = e.CreatedAt
	}
	for i := range fs {
		if c, ok := created[fs[i].Id]; ok && c != "" {
			fs[i].CreatedAt = c
		}
	}
	res := &Result{Imported: len(fs)}
	now := o.Now.UTC().Format("2006-01-02T15:04:05.000Z")
	for _, e := range existing {
		if current[e.ID] || !read[e.Account] {
			continue
		}
		// Resend the finding as ARCHIVED: the provider's way to close it.
		fs = append(fs, asff.Finding{
			SchemaVersion: "2018-10-08", Id: e.ID, ProductArn: product, GeneratorId: e.GeneratorID,
			AwsAccountId: r.Caller.Account, Types: []string{"Software and Configuration Checks/AWS Security Best Practices"},
			CreatedAt: e.CreatedAt, UpdatedAt: now, Severity: asff.Severity{Label: "INFORMATIONAL"},
			Title: e.Title, Description: "Resolved: the contact no longer breaks this rule.",
			Resources:   []asff.Resource{{Type: "AwsAccount", Id: "AWS::::Account:" + e.Account, Partition: callerPartition(r), Region: o.Region}},
			Compliance:  asff.Compliance{Status: "PASSED"},
			RecordState: "ARCHIVED",
		})
		res.Archived++
	}
	failed, err := c.ImportFindings(ctx, fs)
	if err != nil {
		return nil, err
	}
	if len(failed) > 0 {
		res.Failed = failed
	}
	res.Imported -= len(failed)
	return res, nil
}
