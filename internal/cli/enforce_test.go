package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/enforce"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/sandbox"
)

// The CLI's sweep (`enforce --event scheduled-sweep.json`, no --budget)
// and the Lambda's (Handler.Invoke on the same event) run one code path:
// over two copies of the same sandbox organization they report the same
// summary, in report mode and then in enforce mode, and leave the same
// contacts behind.
func TestEnforceSweepCLIMatchesLambda(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const policyYAML = "version: 1\nrequire: [SECURITY]\ncontacts:\n  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: \"+1 206 555 7700\"}\n"
	policyFile := filepath.Join(dir, "contacts.yaml")
	if err := os.WriteFile(policyFile, []byte(policyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	policy, err := contact.ParsePolicy(policyFile, []byte(policyYAML))
	if err != nil {
		t.Fatal(err)
	}
	eventFile := filepath.Join("..", "enforce", "testdata", "events", "scheduled-sweep.json")
	raw, err := os.ReadFile(eventFile)
	if err != nil {
		t.Fatal(err)
	}

	cliEnv, cliOut, cliErr := testEnv(t)
	lambdaEnv, _, _ := testEnv(t)
	for _, e := range []*env{cliEnv, lambdaEnv} {
		if code := run(ctx, e, []string{"sandbox", "reset", "--quota-scale", "50"}); code != 0 {
			t.Fatalf("sandbox reset: exit %d", code)
		}
	}

	// Everything but the sweep's name and its duration.
	same := cmp.Options{cmp.FilterPath(func(p cmp.Path) bool {
		f := p.Last().String()
		return f == ".ID" || f == ".DurationSeconds"
	}, cmp.Ignore())}
	for _, mode := range []string{enforce.ModeReport, enforce.ModeEnforce} {
		args := []string{"enforce", "--sandbox", "--event", eventFile, "--policy", policyFile, "--journal", filepath.Join(dir, "cli.jsonl")}
		if mode == enforce.ModeEnforce {
			args = append(args, "--apply")
		}
		cliOut.Reset()
		cliErr.Reset()
		if code := run(ctx, cliEnv, args); code != 0 {
			t.Fatalf("%s: cli exit %d; stderr:\n%s", mode, code, cliErr)
		}
		var viaCLI enforce.Summary
		if err := json.Unmarshal(cliOut.Bytes(), &viaCLI); err != nil {
			t.Fatalf("%s: cli stdout is not a sweep summary: %v\n%s", mode, err, cliOut)
		}

		g := &globalOptions{sandbox: true}
		conn, err := g.connect(ctx, lambdaEnv)
		if err != nil {
			t.Fatal(err)
		}
		h, err := enforce.New(conn.client, enforce.Config{Policy: policy, PolicyBytes: []byte(policyYAML), Mode: mode,
			EnforcerRole: "altcontacts-enforcer", Journal: journal.Target{File: filepath.Join(dir, "lambda.jsonl")}})
		if err != nil {
			t.Fatal(err)
		}
		res, ierr := h.Invoke(ctx, raw)
		if err := conn.close(); err != nil {
			t.Fatal(err)
		}
		if ierr != nil {
			t.Fatalf("%s: lambda: %v", mode, ierr)
		}
		viaLambda, ok := res.(*enforce.Summary)
		if !ok {
			t.Fatalf("%s: lambda returned %T, want *enforce.Summary", mode, res)
		}

		if diff := cmp.Diff(*viaLambda, viaCLI, same); diff != "" {
			t.Errorf("%s: summaries differ (-lambda +cli):\n%s", mode, diff)
		}
		// The fintech sandbox starts with 18 accounts to fix: a sweep
		// that fixed nothing would match trivially.
		if viaCLI.Changed != 18 || viaCLI.Batches != 1 {
			t.Errorf("%s: cli summary %+v: want 18 changed in 1 batch", mode, viaCLI)
		}
	}

	contacts := func(e *env) map[string]*emulator.Contact {
		path, err := sandbox.StatePath(e.getenv)
		if err != nil {
			t.Fatal(err)
		}
		s, err := sandbox.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		m := map[string]*emulator.Contact{}
		for _, a := range s.Emulator.State().Accounts {
			m[a.ID] = a.Contacts["SECURITY"]
		}
		return m
	}
	if diff := cmp.Diff(contacts(lambdaEnv), contacts(cliEnv)); diff != "" {
		t.Errorf("contacts after the sweeps differ (-lambda +cli):\n%s", diff)
	}
}
