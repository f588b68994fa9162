package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/buildinfo"
	"github.com/altcontacts/altcontacts/internal/doctor"
	"github.com/altcontacts/altcontacts/internal/evidence"
	"github.com/altcontacts/altcontacts/internal/plan"
	"github.com/altcontacts/altcontacts/internal/report"
	"github.com/altcontacts/altcontacts/internal/verify"
)

// schemaPolicy is the loop's policy: one durable SECURITY contact.
const schemaPolicy = `version: 1
require: [SECURITY]
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
`

// TestJSONDocumentsMatchSchemas runs every command that prints a JSON
// document on the fintech sandbox, as a user does, and validates what it
// printed against the schema under docs/schema that the document names.
// Each document is also rendered empty (its lists nil, its counts zero),
// which must print [] and still validate; and a document without its
// schema id, or naming another, must be refused, or the test proves
// nothing.
func TestJSONDocumentsMatchSchemas(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	policy := filepath.Join(dir, "contacts.yaml")
	if err := os.WriteFile(policy, []byte(schemaPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	// cmd runs altcontacts in-process and returns its stdout.
	cmd := func(want int, args ...string) []byte {
		t.Helper()
		var out, errb bytes.Buffer
		e := &env{stdout: &out, stderr: &errb, now: time.Now, getenv: func(k string) string {
			if k == "ALTCONTACTS_SANDBOX_STATE" {
				return state
			}
			return ""
		}}
		if code := run(context.Background(), e, args); code != want {
			t.Fatalf("altcontacts %s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), code, want, errb.String())
		}
		return out.Bytes()
	}
	journal := filepath.Join(dir, "journal.jsonl")
	evDir := filepath.Join(dir, "evidence")

	cmd(ExitOK, "sandbox", "reset", "--quota-scale", "50")
	docs := []struct {
		name   string // the schema file's stem under docs/schema
		full   []byte
		render func(t *testing.T, full []byte) []byte // the same document, emptied
	}{
		{name: "audit-v1", full: cmd(ExitFindings, "audit", "--sandbox", "-o", "json", "--evidence", evDir),
			render: emptied(func(r *audit.Report) {
				r.Accounts, r.Summary = nil, audit.Summary{}
			}, func(b *bytes.Buffer, r *audit.Report) error { return report.Audit(b, "json", r, report.Style{}) })},
		{name: "evidence-v1", full: readFile(t, filepath.Join(evDir, "manifest.json")),
			render: emptied(func(m *evidence.Manifest) { m.Files = nil },
				func(b *bytes.Buffer, m *evidence.Manifest) error { return report.JSON(b, m) })},
		{name: "plan-v1", full: cmd(ExitOK, "plan", "--sandbox", "--policy", policy, "-o", "json"),
			render: emptied(func(p *plan.Plan) { p.Changes, p.Summary = nil, plan.Summary{} },
				func(b *bytes.Buffer, p *plan.Plan) error { return report.Plan(b, "json", p, report.Style{}) })},
		{name: "apply-v1", full: cmd(ExitOK, "apply", "--sandbox", "--policy", policy, "--yes", "--journal", journal, "-o", "json"),
			render: emptied(func(r *apply.Report) { r.Outcomes, r.Summary = nil, nil },
				func(b *bytes.Buffer, r *apply.Report) error {
					return report.Changes(b, "json", "apply", r, report.Style{})
				})},
		{name: "journal-list-v1", full: cmd(ExitOK, "journal", "list", "--sandbox", "--journal", journal, "-o", "json"),
			render: emptied(func(l *report.RunList) { l.Runs = nil },
				func(b *bytes.Buffer, l *report.RunList) error { return report.Runs(b, "json", l) })},
		{name: "verify-v1", full: cmd(ExitFindings, "verify", "--sandbox", "-o", "json"), // PENDING: Account.1 not re-evaluated yet
			render: emptied(func(r *verify.Report) { r.Accounts, r.Summary, r.Hub = nil, nil, nil },
				func(b *bytes.Buffer, r *verify.Report) error { return report.Verify(b, "json", r, report.Style{}) })},
		{name: "rollback-v1", full: cmd(ExitOK, "rollback", "--sandbox", "--journal", journal, "--yes", "-o", "json"),
			render: emptied(func(r *apply.Report) { r.Outcomes, r.Summary = nil, nil },
				func(b *bytes.Buffer, r *apply.Report) error {
					return report.Changes(b, "json", "rollback", r, report.Style{})
				})},
		{name: "doctor-v1", full: cmd(ExitOK, "doctor", "--sandbox", "-o", "json"),
			render: emptied(func(r *doctor.Report) { r.Checks, r.SecurityHub, r.Partition = nil, nil, "" },
				func(b *bytes.Buffer, r *doctor.Report) error { return report.Doctor(b, "json", r, report.Style{}) })},
		{name: "version-v1", full: cmd(ExitOK, "version", "-o", "json"),
			render: emptied(func(in *buildinfo.Info) { in.Version, in.Commit, in.Date = buildinfo.Devel, "", "" },
				func(b *bytes.Buffer, in *buildinfo.Info) error { return report.Version(b, "json", *in) })},
	}
	for _, d := range docs {
		t.Run(d.name, func(t *testing.T) {
			sch := compileSchema(t, d.name)
			var m map[string]any
			if err := json.Unmarshal(d.full, &m); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, d.full)
			}
			// The document names its schema: altcontacts/plan/v1 is plan-v1.json.
			id, _ := m["schema"].(string)
			if want := "altcontacts/" + strings.Replace(d.name, "-v", "/v", 1); id != want {
				t.Fatalf(`"schema" = %q, want %q`, id, want)
			}
			validate(t, sch, "full", d.full)
			empty := d.render(t, d.full)
			// Every list is "type": "array" in the schemas: a null list fails here.
			validate(t, sch, "empty", empty)

			delete(m, "schema")
			if sch.Validate(m) == nil {
				t.Error("schema accepted a document without its schema id")
			}
			m["schema"] = "altcontacts/other/v1"
			if sch.Validate(m) == nil {
				t.Error("schema accepted a document naming another schema")
			}
		})
	}
}

// emptied decodes a full document into its Go type, clears it with clear
// and renders it again with render.
func emptied[T any](clear func(*T), render func(*bytes.Buffer, *T) error) func(*testing.T, []byte) []byte {
	return func(t *testing.T, full []byte) []byte {
		t.Helper()
		v := new(T)
		if err := json.Unmarshal(full, v); err != nil {
			t.Fatalf("decode: %v", err)
		}
		clear(v)
		var b bytes.Buffer
		if err := render(&b, v); err != nil {
			t.Fatalf("render: %v", err)
		}
		return b.Bytes()
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func compileSchema(t *testing.T, stem string) *jsonschema.Schema {
	t.Helper()
	raw := readFile(t, filepath.Join("..", "..", "docs", "schema", stem+".json"))
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(stem+".json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(stem + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, what string, doc []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("%s document is not JSON: %v", what, err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s document does not match its schema: %v\n%s", what, err, doc)
	}
}

// The rollback report has the apply report's shape: its schema must stay
// the apply schema but for its id and title.
func TestRollbackSchemaIsApplySchema(t *testing.T) {
	a := string(readFile(t, filepath.Join("..", "..", "docs", "schema", "apply-v1.json")))
	r := string(readFile(t, filepath.Join("..", "..", "docs", "schema", "rollback-v1.json")))
	drop := func(s string) string {
		var keep []string
		for _, line := range strings.Split(s, "\n") {
			if strings.Contains(line, `"$id"`) || strings.Contains(line, `"title"`) || strings.Contains(line, `"description": "What`) || strings.Contains(line, `"schema": {"const"`) {
				continue
			}
			keep = append(keep, line)
		}
		return strings.Join(keep, "\n")
	}
	if drop(a) != drop(r) {
		t.Error("docs/schema/rollback-v1.json differs from apply-v1.json beyond its id, title and schema const")
	}
}
