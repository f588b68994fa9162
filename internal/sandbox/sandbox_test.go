package sandbox_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

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

// The resolver starts on first use, answers from the session's state, and
// stops on Close; RDAP is on the in-process endpoint.
func TestSessionResolverAndRDAP(t *testing.T) {
	t.Parallel()
	s, err := sandbox.Open(filepath.Join(t.TempDir(), "s.json"))
	if err != nil {
		t.Fatal(err)
	}
	addr, err := s.Resolver()
	if err != nil {
		t.Fatal(err)
	}
	if again, err := s.Resolver(); err != nil || again != addr || !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("Resolver() = %q then %q, %v", addr, again, err)
	}
	c := &dns.Client{Net: "tcp", Timeout: 2 * time.Second}
	q := new(dns.Msg)
	q.SetQuestion("acmepay.iol.", dns.TypeMX)
	r, _, err := c.Exchange(q, addr)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeNameError {
		t.Errorf("fintech's acmepay.iol: %s, want NXDOMAIN", dns.RcodeToString[r.Rcode])
	}

	if got := s.RDAPBootstrapURL(); got != emulator.Endpoint+emulator.RDAPBootstrapPath {
		t.Errorf("RDAPBootstrapURL() = %q", got)
	}
	hc := &http.Client{Transport: emulator.Transport(s.Emulator.Handler())}
	resp, err := hc.Get(s.RDAPBootstrapURL())
	if err != nil {
		t.Fatal(err)
	}
	var boot struct {
		Services [][][]string `json:"services"`
	}
	err = json.NewDecoder(resp.Body).Decode(&boot)
	resp.Body.Close()
	if err != nil || len(boot.Services) != 1 || !slices.Contains(boot.Services[0][0], "dev") {
		t.Fatalf("bootstrap: %v %+v", err, boot)
	}
	resp, err = hc.Get(boot.Services[0][1][0] + "domain/acmepay.dev")
	if err != nil {
		t.Fatal(err)
	}
	var dom struct {
		Events []struct{ EventAction, EventDate string }
	}
	err = json.NewDecoder(resp.Body).Decode(&dom)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("domain: %d %v", resp.StatusCode, err)
	}
	var expires time.Time
	for _, ev := range dom.Events {
		if ev.EventAction == "expiration" {
			expires, _ = time.Parse(time.RFC3339, ev.EventDate)
		}
	}
	if left := time.Until(expires); left <= 0 || left > 30*24*time.Hour {
		t.Errorf("acmepay.dev expires %v, want within 30 days", expires)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Exchange(q, addr); err == nil {
		t.Error("the resolver still answers after Close")
	}
}
