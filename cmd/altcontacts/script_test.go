package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/altcontacts/altcontacts/internal/peertest"
	"github.com/altcontacts/altcontacts/internal/s3test"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/script")

func TestMain(m *testing.M) {
	// Every run of altcontacts from a test (the scripts', and the moto
	// tests' through PATH) inherits this; testscript passes GORACE on.
	os.Setenv("GORACE", noExitSleep(os.Getenv("GORACE")))
	testscript.Main(mainM{m}, map[string]func(){
		// The test binary standing in for altcontacts runs main.go's own
		// main, signal handling and exit code included.
		"altcontacts": main,
	})
}

// mainM runs the tests, then stops what they shared: the plain build and
// the peers started once per test binary.
type mainM struct{ m *testing.M }

func (m mainM) Run() int {
	flag.Parse()
	if !flagSet("test.parallel") {
		// A script spends part of its time waiting (sandbox pacing, the
		// sweep's batch deadlines, a peer's answer): twice GOMAXPROCS of
		// them at once keep the CPUs busy where GOMAXPROCS left them idle.
		flag.Set("test.parallel", strconv.Itoa(2*runtime.GOMAXPROCS(0)))
	}
	defer peertest.StopShared()
	defer removePlain()
	return m.m.Run()
}

// TestScripts runs the user-visible contract in testdata/script/*.txtar: the
// real command against a sandbox whose state lives in the script's $WORK.
//
// Scripts that journal to S3 reach an in-process S3 (bucket "journal")
// through AWS_ENDPOINT_URL_S3, as a user points altcontacts at any
// S3-compatible store.
func TestScripts(t *testing.T) {
	// Alongside TestAWSCLI, after the tests that set the process
	// environment have ended; the scripts themselves run in parallel.
	t.Parallel()
	store := s3test.Start(t, "journal")
	bin := ""
	if raceEnabled {
		bin = plainBinDir(t)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("ALTCONTACTS_SANDBOX_STATE", filepath.Join(env.WorkDir, "sandbox", "state.json"))
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("AWS_ENDPOINT_URL_S3", store.URL)
			// testscript names a script's $WORK script-NAME.
			name := strings.TrimPrefix(filepath.Base(env.WorkDir), "script-")
			raceBuilt := raceEnabled && (bin == "" || raceScripts[name])
			if raceEnabled && !raceBuilt {
				env.Setenv("PATH", bin+string(filepath.ListSeparator)+env.Getenv("PATH"))
			}
			if !raceBuilt && os.Getenv("GOGC") == "" {
				// Each command lives a tenth of a second, and at the
				// default GOGC a quarter of its CPU went to collecting
				// the start-up heap it frees at exit anyway (an audit
				// of the sandbox: 143 ms at 100, 108 ms at 400).
				env.Setenv("GOGC", "400")
			}
			if !raceBuilt && os.Getenv("GOMAXPROCS") == "" {
				// The scripts run twice GOMAXPROCS commands at once, so
				// a command's own second P only adds a second set of
				// per-P caches to fault in and a GC worker competing for
				// the same cores: the scripts cost 32.9 CPU-s at one P
				// against 34.2 at two (3 runs each, 3% fewer page
				// faults). The commands' concurrency is tested with
				// every P in process (internal/cli, apply, inventory,
				// enforce) and under -race by raceScripts.
				env.Setenv("GOMAXPROCS", "1")
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"runhint": runHint},
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
// -race the race-built test binary is altcontacts for raceScripts and the
// moto tests. A race found in such a command still fails it: the race
// runtime reports as it detects and exits 66.
func noExitSleep(gorace string) string {
	if strings.Contains(gorace, "atexit_sleep_ms") {
		return gorace
	}
	return strings.TrimSpace(gorace + " atexit_sleep_ms=0")
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
