package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The route table recognizes requests as guessService and operation did
// before it: these edges are the ones a table could quietly change.
func TestRouteTable(t *testing.T) {
	t.Parallel()
	req := func(method, path string, hdr ...string) *http.Request {
		r := httptest.NewRequest(method, path, strings.NewReader(""))
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		return r
	}
	const form = "application/x-www-form-urlencoded"
	for _, tc := range []struct {
		name string
		r    *http.Request
		want string
	}{
		{"organizations target", req("POST", "/", "X-Amz-Target", "AWSOrganizationsV20161128.ListAccounts"), "organizations"},
		{"config target", req("POST", "/", "X-Amz-Target", "StarlingDoveService.DescribeConfigRules"), "config"},
		{"a target wins over a form", req("POST", "/findings", "X-Amz-Target", "AWSOrganizationsV20161128.X", "Content-Type", form), "organizations"},
		{"a form wins over a path", req("POST", "/findings", "Content-Type", form), "sts"},
		{"security hub path, any method", req("DELETE", "/accounts"), "securityhub"},
		{"under /findings/", req("GET", "/findings/anything"), "securityhub"},
		{"not under /accounts/", req("GET", "/accounts/x"), "account"},
		{"anything else", req("POST", "/nowhere"), "account"},
	} {
		if got := dialect(tc.r); got != tc.want {
			t.Errorf("dialect(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}

	for _, tc := range []struct {
		service string
		r       *http.Request
		want    string // operation; "-" for no service
	}{
		{"organizations", req("POST", "/", "X-Amz-Target", "AWSOrganizationsV20161128.ListAccounts"), "ListAccounts"},
		{"organizations", req("POST", "/", "X-Amz-Target", "NoDot"), "NoDot"},
		{"config", req("POST", "/", "X-Amz-Target", "StarlingDoveService.DescribeConfigRules"), "DescribeConfigRules"},
		{"sts", req("POST", "/", "Content-Type", form), ""},
		{"securityhub", req("POST", "/findings/import"), "BatchImportFindings"},
		{"securityhub", req("GET", "/findings"), ""},
		{"securityhub", req("POST", "/standards/get"), ""},
		{"account", req("POST", "/getAlternateContact"), "GetAlternateContact"},
		{"account", req("GET", "/putAlternateContact"), "PutAlternateContact"},
		{"account", req("POST", "/DeleteAlternateContact"), "DeleteAlternateContact"},
		{"account", req("POST", "/getContactInformation"), ""},
		{"s3", req("GET", "/"), "-"},
	} {
		serve, op := lookup(tc.service, &call{r: tc.r})
		switch {
		case tc.want == "-" && serve != nil:
			t.Errorf("%s: a service the sandbox does not emulate is served", tc.service)
		case tc.want != "-" && serve == nil:
			t.Errorf("%s %s %s: not served", tc.service, tc.r.Method, tc.r.URL.Path)
		case tc.want != "-" && op != tc.want:
			t.Errorf("%s %s %s: op = %q, want %q", tc.service, tc.r.Method, tc.r.URL.Path, op, tc.want)
		}
	}

	for _, tc := range []struct{ path, want string }{
		{"/_sandbox/state", "/_sandbox/"},
		{"/rdap/domain/example.com", "/rdap/"},
		{"/_sandboxed", ""},
	} {
		got := ""
		if rt := sandboxRoute(req("GET", tc.path)); rt != nil {
			got = rt.prefix
		}
		if got != tc.want {
			t.Errorf("sandboxRoute(%s) = %q, want %q", tc.path, got, tc.want)
		}
	}
}
