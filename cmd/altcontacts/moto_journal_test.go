package main_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/peertest"
)

// TestMotoS3Journal runs the durable journal against moto_server's S3, a
// peer S3-compatible store, as a user of the sandbox would: the bucket is
// made with the aws CLI, apply journals to it through AWS_ENDPOINT_URL_S3,
// the aws CLI sees one object per record, S3's conditional create refuses
// to overwrite a record, and rollback from the prefix restores every
// contact byte for byte.
func TestMotoS3Journal(t *testing.T) {
	t.Parallel()
	awsCLI := peertest.AWS(t)
	url := peertest.SharedMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	var base []string // the machine's environment without its AWS_* settings
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			base = append(base, kv)
		}
	}
	hermetic := []string{"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing",
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "none"),
		"AWS_EC2_METADATA_DISABLED=true"}
	procEnv := append(append(slices.Clone(base), hermetic...), "AWS_ENDPOINT_URL="+url, "AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=")
	aws := &motoCLI{cli: awsCLI, env: procEnv}
	if _, err := aws.run(ctx, "s3", "mb", "s3://altcontacts-journal"); err != nil {
		t.Fatal(err)
	}

	// altcontacts in its own process, with the environment the SDK reads.
	env := append(append(slices.Clone(base), hermetic...),
		"ALTCONTACTS_SANDBOX_STATE="+filepath.Join(dir, "state.json"), "AWS_ENDPOINT_URL_S3="+url)
	policy := filepath.Join(dir, "contacts.yaml")
	if err := os.WriteFile(policy, []byte(`version: 1
require: [SECURITY]
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(want int, args ...string) (string, string) {
		t.Helper()
		// moto serves no DNS: the mail checks have tests of their own.
		args = append(args, "--no-dns")
		out, errb, code := altcontacts(ctx, t, env, args...)
		if code != want {
			t.Fatalf("altcontacts %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errb)
		}
		return out, errb
	}
	run(0, "sandbox", "reset", "--quota-scale", "50")
	before, _ := run(1, "audit", "--sandbox", "-o", "csv")
	out, _ := run(0, "apply", "--sandbox", "--policy", policy, "--yes", "--journal", "s3://altcontacts-journal/cli")
	m := regexp.MustCompile(`journal s3://altcontacts-journal/(cli/[^/\s]+/)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("apply did not name its run:\n%s", out)
	}
	runPrefix := m[1]

	var listed struct{ Contents []struct{ Key string } }
	if err := aws.json(ctx, &listed, "s3api", "list-objects-v2", "--bucket", "altcontacts-journal", "--prefix", runPrefix); err != nil {
		t.Fatal(err)
	}
	intents, outcomes := 0, 0
	for _, o := range listed.Contents {
		switch {
		case strings.HasSuffix(o.Key, "-intent.json"):
			intents++
		case strings.Contains(o.Key, "-outcome-verified"):
			outcomes++
		}
	}
	if len(listed.Contents) != 37 || intents != 18 || outcomes != 18 {
		t.Errorf("the aws CLI lists %d objects (%d intents, %d verified outcomes) in %s; want a header, 18 intents and 18 outcomes",
			len(listed.Contents), intents, outcomes, runPrefix)
	}
	// A record is never overwritten: S3's conditional create says no.
	other := filepath.Join(dir, "other.json")
	os.WriteFile(other, []byte(`{}`), 0o600)
	_, err := aws.run(ctx, "s3api", "put-object", "--bucket", "altcontacts-journal", "--key", runPrefix+"00000001-intent.json", "--body", other, "--if-none-match", "*")
	if err == nil || !strings.Contains(err.Error(), "PreconditionFailed") {
		t.Errorf("overwriting a record with If-None-Match: * = %v, want PreconditionFailed", err)
	}

	out, _ = run(0, "journal", "list", "--sandbox", "--journal", "s3://altcontacts-journal/cli")
	if !regexp.MustCompile(`(?m) apply +\S+ +18 +18 +0 +0 +0 +s3://altcontacts-journal/` + regexp.QuoteMeta(runPrefix) + `$`).MatchString(out) {
		t.Errorf("journal list:\n%s", out)
	}
	run(0, "rollback", "--sandbox", "--journal", "s3://altcontacts-journal/cli", "--yes")
	after, _ := run(1, "audit", "--sandbox", "-o", "csv")
	if after != before {
		t.Errorf("audit after rollback differs from before apply:\n--- before\n%s\n--- after\n%s", before, after)
	}
}
