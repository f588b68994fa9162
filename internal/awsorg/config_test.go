package awsorg_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/altcontacts/altcontacts/internal/awsorg"
)

// bare is hermetic without keys: nothing in the credential chain has any.
// It sets the real environment, which the SDK reads, so tests using it
// cannot be parallel.
func bare(t *testing.T) {
	hermetic(t)
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

func TestLoadConfigCredentials(t *testing.T) {
	ctx := context.Background()
	t.Run("none found", func(t *testing.T) {
		bare(t)
		_, err := awsorg.LoadConfig(ctx, awsorg.LoadOptions{})
		if !errors.Is(err, awsorg.ErrNoCredentials) {
			t.Fatalf("err = %v, want ErrNoCredentials", err)
		}
		if err.Error() != "no AWS credentials found" {
			t.Errorf("message %q: want the kind alone, the SDK's cause only through Unwrap", err)
		}
		if errors.Unwrap(err) == nil {
			t.Error("the SDK's cause is lost")
		}
	})
	t.Run("no such profile", func(t *testing.T) {
		bare(t)
		_, err := awsorg.LoadConfig(ctx, awsorg.LoadOptions{Profile: "nope"})
		if !errors.Is(err, awsorg.ErrProfileNotFound) || errors.Is(err, awsorg.ErrNoCredentials) {
			t.Fatalf("err = %v, want ErrProfileNotFound", err)
		}
	})
	t.Run("a profile with keys", func(t *testing.T) {
		bare(t)
		creds := filepath.Join(t.TempDir(), "credentials")
		if err := os.WriteFile(creds, []byte("[ops]\naws_access_key_id = AKIDTEST\naws_secret_access_key = secret\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
		if _, err := awsorg.LoadConfig(ctx, awsorg.LoadOptions{Profile: "ops"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("keys in the environment", func(t *testing.T) {
		hermetic(t)
		if _, err := awsorg.LoadConfig(ctx, awsorg.LoadOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}
