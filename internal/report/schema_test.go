package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/report"
)

// fintechReport audits the fintech sandbox with one denied account, so the
// report has every status: PASS, FAIL, UNKNOWN and SKIPPED.
func fintechReport(t *testing.T) *audit.Report {
	t.Helper()
	e := emulator.New(emulator.WithQuotaScale(50),
		emulator.WithFault(emulator.Fault{Op: "GetAlternateContact", Rate: 1, Error: "AccessDeniedException", Account: "593018274615"}))
	c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(50)})
	rep, err := audit.Run(context.Background(), c, nil, audit.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The JSON report must validate against the published schema, and the
// schema must reject what it promises to reject.
func TestAuditJSONMatchesSchema(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "schema", "audit-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("audit-v1.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("audit-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.Audit(&buf, "json", fintechReport(t), report.Style{}); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("report does not match docs/schema/audit-v1.json: %v", err)
	}

	// A renamed field must fail validation, or the test proves nothing.
	var m map[string]any
	json.Unmarshal(buf.Bytes(), &m)
	m["summary"].(map[string]any)["evaluted"] = 1
	if err := sch.Validate(m); err == nil {
		t.Fatal("schema accepted an unknown summary field")
	}
}
