package maildomain_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/maildomain"
)

// Shaped like Verisign's answer for a .com name (trimmed): links, status,
// entities and nameservers besides the events read here.
const verisignLike = `{
  "objectClassName": "domain",
  "handle": "2138514_DOMAIN_COM-VRSN",
  "ldhName": "MX.TEST",
  "links": [{"value": "https://rdap.test/com/v1/domain/MX.TEST", "rel": "self", "href": "https://rdap.test/com/v1/domain/MX.TEST", "type": "application/rdap+json"}],
  "status": ["client delete prohibited", "client transfer prohibited"],
  "entities": [{"objectClassName": "entity", "handle": "376", "roles": ["registrar"]}],
  "events": [
    {"eventAction": "registration", "eventDate": "1995-08-14T04:00:00Z"},
    {"eventAction": "expiration", "eventDate": "2027-08-13T04:00:00Z"},
    {"eventAction": "last update of RDAP database", "eventDate": "2026-12-05T10:00:00Z"}
  ],
  "secureDNS": {"delegationSigned": false},
  "nameservers": [{"objectClassName": "nameserver", "ldhName": "A.IANA-SERVERS.NET"}],
  "rdapConformance": ["rdap_level_0", "icann_rdap_technical_implementation_guide_0"],
  "notices": []
}`

// Many ccTLD registries publish no expiration event.
const noExpiry = `{"objectClassName": "domain", "ldhName": "aonly.test", "events": [{"eventAction": "registration", "eventDate": "2001-01-01T00:00:00Z"}]}`

const expired = `{"objectClassName": "domain", "ldhName": "nullmx.test", "events": [{"eventAction": "expiration", "eventDate": "2026-11-30T00:00:00+00:00"}]}`

func rdapServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var bootstraps atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/dns.json":
			bootstraps.Add(1)
			w.Header().Set("Content-Type", "application/json")
			// "test" and the longer "co.test" go to different servers;
			// "broken" to one that fails.
			w.Write([]byte(`{"version": "1.0", "publication": "2026-12-01T00:00:00Z", "description": "RDAP bootstrap file for Domain Name System registrations",
			  "services": [
			    [["com", "test"], ["` + srv.URL + `/tld/"]],
			    [["co.test"], ["` + srv.URL + `/co/"]],
			    [["broken"], ["` + srv.URL + `/broken/"]]
			  ]}`))
		case "/tld/domain/mx.test":
			w.Write([]byte(verisignLike))
		case "/tld/domain/aonly.test":
			w.Write([]byte(noExpiry))
		case "/tld/domain/nullmx.test":
			w.Write([]byte(expired))
		case "/co/domain/acme.co.test":
			w.Write([]byte(verisignLike))
		case "/broken/domain/x.broken":
			http.Error(w, "internal", http.StatusInternalServerError)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &bootstraps
}

func TestBootstrapLookup(t *testing.T) {
	t.Parallel()
	bs, err := maildomain.ParseBootstrap([]byte(`{"services": [
	  [["com", "net"], ["https://rdap.verisign.com/com/v1/"]],
	  [["uk"], ["http://rdap.nominet.uk/uk/", "https://rdap.nominet.uk/uk/"]],
	  [["co.uk"], ["https://rdap.example/co.uk/"]],
	  [[], ["https://nothing/"]]
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ domain, base, suffix string }{
		{"acmepay.com", "https://rdap.verisign.com/com/v1/", "com"},
		{"mail.ACMEPAY.net.", "https://rdap.verisign.com/com/v1/", "net"},
		{"acme.org.uk", "https://rdap.nominet.uk/uk/", "uk"},   // https preferred
		{"acme.co.uk", "https://rdap.example/co.uk/", "co.uk"}, // the longest match wins
		{"acmepay.io", "", ""},
		{"notcom", "", ""},
	} {
		base, suffix, ok := bs.Lookup(tc.domain)
		if base != tc.base || suffix != tc.suffix || ok != (tc.base != "") {
			t.Errorf("%s: got %q %q %v, want %q %q", tc.domain, base, suffix, ok, tc.base, tc.suffix)
		}
	}
	if _, err := maildomain.ParseBootstrap([]byte(`{`)); err == nil {
		t.Error("a broken bootstrap: want an error")
	}
}

func TestParseExpiry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body string
		want time.Time
		bad  bool
	}{
		{verisignLike, time.Date(2027, 8, 13, 4, 0, 0, 0, time.UTC), false},
		{noExpiry, time.Time{}, false},
		{expired, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), false},
		{`{"events": [{"eventAction": "expiration", "eventDate": "soon"}]}`, time.Time{}, true},
		{`<html>`, time.Time{}, true},
	} {
		got, err := maildomain.ParseExpiry([]byte(tc.body))
		if (err != nil) != tc.bad || !got.Equal(tc.want) {
			t.Errorf("%.40s: got %v, %v", tc.body, got, err)
		}
	}
}

// With Registration, every domain that exists gets its expiry; no answer
// is unchecked with the reason; the bootstrap is fetched once.
func TestRegistration(t *testing.T) {
	t.Parallel()
	_, addr := serve(t)
	srv, bootstraps := rdapServer(t)
	c := checker(t, addr, maildomain.Options{Registration: true, HTTP: srv.Client(), BootstrapURL: srv.URL + "/dns.json"})
	ctx := context.Background()
	for _, tc := range []struct {
		domain  string
		reg     contact.RegistrationVerdict
		expires time.Time
		why     string
	}{
		{"mx.test", contact.RegistrationKnown, time.Date(2027, 8, 13, 4, 0, 0, 0, time.UTC), ""},
		{"aonly.test", contact.RegistrationKnown, time.Time{}, ""},
		{"nullmx.test", contact.RegistrationKnown, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), ""},
		{"gone.test", contact.RegistrationNotAsked, time.Time{}, ""}, // NXDOMAIN: nothing to ask
		{"nomail.test", contact.RegistrationUnchecked, time.Time{}, "the registry has no record of the domain"},
	} {
		got := c.Check(ctx, tc.domain)
		if got.Registration != tc.reg || !got.Expires.Equal(tc.expires) || got.RegistrationWhy != tc.why {
			t.Errorf("%s: got %+v", tc.domain, got)
		}
	}
	if n := bootstraps.Load(); n != 1 {
		t.Errorf("bootstrap fetched %d times, want 1", n)
	}
}

// A subdomain walks up to the registered name; unknown TLDs and failing
// registries are unchecked, never errors.
func TestRegistrationNames(t *testing.T) {
	t.Parallel()
	srv, _ := rdapServer(t)
	for _, tc := range []struct {
		domain, why string
	}{
		{"mail.acme.co.test", ""},
		{"x.broken", "answered 500 Internal Server Error"},
		{"acmepay.io", "no RDAP server for the domain's TLD"},
	} {
		got := maildomain.ExpiryForTest(context.Background(), srv.Client(), srv.URL+"/dns.json", tc.domain)
		if tc.why == "" && got != nil {
			t.Errorf("%s: %v", tc.domain, got)
		}
		if tc.why != "" && (got == nil || !strings.Contains(got.Error(), tc.why)) {
			t.Errorf("%s: got %v, want %q", tc.domain, got, tc.why)
		}
	}
}

// An unreachable bootstrap leaves every registration unchecked.
func TestBootstrapUnreachable(t *testing.T) {
	t.Parallel()
	_, addr := serve(t)
	srv, _ := rdapServer(t)
	c := checker(t, addr, maildomain.Options{Registration: true, HTTP: srv.Client(), BootstrapURL: srv.URL + "/missing.json"})
	got := c.Check(context.Background(), "mx.test")
	if got.Verdict != contact.MailAlive || got.Registration != contact.RegistrationUnchecked || !strings.Contains(got.RegistrationWhy, "rdap bootstrap") {
		t.Errorf("got %+v", got)
	}
}
