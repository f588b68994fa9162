package emulator

import (
	"bytes"
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
