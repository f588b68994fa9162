package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestOutputFormats runs every command with each -o format its help
// lists, and with one it does not render: the listed ones render (JSON is
// JSON), the other is exit 2 with one wording, before anything is read or
// written. A command added without a row here fails the test.
func TestOutputFormats(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "contacts.yaml")
	os.WriteFile(policy, []byte("version: 1\nrequire: [SECURITY]\ncontacts:\n  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: \"+1 206 555 7700\"}\n"), 0o600)
	journalFile := filepath.Join(dir, "j.jsonl")
	initOut := filepath.Join(dir, "init.yaml")
	exportOut := filepath.Join(dir, "out.csv")
	// The smallest run of each command; nil: a command that only takes
	// the bad value here (it renders no format, or is not worth running).
	runs := map[string][]string{
		"audit":            {"audit", "--sandbox"},
		"plan":             {"plan", "--sandbox", "--policy", policy},
		"apply":            {"apply", "--sandbox", "--policy", policy, "--yes", "--journal", journalFile},
		"rollback":         {"rollback", "--sandbox", "--journal", journalFile, "--yes"},
		"journal list":     {"journal", "list", "--journal", journalFile},
		"verify":           {"verify", "--sandbox"},
		"doctor":           {"doctor", "--sandbox"},
		"enforce":          {"enforce", "--sandbox", "--event", "../enforce/testdata/events/create-managed-account.json", "--policy", policy},
		"guardrail scp":    {"guardrail", "scp"},
		"init":             {"init", "--sandbox", "--out", initOut},
		"export":           {"export", "--sandbox", "--format", "csv", "--out", exportOut},
		"version":          {"version"},
		"sandbox reset":    {"sandbox", "reset"},
		"sandbox show":     {"sandbox", "show"},
		"sandbox serve":    nil,
		"sandbox evaluate": {"sandbox", "evaluate"},
	}
	e, out, errb := testEnv(t)
	if code := run(context.Background(), e, []string{"sandbox", "reset", "--quota-scale", "50", "--evaluation-interval", "0"}); code != 0 {
		t.Fatalf("reset: exit %d: %s", code, errb)
	}
	// Commands in the order above, so that apply has a journal for
	// rollback and journal list.
	var order []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			if sub.Runnable() && !sub.HasSubCommands() {
				order = append(order, strings.TrimPrefix(sub.CommandPath(), "altcontacts "))
			}
			walk(sub)
		}
	}
	walk(newRoot(e))
	for _, name := range order {
		if _, ok := runs[name]; !ok {
			t.Errorf("%s: no row in this test", name)
		}
	}
	slices.SortStableFunc(order, func(a, b string) int { return rank(a) - rank(b) })
	for _, name := range order {
		args := runs[name]
		cmd, _, _ := newRoot(e).Find(strings.Fields(name))
		var formats []string
		if f := cmd.Annotations[formatsKey]; f != "" {
			formats = strings.Split(f, ",")
		}
		if args != nil {
			for _, f := range formats {
				out.Reset()
				errb.Reset()
				code := run(context.Background(), e, append(slices.Clone(args), "-o", f))
				if code == ExitUsage || code == ExitIncomplete {
					t.Errorf("%s -o %s: exit %d; stderr:\n%s", name, f, code, errb)
				}
				if out.Len() == 0 {
					t.Errorf("%s -o %s: nothing on stdout", name, f)
				}
				if f == "json" || f == "asff" {
					var v any
					if err := json.Unmarshal(out.Bytes(), &v); err != nil {
						t.Errorf("%s -o %s: not JSON: %v\n%s", name, f, err, out)
					}
				}
			}
		} else {
			args = strings.Fields(name)
		}
		if name == "export" || name == "init" {
			// They take no -o: export's stdout is the CSV itself.
			os.Remove(exportOut)
		}
		out.Reset()
		errb.Reset()
		code := run(context.Background(), e, append(slices.Clone(args), "-o", "yaml"))
		want := `altcontacts: error: --output: unknown format "yaml" for ` + name + " ("
		if code != ExitUsage || out.Len() != 0 || !strings.HasPrefix(errb.String(), want) {
			t.Errorf("%s -o yaml: exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout, %q...", name, code, out, errb, want)
		}
		// Its help lists exactly the formats it renders, or no -o at all.
		out.Reset()
		run(context.Background(), e, append(strings.Fields(name), "--help"))
		help := out.String()
		switch {
		case len(formats) > 0 && !strings.Contains(help, "output format: "+strings.Join(formats, ", ")+" (default "+formats[0]+")"):
			t.Errorf("%s --help does not list %v:\n%s", name, formats, help)
		case len(formats) == 0 && strings.Contains(help, "--output"):
			t.Errorf("%s --help shows -o, which it does not render:\n%s", name, help)
		}
	}
	for _, f := range []string{initOut, exportOut} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s written by a refused -o (%v)", f, err)
		}
	}
}

// rank orders the commands so that each finds what it needs: apply's
// journal before rollback and journal list.
func rank(name string) int {
	switch name {
	case "apply":
		return 1
	case "rollback", "journal list":
		return 2
	}
	return 0
}
