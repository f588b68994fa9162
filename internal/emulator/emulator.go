// Package emulator is an in-process, wire-compatible fake of the AWS APIs
// altcontacts uses: Account (restJson1), Organizations (awsJson1_1), STS
// GetCallerIdentity (awsQuery), Security Hub (restJson1) and AWS Config
// (awsJson1_1). One table in routes.go says how each request is
// recognized and what serves it; options.go holds the options of [Build].
//
// It is the only fake in the project. Tests, benchmarks and `--sandbox` talk
// to it through the real aws-sdk-go-v2 clients, either in-process through
// [Emulator.Config] or over loopback through [Emulator.Handler], so every
// request is signed, serialised, paginated and decoded as against AWS. It
// imports nothing of altcontacts, so it cannot share a bug with the code it
// tests; where AWS behaviour is known only from docs/aws-facts.md, the code
// says so.
package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"golang.org/x/time/rate"
)

// Emulator is a fake AWS. Its zero value is not usable; call [New].
type Emulator struct {
	mu      sync.Mutex
	state   *State
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	rng     *rand.Rand
	buckets map[bucketKey]*rate.Limiter
	stats   Stats
	reqSeq  uint64
	// version counts mutations, so callers persisting the state can tell
	// whether anything changed.
	version uint64
}

// Build returns an emulator seeded with the fintech scenario unless an
// option chooses another starting state, or the first option's error.
func Build(opts ...Option) (*Emulator, error) {
	s := &setup{now: time.Now, sleep: sleepCtx}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	if s.start == nil {
		st, err := Builtin("fintech")
		if err != nil {
			return nil, err
		}
		s.start = st
	}
	for _, c := range s.changes {
		c(s.start)
	}
	e := &Emulator{
		state:   s.start,
		now:     s.now,
		sleep:   s.sleep,
		buckets: map[bucketKey]*rate.Limiter{},
		rng:     newRNG(s.start.Settings.Seed),
	}
	e.mu.Lock()
	e.evaluateIfDue()
	e.mu.Unlock()
	return e, nil
}

// New is [Build] for options fixed in the code (tests, examples): it
// panics on an option's error, as regexp.MustCompile does on a bad
// pattern. Anything that takes options from a user or a file calls Build.
func New(opts ...Option) *Emulator {
	e, err := Build(opts...)
	if err != nil {
		panic(err)
	}
	return e
}

// newRNG seeds the fault generator from a state's seed, so a scenario's
// faults fall the same way however the state was loaded.
func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x616c74)) }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Handler serves the AWS APIs and the /_sandbox admin endpoints.
func (e *Emulator) Handler() http.Handler { return http.HandlerFunc(e.serveHTTP) }

// Endpoint is the BaseEndpoint of the in-process transport. Nothing listens
// there; [Emulator.Config] routes it to [Emulator.Handler] without a socket.
const Endpoint = "http://sandbox.altcontacts.internal"

// SandboxKeyID is the access key ID [Emulator.Config] signs with; it is not
// 12 digits, so the caller is the management account.
const SandboxKeyID = "AKIASANDBOXEXAMPLE01"

// Config returns an aws.Config whose clients talk to this emulator
// in-process, as the organization's management account.
func (e *Emulator) Config() aws.Config { return e.ConfigAs("") }

// ConfigAs returns a Config whose caller is account (12 digits), or the
// management account when account is empty. Its Region is the Security
// Hub's, so a China sandbox is called from a China Region.
func (e *Emulator) ConfigAs(account string) aws.Config {
	key := SandboxKeyID
	if account != "" {
		key = account
	}
	e.mu.Lock()
	region := e.state.hubRegion()
	e.mu.Unlock()
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(key, "sandbox-secret-key", ""),
		BaseEndpoint: aws.String(Endpoint),
		HTTPClient:   &http.Client{Transport: Transport(e.Handler())},
	}
}

// Transport returns a RoundTripper that serves requests with h in-process.
func Transport(h http.Handler) http.RoundTripper { return transport{h} }

type transport struct{ h http.Handler }

func (t transport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	// The handler may read the body after the SDK reuses it for a retry, so
	// hand it a private copy.
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.RequestURI = r.URL.RequestURI()
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// Snapshot returns the whole state as JSON.
func (e *Emulator) Snapshot() ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return json.MarshalIndent(e.state, "", "  ")
}

// Restore replaces the state with a snapshot. Quota buckets and statistics
// start afresh.
func (e *Emulator) Restore(b []byte) error {
	s, err := ParseState(b)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.state = s
	e.buckets = map[bucketKey]*rate.Limiter{}
	e.rng = newRNG(s.Settings.Seed)
	e.version++
	return nil
}

// ParseState decodes a [Emulator.Snapshot] strictly, for [WithState].
func ParseState(b []byte) (*State, error) {
	var s State
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("restore state: %w", err)
	}
	return &s, nil
}

// Reset replaces the state with s (see [Builtin] and [LoadScenario]).
func (e *Emulator) Reset(s *State) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.state = s.clone()
	e.buckets = map[bucketKey]*rate.Limiter{}
	e.rng = newRNG(e.state.Settings.Seed)
	e.stats = Stats{}
	e.version++
	e.evaluateIfDue()
}

// State returns a deep copy of the current state.
func (e *Emulator) State() *State {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.state.clone()
}

// Settings returns a copy of the state's settings: what a caller of the
// sandbox needs to match its pacing, without [Emulator.State]'s deep copy
// of every account and finding.
func (e *Emulator) Settings() Settings {
	e.mu.Lock()
	defer e.mu.Unlock()
	set := e.state.Settings
	set.Faults = slices.Clone(set.Faults)
	return set
}

// Version counts changes to the state; it moves whenever a contact,
// finding, or setting changes.
func (e *Emulator) Version() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.version
}

// Update runs f on the live state under the lock, for tests and scenario
// tooling that need a change no API offers (a new account, a suspension).
func (e *Emulator) Update(f func(*State)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f(e.state)
	e.version++
}

// Evaluate re-runs the Account.1 evaluation now: Security Hub's findings
// and AWS Config's rule results alike.
func (e *Emulator) Evaluate() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evaluate()
}

// call is one AWS request being served.
type call struct {
	service string // signing name: account, organizations, sts, securityhub
	op      string
	caller  string // caller account id
	arn     string // caller ARN
	reqID   string
	w       http.ResponseWriter
	r       *http.Request
	body    []byte
}

var credentialRE = regexp.MustCompile(`Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request`)
var twelveDigits = regexp.MustCompile(`^\d{12}$`)

func (e *Emulator) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if rt := sandboxRoute(r); rt != nil {
		rt.raw(e, w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	c := &call{w: w, r: r, body: body}
	e.mu.Lock()
	e.reqSeq++
	c.reqID = requestID(e.reqSeq)
	e.mu.Unlock()
	w.Header().Set("x-amzn-RequestId", c.reqID)

	m := credentialRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		// Unsigned requests never reach an operation on AWS.
		c.service = dialect(r)
		e.fail(c, apiError{status: 403, code: "MissingAuthenticationTokenException", msg: "Missing Authentication Token"})
		return
	}
	c.service = m[3]
	serve, op := lookup(c.service, c)
	c.op = op
	c.caller, c.arn = e.identify(m[1])

	if lat := e.latency(); lat > 0 {
		if err := e.sleep(r.Context(), lat); err != nil {
			return
		}
	}
	if serve == nil {
		e.fail(c, apiError{status: 400, code: "UnrecognizedClientException", msg: fmt.Sprintf("The sandbox does not emulate the %q service.", c.service)})
		return
	}
	serve(e, c)
}

// identify maps an access key to the caller: a 12-digit key is that
// account, anything else the management account (or, without an
// organization, the first account).
func (e *Emulator) identify(key string) (account, arn string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	account = key
	if !twelveDigits.MatchString(key) {
		switch {
		case e.state.Organization != nil:
			account = e.state.Organization.ManagementAccount
		case len(e.state.Accounts) > 0:
			account = e.state.Accounts[0].ID
		default:
			account = "123456789012"
		}
	}
	return account, fmt.Sprintf("%siam::%s:user/sandbox-operator", e.arnPrefix(), account)
}

func (e *Emulator) latency() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return time.Duration(e.state.Settings.Latency)
}

func requestID(n uint64) string {
	return fmt.Sprintf("5a4d1e00-%04x-4000-8000-%012x", (n>>48)&0xffff, n&0xffffffffffff)
}

// mutated records a state change; the caller holds e.mu.
func (e *Emulator) mutated() { e.version++ }
