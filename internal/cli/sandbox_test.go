package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every sandbox knob is checked before the scenario is read or an
// organization generated, and a bad knob leaves the state file alone.
func TestSandboxKnobsCheckedBeforeTheState(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"reset", "--quota-scale", "0"}, "--quota-scale: want a positive number, got 0"},
		{[]string{"reset", "--evaluation-interval", "-1s"}, "--evaluation-interval cannot be negative"},
		{[]string{"reset", "--securityhub", "all"}, `--securityhub: want cspm, v2, both, none, got "all"`},
		{[]string{"reset", "--partition", "aws-iso"}, `--partition: want aws, aws-cn, aws-us-gov, got "aws-iso"`},
		{[]string{"serve", "--quota-scale", "-1"}, "--quota-scale: want a positive number, got -1"},
		{[]string{"serve", "--latency", "-1ms"}, "--latency cannot be negative"},
		{[]string{"serve", "--partition", "aws-iso"}, `--partition: want aws, aws-cn, aws-us-gov, got "aws-iso"`},
	} {
		e, _, errb := testEnv(t)
		state := filepath.Join(t.TempDir(), "state.json")
		// The scenario does not exist: a knob checked after it would
		// report the scenario instead.
		args := append([]string{"sandbox", "--state", state}, tc.args...)
		args = append(args, "--scenario", "no-such-scenario.yaml", "--addr", "256.0.0.1:1")
		if tc.args[0] == "reset" {
			args = args[:len(args)-2]
		}
		if code := run(context.Background(), e, args); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", tc.args, code, ExitUsage, errb)
		}
		if !strings.Contains(errb.String(), tc.want) || strings.Contains(errb.String(), "no-such-scenario") {
			t.Errorf("%v: stderr = %q, want %q", tc.args, errb, tc.want)
		}
		if _, err := os.Stat(state); !os.IsNotExist(err) {
			t.Errorf("%v: state file written (%v)", tc.args, err)
		}
	}
}
