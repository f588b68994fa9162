package contact

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Type is an AWS alternate contact type. The values are the wire values of
// the Account Management API, so a Type can be passed to the SDK unchanged.
type Type string

// The three alternate contact types AWS supports, one contact of each per
// account.
const (
	Security   Type = "SECURITY"
	Operations Type = "OPERATIONS"
	Billing    Type = "BILLING"
)

// Root is the type of findings about the account's root (primary) email
// rather than an alternate contact. It is never a contact type: Types,
// ParseType and the policy do not know it.
const Root Type = "ROOT"

// Types returns every contact type in the canonical order used for output
// and sorting: SECURITY first because it is the one Account.1 is about.
func Types() []Type {
	return []Type{Security, Operations, Billing}
}

// typeRank orders types for deterministic sorting; unknown types sort last
// rather than panicking, because Finding.Type may be empty.
func typeRank(t Type) int {
	switch t {
	case Security:
		return 0
	case Operations:
		return 1
	case Billing:
		return 2
	case Root:
		return 3
	}
	return 4
}

// ParseType parses a contact type case-insensitively, so command-line flags
// like --types security,billing work as users expect.
func ParseType(s string) (Type, error) {
	switch t := Type(strings.ToUpper(strings.TrimSpace(s))); t {
	case Security, Operations, Billing:
		return t, nil
	}
	return "", fmt.Errorf("unknown contact type %q (want SECURITY, OPERATIONS or BILLING)", s)
}

// Details is one alternate contact as AWS stores it. The JSON names match the
// reports (docs/schema/audit-v1.json).
type Details struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// FieldError reports which field of a contact breaks an AWS constraint, so
// callers can point at the exact policy entry or flag.
type FieldError struct {
	Field   string
	Message string
}

// Error returns "<field>: <message>".
func (e *FieldError) Error() string {
	return e.Field + ": " + e.Message
}

// Field names as AWS and the reports spell them.
const (
	fieldName  = "name"
	fieldTitle = "title"
	fieldEmail = "email"
	fieldPhone = "phone"
)

// fieldRank orders fields the way a contact is read (name, title, email,
// phone) so findings on one contact sort naturally.
func fieldRank(f string) int {
	switch f {
	case "":
		return 0
	case fieldName:
		return 1
	case fieldTitle:
		return 2
	case fieldEmail:
		return 3
	case fieldPhone:
		return 4
	}
	return 5
}

// The patterns come from the Account Management service model. Smithy
// patterns are unanchored, but AWS rejects values with junk around an
// otherwise matching address, so they are anchored here. \w in the model is
// the ASCII word class, which is also what Go's \w means.
var (
	emailPattern = regexp.MustCompile(`^[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*$`)
	phonePattern = regexp.MustCompile(`^[\s0-9()+-]+$`)
)

// AWS limits, in Unicode code points as Smithy counts string length.
const (
	maxName  = 64
	maxTitle = 50
	maxEmail = 254
	maxPhone = 25
)

// Validate checks the constraints PutAlternateContact enforces server-side
// (the SDK checks only presence), so a bad value is refused before any call
// rather than failing halfway through an organization-wide apply.
//
// It is slightly stricter than AWS in two ways, both to catch values that
// AWS would accept but that can never reach anyone: a field made only of
// whitespace is refused, and a phone must contain at least one digit.
// The error is a *FieldError naming the first offending field.
func (d Details) Validate() error {
	if err := checkText(fieldName, d.Name, maxName); err != nil {
		return err
	}
	if err := checkText(fieldTitle, d.Title, maxTitle); err != nil {
		return err
	}
	if err := checkText(fieldEmail, d.Email, maxEmail); err != nil {
		return err
	}
	if !emailPattern.MatchString(d.Email) {
		return &FieldError{Field: fieldEmail, Message: fmt.Sprintf("%q is not a valid email address", d.Email)}
	}
	if err := checkText(fieldPhone, d.Phone, maxPhone); err != nil {
		return err
	}
	if !phonePattern.MatchString(d.Phone) {
		return &FieldError{Field: fieldPhone, Message: fmt.Sprintf("%q may contain only digits, spaces, +, -, ( and )", maskPhone(d.Phone))}
	}
	if digitsOf(d.Phone) == "" {
		return &FieldError{Field: fieldPhone, Message: fmt.Sprintf("%q contains no digits", d.Phone)}
	}
	return nil
}

func checkText(field, v string, maxLen int) error {
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0:
		return &FieldError{Field: field, Message: "is required"}
	case n > maxLen:
		return &FieldError{Field: field, Message: fmt.Sprintf("must be at most %d characters, got %d", maxLen, n)}
	case strings.TrimSpace(v) == "":
		return &FieldError{Field: field, Message: "must not be blank"}
	}
	return nil
}

// field returns the value of a field by its AWS name.
func (d Details) field(name string) string {
	switch name {
	case fieldName:
		return d.Name
	case fieldTitle:
		return d.Title
	case fieldEmail:
		return d.Email
	case fieldPhone:
		return d.Phone
	}
	return ""
}
