// Package evidence writes an audit's evidence bundle (schema
// altcontacts/evidence/v1): the report as JSON, HTML and CSV, the files
// an auditor asked to include (a plan, a journal), and manifest.json last,
// with each file's SHA-256, so a reader can check that nothing was
// changed after the run.
package evidence

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

// Schema names the manifest's format.
const Schema = "altcontacts/evidence/v1"

// Manifest describes a bundle.
type Manifest struct {
	Schema       string              `json:"schema"`
	GeneratedAt  time.Time           `json:"generated_at"`
	ToolVersion  string              `json:"tool_version"`
	Caller       awsorg.Identity     `json:"caller"`
	Organization *audit.Organization `json:"organization"`
	Summary      audit.Summary       `json:"summary"`
	Files        []File              `json:"files"`
}

// File is one file of the bundle.
type File struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
	// Source is where an included file came from.
	Source string `json:"source,omitempty"`
}

// Include is a file to copy into the bundle, read before the audit runs so
// a missing one is an input error with nothing called.
type Include struct {
	Source string
	Data   []byte
}

// IncludeError is a file to include that could not be read.
type IncludeError struct{ Err error }

func (e *IncludeError) Error() string { return e.Err.Error() }
func (e *IncludeError) Unwrap() error { return e.Err }

// ReadIncludes reads the files to include with readFile (os.ReadFile, or
// the command's own, which knows its working directory).
func ReadIncludes(paths []string, readFile func(string) ([]byte, error)) ([]Include, error) {
	out := make([]Include, 0, len(paths))
	for _, p := range paths {
		data, err := readFile(p)
		if err != nil {
			return nil, &IncludeError{err}
		}
		out = append(out, Include{Source: p, Data: data})
	}
	return out, nil
}

// Write writes the bundle into dir: audit.json, audit.html and audit.csv
// (each a format this build renders), the included files under included/,
// and manifest.json last, so a bundle with a manifest is complete.
func Write(dir string, rep *audit.Report, includes []Include) (*Manifest, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	m := &Manifest{Schema: Schema, GeneratedAt: rep.GeneratedAt, ToolVersion: rep.ToolVersion,
		Caller: rep.Caller, Organization: rep.Organization, Summary: rep.Summary, Files: []File{}}
	put := func(name, source string, data []byte) error {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		if err := atomicfile.Write(path, data, 0o600); err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		m.Files = append(m.Files, File{Name: name, SHA256: hex.EncodeToString(sum[:]), Bytes: len(data), Source: source})
		return nil
	}
	for _, format := range []string{"json", "html", "csv"} {
		var b bytes.Buffer
		if err := report.Audit(&b, format, rep, report.Style{}); err != nil {
			continue // a format this build does not render
		}
		if err := put("audit."+format, "", b.Bytes()); err != nil {
			return nil, err
		}
	}
	for _, in := range includes {
		if err := put("included/"+filepath.Base(in.Source), in.Source, in.Data); err != nil {
			return nil, err
		}
	}
	b, err := report.MarshalIndent(m)
	if err != nil {
		return nil, fmt.Errorf("evidence manifest: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(dir, "manifest.json"), append(b, '\n'), 0o600); err != nil {
		return nil, err
	}
	return m, nil
}
