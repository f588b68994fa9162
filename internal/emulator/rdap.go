package emulator

import (
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// The sandbox's RDAP service (RFC 9082/9083) on its HTTP handler: an
// IANA-format bootstrap file (RFC 9224) that sends every TLD to the
// sandbox itself, and a domain object per domain, from the same
// declarations the resolver answers from.

// RDAPBootstrapPath is the path of the bootstrap file; the RDAP base URL
// it names is the same host's /rdap/.
const RDAPBootstrapPath = "/rdap/dns.json"

// rdapTLDs are served whatever the state holds, so a policy's own domain
// has a registry.
var rdapTLDs = []string{"com", "net", "org", "io", "co", "dev", "app", "cloud", "ai", "biz", "info", "us", "uk", "de", "fr", "eu", "ch", "nl", "it", "es", "ca", "au", "jp", "in", "br", "tech", "xyz"}

// rdapRegistered is when every sandbox domain was registered and last
// changed: fixed, so answers are reproducible.
var (
	rdapRegistered  = time.Date(2016, 4, 12, 14, 3, 27, 0, time.UTC)
	rdapLastChanged = time.Date(2024, 4, 13, 9, 12, 41, 0, time.UTC)
)

func (e *Emulator) serveRDAP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rdapError(w, http.StatusMethodNotAllowed, "Method Not Allowed", "the sandbox's RDAP service answers GET")
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host + "/rdap/"
	e.mu.Lock()
	now := e.now().UTC().Truncate(time.Second)
	st := e.state
	switch {
	case r.URL.Path == RDAPBootstrapPath:
		tlds := st.tlds()
		e.mu.Unlock()
		writeJSONType(w, http.StatusOK, "application/json", map[string]any{
			"version":     "1.0",
			"publication": now.Format(time.RFC3339),
			"description": "altcontacts sandbox RDAP bootstrap: every TLD is served by the sandbox",
			"services":    [][][]string{{tlds, {base}}},
		})
	case strings.HasPrefix(r.URL.Path, "/rdap/domain/"):
		name := strings.TrimSuffix(strings.ToLower(strings.TrimPrefix(r.URL.Path, "/rdap/domain/")), ".")
		if _, ok := dns.IsDomainName(name); !ok || name == "" || strings.Contains(name, "/") {
			e.mu.Unlock()
			rdapError(w, http.StatusBadRequest, "Bad Request", "not a domain name")
			return
		}
		d, _ := st.declared(name + ".")
		obj, code := rdapDomain(name, d, now, base)
		e.mu.Unlock()
		switch code {
		case http.StatusNotFound:
			rdapError(w, code, "Not Found", "the domain is not registered")
		case http.StatusServiceUnavailable:
			rdapError(w, code, "Service Unavailable", "the registry's RDAP service is not answering")
		default:
			writeJSONType(w, http.StatusOK, "application/rdap+json", obj)
		}
	default:
		e.mu.Unlock()
		rdapError(w, http.StatusNotFound, "Not Found", "the sandbox serves "+RDAPBootstrapPath+" and /rdap/domain/NAME")
	}
}

// rdapDomain is the RFC 9083 domain object for name, or the status code
// of the error that stands for it.
func rdapDomain(name string, d *Domain, now time.Time, base string) (map[string]any, int) {
	expires := now.AddDate(1, 0, 0)
	if d != nil {
		switch {
		case d.Status == DomainNXDomain:
			return nil, http.StatusNotFound
		case d.NoRDAP:
			return nil, http.StatusServiceUnavailable
		case d.Expires != nil:
			expires = d.Expires.UTC()
		case d.ExpiresIn != nil:
			expires = now.Add(time.Duration(*d.ExpiresIn))
		}
	}
	status := []string{"client transfer prohibited"}
	if !expires.After(now) {
		// What registries show in the grace period after expiry.
		status = []string{"client hold", "redemption period"}
	}
	self := base + "domain/" + name
	return map[string]any{
		"rdapConformance": []string{"rdap_level_0", "icann_rdap_response_profile_0", "icann_rdap_technical_implementation_guide_0"},
		"objectClassName": "domain",
		"handle":          strings.ToUpper(strings.ReplaceAll(name, ".", "_")) + "-SANDBOX",
		"ldhName":         name,
		"status":          status,
		"events": []map[string]string{
			{"eventAction": "registration", "eventDate": rdapRegistered.Format(time.RFC3339)},
			{"eventAction": "expiration", "eventDate": expires.Format(time.RFC3339)},
			{"eventAction": "last changed", "eventDate": rdapLastChanged.Format(time.RFC3339)},
			{"eventAction": "last update of RDAP database", "eventDate": now.Format(time.RFC3339)},
		},
		"nameservers": []map[string]string{
			{"objectClassName": "nameserver", "ldhName": strings.TrimSuffix(sandboxNS, ".")},
		},
		"secureDNS": map[string]bool{"delegationSigned": false},
		"links": []map[string]string{
			{"value": self, "rel": "self", "href": self, "type": "application/rdap+json"},
		},
	}, http.StatusOK
}

// tlds are the common TLDs plus every TLD the state names: declared
// domains, root emails and contact emails.
func (s *State) tlds() []string {
	set := map[string]bool{}
	for _, t := range rdapTLDs {
		set[t] = true
	}
	add := func(name string) {
		name = strings.TrimSuffix(strings.ToLower(name), ".")
		if i := strings.LastIndexByte(name, '@'); i >= 0 {
			name = name[i+1:]
		}
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		if name != "" {
			set[name] = true
		}
	}
	for d := range s.Domains {
		add(d)
	}
	for _, a := range s.Accounts {
		add(a.Email)
		for _, c := range a.Contacts {
			add(c.Email)
		}
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// rdapError writes an RFC 9083 error object.
func rdapError(w http.ResponseWriter, code int, title, desc string) {
	writeJSONType(w, code, "application/rdap+json", map[string]any{
		"rdapConformance": []string{"rdap_level_0"},
		"errorCode":       code,
		"title":           title,
		"description":     []string{desc},
	})
}

func writeJSONType(w http.ResponseWriter, status int, ctype string, v any) {
	w.Header().Set("Content-Type", ctype)
	writeJSON(w, status, v)
}
