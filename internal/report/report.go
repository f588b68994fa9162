// Package report renders every document altcontacts prints, for people and
// machines: the audit (an aligned table, JSON, CSV, Markdown, SARIF 2.1.0
// for code-scanning dashboards, JUnit XML for CI, HTML), the plan, apply and
// rollback reports, verify (table, JSON, HTML), doctor, journal list and
// version. Every JSON document goes through [JSON]/[MarshalIndent], so no
// list is ever null. It only formats; it never decides a status or calls
// AWS.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/contact"
)

// Formats lists the audit output formats.
var Formats = []string{"table", "json", "csv", "markdown", "sarif", "junit", "html"}

// Style tunes human formats.
type Style struct {
	// Color enables ANSI colors (a terminal without NO_COLOR).
	Color bool
	// ShowPII shows phone numbers in full in the HTML report; they are
	// masked to the country code and last four digits by default.
	ShowPII bool
}

// Audit writes r in format.
func Audit(w io.Writer, format string, r *audit.Report, st Style) error {
	switch format {
	case "table":
		return auditTable(w, r, st)
	case "json":
		return writeJSON(w, r)
	case "csv":
		return auditCSV(w, r)
	case "markdown":
		return auditMarkdown(w, r)
	case "sarif":
		return auditSARIF(w, r)
	case "junit":
		return auditJUnit(w, r)
	case "html":
		return auditHTML(w, r, st)
	}
	return badFormat(format, Formats)
}

// badFormat is the error for a format a renderer does not know.
func badFormat(format string, formats []string) error {
	return fmt.Errorf("unknown output format %q (want %s)", format, strings.Join(formats, ", "))
}

func writeJSON(w io.Writer, v any) error { return JSON(w, v) }

// statusOrder groups the table: what needs attention first.
var statusOrder = map[string]int{audit.StatusFail: 0, audit.StatusUnknown: 1, audit.StatusPass: 2, audit.StatusSkipped: 3}

func grouped(r *audit.Report) []audit.Account {
	out := append([]audit.Account(nil), r.Accounts...)
	sort.SliceStable(out, func(i, j int) bool {
		return statusOrder[out[i].Status] < statusOrder[out[j].Status]
	})
	return out
}

// SummaryLine is the one-line summary every human format ends with.
func SummaryLine(r *audit.Report) string {
	s := r.Summary
	line := fmt.Sprintf("%d accounts: %d evaluated, %d skipped, %d unknown; ", s.Accounts, s.Evaluated, s.Skipped, s.Unknown)
	a1 := s.Account1
	if a1.NotEvaluated > 0 && a1.Failed+a1.Passed == 0 {
		return line + "Account.1 not evaluated (SECURITY not read)"
	}
	line += fmt.Sprintf("Account.1 failing on %d, passing on %d", a1.Failed, a1.Passed)
	if a1.NotEvaluated > 0 {
		line += fmt.Sprintf(", not evaluated on %d", a1.NotEvaluated)
	}
	return line
}

// severityCounts renders findings_by_severity from most to least urgent.
func severityCounts(r *audit.Report) string {
	var parts []string
	sevs := contact.Severities()
	for i := len(sevs) - 1; i >= 0; i-- {
		if n := r.Summary.FindingsBySeverity[sevs[i].String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sevs[i]))
		}
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

func ruleCounts(r *audit.Report) string {
	var parts []string
	for _, id := range contact.RuleIDs() {
		if n := r.Summary.FindingsByRule[id]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", id, n))
		}
	}
	return strings.Join(parts, ", ")
}

func ouOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
