package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// /dev/null is a character device, not a terminal: output redirected to
// it must not get colours, a progress bar or a confirmation prompt.
func TestDevNullIsNotATerminal(t *testing.T) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no %s: %v", os.DevNull, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is not a character device here (%v): the test proves nothing", os.DevNull, err)
	}
	if isTerminal(f) {
		t.Errorf("isTerminal(%s) = true", os.DevNull)
	}
	reg, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if isTerminal(reg) || isTerminal(&bytes.Buffer{}) {
		t.Error("a file or a buffer is a terminal")
	}
}
