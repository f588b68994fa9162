package cli

import (
	"slices"
	"testing"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/doctor"
)

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

// TestHintsCarryDoctorsFixes: after a failed run, the CLI's hints give
// doctor's fix for the same problem (one source, internal/doctor/fix.go),
// and the altcontacts command they point to carries the run's --sandbox.
func TestHintsCarryDoctorsFixes(t *testing.T) {
	t.Parallel()
	g := &globalOptions{sandbox: true}
	for _, tc := range []struct {
		name string
		err  error
		want []string
	}{
		{"organizations denied", &awsorg.APIError{Op: "list roots", Service: "Organizations", Code: "AccessDeniedException", Kind: awsorg.ErrAccessDenied},
			[]string{doctor.FixCaller, "register one from the management account: " + doctor.FixDelegatedAdmin("ACCOUNT_ID")}},
		{"contact read denied", &awsorg.APIError{Op: "get SECURITY contact", Service: "Account", Code: "AccessDeniedException", Kind: awsorg.ErrAccessDenied},
			[]string{doctor.FixTrustedAccess, "check every prerequisite with: altcontacts doctor --sandbox"}},
		{"security hub off", &awsorg.APIError{Op: "describe hub", Service: "SecurityHub", Code: "InvalidAccessException", Kind: awsorg.ErrNotSubscribed},
			[]string{"enable Security Hub: " + doctor.FixHubCSPM}},
	} {
		got := awsHints(g, tc.err)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: hints %q lack %q", tc.name, got, w)
			}
		}
	}
	if hints := configError(awsorg.ErrNoCredentials).(*exitError).hints; !slices.Contains(hints, doctor.FixCredentials) {
		t.Errorf("no credentials: hints %q lack doctor's %q", hints, doctor.FixCredentials)
	}
}
