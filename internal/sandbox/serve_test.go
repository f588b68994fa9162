package sandbox_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/sandbox"
)

// serving runs Serve in the background and returns where it listens; stop
// cancels it and returns what Serve returned.
func serving(t *testing.T, c sandbox.ServeConfig) (l sandbox.Listening, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan sandbox.Listening, 1)
	c.Addr = "127.0.0.1:0"
	c.Ready = func(l sandbox.Listening) { ready <- l }
	done := make(chan error, 1)
	go func() { done <- sandbox.Serve(ctx, c) }()
	select {
	case l = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("Serve returned before it was ready: %v", err)
	}
	var stopped bool
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { stop() })
	return l, stop
}

func post(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST %s: %d %s", url, resp.StatusCode, b)
	}
}

func stateAt(t *testing.T, path string) *emulator.State {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := emulator.ParseState(b)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Serving with a state file: a fresh origin is written to it at once,
// changes made over HTTP are written on the next tick and on shutdown,
// and the next serve of the file alone loads them, knobs applied on top.
func TestServeWithState(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	tick := make(chan time.Time)
	saved := make(chan error, 1)
	latency := 7 * time.Millisecond
	l, stop := serving(t, sandbox.ServeConfig{
		StatePath: path,
		Origin:    &sandbox.Origin{Scenario: "fintech"},
		Knobs:     sandbox.Knobs{Latency: &latency},
		Tick:      tick,
		Saved:     func(err error) { saved <- err },
	})
	if l.Description != "the fintech scenario" || !l.Loopback || !strings.HasPrefix(l.URL, "http://127.0.0.1:") ||
		!strings.HasPrefix(l.Resolver, "127.0.0.1:") || l.State.Organization == nil {
		t.Fatalf("Listening = %+v", l)
	}
	if got := stateAt(t, path); got.Organization == nil {
		t.Fatal("the fresh fintech state was not written before serving")
	}

	// The loop takes a tick only once it is done with the last: a
	// second tick means the first one's write, if any, is over.
	ticks := func() { tick <- time.Time{}; tick <- time.Time{} }

	// A tick with no change writes nothing; Saved is not called.
	ticks()
	select {
	case err := <-saved:
		t.Fatalf("an unchanged state was saved (%v)", err)
	default:
	}

	// The standalone scenario has no organization: a change anyone sees.
	post(t, l.URL+"/_sandbox/reset?scenario=standalone")
	ticks()
	select {
	case err := <-saved:
		if err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatal("a changed state was not saved on the tick")
	}
	got := stateAt(t, path)
	if got.Organization != nil {
		t.Error("the tick did not write the change")
	}

	if err := stop(); err != nil {
		t.Fatalf("Serve after cancel: %v", err)
	}

	// The file alone is served as it is; a knob changes it.
	scale := 3.0
	l, stop = serving(t, sandbox.ServeConfig{StatePath: path, Knobs: sandbox.Knobs{QuotaScale: &scale}})
	if l.Description != "state "+path || l.State.Organization != nil {
		t.Errorf("second serve: %q, organization %v; want the saved standalone state", l.Description, l.State.Organization)
	}
	if l.State.Settings.QuotaScale != 3 {
		t.Errorf("quota scale %v, want the knob's 3", l.State.Settings.QuotaScale)
	}
	post(t, l.URL+"/_sandbox/reset?scenario=fintech")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// Shutdown writes what no tick did.
	if got := stateAt(t, path); got.Organization == nil {
		t.Error("shutdown did not write the change")
	}
}

// Without a state file, the origin is served from memory and nothing is
// written; a bad origin and a taken address are typed errors.
func TestServeErrors(t *testing.T) {
	t.Parallel()
	err := sandbox.Serve(context.Background(), sandbox.ServeConfig{Addr: "127.0.0.1:0", Origin: &sandbox.Origin{Scenario: "no-such.yaml"}})
	var oe *sandbox.OriginError
	if !errors.As(err, &oe) || !oe.Unreadable || !strings.Contains(err.Error(), `scenario "no-such.yaml": not built in and not readable`) {
		t.Errorf("missing scenario: %v", err)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("accounts: [{id: 12}]\n"), 0o600)
	err = sandbox.Serve(context.Background(), sandbox.ServeConfig{Addr: "127.0.0.1:0", Origin: &sandbox.Origin{Scenario: bad}})
	if !errors.As(err, &oe) || oe.Unreadable || oe.Scenario != bad {
		t.Errorf("bad scenario: %v", err)
	}

	l, _ := serving(t, sandbox.ServeConfig{Origin: &sandbox.Origin{Generate: &emulator.Generation{Accounts: 3, Seed: 1, Domains: 1}}})
	if l.Description != "a generated organization (seed 1)" || len(l.State.Accounts) != 3 {
		t.Errorf("generated: %q, %d accounts", l.Description, len(l.State.Accounts))
	}
	err = sandbox.Serve(context.Background(), sandbox.ServeConfig{Addr: strings.TrimPrefix(l.URL, "http://")})
	var le *sandbox.ListenError
	if !errors.As(err, &le) || le.DNS || !strings.HasPrefix(err.Error(), "listen on 127.0.0.1:") {
		t.Errorf("taken address: %v", err)
	}
}
