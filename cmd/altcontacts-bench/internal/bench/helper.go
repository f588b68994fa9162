package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// HelperCommand is the hidden subcommand that runs a child and records its
// peak memory. The harness runs every measured child through it: os/exec
// starts children with vfork (CLONE_VM), and Linux folds the high-water RSS
// of the memory the child had before exec — the harness's, with its
// emulator of 10,000 accounts — into the child's ru_maxrss. A small helper
// in between gives the child a small pre-exec image, so its ru_maxrss is
// its own.
const HelperCommand = "_exec"

// helperEnv names the file the helper writes its measurement to.
const helperEnv = "ALTCONTACTS_BENCH_RUSAGE"

type helperReport struct {
	MaxRSSKiB int64 `json:"max_rss_kib"`
	WallNanos int64 `json:"wall_ns"`
}

// HelperMain runs args as a child with the helper's stdio and environment
// (minus helperEnv), writes its peak RSS and wall time to the file named by
// helperEnv, and returns its exit code.
func HelperMain(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "altcontacts-bench _exec: want a command")
		return 2
	}
	out := os.Getenv(helperEnv)
	os.Unsetenv(helperEnv)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintf(os.Stderr, "altcontacts-bench _exec: %v\n", err)
		return 127
	}
	if out != "" {
		b, _ := json.Marshal(helperReport{MaxRSSKiB: maxRSS(cmd.ProcessState), WallNanos: int64(wall)})
		if err := os.WriteFile(out, b, 0o600); err != nil {
			fmt.Fprintf(os.Stderr, "altcontacts-bench _exec: %v\n", err)
		}
	}
	return cmd.ProcessState.ExitCode()
}

// viaHelper wraps c to run through helper (the harness binary), and returns
// a function that, after the run, replaces its RSS and wall time with the
// helper's measurement of the child alone.
func viaHelper(c Child, helper, dir string) (Child, func(*Run) error) {
	if helper == "" {
		return c, func(*Run) error { return nil }
	}
	f, err := os.CreateTemp(dir, "rusage-*.json")
	if err != nil {
		return c, func(*Run) error { return err }
	}
	path := f.Name()
	f.Close()
	w := Child{Path: helper, Args: append([]string{HelperCommand, c.Path}, c.Args...), Env: append(append([]string(nil), c.Env...), helperEnv+"="+path), KillAfter: c.KillAfter}
	return w, func(r *Run) error {
		defer os.Remove(path)
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("rusage helper: %w", err)
		}
		var h helperReport
		if err := json.Unmarshal(b, &h); err != nil {
			return fmt.Errorf("rusage helper: %w", err)
		}
		r.MaxRSSKiB, r.Wall = h.MaxRSSKiB, time.Duration(h.WallNanos)
		return nil
	}
}
