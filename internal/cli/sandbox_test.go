package cli

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/altcontacts/altcontacts/internal/emulator"
)

// Every sandbox knob is checked before the scenario is read or an
// organization generated, and a bad knob leaves the state file alone.
func TestSandboxKnobsCheckedBeforeTheState(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"reset", "--quota-scale", "0"}, "--quota-scale: want a positive number, got 0"},
		{[]string{"reset", "--evaluation-interval", "-1s"}, "--evaluation-interval cannot be negative"},
		{[]string{"reset", "--securityhub", "all"}, `--securityhub: want cspm, v2, both, none, got "all"`},
		{[]string{"reset", "--partition", "aws-iso"}, `--partition: want aws, aws-cn, aws-us-gov, got "aws-iso"`},
		{[]string{"serve", "--quota-scale", "-1"}, "--quota-scale: want a positive number, got -1"},
		{[]string{"serve", "--latency", "-1ms"}, "--latency cannot be negative"},
		{[]string{"serve", "--partition", "aws-iso"}, `--partition: want aws, aws-cn, aws-us-gov, got "aws-iso"`},
		{[]string{"serve", "--dns-latency", "-5ms"}, "--dns-latency cannot be negative"},
		{[]string{"serve", "--accounts", "10", "--dead-domains", "1.5"}, "--dead-domains: want a share from 0 to 1, got 1.5"},
		{[]string{"reset", "--accounts", "10", "--domains", "0"}, "--domains: want at least 1, got 0"},
		{[]string{"reset", "--dead-domains", "0.1"}, "give --accounts N too"},
	} {
		e, _, errb := testEnv(t)
		state := filepath.Join(t.TempDir(), "state.json")
		// The scenario does not exist: a knob checked after it would
		// report the scenario instead.
		args := append([]string{"sandbox", "--state", state}, tc.args...)
		args = append(args, "--scenario", "no-such-scenario.yaml", "--addr", "256.0.0.1:1")
		if tc.args[0] == "reset" {
			args = args[:len(args)-2]
		}
		if code := run(context.Background(), e, args); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", tc.args, code, ExitUsage, errb)
		}
		if !strings.Contains(errb.String(), tc.want) || strings.Contains(errb.String(), "no-such-scenario") {
			t.Errorf("%v: stderr = %q, want %q", tc.args, errb, tc.want)
		}
		if _, err := os.Stat(state); !os.IsNotExist(err) {
			t.Errorf("%v: state file written (%v)", tc.args, err)
		}
	}
}

// serve prints the AWS endpoint, then the resolver, which answers from the
// generated organization's dead domains over UDP and TCP.
func TestSandboxServePrintsResolver(t *testing.T) {
	e, _, errb := testEnv(t)
	pr, pw := io.Pipe()
	e.stdout = pw
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, e, []string{"sandbox", "serve", "--addr", "127.0.0.1:0",
			"--accounts", "50", "--seed", "3", "--domains", "10", "--dead-domains", "0.2"})
		pw.Close()
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d; stderr:\n%s", code, errb)
		}
	}()
	r := bufio.NewReader(pr)
	go func() {
		<-ctx.Done()
		pr.Close()
	}()
	var lines []string
	for len(lines) < 2 {
		l, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("serve printed %q, then %v", lines, err)
		}
		lines = append(lines, strings.TrimSpace(l))
	}
	if !regexp.MustCompile(`^AWS_ENDPOINT_URL=http://127\.0\.0\.1:\d+$`).MatchString(lines[0]) {
		t.Errorf("first line %q", lines[0])
	}
	addr, ok := strings.CutPrefix(lines[1], "ALTCONTACTS_RESOLVER=")
	if !ok || !regexp.MustCompile(`^127\.0\.0\.1:\d+$`).MatchString(addr) {
		t.Fatalf("second line %q, want ALTCONTACTS_RESOLVER=127.0.0.1:PORT", lines[1])
	}
	go io.Copy(io.Discard, r)

	// Seed 3 kills two of the ten domains; every other answers with an MX.
	dead := 0
	for i := range 10 {
		name := emulator.GeneratedDomain(i)
		for _, proto := range []string{"udp", "tcp"} {
			c := &dns.Client{Net: proto, Timeout: 2 * time.Second}
			q := new(dns.Msg)
			q.SetQuestion(dns.Fqdn(name), dns.TypeMX)
			resp, _, err := c.Exchange(q, addr)
			if err != nil {
				t.Fatalf("%s %s: %v", proto, name, err)
			}
			isDead := resp.Rcode == dns.RcodeNameError ||
				len(resp.Answer) == 1 && resp.Answer[0].(*dns.MX).Mx == "."
			if proto == "udp" && isDead {
				dead++
			}
		}
	}
	if dead != 2 {
		t.Errorf("%d dead domains answered, want 2", dead)
	}
}
