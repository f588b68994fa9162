package report

import (
	"fmt"
	"io"

	"github.com/altcontacts/altcontacts/internal/buildinfo"
)

// VersionFormats are the formats of version: the one-line table form and
// the JSON document (docs/schema/version-v1.json).
var VersionFormats = []string{"table", "json"}

// Version writes the running build.
func Version(w io.Writer, format string, in buildinfo.Info) error {
	switch format {
	case "json":
		return writeJSON(w, in)
	case "table":
		_, err := fmt.Fprintln(w, in.String())
		return err
	}
	return badFormat(format, VersionFormats)
}
