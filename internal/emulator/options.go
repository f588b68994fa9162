package emulator

// The options of [Build] and [New]: each records what it sets in a
// setup, and Build applies them, so their order never matters.

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Option configures an [Emulator]. Options apply in any order: the
// starting state ([WithState] or [WithScenario], at most one) is chosen
// first, then every other option changes it, so a [WithFault] given
// before [WithState] is kept. An option that cannot apply returns an
// error, which [Build] returns.
type Option func(*setup) error

// setup is what the options collect before [Build] makes the emulator.
type setup struct {
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
	// start is the starting state and from names the option that chose it.
	start *State
	from  string
	// changes apply to the starting state, in the order given.
	changes []func(*State)
}

// choose sets the starting state once.
func (s *setup) choose(st *State, from string) error {
	if s.start != nil {
		return fmt.Errorf("emulator: %s and %s both choose the starting state; give one", s.from, from)
	}
	s.start, s.from = st, from
	return nil
}

func (s *setup) change(f func(*State)) error {
	s.changes = append(s.changes, f)
	return nil
}

// WithClock replaces the wall clock, for deterministic timestamps, quotas
// and Security Hub evaluations.
func WithClock(now func() time.Time) Option {
	return func(s *setup) error {
		if now == nil {
			return errors.New("emulator: WithClock(nil)")
		}
		s.now = now
		return nil
	}
}

// WithState starts the emulator from a copy of st instead of the fintech
// scenario.
func WithState(st *State) Option {
	return func(s *setup) error {
		if st == nil {
			return errors.New("emulator: WithState(nil)")
		}
		return s.choose(st.clone(), "WithState")
	}
}

// AdoptState is [WithState] without the copy: the emulator starts from st
// itself, which the caller must not use afterwards. It is for a state the
// caller has just decoded and keeps no reference to, such as a sandbox
// state file read by every command, where the copy (a JSON round trip)
// would be the command's largest piece of work after decoding it.
func AdoptState(st *State) Option {
	return func(s *setup) error {
		if st == nil {
			return errors.New("emulator: AdoptState(nil)")
		}
		return s.choose(st, "AdoptState")
	}
}

// WithScenario starts the emulator from a built-in scenario name.
func WithScenario(name string) Option {
	return func(s *setup) error {
		st, err := Builtin(name)
		if err != nil {
			return fmt.Errorf("emulator: WithScenario: %w", err)
		}
		return s.choose(st, "WithScenario")
	}
}

// WithLatency adds d to every AWS request.
func WithLatency(d time.Duration) Option {
	return func(s *setup) error {
		if d < 0 {
			return fmt.Errorf("emulator: WithLatency(%v): negative", d)
		}
		return s.change(func(st *State) { st.Settings.Latency = Duration(d) })
	}
}

// WithQuotaScale multiplies every quota's rate and burst by x.
func WithQuotaScale(x float64) Option {
	return func(s *setup) error {
		if !(x > 0) {
			return fmt.Errorf("emulator: WithQuotaScale(%v): want a positive number", x)
		}
		return s.change(func(st *State) { st.Settings.QuotaScale = x })
	}
}

// WithoutThrottling switches every quota off.
func WithoutThrottling() Option {
	return func(s *setup) error { return s.change(func(st *State) { st.Settings.NoThrottle = true }) }
}

// WithFault adds a fault; see [Fault].
func WithFault(f Fault) Option {
	return func(s *setup) error {
		return s.change(func(st *State) { st.Settings.Faults = append(st.Settings.Faults, f) })
	}
}

// WithDNSLatency adds d to every answer of the sandbox's resolver.
func WithDNSLatency(d time.Duration) Option {
	return func(s *setup) error {
		if d < 0 {
			return fmt.Errorf("emulator: WithDNSLatency(%v): negative", d)
		}
		return s.change(func(st *State) { st.Settings.DNSLatency = Duration(d) })
	}
}

// WithSleep replaces how the emulator waits out latency, so a test or a
// benchmark can count the waits instead of spending them.
func WithSleep(sleep func(context.Context, time.Duration) error) Option {
	return func(s *setup) error {
		if sleep == nil {
			return errors.New("emulator: WithSleep(nil)")
		}
		s.sleep = sleep
		return nil
	}
}

// WithEmptyPages makes list operations return empty pages with a NextToken.
func WithEmptyPages() Option {
	return func(s *setup) error { return s.change(func(st *State) { st.Settings.EmptyPages = true }) }
}

// WithEvaluationInterval sets how often Security Hub re-evaluates Account.1;
// zero means only on [Emulator.Evaluate].
func WithEvaluationInterval(d time.Duration) Option {
	return func(s *setup) error {
		if d < 0 {
			return fmt.Errorf("emulator: WithEvaluationInterval(%v): negative", d)
		}
		return s.change(func(st *State) { st.Settings.EvaluationInterval = Duration(d) })
	}
}
