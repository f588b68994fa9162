package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/clock"
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

const sweepPolicy = `version: 1
require: [SECURITY]
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
rules:
  allowed_email_domains: [acmepay.io]
`

// newSweepClock is the enforcer's clock on both sides of the comparison:
// it starts at the same instant and moves a second per account a batch
// takes (enforce.Config.Taken), never by being read, so a --budget of N
// seconds cuts batches of N accounts on any machine.
func newSweepClock() (now func() time.Time, taken func(string)) {
	c := clock.NewManual(time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC))
	return c.Now, func(string) { c.Advance(time.Second) }
}

// What a local replay shows is what runs on AWS: the same sandbox
// organization swept by `altcontacts enforce` on a scheduled event, and by
// the Lambda's entry point phase by phase as the state machine drives it
// (Handler.Invoke with {"sweep":…}, the state passed as JSON, a new handler
// per invocation as on a new container, the invocation's deadline on its
// context), cuts the same batches, returns the same summary, journals the
// same writes run by run and leaves the same contacts; with --budget and
// without.
func TestEnforceSweepIsTheLambdas(t *testing.T) {
	for _, tc := range []struct {
		name   string
		budget time.Duration
	}{{"no budget", 0}, {"budget", 5 * time.Second}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			write := func(name, data string) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			}
			policyFile := write("contacts.yaml", sweepPolicy)
			eventFile := filepath.Join("..", "enforce", "testdata", "events", "scheduled-sweep.json")

			// The CLI. Both sandboxes pace at 50 times AWS's quotas, as
			// `sandbox serve --quota-scale 50` would, to keep the test short.
			e, out, errb := testEnv(t)
			cliState, err := sandbox.StatePath(e.getenv)
			if err != nil {
				t.Fatal(err)
			}
			seed(t, cliState)
			e.now, e.taken = newSweepClock()
			cliJournal := filepath.Join(dir, "cli.jsonl")
			args := []string{"enforce", "--sandbox", "--event", eventFile, "--policy", policyFile, "--apply", "--journal", cliJournal}
			if tc.budget > 0 {
				args = append(args, "--budget", tc.budget.String())
			}
			if code := run(context.Background(), e, args); code != ExitOK {
				t.Fatalf("enforce: exit %d\n%s", code, errb)
			}
			var cli enforce.Summary
			if err := json.Unmarshal(out.Bytes(), &cli); err != nil {
				t.Fatalf("enforce's summary: %v\n%s", err, out)
			}

			// The Lambda, on a sandbox of its own from the same start.
			lambdaState := filepath.Join(dir, "lambda", "state.json")
			seed(t, lambdaState)
			s, err := sandbox.Open(lambdaState)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			p, err := contact.ParsePolicy(enforce.EnvPolicy, []byte(sweepPolicy))
			if err != nil {
				t.Fatal(err)
			}
			scale := s.Emulator.State().Settings.QuotaScale
			if scale <= 0 {
				scale = 1
			}
			lambdaNow, lambdaTaken := newSweepClock()
			store := enforce.NewMemStore()
			lambdaJournal := filepath.Join(dir, "lambda.jsonl")
			invoke := func(payload string) []byte {
				t.Helper()
				// As enforce.FromEnv builds it, but on the sandbox and
				// with the test's clock.
				h, err := enforce.New(awsorg.New(s.Emulator.ConfigAs(""), awsorg.Options{Scale: scale, Drained: true}), enforce.Config{
					Policy: p, PolicyBytes: []byte(sweepPolicy), Mode: enforce.ModeEnforce, EnforcerRole: "altcontacts-enforcer",
					Journal: journal.Target{File: lambdaJournal}, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
					Version: version(), Store: store, BatchBudget: tc.budget, Now: lambdaNow, Taken: lambdaTaken,
				})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute) // the function's timeout
				defer cancel()
				res, err := h.Invoke(ctx, json.RawMessage(payload))
				if err != nil {
					t.Fatalf("%.60s…: %v", payload, err)
				}
				b, err := json.Marshal(res)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			state := invoke(`{"sweep":{"phase":"inventory"}}`)
			for i := 0; ; i++ {
				var st enforce.SweepState
				if err := json.Unmarshal(state, &st); err != nil {
					t.Fatal(err)
				}
				if st.Done {
					break
				}
				if i > st.Total {
					t.Fatalf("no end after %d batches: %s", i, state)
				}
				state = invoke(`{"sweep":{"phase":"batch","state":` + string(state) + `}}`)
			}
			var lambda enforce.Summary
			if err := json.Unmarshal(invoke(`{"sweep":{"phase":"summary","state":`+string(state)+`}}`), &lambda); err != nil {
				t.Fatal(err)
			}

			if diff := cmp.Diff(lambda, cli); diff != "" {
				t.Errorf("summary: the CLI's differs from the Lambda's (-lambda +cli):\n%s", diff)
			}
			// The comparison means something only if the sweep did: it
			// wrote, and --budget cut batches of 5 accounts.
			wantBatches := 1
			if tc.budget > 0 {
				wantBatches = (cli.Accounts + 4) / 5
			}
			if cli.Writes == 0 || cli.Batches != wantBatches || cli.Checked+cli.Skipped != cli.Accounts {
				t.Errorf("CLI summary %+v: want writes, %d batch(es), every account checked or skipped", cli, wantBatches)
			}
			cliRuns, lambdaRuns := journalRuns(t, cliJournal), journalRuns(t, lambdaJournal)
			if diff := cmp.Diff(lambdaRuns, cliRuns); diff != "" {
				t.Errorf("journal: the CLI's runs differ from the Lambda's (-lambda +cli):\n%s", diff)
			}
			if len(cliRuns) == 0 {
				t.Errorf("the CLI journaled nothing")
			}

			// The contacts each left.
			cs, err := sandbox.Open(cliState)
			if err != nil {
				t.Fatal(err)
			}
			defer cs.Close()
			if diff := cmp.Diff(contactsOf(s), contactsOf(cs)); diff != "" {
				t.Errorf("contacts: the CLI's sandbox differs from the Lambda's (-lambda +cli):\n%s", diff)
			}
		})
	}
}

// seed writes the sandbox's first state at path, paced at 50 times AWS's
// quotas.
func seed(t *testing.T, path string) {
	t.Helper()
	s, err := sandbox.Open(path, emulator.WithQuotaScale(50))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// journalRuns reads a journal file as its runs, each its mode and caller
// and then its writes (account, type, op, before, after, outcome) sorted,
// without what differs by nature between two runs of the same writes: the
// times, run ids and sequence numbers, and the order concurrent accounts
// finish in.
func journalRuns(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var runs [][]string
	intents := map[int]journal.Entry{}
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var e journal.Entry
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("%s: %v: %s", path, err, line)
		}
		switch e.Kind {
		case journal.Header:
			runs = append(runs, []string{e.Run.Mode + " as " + e.Run.Caller})
			intents = map[int]journal.Entry{}
		case journal.Intent:
			intents[e.Seq] = e
		case journal.Outcome:
			in, ok := intents[e.Seq]
			if !ok || len(runs) == 0 {
				t.Fatalf("%s: outcome %d without its intent", path, e.Seq)
			}
			before, _ := json.Marshal(in.Before)
			after, _ := json.Marshal(in.After)
			runs[len(runs)-1] = append(runs[len(runs)-1], fmt.Sprintf("%s %s %s %s -> %s: %s", in.Account, in.Type, in.Op, before, after, e.Outcome))
		}
	}
	for _, r := range runs {
		sort.Strings(r[1:])
	}
	return runs
}

// contactsOf is every account's contacts in a sandbox.
func contactsOf(s *sandbox.Session) map[string]string {
	m := map[string]string{}
	for _, a := range s.Emulator.State().Accounts {
		b, _ := json.Marshal(a.Contacts)
		m[a.ID] = string(b)
	}
	return m
}
