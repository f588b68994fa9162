package report

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/altcontacts/altcontacts/internal/journal"
)

// RunList is what `journal list -o json` prints.
type RunList struct {
	Schema  string        `json:"schema"`
	Journal string        `json:"journal"`
	Runs    []journal.Run `json:"runs"`
}

// RunListSchema is the run list's schema id.
const RunListSchema = "altcontacts/journal-list/v1"

// Runs writes the runs of a journal, oldest first.
func Runs(w io.Writer, format string, l *RunList) error {
	switch format {
	case "json":
		return writeJSON(w, l)
	case "table":
	default:
		return badFormat(format, ChangeFormats)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STARTED\tMODE\tCALLER\tINTENTS\tVERIFIED\tAPPLIED\tFAILED\tUNFINISHED\tRUN")
	for _, r := range l.Runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", r.Info.Started.UTC().Format(time.RFC3339), dash(r.Info.Mode), dash(r.Info.Caller),
			r.Intents, r.Verified, r.Applied, r.Failed, r.Unfinished(), r.Location)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d run(s) in %s\n", len(l.Runs), l.Journal)
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
