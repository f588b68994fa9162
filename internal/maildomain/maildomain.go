// Package maildomain answers "can this domain receive mail?" for the
// mail-domain-* rules: DNS (MX, then A/AAAA for the implicit MX of RFC 5321
// §5.1, the null MX of RFC 7505) through github.com/miekg/dns, so that
// NXDOMAIN, an empty NOERROR and SERVFAIL stay distinct, and, when asked,
// the registration's expiry over RDAP (RFC 9083, servers found through
// IANA's bootstrap registry, RFC 9224).
//
// A Checker looks each distinct domain up once per run: the first caller
// starts the lookup, every later caller (concurrent or not) shares its
// result. Lookups run in a bounded pool with a per-query timeout, so they
// can start as soon as a domain is known and run beside the Account API
// reads. Only domain names leave the machine. The verdicts themselves are
// contact.MailDomain values, which the pure rules in package contact judge.
package maildomain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/altcontacts/altcontacts/internal/contact"
)

// Defaults.
const (
	DefaultTimeout     = 2 * time.Second
	DefaultConcurrency = 16
	// IANABootstrapURL is IANA's RDAP bootstrap registry for DNS (RFC 9224).
	IANABootstrapURL = "https://data.iana.org/rdap/dns.json"
	// ResolvConf is where the system's resolvers are read from.
	ResolvConf = "/etc/resolv.conf"
)

// ErrNoResolver is a resolver configuration that names no server.
var ErrNoResolver = errors.New("no DNS resolver configured")

// Options configure a Checker.
type Options struct {
	// Servers are the resolvers to ask, HOST:PORT, tried in order when
	// one does not answer. Empty means the system's (SystemResolvers).
	Servers []string
	// Timeout bounds each DNS query (and each RDAP request); zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Concurrency bounds the lookups in flight; zero means
	// DefaultConcurrency.
	Concurrency int
	// Registration turns on the RDAP lookups (--check-registration).
	Registration bool
	// HTTP is the client for RDAP; nil means a client with Timeout.
	HTTP *http.Client
	// BootstrapURL is the RDAP bootstrap file; empty means IANA's.
	BootstrapURL string
}

// SystemResolvers reads the resolvers of a resolv.conf file as HOST:PORT.
func SystemResolvers(path string) ([]string, error) {
	cc, err := dns.ClientConfigFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("read resolvers from %s: %w", path, err)
	}
	var out []string
	for _, s := range cc.Servers {
		out = append(out, net.JoinHostPort(s, cc.Port))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: %w", path, ErrNoResolver)
	}
	return out, nil
}

// Stats counts what a Checker sent, for benchmarks and -v.
type Stats struct {
	Domains int64 // distinct domains looked up
	MX      int64 // MX queries (one per domain, TCP retries not counted)
	A       int64
	AAAA    int64
	TCP     int64 // queries retried over TCP after a truncated answer
	RDAP    int64 // RDAP domain requests
}

// Checker looks up mail domains, once each.
type Checker struct {
	o    Options
	sem  chan struct{}
	rdap *rdapClient

	mu      sync.Mutex
	entries map[string]*entry

	mx, a, aaaa, tcp, domains atomic.Int64
}

type entry struct {
	done chan struct{}
	res  contact.MailDomain
}

// New makes a Checker. With no Servers it reads the system's resolvers.
func New(o Options) (*Checker, error) {
	if len(o.Servers) == 0 {
		s, err := SystemResolvers(ResolvConf)
		if err != nil {
			return nil, err
		}
		o.Servers = s
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	c := &Checker{o: o, sem: make(chan struct{}, o.Concurrency), entries: map[string]*entry{}}
	if o.Registration {
		hc := o.HTTP
		if hc == nil {
			hc = &http.Client{Timeout: o.Timeout * 2}
		}
		url := o.BootstrapURL
		if url == "" {
			url = IANABootstrapURL
		}
		c.rdap = &rdapClient{http: hc, bootstrapURL: url, timeout: o.Timeout * 2}
	}
	return c, nil
}

// Servers returns the resolvers the Checker asks.
func (c *Checker) Servers() []string { return c.o.Servers }

// Stats returns the counts so far.
func (c *Checker) Stats() Stats {
	s := Stats{Domains: c.domains.Load(), MX: c.mx.Load(), A: c.a.Load(), AAAA: c.aaaa.Load(), TCP: c.tcp.Load()}
	if c.rdap != nil {
		s.RDAP = c.rdap.requests.Load()
	}
	return s
}

// Normalize is the form domains are cached under: lowercase, no trailing dot.
func Normalize(domain string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
}

// Start begins the lookup of a domain in the background if nobody has yet,
// without waiting: callers that meet domains while reading something else
// (the audit's account reads) never slow down for DNS. The lookup is
// bounded by ctx.
func (c *Checker) Start(ctx context.Context, domain string) {
	c.start(ctx, Normalize(domain))
}

func (c *Checker) start(ctx context.Context, d string) *entry {
	c.mu.Lock()
	e, ok := c.entries[d]
	if !ok {
		e = &entry{done: make(chan struct{})}
		c.entries[d] = e
	}
	c.mu.Unlock()
	if !ok {
		c.domains.Add(1)
		go func() {
			defer close(e.done)
			select {
			case c.sem <- struct{}{}:
			case <-ctx.Done():
				e.res = contact.MailDomain{Domain: d, Verdict: contact.MailUnchecked, Why: "interrupted"}
				return
			}
			defer func() { <-c.sem }()
			e.res = c.lookup(ctx, d)
		}()
	}
	return e
}

// Check returns the result for a domain, starting its lookup if needed and
// waiting for it (or for ctx: then the domain is unchecked).
func (c *Checker) Check(ctx context.Context, domain string) contact.MailDomain {
	d := Normalize(domain)
	e := c.start(ctx, d)
	select {
	case <-e.done:
		return e.res
	case <-ctx.Done():
		return contact.MailDomain{Domain: d, Verdict: contact.MailUnchecked, Why: "interrupted"}
	}
}

// Lookup adapts the Checker to contact.MailLookup, waiting under ctx. A
// nil Checker (--no-dns) gives nil: no mail rule fires.
func (c *Checker) Lookup(ctx context.Context) contact.MailLookup {
	if c == nil {
		return nil
	}
	return func(domain string) (contact.MailDomain, bool) {
		return c.Check(ctx, domain), true
	}
}

// lookup is one domain's whole check: DNS, then RDAP when asked for and
// the domain exists.
func (c *Checker) lookup(ctx context.Context, d string) contact.MailDomain {
	res := c.mail(ctx, d)
	res.Domain = d
	if c.rdap != nil && res.Verdict != contact.MailMissing {
		exp, err := c.rdap.expiry(ctx, d)
		if err != nil {
			res.Registration, res.RegistrationWhy = contact.RegistrationUnchecked, err.Error()
		} else {
			res.Registration, res.Expires = contact.RegistrationKnown, exp
		}
	}
	return res
}

// mail classifies a domain from DNS: MX first; A, then AAAA only when
// there is no MX.
func (c *Checker) mail(ctx context.Context, d string) contact.MailDomain {
	c.mx.Add(1)
	r, err := c.query(ctx, d, dns.TypeMX)
	if err != nil {
		return unchecked(err)
	}
	switch r.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		return contact.MailDomain{Verdict: contact.MailMissing, Why: "NXDOMAIN"}
	default:
		return unchecked(rcodeError(r.Rcode))
	}
	var mxs []*dns.MX
	for _, rr := range r.Answer {
		if mx, ok := rr.(*dns.MX); ok {
			mxs = append(mxs, mx)
		}
	}
	if len(mxs) == 1 && mxs[0].Mx == "." {
		return contact.MailDomain{Verdict: contact.MailNoMail, Why: "null MX (RFC 7505)"}
	}
	if len(mxs) > 0 {
		// An MX whose host does not resolve is the mail server's problem,
		// not a dead domain: not looked at.
		return contact.MailDomain{Verdict: contact.MailAlive, Why: fmt.Sprintf("%d MX record(s)", len(mxs))}
	}
	// No MX: RFC 5321 §5.1's implicit MX is the domain's own address.
	var firstErr error
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		if qt == dns.TypeA {
			c.a.Add(1)
		} else {
			c.aaaa.Add(1)
		}
		r, err := c.query(ctx, d, qt)
		if err == nil && r.Rcode != dns.RcodeSuccess && r.Rcode != dns.RcodeNameError {
			err = rcodeError(r.Rcode)
		}
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if r.Rcode == dns.RcodeNameError {
			return contact.MailDomain{Verdict: contact.MailMissing, Why: "NXDOMAIN"}
		}
		for _, rr := range r.Answer {
			switch rr.(type) {
			case *dns.A, *dns.AAAA:
				return contact.MailDomain{Verdict: contact.MailAlive, Why: "no MX; implicit MX (A/AAAA)"}
			}
		}
	}
	if firstErr != nil {
		return unchecked(firstErr)
	}
	return contact.MailDomain{Verdict: contact.MailNoMail, Why: "no MX and no A/AAAA record"}
}

func unchecked(err error) contact.MailDomain {
	return contact.MailDomain{Verdict: contact.MailUnchecked, Why: err.Error()}
}

// RcodeError is an answer that is neither an answer nor NXDOMAIN
// (SERVFAIL, REFUSED, ...).
type RcodeError struct{ Rcode int }

func (e *RcodeError) Error() string {
	if s, ok := dns.RcodeToString[e.Rcode]; ok {
		return s
	}
	return fmt.Sprintf("rcode %d", e.Rcode)
}

func rcodeError(rcode int) error { return &RcodeError{Rcode: rcode} }

// ErrTimeout is a query no resolver answered within the timeout.
var ErrTimeout = errors.New("no answer")

// query asks each server in turn until one answers, over UDP and again
// over TCP when the UDP answer is truncated.
func (c *Checker) query(ctx context.Context, d string, qtype uint16) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(d), qtype)
	m.RecursionDesired = true
	m.SetEdns0(1232, false)
	var last error
	for _, server := range c.o.Servers {
		r, err := c.exchange(ctx, m, server, "udp")
		if err == nil && r.Truncated {
			c.tcp.Add(1)
			r, err = c.exchange(ctx, m, server, "tcp")
		}
		if err == nil {
			return r, nil
		}
		if ctx.Err() != nil {
			return nil, errors.New("interrupted")
		}
		last = err
	}
	var ne net.Error
	if errors.As(last, &ne) && ne.Timeout() {
		return nil, fmt.Errorf("%w within %s", ErrTimeout, c.o.Timeout)
	}
	return nil, last
}

func (c *Checker) exchange(ctx context.Context, m *dns.Msg, server, network string) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	cl := &dns.Client{Net: network, Timeout: c.o.Timeout}
	r, _, err := cl.ExchangeContext(ctx, m, server)
	return r, err
}

// Probe asks the first resolver for the root's NS records: whether the
// resolver answers at all (doctor). Any answer, whatever its rcode, is
// an answer.
func (c *Checker) Probe(ctx context.Context) error {
	_, err := c.query(ctx, ".", dns.TypeNS)
	return err
}
