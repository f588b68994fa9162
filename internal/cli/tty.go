package cli

import (
	"os"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal. A character device is not
// enough (/dev/null is one); the terminal's own ioctl decides. Tests pass
// buffers, which are never terminals.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
