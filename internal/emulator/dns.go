package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// The sandbox's resolver answers as a recursive resolver would for the
// whole DNS: from the state's declared domains, and for every other name
// with live default records. It is what `--sandbox` commands and
// `sandbox serve` point the mail-domain checks at, so they run with no
// network.

// An undeclared domain d (or a declared one without records) has one MX,
// preference 10 and host [DefaultMX](d). Every undeclared name also has
// the A and AAAA below, so those hosts resolve too.
const (
	DefaultMXPreference = 10
	DefaultA            = "192.0.2.25"   // TEST-NET-1 (RFC 5737)
	DefaultAAAA         = "2001:db8::25" // documentation prefix (RFC 3849)
)

// DefaultMX returns the MX host an undeclared domain answers with.
func DefaultMX(domain string) string { return "mx." + strings.TrimSuffix(domain, ".") }

// sandboxNS is the name server every zone names in NS and SOA records.
const sandboxNS = "ns1.sandbox.altcontacts.internal."

// dnsTTL is the TTL of every answer: short, as the sandbox's state changes.
const dnsTTL = 60

// DNSStats counts the DNS queries the sandbox's resolver answered.
type DNSStats struct {
	Queries int `json:"queries"`
	// ByType counts queries by type (MX, A, ...).
	ByType    map[string]int `json:"by_type,omitempty"`
	UDP       int            `json:"udp"`
	TCP       int            `json:"tcp"`
	Truncated int            `json:"truncated"`
}

// DNSHandler answers DNS queries from the current state: MX, A, AAAA, NS
// and SOA from the declarations and defaults, NXDOMAIN with the parent
// zone's SOA in the authority section, SERVFAIL, no reply for a domain
// declared "timeout", and NOERROR with no answer for any other type. Over
// UDP an answer larger than the client's buffer (512 bytes without EDNS0)
// is truncated with TC set, so the client retries over TCP.
func (e *Emulator) DNSHandler() dns.Handler { return dns.HandlerFunc(e.serveDNS) }

func (e *Emulator) serveDNS(w dns.ResponseWriter, req *dns.Msg) {
	udp := true
	if _, ok := w.RemoteAddr().(*net.TCPAddr); ok {
		udp = false
	}
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = true
	m.Compress = true
	if req.Opcode != dns.OpcodeQuery {
		m.Rcode = dns.RcodeNotImplemented
		w.WriteMsg(m)
		return
	}
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]

	e.mu.Lock()
	st := &e.stats.DNS
	st.Queries++
	if st.ByType == nil {
		st.ByType = map[string]int{}
	}
	st.ByType[dns.TypeToString[q.Qtype]]++
	if udp {
		st.UDP++
	} else {
		st.TCP++
	}
	reply := e.state.answer(q, m)
	lat := time.Duration(e.state.Settings.DNSLatency)
	e.mu.Unlock()

	if lat > 0 {
		if err := e.sleep(context.Background(), lat); err != nil {
			return
		}
	}
	if !reply {
		return // a "timeout" domain: the client waits in vain
	}
	if opt := req.IsEdns0(); opt != nil {
		m.SetEdns0(max(opt.UDPSize(), dns.MinMsgSize), false)
	}
	if udp {
		size := dns.MinMsgSize
		if opt := req.IsEdns0(); opt != nil {
			size = max(int(opt.UDPSize()), dns.MinMsgSize)
		}
		m.Truncate(size)
		if m.Truncated {
			e.mu.Lock()
			e.stats.DNS.Truncated++
			e.mu.Unlock()
		}
	}
	w.WriteMsg(m)
}

// answer fills m for question q and reports whether to reply at all. The
// caller holds e.mu.
func (s *State) answer(q dns.Question, m *dns.Msg) bool {
	name := strings.ToLower(dns.Fqdn(q.Name))
	d, owner := s.declared(name)
	if d != nil && owner != name && d.Status != DomainNXDomain && d.Status != DomainServFail && d.Status != DomainTimeout {
		// A name under a live declared domain is undeclared itself.
		d, owner = nil, ""
	}
	status := ""
	if d != nil {
		status = d.Status
	}
	switch status {
	case DomainTimeout:
		return false
	case DomainServFail:
		m.Rcode = dns.RcodeServerFailure
		return true
	case DomainNXDomain:
		m.Rcode = dns.RcodeNameError
		m.Ns = []dns.RR{soa(parentZone(owner))}
		return true
	}
	hdr := func(t uint16) dns.RR_Header {
		return dns.RR_Header{Name: q.Name, Rrtype: t, Class: dns.ClassINET, Ttl: dnsTTL}
	}
	mxs, as, aaaas := defaultRecords(name)
	if d != nil && (status == DomainNoData || len(d.MX)+len(d.A)+len(d.AAAA) > 0) {
		mxs, as, aaaas = d.MX, d.A, d.AAAA
	}
	switch q.Qtype {
	case dns.TypeMX:
		for _, mx := range mxs {
			m.Answer = append(m.Answer, &dns.MX{Hdr: hdr(dns.TypeMX), Preference: mx.Preference, Mx: dns.Fqdn(mx.Host)})
		}
	case dns.TypeA:
		for _, a := range as {
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr(dns.TypeA), A: net.ParseIP(a).To4()})
		}
	case dns.TypeAAAA:
		for _, a := range aaaas {
			m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr(dns.TypeAAAA), AAAA: net.ParseIP(a)})
		}
	case dns.TypeNS:
		m.Answer = append(m.Answer, &dns.NS{Hdr: hdr(dns.TypeNS), Ns: sandboxNS})
	case dns.TypeSOA:
		m.Answer = append(m.Answer, soa(name))
	}
	if len(m.Answer) == 0 {
		// NODATA: the name exists, the type has no records.
		m.Ns = []dns.RR{soa(name)}
	}
	return true
}

// declared returns the declaration that governs fqdn: its own, or the
// nearest declared ancestor's, with the owner name (fully qualified).
func (s *State) declared(fqdn string) (*Domain, string) {
	name := strings.TrimSuffix(fqdn, ".")
	for name != "" {
		if d := s.Domains[name]; d != nil {
			return d, name + "."
		}
		i := strings.IndexByte(name, '.')
		if i < 0 {
			break
		}
		name = name[i+1:]
	}
	return nil, ""
}

func defaultRecords(fqdn string) ([]MX, []string, []string) {
	return []MX{{DefaultMXPreference, DefaultMX(fqdn)}}, []string{DefaultA}, []string{DefaultAAAA}
}

// parentZone is the zone that holds name's delegation: "acmepay.iol." is
// in "iol.", a TLD in the root.
func parentZone(fqdn string) string {
	if i := strings.IndexByte(fqdn, '.'); i >= 0 && i+1 < len(fqdn) {
		return fqdn[i+1:]
	}
	return "."
}

func soa(zone string) dns.RR {
	return &dns.SOA{
		Hdr:     dns.RR_Header{Name: zone, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: dnsTTL},
		Ns:      sandboxNS,
		Mbox:    "hostmaster.sandbox.altcontacts.internal.",
		Serial:  2021031501,
		Refresh: 7200, Retry: 900, Expire: 1209600, Minttl: dnsTTL,
	}
}

// ServeDNS serves [Emulator.DNSHandler] on UDP and TCP on the same port of
// addr's host ("127.0.0.1:0" picks a free port) and returns that address
// as HOST:PORT and a function that stops both servers.
func (e *Emulator) ServeDNS(addr string) (bound string, stop func() error, err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", nil, fmt.Errorf("dns: %w", err)
	}
	// A free UDP port may be taken on TCP; with port 0 try a few.
	var (
		pc net.PacketConn
		ln net.Listener
	)
	for try := 0; ; try++ {
		pc, err = net.ListenPacket("udp", net.JoinHostPort(host, port))
		if err != nil {
			return "", nil, fmt.Errorf("dns: %w", err)
		}
		p := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err = net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(p)))
		if err == nil {
			bound = net.JoinHostPort(host, fmt.Sprint(p))
			break
		}
		pc.Close()
		if port != "0" || try == 9 {
			return "", nil, fmt.Errorf("dns: %w", err)
		}
	}
	h := e.DNSHandler()
	var wg sync.WaitGroup
	wg.Add(2)
	udp := &dns.Server{PacketConn: pc, Handler: h, NotifyStartedFunc: wg.Done}
	tcp := &dns.Server{Listener: ln, Handler: h, NotifyStartedFunc: wg.Done}
	errc := make(chan error, 2)
	go func() { errc <- udp.ActivateAndServe() }()
	go func() { errc <- tcp.ActivateAndServe() }()
	started := make(chan struct{})
	go func() { wg.Wait(); close(started) }()
	select {
	case <-started:
	case err := <-errc:
		pc.Close()
		ln.Close()
		return "", nil, fmt.Errorf("dns: %w", err)
	}
	var once sync.Once
	var serr error
	stop = func() error {
		once.Do(func() { serr = errors.Join(udp.Shutdown(), tcp.Shutdown()) })
		return serr
	}
	return bound, stop, nil
}
