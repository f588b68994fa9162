package emulator

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

var (
	parentIDRE  = regexp.MustCompile(`^(r-[0-9a-z]{4,32})$|^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`)
	childIDRE   = regexp.MustCompile(`^(\d{12})$|^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`)
	principalRE = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
)

const (
	msgNoPermission = "You don't have permissions to access this resource."
	msgNotInUse     = "Your account is not a member of an organization."
)

type orgInput struct {
	NextToken            *string
	MaxResults           *int
	ParentId             *string
	ChildId              *string
	ChildType            *string
	AccountId            *string
	ServicePrincipal     *string
	OrganizationalUnitId *string
}

// orgAccess says who may call an operation.
type orgAccess int

const (
	anyMember orgAccess = iota // any account in the organization
	adminRead                  // management or a delegated administrator
	mgmtOnly                   // the management account
)

var orgOps = map[string]orgAccess{
	"DescribeOrganization":                anyMember,
	"ListAccounts":                        adminRead,
	"ListAccountsForParent":               adminRead,
	"ListRoots":                           adminRead,
	"ListOrganizationalUnitsForParent":    adminRead,
	"ListParents":                         adminRead,
	"ListChildren":                        adminRead,
	"DescribeAccount":                     adminRead,
	"DescribeOrganizationalUnit":          adminRead,
	"ListAWSServiceAccessForOrganization": adminRead,
	"ListDelegatedAdministrators":         adminRead,
	"EnableAWSServiceAccess":              mgmtOnly,
	"DisableAWSServiceAccess":             mgmtOnly,
	"RegisterDelegatedAdministrator":      mgmtOnly,
	"DeregisterDelegatedAdministrator":    mgmtOnly,
}

func invalidInput(reason string) func(string) apiError {
	return func(msg string) apiError {
		return apiError{status: 400, code: "InvalidInputException", msg: msg, extra: map[string]any{"Reason": reason}}
	}
}

func (e *Emulator) serveOrganizations(c *call) {
	access, known := orgOps[c.op]
	if !known || c.r.Method != "POST" {
		e.unknown(c, apiError{status: 400, code: "UnknownOperationException", msg: "The requested operation is not recognized by the service."})
		return
	}
	var in orgInput
	if err := decode(c, &in); err != nil {
		e.fail(c, *err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.admit(c, c.caller); err != nil {
		e.fail(c, *err)
		return
	}
	s := e.state
	if s.member(c.caller) == nil {
		e.fail(c, apiError{status: 400, code: "AWSOrganizationsNotInUseException", msg: msgNotInUse})
		return
	}
	isMgmt := c.caller == s.Organization.ManagementAccount
	switch {
	case access == mgmtOnly && !isMgmt,
		access == adminRead && !isMgmt && !s.delegatedAdmin(c.caller, ""):
		e.fail(c, apiError{status: 400, code: "AccessDeniedException", msg: msgNoPermission})
		return
	}
	out, err := e.orgOp(c, &in)
	if err != nil {
		e.fail(c, *err)
		return
	}
	e.ok(c, out)
}

func (e *Emulator) orgOp(c *call, in *orgInput) (any, *apiError) {
	s := e.state
	org := s.Organization
	tok := func() string {
		if in.NextToken == nil {
			return ""
		}
		return *in.NextToken
	}
	// pageOf answers one page of n items, building only that page's JSON
	// (item(i)): a 50,000-account organization is walked in thousands of
	// pages, and each must not cost the whole list.
	pageOf := func(key string, n int, item func(i int) any) (any, *apiError) {
		lo, hi, next, err := e.page(c, n, tok(), in.MaxResults, 20, func(msg string) apiError {
			reason := "INVALID_NEXT_TOKEN"
			if strings.HasPrefix(msg, "MaxResults") {
				reason = "MAX_VALUE_EXCEEDED"
				if in.MaxResults != nil && *in.MaxResults < 1 {
					reason = "MIN_VALUE_EXCEEDED"
				}
				msg = "You provided a value that is outside the allowed range for MaxResults."
			}
			return invalidInput(reason)(msg)
		})
		if err != nil {
			return nil, err
		}
		// An empty page is [], never null, as AWS sends it.
		page := make([]any, 0, hi-lo)
		for i := lo; i < hi; i++ {
			page = append(page, item(i))
		}
		out := map[string]any{key: page}
		if next != "" {
			out["NextToken"] = next
		}
		return out, nil
	}
	list := func(key string, items []any) (any, *apiError) {
		return pageOf(key, len(items), func(i int) any { return items[i] })
	}
	accountPage := func(accts []*Account) (any, *apiError) {
		return pageOf("Accounts", len(accts), func(i int) any { return e.accountJSON(accts[i]) })
	}
	required := func(name string, v *string, re *regexp.Regexp) *apiError {
		if v == nil || *v == "" {
			er := invalidInput("INPUT_REQUIRED")(fmt.Sprintf("You must specify a value for %s.", name))
			return &er
		}
		if re != nil && !re.MatchString(*v) {
			er := invalidInput("INVALID_PATTERN")(fmt.Sprintf("The value for %s does not match the required pattern.", name))
			return &er
		}
		return nil
	}
	parentExists := func(id string) bool { return id == org.RootID || s.ou(id) != nil }

	switch c.op {
	case "DescribeOrganization":
		return map[string]any{"Organization": e.orgJSON()}, nil
	case "ListAccounts":
		return accountPage(e.members(""))
	case "ListAccountsForParent":
		if err := required("ParentId", in.ParentId, parentIDRE); err != nil {
			return nil, err
		}
		if !parentExists(*in.ParentId) {
			return nil, &apiError{status: 400, code: "ParentNotFoundException", msg: "We can't find a root or OU with the ParentId that you specified."}
		}
		return accountPage(e.members(*in.ParentId))
	case "ListRoots":
		return list("Roots", []any{map[string]any{
			"Id":          org.RootID,
			"Arn":         fmt.Sprintf(e.arnPrefix()+"organizations::%s:root/%s/%s", org.ManagementAccount, org.ID, org.RootID),
			"Name":        "Root",
			"PolicyTypes": []any{map[string]string{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}},
		}})
	case "ListOrganizationalUnitsForParent":
		if err := required("ParentId", in.ParentId, parentIDRE); err != nil {
			return nil, err
		}
		if !parentExists(*in.ParentId) {
			return nil, &apiError{status: 400, code: "ParentNotFoundException", msg: "We can't find a root or OU with the ParentId that you specified."}
		}
		var items []any
		for _, o := range s.OUs {
			if o.Parent == *in.ParentId {
				items = append(items, e.ouJSON(o))
			}
		}
		return list("OrganizationalUnits", items)
	case "ListChildren":
		if err := required("ParentId", in.ParentId, parentIDRE); err != nil {
			return nil, err
		}
		if err := required("ChildType", in.ChildType, regexp.MustCompile(`^(ACCOUNT|ORGANIZATIONAL_UNIT)$`)); err != nil {
			if err.extra["Reason"] == "INVALID_PATTERN" {
				err.extra["Reason"] = "INVALID_ENUM"
			}
			return nil, err
		}
		if !parentExists(*in.ParentId) {
			return nil, &apiError{status: 400, code: "ParentNotFoundException", msg: "We can't find a root or OU with the ParentId that you specified."}
		}
		var items []any
		if *in.ChildType == "ACCOUNT" {
			for _, a := range e.members(*in.ParentId) {
				items = append(items, map[string]string{"Id": a.ID, "Type": "ACCOUNT"})
			}
		} else {
			for _, o := range s.OUs {
				if o.Parent == *in.ParentId {
					items = append(items, map[string]string{"Id": o.ID, "Type": "ORGANIZATIONAL_UNIT"})
				}
			}
		}
		return list("Children", items)
	case "ListParents":
		if err := required("ChildId", in.ChildId, childIDRE); err != nil {
			return nil, err
		}
		parent := ""
		if a := s.member(*in.ChildId); a != nil {
			parent = a.Parent
		} else if o := s.ou(*in.ChildId); o != nil {
			parent = o.Parent
		}
		if parent == "" {
			return nil, &apiError{status: 400, code: "ChildNotFoundException", msg: "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified."}
		}
		typ := "ORGANIZATIONAL_UNIT"
		if parent == org.RootID {
			typ = "ROOT"
		}
		return list("Parents", []any{map[string]string{"Id": parent, "Type": typ}})
	case "DescribeAccount":
		if err := required("AccountId", in.AccountId, twelveDigits); err != nil {
			return nil, err
		}
		a := s.member(*in.AccountId)
		if a == nil {
			return nil, &apiError{status: 400, code: "AccountNotFoundException", msg: "We can't find an AWS account with the AccountId that you specified, or the account whose credentials you used to make this request isn't a member of an organization."}
		}
		return map[string]any{"Account": e.accountJSON(a)}, nil
	case "DescribeOrganizationalUnit":
		if err := required("OrganizationalUnitId", in.OrganizationalUnitId, regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)); err != nil {
			return nil, err
		}
		o := s.ou(*in.OrganizationalUnitId)
		if o == nil {
			return nil, &apiError{status: 400, code: "OrganizationalUnitNotFoundException", msg: "We can't find an OU with the OrganizationalUnitId that you specified."}
		}
		return map[string]any{"OrganizationalUnit": e.ouJSON(o)}, nil
	case "ListAWSServiceAccessForOrganization":
		var items []any
		for _, t := range s.TrustedAccess {
			items = append(items, map[string]any{"ServicePrincipal": t.Principal, "DateEnabled": epoch(t.Enabled)})
		}
		return list("EnabledServicePrincipals", items)
	case "ListDelegatedAdministrators":
		if in.ServicePrincipal != nil {
			if err := required("ServicePrincipal", in.ServicePrincipal, principalRE); err != nil {
				return nil, err
			}
		}
		seen := map[string]bool{}
		var items []any
		for _, d := range s.DelegatedAdmins {
			if (in.ServicePrincipal != nil && d.Principal != *in.ServicePrincipal) || seen[d.Account] {
				continue
			}
			a := s.member(d.Account)
			if a == nil {
				continue
			}
			seen[d.Account] = true
			j := e.accountJSON(a)
			delete(j, "Paths")
			j["DelegationEnabledDate"] = epoch(d.Since)
			items = append(items, j)
		}
		return list("DelegatedAdministrators", items)
	case "EnableAWSServiceAccess", "DisableAWSServiceAccess":
		if err := required("ServicePrincipal", in.ServicePrincipal, principalRE); err != nil {
			return nil, err
		}
		if !strings.HasSuffix(*in.ServicePrincipal, ".amazonaws.com") {
			er := invalidInput("UNRECOGNIZED_SERVICE_PRINCIPAL")("You specified an unrecognized service principal.")
			return nil, &er
		}
		if org.FeatureSet != "ALL" {
			return nil, &apiError{status: 400, code: "ConstraintViolationException", msg: "The organization must have all features enabled.",
				extra: map[string]any{"Reason": "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE"}}
		}
		p := *in.ServicePrincipal
		var kept []ServiceAccess
		for _, t := range s.TrustedAccess {
			if t.Principal != p {
				kept = append(kept, t)
			}
		}
		if c.op == "EnableAWSServiceAccess" {
			kept = append(kept, ServiceAccess{Principal: p, Enabled: e.now().UTC()})
		} else {
			// Disabling trusted access removes the service's delegated
			// administrators too.
			var ds []Delegation
			for _, d := range s.DelegatedAdmins {
				if d.Principal != p {
					ds = append(ds, d)
				}
			}
			s.DelegatedAdmins = ds
		}
		s.TrustedAccess = kept
		e.mutated()
		return struct{}{}, nil
	case "RegisterDelegatedAdministrator", "DeregisterDelegatedAdministrator":
		if err := required("AccountId", in.AccountId, twelveDigits); err != nil {
			return nil, err
		}
		if err := required("ServicePrincipal", in.ServicePrincipal, principalRE); err != nil {
			return nil, err
		}
		id, p := *in.AccountId, *in.ServicePrincipal
		if s.member(id) == nil {
			return nil, &apiError{status: 400, code: "AccountNotFoundException", msg: "We can't find an AWS account with the AccountId that you specified, or the account whose credentials you used to make this request isn't a member of an organization."}
		}
		if c.op == "DeregisterDelegatedAdministrator" {
			if !s.delegatedAdmin(id, p) {
				return nil, &apiError{status: 400, code: "AccountNotRegisteredException", msg: "The provided account is not a registered delegated administrator for this service."}
			}
			var ds []Delegation
			for _, d := range s.DelegatedAdmins {
				if d.Account != id || d.Principal != p {
					ds = append(ds, d)
				}
			}
			s.DelegatedAdmins = ds
			e.mutated()
			return struct{}{}, nil
		}
		switch {
		case id == org.ManagementAccount:
			return nil, &apiError{status: 400, code: "ConstraintViolationException", msg: "You cannot register the management account of the organization as a delegated administrator.",
				extra: map[string]any{"Reason": "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR"}}
		case s.delegatedAdmin(id, p):
			return nil, &apiError{status: 400, code: "AccountAlreadyRegisteredException", msg: "The provided account is already a delegated administrator for your organization."}
		case !s.trusted(p):
			return nil, &apiError{status: 400, code: "ConstraintViolationException", msg: "You must enable trusted access for the service before you can register a delegated administrator.",
				extra: map[string]any{"Reason": "SERVICE_ACCESS_NOT_ENABLED"}}
		case s.member(id).State == "SUSPENDED":
			return nil, &apiError{status: 400, code: "ConstraintViolationException", msg: "You cannot register a suspended account as a delegated administrator.",
				extra: map[string]any{"Reason": "CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR"}}
		}
		if p == accountPrincipal {
			// Account Management allows one delegated administrator per
			// organization (docs/aws-facts.md, "Account: errors and authorization").
			for _, d := range s.DelegatedAdmins {
				if d.Principal == p {
					return nil, &apiError{status: 400, code: "ConstraintViolationException", msg: "The number of delegated administrators for this service has reached the limit.",
						extra: map[string]any{"Reason": "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED"}}
				}
			}
		}
		s.DelegatedAdmins = append(s.DelegatedAdmins, Delegation{Account: id, Principal: p, Since: e.now().UTC()})
		e.mutated()
		return struct{}{}, nil
	}
	return nil, &apiError{status: 400, code: "UnknownOperationException", msg: "The requested operation is not recognized by the service."}
}

// members are the organization's accounts, by id; with parent, only that
// root's or OU's direct children.
func (e *Emulator) members(parent string) []*Account {
	var out []*Account
	for _, a := range e.state.Accounts {
		if a.Parent != "" && (parent == "" || a.Parent == parent) {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// epoch is the awsJson timestamp: seconds since the epoch as a JSON number
// with a fraction, as AWS sends (e.g. 1.631121728678E9).
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func (e *Emulator) orgJSON() map[string]any {
	org := e.state.Organization
	mgmt := e.state.account(org.ManagementAccount)
	email := ""
	if mgmt != nil {
		email = mgmt.Email
	}
	return map[string]any{
		"Id":                 org.ID,
		"Arn":                fmt.Sprintf(e.arnPrefix()+"organizations::%s:organization/%s", org.ManagementAccount, org.ID),
		"FeatureSet":         org.FeatureSet,
		"MasterAccountArn":   fmt.Sprintf(e.arnPrefix()+"organizations::%s:account/%s/%s", org.ManagementAccount, org.ID, org.ManagementAccount),
		"MasterAccountId":    org.ManagementAccount,
		"MasterAccountEmail": email,
		"AvailablePolicyTypes": []any{
			map[string]string{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},
		},
	}
}

func (e *Emulator) accountJSON(a *Account) map[string]any {
	org := e.state.Organization
	j := map[string]any{
		"Id":              a.ID,
		"Arn":             fmt.Sprintf(e.arnPrefix()+"organizations::%s:account/%s/%s", org.ManagementAccount, org.ID, a.ID),
		"Email":           a.Email,
		"Name":            a.Name,
		"State":           a.State,
		"JoinedMethod":    a.JoinedMethod,
		"JoinedTimestamp": epoch(a.Joined),
		"Paths":           []string{e.path(a.Parent) + a.ID + "/"},
	}
	if a.JoinedMethod == "" {
		j["JoinedMethod"] = "CREATED"
	}
	if !e.state.Settings.OmitStatus {
		// Status knows fewer values than State (docs/aws-facts.md, "Organizations: shapes").
		switch a.State {
		case "ACTIVE", "SUSPENDED", "PENDING_CLOSURE":
			j["Status"] = a.State
		case "CLOSED":
			j["Status"] = "SUSPENDED"
		}
	}
	return j
}

func (e *Emulator) ouJSON(o *OU) map[string]any {
	org := e.state.Organization
	return map[string]any{
		"Id":   o.ID,
		"Arn":  fmt.Sprintf(e.arnPrefix()+"organizations::%s:ou/%s/%s", org.ManagementAccount, org.ID, o.ID),
		"Name": o.Name,
		"Path": e.path(o.ID),
	}
}

// path is the Organizations entity path of a parent: o-…/r-…/ou-…/.
func (e *Emulator) path(parent string) string {
	var ids []string
	for id := parent; id != "" && id != e.state.Organization.RootID; {
		ids = append([]string{id}, ids...)
		o := e.state.ou(id)
		if o == nil {
			break
		}
		id = o.Parent
	}
	p := e.state.Organization.ID + "/" + e.state.Organization.RootID + "/"
	for _, id := range ids {
		p += id + "/"
	}
	return p
}
