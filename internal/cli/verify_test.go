package cli

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// verify --wait polls at the sandbox's evaluation interval, not every
// 30 s, and prints one line per poll off a terminal. The clock is fake:
// each sleep advances it, and the sandbox (on the wall clock, every 7
// minutes) does not re-evaluate during the test, so the contacts just
// written stay PENDING to the end.
func TestVerifyWaitPollsAtTheSourcesPace(t *testing.T) {
	e, out, errb := testEnv(t)
	policy := filepath.Join(t.TempDir(), "contacts.yaml")
	os.WriteFile(policy, []byte("version: 1\ncontacts:\n  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: \"+1 206 555 7700\"}\n"), 0o600)
	for _, args := range [][]string{
		{"sandbox", "reset", "--quota-scale", "50", "--evaluation-interval", "7m"},
		{"apply", "--sandbox", "--policy", policy, "--yes", "--journal", filepath.Join(t.TempDir(), "j.jsonl")},
	} {
		if code := run(context.Background(), e, args); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb)
		}
	}
	now := time.Now()
	e.now = func() time.Time { return now }
	var slept []time.Duration
	e.sleep = func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		now = now.Add(d)
		return nil
	}
	out.Reset()
	errb.Reset()
	code := run(context.Background(), e, []string{"verify", "--sandbox", "--wait", "20m"})
	if code != ExitFindings {
		t.Errorf("exit %d, want 1 (still PENDING); stderr:\n%s", code, errb)
	}
	if want := []time.Duration{7 * time.Minute, 7 * time.Minute, 6 * time.Minute}; !slices.Equal(slept, want) {
		t.Errorf("slept %v, want %v (the sandbox's 7 min, then what is left of --wait)", slept, want)
	}
	var polls []string
	for _, l := range strings.Split(errb.String(), "\n") {
		if strings.HasPrefix(l, "altcontacts: poll ") {
			polls = append(polls, l)
		}
	}
	if len(polls) != 4 || polls[3] != "altcontacts: poll 4: 9 passed, 14 pending, 0 failed, 0 unknown" {
		t.Errorf("poll lines:\n%s\nwant 4, the last \"altcontacts: poll 4: 9 passed, 14 pending, 0 failed, 0 unknown\"", strings.Join(polls, "\n"))
	}

	// --poll-interval still wins, and --no-progress silences the lines.
	slept = nil
	errb.Reset()
	run(context.Background(), e, []string{"verify", "--sandbox", "--wait", "20m", "--poll-interval", "10m", "--no-progress"})
	if want := []time.Duration{10 * time.Minute, 10 * time.Minute}; !slices.Equal(slept, want) {
		t.Errorf("--poll-interval 10m: slept %v, want %v", slept, want)
	}
	if strings.Contains(errb.String(), "poll ") {
		t.Errorf("--no-progress printed poll lines:\n%s", errb)
	}
}
