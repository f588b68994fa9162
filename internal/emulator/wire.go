package emulator

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/time/rate"
)

// apiError is an AWS error response before it is put in a protocol's shape.
type apiError struct {
	status int
	code   string
	msg    string
	// extra members of the error structure (Reason, fieldList, ...).
	extra map[string]any
}

func (e apiError) Error() string { return e.code + ": " + e.msg }

// unknown answers an operation the emulator (like AWS) does not know,
// counting it as a request.
func (e *Emulator) unknown(c *call, err apiError) {
	e.mu.Lock()
	e.stats.Requests++
	e.mu.Unlock()
	e.fail(c, err)
}

// fail writes err in the error dialect of c.service and counts it.
func (e *Emulator) fail(c *call, err apiError) {
	h := c.w.Header()
	switch c.service {
	case "organizations":
		// awsJson1_1: the code travels in __type; the model's member is
		// Message with a capital M.
		body := map[string]any{"__type": err.code, "Message": err.msg}
		for k, v := range err.extra {
			body[k] = v
		}
		h.Set("Content-Type", "application/x-amz-json-1.1")
		writeJSON(c.w, err.status, body)
	case "config":
		// awsJson1_1 too, but Config's error shapes name the member
		// message, lowercase.
		h.Set("Content-Type", "application/x-amz-json-1.1")
		writeJSON(c.w, err.status, map[string]any{"__type": err.code, "message": err.msg})
	case "sts":
		kind := "Sender"
		if err.status >= 500 {
			kind = "Receiver"
		}
		h.Set("Content-Type", "text/xml")
		c.w.WriteHeader(err.status)
		fmt.Fprintf(c.w, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>%s</Type>\n    <Code>%s</Code>\n    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n",
			kind, xmlEscape(err.code), xmlEscape(err.msg), c.reqID)
	case "securityhub":
		// Security Hub's error shapes carry Code and Message members.
		body := map[string]any{"Code": err.code, "Message": err.msg}
		h.Set("Content-Type", "application/json")
		h.Set("x-amzn-ErrorType", err.code)
		writeJSON(c.w, err.status, body)
	default:
		// restJson1 behind API Gateway: the code is in x-amzn-ErrorType;
		// the model's member is lowercase message.
		body := map[string]any{"message": err.msg}
		for k, v := range err.extra {
			body[k] = v
		}
		h.Set("Content-Type", "application/json")
		h.Set("x-amzn-ErrorType", err.code)
		writeJSON(c.w, err.status, body)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = 500, []byte(`{"message":"marshal"}`)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// ok writes a successful JSON response in c.service's content type; a nil v
// writes an empty body, as the Account API does for Put and Delete.
func (e *Emulator) ok(c *call, v any) {
	switch c.service {
	case "organizations", "config":
		c.w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	default:
		c.w.Header().Set("Content-Type", "application/json")
	}
	if v == nil {
		c.w.Header().Set("Content-Length", "0")
		c.w.WriteHeader(200)
		return
	}
	writeJSON(c.w, 200, v)
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func parseQuery(body []byte) (url.Values, error) { return url.ParseQuery(string(body)) }

// decode reads a JSON request body into v; a malformed body is the
// protocol's serialization error.
func decode(c *call, v any) *apiError {
	if len(strings.TrimSpace(string(c.body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		code := "SerializationException"
		switch {
		case c.service == "securityhub" && strings.HasSuffix(c.op, "V2"):
			// The V2 operations list ValidationException, not
			// InvalidInputException, in the model.
			code = "ValidationException"
		case c.service == "securityhub":
			code = "InvalidInputException"
		}
		return &apiError{status: 400, code: code, msg: "Could not parse the request body: " + err.Error()}
	}
	return nil
}

// Stats counts what the emulator served; see `GET /_sandbox/stats`.
type Stats struct {
	Requests   int                `json:"requests"`
	Throttled  int                `json:"throttled"`
	Faults     int                `json:"faults"`
	Writes     int                `json:"writes"`
	Operations map[string]OpStats `json:"operations"`
	// DNS counts what the sandbox's resolver answered.
	DNS DNSStats `json:"dns"`
}

// OpStats counts one operation.
type OpStats struct {
	Requests  int `json:"requests"`
	Throttled int `json:"throttled"`
	Faults    int `json:"faults"`
}

// Stats returns a copy of the counters.
func (e *Emulator) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.stats
	s.Operations = map[string]OpStats{}
	for k, v := range e.stats.Operations {
		s.Operations[k] = v
	}
	if e.stats.DNS.ByType != nil {
		s.DNS.ByType = map[string]int{}
		for k, v := range e.stats.DNS.ByType {
			s.DNS.ByType[k] = v
		}
	}
	return s
}

// ResetStats zeroes the counters.
func (e *Emulator) ResetStats() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats = Stats{}
}

func (e *Emulator) count(op string, f func(*OpStats)) {
	if e.stats.Operations == nil {
		e.stats.Operations = map[string]OpStats{}
	}
	s := e.stats.Operations[op]
	f(&s)
	e.stats.Operations[op] = s
}

// quota is one published rate limit.
type quota struct {
	rate  float64
	burst int
}

// quotas are AWS's published per-account limits (docs/aws-facts.md, "Account: quotas").
var quotas = map[string]quota{
	"account/GetAlternateContact":     {10, 15},
	"account/PutAlternateContact":     {5, 8},
	"account/DeleteAlternateContact":  {1, 6},
	"securityhub/GetFindings":         {3, 6},
	"securityhub/BatchImportFindings": {10, 30},
	"securityhub/DescribeHub":         {10, 30},
	// AWS publishes no GetFindingsV2 quota; the sandbox gives it
	// GetFindings' 3/s burst 6 in a bucket of its own (UNCONFIRMED), and
	// DescribeSecurityHubV2 the "all others" 10/s burst 30.
	"securityhub/GetFindingsV2":         {3, 6},
	"securityhub/DescribeSecurityHubV2": {10, 30},
	// AWS publishes no per-operation rate for AWS Config's reads (its
	// quotas page lists resource counts only); the sandbox gives the
	// compliance reads Security Hub GetFindings' 3/s burst 6, each in a
	// bucket of its own (UNCONFIRMED), the rate altcontacts paces at.
	"config/DescribeAggregateComplianceByConfigRules":  {3, 6},
	"config/GetAggregateComplianceDetailsByConfigRule": {3, 6},
	"config/GetComplianceDetailsByConfigRule":          {3, 6},
}

// Quota is a published rate limit, exported for benchmarks that report
// against the quota lower bound.
type Quota struct {
	Rate  float64
	Burst int
}

// DefaultQuota returns AWS's published quota for service/op (zero when AWS
// publishes none).
func DefaultQuota(service, op string) Quota {
	q := quotas[service+"/"+op]
	return Quota{Rate: q.rate, Burst: q.burst}
}

type bucketKey struct{ caller, op string }

// admit counts the request and applies quotas and faults. target is the
// account the call acts on (for faults); it returns the error to send.
// Called with e.mu held.
func (e *Emulator) admit(c *call, target string) *apiError {
	e.stats.Requests++
	e.count(c.op, func(s *OpStats) { s.Requests++ })
	if err := e.throttle(c); err != nil {
		e.stats.Throttled++
		e.count(c.op, func(s *OpStats) { s.Throttled++ })
		return err
	}
	if err := e.injectFault(c, target); err != nil {
		e.stats.Faults++
		e.count(c.op, func(s *OpStats) { s.Faults++ })
		return err
	}
	return nil
}

func (e *Emulator) throttle(c *call) *apiError {
	set := e.state.Settings
	if set.NoThrottle {
		return nil
	}
	q, found := quotas[c.service+"/"+c.op]
	if pq, ok := partitionQuotas[e.state.partition()][c.service+"/"+c.op]; ok {
		q = pq
	}
	if c.service == "organizations" && set.OrganizationsRate > 0 {
		q, found = quota{set.OrganizationsRate, max(set.OrganizationsBurst, 1)}, true
	}
	if !found {
		return nil
	}
	scale := set.QuotaScale
	if scale <= 0 {
		scale = 1
	}
	key := bucketKey{c.caller, c.service + "/" + c.op}
	lim := e.buckets[key]
	if lim == nil {
		burst := int(float64(q.burst)*scale + 0.5)
		lim = rate.NewLimiter(rate.Limit(q.rate*scale), max(burst, 1))
		// A fresh bucket is full at the current (possibly injected) time.
		lim.AllowN(e.now(), 0)
		e.buckets[key] = lim
	}
	if lim.AllowN(e.now(), 1) {
		return nil
	}
	switch c.service {
	case "organizations":
		return &apiError{status: 400, code: "TooManyRequestsException",
			msg: "AWS Organizations can't complete your request because another request is already in progress. Try again later."}
	case "securityhub":
		return &apiError{status: 429, code: "LimitExceededException", msg: "Rate exceeded"}
	case "config":
		// As Config answers (a 400 ThrottlingException "Rate exceeded",
		// seen in public reports such as elastic/integrations#15764).
		return &apiError{status: 400, code: "ThrottlingException", msg: "Rate exceeded"}
	}
	return &apiError{status: 429, code: "TooManyRequestsException", msg: "Too Many Requests"}
}

func (e *Emulator) injectFault(c *call, target string) *apiError {
	for _, f := range e.state.Settings.Faults {
		if f.Op != "*" && f.Op != c.op {
			continue
		}
		if f.Account != "" && f.Account != target {
			continue
		}
		if f.Rate < 1 && e.rng.Float64() >= f.Rate {
			continue
		}
		err := faultError(c, f.Error)
		return &err
	}
	return nil
}

// faultError builds the error AWS would send for code from c's service.
func faultError(c *call, code string) apiError {
	switch code {
	case "AccessDeniedException", "AccessDenied":
		if c.service == "organizations" {
			return apiError{status: 400, code: "AccessDeniedException", msg: "You don't have permissions to access this resource."}
		}
		return denied(c, "")
	case "TooManyRequestsException":
		if c.service == "organizations" {
			return apiError{status: 400, code: code, msg: "You have sent too many requests in too short a period of time. Try again later."}
		}
		return apiError{status: 429, code: code, msg: "Too Many Requests"}
	case "LimitExceededException", "ThrottlingException":
		return apiError{status: 429, code: code, msg: "Rate exceeded"}
	case "InternalServerException", "InternalException":
		return apiError{status: 500, code: code, msg: "Internal server error"}
	case "ServiceException":
		return apiError{status: 500, code: code, msg: "AWS Organizations can't complete your request because of an internal service error. Try again later."}
	case "ResourceNotFoundException":
		if c.service == "account" {
			return apiError{status: 404, code: code, msg: msgNoContact}
		}
		return apiError{status: 404, code: code, msg: "Resource not found"}
	case "InvalidAccessException":
		return apiError{status: 401, code: code, msg: fmt.Sprintf("Account %s is not subscribed to AWS Security Hub", c.caller)}
	case "ValidationException":
		return apiError{status: 400, code: code, msg: "Invalid request", extra: map[string]any{"reason": "fieldValidationFailed"}}
	case "AWSOrganizationsNotInUseException":
		return apiError{status: 400, code: code, msg: "Your account is not a member of an organization."}
	}
	if c.service == "organizations" || c.service == "sts" {
		return apiError{status: 400, code: code, msg: "Injected fault"}
	}
	return apiError{status: 500, code: code, msg: "Injected fault"}
}

// denied is the Account API's 403, with AWS's optional parenthetical reason.
func denied(c *call, reason string) apiError {
	msg := fmt.Sprintf("User: %s is not authorized to perform: account:%s", c.arn, c.op)
	if reason != "" {
		msg += " (" + reason + ")"
	}
	return apiError{status: 403, code: "AccessDeniedException", msg: msg}
}

// pageToken is what an opaque NextToken encodes.
type pageToken struct {
	Op     string `json:"o"`
	Offset int    `json:"i"`
	// Served marks that the empty page for this offset was already given.
	Served bool `json:"e,omitempty"`
}

// page cuts [0,n) into a page for a list call. It returns the slice bounds
// and the NextToken ("" at the end). limit is the model's MaxResults cap.
func (e *Emulator) page(c *call, n int, token string, maxResults *int, limit int, invalid func(string) apiError) (lo, hi int, next string, err *apiError) {
	size := limit
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > limit {
			er := invalid(fmt.Sprintf("MaxResults must be between 1 and %d", limit))
			return 0, 0, "", &er
		}
		size = *maxResults
	}
	var t pageToken
	if token != "" {
		b, derr := base64.RawURLEncoding.DecodeString(token)
		if derr != nil || json.Unmarshal(b, &t) != nil || t.Op != c.op || t.Offset < 0 || t.Offset > n {
			er := invalid("The provided token is invalid.")
			return 0, 0, "", &er
		}
	}
	enc := func(t pageToken) string {
		b, _ := json.Marshal(t)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	if e.state.Settings.EmptyPages && !t.Served && t.Offset < n {
		return t.Offset, t.Offset, enc(pageToken{Op: c.op, Offset: t.Offset, Served: true}), nil
	}
	lo, hi = t.Offset, min(t.Offset+size, n)
	if hi < n {
		next = enc(pageToken{Op: c.op, Offset: hi})
	}
	return lo, hi, next, nil
}
