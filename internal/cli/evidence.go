package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/altcontacts/altcontacts/internal/atomicfile"
	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/report"
)

// manifest describes an evidence bundle, so an auditor can check that no
// file was changed after the run.
type manifest struct {
	Schema       string              `json:"schema"`
	GeneratedAt  time.Time           `json:"generated_at"`
	ToolVersion  string              `json:"tool_version"`
	Caller       awsorg.Identity     `json:"caller"`
	Organization *audit.Organization `json:"organization"`
	Summary      audit.Summary       `json:"summary"`
	Files        []manifestFile      `json:"files"`
}

type manifestFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
	// Source is where an included file came from.
	Source string `json:"source,omitempty"`
}

// writeEvidence writes the bundle: audit.json, audit.html (when that
// format is available), the included files, and manifest.json last.
func writeEvidence(o *auditOptions, rep *audit.Report) error {
	e := o.e
	if err := os.MkdirAll(o.evidence, 0o700); err != nil {
		return usageErr("--evidence: %v", err)
	}
	m := manifest{Schema: "altcontacts/evidence/v1", GeneratedAt: rep.GeneratedAt, ToolVersion: rep.ToolVersion,
		Caller: rep.Caller, Organization: rep.Organization, Summary: rep.Summary}
	put := func(name, source string, data []byte) error {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(o.evidence, name)), 0o700); err != nil {
			return withHints(err, ExitIncomplete)
		}
		if err := atomicfile.Write(filepath.Join(o.evidence, name), data, 0o600); err != nil {
			return withHints(err, ExitIncomplete)
		}
		sum := sha256.Sum256(data)
		m.Files = append(m.Files, manifestFile{Name: name, SHA256: hex.EncodeToString(sum[:]), Bytes: len(data), Source: source})
		return nil
	}
	for _, format := range []string{"json", "html", "csv"} {
		var b bytes.Buffer
		if err := report.Audit(&b, format, rep, report.Style{}); err != nil {
			continue // a format this build does not render
		}
		if err := put("audit."+format, "", b.Bytes()); err != nil {
			return err
		}
	}
	for _, src := range o.include {
		data, err := os.ReadFile(src)
		if err != nil {
			return usageErr("--evidence-include: %v", err)
		}
		if err := put("included/"+filepath.Base(src), src, data); err != nil {
			return err
		}
	}
	b, _ := report.MarshalIndent(&m)
	if err := atomicfile.Write(filepath.Join(o.evidence, "manifest.json"), append(b, '\n'), 0o600); err != nil {
		return withHints(err, ExitIncomplete)
	}
	fmt.Fprintf(e.stderr, "altcontacts: evidence written to %s (%d files and manifest.json)\n", o.evidence, len(m.Files))
	return nil
}
