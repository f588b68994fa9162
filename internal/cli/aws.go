package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/doctor"
	"github.com/altcontacts/altcontacts/internal/sandbox"
)

// connection is an AWS client and what must happen when the command ends.
type connection struct {
	client *awsorg.Client
	close  func() error
	// resolver, when set, is the sandbox's DNS server (HOST:PORT), started
	// on first use; rdap is the sandbox's RDAP client and bootstrap URL.
	resolver func() (string, error)
	rdap     func() (*http.Client, string)
	// evaluationInterval is how often the sandbox's Security Hub
	// re-evaluates Account.1 (0: not the sandbox, or only on demand).
	evaluationInterval time.Duration
}

// parse checks the global flags, before any command reads a file or calls
// AWS (the root command's PersistentPreRunE).
func (g *globalOptions) parse() error {
	if g.sandbox && (g.profile != "" || g.endpointURL != "") {
		return usageErr("--sandbox cannot be combined with --profile or --endpoint-url")
	}
	if g.quotaScale <= 0 {
		return usageErr("--quota-scale: want a positive number, got %v", g.quotaScale)
	}
	for _, id := range g.accounts {
		if !contact.IsAccountID(id) {
			return usageErr("--accounts: %q is not a 12-digit account id", id)
		}
	}
	if g.resolver != "" {
		if err := checkResolverAddr("--resolver", g.resolver); err != nil {
			return err
		}
	}
	var err error
	g.rps, err = parseMaxRPS(g.maxRPS)
	return err
}

// connect builds the AWS client the global flags ask for: the persistent
// sandbox, or the real AWS configuration chain.
func (g *globalOptions) connect(ctx context.Context, e *env) (*connection, error) {
	if g.sandbox {
		path, err := sandbox.StatePath(e.getenv)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		s, err := sandbox.Open(e.path(path))
		if err != nil {
			return nil, err
		}
		set := s.Emulator.Settings()
		scale := set.QuotaScale
		if scale <= 0 {
			scale = 1
		}
		// As with `sandbox serve`, a 12-digit AWS_ACCESS_KEY_ID calls as
		// that account (a member, a delegated administrator, an account
		// outside the organization); anything else is the management account.
		caller := ""
		if k := e.getenv("AWS_ACCESS_KEY_ID"); contact.IsAccountID(k) {
			caller = k
		}
		cfg := s.Emulator.ConfigAs(caller)
		c := awsorg.New(cfg, awsorg.Options{Scale: scale, MaxRPS: g.rps, Logger: g.logger(e), HubRegion: g.hubRegion})
		hc, _ := cfg.HTTPClient.(*http.Client)
		return &connection{client: c, close: s.Close, resolver: s.Resolver,
			evaluationInterval: time.Duration(set.EvaluationInterval),
			rdap:               func() (*http.Client, string) { return hc, s.RDAPBootstrapURL() }}, nil
	}
	cfg, err := awsorg.LoadConfig(ctx, g.loadOptions(e))
	if err != nil {
		g.logConfigError(e, err)
		return nil, configError(err)
	}
	c := awsorg.New(cfg, awsorg.Options{Scale: g.quotaScale, MaxRPS: g.rps, Logger: g.logger(e), HubRegion: g.hubRegion})
	return &connection{client: c, close: func() error { return nil }}, nil
}

// loadOptions are the global flags as the SDK's configuration takes them.
// The SDK's own warnings (an instance-metadata fallback, a deprecated
// setting) are debug output: on stderr with -v only.
func (g *globalOptions) loadOptions(e *env) awsorg.LoadOptions {
	sdkLog := io.Discard
	if g.verbose {
		sdkLog = e.stderr
	}
	return awsorg.LoadOptions{Profile: g.profile, Region: g.region, EndpointURL: g.endpointURL, Stderr: sdkLog}
}

// logConfigError puts the SDK's own reason for a configuration that did
// not load into the -v log: the message names only the kind.
func (g *globalOptions) logConfigError(e *env, err error) {
	if log := g.logger(e); log != nil {
		cause := err
		if u := errors.Unwrap(err); u != nil {
			cause = u
		}
		log.Debug("aws configuration", "profile", g.profile, "cause", cause.Error())
	}
}

// configError is the exit for an AWS configuration that does not load:
// no credentials or no such profile is a setup problem (exit 2), with what
// to do; anything else (an SSO session that expired, an assume-role
// refused) is exit 3.
func configError(err error) error {
	switch {
	case errors.Is(err, awsorg.ErrNoCredentials):
		return withHints(err, ExitUsage,
			doctor.FixCredentials,
			"or try altcontacts without AWS: add --sandbox")
	case errors.Is(err, awsorg.ErrProfileNotFound):
		return withHints(err, ExitUsage,
			"list the configured profiles with 'aws configure list-profiles', or create this one with 'aws configure sso --profile NAME'",
			"or try altcontacts without AWS: add --sandbox")
	}
	return withHints(err, ExitIncomplete, "check --profile and your AWS configuration (for SSO: aws sso login), or try --sandbox to run without AWS")
}

// parseMaxRPS reads --max-rps: comma-separated get=N, put=N, delete=N,
// each a positive number of requests per second.
func parseMaxRPS(s string) (awsorg.MaxRPS, error) {
	var m awsorg.MaxRPS
	if s == "" {
		return m, nil
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil || n <= 0 || math.IsInf(n, 0) || math.IsNaN(n) {
			return m, usageErr("--max-rps: %q: want get=N, put=N or delete=N with N a positive number", part)
		}
		switch k {
		case "get":
			m.Get = n
		case "put":
			m.Put = n
		case "delete":
			m.Delete = n
		default:
			return m, usageErr("--max-rps: %q: the operations are get, put and delete", k)
		}
	}
	return m, nil
}

// logger is the -v debug log on stderr, or nil.
func (g *globalOptions) logger(e *env) *slog.Logger {
	if !g.verbose {
		return nil
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// awsHints turns an AWS error into the advice a user needs. This is the
// only place AWS error kinds become words.
func awsHints(g *globalOptions, err error) []string {
	var ae *awsorg.APIError
	errors.As(err, &ae)
	switch {
	case errors.Is(err, awsorg.ErrNotInOrganization):
		return []string{"this account is not in an AWS Organization; altcontacts audits it alone"}
	case errors.Is(err, awsorg.ErrManagementStandalone):
		return []string{"the management account's own contacts must be read without --account-id (standalone context); this is a bug if altcontacts did it"}
	case errors.Is(err, awsorg.ErrAccessDenied) && ae != nil && ae.Service == "Organizations":
		return []string{
			doctor.FixCaller,
			"register one from the management account: " + doctor.FixDelegatedAdmin("ACCOUNT_ID"),
		}
	case errors.Is(err, awsorg.ErrAccessDenied):
		return []string{
			"the caller needs account:GetAlternateContact (and Put/Delete to fix) and, for member accounts, trusted access:",
			doctor.FixTrustedAccess,
			"check every prerequisite with: " + g.cmdline("doctor"),
		}
	case errors.Is(err, awsorg.ErrThrottled):
		return []string{"AWS throttled the calls beyond the retries; lower --concurrency or rerun later"}
	case errors.Is(err, awsorg.ErrNotSubscribed):
		return []string{"enable Security Hub: " + doctor.FixHubCSPM}
	}
	return nil
}

// unknownHints summarizes per-account errors into a few deduplicated hints.
func unknownHints(g *globalOptions, errs []error) []string {
	out := hintsOnce(g, errs)
	if len(errs) > 0 && len(out) == 0 {
		out = append(out, fmt.Sprintf("rerun to retry; the report lists each account's error (%v)", errs[0]))
	}
	return out
}
