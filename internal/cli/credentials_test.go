package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// noCredentials gives the SDK an environment where the credential chain
// finds nothing: no keys, no shared files, no instance metadata. The SDK
// reads the real environment, so tests using it cannot be parallel.
func noCredentials(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", "us-east-1")
}

// No credentials is a setup problem: exit 2, one error line in the AWS
// CLI's words and what to do, nothing on stdout, no SDK warning.
func TestNoCredentials(t *testing.T) {
	noCredentials(t)
	want := "altcontacts: error: no AWS credentials found\n" +
		"altcontacts: hint: set them up with 'aws configure sso' (or 'aws configure' for access keys), or name a configured profile with --profile NAME\n" +
		"altcontacts: hint: or try altcontacts without AWS: add --sandbox\n"
	for _, args := range [][]string{
		{"audit"},
		{"audit", "-o", "json"},
		{"verify"},
		{"doctor"},
		{"init", "--out", filepath.Join(t.TempDir(), "contacts.yaml")},
		{"export", "--format", "csv"},
		{"journal", "list", "--journal", "s3://bucket/prefix"},
	} {
		e, out, errb := testEnv(t)
		if code := run(context.Background(), e, args); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2; stderr:\n%s", args, code, errb)
		}
		if errb.String() != want {
			t.Errorf("%v: stderr:\n%s\nwant:\n%s", args, errb, want)
		}
		if out.Len() != 0 {
			t.Errorf("%v: stdout %q, want nothing", args, out)
		}
	}
}

// -v shows why: the SDK's cause is in the debug output, not the message.
func TestNoCredentialsVerbose(t *testing.T) {
	noCredentials(t)
	e, _, errb := testEnv(t)
	if code := run(context.Background(), e, []string{"audit", "-v"}); code != ExitUsage {
		t.Fatalf("exit %d, want 2; stderr:\n%s", code, errb)
	}
	if !strings.Contains(errb.String(), "level=DEBUG msg=\"aws configuration\"") || !strings.Contains(errb.String(), "cause=") {
		t.Errorf("no debug record of the cause; stderr:\n%s", errb)
	}
	if !strings.Contains(errb.String(), "altcontacts: error: no AWS credentials found\n") {
		t.Errorf("stderr:\n%s", errb)
	}
}

func TestUnknownProfile(t *testing.T) {
	noCredentials(t)
	e, _, errb := testEnv(t)
	if code := run(context.Background(), e, []string{"audit", "--profile", "nope"}); code != ExitUsage {
		t.Fatalf("exit %d, want 2; stderr:\n%s", code, errb)
	}
	if !strings.HasPrefix(errb.String(), `altcontacts: error: AWS profile not found: "nope"`+"\naltcontacts: hint: list the configured profiles") {
		t.Errorf("stderr:\n%s", errb)
	}
}
