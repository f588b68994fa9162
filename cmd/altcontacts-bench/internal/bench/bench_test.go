package bench

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/journal"
)

func TestBound(t *testing.T) {
	get := emulator.DefaultQuota("account", "GetAlternateContact") // 10/s burst 15
	put := emulator.DefaultQuota("account", "PutAlternateContact") // 5/s burst 8
	for _, tc := range []struct {
		name  string
		ok    int
		q     emulator.Quota
		scale float64
		want  time.Duration
	}{
		{"audit 1000 at x10", 2940, get, 10, time.Duration((2940.0 - 150) / 100 * float64(time.Second))},
		{"apply 1000 at x10", 980, put, 10, time.Duration((980.0 - 80) / 50 * float64(time.Second))},
		{"real quota", 115, get, 1, 10 * time.Second},
		{"burst covers it", 69, get, 10, 0},
		{"exactly the burst", 15, get, 1, 0},
		{"no quota", 1000, emulator.Quota{}, 1, 0},
		// A scaled burst rounds as the emulator rounds it: 8×0.5 = 4.
		{"fractional scale", 14, put, 0.5, 4 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Bound(tc.ok, tc.q, tc.scale); got != tc.want {
				t.Errorf("Bound(%d, %+v, %g) = %v, want %v", tc.ok, tc.q, tc.scale, got, tc.want)
			}
		})
	}
}

func TestRatio(t *testing.T) {
	if r := Ratio(30*time.Second, 27900*time.Millisecond); math.Abs(r-30/27.9) > 1e-9 {
		t.Errorf("Ratio = %v", r)
	}
	if r := Ratio(time.Second, 0); !math.IsNaN(r) {
		t.Errorf("Ratio with zero bound = %v, want NaN", r)
	}
}

func TestMeasure(t *testing.T) {
	st := emulator.Stats{Requests: 3100, Throttled: 31, Faults: 10, Writes: 980, Operations: map[string]emulator.OpStats{
		"GetAlternateContact": {Requests: 2000, Throttled: 20, Faults: 5}, // 1975 ok
		"PutAlternateContact": {Requests: 1000, Throttled: 11, Faults: 5}, // 984 ok
		"ListAccounts":        {Requests: 100},
	}}
	r := SpeedResult{Scale: 10}
	Measure(&r, st, "PutAlternateContact", 30*time.Second)
	if r.BoundOK != 984 {
		t.Errorf("BoundOK = %d, want 984 (requests - throttled - faults)", r.BoundOK)
	}
	if want := (984.0 - 80) / 50; math.Abs(r.BoundSeconds-want) > 1e-6 {
		t.Errorf("BoundSeconds = %v, want %v", r.BoundSeconds, want)
	}
	if want := (1975.0 - 150) / 100; r.BoundAllOp != "GetAlternateContact" || math.Abs(r.BoundAllSeconds-want) > 1e-6 {
		t.Errorf("bound(all) = %v on %s, want %v on GetAlternateContact", r.BoundAllSeconds, r.BoundAllOp, want)
	}
	if want := 30 / ((984.0 - 80) / 50); math.Abs(r.Ratio-want) > 1e-6 {
		t.Errorf("Ratio = %v, want %v", r.Ratio, want)
	}
	if want := 100 * 31.0 / 3100; math.Abs(r.ThrottledPct-want) > 1e-9 {
		t.Errorf("ThrottledPct = %v, want %v", r.ThrottledPct, want)
	}
}

func tinyState(t *testing.T) *emulator.State {
	t.Helper()
	st, err := emulator.Generate(30, 7)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestCheckers(t *testing.T) {
	st := tinyState(t)
	orig := Contacts(st)
	if d := CheckRestored(orig, st); d != "" {
		t.Fatalf("untouched state differs: %s", d)
	}
	if v := CheckApplied(orig, st, PolicyContact); len(v) == 0 {
		t.Fatal("CheckApplied passed an organization nothing was applied to")
	}

	// Apply the policy by hand: every ACTIVE account, SECURITY only.
	applied := tinyState(t)
	var active, suspended *emulator.Account
	for _, a := range applied.Accounts {
		if a.State != "ACTIVE" {
			suspended = a
			continue
		}
		if a.Contacts == nil {
			a.Contacts = map[string]*emulator.Contact{}
		}
		c := PolicyContact
		a.Contacts["SECURITY"] = &c
		active = a
	}
	if v := CheckApplied(orig, applied, PolicyContact); len(v) != 0 {
		t.Fatalf("CheckApplied on a fully applied org: %v", v)
	}
	if d := CheckRestored(orig, applied); d == "" {
		t.Fatal("CheckRestored passed an applied org")
	}
	// A contact lost on the way, a write to a suspended account, and an
	// unrelated type touched are all violations.
	delete(active.Contacts, "SECURITY")
	if suspended != nil {
		c := PolicyContact
		suspended.Contacts = map[string]*emulator.Contact{"SECURITY": &c}
	}
	ops := PolicyContact
	active.Contacts["OPERATIONS"] = &ops
	v := CheckApplied(orig, applied, PolicyContact)
	want := 2
	if suspended != nil {
		want = 3
	}
	if len(v) != want {
		t.Errorf("CheckApplied found %d violation(s), want %d: %v", len(v), want, v)
	}

	// Journal coverage: a changed contact without an intent is a violation.
	dir := t.TempDir()
	jp := filepath.Join(dir, "j.jsonl")
	j, err := journal.Create(jp, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	partial := tinyState(t)
	var named, unnamed *emulator.Account
	for _, a := range partial.Accounts {
		if a.State != "ACTIVE" {
			continue
		}
		switch {
		case named == nil:
			named = a
		case unnamed == nil:
			unnamed = a
		}
	}
	for _, a := range []*emulator.Account{named, unnamed} {
		if a.Contacts == nil {
			a.Contacts = map[string]*emulator.Contact{}
		}
		c := PolicyContact
		a.Contacts["SECURITY"] = &c
	}
	after := contact.Details{Name: PolicyContact.Name, Title: PolicyContact.Title, Email: PolicyContact.Email, Phone: PolicyContact.Phone}
	if _, err := j.Append(journal.Entry{Kind: journal.Intent, Phase: journal.PhaseApply, Account: named.ID, Type: contact.Security, Op: "put", After: &after}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	v, err = CheckJournaled(orig, partial, PolicyContact, []string{jp, filepath.Join(dir, "never-created.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 1 || !strings.Contains(v[0], unnamed.ID+"/SECURITY changed without a journal intent") {
		t.Errorf("CheckJournaled = %v, want exactly %s flagged", v, unnamed.ID)
	}
}
