package enforce

import (
	"context"
	"fmt"
	"io"
	"log/slog"

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
	journal := getenv(EnvJournal)
	if journal == "" {
		journal = "/tmp/altcontacts-journal.jsonl"
	}
	return New(c, Config{
		Policy: p, PolicyBytes: []byte(raw), Mode: getenv(EnvMode), EnforcerRole: role, Journal: journal,
		Logger: slog.New(slog.NewJSONHandler(logw, nil)), Version: version,
	})
}
