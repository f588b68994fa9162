// Package atomicfile writes files so that a crash leaves either the old
// content or the new, never a mix: a temporary file beside the target,
// fsynced, renamed over it, and the directory fsynced.
package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces path with data.
func Write(path string, data []byte, perm fs.FileMode) error {
	return place(path, data, perm, os.Rename)
}

// Create writes a new file at path, whole or not at all, and never replaces
// one: when path exists the error wraps fs.ErrExist and nothing is written.
// The temporary file is hard-linked into place, which fails rather than
// overwrites if another writer got there first.
func Create(path string, data []byte, perm fs.FileMode) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("write %s: %w", path, fs.ErrExist)
	}
	return place(path, data, perm, os.Link)
}

// place writes data to a fsynced temporary file beside path, moves it into
// place with move (rename replaces, link refuses to), and fsyncs the
// directory so the new entry survives a crash.
func place(path string, data []byte, perm fs.FileMode, move func(tmp, path string) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	// After a rename this finds nothing; after a link it drops the
	// temporary name, leaving the file at path.
	defer os.Remove(tmp)
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = move(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
