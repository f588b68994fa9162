package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/altcontacts/altcontacts/internal/cli"
	"github.com/altcontacts/altcontacts/internal/peertest"
	"github.com/altcontacts/altcontacts/internal/s3test"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/script")

func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "altcontacts" {
		// The test binary standing in for altcontacts (run through the
		// link binDir makes) runs main.go's own main, signal handling
		// and exit code included.
		main()
		return
	}
	// Every run of altcontacts from a test (the scripts', and the moto
	// tests' through PATH) inherits this.
	os.Setenv("GORACE", noExitSleep(os.Getenv("GORACE")))
	os.Exit(mainM{m}.Run())
}

// mainM runs the tests, then stops what they shared: the peers started
// once per test binary.
type mainM struct{ m *testing.M }

func (m mainM) Run() int {
	flag.Parse()
	if !flagSet("test.parallel") {
		// A script spends part of its time waiting (sandbox pacing, the
		// sweep's batch deadlines, a peer's answer): twice GOMAXPROCS of
		// them at once keep the CPUs busy where GOMAXPROCS left them idle.
		flag.Set("test.parallel", strconv.Itoa(2*runtime.GOMAXPROCS(0)))
	}
	bin, err := binDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(bin)
	os.Setenv("PATH", bin+string(filepath.ListSeparator)+os.Getenv("PATH"))
	defer peertest.StopShared()
	return m.m.Run()
}

// binDir makes a directory holding altcontacts, a link to this test
// binary, for PATH: `exec altcontacts` in a script, and the moto tests,
// start it as a process of its own (TestMain). It is not testscript.Main,
// which would claim the script command altcontacts for exec, the name the
// in-process command has (inProcess).
func binDir() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "altcontacts-bin")
	if err != nil {
		return "", err
	}
	if err := os.Symlink(self, filepath.Join(dir, "altcontacts")); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// TestScripts runs the user-visible contract in testdata/script/*.txtar:
// altcontacts against a sandbox whose state lives in the script's $WORK,
// run in the test process (`altcontacts ...`, see inProcess) or as a
// process of its own (`exec altcontacts ...`).
//
// Scripts that journal to S3 reach an in-process S3 (bucket "journal")
// through AWS_ENDPOINT_URL_S3, as a user points altcontacts at any
// S3-compatible store.
func TestScripts(t *testing.T) {
	// Alongside TestAWSCLI, after the tests that set the process
	// environment have ended; the scripts themselves run in parallel.
	t.Parallel()
	store := s3test.Start(t, "journal")
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("ALTCONTACTS_SANDBOX_STATE", filepath.Join(env.WorkDir, "sandbox", "state.json"))
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("AWS_ENDPOINT_URL_S3", store.URL)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"altcontacts": inProcess,
			"runhint":     runHint,
		},
	})
}

// flagSet reports whether the command line set the flag name.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// noExitSleep adds atexit_sleep_ms=0 to GORACE unless the caller chose a
// value. Built with -race, every program sleeps 1 s at exit (the race
// runtime's default, so late goroutines can still report), and under
// -race the race-built test binary is the altcontacts that `exec`, runhint
// and the moto tests start. A race found in such a command still fails
// it: the race runtime reports as it detects and exits 66.
func noExitSleep(gorace string) string {
	if strings.Contains(gorace, "atexit_sleep_ms") {
		return gorace
	}
	return strings.TrimSpace(gorace + " atexit_sleep_ms=0")
}

// inProcess is the script command `altcontacts ARGS`: altcontacts run in
// the test process (cli.Run) with the script's environment, working
// directory and an empty stdin, the way `exec altcontacts ARGS` runs it in
// a process of its own, and failing the script as exec does: on a nonzero
// exit, or on a zero one after `!`. A process of its own cost about 0.1 s
// of CPU in a full run, more than half of it before main (package
// initialization and page faults); in process a sandbox command costs 3
// to 16 ms, and the scripts run some 300 (docs/benchmarks.md, fifth pass).
//
// What only a process has stays with exec: main.go's exit code and
// signals (version.txtar and the scripts' usage errors), `sandbox serve`
// in the background, hints run as printed (runhint), and any command that
// reads the AWS configuration chain, which the SDK takes from the
// process's environment, not the script's: those are refused here.
func inProcess(ts *testscript.TestScript, neg bool, args []string) {
	if !inProcessSafe(args) {
		ts.Fatalf("altcontacts %s: run it with exec: without --sandbox it reads the AWS configuration of the test process", strings.Join(args, " "))
	}
	stdout, stderr := ts.Stdout(), ts.Stderr()
	code := cli.Run(context.Background(), cli.Invocation{
		Args: args, Stdout: stdout, Stderr: stderr, Getenv: ts.Getenv, Dir: ts.MkAbs("."),
	})
	switch {
	case code != 0 && !neg:
		ts.Fatalf("altcontacts %s: exit %d", strings.Join(args, " "), code)
	case code == 0 && neg:
		ts.Fatalf("altcontacts %s: unexpected success", strings.Join(args, " "))
	}
}

// inProcessSafe reports whether altcontacts ARGS stays off the AWS
// configuration chain: a --sandbox command, a sandbox subcommand other
// than serve, version and guardrail (which call nothing), or a journal
// read from a file.
func inProcessSafe(args []string) bool {
	if len(args) == 0 || slices.Contains(args, "--sandbox") {
		return true
	}
	switch args[0] {
	case "sandbox":
		return !slices.Contains(args, "serve")
	case "version", "guardrail":
		return true
	case "journal":
		return !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "s3://") })
	}
	return false
}

// runHint is the script command `runhint FILE REGEXP`: it finds the first
// line of FILE (stdout, stderr, or a file of the script's) that matches
// REGEXP, whose first group is a command altcontacts printed for the user
// to run next, and runs it exactly as printed (words split as a POSIX shell
// splits them, single quotes included). A copied hint must reach the same
// organization: it fails if the command exits 2 (a usage error, such as
// no credentials because --sandbox was dropped). Its stdout and stderr are
// kept for the commands after it.
func runHint(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: runhint FILE REGEXP")
	}
	m := regexp.MustCompile("(?m)" + args[1]).FindStringSubmatch(ts.ReadFile(args[0]))
	if len(m) < 2 {
		ts.Fatalf("no line of %s matches %q", args[0], args[1])
	}
	words, err := shellWords(strings.TrimSpace(m[1]))
	if err != nil || len(words) == 0 || words[0] != "altcontacts" {
		ts.Fatalf("hint %q is not an altcontacts command line (%v)", m[1], err)
	}
	ts.Logf("running the hint as printed: %s", m[1])
	err = ts.Exec(words[0], words[1:]...)
	var xe *exec.ExitError
	switch {
	case errors.As(err, &xe) && xe.ExitCode() == 2:
		ts.Fatalf("the hint %q is a usage error (exit 2)", m[1])
	case err != nil && !errors.As(err, &xe):
		ts.Fatalf("the hint %q: %v", m[1], err)
	}
}

// shellWords splits s as a POSIX shell splits a simple command: blanks
// separate words, single quotes quote everything up to the next one, and
// a backslash outside quotes takes the next character as it is.
func shellWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	in, quoted := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\'':
			quoted = false
		case quoted:
			w.WriteByte(c)
		case c == '\'':
			quoted, in = true, true
		case c == '\\' && i+1 < len(s):
			i++
			w.WriteByte(s[i])
			in = true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		case strings.ContainsRune("\"$`;&|<>()*?[]#~", rune(c)):
			return nil, fmt.Errorf("%q needs a shell", c)
		default:
			w.WriteByte(c)
			in = true
		}
	}
	if quoted {
		return nil, errors.New("unterminated quote")
	}
	if in {
		words = append(words, w.String())
	}
	return words, nil
}

// The in-process command refuses what would read the AWS configuration of
// the test process instead of the script's.
func TestInProcessSafe(t *testing.T) {
	for args, want := range map[string]bool{
		"audit --sandbox":                              true,
		"sandbox reset --quota-scale 50":               true,
		"sandbox serve --addr 127.0.0.1:0":             false,
		"version":                                      true,
		"guardrail scp":                                true,
		"journal list --journal j.jsonl":               true,
		"journal list --journal s3://journal/acme":     false,
		"journal list --sandbox --journal s3://j/acme": true,
		"audit":                        false,
		"apply --plan plan.json --yes": false,
		"audit --profile prod --endpoint-url http://x:1": false,
	} {
		if got := inProcessSafe(strings.Fields(args)); got != want {
			t.Errorf("inProcessSafe(%s) = %v, want %v", args, got, want)
		}
	}
}
