package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A run with Invocation.Dir reads and writes its relative paths there, as a
// process started in that directory would, and names them as written: the
// policy init writes, the plan, the journal apply writes by default, a
// scenario file, and the errors about files that are not there. Nothing
// lands in the test process's own working directory.
func TestRunInDir(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(t.TempDir(), "state.json")
	getenv := func(k string) string {
		if k == "ALTCONTACTS_SANDBOX_STATE" {
			return state
		}
		return ""
	}
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(cwd)
	runIn := func(want int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		code := Run(context.Background(), Invocation{Args: args, Stdout: &out, Stderr: &errb, Getenv: getenv, Dir: dir})
		if code != want {
			t.Fatalf("%s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out.String(), errb.String())
		}
		if strings.Contains(errb.String(), dir) || strings.Contains(out.String(), dir) {
			t.Errorf("%s names the working directory:\n%s%s", strings.Join(args, " "), out.String(), errb.String())
		}
		return errb.String()
	}

	if err := os.WriteFile(filepath.Join(dir, "one.yaml"), []byte(`organization: {id: o-abcdefghij, management_account: "111111111111"}
accounts:
  - {id: "111111111111", name: mgmt, email: root@corp.acmepay.io, ou: Root}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	if stderr := runIn(ExitOK, "sandbox", "reset", "--scenario", "one.yaml", "--quota-scale", "50"); !strings.Contains(stderr, "scenario file one.yaml") {
		t.Errorf("reset from a relative scenario file:\n%s", stderr)
	}
	if stderr := runIn(ExitUsage, "sandbox", "reset", "--scenario", "absent.yaml"); !strings.Contains(stderr, "open absent.yaml: no such file or directory") {
		t.Errorf("an absent scenario file, named as written:\n%s", stderr)
	}
	runIn(ExitOK, "sandbox", "reset", "--quota-scale", "50")
	if stderr := runIn(ExitOK, "init", "--sandbox", "--phone", "+1 206 555 7700"); !strings.Contains(stderr, "wrote contacts.yaml") {
		t.Errorf("init:\n%s", stderr)
	}
	runIn(ExitOK, "plan", "--sandbox", "--policy", "contacts.yaml", "--out", "plan.json")
	stderr := runIn(ExitOK, "apply", "--sandbox", "--plan", "plan.json", "--yes")
	journals, _ := filepath.Glob(filepath.Join(dir, "altcontacts-journal-*.jsonl"))
	if len(journals) != 1 || !strings.Contains(stderr, "journal "+filepath.Base(journals[0])) {
		t.Fatalf("apply's default journal: %v in the directory; stderr:\n%s", journals, stderr)
	}
	runIn(ExitOK, "journal", "list", "--journal", filepath.Base(journals[0]))
	for _, f := range []string{"contacts.yaml", "plan.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s is not in the run's directory: %v", f, err)
		}
	}
	if stderr := runIn(ExitUsage, "plan", "--sandbox", "--policy", "absent.yaml"); !strings.Contains(stderr, "policy: open absent.yaml: no such file or directory") {
		t.Errorf("an absent policy, named as written:\n%s", stderr)
	}

	after, _ := os.ReadDir(cwd)
	if len(after) != len(before) {
		t.Errorf("the test process's working directory changed: %d entries, then %d", len(before), len(after))
	}
}
