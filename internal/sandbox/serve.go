package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/workdir"
)

// Origin is where a fresh sandbox state comes from: a generated
// organization, a built-in scenario or a scenario file.
type Origin struct {
	// Generate, when set, generates an organization; Scenario is then
	// ignored.
	Generate *emulator.Generation
	// Scenario is a built-in scenario's name or a scenario file's path;
	// empty is the fintech scenario.
	Scenario string
	// Dir is the directory a relative Scenario path is in; "" is the
	// process's working directory. Messages name the file as Scenario
	// does.
	Dir string
}

// OriginError is an origin the user gave that cannot start a sandbox: a
// scenario neither built in nor readable, a scenario file that does not
// parse, or a generation that cannot be made. It is input, not a fault.
type OriginError struct {
	// Scenario is the scenario's name or path; empty for a generation.
	Scenario string
	// Unreadable is true when Scenario is neither built in nor a
	// readable file.
	Unreadable bool
	Err        error
}

func (e *OriginError) Error() string {
	if e.Unreadable {
		return fmt.Sprintf("scenario %q: not built in and not readable: %v", e.Scenario, e.Err)
	}
	return e.Err.Error()
}

func (e *OriginError) Unwrap() error { return e.Err }

// InitialState makes the state an origin names, and says which it is in
// words ("the fintech scenario").
func InitialState(o Origin) (*emulator.State, string, error) {
	if g := o.Generate; g != nil {
		st, err := g.State()
		if err != nil {
			return nil, "", &OriginError{Err: err}
		}
		return st, fmt.Sprintf("a generated organization (seed %d)", g.Seed), nil
	}
	name := o.Scenario
	if name == "" {
		name = "fintech"
	}
	if slices.Contains(emulator.Builtins(), name) {
		// A built-in scenario that fails to load is a bug, not input.
		st, err := emulator.Builtin(name)
		return st, "the " + name + " scenario", err
	}
	data, err := os.ReadFile(workdir.Join(o.Dir, name))
	if err != nil {
		return nil, "", &OriginError{Scenario: name, Unreadable: true, Err: workdir.AsWritten(err, o.Dir, name)}
	}
	st, err := emulator.LoadScenario(name, data)
	if err != nil {
		return nil, "", &OriginError{Scenario: name, Err: err}
	}
	return st, "scenario file " + name, nil
}

// Knobs are the settings a command changes on a sandbox state. A nil
// field leaves the state's own value: only what the user said changes an
// existing state.
type Knobs struct {
	SecurityHub *string
	Partition   *string
	// Config switches AWS Config (the rule behind Account.1) on or off.
	Config             *bool
	Latency            *time.Duration
	DNSLatency         *time.Duration
	QuotaScale         *float64
	NoThrottle         *bool
	EvaluationInterval *time.Duration
}

// Apply sets the knobs that are set on st.
func (k Knobs) Apply(st *emulator.State) error {
	if k.SecurityHub != nil {
		if err := st.SetSecurityHub(*k.SecurityHub); err != nil {
			return err
		}
	}
	if k.Partition != nil {
		if err := st.SetPartition(*k.Partition); err != nil {
			return err
		}
	}
	if k.Config != nil {
		st.SetConfig(*k.Config)
	}
	set := &st.Settings
	if k.Latency != nil {
		set.Latency = emulator.Duration(*k.Latency)
	}
	if k.DNSLatency != nil {
		set.DNSLatency = emulator.Duration(*k.DNSLatency)
	}
	if k.QuotaScale != nil {
		set.QuotaScale = *k.QuotaScale
	}
	if k.NoThrottle != nil {
		set.NoThrottle = *k.NoThrottle
	}
	if k.EvaluationInterval != nil {
		set.EvaluationInterval = emulator.Duration(*k.EvaluationInterval)
	}
	return nil
}

// ListenError is an address the server could not bind: HTTP on Addr, or
// DNS on Addr's host.
type ListenError struct {
	// DNS is true for the resolver's socket, false for HTTP's.
	DNS  bool
	Addr string
	Err  error
}

func (e *ListenError) Error() string {
	if e.DNS {
		return fmt.Sprintf("serve dns on %s: %v", e.Addr, e.Err)
	}
	return fmt.Sprintf("listen on %s: %v", e.Addr, e.Err)
}

func (e *ListenError) Unwrap() error { return e.Err }

// ServeConfig says what [Serve] serves, where, and whom it tells.
type ServeConfig struct {
	// Addr is the HTTP listen address; the resolver binds its host on a
	// port of its own.
	Addr string
	// StatePath, when set, binds the server to a state file: it is
	// locked while serving, written while it changes and on shutdown.
	StatePath string
	// Origin, when set, starts the state afresh (replacing StatePath's);
	// nil loads StatePath, or is fintech when there is no StatePath.
	Origin *Origin
	// Knobs change the state before it is served, loaded or fresh.
	Knobs Knobs
	// Ready is called once both sockets are bound, before the first
	// request is answered.
	Ready func(Listening)
	// Tick paces the writes of a changed state to StatePath, so a killed
	// server loses little; nil is every second. Tests send on it.
	Tick <-chan time.Time
	// Saved, when set, sees the outcome of each write while serving;
	// Serve goes on after a failed one.
	Saved func(error)
}

// Listening is what a client needs to reach a serving sandbox.
type Listening struct {
	// URL is the HTTP endpoint (AWS_ENDPOINT_URL).
	URL string
	// Resolver is the DNS server's HOST:PORT (ALTCONTACTS_RESOLVER).
	Resolver string
	// Loopback is false when the server is reachable beyond this
	// machine; it has no authentication.
	Loopback bool
	// Description says where the state came from ("state PATH", "the
	// fintech scenario").
	Description string
	// State is the state as served at the start, knobs applied.
	State *emulator.State
}

// Serve serves the emulator's HTTP APIs and its DNS resolver until ctx
// ends, then shuts down and writes the state; an ended ctx is how serving
// is meant to stop, and returns nil.
func Serve(ctx context.Context, c ServeConfig) (err error) {
	em, sess, desc, err := c.open()
	if err != nil {
		return err
	}
	if sess != nil {
		defer func() { err = errors.Join(err, sess.Close()) }()
	}
	var kerr error
	em.Update(func(s *emulator.State) { kerr = c.Knobs.Apply(s) })
	if kerr != nil {
		return kerr
	}

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return &ListenError{Addr: c.Addr, Err: err}
	}
	host, _, _ := net.SplitHostPort(ln.Addr().String())
	resolver, stopDNS, err := em.ServeDNS(net.JoinHostPort(host, "0"))
	if err != nil {
		ln.Close()
		return &ListenError{DNS: true, Addr: host, Err: err}
	}
	defer stopDNS()
	url := "http://" + ln.Addr().String()
	if c.Ready != nil {
		ip := net.ParseIP(host)
		c.Ready(Listening{URL: url, Resolver: resolver, Loopback: ip != nil && ip.IsLoopback(), Description: desc, State: em.State()})
	}

	srv := &http.Server{Handler: em.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	tick := c.Tick
	if tick == nil {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		tick = t.C
	}
	last := em.Version()
	for {
		select {
		case err := <-errc:
			return err
		case <-tick:
			if sess == nil || em.Version() == last {
				continue
			}
			last = em.Version()
			serr := sess.Save()
			if c.Saved != nil {
				c.Saved(serr)
			}
		case <-ctx.Done():
			// Shutdown waits for requests in flight, not for the clock;
			// the timeout only bounds a client that never finishes.
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		}
	}
}

// open makes the emulator to serve, and the session binding it to
// StatePath if there is one.
func (c ServeConfig) open() (*emulator.Emulator, *Session, string, error) {
	if c.Origin == nil && c.StatePath != "" {
		s, err := Open(c.StatePath)
		if err != nil {
			return nil, nil, "", err
		}
		return s.Emulator, s, "state " + c.StatePath, nil
	}
	origin := Origin{}
	if c.Origin != nil {
		origin = *c.Origin
	}
	st, desc, err := InitialState(origin)
	if err != nil {
		return nil, nil, "", err
	}
	if c.StatePath == "" {
		em, err := emulator.Build(emulator.WithState(st))
		return em, nil, desc, err
	}
	if err := Reset(c.StatePath, st); err != nil {
		return nil, nil, "", err
	}
	s, err := Open(c.StatePath)
	if err != nil {
		return nil, nil, "", err
	}
	return s.Emulator, s, desc, nil
}
