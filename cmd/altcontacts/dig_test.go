package main_test

// dig conformance: Debian's dig (bind9-dnsutils), an independent DNS
// client, queries the resolver `altcontacts sandbox serve` prints on its
// second line, for every answer class the mail-domain checks tell apart.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/cli"
	"github.com/altcontacts/altcontacts/internal/peertest"
)

// digScenario declares one domain per answer class, and a relay farm too
// large for UDP.
func digScenario() string {
	var farm []string
	for i := 1; i <= 40; i++ {
		farm = append(farm, fmt.Sprintf(`"%d inbound-relay-%02d.mx.farm.test"`, 10*(i%3+1), i))
	}
	return `
name: dig
accounts:
  - {id: "845201937466", name: solo, email: aws@mx.test}
domains:
  mx.test: {mx: ["10 mx1.mx.test", "20 mx2.mx.test"]}
  a-only.test: {a: [192.0.2.80]}
  null-mx.test: {mx: ["0 ."]}
  gone.test: {status: nxdomain}
  broken.test: {status: servfail}
  farm.test: {mx: [` + strings.Join(farm, ", ") + `]}
`
}

// serveResolver runs `sandbox serve` on a scenario until the test ends and
// returns the resolver's port from its second stdout line.
func serveResolver(t *testing.T, scenario string) (host, port string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "scenario.yaml")
	if err := os.WriteFile(file, []byte(scenario), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": dir, "ALTCONTACTS_SANDBOX_STATE": filepath.Join(dir, "sandbox.json")}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(ctx, []string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--scenario", file}, pw, io.Discard, func(k string) string { return env[k] })
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("sandbox serve exited %d after cancellation, want 0", code)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("sandbox serve did not return within 15s of cancellation")
		}
		pr.Close()
	})
	lines := make(chan []string, 1)
	go func() {
		r := bufio.NewReader(pr)
		var got []string
		for len(got) < 2 {
			l, err := r.ReadString('\n')
			if err != nil {
				break
			}
			got = append(got, strings.TrimSpace(l))
		}
		lines <- got
		io.Copy(io.Discard, r)
	}()
	var got []string
	select {
	case got = <-lines:
	case <-time.After(15 * time.Second):
		t.Fatal("sandbox serve printed nothing within 15s")
	}
	if len(got) < 2 {
		t.Fatalf("sandbox serve printed %q, want two lines", got)
	}
	m := regexp.MustCompile(`^ALTCONTACTS_RESOLVER=(127\.0\.0\.1):(\d+)$`).FindStringSubmatch(got[1])
	if m == nil {
		t.Fatalf("second stdout line of sandbox serve = %q, want ALTCONTACTS_RESOLVER=127.0.0.1:PORT", got[1])
	}
	return m[1], m[2]
}

// digResult is what dig printed, taken apart.
type digResult struct {
	out       string
	status    string
	answer    []string // "TYPE DATA" per record
	authority []string
}

var digStatusRE = regexp.MustCompile(`status: ([A-Z]+)`)

func dig(t *testing.T, bin, host, port string, args ...string) digResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	all := append([]string{"@" + host, "-p", port, "+time=2", "+tries=1"}, args...)
	out, err := exec.CommandContext(ctx, bin, all...).CombinedOutput()
	if err != nil {
		t.Fatalf("dig %s: %v\n%s", strings.Join(all, " "), err, out)
	}
	r := digResult{out: string(out)}
	if m := digStatusRE.FindStringSubmatch(r.out); m != nil {
		r.status = m[1]
	}
	var section *[]string
	for _, l := range strings.Split(r.out, "\n") {
		switch {
		case strings.HasPrefix(l, ";; ANSWER SECTION:"):
			section = &r.answer
		case strings.HasPrefix(l, ";; AUTHORITY SECTION:"):
			section = &r.authority
		case l == "" || strings.HasPrefix(l, ";"):
			section = nil
		case section != nil:
			// owner TTL class type data...
			f := strings.Fields(l)
			if len(f) >= 5 {
				*section = append(*section, f[3]+" "+strings.Join(f[4:], " "))
			}
		}
	}
	return r
}

func TestDigAgainstSandboxResolver(t *testing.T) {
	bin := peertest.Require(t, "dig")
	t.Parallel()
	host, port := serveResolver(t, digScenario())
	for _, tc := range []struct {
		name, qtype string
		status      string
		answer      []string
		authority   string // the type of the authority section's record, if any
	}{
		{"mx.test", "MX", "NOERROR", []string{"MX 10 mx1.mx.test.", "MX 20 mx2.mx.test."}, ""},
		// Implicit MX: no MX, an A.
		{"a-only.test", "MX", "NOERROR", nil, "SOA"},
		{"a-only.test", "A", "NOERROR", []string{"A 192.0.2.80"}, ""},
		{"null-mx.test", "MX", "NOERROR", []string{"MX 0 ."}, ""},
		{"gone.test", "MX", "NXDOMAIN", nil, "SOA"},
		{"broken.test", "MX", "SERVFAIL", nil, ""},
		// Undeclared: alive.
		{"acmepay.io", "MX", "NOERROR", []string{"MX 10 mx.acmepay.io."}, ""},
	} {
		r := dig(t, bin, host, port, tc.name, tc.qtype)
		if r.status != tc.status {
			t.Errorf("dig %s %s: status %q, want %q\n%s", tc.name, tc.qtype, r.status, tc.status, r.out)
		}
		if strings.Join(r.answer, "\n") != strings.Join(tc.answer, "\n") {
			t.Errorf("dig %s %s: answer %q, want %q\n%s", tc.name, tc.qtype, r.answer, tc.answer, r.out)
		}
		gotAuth := ""
		if len(r.authority) > 0 {
			gotAuth = strings.Fields(r.authority[0])[0]
		}
		if gotAuth != tc.authority {
			t.Errorf("dig %s %s: authority %q, want a %q record\n%s", tc.name, tc.qtype, r.authority, tc.authority, r.out)
		}
	}

	// 40 MX records do not fit 512 bytes: dig sees TC over UDP and
	// retries over TCP, where all of them arrive.
	r := dig(t, bin, host, port, "+noedns", "farm.test", "MX")
	if !strings.Contains(r.out, ";; Truncated, retrying in TCP mode") || r.status != "NOERROR" || len(r.answer) != 40 {
		t.Errorf("farm.test over UDP: want a truncation, a TCP retry and 40 MX; got %d\n%s", len(r.answer), r.out)
	}
	r = dig(t, bin, host, port, "+tcp", "farm.test", "MX")
	if strings.Contains(r.out, "Truncated") || len(r.answer) != 40 {
		t.Errorf("farm.test over TCP: %d MX\n%s", len(r.answer), r.out)
	}
}
