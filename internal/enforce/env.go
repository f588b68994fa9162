package enforce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/maildomain"
)

// Environment variables the Lambda function reads.
const (
	EnvPolicy  = "ALTCONTACTS_POLICY"        // the policy, YAML or JSON, inline
	EnvMode    = "ALTCONTACTS_MODE"          // report (default) or enforce
	EnvRole    = "ALTCONTACTS_ENFORCER_ROLE" // the function's role name; default: from STS
	EnvJournal = "ALTCONTACTS_JOURNAL"       // s3://BUCKET/PREFIX (required to enforce)
	EnvHub     = "ALTCONTACTS_SECURITYHUB_REGION"
	// EnvBatchBudget fixes how long a sweep batch takes accounts (a Go
	// duration, "5m"); by default the invocation's remaining time minus
	// EnvBatchMargin.
	EnvBatchBudget = "ALTCONTACTS_BATCH_BUDGET"
	// EnvBatchMargin is the time a batch leaves before the invocation's
	// deadline (default 60s).
	EnvBatchMargin = "ALTCONTACTS_BATCH_MARGIN"
	// EnvResolver is the DNS server (HOST:PORT) for the policy's mail
	// check; default the function's (the VPC's or Lambda's resolver).
	EnvResolver = "ALTCONTACTS_RESOLVER"
	// EnvNoDNS set to true skips the mail check (no DNS lookups).
	EnvNoDNS = "ALTCONTACTS_NO_DNS"
)

// ErrDeadPolicyAddress is a policy whose own address cannot receive mail
// (mail-domain-missing or mail-domain-no-mail): the enforcer refuses to
// start rather than copy it to every account.
var ErrDeadPolicyAddress = errors.New("policy refused: its own contacts would not receive mail")

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
	if err := CheckPolicyMail(ctx, p, getenv, logw); err != nil {
		return nil, err
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
	j, store, err := journalFromEnv(ctx, getenv, getenv(EnvMode))
	if err != nil {
		return nil, err
	}
	budget, err := envDuration(getenv, EnvBatchBudget)
	if err != nil {
		return nil, err
	}
	margin, err := envDuration(getenv, EnvBatchMargin)
	if err != nil {
		return nil, err
	}
	return New(c, Config{
		Policy: p, PolicyBytes: []byte(raw), Mode: getenv(EnvMode), EnforcerRole: role, Journal: j,
		Logger: slog.New(slog.NewJSONHandler(logw, nil)), Version: version,
		Store: store, BatchBudget: budget, BatchMargin: margin,
	})
}

// journalFromEnv is the function's journal. Enforcing needs a durable one:
// Lambda's /tmp goes with the container, and with it every old value, so
// an enforcer without ALTCONTACTS_JOURNAL (or with one under /tmp) refuses
// to start rather than overwrite contacts it could not restore.
//
// The store is where sweep inventories wait between the state machine's
// invocations: the journal's bucket, under its prefix (PREFIX/sweeps/...),
// which the role can already write. Without an S3 journal it is nil, and
// the handler keeps inventories in memory (a local run).
func journalFromEnv(ctx context.Context, getenv func(string) string, mode string) (journal.Target, Store, error) {
	v := getenv(EnvJournal)
	if !journal.IsS3(v) {
		if mode == ModeEnforce && (v == "" || v == "/tmp" || strings.HasPrefix(v, "/tmp/")) {
			return journal.Target{}, nil, fmt.Errorf("enforcer: %s must be s3://BUCKET/PREFIX to enforce: the function's /tmp does not outlive its container, and the old contacts with it", EnvJournal)
		}
		if v == "" {
			v = "/tmp/altcontacts-journal.jsonl" // report mode writes nothing
		}
		return journal.Target{File: v}, nil, nil
	}
	loc, err := journal.ParseLocation(v)
	if err != nil {
		return journal.Target{}, nil, fmt.Errorf("enforcer: %s: %w", EnvJournal, err)
	}
	b, err := awsorg.LoadBucket(ctx, awsorg.BucketLoadOptions{Bucket: loc.Bucket, Getenv: getenv})
	if err != nil {
		return journal.Target{}, nil, fmt.Errorf("enforcer: %s: %w", EnvJournal, err)
	}
	return journal.Target{Store: b, Loc: loc}, BucketStore(b, loc.Prefix), nil
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

// BucketStore is a Store in an S3 bucket under prefix. Puts replace: a
// retried inventory rewrites its key, and partial.json is rewritten.
func BucketStore(b *awsorg.Bucket, prefix string) Store { return bucketStore{b: b, prefix: prefix} }

type bucketStore struct {
	b      *awsorg.Bucket
	prefix string
}

func (s bucketStore) Put(ctx context.Context, key string, data []byte) error {
	return s.b.Put(ctx, s.prefix+key, data)
}

func (s bucketStore) Get(ctx context.Context, key string) ([]byte, error) {
	data, err := s.b.Get(ctx, s.prefix+key)
	if errors.Is(err, awsorg.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", ErrNoObject, err)
	}
	return data, err
}

// CheckPolicyMail looks up the policy's own mail domains (once each) and
// refuses the policy when one does not exist or accepts no mail. A domain
// the resolver does not answer for is logged and let through: the
// enforcer must not stop for a flaky resolver. EnvNoDNS turns it off.
func CheckPolicyMail(ctx context.Context, p *contact.Policy, getenv func(string) string, logw io.Writer) error {
	if strings.EqualFold(strings.TrimSpace(getenv(EnvNoDNS)), "true") || strings.TrimSpace(getenv(EnvNoDNS)) == "1" {
		return nil
	}
	var servers []string
	if r := strings.TrimSpace(getenv(EnvResolver)); r != "" {
		servers = []string{r}
	}
	log := slog.New(slog.NewJSONHandler(logw, nil))
	mc, err := maildomain.New(maildomain.Options{Servers: servers})
	if err != nil {
		log.Warn("mail domains not checked", "error", err.Error())
		return nil
	}
	errs, _, warns := p.CheckMail(ctx, mc)
	for _, w := range warns {
		log.Warn(w)
	}
	if len(errs) > 0 {
		return fmt.Errorf("enforcer: %w: %v", ErrDeadPolicyAddress, errs[0])
	}
	return nil
}
