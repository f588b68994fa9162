package enforce

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
)

// Environment variables the Lambda function reads.
const (
	EnvPolicy  = "ALTCONTACTS_POLICY"        // the policy, YAML or JSON, inline
	EnvMode    = "ALTCONTACTS_MODE"          // report (default) or enforce
	EnvRole    = "ALTCONTACTS_ENFORCER_ROLE" // the function's role name; default: from STS
	EnvJournal = "ALTCONTACTS_JOURNAL"       // default /tmp/altcontacts-journal.jsonl
	EnvHub     = "ALTCONTACTS_SECURITYHUB_REGION"
	// EnvBatchBudget fixes how long a sweep batch takes accounts (a Go
	// duration, "5m"); by default the invocation's remaining time minus
	// EnvBatchMargin.
	EnvBatchBudget = "ALTCONTACTS_BATCH_BUDGET"
	// EnvBatchMargin is the time a batch leaves before the invocation's
	// deadline (default 60s).
	EnvBatchMargin = "ALTCONTACTS_BATCH_MARGIN"
	// EnvSweepStore is a directory for sweep inventories, for running the
	// function outside AWS; see sweepStore.
	EnvSweepStore = "ALTCONTACTS_SWEEP_STORE"
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
	// Drained: a new container may follow a sweep batch that left AWS's
	// buckets empty (see awsorg.Options.Drained).
	c := awsorg.New(cfg, awsorg.Options{HubRegion: getenv(EnvHub), Drained: true})
	role := getenv(EnvRole)
	if role == "" {
		id, err := c.Identity(ctx)
		if err != nil {
			return nil, fmt.Errorf("enforcer: who am I: %w", err)
		}
		role = id.ARN
	}
	journal := getenv(EnvJournal)
	if journal == "" {
		journal = "/tmp/altcontacts-journal.jsonl"
	}
	budget, err := envDuration(getenv, EnvBatchBudget)
	if err != nil {
		return nil, err
	}
	margin, err := envDuration(getenv, EnvBatchMargin)
	if err != nil {
		return nil, err
	}
	store, err := sweepStore(ctx, getenv)
	if err != nil {
		return nil, err
	}
	return New(c, Config{
		Policy: p, PolicyBytes: []byte(raw), Mode: getenv(EnvMode), EnforcerRole: role, Journal: journal,
		Logger: slog.New(slog.NewJSONHandler(logw, nil)), Version: version,
		Store: store, BatchBudget: budget, BatchMargin: margin,
	})
}

func envDuration(getenv func(string) string, name string) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("enforcer: %s=%q is not a positive duration like 5m or 90s", name, v)
	}
	return d, nil
}

// sweepStore is where the Lambda keeps sweep inventories between the
// state machine's invocations. It is the one place that picks the store:
// the journal's S3 bucket (ALTCONTACTS_JOURNAL=s3://BUCKET/PREFIX, keys
// under PREFIX/sweeps/) once the journal's S3 client exists; until then a
// directory (ALTCONTACTS_SWEEP_STORE, default /tmp/altcontacts-sweeps),
// which lasts only as long as the container.
func sweepStore(_ context.Context, getenv func(string) string) (Store, error) {
	dir := getenv(EnvSweepStore)
	if dir == "" {
		dir = "/tmp/altcontacts-sweeps"
	}
	return DirStore(dir), nil
}
