// Package workdir resolves the paths a user writes against a command's
// working directory, which need not be the process's: the scripts run
// altcontacts in the test process, each in a directory of its own (see
// cli.Invocation). Messages keep naming a file as the user wrote it.
package workdir

import (
	"errors"
	"io/fs"
	"path/filepath"
)

// Join is name, a path as the user wrote it, in dir: name itself when it
// is absolute or dir is "" (the process's working directory).
func Join(dir, name string) string {
	if dir == "" || name == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, name)
}

// AsWritten names the file in err as the user wrote it again: a path
// error about Join(dir, name), or about a file under it, names it
// relative to dir when name was relative. It returns err.
func AsWritten(err error, dir, name string) error {
	var pe *fs.PathError
	if dir == "" || filepath.IsAbs(name) || !errors.As(err, &pe) {
		return err
	}
	if rel, relErr := filepath.Rel(dir, pe.Path); relErr == nil && filepath.IsLocal(rel) {
		pe.Path = rel
	}
	return err
}
