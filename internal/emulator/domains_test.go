package emulator

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestScenarioDomains(t *testing.T) {
	t.Parallel()
	s := scenario(t, smallOrgYAML+`
dns_latency: 5ms
domains:
  Acmepay.IO.: {mx: ["10 MX1.acmepay.io", "20 mx2.acmepay.io"], a: [192.0.2.1], aaaa: ["2001:db8::1"], expires: 2027-01-31}
  acmepay.iol: {status: nxdomain}
  labs.io: {mx: ["0 ."], expires: "2027-02-01T10:00:00+02:00"}
  soon.io: {expires: 12d, rdap: true}
  lapsed.io: {expires: "-3d", rdap: false}
  broken.io: {status: SERVFAIL}
  empty.io: {status: nodata}
  ok.io: {status: ok}
  bare.io:
`)
	exp := func(v string) *time.Time {
		tm, err := time.Parse(time.RFC3339, v)
		mustNoErr(t, err)
		return &tm
	}
	days := func(n int) *Duration { d := Duration(time.Duration(n) * 24 * time.Hour); return &d }
	want := map[string]*Domain{
		"acmepay.io": {MX: []MX{{10, "mx1.acmepay.io"}, {20, "mx2.acmepay.io"}}, A: []string{"192.0.2.1"}, AAAA: []string{"2001:db8::1"},
			Expires: exp("2027-01-31T00:00:00Z")},
		"acmepay.iol": {Status: DomainNXDomain},
		"labs.io":     {MX: []MX{{0, "."}}, Expires: exp("2027-02-01T08:00:00Z")},
		"soon.io":     {ExpiresIn: days(12)},
		"lapsed.io":   {ExpiresIn: days(-3), NoRDAP: true},
		"broken.io":   {Status: DomainServFail},
		"empty.io":    {Status: DomainNoData},
		"ok.io":       {},
		"bare.io":     {},
	}
	if d := cmp.Diff(want, s.Domains); d != "" {
		t.Errorf("domains (-want +got):\n%s", d)
	}
	if s.Settings.DNSLatency != Duration(5*time.Millisecond) {
		t.Errorf("dns_latency %v", s.Settings.DNSLatency)
	}
	// The state round-trips through a snapshot.
	b, err := json.Marshal(s)
	mustNoErr(t, err)
	back, err := ParseState(b)
	mustNoErr(t, err)
	if d := cmp.Diff(s.Domains, back.Domains); d != "" {
		t.Errorf("after a snapshot (-before +after):\n%s", d)
	}

	// JSON scenarios take the same key.
	j, err := LoadScenario("s.json", []byte(`{"domains": {"gone.io": {"status": "nxdomain"}, "x.io": {"mx": ["5 mx.x.io"]}}}`))
	mustNoErr(t, err)
	if d := cmp.Diff(map[string]*Domain{"gone.io": {Status: DomainNXDomain}, "x.io": {MX: []MX{{5, "mx.x.io"}}}}, j.Domains); d != "" {
		t.Errorf("JSON domains (-want +got):\n%s", d)
	}
}

func TestScenarioDomainErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key", "domains:\n  a.io: {mxx: [\"10 mx.a.io\"]}\n", []string{"f.yaml", `unknown field "mxx"`}},
		{"bad status", "domains:\n  a.io: {status: dead}\n", []string{"domains.a.io.status", `"dead"`, "nxdomain"}},
		{"status with records", "domains:\n  a.io: {status: nxdomain, mx: [\"10 mx.a.io\"]}\n", []string{"domains.a.io", "takes no mx"}},
		{"mx without preference", "domains:\n  a.io: {mx: [mx.a.io]}\n", []string{"domains.a.io.mx[0]", `"mx.a.io"`, "PREFERENCE HOST"}},
		{"mx preference too big", "domains:\n  a.io: {mx: [\"70000 mx.a.io\"]}\n", []string{"domains.a.io.mx[0]", `"70000"`}},
		{"mx bad host", "domains:\n  a.io: {mx: [\"10 mx..a.io\"]}\n", []string{"domains.a.io.mx[0]", `"mx..a.io"`}},
		{"bad a", "domains:\n  a.io: {a: [\"2001:db8::1\"]}\n", []string{"domains.a.io.a[0]", "IPv4"}},
		{"bad aaaa", "domains:\n  a.io: {aaaa: [192.0.2.1]}\n", []string{"domains.a.io.aaaa[0]", "IPv6"}},
		{"bad expires", "domains:\n  a.io: {expires: soon}\n", []string{"domains.a.io.expires", `"soon"`}},
		{"expiry of nothing", "domains:\n  a.io: {status: nxdomain, expires: 3d}\n", []string{"domains.a.io.expires"}},
		{"bad name", "domains:\n  \"a..io\": {}\n", []string{"domains", `"a..io"`}},
		{"twice", "domains:\n  a.io: {}\n  A.io.: {}\n", []string{"domains", "a.io", "twice"}},
		{"not a map", "domains: [a.io]\n", []string{"f.yaml"}},
		{"bad dns latency", "dns_latency: fast\n", []string{"dns_latency", `"fast"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadScenario("f.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("LoadScenario accepted:\n%s", tc.yaml)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestFintechDomains(t *testing.T) {
	t.Parallel()
	s, err := Builtin("fintech")
	mustNoErr(t, err)
	domainOf := func(email string) string { return email[strings.LastIndexByte(email, '@')+1:] }
	var nxRoot, nxSecurity, nullMX, expiring bool
	for _, a := range s.Accounts {
		if a.State != "ACTIVE" {
			continue
		}
		uses := []string{domainOf(a.Email)}
		if d := s.Domains[domainOf(a.Email)]; d != nil && d.Status == DomainNXDomain {
			nxRoot = true
		}
		if c := a.Contacts["SECURITY"]; c != nil {
			uses = append(uses, domainOf(c.Email))
			if d := s.Domains[domainOf(c.Email)]; d != nil && d.Status == DomainNXDomain {
				nxSecurity = true
			}
		}
		for _, c := range a.Contacts {
			uses = append(uses, domainOf(c.Email))
		}
		for _, u := range uses {
			d := s.Domains[u]
			if d == nil {
				continue
			}
			if len(d.MX) == 1 && d.MX[0] == (MX{0, "."}) {
				nullMX = true
			}
			if d.ExpiresIn != nil && *d.ExpiresIn > 0 && *d.ExpiresIn < Duration(30*24*time.Hour) {
				expiring = true
			}
		}
	}
	if !nxRoot || !nxSecurity || !nullMX || !expiring {
		t.Errorf("fintech: NXDOMAIN root email %v, NXDOMAIN SECURITY contact %v, null MX in use %v, expiring within 30 days %v; want all",
			nxRoot, nxSecurity, nullMX, expiring)
	}
	if d := s.Domains["acmepay-relay.com"]; d == nil || len(d.MX) < 40 {
		t.Errorf("fintech relay farm: %+v", d)
	}
}

func TestGenerateDomains(t *testing.T) {
	t.Parallel()
	// One domain by default: the organization is what it always was.
	plain, err := Generate(200, 7)
	mustNoErr(t, err)
	one, err := Generation{Accounts: 200, Seed: 7, Domains: 1}.State()
	mustNoErr(t, err)
	if d := cmp.Diff(plain, one); d != "" || plain.Domains != nil {
		t.Errorf("Domains: 1 differs from Generate (-plain +one):\n%s", d)
	}

	g := Generation{Accounts: 2000, Seed: 7, Domains: 100, DeadDomains: 0.1}
	a, err := g.State()
	mustNoErr(t, err)
	b, err := g.State()
	mustNoErr(t, err)
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("not deterministic:\n%s", d)
	}
	used := map[string]bool{}
	for _, acct := range a.Accounts {
		used[acct.Email[strings.LastIndexByte(acct.Email, '@')+1:]] = true
	}
	if len(used) != 100 {
		t.Errorf("%d distinct root email domains, want 100", len(used))
	}
	nx, null := 0, 0
	for name, d := range a.Domains {
		if !used[name] {
			t.Errorf("dead domain %s is used by no account", name)
		}
		switch {
		case d.Status == DomainNXDomain:
			nx++
		case len(d.MX) == 1 && d.MX[0].Host == ".":
			null++
		default:
			t.Errorf("%s: %+v is not dead", name, d)
		}
	}
	if nx != 5 || null != 5 {
		t.Errorf("%d NXDOMAIN and %d null MX, want 5 and 5", nx, null)
	}
	// The share does not move the accounts.
	alive, err := Generation{Accounts: 2000, Seed: 7, Domains: 100}.State()
	mustNoErr(t, err)
	if d := cmp.Diff(alive.Accounts, a.Accounts); d != "" {
		t.Errorf("dead domains changed the accounts:\n%s", d)
	}
	c, err := Generation{Accounts: 2000, Seed: 8, Domains: 100, DeadDomains: 0.1}.State()
	mustNoErr(t, err)
	if cmp.Equal(slices.Sorted(maps.Keys(a.Domains)), slices.Sorted(maps.Keys(c.Domains))) {
		t.Error("seeds 7 and 8 kill the same domains")
	}
	for _, bad := range []Generation{{Accounts: 10, DeadDomains: 1.5}, {Accounts: 10, DeadDomains: -0.1}, {Accounts: 10, Domains: -1}} {
		if _, err := bad.State(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
