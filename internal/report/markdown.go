package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/altcontacts/altcontacts/internal/audit"
)

// mdCell escapes a value for a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// auditMarkdown suits a pull-request comment or a wiki page.
func auditMarkdown(w io.Writer, r *audit.Report) error {
	fmt.Fprintf(w, "# altcontacts audit\n\n")
	if r.Organization != nil {
		fmt.Fprintf(w, "Organization `%s`, management account `%s`, audited by `%s` at %s.\n\n",
			r.Organization.ID, r.Organization.ManagementAccountID, r.Caller.ARN, r.GeneratedAt.Format("2006-01-02 15:04 MST"))
	} else {
		fmt.Fprintf(w, "Standalone account `%s`, audited by `%s` at %s.\n\n", r.Caller.Account, r.Caller.ARN, r.GeneratedAt.Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintf(w, "**%s.** Findings: %s.\n\n", SummaryLine(r), severityCounts(r))
	fmt.Fprintf(w, "| Status | Account | Name | OU | Account.1 | Findings |\n|---|---|---|---|---|---|\n")
	for _, a := range grouped(r) {
		var cells []string
		for _, f := range a.Findings {
			cells = append(cells, fmt.Sprintf("**%s** `%s` %s: %s", strings.ToUpper(f.Severity.String()), f.Rule, f.Type, f.Message))
		}
		if a.Error != nil {
			cells = append(cells, "error: "+*a.Error)
		}
		if a.Reason != "" {
			cells = append(cells, a.Reason)
		}
		name := a.Name
		if a.Management {
			name += " (management)"
		}
		fmt.Fprintf(w, "| %s | `%s` | %s | %s | %s | %s |\n", a.Status, a.ID, mdCell(name), mdCell(ouOrDash(a.OUPath)), a.Account1, mdCell(strings.Join(cells, "<br>")))
	}
	return nil
}
