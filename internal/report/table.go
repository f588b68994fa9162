package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/contact"
)

const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiGreen  = "\x1b[32m"
	ansiDim    = "\x1b[2m"
	ansiBold   = "\x1b[1m"
)

func paint(st Style, color, s string) string {
	if !st.Color {
		return s
	}
	return color + s + ansiReset
}

func statusColor(s string) string {
	switch s {
	case audit.StatusFail:
		return ansiRed
	case audit.StatusUnknown:
		return ansiYellow
	case audit.StatusPass:
		return ansiGreen
	}
	return ansiDim
}

func severityColor(s contact.Severity) string {
	switch {
	case s >= contact.High:
		return ansiRed + ansiBold
	case s == contact.Medium:
		return ansiYellow
	}
	return ansiDim
}

// auditTable is for people at a terminal: one row per account grouped by
// status (what needs attention first), then every finding with its severity
// first, most urgent first, then the summary.
func auditTable(w io.Writer, r *audit.Report, st Style) error {
	// tabwriter counts escape codes as width, so painted cells are padded
	// to a fixed width before painting.
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tACCOUNT\tNAME\tOU\tACCOUNT.1\tDETAIL")
	for _, a := range grouped(r) {
		detail := ""
		switch {
		case a.Error != nil:
			detail = *a.Error
		case a.Reason != "":
			detail = a.Reason
		case len(a.Findings) == 0 && a.Account1 == audit.Account1NotEvaluated:
			detail = "ok for the types read; Account.1 not evaluated (SECURITY not read)"
		case len(a.Findings) == 0:
			detail = "ok"
		default:
			var rules []string
			seen := map[string]bool{}
			for _, f := range a.Findings {
				if !seen[f.Rule] {
					seen[f.Rule] = true
					rules = append(rules, f.Rule)
				}
			}
			detail = strings.Join(rules, ", ")
		}
		name := a.Name
		if a.Management {
			name += " (management)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n",
			paint(st, statusColor(a.Status), fmt.Sprintf("%-7s", a.Status)), a.ID, name, ouOrDash(a.OUPath), a.Account1, detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	type row struct {
		a audit.Account
		f contact.Finding
	}
	var rows []row
	for _, a := range r.Accounts {
		for _, f := range a.Findings {
			rows = append(rows, row{a, f})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].f.Severity > rows[j].f.Severity })
	if len(rows) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tRULE\tACCOUNT\tTYPE\tFINDING")
		for _, x := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n",
				paint(st, severityColor(x.f.Severity), fmt.Sprintf("%-8s", strings.ToUpper(x.f.Severity.String()))),
				x.f.Rule, x.a.ID, x.f.Type, x.f.Message)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, paint(st, ansiBold, SummaryLine(r)))
	fmt.Fprintf(w, "findings: %s", severityCounts(r))
	if rc := ruleCounts(r); rc != "" {
		fmt.Fprintf(w, " (%s)", rc)
	}
	_, err := fmt.Fprintln(w)
	return err
}
