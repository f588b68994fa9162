package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/plan"
)

// ChangeFormats are the formats of plan, apply and rollback.
var ChangeFormats = []string{"table", "json"}

// brief shows a contact without its full phone number.
func brief(d *contact.Details) string {
	if d == nil {
		return "(unset)"
	}
	return fmt.Sprintf("%s, %s <%s> %s", d.Name, d.Title, d.Email, contact.MaskPhone(d.Phone))
}

func fieldValue(d *contact.Details, f string) string {
	if d == nil {
		return ""
	}
	switch f {
	case "name":
		return d.Name
	case "title":
		return d.Title
	case "email":
		return d.Email
	case "phone":
		return contact.MaskPhone(d.Phone)
	}
	return ""
}

var actionOrder = map[string]int{plan.Create: 0, plan.Update: 1, plan.Skip: 2, plan.Noop: 3}

// Plan writes a plan: the writes first, each with what changes.
func Plan(w io.Writer, format string, pl *plan.Plan, st Style) error {
	switch format {
	case "json":
		return writeJSON(w, pl)
	case "table":
	default:
		return badFormat(format, ChangeFormats)
	}
	chs := append([]plan.Change(nil), pl.Changes...)
	sort.SliceStable(chs, func(i, j int) bool { return actionOrder[chs[i].Action] < actionOrder[chs[j].Action] })
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTION\tACCOUNT\tNAME\tTYPE\tCHANGE")
	for _, c := range chs {
		if c.Action == plan.Noop {
			continue
		}
		detail := c.Reason
		switch c.Action {
		case plan.Create:
			detail = "+ " + brief(c.After)
		case plan.Update:
			var parts []string
			for _, f := range c.Fields {
				parts = append(parts, fmt.Sprintf("%s: %q → %q", f, fieldValue(c.Before, f), fieldValue(c.After, f)))
			}
			detail = strings.Join(parts, "; ")
		}
		name := c.AccountName
		if c.Management {
			name += " (management)"
		}
		typ := string(c.Type)
		if typ == "" {
			typ = "-"
		}
		color := ansiGreen
		switch c.Action {
		case plan.Update:
			color = ansiYellow
		case plan.Skip:
			color = ansiDim
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", paint(st, color, fmt.Sprintf("%-6s", c.Action)), c.AccountID, name, typ, detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	s := pl.Summary
	_, err := fmt.Fprintf(w, "\nPlan: %d to create, %d to update, %d unchanged, %d skipped (%d unknown).\n", s.Create, s.Update, s.Noop, s.Skip, s.Unknown)
	return err
}

var resultOrder = map[string]int{apply.Failed: 0, apply.Conflict: 1, apply.Interrupted: 2, apply.Skipped: 3, apply.Applied: 4, apply.Verified: 5, apply.Unchanged: 6}

// Changes writes an apply or rollback report.
func Changes(w io.Writer, format, verb string, r *apply.Report, st Style) error {
	switch format {
	case "json":
		return writeJSON(w, r)
	case "table":
	default:
		return badFormat(format, ChangeFormats)
	}
	ocs := append([]apply.Outcome(nil), r.Outcomes...)
	sort.SliceStable(ocs, func(i, j int) bool { return resultOrder[ocs[i].Result] < resultOrder[ocs[j].Result] })
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RESULT\tACCOUNT\tTYPE\tDETAIL")
	for _, o := range ocs {
		detail := o.Error
		if detail == "" {
			detail = brief(o.After)
		}
		color := ansiGreen
		switch o.Result {
		case apply.Failed, apply.Conflict:
			color = ansiRed
		case apply.Interrupted, apply.Skipped, apply.Applied:
			color = ansiYellow
		case apply.Unchanged:
			color = ansiDim
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", paint(st, color, fmt.Sprintf("%-11s", o.Result)), o.AccountID, o.Type, detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var parts []string
	for _, k := range []string{apply.Verified, apply.Applied, apply.Unchanged, apply.Conflict, apply.Failed, apply.Skipped, apply.Interrupted} {
		if n := r.Summary[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	if len(parts) == 0 {
		parts = []string{"nothing to do"}
	}
	_, err := fmt.Fprintf(w, "\n%s: %s; journal %s\n", verb, strings.Join(parts, ", "), r.Journal)
	return err
}
