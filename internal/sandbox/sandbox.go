// Package sandbox keeps the `--sandbox` world alive between commands: it
// loads an [emulator.Emulator] from a state file (creating it from the
// fintech scenario on first use) and writes it back, atomically, when a
// command changed it. It also makes fresh states (a scenario or a
// generated organization, [InitialState]), applies the knobs a command
// gives ([Knobs]), and serves a sandbox over HTTP and DNS until told to
// stop ([Serve]), for `altcontacts sandbox`.
package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/altcontacts/altcontacts/internal/atomicfile"
	"github.com/altcontacts/altcontacts/internal/emulator"
)

// StatePath is where `--sandbox` keeps its state:
// $ALTCONTACTS_SANDBOX_STATE, else $XDG_STATE_HOME/altcontacts/sandbox.json,
// else ~/.local/state/altcontacts/sandbox.json.
func StatePath(getenv func(string) string) (string, error) {
	if p := getenv("ALTCONTACTS_SANDBOX_STATE"); p != "" {
		return p, nil
	}
	if d := getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "altcontacts", "sandbox.json"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("cannot place the sandbox state: set ALTCONTACTS_SANDBOX_STATE or HOME")
	}
	return filepath.Join(home, ".local", "state", "altcontacts", "sandbox.json"), nil
}

// Session is an emulator bound to a state file.
type Session struct {
	Emulator *emulator.Emulator
	path     string
	loaded   uint64
	unlock   func()

	// The DNS server starts on the first Resolver call: most commands
	// that open a session never look a domain up.
	dnsMu   sync.Mutex
	dnsAddr string
	dnsStop func() error
}

// Resolver returns the HOST:PORT of the sandbox's DNS server (UDP and TCP
// on 127.0.0.1), starting it on first use; Close stops it.
func (s *Session) Resolver() (string, error) {
	s.dnsMu.Lock()
	defer s.dnsMu.Unlock()
	if s.dnsAddr != "" {
		return s.dnsAddr, nil
	}
	addr, stop, err := s.Emulator.ServeDNS("127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("sandbox resolver: %w", err)
	}
	s.dnsAddr, s.dnsStop = addr, stop
	return addr, nil
}

// RDAPBootstrapURL is the sandbox's RDAP bootstrap file on the in-process
// endpoint: an HTTP client with [emulator.Transport] of the session's
// handler (as [emulator.Emulator.Config] builds) reads it, and the domain
// objects it points to, with no network.
func (s *Session) RDAPBootstrapURL() string {
	return emulator.Endpoint + emulator.RDAPBootstrapPath
}

// stopDNS stops the DNS server if Resolver started it.
func (s *Session) stopDNS() error {
	s.dnsMu.Lock()
	defer s.dnsMu.Unlock()
	if s.dnsStop == nil {
		return nil
	}
	err := s.dnsStop()
	s.dnsAddr, s.dnsStop = "", nil
	if err != nil {
		return fmt.Errorf("sandbox resolver: %w", err)
	}
	return nil
}

// Open loads the state at path, or starts from the fintech scenario when
// there is none, and holds a lock on it until Close, so two commands never
// interleave their changes.
func Open(path string, opts ...emulator.Option) (*Session, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sandbox state: %w", err)
	}
	unlock, err := lock(path + ".lock")
	if err != nil {
		return nil, fmt.Errorf("sandbox state: lock %s: %w", path, err)
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		unlock()
		return nil, fmt.Errorf("sandbox state: %w", err)
	default:
		st, perr := emulator.ParseState(b)
		if perr != nil {
			unlock()
			return nil, fmt.Errorf("sandbox state %s: %w (run `altcontacts sandbox reset` to start afresh)", path, perr)
		}
		// The stored state is the start; opts change it, whatever order.
		opts = append([]emulator.Option{emulator.AdoptState(st)}, opts...)
	}
	e, berr := emulator.Build(opts...)
	if berr != nil {
		unlock()
		return nil, fmt.Errorf("sandbox state: %w", berr)
	}
	s := &Session{Emulator: e, path: path, unlock: unlock}
	if errors.Is(err, fs.ErrNotExist) {
		// Persist the first state at once so `sandbox show` and later
		// commands see the same world.
		if err := s.save(); err != nil {
			unlock()
			return nil, err
		}
	}
	s.loaded = e.Version()
	return s, nil
}

// Close stops the resolver, saves the state if it changed and releases
// the lock.
func (s *Session) Close() error {
	defer s.unlock()
	derr := s.stopDNS()
	if s.Emulator.Version() == s.loaded {
		return derr
	}
	return errors.Join(s.save(), derr)
}

// Save writes the state now.
func (s *Session) Save() error {
	if err := s.save(); err != nil {
		return err
	}
	s.loaded = s.Emulator.Version()
	return nil
}

func (s *Session) save() error {
	b, err := s.Emulator.Snapshot()
	if err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	return atomicfile.Write(s.path, append(b, '\n'), 0o600)
}

// Reset replaces the state file with a fresh scenario.
func Reset(path string, st *emulator.State) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	unlock, err := lock(path + ".lock")
	if err != nil {
		return fmt.Errorf("sandbox state: lock %s: %w", path, err)
	}
	defer unlock()
	e, err := emulator.Build(emulator.WithState(st))
	if err != nil {
		return err
	}
	b, err := e.Snapshot()
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'), 0o600)
}
