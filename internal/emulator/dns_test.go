package emulator

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"
)

// domainsYAML declares one domain of every answer class.
var domainsYAML = `
domains:
  mx.test: {mx: ["20 mx2.mx.test", "10 mx1.mx.test"]}
  a-only.test: {a: [192.0.2.80], aaaa: ["2001:db8::80"]}
  null-mx.test: {mx: ["0 ."]}
  nodata.test: {status: nodata}
  gone.test: {status: nxdomain}
  broken.test: {status: servfail}
  silent.test: {status: timeout}
  farm.test: {mx: [` + farmMX + `]}
`

var farmMX = func() string {
	var hosts []string
	for i := 0; i < 60; i++ {
		hosts = append(hosts, `"10 relay-host-number-`+strings.Repeat("x", i%5)+string(rune('a'+i%26))+string(rune('a'+i/26))+`.farm.test"`)
	}
	return strings.Join(hosts, ", ")
}()

// serveDNS starts e's DNS server on loopback for the test.
func serveDNS(t *testing.T, e *Emulator) string {
	t.Helper()
	addr, stop, err := e.ServeDNS("127.0.0.1:0")
	mustNoErr(t, err)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	if !strings.HasPrefix(addr, "127.0.0.1:") || strings.HasSuffix(addr, ":0") {
		t.Fatalf("ServeDNS bound %q", addr)
	}
	return addr
}

func exchange(t *testing.T, net, addr, name string, qtype uint16, edns uint16) (*dns.Msg, error) {
	t.Helper()
	c := &dns.Client{Net: net, Timeout: 2 * time.Second}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	if edns > 0 {
		m.SetEdns0(edns, false)
	}
	r, _, err := c.Exchange(m, addr)
	return r, err
}

// rrs renders an answer section as "TYPE data" lines, TTL and owner left out.
func rrs(rr []dns.RR) []string {
	out := []string{}
	for _, r := range rr {
		h := r.Header()
		out = append(out, dns.TypeToString[h.Rrtype]+" "+strings.TrimPrefix(r.String(), h.String()))
	}
	return out
}

func TestDNSAnswers(t *testing.T) {
	t.Parallel()
	e := New(WithState(scenario(t, smallOrgYAML+domainsYAML)))
	addr := serveDNS(t, e)
	for _, tc := range []struct {
		name   string
		qtype  uint16
		rcode  int
		answer []string
		soa    string // owner of the SOA in the authority section, if any
	}{
		{"mx.test", dns.TypeMX, dns.RcodeSuccess, []string{"MX 20 mx2.mx.test.", "MX 10 mx1.mx.test."}, ""},
		{"MX.Test.", dns.TypeMX, dns.RcodeSuccess, []string{"MX 20 mx2.mx.test.", "MX 10 mx1.mx.test."}, ""},
		{"mx.test", dns.TypeA, dns.RcodeSuccess, []string{}, "mx.test."},
		{"mx1.mx.test", dns.TypeA, dns.RcodeSuccess, []string{"A " + DefaultA}, ""},
		{"a-only.test", dns.TypeMX, dns.RcodeSuccess, []string{}, "a-only.test."},
		{"a-only.test", dns.TypeA, dns.RcodeSuccess, []string{"A 192.0.2.80"}, ""},
		{"a-only.test", dns.TypeAAAA, dns.RcodeSuccess, []string{"AAAA 2001:db8::80"}, ""},
		{"null-mx.test", dns.TypeMX, dns.RcodeSuccess, []string{"MX 0 ."}, ""},
		{"nodata.test", dns.TypeMX, dns.RcodeSuccess, []string{}, "nodata.test."},
		{"nodata.test", dns.TypeA, dns.RcodeSuccess, []string{}, "nodata.test."},
		{"gone.test", dns.TypeMX, dns.RcodeNameError, []string{}, "test."},
		{"mail.gone.test", dns.TypeA, dns.RcodeNameError, []string{}, "test."},
		{"broken.test", dns.TypeMX, dns.RcodeServerFailure, []string{}, ""},
		// Undeclared, however fake the TLD: alive.
		{"acmepay.io", dns.TypeMX, dns.RcodeSuccess, []string{"MX 10 mx.acmepay.io."}, ""},
		{"nowhere.invalid", dns.TypeMX, dns.RcodeSuccess, []string{"MX 10 mx.nowhere.invalid."}, ""},
		{"nowhere.invalid", dns.TypeAAAA, dns.RcodeSuccess, []string{"AAAA " + DefaultAAAA}, ""},
		{"acmepay.io", dns.TypeNS, dns.RcodeSuccess, []string{"NS " + sandboxNS}, ""},
		{"acmepay.io", dns.TypeTXT, dns.RcodeSuccess, []string{}, "acmepay.io."},
	} {
		for _, proto := range []string{"udp", "tcp"} {
			r, err := exchange(t, proto, addr, tc.name, tc.qtype, 0)
			if err != nil {
				t.Errorf("%s %s %s: %v", proto, tc.name, dns.TypeToString[tc.qtype], err)
				continue
			}
			what := proto + " " + tc.name + " " + dns.TypeToString[tc.qtype]
			if r.Rcode != tc.rcode {
				t.Errorf("%s: rcode %s, want %s", what, dns.RcodeToString[r.Rcode], dns.RcodeToString[tc.rcode])
			}
			if d := cmp.Diff(tc.answer, rrs(r.Answer)); d != "" {
				t.Errorf("%s: answer (-want +got):\n%s", what, d)
			}
			soa := ""
			for _, rr := range r.Ns {
				if rr.Header().Rrtype == dns.TypeSOA {
					soa = rr.Header().Name
				}
			}
			if soa != tc.soa {
				t.Errorf("%s: SOA in authority %q, want %q", what, soa, tc.soa)
			}
			if r.Truncated || !r.RecursionAvailable {
				t.Errorf("%s: TC %v RA %v", what, r.Truncated, r.RecursionAvailable)
			}
		}
	}
}

func TestDNSTimeout(t *testing.T) {
	t.Parallel()
	e := New(WithState(scenario(t, smallOrgYAML+domainsYAML)))
	addr := serveDNS(t, e)
	c := &dns.Client{Net: "udp", Timeout: 50 * time.Millisecond}
	m := new(dns.Msg)
	m.SetQuestion("silent.test.", dns.TypeMX)
	_, _, err := c.Exchange(m, addr)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("a timeout domain: %v, want a timeout", err)
	}
}

func TestDNSTruncation(t *testing.T) {
	t.Parallel()
	e := New(WithState(scenario(t, smallOrgYAML+domainsYAML)))
	addr := serveDNS(t, e)
	for _, tc := range []struct {
		net  string
		edns uint16
		tc   bool
	}{
		{"udp", 0, true},    // 512 bytes without EDNS0
		{"udp", 1232, true}, // still too large
		{"udp", 8192, false},
		{"tcp", 0, false},
	} {
		r, err := exchange(t, tc.net, addr, "farm.test", dns.TypeMX, tc.edns)
		mustNoErr(t, err)
		if r.Truncated != tc.tc {
			t.Errorf("%s edns %d: TC %v, want %v", tc.net, tc.edns, r.Truncated, tc.tc)
		}
		size := dns.MinMsgSize
		if tc.edns > 0 {
			size = int(tc.edns)
		}
		r.Compress = true
		if tc.net == "udp" && r.Len() > size {
			t.Errorf("%s edns %d: %d bytes over a %d-byte buffer", tc.net, tc.edns, r.Len(), size)
		}
		if !tc.tc && len(r.Answer) != 60 {
			t.Errorf("%s edns %d: %d MX, want 60", tc.net, tc.edns, len(r.Answer))
		}
	}
	// The fintech relay farm does not fit EDNS0's usual 1232 bytes either.
	f := New(WithScenario("fintech"))
	faddr := serveDNS(t, f)
	r, err := exchange(t, "udp", faddr, "acmepay-relay.com", dns.TypeMX, 1232)
	mustNoErr(t, err)
	if !r.Truncated {
		t.Errorf("fintech relay farm: not truncated at 1232 bytes (%d bytes)", r.Len())
	}
	st := f.Stats().DNS
	if st.Queries != 1 || st.UDP != 1 || st.Truncated != 1 || st.ByType["MX"] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestDNSFollowsState(t *testing.T) {
	t.Parallel()
	e := New(WithState(scenario(t, smallOrgYAML+domainsYAML)))
	addr := serveDNS(t, e)
	e.Update(func(s *State) { s.Domains["mx.test"] = &Domain{Status: DomainNXDomain} })
	r, err := exchange(t, "udp", addr, "mx.test", dns.TypeMX, 0)
	mustNoErr(t, err)
	if r.Rcode != dns.RcodeNameError {
		t.Errorf("after the update: %s", dns.RcodeToString[r.Rcode])
	}
}

func TestDNSLatencyUsesInjectedSleep(t *testing.T) {
	t.Parallel()
	var (
		mu    sync.Mutex
		slept []time.Duration
	)
	sleep := func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		slept = append(slept, d)
		return nil
	}
	e := New(WithState(scenario(t, smallOrgYAML)), WithDNSLatency(5*time.Millisecond), WithSleep(sleep))
	addr := serveDNS(t, e)
	for _, n := range []string{"a.test", "b.test"} {
		_, err := exchange(t, "udp", addr, n, dns.TypeMX, 0)
		mustNoErr(t, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if d := cmp.Diff([]time.Duration{5 * time.Millisecond, 5 * time.Millisecond}, slept); d != "" {
		t.Errorf("sleeps (-want +got):\n%s", d)
	}
}

func TestServeDNSStop(t *testing.T) {
	t.Parallel()
	e := New(WithState(scenario(t, smallOrgYAML)))
	addr, stop, err := e.ServeDNS("127.0.0.1:0")
	mustNoErr(t, err)
	_, err = exchange(t, "tcp", addr, "a.test", dns.TypeMX, 0)
	mustNoErr(t, err)
	mustNoErr(t, stop())
	mustNoErr(t, stop()) // idempotent
	if _, err := exchange(t, "tcp", addr, "a.test", dns.TypeMX, 0); err == nil {
		t.Error("the server still answers after stop")
	}
	if _, _, err := e.ServeDNS("no-port"); err == nil {
		t.Error("ServeDNS accepted an address without a port")
	}
}
