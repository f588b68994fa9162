package sandbox_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/sandbox"
)

func TestStatePath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"ALTCONTACTS_SANDBOX_STATE": "/x/s.json", "HOME": "/h"}, "/x/s.json"},
		{map[string]string{"XDG_STATE_HOME": "/xdg", "HOME": "/h"}, "/xdg/altcontacts/sandbox.json"},
		{map[string]string{"HOME": "/h"}, "/h/.local/state/altcontacts/sandbox.json"},
	} {
		if got, err := sandbox.StatePath(env(tc.env)); err != nil || got != tc.want {
			t.Errorf("%v: %q, %v", tc.env, got, err)
		}
	}
	if _, err := sandbox.StatePath(env(nil)); err == nil {
		t.Error("no HOME: want an error")
	}
}

// First use creates the state from fintech; a change persists to the next
// session; an unchanged session does not rewrite the file.
func TestOpenPersistsChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "s.json")
	s, err := sandbox.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("first use did not write the state: %v", err)
	}
	s.Emulator.Update(func(st *emulator.State) { st.Accounts[0].Name = "renamed" })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v", info.Mode())
	}

	s, err = sandbox.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Emulator.State().Accounts[0].Name; got != "renamed" {
		t.Errorf("change not persisted: %q", got)
	}
	before, _ := os.ReadFile(path)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("an unchanged session rewrote the state")
	}

	st, _ := emulator.Builtin("standalone")
	if err := sandbox.Reset(path, st); err != nil {
		t.Fatal(err)
	}
	s, err = sandbox.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Emulator.State().Organization != nil {
		t.Error("reset did not take")
	}
}

func TestCorruptStateIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, err := sandbox.Open(path); err == nil {
		t.Fatal("corrupt state accepted")
	}
}
