package main

import (
	"context"
	"flag"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/altcontacts/altcontacts/internal/cli"
	"github.com/altcontacts/altcontacts/internal/s3test"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/script")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"altcontacts": func() {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
			stop()
			os.Exit(code)
		},
	})
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
	})
}
