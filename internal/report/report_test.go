package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/report"
)

func render(t *testing.T, format string, r *audit.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.Audit(&b, format, r, report.Style{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func countFindings(r *audit.Report) int {
	n := 0
	for _, a := range r.Accounts {
		n += len(a.Findings)
	}
	return n
}

// An account name chosen by whoever created the account must not become a
// spreadsheet formula.
func TestCSVDefusesFormulas(t *testing.T) {
	e := emulator.New(emulator.WithQuotaScale(50))
	e.Update(func(s *emulator.State) {
		for _, a := range s.Accounts {
			if a.ID == "593018274615" {
				a.Name = `=HYPERLINK("http://evil","x")`
			}
		}
	})
	rep, err := audit.Run(context.Background(), awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(50)}), nil, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(render(t, "csv", rep))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range rows {
		for _, cell := range row {
			if strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, "+") || strings.HasPrefix(cell, "@") {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
		if row[0] == "593018274615" {
			found = row[1] == `'=HYPERLINK("http://evil","x")`
		}
	}
	if !found {
		t.Error("the formula name was not kept, quoted")
	}
	// One row per finding plus one per account without findings, plus header.
	want := 1 + countFindings(rep)
	for _, a := range rep.Accounts {
		if len(a.Findings) == 0 {
			want++
		}
	}
	if len(rows) != want {
		t.Errorf("rows = %d, want %d", len(rows), want)
	}
}

func TestSARIF(t *testing.T) {
	rep := fintechReport(t)
	var log struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string }
				}
			}
			Invocations []struct {
				ExecutionSuccessful        bool
				ToolExecutionNotifications []struct{ Level string }
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Locations []struct {
					LogicalLocations []struct{ Name, FullyQualifiedName string }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(render(t, "sarif", rep)), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if log.Version != "2.1.0" || len(run.Tool.Driver.Rules) != len(contact.RuleIDs()) {
		t.Fatalf("version %q, %d rules", log.Version, len(run.Tool.Driver.Rules))
	}
	if len(run.Results) != countFindings(rep) {
		t.Errorf("results = %d, want one per finding (%d)", len(run.Results), countFindings(rep))
	}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("ruleIndex %d does not point at %s", r.RuleIndex, r.RuleID)
		}
		if len(r.Locations) != 1 || len(r.Locations[0].LogicalLocations[0].Name) != 12 {
			t.Errorf("result without an account location: %+v", r)
		}
	}
	if inv := run.Invocations[0]; inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 1 {
		t.Errorf("the UNKNOWN account must be a notification: %+v", inv)
	}
}

func TestJUnit(t *testing.T) {
	rep := fintechReport(t)
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suite    struct {
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(render(t, "junit", rep)), &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Tests != 24 || suites.Errors != 1 || suites.Skipped != 1 || suites.Failures != 18 || len(suites.Suite.Cases) != 24 {
		t.Errorf("junit counts = %+v", suites)
	}
}

func TestTableAndMarkdownCarryTheSummary(t *testing.T) {
	rep := fintechReport(t)
	want := "24 accounts: 23 evaluated, 1 skipped, 1 unknown; Account.1 failing on 14, passing on 8"
	for _, f := range []string{"table", "markdown"} {
		out := render(t, f, rep)
		if !strings.Contains(out, want) {
			t.Errorf("%s lacks %q:\n%s", f, want, out)
		}
		if strings.Contains(out, "\x1b[") {
			t.Errorf("%s has colour codes without Style.Color", f)
		}
	}
	var b bytes.Buffer
	report.Audit(&b, "table", rep, report.Style{Color: true})
	if !strings.Contains(b.String(), "\x1b[31mFAIL") {
		t.Error("colour table does not paint FAIL red")
	}
	if err := report.Audit(&b, "yaml", rep, report.Style{}); err == nil {
		t.Error("unknown format accepted")
	}
}
