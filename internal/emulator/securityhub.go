package emulator

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"
	"time"
)

const (
	generatorConsolidated = "security-control/Account.1"
	generatorFSBP         = "aws-foundational-security-best-practices/v/1.0.0/Account.1"
	fsbpStandard          = "standards/aws-foundational-security-best-practices/v/1.0.0"
	account1Title         = "Security contact information should be provided for an AWS account"
)

// filterFields maps the GetFindings StringFilter names the emulator
// supports to paths in the ASFF document; "[]" fans out over a list.
var filterFields = map[string]string{
	"Id":                              "Id",
	"ProductArn":                      "ProductArn",
	"ProductName":                     "ProductName",
	"CompanyName":                     "CompanyName",
	"GeneratorId":                     "GeneratorId",
	"AwsAccountId":                    "AwsAccountId",
	"Region":                          "Region",
	"Title":                           "Title",
	"Description":                     "Description",
	"Type":                            "Types[]",
	"SeverityLabel":                   "Severity.Label",
	"ComplianceStatus":                "Compliance.Status",
	"ComplianceSecurityControlId":     "Compliance.SecurityControlId",
	"ComplianceAssociatedStandardsId": "Compliance.AssociatedStandards[].StandardsId",
	"RecordState":                     "RecordState",
	"WorkflowStatus":                  "Workflow.Status",
	"WorkflowState":                   "WorkflowState",
	"ResourceType":                    "Resources[].Type",
	"ResourceId":                      "Resources[].Id",
}

type stringFilter struct {
	Value      *string
	Comparison *string
}

type findingsInput struct {
	Filters    map[string][]stringFilter
	NextToken  *string
	MaxResults *int
	Findings   []Finding
}

func shInvalid(msg string) apiError {
	return apiError{status: 400, code: "InvalidInputException", msg: msg}
}

func (e *Emulator) serveSecurityHub(c *call) {
	if c.op == "" { // no route names the method and path
		e.unknown(c, apiError{status: 404, code: "UnknownOperationException", msg: "Unknown operation " + c.r.Method + " " + c.r.URL.Path})
		return
	}
	var in findingsInput
	var inV2 findingsV2Input
	var derr *apiError
	switch c.op {
	case "GetFindings", "BatchImportFindings":
		derr = decode(c, &in)
	case "GetFindingsV2":
		derr = decode(c, &inV2)
	}
	if derr != nil {
		e.fail(c, *derr)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evaluateIfDue()
	if err := e.admit(c, c.caller); err != nil {
		e.fail(c, *err)
		return
	}
	hub := &e.state.SecurityHub
	known := e.state.member(c.caller) != nil || e.state.account(c.caller) != nil
	switch c.op {
	case "DescribeSecurityHubV2":
		if !hub.V2 || !known {
			// The model lists ResourceNotFoundException for an account
			// without the service; the text is UNCONFIRMED.
			e.fail(c, apiError{status: 404, code: "ResourceNotFoundException",
				msg: fmt.Sprintf("Security Hub is not enabled for account %s in this Region", c.caller)})
			return
		}
		// The HubV2Arn's resource part is UNCONFIRMED; hubv2/default
		// mirrors the CSPM hub's hub/default.
		e.ok(c, map[string]any{
			"HubV2Arn":     fmt.Sprintf("%ssecurityhub:%s:%s:hubv2/default", e.arnPrefix(), hub.Region, c.caller),
			"SubscribedAt": iso(time.Date(2025, 12, 2, 0, 0, 0, 0, time.UTC)),
		})
		return
	case "GetFindingsV2":
		if !hub.V2 || !known {
			// GetFindingsV2 has no InvalidAccessException in the model;
			// AccessDeniedException is the closest it lists (UNCONFIRMED).
			e.fail(c, apiError{status: 403, code: "AccessDeniedException",
				msg: fmt.Sprintf("Account %s is not subscribed to Security Hub", c.caller)})
			return
		}
		e.getFindingsV2(c, &inV2)
		return
	}
	if !hub.Enabled || !known {
		// UNCONFIRMED text (docs/aws-facts.md, "Unconfirmed"); the status and code are the model's.
		e.fail(c, apiError{status: 401, code: "InvalidAccessException",
			msg: fmt.Sprintf("Account %s is not subscribed to AWS Security Hub", c.caller)})
		return
	}
	switch c.op {
	case "DescribeHub":
		e.ok(c, map[string]any{
			"HubArn":                  fmt.Sprintf("%ssecurityhub:%s:%s:hub/default", e.arnPrefix(), hub.Region, c.caller),
			"SubscribedAt":            iso(time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)),
			"AutoEnableControls":      true,
			"ControlFindingGenerator": hub.ControlFindingGenerator,
		})
	case "GetFindings":
		e.getFindings(c, &in)
	case "BatchImportFindings":
		e.importFindings(c, &in)
	}
}

func (e *Emulator) getFindings(c *call, in *findingsInput) {
	if len(in.Filters) > 10 {
		e.fail(c, shInvalid("Filters can contain at most 10 attributes."))
		return
	}
	names := make([]string, 0, len(in.Filters))
	for name, fs := range in.Filters {
		if _, ok := filterFields[name]; !ok {
			e.fail(c, shInvalid(fmt.Sprintf("The filter %s is not supported by the altcontacts sandbox.", name)))
			return
		}
		if len(fs) > 20 {
			e.fail(c, shInvalid(fmt.Sprintf("Filter %s can contain at most 20 values.", name)))
			return
		}
		for _, f := range fs {
			if f.Value == nil || f.Comparison == nil {
				e.fail(c, shInvalid(fmt.Sprintf("Filter %s requires Value and Comparison.", name)))
				return
			}
			switch *f.Comparison {
			case "EQUALS", "PREFIX", "NOT_EQUALS", "PREFIX_NOT_EQUALS", "CONTAINS", "NOT_CONTAINS", "CONTAINS_WORD":
			default:
				e.fail(c, shInvalid(fmt.Sprintf("Invalid Comparison %q for filter %s.", *f.Comparison, name)))
				return
			}
		}
		names = append(names, name)
	}
	sort.Strings(names)
	admin := e.hubAdmin()
	var hits []any
	for _, f := range e.state.SecurityHub.Findings {
		if c.caller != admin && str(f["AwsAccountId"]) != c.caller {
			continue
		}
		ok := true
		for _, name := range names {
			if !matchFilters(values(f, filterFields[name]), in.Filters[name]) {
				ok = false
				break
			}
		}
		if ok {
			hits = append(hits, f)
		}
	}
	tok := ""
	if in.NextToken != nil {
		tok = *in.NextToken
	}
	lo, hi, next, err := e.page(c, len(hits), tok, in.MaxResults, 100, shInvalid)
	if err != nil {
		e.fail(c, *err)
		return
	}
	out := map[string]any{"Findings": append([]any{}, hits[lo:hi]...)}
	if next != "" {
		out["NextToken"] = next
	}
	e.ok(c, out)
}

// matchFilters applies Security Hub's StringFilter semantics for one
// attribute: positive comparisons are ORed, negative ones ANDed, and both
// groups must hold.
func matchFilters(vals []string, fs []stringFilter) bool {
	anyPos, posHit := false, false
	for _, f := range fs {
		v, cmp := *f.Value, *f.Comparison
		test := func(pred func(string) bool) bool {
			for _, x := range vals {
				if pred(x) {
					return true
				}
			}
			return false
		}
		switch cmp {
		case "EQUALS":
			anyPos = true
			posHit = posHit || test(func(x string) bool { return x == v })
		case "PREFIX":
			anyPos = true
			posHit = posHit || test(func(x string) bool { return strings.HasPrefix(x, v) })
		case "CONTAINS":
			anyPos = true
			posHit = posHit || test(func(x string) bool { return strings.Contains(x, v) })
		case "CONTAINS_WORD":
			anyPos = true
			posHit = posHit || test(func(x string) bool {
				for _, w := range strings.Fields(x) {
					if w == v {
						return true
					}
				}
				return false
			})
		case "NOT_EQUALS":
			if test(func(x string) bool { return x == v }) {
				return false
			}
		case "PREFIX_NOT_EQUALS":
			if test(func(x string) bool { return strings.HasPrefix(x, v) }) {
				return false
			}
		case "NOT_CONTAINS":
			if test(func(x string) bool { return strings.Contains(x, v) }) {
				return false
			}
		}
	}
	return !anyPos || posHit
}

// values reads a dotted path from a JSON document, fanning out at "[]".
func values(doc any, path string) []string {
	if path == "" {
		if s, ok := doc.(string); ok {
			return []string{s}
		}
		return nil
	}
	head, rest, _ := strings.Cut(path, ".")
	fan := strings.HasSuffix(head, "[]")
	head = strings.TrimSuffix(head, "[]")
	m, ok := doc.(map[string]any)
	if !ok {
		return nil
	}
	v := m[head]
	if !fan {
		return values(v, rest)
	}
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		out = append(out, values(x, rest)...)
	}
	return out
}

func str(v any) string { s, _ := v.(string); return s }

func (e *Emulator) hubAdmin() string {
	if e.state.SecurityHub.Admin != "" {
		return e.state.SecurityHub.Admin
	}
	if e.state.Organization != nil {
		return e.state.Organization.ManagementAccount
	}
	return ""
}

var asffRequired = []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt", "UpdatedAt", "Title", "Description", "Resources"}

func (e *Emulator) importFindings(c *call, in *findingsInput) {
	if len(in.Findings) < 1 || len(in.Findings) > 100 {
		e.fail(c, shInvalid("Findings must contain between 1 and 100 findings."))
		return
	}
	type failed struct{ Id, ErrorCode, ErrorMessage string }
	var fails []failed
	okCount := 0
	hub := &e.state.SecurityHub
	for _, f := range in.Findings {
		id := str(f["Id"])
		missing := ""
		for _, k := range asffRequired {
			if _, ok := f[k]; !ok {
				missing = k
				break
			}
		}
		switch {
		case missing != "":
			fails = append(fails, failed{id, "InvalidInput", "Finding is missing required field " + missing})
			continue
		case str(f["AwsAccountId"]) != c.caller && strings.HasSuffix(str(f["ProductArn"]), ":product/"+c.caller+"/default"):
			fails = append(fails, failed{id, "AccessDenied", "The AwsAccountId of a finding imported with the default product ARN must be the caller's account."})
			continue
		case !strings.Contains(str(f["ProductArn"]), ":product/"+c.caller+"/") && c.caller != e.hubAdmin():
			fails = append(fails, failed{id, "AccessDenied", "The caller is not authorized to import findings for this product."})
			continue
		}
		if _, ok := f["RecordState"]; !ok {
			f["RecordState"] = "ACTIVE"
		}
		replaced := false
		for i, old := range hub.Findings {
			if str(old["Id"]) == id && str(old["ProductArn"]) == str(f["ProductArn"]) {
				hub.Findings[i] = f
				replaced = true
			}
		}
		if !replaced {
			hub.Findings = append(hub.Findings, f)
		}
		okCount++
	}
	if okCount > 0 {
		e.mutated()
	}
	out := map[string]any{"SuccessCount": okCount, "FailedCount": len(fails)}
	ff := []any{}
	for _, f := range fails {
		ff = append(ff, map[string]string{"Id": f.Id, "ErrorCode": f.ErrorCode, "ErrorMessage": f.ErrorMessage})
	}
	out["FailedFindings"] = ff
	e.ok(c, out)
}

// evaluateIfDue runs the periodic Account.1 evaluation when its interval has
// passed. Evaluating lazily, on the next request, is indistinguishable from
// a timer to a client and needs no goroutine. Called with e.mu held.
func (e *Emulator) evaluateIfDue() {
	hub := &e.state.SecurityHub
	iv := time.Duration(e.state.Settings.EvaluationInterval)
	if !hub.Enabled && !hub.V2 && !e.state.Config.Enabled {
		return
	}
	if hub.LastEvaluation.IsZero() || (iv > 0 && !e.now().Before(hub.LastEvaluation.Add(iv))) {
		e.evaluate()
	}
}

// evaluate is Security Hub's periodic run of the Account.1 control: one
// finding per ACTIVE account, PASSED when a SECURITY contact exists.
func (e *Emulator) evaluate() {
	hub := &e.state.SecurityHub
	now := e.now().UTC()
	hub.LastEvaluation = now
	e.mutated()
	// One evaluation clock: AWS Config's rule is what Account.1 runs on.
	e.evaluateConfig(now)
	if !hub.Enabled && !hub.V2 {
		return
	}
	if !e.state.account1Exists() {
		// No Config rule behind Account.1 in this partition: the control
		// never produces a finding.
		return
	}
	// Without an organization, Security Hub still evaluates each account
	// on its own.
	covered := func() []*Account { return e.members("") }
	if e.state.Organization == nil {
		covered = e.state.SortedAccounts
	}
	region := e.state.hubRegion()
	active := map[string]*Account{}
	for _, a := range covered() {
		if a.State == "ACTIVE" {
			active[a.ID] = a
		}
	}
	byID := map[string]Finding{}
	for _, f := range hub.Findings {
		byID[str(f["Id"])] = f
	}
	for _, a := range covered() {
		if a.State != "ACTIVE" && byID[e.findingID(a.ID, region)] == nil {
			continue
		}
		id := e.findingID(a.ID, region)
		f := byID[id]
		if f == nil {
			f = e.newAccount1Finding(a.ID, region, now)
			hub.Findings = append(hub.Findings, f)
			byID[id] = f
		}
		if !hub.Account1 || active[a.ID] == nil {
			if str(f["RecordState"]) != "ARCHIVED" {
				f["RecordState"] = "ARCHIVED"
				f["UpdatedAt"] = iso(now)
			}
			continue
		}
		status := "FAILED"
		if a.Contacts["SECURITY"] != nil {
			status = "PASSED"
		}
		comp := f["Compliance"].(map[string]any)
		if comp["Status"] != status || str(f["RecordState"]) != "ACTIVE" {
			comp["Status"] = status
			f["RecordState"] = "ACTIVE"
			wf := "NEW"
			if status == "PASSED" {
				wf = "RESOLVED"
			}
			f["Workflow"] = map[string]any{"Status": wf}
			f["WorkflowState"] = "NEW"
		}
		f["UpdatedAt"] = iso(now)
	}
}

func (e *Emulator) findingID(account, region string) string {
	// Finding ids derive from the account and Region, never from
	// randomness, so snapshots and golden files are stable.
	sum := sha256.Sum256([]byte(account + "/Account.1/" + region))
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	u := fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
	if e.state.SecurityHub.ControlFindingGenerator == "STANDARD_CONTROL" {
		return fmt.Sprintf(e.arnPrefix()+"securityhub:%s:%s:subscription/aws-foundational-security-best-practices/v/1.0.0/Account.1/finding/%s", region, account, u)
	}
	return fmt.Sprintf(e.arnPrefix()+"securityhub:%s:%s:security-control/Account.1/finding/%s", region, account, u)
}

func (e *Emulator) newAccount1Finding(account, region string, now time.Time) Finding {
	gen := generatorConsolidated
	standard := e.state.SecurityHub.ControlFindingGenerator == "STANDARD_CONTROL"
	if standard {
		gen = generatorFSBP
	}
	f := Finding{
		"SchemaVersion": "2018-10-08",
		"Id":            e.findingID(account, region),
		"ProductArn":    fmt.Sprintf(e.arnPrefix()+"securityhub:%s::product/aws/securityhub", region),
		"ProductName":   "Security Hub",
		"CompanyName":   "AWS",
		"Region":        region,
		"GeneratorId":   gen,
		"AwsAccountId":  account,
		"Types":         []any{"Software and Configuration Checks/Industry and Regulatory Standards"},
		"CreatedAt":     iso(now),
		"UpdatedAt":     iso(now),
		"Severity":      map[string]any{"Label": "MEDIUM", "Normalized": 40, "Original": "MEDIUM"},
		"Title":         account1Title,
		"Description":   "This AWS control checks if an Amazon Web Services (AWS) account has security contact information.",
		"Remediation": map[string]any{"Recommendation": map[string]any{
			"Text": "For information on how to correct this issue, consult the AWS Security Hub controls documentation.",
			"Url":  "https://docs.aws.amazon.com/console/securityhub/Account.1/remediation",
		}},
		"Resources": []any{map[string]any{"Type": "AwsAccount", "Id": "AWS::::Account:" + account, "Partition": e.state.partition(), "Region": region}},
		"Compliance": map[string]any{
			"Status":              "FAILED",
			"SecurityControlId":   "Account.1",
			"AssociatedStandards": []any{map[string]any{"StandardsId": fsbpStandard}},
		},
		"Workflow":      map[string]any{"Status": "NEW"},
		"WorkflowState": "NEW",
		"RecordState":   "ACTIVE",
	}
	if standard {
		f["ProductFields"] = map[string]any{
			"ControlId":    "Account.1",
			"StandardsArn": e.arnPrefix() + "securityhub:::" + fsbpStandard,
		}
	}
	return f
}

// iso is Security Hub's timestamp form: ISO 8601 strings, not numbers.
func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
