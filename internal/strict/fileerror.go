package strict

import (
	"fmt"
	"slices"
	"strings"
)

// FileError is one problem in an input file — a policy, a plan file, or a
// reference the organization does not have — located precisely enough for
// an editor to jump to it.
type FileError struct {
	File   string
	Line   int // 1-based; 0 when unknown
	Column int // 1-based; 0 when unknown
	// Path is the dotted path of the offending field, e.g.
	// "overrides[0].contacts.SECURITY.email" (list indexes are 0-based).
	Path    string
	Message string
}

// Error returns "file:line:column: path: message" on one line, leaving out
// what is unknown (a policy built in code has no lines).
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return oneLine.Replace(b.String())
}

// FileErrors is returned when a file has more than one problem, so a user
// can fix them all in one pass. Error gives one *FileError per line.
type FileErrors []*FileError

// Error returns one error per line.
func (es FileErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find the individual *FileError values.
func (es FileErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Join returns nil for no errors, the *FileError itself for one, and
// FileErrors in file order for several.
func Join(es []*FileError) error {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	Sort(es)
	return FileErrors(es)
}

// Sort puts errors in file order (stable for equal positions).
func Sort(es []*FileError) {
	slices.SortStableFunc(es, func(a, b *FileError) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
}

// oneLine keeps each error on its own line whatever the input holds, since
// callers print one error per line.
var oneLine = strings.NewReplacer("\n", `\n`, "\r", `\r`)
