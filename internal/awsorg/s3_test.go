package awsorg_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/s3test"
)

// hermetic gives the SDK an environment with keys and no shared files, so
// the credential chain never reaches the instance metadata service.
func hermetic(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// The S3 endpoint follows the SDK's rules: AWS_ENDPOINT_URL_S3 wins over
// --endpoint-url and AWS_ENDPOINT_URL; without it, those reach S3 too.
func TestLoadBucketEndpoints(t *testing.T) {
	ctx := context.Background()
	store := s3test.Start(t, "journal")
	const nowhere = "http://127.0.0.1:9" // the discard port: nothing answers

	for _, tc := range []struct {
		name                  string
		flag, global, service string
		wantOK                bool
	}{
		{name: "service variable beats the flag", flag: nowhere, service: store.URL, wantOK: true},
		{name: "service variable beats AWS_ENDPOINT_URL", global: nowhere, service: store.URL, wantOK: true},
		{name: "AWS_ENDPOINT_URL alone", global: store.URL, wantOK: true},
		{name: "the flag alone", flag: store.URL, wantOK: true},
		{name: "the flag, no store there", flag: nowhere, wantOK: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hermetic(t)
			getenv := map[string]string{}
			if tc.global != "" {
				t.Setenv("AWS_ENDPOINT_URL", tc.global)
				getenv["AWS_ENDPOINT_URL"] = tc.global
			}
			if tc.service != "" {
				t.Setenv("AWS_ENDPOINT_URL_S3", tc.service)
				getenv["AWS_ENDPOINT_URL_S3"] = tc.service
			}
			b, err := awsorg.LoadBucket(ctx, awsorg.BucketLoadOptions{
				LoadOptions: awsorg.LoadOptions{EndpointURL: tc.flag, Region: "us-east-1"}, Bucket: "journal",
				Getenv: func(k string) string { return getenv[k] },
			})
			if err != nil {
				t.Fatal(err)
			}
			err = b.PutNew(ctx, "probe/"+tc.name, []byte("x"))
			if tc.wantOK && err != nil {
				t.Errorf("PutNew = %v, want it stored in the in-process S3", err)
			}
			if !tc.wantOK && err == nil {
				t.Errorf("PutNew reached a store; want the flag's endpoint, where nothing answers")
			}
		})
	}
	if n := len(store.Objects(t, "journal")); n != 4 {
		t.Errorf("the in-process S3 holds %d probes, want 4", n)
	}
}

// In the sandbox, an S3 journal needs a store named in the environment:
// sandbox data never goes to real S3 by accident.
func TestLoadBucketLocalNeedsAStore(t *testing.T) {
	hermetic(t)
	_, err := awsorg.LoadBucket(context.Background(), awsorg.BucketLoadOptions{Bucket: "journal", Local: true, Getenv: func(string) string { return "" }})
	if !errors.Is(err, awsorg.ErrNoLocalStore) {
		t.Errorf("LoadBucket = %v, want ErrNoLocalStore", err)
	}
}

// In the sandbox, the journal's store is the one the given environment
// names, whatever the process's own says: a command run in process by
// the scripts (cmd/altcontacts) reads the script's environment, and a
// profile or endpoint of the developer's never redirects sandbox data.
func TestLoadBucketLocalReadsOnlyItsEnvironment(t *testing.T) {
	hermetic(t)
	store := s3test.Start(t, "journal")
	t.Setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9") // the discard port: nothing answers
	t.Setenv("AWS_PROFILE", "no-such-profile")
	env := map[string]string{"AWS_ENDPOINT_URL_S3": store.URL}
	b, err := awsorg.LoadBucket(context.Background(), awsorg.BucketLoadOptions{
		Bucket: "journal", Local: true, Getenv: func(k string) string { return env[k] },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.PutNew(context.Background(), "probe", []byte("x")); err != nil {
		t.Fatalf("PutNew = %v, want it stored where the given environment points", err)
	}
	if n := len(store.Objects(t, "journal")); n != 1 {
		t.Errorf("the in-process S3 holds %d objects, want 1", n)
	}
}
