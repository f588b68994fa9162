package emulator

import (
	"net/http"
	"strings"
)

// route is one row of [routes]: how a request is recognized, the service
// it belongs to and what serves it.
type route struct {
	// A sandbox endpoint, not an AWS API: every request under prefix goes
	// to raw before its body is read or its signature looked at.
	prefix string
	raw    func(*Emulator, http.ResponseWriter, *http.Request)

	// An AWS API. service is its signing name: a signed request takes the
	// routes of the service it was signed for, and every response, errors
	// included, speaks that service's dialect (see [Emulator.fail]).
	service string
	serve   func(*Emulator, *call)

	// How the request names its operation, by protocol (one of):
	//   - target (awsJson1_1): an X-Amz-Target starting so; the operation
	//     is what follows its last '.';
	//   - query (awsQuery): a form-encoded body; the operation is its Action;
	//   - path (restJson1): the path, and the method unless method is
	//     empty, name op.
	target string
	query  bool
	method string
	path   string
	op     string
}

// routes is the emulator's one routing table; adding an operation is a
// row here (for restJson1 services) and its case in the service's serve.
// Order matters only for unsigned requests, which carry no signing name:
// the first row that recognizes one picks its error dialect, and one that
// none recognizes gets the Account API's.
var routes = []route{
	{prefix: "/_sandbox/", raw: (*Emulator).serveAdmin},
	{prefix: "/rdap/", raw: (*Emulator).serveRDAP},

	{service: "organizations", target: "AWSOrganizations", serve: (*Emulator).serveOrganizations},
	{service: "config", target: "StarlingDoveService.", serve: (*Emulator).serveConfig},
	{service: "sts", query: true, serve: (*Emulator).serveSTS},

	{service: "securityhub", method: http.MethodPost, path: "/findings", op: "GetFindings", serve: (*Emulator).serveSecurityHub},
	{service: "securityhub", method: http.MethodPost, path: "/findings/import", op: "BatchImportFindings", serve: (*Emulator).serveSecurityHub},
	{service: "securityhub", method: http.MethodGet, path: "/accounts", op: "DescribeHub", serve: (*Emulator).serveSecurityHub},
	{service: "securityhub", method: http.MethodPost, path: "/findingsv2", op: "GetFindingsV2", serve: (*Emulator).serveSecurityHub},
	{service: "securityhub", method: http.MethodGet, path: "/hubv2", op: "DescribeSecurityHubV2", serve: (*Emulator).serveSecurityHub},

	// The Account API's paths answer on any method, as they always have
	// here.
	{service: "account", path: "/getAlternateContact", op: "GetAlternateContact", serve: (*Emulator).serveAccount},
	{service: "account", path: "/putAlternateContact", op: "PutAlternateContact", serve: (*Emulator).serveAccount},
	{service: "account", path: "/deleteAlternateContact", op: "DeleteAlternateContact", serve: (*Emulator).serveAccount},
}

// sandboxRoute returns the sandbox endpoint r asks for, or nil.
func sandboxRoute(r *http.Request) *route {
	for i := range routes {
		if rt := &routes[i]; rt.prefix != "" && strings.HasPrefix(r.URL.Path, rt.prefix) {
			return rt
		}
	}
	return nil
}

// dialect names the service whose error dialect answers an unsigned
// request: the first route that recognizes it, else the Account API.
func dialect(r *http.Request) string {
	target := r.Header.Get("X-Amz-Target")
	form := strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded")
	for _, rt := range routes {
		switch {
		case rt.service == "":
		case rt.target != "" && strings.HasPrefix(target, rt.target),
			rt.query && form,
			rt.path != "" && rt.owns(r.URL.Path):
			return rt.service
		}
	}
	return "account"
}

// owns reports whether p is a restJson1 route's path, or lies in the
// directory below the root that the path does (/findings/... for
// /findings/import), since the service answers there whatever the method.
func (rt *route) owns(p string) bool {
	if p == rt.path {
		return true
	}
	dir := rt.path[:max(strings.LastIndexByte(rt.path, '/'), 0)]
	return dir != "" && strings.HasPrefix(p, dir+"/")
}

// lookup finds what serves a request signed for service and names its
// operation, for statistics, quotas and faults. serve is nil for a service
// the sandbox does not emulate; op is empty for a restJson1 path no route
// names (the service answers it as unknown).
func lookup(service string, c *call) (serve func(*Emulator, *call), op string) {
	for i := range routes {
		rt := &routes[i]
		if rt.service != service {
			continue
		}
		serve = rt.serve
		switch {
		case rt.target != "":
			t := c.r.Header.Get("X-Amz-Target")
			if i := strings.LastIndexByte(t, '.'); i >= 0 {
				return serve, t[i+1:]
			}
			return serve, t
		case rt.query:
			return serve, queryAction(c)
		case rt.matches(c.r):
			return serve, rt.op
		}
	}
	return serve, ""
}

// matches reports whether a restJson1 route names r's operation. A route
// with no method (the Account API's) also answers its operation's name as
// the path, /GetAlternateContact as /getAlternateContact.
func (rt *route) matches(r *http.Request) bool {
	if rt.path == "" || rt.method != "" && r.Method != rt.method {
		return false
	}
	return r.URL.Path == rt.path || rt.method == "" && r.URL.Path == "/"+rt.op
}

// queryAction is an awsQuery request's Action, from the form or the raw
// body.
func queryAction(c *call) string {
	if err := c.r.ParseForm(); err == nil {
		if a := c.r.PostForm.Get("Action"); a != "" {
			return a
		}
	}
	if vals, err := parseQuery(c.body); err == nil {
		return vals.Get("Action")
	}
	return ""
}
