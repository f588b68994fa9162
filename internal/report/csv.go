package report

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/altcontacts/altcontacts/internal/audit"
)

// safeCell defuses spreadsheet formula injection: a cell starting with
// = + - @ or a control character is prefixed with a quote, as OWASP
// recommends, so an attacker-chosen account name cannot run in Excel.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// auditCSV writes one row per finding, and one row for an account without
// findings, so a spreadsheet filter on any column works.
func auditCSV(w io.Writer, r *audit.Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"account_id", "account_name", "ou_path", "management", "state", "status", "account1", "contact_type", "rule", "severity", "message", "hint", "error"})
	for _, a := range r.Accounts {
		errText := ""
		if a.Error != nil {
			errText = *a.Error
		} else if a.Reason != "" {
			errText = a.Reason
		}
		base := []string{a.ID, a.Name, a.OUPath, boolText(a.Management), a.State, a.Status, a.Account1}
		if len(a.Findings) == 0 {
			cw.Write(clean(append(base, "", "", "", "", "", errText)))
			continue
		}
		for _, f := range a.Findings {
			cw.Write(clean(append(append([]string(nil), base...), string(f.Type), f.Rule, f.Severity.String(), f.Message, f.Hint, errText)))
		}
	}
	cw.Flush()
	return cw.Error()
}

func clean(row []string) []string {
	for i := range row {
		row[i] = safeCell(row[i])
	}
	return row
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
