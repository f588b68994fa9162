package main_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"testing"
)

// altcontacts runs the program as a user's shell does: the test binary
// under the name altcontacts, which TestMain (binDir) puts on
// PATH, with exactly env as its environment. In a process of its own, a
// test that needs an environment of its own (the SDK reads AWS_* from the
// process) still runs beside the others, where t.Setenv would forbid it.
func altcontacts(ctx context.Context, t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "altcontacts", args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var xe *exec.ExitError
	switch {
	case errors.As(err, &xe):
		code = xe.ExitCode()
	case err != nil:
		t.Fatalf("altcontacts %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}
