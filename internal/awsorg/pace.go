package awsorg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"golang.org/x/time/rate"
)

// pacedRetryer makes every attempt of a quota-bound operation, retries
// included, take a token from the client's bucket for that quota, and
// empties the bucket when AWS answers with a throttle: then the server's
// bucket is empty too (another process, a run killed mid-burst), and
// sending the client's remaining burst would only earn more throttles.
type pacedRetryer struct {
	aws.RetryerV2
	c *Client
}

func (r pacedRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	lim := r.c.limiter(awsmiddleware.GetOperationName(ctx))
	if lim != nil {
		if err := pace(ctx, lim); err != nil {
			return nil, err
		}
	}
	release, err := r.RetryerV2.GetAttemptToken(ctx)
	if err != nil || lim == nil {
		return release, err
	}
	return func(attemptErr error) error {
		if isThrottle(attemptErr) {
			now := time.Now()
			if n := int(lim.TokensAt(now)); n > 0 {
				lim.AllowN(now, n)
			}
		}
		return release(attemptErr)
	}, nil
}

// limiter is the bucket of an operation's quota, or nil.
func (c *Client) limiter(op string) *rate.Limiter {
	switch op {
	case "GetAlternateContact":
		return c.getLim
	case "PutAlternateContact":
		return c.putLim
	case "DeleteAlternateContact":
		return c.delLim
	case "GetFindings", "GetFindingsV2":
		// Both generations' reads are securityhub:GetFindings; AWS
		// publishes no separate GetFindingsV2 quota, so they share
		// GetFindings' bucket.
		return c.findLim
	case "BatchImportFindings":
		return c.importLim
	case "DescribeAggregateComplianceByConfigRules", "GetAggregateComplianceDetailsByConfigRule", "GetComplianceDetailsByConfigRule":
		// AWS Config's compliance reads, the ones a run repeats.
		return c.configLim
	}
	return nil
}

func isThrottle(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "TooManyRequestsException", "LimitExceededException", "ThrottlingException", "Throttling":
		return true
	}
	return false
}

// pace waits for a token. The limiter refuses at once when the context's
// deadline would pass first; that is still a deadline, so say so in a way
// errors.Is understands.
func pace(ctx context.Context, lim *rate.Limiter) error {
	if err := lim.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("waiting for the quota: %w", context.DeadlineExceeded)
	}
	return nil
}
