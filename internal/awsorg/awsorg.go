// Package awsorg owns every use of the AWS SDK in altcontacts: loading
// configuration, the caller's identity, the organization and its OU tree,
// alternate contacts, Security Hub findings (CSPM and the new Security
// Hub), AWS Config's rule, aggregators and compliance, and S3 for the
// journal, each paced client-side at its quota. It hands the rest of the
// program plain values and its own error kinds ([ErrAccessDenied],
// [ErrThrottled], [ErrNotInOrganization], ...), so nothing above it needs to
// know an SDK type; turning those kinds into advice is the CLI's job.
package awsorg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"golang.org/x/time/rate"
)

// Error kinds; test with errors.Is.
var (
	ErrAccessDenied      = errors.New("access denied")
	ErrThrottled         = errors.New("throttled")
	ErrNotInOrganization = errors.New("not in an organization")
	ErrNotFound          = errors.New("not found")
	ErrInvalid           = errors.New("invalid request")
	ErrNotSubscribed     = errors.New("security hub not enabled")
	// ErrManagementStandalone is the access denied AWS gives when the
	// management account names itself with AccountId: its own contacts
	// are only reachable in standalone context. It is also ErrAccessDenied.
	ErrManagementStandalone = errors.New("the management account's own contacts need the standalone context")
	// ErrNoCredentials is a credential chain that found nothing: no keys
	// in the environment, no profile with credentials, and no instance
	// role. It is a setup problem, not an AWS answer.
	ErrNoCredentials = errors.New("no AWS credentials found")
	// ErrProfileNotFound is a --profile (or AWS_PROFILE) that no shared
	// config or credentials file defines.
	ErrProfileNotFound = errors.New("AWS profile not found")
)

// KindName names an error's kind for reports and journals, where the
// error itself cannot travel: "access_denied", "throttled", ..., or
// "error" for any other failure.
func KindName(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrAccessDenied):
		return "access_denied"
	case errors.Is(err, ErrThrottled):
		return "throttled"
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrInvalid):
		return "invalid"
	case errors.Is(err, ErrNotInOrganization):
		return "not_in_organization"
	case errors.Is(err, ErrNotSubscribed):
		return "not_subscribed"
	case errors.Is(err, ErrExists):
		return "exists"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "interrupted"
	}
	return "error"
}

// LoadOptions are the global connection flags.
type LoadOptions struct {
	Profile     string
	Region      string
	EndpointURL string
	// Stderr receives the SDK's own warnings (e.g. IMDS fallbacks); nil
	// leaves the SDK's default, the process's stderr. The CLI passes
	// io.Discard unless -v.
	Stderr io.Writer
	// Credentials, when set, replace the credential chain.
	Credentials aws.CredentialsProvider
}

// LoadConfig builds an aws.Config from the usual chain (environment, shared
// config and credentials, SSO, assume-role profiles, IMDS), honouring
// --profile, --region and --endpoint-url. The SDK reads the process
// environment itself (AWS_ENDPOINT_URL, AWS_PROFILE, keys): that is the one
// input altcontacts cannot pass in, so tests of this path set the real
// environment.
func LoadConfig(ctx context.Context, o LoadOptions) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(o.EndpointURL))
	}
	if o.Stderr != nil {
		opts = append(opts, config.WithLogger(logging.NewStandardLogger(o.Stderr)))
	}
	if o.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(o.Credentials))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	var pe config.SharedConfigProfileNotExistError
	switch {
	case errors.As(err, &pe):
		return aws.Config{}, fmt.Errorf("%w: %q", ErrProfileNotFound, pe.Profile)
	case err != nil:
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if o.Credentials == nil {
		// Retrieve once now, so "no credentials" is one clear answer
		// before any call instead of the same failure on every account.
		// The credential cache keeps what it got for the calls.
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			// The chain ends at the instance role only when nothing
			// else is configured: its failure there means none found.
			if aws.IsCredentialsProvider(cfg.Credentials, &ec2rolecreds.Provider{}) {
				return aws.Config{}, &credentialsError{kind: ErrNoCredentials, err: err}
			}
			return aws.Config{}, &credentialsError{err: err}
		}
	}
	if cfg.Region == "" {
		// Account and Organizations are global; Security Hub and STS need a
		// Region, and us-east-1 is where Organizations events live.
		cfg.Region = "us-east-1"
	}
	return cfg, nil
}

// credentialsError is a failure to get credentials. With kind
// ErrNoCredentials it reads as that kind alone: the SDK's cause (which
// instance-metadata endpoint it tried) is for -v, not for the user.
type credentialsError struct {
	kind error
	err  error
}

func (e *credentialsError) Error() string {
	if e.kind != nil {
		return e.kind.Error()
	}
	return "get AWS credentials: " + e.err.Error()
}

func (e *credentialsError) Is(target error) bool { return e.kind != nil && target == e.kind }
func (e *credentialsError) Unwrap() error        { return e.err }

// Quotas are the per-caller-account request rates AWS publishes (docs/aws-facts.md, "Account: quotas").
type Quotas struct {
	GetContact     Quota
	PutContact     Quota
	DeleteContact  Quota
	GetFindings    Quota
	ImportFindings Quota
	// ConfigRead paces AWS Config's compliance reads (aggregate
	// compliance, its details, a rule's own results), one bucket for all.
	ConfigRead Quota
}

// Quota is a token bucket: Rate per second, Burst at once.
type Quota struct {
	Rate  float64
	Burst int
}

// DefaultQuotas are AWS's published quotas in the aws partition; see
// QuotasFor for the others.
var DefaultQuotas = Quotas{
	GetContact:     Quota{10, 15},
	PutContact:     Quota{5, 8},
	DeleteContact:  Quota{1, 6},
	GetFindings:    Quota{3, 6},
	ImportFindings: Quota{10, 30},
	// AWS publishes no per-operation rate for AWS Config's reads (its
	// quotas page lists resource counts only) and throttles them with a
	// 400 ThrottlingException "Rate exceeded" well below the Account
	// API's rates in public reports. Security Hub GetFindings' 3/s burst
	// 6, the nearest published figure, is the conservative choice.
	ConfigRead: Quota{3, 6},
}

// Scale multiplies every rate and burst by x (for raised quotas and the
// sandbox's --quota-scale).
func (q Quotas) Scale(x float64) Quotas {
	s := func(v Quota) Quota {
		return Quota{v.Rate * x, max(1, int(math.Round(float64(v.Burst)*x)))}
	}
	return Quotas{s(q.GetContact), s(q.PutContact), s(q.DeleteContact), s(q.GetFindings), s(q.ImportFindings), s(q.ConfigRead)}
}

// Client talks to AWS for one caller. It is safe for concurrent use.
type Client struct {
	account *account.Client
	org     *organizations.Client
	sts     *sts.Client
	hub     *securityhub.Client
	config  *configservice.Client
	quotas  Quotas
	// Limiters pace requests below the quotas, so throttling is the
	// exception the SDK's retries absorb, not the method. One bucket per
	// quota, shared by every goroutine (and, for reads, all three types).
	getLim, putLim, delLim, findLim, importLim, configLim *rate.Limiter
	log                                                   *slog.Logger
	hubRegion                                             string

	// mu guards the quotas, which the caller's partition (from its ARN)
	// settles once Identity has run.
	mu sync.Mutex
	// fixed: Options.Quotas was given, so the partition does not choose.
	fixed    bool
	scale    float64
	maxRPS   MaxRPS
	identity *Identity
}

// Options tune a Client.
type Options struct {
	// Quotas to pace at, whatever the partition; zero means the table of
	// the caller's partition (QuotasFor), known from the Region until
	// Identity reads the caller's ARN.
	Quotas Quotas
	// Scale multiplies the partition's table (raised quotas, scaled
	// sandboxes); zero means 1. Ignored with Quotas.
	Scale float64
	// MaxRPS overrides the Account API rates (--max-rps).
	MaxRPS MaxRPS
	// MaxAttempts per call, retries included; zero means 5. Throttling that
	// outlasts them becomes ErrThrottled on that account.
	MaxAttempts int
	// HTTPClient, when set, replaces cfg.HTTPClient (for tests that count
	// requests).
	HTTPClient aws.HTTPClient
	// HubRegion is the Security Hub Region (the aggregation Region); empty
	// means the configuration's Region.
	HubRegion string
	// Logger receives one debug record per contact call: operation,
	// account, type, outcome and duration, never contact values.
	Logger *slog.Logger
	// Drained starts every bucket empty instead of full. A process that
	// takes over from another mid-run (the enforcer's next sweep batch on
	// a fresh Lambda container) cannot know how much of AWS's bucket the
	// previous one left: spending a full burst into an empty server
	// bucket earns a burst of throttles. Empty costs at most one burst's
	// worth of waiting (1.5 s at the published read quota).
	Drained bool
}

// New builds the service clients from cfg.
func New(cfg aws.Config, o Options) *Client {
	if o.Scale <= 0 {
		o.Scale = 1
	}
	fixed := o.Quotas != (Quotas{})
	if !fixed {
		o.Quotas = QuotasFor(regionPartition(cfg.Region)).Scale(o.Scale)
	}
	o.Quotas = o.MaxRPS.apply(o.Quotas)
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 5
	}
	if o.HTTPClient != nil {
		cfg.HTTPClient = o.HTTPClient
	}
	cfg.HTTPClient = HTTPClient(cfg.HTTPClient)
	lim := func(q Quota) *rate.Limiter {
		r, b := paced(q)
		l := rate.NewLimiter(r, b)
		if o.Drained {
			l.AllowN(time.Now(), l.Burst())
		}
		return l
	}
	c := &Client{
		quotas:    o.Quotas,
		getLim:    lim(o.Quotas.GetContact),
		putLim:    lim(o.Quotas.PutContact),
		delLim:    lim(o.Quotas.DeleteContact),
		findLim:   lim(o.Quotas.GetFindings),
		importLim: lim(o.Quotas.ImportFindings),
		configLim: lim(o.Quotas.ConfigRead),
		log:       o.Logger,
		hubRegion: hubRegion(cfg.Region, o.HubRegion),
		fixed:     fixed,
		scale:     o.Scale,
		maxRPS:    o.MaxRPS,
	}
	cfg.Retryer = func() aws.Retryer {
		std := retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = o.MaxAttempts
			// The SDK's retry budget (500 tokens shared by the client)
			// runs dry in a long run with a few throttles and then fails
			// calls outright; pacing is ours, so retries need no budget.
			so.RateLimiter = ratelimit.None
		})
		// Every attempt, retries included, waits for the quota's token.
		return pacedRetryer{RetryerV2: std, c: c}
	}
	c.account = account.NewFromConfig(cfg)
	c.org = organizations.NewFromConfig(cfg)
	c.sts = sts.NewFromConfig(cfg)
	c.hub = securityhub.NewFromConfig(cfg, func(so *securityhub.Options) {
		if o.HubRegion != "" {
			so.Region = o.HubRegion
		}
	})
	// AWS Config is read where Security Hub is: the aggregation Region.
	c.config = configservice.NewFromConfig(cfg, func(so *configservice.Options) {
		if o.HubRegion != "" {
			so.Region = o.HubRegion
		}
	})
	return c
}

// paced is the client's bucket for a quota: a little under it (3% slower,
// a tenth less burst, at least one token). Requests reach AWS with jitter,
// and a bucket paced at exactly the server's rate leaves it empty, so any
// early arrival is throttled. The margin lets the server's bucket refill a
// few tokens a second and absorbs jitter that grows with the rate.
func paced(q Quota) (rate.Limit, int) {
	return rate.Limit(q.Rate * 0.97), max(1, q.Burst-max(1, q.Burst/10))
}

// setPartition re-tunes every bucket to the table of the caller's
// partition p, unless the quotas were fixed.
func (c *Client) setPartition(p string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fixed {
		return
	}
	c.quotas = c.maxRPS.apply(QuotasFor(p).Scale(c.scale))
	for _, x := range []struct {
		lim *rate.Limiter
		q   Quota
	}{{c.getLim, c.quotas.GetContact}, {c.putLim, c.quotas.PutContact}, {c.delLim, c.quotas.DeleteContact},
		{c.findLim, c.quotas.GetFindings}, {c.importLim, c.quotas.ImportFindings}, {c.configLim, c.quotas.ConfigRead}} {
		r, b := paced(x.q)
		x.lim.SetLimit(r)
		x.lim.SetBurst(b)
	}
}

func hubRegion(cfg, override string) string {
	if override != "" {
		return override
	}
	return cfg
}

// trace logs one call without its payload: contacts hold personal data.
func (c *Client) trace(ctx context.Context, op string, t Target, typ string, start time.Time, outcome string, err error) {
	if c.log == nil {
		return
	}
	attrs := []any{"op", op, "account", t.AccountID, "standalone", t.Standalone, "type", typ,
		"outcome", outcome, "ms", time.Since(start).Milliseconds()}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	c.log.DebugContext(ctx, "aws call", attrs...)
}

// Quotas returns the quotas the client paces at.
func (c *Client) Quotas() Quotas {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.quotas
}

// APIError is an AWS error with our kind attached. Code and Message are
// AWS's; Kind is one of the Err* values or nil.
type APIError struct {
	Op string
	// Service is the SDK's service id ("Organizations", "Account", ...).
	Service string
	Code    string
	Message string
	Kind    error
	// Detail narrows Kind (e.g. ErrManagementStandalone); errors.Is
	// matches both.
	Detail error
	Err    error
}

func (e *APIError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("%s: %s", e.Op, e.Code)
	}
	return fmt.Sprintf("%s: %s: %s", e.Op, e.Code, e.Message)
}

// Is makes errors.Is(err, ErrAccessDenied) and friends work.
func (e *APIError) Is(target error) bool {
	return (e.Kind != nil && target == e.Kind) || (e.Detail != nil && target == e.Detail)
}

func (e *APIError) Unwrap() error { return e.Err }

// classify wraps an SDK error with our kind. Context errors pass through
// unchanged so callers see cancellation as cancellation.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return fmt.Errorf("%s: %w", op, err)
	}
	e := &APIError{Op: op, Code: ae.ErrorCode(), Message: ae.ErrorMessage(), Err: err}
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		e.Service = oe.ServiceID
	}
	switch code := ae.ErrorCode(); {
	case code == "AccessDeniedException" || code == "AccessDenied" || strings.HasPrefix(code, "UnauthorizedOperation"):
		e.Kind = ErrAccessDenied
		// AWS says this one only in words; they are its documented text
		// (see internal/emulator/account.go, which serves them).
		if strings.Contains(e.Message, "standalone context") {
			e.Detail = ErrManagementStandalone
		}
	case code == "TooManyRequestsException" || code == "LimitExceededException" || code == "ThrottlingException" || code == "Throttling":
		e.Kind = ErrThrottled
	case code == "OrganizationAccessDeniedException":
		e.Kind = ErrAccessDenied
	case code == "NoSuchConfigurationAggregatorException" || code == "NoSuchConfigRuleException" ||
		code == "NoSuchOrganizationConfigRuleException" || code == "NoSuchConfigurationRecorderException":
		e.Kind = ErrNotFound
	case code == "InvalidLimitException" || code == "InvalidNextTokenException" || code == "InvalidParameterValueException":
		e.Kind = ErrInvalid
	case code == "AWSOrganizationsNotInUseException":
		e.Kind = ErrNotInOrganization
	case code == "ResourceNotFoundException" || code == "AccountNotFoundException":
		e.Kind = ErrNotFound
	case code == "ValidationException" || code == "InvalidInputException":
		e.Kind = ErrInvalid
	case code == "InvalidAccessException":
		e.Kind = ErrNotSubscribed
	}
	return e
}
