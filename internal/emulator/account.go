package emulator

import (
	"fmt"
	"regexp"
	"unicode/utf8"
)

// msgNoContact is AWS's text for an unset contact type (docs/aws-facts.md, "Account: errors and authorization"; the
// "No contact of type SECURITY is registered" text in the lesson is not
// what AWS sends).
const msgNoContact = "No contact of the inputted alternate contact type found."

// msgManagementStandalone is the parenthetical AWS adds when the management
// account names itself in AccountId (docs/aws-facts.md, "Account: errors and authorization").
const msgManagementStandalone = "The management account can only be managed using the standalone context from the management account."

const accountPrincipal = "account.amazonaws.com"

var (
	emailRE   = regexp.MustCompile(`^[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*$`)
	phoneRE   = regexp.MustCompile(`^[\s0-9()+-]+$`)
	contactTs = []string{"BILLING", "OPERATIONS", "SECURITY"}
)

type contactInput struct {
	AccountId            *string
	AlternateContactType *string
	Name                 *string
	Title                *string
	EmailAddress         *string
	PhoneNumber          *string
}

func (e *Emulator) serveAccount(c *call) {
	if c.op == "" { // no route names the path
		e.unknown(c, apiError{status: 404, code: "UnknownOperationException", msg: "Unknown operation " + c.r.URL.Path})
		return
	}
	var in contactInput
	if err := decode(c, &in); err != nil {
		e.fail(c, *err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evaluateIfDue()
	target := c.caller
	if in.AccountId != nil {
		target = *in.AccountId
	}
	if err := e.admit(c, target); err != nil {
		e.fail(c, *err)
		return
	}
	if err := validateContactInput(c.op, &in); err != nil {
		e.fail(c, *err)
		return
	}
	acct, err := e.authorizeAccount(c, in.AccountId)
	if err != nil {
		e.fail(c, *err)
		return
	}
	typ := *in.AlternateContactType
	switch c.op {
	case "GetAlternateContact":
		var ct *Contact
		if acct != nil {
			ct = acct.Contacts[typ]
		}
		if ct == nil {
			e.fail(c, apiError{status: 404, code: "ResourceNotFoundException", msg: msgNoContact})
			return
		}
		e.ok(c, map[string]any{"AlternateContact": map[string]string{
			"AlternateContactType": typ,
			"Name":                 ct.Name,
			"Title":                ct.Title,
			"EmailAddress":         ct.Email,
			"PhoneNumber":          ct.Phone,
		}})
	case "PutAlternateContact":
		if acct == nil {
			// A standalone account the scenario did not list: it exists on
			// AWS, so it gets a record on first write.
			acct = &Account{ID: c.caller, Name: c.caller, State: "ACTIVE", Email: "root+" + c.caller + "@sandbox.invalid"}
			e.state.Accounts = append(e.state.Accounts, acct)
		}
		if acct.Contacts == nil {
			acct.Contacts = map[string]*Contact{}
		}
		acct.Contacts[typ] = &Contact{Name: *in.Name, Title: *in.Title, Email: *in.EmailAddress, Phone: *in.PhoneNumber}
		e.stats.Writes++
		e.mutated()
		e.ok(c, nil)
	case "DeleteAlternateContact":
		if acct == nil || acct.Contacts[typ] == nil {
			e.fail(c, apiError{status: 404, code: "ResourceNotFoundException", msg: msgNoContact})
			return
		}
		delete(acct.Contacts, typ)
		e.stats.Writes++
		e.mutated()
		e.ok(c, nil)
	}
}

// authorizeAccount applies the Account Management rules of docs/aws-facts.md, "Account: errors and authorization" and
// returns the target account (nil for a standalone caller without a record).
func (e *Emulator) authorizeAccount(c *call, accountID *string) (*Account, *apiError) {
	s := e.state
	if accountID == nil {
		return s.account(c.caller), nil
	}
	org := s.Organization
	if org == nil || s.member(c.caller) == nil {
		er := denied(c, "")
		return nil, &er
	}
	target := *accountID
	isMgmt := c.caller == org.ManagementAccount
	isAdmin := s.delegatedAdmin(c.caller, accountPrincipal)
	switch {
	case isMgmt && target == org.ManagementAccount:
		er := denied(c, msgManagementStandalone)
		return nil, &er
	case isAdmin && target == org.ManagementAccount:
		// UNCONFIRMED text: AWS documents that a delegated administrator
		// cannot manage the management account; we reuse its reason.
		er := denied(c, msgManagementStandalone)
		return nil, &er
	case !isMgmt && !isAdmin:
		er := denied(c, "")
		return nil, &er
	case org.FeatureSet != "ALL" || !s.trusted(accountPrincipal):
		er := denied(c, "")
		return nil, &er
	}
	acct := s.member(target)
	if acct == nil {
		// Outside the organization: AWS answers with a plain denial.
		er := denied(c, "")
		return nil, &er
	}
	return acct, nil
}

// validateContactInput is the server-side validation the SDK leaves to AWS:
// lengths, patterns and enums from the model (docs/aws-facts.md, "Account: shapes").
func validateContactInput(op string, in *contactInput) *apiError {
	var fields []map[string]string
	bad := func(name, msg string) { fields = append(fields, map[string]string{"name": name, "message": msg}) }
	if in.AccountId != nil && !twelveDigits.MatchString(*in.AccountId) {
		bad("AccountId", `Member must satisfy regular expression pattern: ^\d{12}$`)
	}
	if in.AlternateContactType == nil {
		bad("AlternateContactType", "Member must not be null")
	} else if !oneOf(*in.AlternateContactType, contactTs) {
		bad("AlternateContactType", "Member must satisfy enum value set: [SECURITY, OPERATIONS, BILLING]")
	}
	if op == "PutAlternateContact" {
		str := func(name string, v *string, lo, hi int, re *regexp.Regexp) {
			switch {
			case v == nil:
				bad(name, "Member must not be null")
			case utf8.RuneCountInString(*v) < lo:
				bad(name, fmt.Sprintf("Member must have length greater than or equal to %d", lo))
			case utf8.RuneCountInString(*v) > hi:
				bad(name, fmt.Sprintf("Member must have length less than or equal to %d", hi))
			case re != nil && !re.MatchString(*v):
				bad(name, "Member must satisfy regular expression pattern: "+re.String())
			}
		}
		str("Name", in.Name, 1, 64, nil)
		str("Title", in.Title, 1, 50, nil)
		str("EmailAddress", in.EmailAddress, 1, 254, emailRE)
		str("PhoneNumber", in.PhoneNumber, 1, 25, phoneRE)
	}
	if len(fields) == 0 {
		return nil
	}
	// The values are sensitive, so, like AWS, the message names the member
	// and the constraint, never the value.
	noun := "error"
	if len(fields) > 1 {
		noun = "errors"
	}
	msg := fmt.Sprintf("%d validation %s detected: ", len(fields), noun)
	for i, f := range fields {
		if i > 0 {
			msg += "; "
		}
		msg += fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", lowerFirst(f["name"]), f["message"])
	}
	return &apiError{status: 400, code: "ValidationException", msg: msg,
		extra: map[string]any{"reason": "fieldValidationFailed", "fieldList": fields}}
}

func oneOf(s string, set []string) bool {
	for _, v := range set {
		if s == v {
			return true
		}
	}
	return false
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}
