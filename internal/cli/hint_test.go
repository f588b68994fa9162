package cli

import "testing"

// TestCmdline: next-step commands carry every connection flag the run
// used, quoted for a shell, and --yes only where the run could not ask.
func TestCmdline(t *testing.T) {
	for _, tc := range []struct {
		g    globalOptions
		want string
	}{
		{globalOptions{sandbox: true}, "altcontacts rollback --sandbox --journal j.jsonl --yes"},
		{globalOptions{profile: "org admin", region: "eu-west-1", endpointURL: "http://127.0.0.1:4566", interactive: true},
			"altcontacts rollback --profile 'org admin' --region eu-west-1 --endpoint-url http://127.0.0.1:4566 --journal j.jsonl"},
		{globalOptions{profile: "it's", interactive: true}, `altcontacts rollback --profile 'it'\''s' --journal j.jsonl`},
	} {
		if got := tc.g.rollbackCmd("j.jsonl"); got != tc.want {
			t.Errorf("rollbackCmd = %s, want %s", got, tc.want)
		}
	}
}
