package awsorg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// Security Hub generations.
const (
	// CSPM is the original service, now "Security Hub CSPM": DescribeHub
	// and GetFindings, findings in ASFF.
	CSPM = "cspm"
	// V2 is the new Security Hub: DescribeSecurityHubV2 and
	// GetFindingsV2, findings in OCSF.
	V2 = "v2"
)

// Hub is the Security Hub setup of the caller's account in the client's
// Security Hub Region.
type Hub struct {
	// Generation is CSPM or V2: which Security Hub this is.
	Generation string
	Region     string
	// ControlFindingGenerator is SECURITY_CONTROL (consolidated findings,
	// GeneratorId security-control/Account.1) or STANDARD_CONTROL (one
	// finding per standard); CSPM only.
	ControlFindingGenerator string `json:",omitempty"`
	// ARN is the new Security Hub's HubV2Arn; V2 only.
	ARN string `json:",omitempty"`
}

// Hub describes Security Hub CSPM; ErrNotSubscribed when it is not enabled.
func (c *Client) Hub(ctx context.Context) (Hub, error) {
	out, err := c.hub.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	if err != nil {
		return Hub{}, classify("describe Security Hub CSPM", err)
	}
	return Hub{Generation: CSPM, Region: c.hubRegion, ControlFindingGenerator: string(out.ControlFindingGenerator)}, nil
}

// HubV2 describes the new Security Hub; ErrNotSubscribed when it is not
// enabled (DescribeSecurityHubV2 answers ResourceNotFoundException).
func (c *Client) HubV2(ctx context.Context) (Hub, error) {
	out, err := c.hub.DescribeSecurityHubV2(ctx, &securityhub.DescribeSecurityHubV2Input{})
	if err != nil {
		err = classify("describe Security Hub (v2)", err)
		var ae *APIError
		if errors.As(err, &ae) && ae.Kind == ErrNotFound {
			ae.Kind = ErrNotSubscribed
		}
		return Hub{}, err
	}
	return Hub{Generation: V2, Region: c.hubRegion, ARN: aws.ToString(out.HubV2Arn)}, nil
}

// NoHubError says that neither Security Hub is enabled: it carries what
// Hub and HubV2 answered, and is ErrNotSubscribed to errors.Is.
type NoHubError struct{ CSPM, V2 error }

func (e *NoHubError) Error() string {
	return fmt.Sprintf("neither Security Hub CSPM nor the new Security Hub is enabled (%v; %v)", e.CSPM, e.V2)
}

func (e *NoHubError) Is(target error) bool { return target == ErrNotSubscribed }

// ChooseHub is the auto rule, given what Hub (cspm, cerr) and HubV2 (v2,
// verr) answered: Security Hub CSPM when it answers, else the new Security
// Hub when it does. When neither does it is a *NoHubError if both are not
// enabled, else the error of the one that is enabled but unreadable (CSPM's
// first). With cerr nil, v2 and verr are not looked at, so a caller may
// skip HubV2.
func ChooseHub(cspm Hub, cerr error, v2 Hub, verr error) (Hub, error) {
	switch {
	case cerr == nil:
		return cspm, nil
	case verr == nil:
		return v2, nil
	case errors.Is(cerr, ErrNotSubscribed) && errors.Is(verr, ErrNotSubscribed):
		return Hub{}, &NoHubError{CSPM: cerr, V2: verr}
	case errors.Is(cerr, ErrNotSubscribed):
		return Hub{}, verr
	}
	return Hub{}, cerr
}

// Account1FindingsIn returns the Account.1 findings of the given accounts
// from hub: GetFindingsV2 (OCSF, with scope when not nil) for the new
// Security Hub, GetFindings (ASFF; scope unused) for Security Hub CSPM.
func (c *Client) Account1FindingsIn(ctx context.Context, hub Hub, accounts []string, scope *Scope) ([]Finding, error) {
	if hub.Generation == V2 {
		return c.account1FindingsV2(ctx, accounts, scope)
	}
	return c.account1Findings(ctx, accounts)
}

// Finding is one Account.1 finding.
type Finding struct {
	ID        string
	AccountID string
	Region    string
	// Status is Compliance.Status: PASSED, FAILED, WARNING, NOT_AVAILABLE.
	Status      string
	GeneratorID string
	UpdatedAt   time.Time
}

// maxFilterValues is Security Hub's limit of values per filter attribute
// (GetFindings), and of filters per type in a composite filter
// (GetFindingsV2).
const maxFilterValues = 20

// account1Control is compliance.control of Account.1 in the new Security
// Hub's OCSF findings. AWS documents the field, not this value; the bare
// security control id, as ASFF's Compliance.SecurityControlId carries it,
// is the choice (the sandbox renders it the same way).
const account1Control = "Account.1"

// account1Findings returns the ACTIVE Account.1 findings of the given
// accounts from Security Hub CSPM. It filters on
// ComplianceSecurityControlId, which both generator modes carry, so it
// finds security-control/Account.1 and the per-standard GeneratorIds
// alike; accounts go 20 to a request (the filter limit), and requests are
// paced at the GetFindings quota.
func (c *Client) account1Findings(ctx context.Context, accounts []string) ([]Finding, error) {
	var out []Finding
	for start := 0; start < len(accounts); start += maxFilterValues {
		batch := accounts[start:min(start+maxFilterValues, len(accounts))]
		ids := make([]shtypes.StringFilter, len(batch))
		for i, a := range batch {
			ids[i] = shtypes.StringFilter{Comparison: shtypes.StringFilterComparisonEquals, Value: aws.String(a)}
		}
		in := &securityhub.GetFindingsInput{
			Filters: &shtypes.AwsSecurityFindingFilters{
				ComplianceSecurityControlId: []shtypes.StringFilter{{Comparison: shtypes.StringFilterComparisonEquals, Value: aws.String("Account.1")}},
				RecordState:                 []shtypes.StringFilter{{Comparison: shtypes.StringFilterComparisonEquals, Value: aws.String("ACTIVE")}},
				AwsAccountId:                ids,
			},
			MaxResults: aws.Int32(100),
		}
		err := c.eachFinding(ctx, "get Account.1 findings (Security Hub CSPM)", in, func(f shtypes.AwsSecurityFinding) {
			fd := Finding{ID: aws.ToString(f.Id), AccountID: aws.ToString(f.AwsAccountId), Region: aws.ToString(f.Region),
				GeneratorID: aws.ToString(f.GeneratorId)}
			if f.Compliance != nil {
				fd.Status = string(f.Compliance.Status)
			}
			if t, err := time.Parse(time.RFC3339Nano, aws.ToString(f.UpdatedAt)); err == nil {
				fd.UpdatedAt = t
			}
			out = append(out, fd)
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Scope is the delegated administrator's organization scope for
// GetFindingsV2 (Scopes.AwsOrganizations). Only the Security Hub delegated
// administrator may send one; others get AccessDenied.
type Scope struct {
	OrganizationID string
}

// account1FindingsV2 returns the Account.1 findings of the given accounts
// from the new Security Hub (GetFindingsV2, OCSF): compliance.control is
// Account.1 and status is not Archived (ASFF's RecordState ACTIVE), ORed
// over up to 20 cloud.account.uid values a request. The OCSF compliance
// status is mapped back to ASFF's (Pass → PASSED, Fail → FAILED, Warning →
// WARNING, anything else NOT_AVAILABLE) and modified_time_dt is the last
// evaluation, so a verdict reads the same from either Security Hub.
func (c *Client) account1FindingsV2(ctx context.Context, accounts []string, scope *Scope) ([]Finding, error) {
	str := func(field shtypes.OcsfStringField, cmp shtypes.StringFilterComparison, v string) shtypes.OcsfStringFilter {
		return shtypes.OcsfStringFilter{FieldName: field, Filter: &shtypes.StringFilter{Comparison: cmp, Value: aws.String(v)}}
	}
	var out []Finding
	for start := 0; start < len(accounts); start += maxFilterValues {
		batch := accounts[start:min(start+maxFilterValues, len(accounts))]
		ids := make([]shtypes.OcsfStringFilter, len(batch))
		for i, a := range batch {
			ids[i] = str(shtypes.OcsfStringFieldCloudAccountUid, shtypes.StringFilterComparisonEquals, a)
		}
		in := &securityhub.GetFindingsV2Input{
			Filters: &shtypes.OcsfFindingFilters{
				CompositeOperator: shtypes.AllowedOperatorsAnd,
				CompositeFilters: []shtypes.CompositeFilter{
					{Operator: shtypes.AllowedOperatorsAnd, StringFilters: []shtypes.OcsfStringFilter{
						str(shtypes.OcsfStringFieldComplianceControl, shtypes.StringFilterComparisonEquals, account1Control),
						str(shtypes.OcsfStringFieldStatus, shtypes.StringFilterComparisonNotEquals, "Archived"),
					}},
					{Operator: shtypes.AllowedOperatorsOr, StringFilters: ids},
				},
			},
			MaxResults: aws.Int32(100),
		}
		if scope != nil {
			in.Scopes = &shtypes.FindingScopes{AwsOrganizations: []shtypes.AwsOrganizationScope{{OrganizationId: aws.String(scope.OrganizationID)}}}
		}
		err := eachPage(ctx, "get Account.1 findings (Security Hub v2)", func(ctx context.Context, token *string) ([]ocsfDoc, *string, error) {
			in.NextToken = token
			pg, err := c.hub.GetFindingsV2(ctx, in)
			if err != nil {
				return nil, nil, err
			}
			docs := make([]ocsfDoc, len(pg.Findings))
			for i, d := range pg.Findings {
				if err := d.UnmarshalSmithyDocument(&docs[i]); err != nil {
					return nil, nil, fmt.Errorf("decode an OCSF finding: %w", err)
				}
			}
			return docs, pg.NextToken, nil
		}, func(d ocsfDoc) error {
			out = append(out, d.finding())
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ocsfDoc is an OCSF finding as a generic document.
type ocsfDoc map[string]any

func (d ocsfDoc) get(path ...string) any {
	var v any = map[string]any(d)
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func (d ocsfDoc) str(path ...string) string { s, _ := d.get(path...).(string); return s }

func (d ocsfDoc) finding() Finding {
	f := Finding{ID: d.str("finding_info", "uid"), AccountID: d.str("cloud", "account", "uid"), Region: d.str("cloud", "region")}
	switch d.str("compliance", "status") {
	case "Pass":
		f.Status = "PASSED"
	case "Fail":
		f.Status = "FAILED"
	case "Warning":
		f.Status = "WARNING"
	default:
		f.Status = "NOT_AVAILABLE"
	}
	if t, err := time.Parse(time.RFC3339Nano, d.str("finding_info", "modified_time_dt")); err == nil {
		f.UpdatedAt = t
	} else if ms, ok := d.get("finding_info", "modified_time").(float64); ok {
		f.UpdatedAt = time.UnixMilli(int64(ms)).UTC()
	}
	return f
}

// eachPage is the one pager of both Security Hubs: it follows NextToken
// until it is empty, stops on a token that repeats (a service bug would
// otherwise loop forever), and hands each item to fn. Pacing happens per
// attempt in the retryer, at the shared GetFindings bucket.
func eachPage[T any](ctx context.Context, op string, page func(context.Context, *string) ([]T, *string, error), fn func(T) error) error {
	var token *string
	seen := map[string]bool{}
	for {
		items, next, err := page(ctx, token)
		if err != nil {
			return classify(op, err)
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if aws.ToString(next) == "" || seen[*next] {
			return nil
		}
		seen[*next] = true
		token = next
	}
}

// CanReadContacts probes account:GetAlternateContact on t without changing
// anything: an unset contact is a success.
func (c *Client) CanReadContacts(ctx context.Context, t Target) error {
	_, err := c.GetContact(ctx, t, "SECURITY")
	return err
}

// HubRegion is the Region Security Hub calls go to.
func (c *Client) HubRegion() string { return c.hubRegion }

// eachFinding pages through GetFindings (CSPM) with the shared pager.
func (c *Client) eachFinding(ctx context.Context, op string, in *securityhub.GetFindingsInput, fn func(shtypes.AwsSecurityFinding)) error {
	return eachPage(ctx, op, func(ctx context.Context, token *string) ([]shtypes.AwsSecurityFinding, *string, error) {
		in.NextToken = token
		pg, err := c.hub.GetFindings(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		return pg.Findings, pg.NextToken, nil
	}, func(f shtypes.AwsSecurityFinding) error { fn(f); return nil })
}
