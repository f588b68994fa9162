package enforce

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/journal"
)

// Environment variables the Lambda function reads.
const (
	EnvPolicy  = "ALTCONTACTS_POLICY"        // the policy, YAML or JSON, inline
	EnvMode    = "ALTCONTACTS_MODE"          // report (default) or enforce
	EnvRole    = "ALTCONTACTS_ENFORCER_ROLE" // the function's role name; default: from STS
	EnvJournal = "ALTCONTACTS_JOURNAL"       // s3://BUCKET/PREFIX (required to enforce)
	EnvHub     = "ALTCONTACTS_SECURITYHUB_REGION"
)

// FromEnv builds the Lambda's handler from its environment, logging JSON
// to logw (CloudWatch reads the function's stdout).
func FromEnv(ctx context.Context, getenv func(string) string, logw io.Writer, version string) (*Handler, error) {
	raw := getenv(EnvPolicy)
	if raw == "" {
		return nil, fmt.Errorf("enforcer: %s is empty: set it to the policy (YAML or JSON)", EnvPolicy)
	}
	p, err := contact.ParsePolicy(EnvPolicy, []byte(raw))
	if err != nil {
		return nil, fmt.Errorf("enforcer: %w", err)
	}
	if errs := p.CheckErrors(); len(errs) > 0 {
		return nil, fmt.Errorf("enforcer: policy refused: its own contacts would not work when needed: %v", errs[0])
	}
	cfg, err := awsorg.LoadConfig(ctx, awsorg.LoadOptions{})
	if err != nil {
		return nil, err
	}
	c := awsorg.New(cfg, awsorg.Options{HubRegion: getenv(EnvHub)})
	role := getenv(EnvRole)
	if role == "" {
		id, err := c.Identity(ctx)
		if err != nil {
			return nil, fmt.Errorf("enforcer: who am I: %w", err)
		}
		role = id.ARN
	}
	j, err := journalFromEnv(ctx, getenv, getenv(EnvMode))
	if err != nil {
		return nil, err
	}
	return New(c, Config{
		Policy: p, PolicyBytes: []byte(raw), Mode: getenv(EnvMode), EnforcerRole: role, Journal: j,
		Logger: slog.New(slog.NewJSONHandler(logw, nil)), Version: version,
	})
}

// journalFromEnv is the function's journal. Enforcing needs a durable one:
// Lambda's /tmp goes with the container, and with it every old value, so
// an enforcer without ALTCONTACTS_JOURNAL (or with one under /tmp) refuses
// to start rather than overwrite contacts it could not restore.
func journalFromEnv(ctx context.Context, getenv func(string) string, mode string) (journal.Target, error) {
	v := getenv(EnvJournal)
	if !journal.IsS3(v) {
		if mode == ModeEnforce && (v == "" || v == "/tmp" || strings.HasPrefix(v, "/tmp/")) {
			return journal.Target{}, fmt.Errorf("enforcer: %s must be s3://BUCKET/PREFIX to enforce: the function's /tmp does not outlive its container, and the old contacts with it", EnvJournal)
		}
		if v == "" {
			v = "/tmp/altcontacts-journal.jsonl" // report mode writes nothing
		}
		return journal.Target{File: v}, nil
	}
	loc, err := journal.ParseLocation(v)
	if err != nil {
		return journal.Target{}, fmt.Errorf("enforcer: %s: %w", EnvJournal, err)
	}
	b, err := awsorg.LoadBucket(ctx, awsorg.BucketLoadOptions{Bucket: loc.Bucket, Getenv: getenv})
	if err != nil {
		return journal.Target{}, fmt.Errorf("enforcer: %s: %w", EnvJournal, err)
	}
	return journal.Target{Store: b, Loc: loc}, nil
}
