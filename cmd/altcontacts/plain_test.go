package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// raceScripts run the race-built test binary as altcontacts under -race;
// every other script runs the plain build there (see plainBinDir). The loop is
// the main job end to end (audit, plan, apply with its worker pool and
// journal, verify, rollback) and the sweep drives batches with deadlines:
// the two scripts whose commands run the most goroutines at once.
var raceScripts = map[string]bool{"loop": true, "enforce_sweep": true}

var plain struct {
	once     sync.Once
	dir      string
	noGo     error  // no go command: the scripts run the test binary
	buildErr string // go build failed: every script fails with this
}

// plainBinDir returns a directory holding altcontacts built from this
// package by `go build`, without -race. TestScripts asks for it only
// under -race, once per test binary; without -race the test binary
// itself is altcontacts (TestMain maps the command to main.go's main),
// and a start of it costs what a start of a plain build does (an audit
// of the sandbox: 100 ms of CPU either way), so linking a second binary
// would only add a link to the suite.
//
// Under -race it is what keeps the scripts affordable: a race-built
// process costs about 0.4 s of CPU (the race runtime maps shadow memory
// for the whole binary, and every package's init runs instrumented),
// against 0.1 s for a plain one, and the scripts
// start altcontacts some 350 times (docs/benchmarks.md). The race
// detector still watches the same code in-process: internal/cli's tests
// call every command's run function, and the packages below test their
// pools and journals under -race. raceScripts and the moto tests keep
// race-built processes too.
//
// Without a go command (a test binary copied elsewhere) it returns "" and
// the scripts run the test binary, as testscript.Main arranges.
func plainBinDir(t *testing.T) string {
	t.Helper()
	plain.once.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			plain.noGo = err
			return
		}
		dir, err := os.MkdirTemp("", "altcontacts-plain")
		if err != nil {
			plain.buildErr = err.Error()
			return
		}
		out, err := exec.Command(goBin, "build", "-o", filepath.Join(dir, "altcontacts"), ".").CombinedOutput()
		if err != nil {
			os.RemoveAll(dir)
			plain.buildErr = fmt.Sprintf("%v\n%s", err, out)
			return
		}
		plain.dir = dir
	})
	switch {
	case plain.buildErr != "":
		t.Fatalf("go build altcontacts: %s", plain.buildErr)
	case plain.noGo != nil:
		t.Logf("no go command (%v): the scripts run the test binary as altcontacts", plain.noGo)
	}
	return plain.dir
}

// removePlain removes the plain build; TestMain calls it after the tests.
func removePlain() {
	if plain.dir != "" {
		os.RemoveAll(plain.dir)
	}
}
