package cli

import (
	"fmt"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/evidence"
)

// writeEvidence writes the bundle --evidence asks for (internal/evidence)
// and says where.
func writeEvidence(o *auditOptions, rep *audit.Report) error {
	includes, err := evidence.ReadIncludes(o.include, o.e.readFile)
	if err != nil {
		return usageErr("--evidence-include: %v", err)
	}
	m, err := evidence.Write(o.e.path(o.evidence), rep, includes)
	if err != nil {
		return withHints(fmt.Errorf("--evidence: %w", o.e.asWritten(err, o.evidence)), ExitIncomplete)
	}
	fmt.Fprintf(o.e.stderr, "altcontacts: evidence written to %s (%d files and manifest.json)\n", o.evidence, len(m.Files))
	return nil
}
