package emulator

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"
)

// Options apply in any order: every pair of them, given both ways round,
// makes the same state (or the same refusal).
func TestOptionsAreOrderIndependent(t *testing.T) {
	standalone, err := Builtin("standalone")
	if err != nil {
		t.Fatal(err)
	}
	fault := Fault{Op: "GetAlternateContact", Rate: 1, Error: "AccessDeniedException", Account: "593018274615"}
	opts := []struct {
		name string
		opt  Option
	}{
		{"WithState", WithState(standalone)},
		{"WithScenario", WithScenario("fintech")},
		{"WithLatency", WithLatency(5 * time.Millisecond)},
		{"WithQuotaScale", WithQuotaScale(3)},
		{"WithoutThrottling", WithoutThrottling()},
		{"WithFault", WithFault(fault)},
		{"WithEmptyPages", WithEmptyPages()},
		{"WithEvaluationInterval", WithEvaluationInterval(0)},
	}
	// A fixed clock: the first evaluation's timestamps are part of the state.
	clock := WithClock(func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) })
	snapshot := func(os ...Option) (string, error) {
		e, err := Build(append([]Option{clock}, os...)...)
		if err != nil {
			return "", err
		}
		b, err := e.Snapshot()
		return string(b), err
	}
	for i, a := range opts {
		for _, b := range opts[i+1:] {
			ab, errAB := snapshot(a.opt, b.opt)
			ba, errBA := snapshot(b.opt, a.opt)
			name := fmt.Sprintf("%s+%s", a.name, b.name)
			switch {
			case (errAB == nil) != (errBA == nil):
				t.Errorf("%s: one order fails (%v), the other not (%v)", name, errAB, errBA)
			case errAB != nil:
				if !(a.name == "WithState" && b.name == "WithScenario") {
					t.Errorf("%s: %v", name, errAB)
				}
			case ab != ba:
				t.Errorf("%s: the state depends on the order", name)
			}
		}
	}
	// The case that used to lose the fault: WithFault before WithState.
	e := New(WithFault(fault), WithState(standalone))
	if f := e.State().Settings.Faults; len(f) != 1 || f[0] != fault {
		t.Errorf("faults = %+v, want the one given before WithState", f)
	}
}

// An option that cannot apply is an error from Build, not a panic.
func TestOptionErrors(t *testing.T) {
	for name, opt := range map[string]Option{
		"unknown scenario": WithScenario("nope"),
		"nil state":        WithState(nil),
		"nil clock":        WithClock(nil),
		"nil sleep":        WithSleep(nil),
		"zero quota scale": WithQuotaScale(0),
		"negative latency": WithLatency(-time.Second),
	} {
		if e, err := Build(opt); err == nil || e != nil {
			t.Errorf("%s: Build = %v, %v; want an error", name, e, err)
		}
	}
	if _, err := Build(WithScenario("fintech"), WithScenario("standalone")); err == nil {
		t.Error("two starting states: no error")
	}
	var buf bytes.Buffer
	func() {
		defer func() { fmt.Fprint(&buf, recover()) }()
		New(WithScenario("nope"))
	}()
	if buf.String() == "<nil>" {
		t.Error("New with a failing option did not panic")
	}
}

// The options that set the emulator rather than its state (WithClock,
// WithSleep) hold wherever they stand among the state's options: every
// permutation builds the same state on the same clock.
func TestClockAndSleepComposeInAnyOrder(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	slept := 0
	noSleep := func(context.Context, time.Duration) error { slept++; return nil }
	opts := []Option{
		WithClock(func() time.Time { return at }),
		WithScenario("standalone"),
		WithSleep(noSleep),
		WithLatency(time.Millisecond),
	}
	var want string
	for _, perm := range permutations(len(opts)) {
		var os []Option
		for _, i := range perm {
			os = append(os, opts[i])
		}
		e, err := Build(os...)
		if err != nil {
			t.Fatalf("%v: %v", perm, err)
		}
		if got := e.now(); !got.Equal(at) {
			t.Errorf("%v: clock = %v, want %v", perm, got, at)
		}
		// A cancelled context: the wall-clock sleep would return at once
		// with its error, the injected one counts and returns nil.
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		before := slept
		if err := e.sleep(cancelled, time.Hour); err != nil || slept != before+1 {
			t.Errorf("%v: the injected sleep was not kept (%v)", perm, err)
		}
		b, err := e.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if want == "" {
			want = string(b)
		} else if string(b) != want {
			t.Errorf("%v: the state depends on the order", perm)
		}
	}
}

// permutations lists every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// Settings is a copy: what a caller does to it never reaches the state.
func TestSettingsIsACopy(t *testing.T) {
	f := Fault{Op: "GetAlternateContact", Rate: 0.5, Error: "ThrottlingException"}
	e := New(WithQuotaScale(3), WithFault(f))
	got := e.Settings()
	if got.QuotaScale != 3 || len(got.Faults) != 1 || got.Faults[0] != f {
		t.Fatalf("Settings() = %+v, want quota scale 3 and fault %+v", got, f)
	}
	got.Faults[0].Rate = 1
	got.QuotaScale = 9
	if again := e.Settings(); again.QuotaScale != 3 || again.Faults[0].Rate != 0.5 {
		t.Errorf("changing the copy changed the state: %+v", again)
	}
	if st := e.State().Settings; st.QuotaScale != 3 || st.Faults[0] != f {
		t.Errorf("State().Settings = %+v, want the settings given", st)
	}
}

// AdoptState starts where WithState does, in either order with the other
// options, and refuses nil as WithState does.
func TestAdoptStateIsWithStateWithoutTheCopy(t *testing.T) {
	clock := WithClock(func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) })
	fault := WithFault(Fault{Op: "GetAlternateContact", Rate: 1, Error: "AccessDeniedException"})
	snapshot := func(opts ...Option) string {
		t.Helper()
		e, err := Build(append([]Option{clock}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	want := snapshot(WithState(mustBuiltin(t, "standalone")), fault)
	for _, opts := range [][]Option{{AdoptState(mustBuiltin(t, "standalone")), fault}, {fault, AdoptState(mustBuiltin(t, "standalone"))}} {
		if got := snapshot(opts...); got != want {
			t.Errorf("AdoptState starts elsewhere than WithState:\n%s\nwant:\n%s", got, want)
		}
	}
	if _, err := Build(AdoptState(nil)); err == nil {
		t.Error("AdoptState(nil): no error")
	}
	if _, err := Build(AdoptState(mustBuiltin(t, "standalone")), WithScenario("fintech")); err == nil {
		t.Error("AdoptState and WithScenario both chose the start: no error")
	}
}

func mustBuiltin(t *testing.T, name string) *State {
	t.Helper()
	st, err := Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
