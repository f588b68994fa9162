package enforce_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/altcontacts/altcontacts/internal/enforce"
	"github.com/altcontacts/altcontacts/internal/peertest"
)

const templatePath = "../../deploy/template.yaml"

// template reads deploy/template.yaml as plain data (the parser drops the
// CloudFormation tags and keeps their arguments).
func template(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// dig walks maps by key.
func dig(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: not a map at %q", strings.Join(keys, "."), k)
		}
		v = m[k]
	}
	return v
}

func TestTemplateLints(t *testing.T) {
	t.Parallel()
	lint := peertest.Require(t, "cfn-lint")
	out, err := exec.Command(lint, filepath.FromSlash(templatePath)).CombinedOutput()
	if err != nil {
		t.Fatalf("cfn-lint: %v\n%s", err, out)
	}
}

// The state machine retries a failed batch by the same rule Drive applies
// locally, and waits out a busy function.
func TestTemplateStateMachineRetriesAsDrive(t *testing.T) {
	res := dig(t, template(t), "Resources")
	states := dig(t, res, "SweepStateMachine", "Properties", "Definition", "States").(map[string]any)
	for _, name := range []string{"Inventory", "Batch", "Summary"} {
		var failed, busy bool
		for _, r := range dig(t, states, name, "Retry").([]any) {
			errs, _ := json.Marshal(dig(t, r, "ErrorEquals"))
			switch {
			case strings.Contains(string(errs), "States.TaskFailed"):
				failed = true
				attempts, _ := dig(t, r, "MaxAttempts").(uint64)
				interval, _ := dig(t, r, "IntervalSeconds").(uint64)
				backoff, _ := dig(t, r, "BackoffRate").(uint64)
				if int(attempts) != enforce.RetryAttempts || time.Duration(interval)*time.Second != enforce.RetryInterval || int(backoff) != enforce.RetryBackoff {
					t.Errorf("%s: retry %d×, every %ds, ×%d; Drive: %d×, %s, ×%d", name, attempts, interval, backoff,
						enforce.RetryAttempts, enforce.RetryInterval, enforce.RetryBackoff)
				}
			case strings.Contains(string(errs), "Lambda.TooManyRequestsException"):
				busy = true
			}
		}
		if !failed || !busy {
			t.Errorf("%s: retries failures %v, a busy function %v", name, failed, busy)
		}
	}
	if got := dig(t, states, "Batch", "Parameters", "Payload", "sweep", "phase"); got != enforce.PhaseBatch {
		t.Errorf("Batch phase = %v", got)
	}
	if got := dig(t, states, "MoreAccounts", "Default"); got != "Batch" {
		t.Errorf("MoreAccounts default = %v", got)
	}
	if dig(t, res, "EnforcerFunction", "Properties", "Events", "Sweep") != nil {
		t.Error("the schedule still invokes the event function")
	}
}

// The journal bucket: versioned, encrypted, private, TLS only, kept at
// least 400 days, and the function can write but never delete.
func TestTemplateJournalBucket(t *testing.T) {
	m := template(t)
	res := dig(t, m, "Resources")
	b := dig(t, res, "JournalBucket", "Properties")
	if dig(t, b, "VersioningConfiguration", "Status") != "Enabled" {
		t.Error("versioning is off")
	}
	if dig(t, b, "BucketEncryption", "ServerSideEncryptionConfiguration") == nil {
		t.Error("no default encryption")
	}
	for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if dig(t, b, "PublicAccessBlockConfiguration", k) != true {
			t.Errorf("%s is not true", k)
		}
	}
	if d, _ := dig(t, m, "Parameters", "JournalRetentionDays", "Default").(uint64); d < 400 {
		t.Errorf("retention default %d days", d)
	}
	rule := dig(t, b, "LifecycleConfiguration", "Rules").([]any)[0]
	if dig(t, rule, "ExpirationInDays") != "JournalRetentionDays" || dig(t, rule, "NoncurrentVersionExpiration", "NoncurrentDays") != "JournalRetentionDays" {
		t.Errorf("lifecycle rule %v", rule)
	}
	tls := dig(t, res, "JournalBucketPolicy", "Properties", "PolicyDocument", "Statement").([]any)[0]
	if dig(t, tls, "Effect") != "Deny" || dig(t, tls, "Condition", "Bool", "aws:SecureTransport") != "false" {
		t.Errorf("TLS statement %v", tls)
	}
	role, _ := json.Marshal(dig(t, res, "EnforcerRole"))
	for _, want := range []string{"s3:PutObject", "s3:GetObject", "s3:ListBucket"} {
		if !strings.Contains(string(role), want) {
			t.Errorf("the role lacks %s", want)
		}
	}
	if strings.Contains(string(role), "s3:Delete") || strings.Contains(string(role), `"s3:*"`) {
		t.Errorf("the role may delete journal objects: %s", role)
	}
	for _, fn := range []string{"EnforcerFunction", "SweepFunction"} {
		if j := dig(t, res, fn, "Properties", "Environment", "Variables", "ALTCONTACTS_JOURNAL"); j != "s3://${JournalBucket}/enforcer" {
			t.Errorf("%s: ALTCONTACTS_JOURNAL = %v", fn, j)
		}
	}
	// The stand-alone policy holds the same S3 actions.
	doc, err := os.ReadFile("../../docs/iam/enforcer-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"s3:PutObject", "s3:GetObject", "s3:ListBucket"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("docs/iam/enforcer-policy.json lacks %s", want)
		}
	}
	if strings.Contains(string(doc), "s3:Delete") {
		t.Error("docs/iam/enforcer-policy.json allows a delete")
	}
}
