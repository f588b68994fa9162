package peertest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// AWSCLI runs the real aws CLI for tests. Starting the CLI costs about a
// second of Python start-up and model loading, which dominated the peer
// tests when every check was its own process; so [AWSCLI.Run] hands each
// command line to one long-lived Python process that runs the CLI's own
// driver (awscli.clidriver, the code the `aws` script calls) in-process,
// one driver per environment, so each command after the first costs
// milliseconds. [AWSCLI.Exec] still starts a real `aws` process, for the
// few checks that are about the command itself.
type AWSCLI struct {
	bin string // the aws command

	mu     sync.Mutex // one command at a time through the shell
	shell  *exec.Cmd  // nil when Python cannot import awscli: Run execs
	stdin  io.WriteCloser
	stdout *bufio.Reader
	broken error
}

// AWSResult is one finished aws command.
type AWSResult struct {
	Stdout, Stderr string
	Code           int
}

// shellPy reads one JSON request a line ({"env": {...}, "args": [...]}),
// runs the CLI's driver with exactly that environment and answers one JSON
// line. The driver reads its configuration (credentials, endpoint, Region,
// retries) when it is created, so each distinct environment gets its own,
// made under that environment. AWS_DATA_PATH is the CLI's own setting,
// made when awscli is imported; it survives the environment swap. The
// drivers share the first one's botocore data loader, which parses each
// service model once (the same files, from the same search path, as
// AWS_DATA_PATH does not change): a new driver parsing them again cost
// 0.1 to 0.5 s of CPU per service, three quarters of the shell's work.
const shellPy = `
import io, json, os, sys
from awscli.clidriver import create_clidriver
out = sys.stdout
keep = {k: os.environ[k] for k in ("AWS_DATA_PATH",) if k in os.environ}
drivers = {}
loader = None
out.write("ready\n")
out.flush()
for line in sys.stdin:
    req = json.loads(line)
    os.environ.clear()
    os.environ.update(req["env"])
    os.environ.update(keep)
    so, se = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = so, se
    try:
        key = json.dumps(req["env"], sort_keys=True)
        if key not in drivers:
            d = create_clidriver()
            if loader is None:
                loader = d.session.get_component("data_loader")
            else:
                d.session.register_component("data_loader", loader)
            drivers[key] = d
        code = drivers[key].main(req["args"])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except BaseException as e:
        se.write("shell: %r\n" % (e,))
        code = 255
    finally:
        sys.stdout, sys.stderr = out, sys.__stderr__
    out.write(json.dumps({"stdout": so.getvalue(), "stderr": se.getvalue(), "code": code}) + "\n")
    out.flush()
`

// AWS returns the aws CLI, or skips (fails when peers are required) the
// test. Every test of a test binary shares one shell: Python's start-up
// and awscli's import cost about a second each time, and its commands run
// one at a time anyway. A shell left broken by one test (a command cut
// off mid-answer) is replaced for the next. [StopShared] ends it; so does
// the test binary's exit, which closes the shell's stdin.
func AWS(t testing.TB) *AWSCLI {
	t.Helper()
	bin := Require(t, "aws")
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if a := shared.aws; a != nil && a.usable() {
		return a
	}
	shared.aws = startAWS(t, bin)
	return shared.aws
}

// startAWS starts the shell, or returns an AWSCLI that execs every
// command when Python cannot run awscli's driver.
func startAWS(t testing.TB, bin string) *AWSCLI {
	t.Helper()
	a := &AWSCLI{bin: bin}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Logf("peertest: no python3 (%v); every aws command is its own process", err)
		return a
	}
	cmd := exec.Command(py, "-c", shellPy)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("peertest: start the aws CLI shell: %v", err)
	}
	r := bufio.NewReader(stdout)
	// Only awscli v1 is a Python package python3 may import; without it
	// (aws CLI v2's own bundle) the shell exits, and every command is a
	// process.
	if l, err := r.ReadString('\n'); l != "ready\n" {
		stdin.Close()
		cmd.Wait()
		t.Logf("peertest: python3 cannot run awscli's driver (%q, %v); every aws command is its own process", l, err)
		return a
	}
	a.shell, a.stdin, a.stdout = cmd, stdin, r
	return a
}

// usable reports whether the shell can take another command.
func (a *AWSCLI) usable() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.broken == nil
}

// stop ends the shell: Python reads the end of its input and exits.
func (a *AWSCLI) stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.shell == nil {
		return
	}
	a.stdin.Close()
	a.shell.Wait()
	a.shell = nil
	if a.broken == nil {
		a.broken = errors.New("peertest: the aws CLI shell was stopped")
	}
}

// Run runs `aws args...` with exactly the environment env (KEY=VALUE, as
// exec.Cmd.Env) through the shell, or as a process when there is none.
func (a *AWSCLI) Run(ctx context.Context, env []string, args ...string) (AWSResult, error) {
	if a.shell == nil {
		return a.Exec(ctx, env, args...)
	}
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	line, err := json.Marshal(struct {
		Env  map[string]string `json:"env"`
		Args []string          `json:"args"`
	}{m, args})
	if err != nil {
		return AWSResult{}, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.broken != nil {
		return AWSResult{}, a.broken
	}
	type answer struct {
		res AWSResult
		err error
	}
	done := make(chan answer, 1)
	go func() {
		if _, err := a.stdin.Write(append(line, '\n')); err != nil {
			done <- answer{err: err}
			return
		}
		b, err := a.stdout.ReadBytes('\n')
		if err != nil {
			done <- answer{err: err}
			return
		}
		var r struct {
			Stdout string `json:"stdout"`
			Stderr string `json:"stderr"`
			Code   int    `json:"code"`
		}
		if err := json.Unmarshal(b, &r); err != nil {
			done <- answer{err: fmt.Errorf("shell answered %q: %w", b, err)}
			return
		}
		done <- answer{res: AWSResult{Stdout: r.Stdout, Stderr: r.Stderr, Code: r.Code}}
	}()
	select {
	case ans := <-done:
		if ans.err != nil {
			a.broken = fmt.Errorf("aws %s: the aws CLI shell failed: %w", strings.Join(args, " "), ans.err)
			a.shell.Process.Kill()
			return AWSResult{}, a.broken
		}
		return ans.res, nil
	case <-ctx.Done():
		// The shell is mid-command; it cannot be trusted with another.
		a.broken = fmt.Errorf("aws %s: %w", strings.Join(args, " "), ctx.Err())
		a.shell.Process.Kill()
		return AWSResult{}, a.broken
	}
}

// Exec runs `aws args...` as its own process with exactly the environment
// env. A non-zero exit is a result, not an error.
func (a *AWSCLI) Exec(ctx context.Context, env []string, args ...string) (AWSResult, error) {
	cmd := exec.CommandContext(ctx, a.bin, args...)
	cmd.Env = env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := AWSResult{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return res, fmt.Errorf("aws %s: %w", strings.Join(args, " "), ctx.Err())
	case errors.As(err, &ee):
		res.Code = ee.ExitCode()
	case err != nil:
		return res, fmt.Errorf("aws %s: %w", strings.Join(args, " "), err)
	}
	return res, nil
}
