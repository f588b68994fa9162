package report

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/altcontacts/altcontacts/internal/doctor"
	"github.com/altcontacts/altcontacts/internal/verify"
)

// VerifyFormats are the formats of verify.
var VerifyFormats = []string{"table", "json", "html"}

var verifyOrder = map[string]int{verify.Failed: 0, verify.Unknown: 1, verify.Pending: 2, verify.Passed: 3, verify.NotApplicable: 4, verify.Skipped: 5}

// Verify writes a verify report: what needs action first.
func Verify(w io.Writer, format string, r *verify.Report, st Style) error {
	switch format {
	case "json":
		return writeJSON(w, r)
	case "html":
		return verifyHTML(w, r, st)
	case "table":
	default:
		return badFormat(format, VerifyFormats)
	}
	accts := append([]verify.Account(nil), r.Accounts...)
	sort.SliceStable(accts, func(i, j int) bool { return verifyOrder[accts[i].Status] < verifyOrder[accts[j].Status] })
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tACCOUNT\tNAME\tCONTACT\tDETAIL")
	for _, a := range accts {
		color := ansiGreen
		switch a.Status {
		case verify.Failed:
			color = ansiRed
		case verify.Unknown, verify.Pending:
			color = ansiYellow
		case verify.Skipped, verify.NotApplicable:
			color = ansiDim
		}
		email := "-"
		if a.Contact != nil {
			email = a.Contact.Email
		}
		detail := a.Reason
		switch {
		case a.Status == verify.Passed && a.Finding != nil && a.Finding.Rule != "" && detail == "":
			// The aggregate read has no evaluation time; it is read only
			// where a verdict needs it.
			detail = "AWS Config rule " + a.Finding.Rule + " COMPLIANT"
			if !a.Finding.EvaluatedAt.IsZero() {
				detail += " at " + a.Finding.EvaluatedAt.UTC().Format("2006-01-02 15:04:05Z")
			}
		case a.Status == verify.Passed && a.Finding != nil && a.Finding.Rule == "":
			detail = "Account.1 PASSED at " + a.Finding.EvaluatedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		name := a.Name
		if a.Management {
			name += " (management)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", paint(st, color, fmt.Sprintf("%-7s", a.Status)), a.ID, name, email, detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s\n", verifySummary(r.Summary))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "Account.1 read from: %s; partition %s\n", hubSource(r), r.Caller.Partition)
	return err
}

// hubSource names where verify read Account.1 from.
func hubSource(r *verify.Report) string {
	if c := r.Config; c != nil {
		if c.Aggregator == "" {
			return "AWS Config (this account's own rule) in " + c.Region
		}
		return "AWS Config (aggregator " + c.Aggregator + ") in " + c.Region
	}
	switch r.SecurityHub {
	case verify.CSPM:
		return "Security Hub CSPM (GetFindings) in " + r.Hub.Region
	case verify.V2:
		return "the new Security Hub (GetFindingsV2) in " + r.Hub.Region
	}
	return "no source (no Security Hub, no AWS Config rule)"
}

// Doctor writes the pre-flight checks, each failure with its fix.
func Doctor(w io.Writer, format string, r *doctor.Report, st Style) error {
	switch format {
	case "json":
		return writeJSON(w, r)
	case "table":
	default:
		return badFormat(format, ChangeFormats)
	}
	for _, c := range r.Checks {
		color := ansiGreen
		switch c.Status {
		case doctor.Fail:
			color = ansiRed
		case doctor.Skip:
			color = ansiDim
		}
		fmt.Fprintf(w, "%s  %-17s %s\n", paint(st, color, fmt.Sprintf("%-4s", c.Status)), c.ID, c.Detail)
		if c.Fix != "" {
			fmt.Fprintf(w, "      %-17s fix: %s\n", "", c.Fix)
		}
	}
	return nil
}

// verifySummary is the one sentence that counts a verify report, in the
// table and the HTML page alike.
func verifySummary(s map[string]int) string {
	out := fmt.Sprintf("%d passed, %d pending AWS's next evaluation, %d failed, %d unknown, %d skipped",
		s[verify.Passed], s[verify.Pending], s[verify.Failed], s[verify.Unknown], s[verify.Skipped])
	if s[verify.NotApplicable] > 0 {
		out += fmt.Sprintf(", %d not applicable", s[verify.NotApplicable])
	}
	return out
}
