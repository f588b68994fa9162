package awsorg

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/altcontacts/altcontacts/internal/asff"
)

// maxImportBatch is BatchImportFindings' limit per call.
const maxImportBatch = 100

// ImportFindings sends findings to Security Hub, 100 per call, paced at
// the BatchImportFindings quota. It returns the ids Security Hub refused,
// with its reason.
func (c *Client) ImportFindings(ctx context.Context, fs []asff.Finding) (map[string]string, error) {
	failed := map[string]string{}
	for start := 0; start < len(fs); start += maxImportBatch {
		batch := fs[start:min(start+maxImportBatch, len(fs))]
		// The SDK's finding type uses ASFF's member names, so the JSON of
		// our plain type converts exactly.
		b, err := json.Marshal(batch)
		if err != nil {
			return nil, err
		}
		var in []shtypes.AwsSecurityFinding
		if err := json.Unmarshal(b, &in); err != nil {
			return nil, fmt.Errorf("convert findings: %w", err)
		}
		out, err := c.hub.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: in})
		if err != nil {
			return nil, classify("import findings", err)
		}
		for _, f := range out.FailedFindings {
			failed[aws.ToString(f.Id)] = aws.ToString(f.ErrorCode) + ": " + aws.ToString(f.ErrorMessage)
		}
	}
	return failed, nil
}

// OwnFinding is a finding altcontacts imported earlier.
type OwnFinding struct {
	ID          string
	Account     string // from the resource id
	CreatedAt   string
	GeneratorID string
	Title       string
}

// OwnFindings lists the ACTIVE findings altcontacts imported under
// productArn, to keep their CreatedAt and to archive those that stopped
// firing.
func (c *Client) OwnFindings(ctx context.Context, productArn string) ([]OwnFinding, error) {
	in := &securityhub.GetFindingsInput{
		Filters: &shtypes.AwsSecurityFindingFilters{
			ProductArn:  []shtypes.StringFilter{{Comparison: shtypes.StringFilterComparisonEquals, Value: aws.String(productArn)}},
			GeneratorId: []shtypes.StringFilter{{Comparison: shtypes.StringFilterComparisonPrefix, Value: aws.String(asff.GeneratorPrefix)}},
			RecordState: []shtypes.StringFilter{{Comparison: shtypes.StringFilterComparisonEquals, Value: aws.String("ACTIVE")}},
		},
		MaxResults: aws.Int32(100),
	}
	var out []OwnFinding
	err := c.eachFinding(ctx, "get own findings", in, func(f shtypes.AwsSecurityFinding) {
		of := OwnFinding{ID: aws.ToString(f.Id), CreatedAt: aws.ToString(f.CreatedAt),
			GeneratorID: aws.ToString(f.GeneratorId), Title: aws.ToString(f.Title)}
		if len(f.Resources) > 0 {
			id := aws.ToString(f.Resources[0].Id)
			if len(id) >= 12 {
				of.Account = id[len(id)-12:]
			}
		}
		out = append(out, of)
	})
	return out, err
}
