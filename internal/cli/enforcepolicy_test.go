package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// enforce refuses a policy whose own contact would not work when needed,
// whether it comes from --policy or from ALTCONTACTS_POLICY as in the
// Lambda (which refuses it too): exit 2, before anything is called.
func TestEnforceRefusesAnUnusableInlinePolicy(t *testing.T) {
	t.Parallel()
	const freemail = `version: 1
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: secops.acmepay@gmail.com, phone: "+1 206 555 7700"}
`
	dir := t.TempDir()
	event := filepath.Join(dir, "event.json")
	if err := os.WriteFile(event, []byte(`{"version":"0","id":"1","detail-type":"Scheduled Event","source":"aws.events","account":"111111111111","time":"2026-12-05T12:00:00Z","region":"us-east-1","resources":[],"detail":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "freemail.yaml")
	if err := os.WriteFile(file, []byte(freemail), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		inline string
	}{
		{"--policy", []string{"--policy", file}, ""},
		{"ALTCONTACTS_POLICY", nil, freemail},
	} {
		e, out, errb := testEnv(t)
		getenv := e.getenv
		e.getenv = func(k string) string {
			if k == "ALTCONTACTS_POLICY" {
				return tc.inline
			}
			return getenv(k)
		}
		args := append([]string{"enforce", "--sandbox", "--event", event, "--journal", filepath.Join(dir, "j.jsonl")}, tc.args...)
		if code := run(context.Background(), e, args); code != ExitUsage {
			t.Errorf("%s: exit %d, want 2; stderr:\n%s", tc.name, code, errb)
		}
		if !strings.Contains(errb.String(), "altcontacts: error: policy refused: its own contacts would not work when needed\n") ||
			!strings.Contains(errb.String(), "altcontacts: hint: use a monitored group address on your own domain and a real on-call number\n") {
			t.Errorf("%s: stderr:\n%s", tc.name, errb)
		}
		if out.Len() != 0 {
			t.Errorf("%s: wrote to stdout: %s", tc.name, out)
		}
	}
}
