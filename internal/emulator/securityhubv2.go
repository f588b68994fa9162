package emulator

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The new Security Hub serves the same findings as OCSF documents through
// GetFindingsV2. The sandbox keeps one store (ASFF) and renders each
// finding as OCSF on the way out, so both APIs always agree on every
// evaluation.

// ocsfFields maps the OcsfStringField names the sandbox filters on to
// paths in its OCSF documents ("[]" fans out over a list). AWS accepts many
// more (the model's OcsfStringField enum); the sandbox refuses the others
// by name rather than silently matching nothing.
var ocsfFields = map[string]string{
	"compliance.control":    "compliance.control",
	"compliance.status":     "compliance.status",
	"compliance.standards":  "compliance.standards[]",
	"cloud.account.uid":     "cloud.account.uid",
	"cloud.region":          "cloud.region",
	"finding_info.uid":      "finding_info.uid",
	"finding_info.title":    "finding_info.title",
	"metadata.product.name": "metadata.product.name",
	"metadata.product.uid":  "metadata.product.uid",
	"severity":              "severity",
	"status":                "status",
	"activity_name":         "activity_name",
	"resources.type":        "resources[].type",
	"resources.uid":         "resources[].uid",
}

// productNameCSPM is metadata.product.name of CSPM control findings: the
// model's StringFilter documentation gives "Security Hub CSPM" as the
// product name of control-based findings.
const productNameCSPM = "Security Hub CSPM"

type ocsfStringFilter struct {
	FieldName *string
	Filter    *stringFilter
}

type compositeFilter struct {
	StringFilters          []ocsfStringFilter
	DateFilters            []json.RawMessage
	BooleanFilters         []json.RawMessage
	NumberFilters          []json.RawMessage
	MapFilters             []json.RawMessage
	IpFilters              []json.RawMessage
	NestedCompositeFilters []compositeFilter
	Operator               *string
}

type orgScope struct {
	OrganizationId       *string
	OrganizationalUnitId *string
}

type findingsV2Input struct {
	Filters *struct {
		CompositeFilters  []compositeFilter
		CompositeOperator *string
	}
	Scopes *struct {
		AwsOrganizations []orgScope
	}
	SortCriteria []struct {
		Field     *string
		SortOrder *string
	}
	NextToken  *string
	MaxResults *int
}

// shValidation is the V2 operations' validation error. AWS's wording is
// UNCONFIRMED; the sandbox's names the request field by its path, so a
// user can find the mistake.
func shValidation(msg string) apiError {
	return apiError{status: 400, code: "ValidationException", msg: msg}
}

var comparisons = []string{"EQUALS", "PREFIX", "NOT_EQUALS", "PREFIX_NOT_EQUALS", "CONTAINS", "NOT_CONTAINS", "CONTAINS_WORD"}

// validateComposite checks one CompositeFilter at path; nested says whether
// it is already the third layer, which may not nest further.
func validateComposite(path string, cf compositeFilter, nested bool) *apiError {
	fail := func(format string, args ...any) *apiError {
		err := shValidation(fmt.Sprintf(format, args...))
		return &err
	}
	if cf.Operator != nil && *cf.Operator != "AND" && *cf.Operator != "OR" {
		return fail("%s.Operator: %q is not AND or OR", path, *cf.Operator)
	}
	for name, list := range map[string][]json.RawMessage{"DateFilters": cf.DateFilters, "BooleanFilters": cf.BooleanFilters,
		"NumberFilters": cf.NumberFilters, "MapFilters": cf.MapFilters, "IpFilters": cf.IpFilters} {
		if len(list) > 0 {
			return fail("%s.%s: not supported by the altcontacts sandbox (StringFilters only)", path, name)
		}
	}
	// "For each filter type inside of a composite filter, you can provide
	// up to 20 filters" (GetFindingsV2Request.Filters in the model).
	if len(cf.StringFilters) > 20 {
		return fail("%s.StringFilters: at most 20 filters, got %d", path, len(cf.StringFilters))
	}
	for i, f := range cf.StringFilters {
		at := fmt.Sprintf("%s.StringFilters[%d]", path, i)
		switch {
		case f.FieldName == nil || *f.FieldName == "":
			return fail("%s.FieldName: required", at)
		case ocsfFields[*f.FieldName] == "":
			return fail("%s.FieldName: %q is not a string field the altcontacts sandbox filters on", at, *f.FieldName)
		case f.Filter == nil:
			return fail("%s.Filter: required", at)
		case f.Filter.Value == nil || *f.Filter.Value == "":
			return fail("%s.Filter.Value: required and non-empty", at)
		case f.Filter.Comparison == nil:
			return fail("%s.Filter.Comparison: required", at)
		case !oneOf(*f.Filter.Comparison, comparisons):
			return fail("%s.Filter.Comparison: %q is not one of %s", at, *f.Filter.Comparison, strings.Join(comparisons, ", "))
		}
	}
	if nested && len(cf.NestedCompositeFilters) > 0 {
		return fail("%s.NestedCompositeFilters: filters nest at most three layers deep", path)
	}
	if len(cf.NestedCompositeFilters) > 10 {
		return fail("%s.NestedCompositeFilters: at most 10 composite filters, got %d", path, len(cf.NestedCompositeFilters))
	}
	for i, n := range cf.NestedCompositeFilters {
		if err := validateComposite(fmt.Sprintf("%s.NestedCompositeFilters[%d]", path, i), n, true); err != nil {
			return err
		}
	}
	return nil
}

// matchComposite applies a CompositeFilter to an OCSF document: every
// string filter and nested composite is one condition, joined by Operator
// (AND when absent). A positive comparison holds when any of the field's
// values matches, a negative one when none does.
func matchComposite(doc map[string]any, cf compositeFilter) bool {
	or := cf.Operator != nil && *cf.Operator == "OR"
	var conds []bool
	for _, f := range cf.StringFilters {
		conds = append(conds, matchFilters(values(doc, ocsfFields[*f.FieldName]), []stringFilter{*f.Filter}))
	}
	for _, n := range cf.NestedCompositeFilters {
		conds = append(conds, matchComposite(doc, n))
	}
	return combine(conds, or)
}

func combine(conds []bool, or bool) bool {
	if len(conds) == 0 {
		return true
	}
	for _, c := range conds {
		if or && c {
			return true
		}
		if !or && !c {
			return false
		}
	}
	return !or
}

func (e *Emulator) getFindingsV2(c *call, in *findingsV2Input) {
	var filters []compositeFilter
	or := false
	if f := in.Filters; f != nil {
		if f.CompositeOperator != nil && *f.CompositeOperator != "AND" && *f.CompositeOperator != "OR" {
			e.fail(c, shValidation(fmt.Sprintf("Filters.CompositeOperator: %q is not AND or OR", *f.CompositeOperator)))
			return
		}
		// "You can filter up to 10 composite filters" (the model).
		if len(f.CompositeFilters) > 10 {
			e.fail(c, shValidation(fmt.Sprintf("Filters.CompositeFilters: at most 10 composite filters, got %d", len(f.CompositeFilters))))
			return
		}
		for i, cf := range f.CompositeFilters {
			if err := validateComposite(fmt.Sprintf("Filters.CompositeFilters[%d]", i), cf, false); err != nil {
				e.fail(c, *err)
				return
			}
		}
		filters, or = f.CompositeFilters, f.CompositeOperator != nil && *f.CompositeOperator == "OR"
	}
	for i, sc := range in.SortCriteria {
		// Sorting is accepted and ignored: the sandbox returns findings in
		// its store's order, which is stable across pages.
		if sc.SortOrder != nil && *sc.SortOrder != "asc" && *sc.SortOrder != "desc" {
			e.fail(c, shValidation(fmt.Sprintf("SortCriteria[%d].SortOrder: %q is not asc or desc", i, *sc.SortOrder)))
			return
		}
	}
	scoped, err := e.scope(c, in)
	if err != nil {
		e.fail(c, *err)
		return
	}
	admin := e.hubAdmin()
	var hits []any
	for _, f := range e.state.SecurityHub.Findings {
		acct := str(f["AwsAccountId"])
		if c.caller != admin && acct != c.caller {
			continue
		}
		if scoped != nil && !scoped[acct] {
			continue
		}
		doc := e.ocsf(f)
		conds := make([]bool, len(filters))
		for i, cf := range filters {
			conds[i] = matchComposite(doc, cf)
		}
		if combine(conds, or) {
			hits = append(hits, doc)
		}
	}
	tok := ""
	if in.NextToken != nil {
		tok = *in.NextToken
	}
	// MaxResults is 1..100 in the model, the same as GetFindings; the
	// default page when it is absent (100) is UNCONFIRMED.
	lo, hi, next, perr := e.page(c, len(hits), tok, in.MaxResults, 100, func(msg string) apiError {
		if strings.HasPrefix(msg, "MaxResults") {
			msg = "MaxResults: " + strings.TrimPrefix(msg, "MaxResults ")
		} else {
			msg = "NextToken: " + msg
		}
		return shValidation(msg)
	})
	if perr != nil {
		e.fail(c, *perr)
		return
	}
	out := map[string]any{"Findings": append([]any{}, hits[lo:hi]...)}
	if next != "" {
		out["NextToken"] = next
	}
	e.ok(c, out)
}

// scope resolves Scopes.AwsOrganizations into the accounts it admits, or
// nil for no scope. Only the Security Hub delegated administrator may use
// it (AccessDeniedException otherwise, as the model says); entries are
// ORed; an entry names the organization or OUs, never both approaches in
// one request.
func (e *Emulator) scope(c *call, in *findingsV2Input) (map[string]bool, *apiError) {
	if in.Scopes == nil || len(in.Scopes.AwsOrganizations) == 0 {
		return nil, nil
	}
	list := in.Scopes.AwsOrganizations
	if len(list) > 10 {
		err := shValidation(fmt.Sprintf("Scopes.AwsOrganizations: at most 10 entries, got %d", len(list)))
		return nil, &err
	}
	s := e.state
	hub := s.SecurityHub
	if s.Organization == nil || !(s.delegatedAdmin(c.caller, "securityhub.amazonaws.com") || (hub.Admin != "" && hub.Admin == c.caller)) {
		return nil, &apiError{status: 403, code: "AccessDeniedException",
			msg: "Only the delegated administrator account can use Scopes."}
	}
	byOrg, byOU := false, false
	out := map[string]bool{}
	for i, sc := range list {
		at := fmt.Sprintf("Scopes.AwsOrganizations[%d]", i)
		org, ou := "", ""
		if sc.OrganizationId != nil {
			org = *sc.OrganizationId
		}
		if sc.OrganizationalUnitId != nil {
			ou = *sc.OrganizationalUnitId
		}
		if org == "" && ou == "" {
			err := shValidation(at + ": OrganizationId or OrganizationalUnitId is required")
			return nil, &err
		}
		if org != "" && org != s.Organization.ID {
			return nil, &apiError{status: 400, code: "OrganizationNotFoundException",
				msg: fmt.Sprintf("%s.OrganizationId: %s is not the caller's organization", at, org)}
		}
		if ou == "" {
			byOrg = true
			for _, a := range e.members("") {
				out[a.ID] = true
			}
			continue
		}
		byOU = true
		if s.ou(ou) == nil {
			return nil, &apiError{status: 400, code: "OrganizationalUnitNotFoundException",
				msg: fmt.Sprintf("%s.OrganizationalUnitId: %s does not exist in the caller's organization", at, ou)}
		}
		for _, a := range e.members("") {
			for p := a.Parent; p != ""; {
				if p == ou {
					out[a.ID] = true
					break
				}
				o := s.ou(p)
				if o == nil {
					break
				}
				p = o.Parent
			}
		}
	}
	if byOrg && byOU {
		err := shValidation("Scopes.AwsOrganizations: scope to the organization or to organizational units, not both")
		return nil, &err
	}
	return out, nil
}

// ocsfValue is an OCSF enum: its caption and its id.
type ocsfValue struct {
	name string
	id   int
}

// The ASFF values each OCSF enum maps from.
var (
	ocsfStatus     = map[string]ocsfValue{"NOTIFIED": {"In Progress", 2}, "SUPPRESSED": {"Suppressed", 3}, "RESOLVED": {"Resolved", 4}}
	ocsfSeverity   = map[string]ocsfValue{"INFORMATIONAL": {"Informational", 1}, "LOW": {"Low", 2}, "HIGH": {"High", 4}, "CRITICAL": {"Critical", 5}}
	ocsfCompliance = map[string]ocsfValue{"PASSED": {"Pass", 1}, "WARNING": {"Warning", 2}, "FAILED": {"Fail", 3}}
)

// ocsfEnum maps an ASFF value through table, or gives the default.
func ocsfEnum(table map[string]ocsfValue, asff, defName string, defID int) (string, int) {
	if v, ok := table[asff]; ok {
		return v.name, v.id
	}
	return defName, defID
}

// ocsf renders an ASFF finding as the OCSF Compliance Finding (class 2003)
// the new Security Hub serves. Choices where AWS's mapping is UNCONFIRMED:
// compliance.control is the bare security control id ("Account.1", as
// ASFF's Compliance.SecurityControlId); compliance.status is OCSF's
// caption of the ASFF status (PASSED → Pass, FAILED → Fail, WARNING →
// Warning, NOT_AVAILABLE → Unknown); finding_info.uid is the ASFF Id, so
// both APIs name a finding alike; finding_info.modified_time_dt is the
// ASFF UpdatedAt (the last evaluation); status follows the workflow
// (NEW → New, NOTIFIED → In Progress, RESOLVED → Resolved, SUPPRESSED →
// Suppressed) except that an ARCHIVED record is "Archived".
func (e *Emulator) ocsf(f Finding) map[string]any {
	ms := func(s string) any {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil
		}
		return t.UnixMilli()
	}
	created, updated := str(f["CreatedAt"]), str(f["UpdatedAt"])
	wf, _ := f["Workflow"].(map[string]any)
	status, statusID := ocsfEnum(ocsfStatus, str(wf["Status"]), "New", 1)
	if str(f["RecordState"]) == "ARCHIVED" {
		status, statusID = "Archived", 5
	}
	sev, _ := f["Severity"].(map[string]any)
	severity, severityID := ocsfEnum(ocsfSeverity, str(sev["Label"]), "Medium", 3)
	product := str(f["ProductName"])
	if strings.HasSuffix(str(f["ProductArn"]), "::product/aws/securityhub") {
		product = productNameCSPM
	}
	doc := map[string]any{
		"class_uid":     2003,
		"class_name":    "Compliance Finding",
		"category_uid":  2,
		"category_name": "Findings",
		"type_uid":      200301,
		"activity_id":   1,
		"activity_name": "Create",
		"severity":      severity,
		"severity_id":   severityID,
		"status":        status,
		"status_id":     statusID,
		"time":          ms(updated),
		"time_dt":       updated,
		"metadata": map[string]any{
			"version": "1.6.0",
			"product": map[string]any{"name": product, "uid": str(f["ProductArn"]), "vendor_name": str(f["CompanyName"])},
		},
		"finding_info": map[string]any{
			"uid":              str(f["Id"]),
			"title":            str(f["Title"]),
			"desc":             str(f["Description"]),
			"types":            f["Types"],
			"created_time":     ms(created),
			"created_time_dt":  created,
			"modified_time":    ms(updated),
			"modified_time_dt": updated,
		},
		"cloud": map[string]any{
			"provider": "AWS",
			"region":   str(f["Region"]),
			"account":  map[string]any{"uid": str(f["AwsAccountId"]), "type": "AWS Account", "type_id": 10},
		},
	}
	var resources []any
	if rs, ok := f["Resources"].([]any); ok {
		for _, r := range rs {
			m, _ := r.(map[string]any)
			resources = append(resources, map[string]any{"type": str(m["Type"]), "uid": str(m["Id"]),
				"region": str(m["Region"]), "cloud_partition": str(m["Partition"])})
		}
	}
	doc["resources"] = append([]any{}, resources...)
	if comp, ok := f["Compliance"].(map[string]any); ok {
		cs, csID := ocsfEnum(ocsfCompliance, str(comp["Status"]), "Unknown", 0)
		standards := []any{}
		if as, ok := comp["AssociatedStandards"].([]any); ok {
			for _, a := range as {
				m, _ := a.(map[string]any)
				standards = append(standards, str(m["StandardsId"]))
			}
		}
		doc["compliance"] = map[string]any{"control": str(comp["SecurityControlId"]), "status": cs, "status_id": csID, "standards": standards}
	}
	return doc
}
