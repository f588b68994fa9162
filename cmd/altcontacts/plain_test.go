package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// raceScripts run the race-built test binary as altcontacts under -race;
// every other script runs the plain build (see plainBinDir). The loop is
// the main job end to end (audit, plan, apply with its worker pool and
// journal, verify, rollback) and the sweep drives batches with deadlines:
// the two scripts whose commands run the most goroutines at once.
var raceScripts = map[string]bool{"loop": true, "enforce_sweep": true}

var plain struct {
	once sync.Once
	dir  string
	err  error
}

// plainBinDir returns a directory holding altcontacts built from this
// package by `go build`, as a user builds it: main.go itself, not the test
// binary standing in for it. It is built once per test binary, and only
// by the tests that run scripts.
//
// Under -race it is what keeps the scripts affordable: a race-built
// process spends about 0.4 s of CPU before and after its work (the race
// runtime maps shadow memory for the whole binary, and every package's
// init runs instrumented), against 0.1 s for a plain one, and the scripts
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
			plain.err = err
			return
		}
		dir, err := os.MkdirTemp("", "altcontacts-plain")
		if err != nil {
			plain.err = err
			return
		}
		cmd := exec.Command(goBin, "build", "-o", filepath.Join(dir, "altcontacts"), ".")
		out, err := cmd.CombinedOutput()
		if err != nil {
			os.RemoveAll(dir)
			plain.err = &buildError{err: err, out: strings.TrimSpace(string(out))}
			return
		}
		plain.dir = dir
	})
	if plain.err != nil {
		if be := (*buildError)(nil); errors.As(plain.err, &be) {
			t.Fatalf("go build altcontacts: %v\n%s", be.err, be.out)
		}
		t.Logf("no go command (%v): the scripts run the test binary as altcontacts", plain.err)
	}
	return plain.dir
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() }

// removePlain removes the plain build; TestMain calls it after the tests.
func removePlain() {
	if plain.dir != "" {
		os.RemoveAll(plain.dir)
	}
}
