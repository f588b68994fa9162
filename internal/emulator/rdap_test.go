package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// rdapGet fetches path through the in-process transport, as --sandbox does.
func rdapGet(t *testing.T, e *Emulator, url string) (int, string, map[string]any) {
	t.Helper()
	c := &http.Client{Transport: Transport(e.Handler())}
	resp, err := c.Get(url)
	mustNoErr(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	mustNoErr(t, err)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v\n%s", url, err, b)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), v
}

// events maps eventAction to eventDate.
func events(t *testing.T, obj map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, ev := range obj["events"].([]any) {
		m := ev.(map[string]any)
		out[m["eventAction"].(string)] = m["eventDate"].(string)
	}
	return out
}

const rdapYAML = `
domains:
  gone.test: {status: nxdomain}
  soon.io: {expires: 12d}
  lapsed.io: {expires: -3d}
  fixed.io: {expires: 2027-01-31}
  quiet.io: {rdap: false}
  broken.test: {status: servfail}
`

func TestRDAPDomain(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	now := clk.Now()
	e := New(WithState(scenario(t, smallOrgYAML+rdapYAML)), WithClock(clk.Now))
	for _, tc := range []struct {
		name    string
		code    int
		expires time.Time
		status  string
	}{
		{"acmepay.io", 200, now.AddDate(1, 0, 0), "client transfer prohibited"},
		{"ACMEPAY.IO.", 200, now.AddDate(1, 0, 0), "client transfer prohibited"},
		{"soon.io", 200, now.Add(12 * 24 * time.Hour), "client transfer prohibited"},
		{"lapsed.io", 200, now.Add(-3 * 24 * time.Hour), "redemption period"},
		{"fixed.io", 200, time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), "client transfer prohibited"},
		{"broken.test", 200, now.AddDate(1, 0, 0), "client transfer prohibited"},
		{"gone.test", 404, time.Time{}, ""},
		{"quiet.io", 503, time.Time{}, ""},
		{"not_a..name", 400, time.Time{}, ""},
	} {
		code, ctype, obj := rdapGet(t, e, Endpoint+"/rdap/domain/"+tc.name)
		if code != tc.code || ctype != "application/rdap+json" {
			t.Errorf("%s: %d %s, want %d application/rdap+json", tc.name, code, ctype, tc.code)
			continue
		}
		if code != 200 {
			// RFC 9083 §6: an error object.
			if obj["errorCode"] != float64(code) || obj["title"] == "" || obj["description"] == nil {
				t.Errorf("%s: error object %v", tc.name, obj)
			}
			continue
		}
		if obj["objectClassName"] != "domain" || obj["ldhName"] != strings.TrimSuffix(strings.ToLower(tc.name), ".") {
			t.Errorf("%s: objectClassName %v ldhName %v", tc.name, obj["objectClassName"], obj["ldhName"])
		}
		ev := events(t, obj)
		if d := cmp.Diff(map[string]string{
			"registration":                 "2016-04-12T14:03:27Z",
			"expiration":                   tc.expires.Format(time.RFC3339),
			"last changed":                 "2024-04-13T09:12:41Z",
			"last update of RDAP database": now.Format(time.RFC3339),
		}, ev); d != "" {
			t.Errorf("%s: events (-want +got):\n%s", tc.name, d)
		}
		st := obj["status"].([]any)
		if !slices.Contains(st, any(tc.status)) {
			t.Errorf("%s: status %v, want %q among them", tc.name, st, tc.status)
		}
		if !slices.Contains(obj["rdapConformance"].([]any), any("rdap_level_0")) {
			t.Errorf("%s: rdapConformance %v", tc.name, obj["rdapConformance"])
		}
	}
	if code, _, _ := rdapGet(t, e, Endpoint+"/rdap/entity/X"); code != 404 {
		t.Errorf("unknown RDAP path: %d", code)
	}
}

func TestRDAPBootstrap(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	e := New(WithState(scenario(t, smallOrgYAML+"domains:\n  acmepay.iol: {status: nxdomain}\n")), WithClock(clk.Now))
	check := func(base string, code int, ctype string, obj map[string]any) {
		t.Helper()
		if code != 200 || ctype != "application/json" || obj["version"] != "1.0" || obj["publication"] != clk.Now().Format(time.RFC3339) {
			t.Fatalf("bootstrap: %d %s %v", code, ctype, obj)
		}
		svcs := obj["services"].([]any)
		if len(svcs) != 1 {
			t.Fatalf("services: %v", svcs)
		}
		svc := svcs[0].([]any)
		tlds, urls := svc[0].([]any), svc[1].([]any)
		// iol only because the state declares it.
		for _, want := range []string{"com", "net", "org", "io", "iol"} {
			if !slices.Contains(tlds, any(want)) {
				t.Errorf("bootstrap lacks %q: %v", want, tlds)
			}
		}
		if d := cmp.Diff([]any{base + "/rdap/"}, urls); d != "" {
			t.Errorf("base URLs (-want +got):\n%s", d)
		}
	}
	code, ctype, obj := rdapGet(t, e, Endpoint+RDAPBootstrapPath)
	check(Endpoint, code, ctype, obj)

	// Over a real port, the base follows the request's host.
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + RDAPBootstrapPath)
	mustNoErr(t, err)
	defer resp.Body.Close()
	var v map[string]any
	mustNoErr(t, json.NewDecoder(resp.Body).Decode(&v))
	check(srv.URL, resp.StatusCode, resp.Header.Get("Content-Type"), v)

	// The bootstrap's base serves the domain.
	base := obj["services"].([]any)[0].([]any)[1].([]any)[0].(string)
	if code, _, _ := rdapGet(t, e, base+"domain/acmepay.iol"); code != 404 {
		t.Errorf("declared NXDOMAIN over RDAP: %d", code)
	}
}
