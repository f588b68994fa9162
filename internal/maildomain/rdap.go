package maildomain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// rdapClient finds a domain's registration expiry: the RDAP server for
// its TLD from the bootstrap file (fetched once per run), then the
// registry's domain object.
type rdapClient struct {
	http         *http.Client
	bootstrapURL string
	timeout      time.Duration

	once      sync.Once
	bootstrap *Bootstrap
	bootErr   error

	requests atomic.Int64
}

// Bootstrap is an RDAP bootstrap file for DNS (RFC 9224 §4): services, each
// a list of TLDs (or longer label sequences) and the base URLs that serve
// them.
type Bootstrap struct {
	Services [][][]string `json:"services"`
}

// ParseBootstrap reads a bootstrap file.
func ParseBootstrap(b []byte) (*Bootstrap, error) {
	var bs Bootstrap
	if err := json.Unmarshal(b, &bs); err != nil {
		return nil, fmt.Errorf("rdap bootstrap: %w", err)
	}
	return &bs, nil
}

// Lookup returns the base URL serving the domain and the matched entry:
// the entry matching the most trailing labels wins (RFC 9224 §4), and an
// https URL is preferred among a service's URLs.
func (b *Bootstrap) Lookup(domain string) (base, suffix string, ok bool) {
	domain = Normalize(domain)
	best := -1
	for _, svc := range b.Services {
		if len(svc) < 2 || len(svc[1]) == 0 {
			continue
		}
		for _, entry := range svc[0] {
			e := Normalize(entry)
			if e == "" || (domain != e && !strings.HasSuffix(domain, "."+e)) {
				continue
			}
			if n := strings.Count(e, ".") + 1; n > best {
				best, suffix, base = n, e, pickURL(svc[1])
			}
		}
	}
	return base, suffix, best >= 0
}

func pickURL(urls []string) string {
	for _, u := range urls {
		if strings.HasPrefix(u, "https://") {
			return u
		}
	}
	return urls[0]
}

// ErrNoRDAP is a domain whose TLD has no RDAP server in the bootstrap file.
var ErrNoRDAP = errors.New("no RDAP server for the domain's TLD")

// errNotFound is a registry's 404 for a name (perhaps a subdomain).
var errNotFound = errors.New("the registry has no record of the domain")

func (r *rdapClient) loadBootstrap(ctx context.Context) (*Bootstrap, error) {
	r.once.Do(func() {
		// The bootstrap is fetched once per run, with its own timeout, so
		// that the first caller's cancellation does not poison the rest.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
		defer cancel()
		b, err := r.get(ctx, r.bootstrapURL)
		if err != nil {
			r.bootErr = fmt.Errorf("rdap bootstrap: %w", err)
			return
		}
		r.bootstrap, r.bootErr = ParseBootstrap(b)
	})
	return r.bootstrap, r.bootErr
}

// expiry is the registration's expiration date (zero when the registry
// publishes none). A 404 for a subdomain walks up to its parent, since
// registries only know registered names and no public suffix list is
// shipped here; it stops one label below the bootstrap entry.
func (r *rdapClient) expiry(ctx context.Context, domain string) (time.Time, error) {
	bs, err := r.loadBootstrap(ctx)
	if err != nil {
		return time.Time{}, err
	}
	base, suffix, ok := bs.Lookup(domain)
	if !ok {
		return time.Time{}, ErrNoRDAP
	}
	name := domain
	for {
		r.requests.Add(1)
		ctx, cancel := context.WithTimeout(ctx, r.timeout)
		b, err := r.get(ctx, strings.TrimSuffix(base, "/")+"/domain/"+name)
		cancel()
		if errors.Is(err, errNotFound) {
			if strings.Count(name, ".") > strings.Count(suffix, ".")+1 {
				_, name, _ = strings.Cut(name, ".")
				continue
			}
		}
		if err != nil {
			return time.Time{}, err
		}
		return ParseExpiry(b)
	}
}

// domainObject is the part of an RDAP domain object (RFC 9083 §5.3) read here.
type domainObject struct {
	ObjectClassName string `json:"objectClassName"`
	Events          []struct {
		Action string `json:"eventAction"`
		Date   string `json:"eventDate"`
	} `json:"events"`
}

// ParseExpiry reads the expiration event of an RDAP domain object; zero
// when it has none (many ccTLD registries publish none).
func ParseExpiry(b []byte) (time.Time, error) {
	var d domainObject
	if err := json.Unmarshal(b, &d); err != nil {
		return time.Time{}, fmt.Errorf("rdap domain object: %w", err)
	}
	for _, e := range d.Events {
		if e.Action != "expiration" {
			continue
		}
		t, err := time.Parse(time.RFC3339, e.Date)
		if err != nil {
			return time.Time{}, fmt.Errorf("rdap expiration date %q: %w", e.Date, err)
		}
		return t, nil
	}
	return time.Time{}, nil
}

func (r *rdapClient) get(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/rdap+json, application/json")
	resp, err := r.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("no answer within %s", r.timeout)
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, errNotFound
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", req.URL.Host, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 4<<20))
}
