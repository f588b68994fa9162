// Package bench is the altcontacts benchmark and soak harness: it builds the
// real altcontacts binary, serves an in-process emulator over loopback, runs
// the binary against it as a child process and measures what AWS would
// see: wall time against the quota lower bound, calls, throttling, the
// child's peak memory, and, in the soak, the journal and rollback
// invariants under faults and SIGKILLs.
package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/altcontacts/altcontacts/internal/emulator"
)

// Seed is the default seed of generated organizations, so figures from
// different runs describe the same organization.
const Seed = 42

// SecurityPolicy is the policy apply writes: a durable SECURITY contact that
// differs from every contact the generated and fintech organizations hold,
// so every ACTIVE account is written.
const SecurityPolicy = `version: 1
require: [SECURITY]
contacts:
  SECURITY: {name: Security Incident Response, title: Security On-Call, email: security-oncall@acmepay.io, phone: "+1 206 555 7711"}
`

// PolicyContact is SecurityPolicy's SECURITY contact as the emulator stores it.
var PolicyContact = emulator.Contact{Name: "Security Incident Response", Title: "Security On-Call", Email: "security-oncall@acmepay.io", Phone: "+1 206 555 7711"}

// Bound is the quota lower bound of a run that made ok successful calls to
// an operation with quota q paced at scale times it: the calls beyond the
// burst, at the rate. It is zero when the burst covers every call.
func Bound(ok int, q emulator.Quota, scale float64) time.Duration {
	if q.Rate <= 0 {
		return 0
	}
	rate := q.Rate * scale
	// The emulator rounds the scaled burst to the nearest whole token.
	burst := math.Max(1, math.Floor(float64(q.Burst)*scale+0.5))
	extra := float64(ok) - burst
	if extra <= 0 {
		return 0
	}
	return time.Duration(extra / rate * float64(time.Second))
}

// Ratio is wall/bound, or NaN when the bound is zero (the burst covered the
// run, so no pacing was needed).
func Ratio(wall, bound time.Duration) float64 {
	if bound <= 0 {
		return math.NaN()
	}
	return wall.Seconds() / bound.Seconds()
}

// Succeeded is the successful requests of an operation: those neither
// throttled nor failed by an injected fault.
func Succeeded(s emulator.OpStats) int { return s.Requests - s.Throttled - s.Faults }

// Binary builds ./cmd/altcontacts of the module containing the working
// directory into dir and returns its path.
func Binary(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run from inside the altcontacts module (go env GOMOD is empty)")
	}
	bin := filepath.Join(dir, "altcontacts")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/altcontacts")
	cmd.Dir = filepath.Dir(mod)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/altcontacts: %w\n%s", err, stderr.String())
	}
	return bin, nil
}

// Server serves an emulator over loopback.
type Server struct {
	URL string
	srv *http.Server
}

// Serve starts serving e on 127.0.0.1 at a free port.
func Serve(e *emulator.Emulator) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return &Server{URL: "http://" + ln.Addr().String(), srv: srv}, nil
}

// Close stops the server, dropping requests in flight.
func (s *Server) Close() error { return s.srv.Close() }

// childEnv is a clean environment for a child: static credentials that the
// emulator accepts, no shared config, no IMDS, nothing inherited that could
// point the child at real AWS.
func childEnv(home string, extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"AWS_ACCESS_KEY_ID=bench",
		"AWS_SECRET_ACCESS_KEY=bench",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "nonexistent", "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "nonexistent", "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	}
	for _, k := range []string{"TMPDIR", "LANG", "PYENV_ROOT", "PYENV_VERSION"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return append(env, extra...)
}

// Run is one finished child process.
type Run struct {
	Wall     time.Duration
	ExitCode int // -1 when killed by a signal
	Killed   bool
	// MaxRSSKiB is the child's peak resident set (ru_maxrss, KiB on Linux).
	MaxRSSKiB int64
	Stdout    []byte
	Stderr    []byte
}

// Child is a child process to run.
type Child struct {
	Path string
	Args []string
	Env  []string
	// KillAfter, when positive, sends SIGKILL that long after the start
	// unless the child has exited.
	KillAfter time.Duration
}

// Run runs c to completion (or to its SIGKILL). ctx cancellation kills
// it too.
func (c Child) Run(ctx context.Context) (Run, error) {
	cmd := exec.Command(c.Path, c.Args...)
	cmd.Env = c.Env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Run{}, err
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var kill <-chan time.Time
	if c.KillAfter > 0 {
		t := time.NewTimer(c.KillAfter)
		defer t.Stop()
		kill = t.C
	}
	r := Run{}
	var werr error
	select {
	case werr = <-waited:
	case <-kill:
		cmd.Process.Kill() // SIGKILL: no handler, no cleanup
		r.Killed = true
		werr = <-waited
	case <-ctx.Done():
		cmd.Process.Kill()
		<-waited
		return Run{}, ctx.Err()
	}
	r.Wall = time.Since(start)
	r.Stdout, r.Stderr = stdout.Bytes(), stderr.Bytes()
	r.MaxRSSKiB = maxRSS(cmd.ProcessState)
	r.ExitCode = cmd.ProcessState.ExitCode()
	var ee *exec.ExitError
	if werr != nil && !errors.As(werr, &ee) {
		return r, werr
	}
	if r.ExitCode != -1 {
		// It exited before the SIGKILL landed.
		r.Killed = false
	}
	return r, nil
}

// tail is the last n bytes of b, for error messages.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}
