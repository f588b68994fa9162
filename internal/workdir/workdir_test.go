package workdir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestJoin(t *testing.T) {
	for _, tc := range []struct{ dir, name, want string }{
		{"", "plan.json", "plan.json"},
		{"/w", "plan.json", "/w/plan.json"},
		{"/w", "out/plan.json", "/w/out/plan.json"},
		{"/w", "/etc/plan.json", "/etc/plan.json"},
		{"/w", "", ""},
	} {
		if got := Join(tc.dir, tc.name); got != tc.want {
			t.Errorf("Join(%q, %q) = %q, want %q", tc.dir, tc.name, got, tc.want)
		}
	}
}

func TestAsWritten(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, want string }{
		{"absent.yaml", "absent.yaml"},
		{"sub/absent.yaml", filepath.Join("sub", "absent.yaml")},
		{filepath.Join(dir, "absent.yaml"), filepath.Join(dir, "absent.yaml")}, // written absolute: kept
	} {
		_, err := os.ReadFile(Join(dir, tc.name))
		err = AsWritten(err, dir, tc.name)
		var pe *fs.PathError
		if !errors.As(err, &pe) || pe.Path != tc.want {
			t.Errorf("AsWritten(%q) = %v, want a path error naming %q", tc.name, err, tc.want)
		}
	}
	// A file under a directory the user named keeps its place under it.
	_, err := os.ReadFile(filepath.Join(Join(dir, "bundle"), "audit.json"))
	if err = AsWritten(err, dir, "bundle"); err.(*fs.PathError).Path != filepath.Join("bundle", "audit.json") {
		t.Errorf("a file under a relative directory: %v", err)
	}
	// Without a directory nothing changes.
	_, err = os.ReadFile("absent-here.yaml")
	if err = AsWritten(err, "", "absent-here.yaml"); err.(*fs.PathError).Path != "absent-here.yaml" {
		t.Errorf("no directory: %v", err)
	}
}
