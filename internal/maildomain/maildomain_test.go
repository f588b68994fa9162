package maildomain_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/maildomain"
)

// zone is the test server's behaviour per domain (FQDN).
type zone struct {
	mu      sync.Mutex
	queries map[string]int // "name type net" -> count
	hold    chan struct{}  // closed to release held queries
	arrived chan struct{}  // a held query arrived
}

func (z *zone) count(key string) int {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.queries[key]
}

func (z *zone) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	q := req.Question[0]
	network := w.RemoteAddr().Network()
	z.mu.Lock()
	z.queries[fmt.Sprintf("%s %s %s", q.Name, dns.TypeToString[q.Qtype], network)]++
	z.mu.Unlock()
	m := new(dns.Msg)
	m.SetReply(req)
	rr := func(s string) dns.RR {
		r, err := dns.NewRR(s)
		if err != nil {
			panic(err)
		}
		return r
	}
	switch q.Name {
	case "mx.test.", "shared.test.":
		if q.Qtype == dns.TypeMX {
			// The MX host does not resolve: still alive.
			m.Answer = append(m.Answer, rr(q.Name+" 300 IN MX 10 nowhere.invalid."))
		}
	case "aonly.test.":
		if q.Qtype == dns.TypeA {
			m.Answer = append(m.Answer, rr(q.Name+" 300 IN A 192.0.2.1"))
		}
	case "aaaaonly.test.":
		if q.Qtype == dns.TypeAAAA {
			m.Answer = append(m.Answer, rr(q.Name+" 300 IN AAAA 2001:db8::1"))
		}
	case "nullmx.test.":
		if q.Qtype == dns.TypeMX {
			m.Answer = append(m.Answer, rr(q.Name+" 300 IN MX 0 ."))
		}
	case "nomail.test.":
		// NOERROR, nothing.
	case "gone.test.":
		m.Rcode = dns.RcodeNameError
	case "broken.test.":
		m.Rcode = dns.RcodeServerFailure
	case "refused.test.":
		m.Rcode = dns.RcodeRefused
	case "slow.test.":
		return // never answers
	case "big.test.":
		if q.Qtype == dns.TypeMX {
			if network == "udp" {
				m.Truncated = true
			} else {
				for i := range 40 {
					m.Answer = append(m.Answer, rr(fmt.Sprintf("%s 300 IN MX %d mx%02d.a-rather-long-mail-exchanger-name.big.test.", q.Name, i, i)))
				}
			}
		}
	case "held.test.":
		select {
		case z.arrived <- struct{}{}:
		default:
		}
		<-z.hold
		if q.Qtype == dns.TypeMX {
			m.Answer = append(m.Answer, rr(q.Name+" 300 IN MX 10 mail.held.test."))
		}
	case ".":
		m.Answer = append(m.Answer, rr(". 300 IN NS a.root-servers.net."))
	default:
		m.Rcode = dns.RcodeNameError
	}
	w.WriteMsg(m)
}

// serve starts a DNS server on loopback, UDP and TCP on one port.
func serve(t *testing.T) (*zone, string) {
	t.Helper()
	z := &zone{queries: map[string]int{}, hold: make(chan struct{}), arrived: make(chan struct{}, 1)}
	var pc net.PacketConn
	var ln net.Listener
	for range 20 {
		var err error
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln, err = net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			break
		}
		pc.Close()
		pc = nil
	}
	if pc == nil {
		t.Fatal("no loopback port free for UDP and TCP")
	}
	udp := &dns.Server{PacketConn: pc, Handler: z}
	tcp := &dns.Server{Listener: ln, Handler: z}
	var started sync.WaitGroup
	started.Add(2)
	udp.NotifyStartedFunc = started.Done
	tcp.NotifyStartedFunc = started.Done
	go udp.ActivateAndServe()
	go tcp.ActivateAndServe()
	started.Wait()
	t.Cleanup(func() {
		select {
		case <-z.hold:
		default:
			close(z.hold)
		}
		udp.Shutdown()
		tcp.Shutdown()
	})
	return z, pc.LocalAddr().String()
}

func checker(t *testing.T, addr string, o maildomain.Options) *maildomain.Checker {
	t.Helper()
	o.Servers = []string{addr}
	if o.Timeout == 0 {
		o.Timeout = 150 * time.Millisecond
	}
	c, err := maildomain.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAnswerClasses(t *testing.T) {
	t.Parallel()
	z, addr := serve(t)
	c := checker(t, addr, maildomain.Options{})
	for _, tc := range []struct {
		domain  string
		verdict contact.MailVerdict
		why     string
	}{
		{"mx.test", contact.MailAlive, "1 MX record(s)"},
		{"aonly.test", contact.MailAlive, "no MX; implicit MX (A/AAAA)"},
		{"aaaaonly.test", contact.MailAlive, "no MX; implicit MX (A/AAAA)"},
		{"nullmx.test", contact.MailNoMail, "null MX (RFC 7505)"},
		{"nomail.test", contact.MailNoMail, "no MX and no A/AAAA record"},
		{"gone.test", contact.MailMissing, "NXDOMAIN"},
		{"broken.test", contact.MailUnchecked, "SERVFAIL"},
		{"refused.test", contact.MailUnchecked, "REFUSED"},
		{"slow.test", contact.MailUnchecked, "no answer within 150ms"},
		{"big.test", contact.MailAlive, "40 MX record(s)"},
		{"MX.Test.", contact.MailAlive, "1 MX record(s)"}, // normalised: the cached mx.test
	} {
		got := c.Check(context.Background(), tc.domain)
		if got.Verdict != tc.verdict || got.Why != tc.why || got.Domain != maildomain.Normalize(tc.domain) {
			t.Errorf("%s: got %+v, want %s (%s)", tc.domain, got, tc.verdict, tc.why)
		}
	}
	// A/AAAA are asked only when there is no MX.
	if n := z.count("mx.test. A udp"); n != 0 {
		t.Errorf("mx.test: %d A queries, want 0", n)
	}
	if n := z.count("aonly.test. AAAA udp"); n != 0 {
		t.Errorf("aonly.test: %d AAAA queries after an A answer, want 0", n)
	}
	if n := z.count("nomail.test. AAAA udp"); n != 1 {
		t.Errorf("nomail.test: %d AAAA queries, want 1", n)
	}
	// The truncated UDP answer was retried over TCP.
	if u, tc := z.count("big.test. MX udp"), z.count("big.test. MX tcp"); u != 1 || tc != 1 {
		t.Errorf("big.test: %d UDP and %d TCP MX queries, want 1 and 1", u, tc)
	}
	if n := z.count("mx.test. MX udp"); n != 1 {
		t.Errorf("mx.test: %d MX queries for two checks, want 1", n)
	}
	st := c.Stats()
	if st.Domains != 10 || st.MX != 10 || st.TCP != 1 {
		t.Errorf("stats %+v: want 10 domains, 10 MX queries, 1 TCP retry", st)
	}
}

// Concurrent callers of one domain share one query.
func TestOncePerDomain(t *testing.T) {
	t.Parallel()
	z, addr := serve(t)
	c := checker(t, addr, maildomain.Options{Timeout: 5 * time.Second})
	ctx := context.Background()
	var wg sync.WaitGroup
	results := make([]contact.MailDomain, 50)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Start(ctx, "held.test")
			results[i] = c.Check(ctx, "Held.Test")
		}()
	}
	// Every caller is waiting on the one held query; release it.
	<-z.arrived
	close(z.hold)
	wg.Wait()
	for i, r := range results {
		if r.Verdict != contact.MailAlive {
			t.Fatalf("caller %d: %+v", i, r)
		}
	}
	if n := z.count("held.test. MX udp"); n != 1 {
		t.Errorf("%d MX queries for 50 callers, want 1", n)
	}
}

// A waiter's cancelled context gives unchecked, not a verdict.
func TestCancelledWaiter(t *testing.T) {
	t.Parallel()
	_, addr := serve(t)
	c := checker(t, addr, maildomain.Options{Timeout: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := c.Check(ctx, "held.test"); got.Verdict != contact.MailUnchecked {
		t.Errorf("got %+v, want unchecked", got)
	}
}

// A resolver that does not listen at all is tried, then the next one.
func TestFallbackServer(t *testing.T) {
	t.Parallel()
	_, addr := serve(t)
	dead, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.LocalAddr().String()
	dead.Close()
	c, err := maildomain.New(maildomain.Options{Servers: []string{deadAddr, addr}, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Check(context.Background(), "gone.test"); got.Verdict != contact.MailMissing {
		t.Errorf("got %+v, want missing from the second resolver", got)
	}
	if err := c.Probe(context.Background()); err != nil {
		t.Errorf("probe: %v", err)
	}
}

func TestSystemResolvers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	got, err := maildomain.SystemResolvers(write("ok", "# comment\nnameserver 10.0.0.2\nnameserver ::1\nsearch example.org\n"))
	if err != nil || strings.Join(got, ",") != "10.0.0.2:53,[::1]:53" {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := maildomain.SystemResolvers(dir + "/absent"); err == nil {
		t.Error("a missing resolv.conf: want an error")
	}
}
