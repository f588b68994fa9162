package cli

import (
	"sync"

	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/sandbox"
)

// sandboxResolver starts the sandbox's DNS server on loopback on first use.
// (Stand-in until sandbox.Session.Resolver lands.)
func sandboxResolver(s *sandbox.Session) (func() (string, error), func() error) {
	var once sync.Once
	var addr string
	var err error
	var stop func() error
	return func() (string, error) {
			once.Do(func() { addr, stop, err = s.Emulator.ServeDNS("127.0.0.1:0") })
			return addr, err
		}, func() error {
			if stop != nil {
				return stop()
			}
			return nil
		}
}

func sandboxRDAPURL(*sandbox.Session) string { return emulator.Endpoint + emulator.RDAPBootstrapPath }
