package awsorg

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// Hub is the Security Hub setup of the caller's account in the client's
// Security Hub Region.
type Hub struct {
	Region string
	// ControlFindingGenerator is SECURITY_CONTROL (consolidated findings,
	// GeneratorId security-control/Account.1) or STANDARD_CONTROL (one
	// finding per standard).
	ControlFindingGenerator string
}

// Hub describes Security Hub; ErrNotSubscribed when it is not enabled.
func (c *Client) Hub(ctx context.Context) (Hub, error) {
	out, err := c.hub.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	if err != nil {
		return Hub{}, classify("describe Security Hub", err)
	}
	return Hub{Region: c.hubRegion, ControlFindingGenerator: string(out.ControlFindingGenerator)}, nil
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

// maxFilterValues is Security Hub's limit of values per filter attribute.
const maxFilterValues = 20

// Account1Findings returns the ACTIVE Account.1 findings of the given
// accounts. It filters on ComplianceSecurityControlId, which both generator
// modes carry, so it finds security-control/Account.1 and the per-standard
// GeneratorIds alike; accounts go 20 to a request (the filter limit), and
// requests are paced at the GetFindings quota.
func (c *Client) Account1Findings(ctx context.Context, accounts []string) ([]Finding, error) {
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
		err := c.eachFinding(ctx, "get Account.1 findings", in, func(f shtypes.AwsSecurityFinding) {
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

// eachFinding pages through GetFindings at the quota's pace.
func (c *Client) eachFinding(ctx context.Context, op string, in *securityhub.GetFindingsInput, fn func(shtypes.AwsSecurityFinding)) error {
	p := securityhub.NewGetFindingsPaginator(c.hub, in)
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			return classify(op, err)
		}
		for _, f := range pg.Findings {
			fn(f)
		}
	}
	return nil
}

// CanReadContacts probes account:GetAlternateContact on t without changing
// anything: an unset contact is a success.
func (c *Client) CanReadContacts(ctx context.Context, t Target) error {
	_, err := c.GetContact(ctx, t, "SECURITY")
	return err
}

// HubRegion is the Region Security Hub calls go to.
func (c *Client) HubRegion() string { return c.hubRegion }
