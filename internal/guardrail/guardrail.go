// Package guardrail writes the Service Control Policy that stops member
// accounts from changing their own alternate contacts, so only the
// enforcer (and the roles named as exempt) can. It calls nothing: the
// policy is a document the user attaches with the AWS CLI.
package guardrail

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Partitions the policy can be written for. An SCP's ARN patterns match
// one partition's principals only, so the enforcer's exemption must name
// the partition the organization lives in.
var Partitions = []string{"aws", "aws-cn", "aws-us-gov"}

// Actions the guardrail SCP denies.
var Actions = []string{"account:PutAlternateContact", "account:DeleteAlternateContact"}

// DefaultEnforcerRole is the role name deploy/template.yaml gives the enforcer.
const DefaultEnforcerRole = "altcontacts-enforcer"

// Errors the options can fail with; the CLI turns them into usage errors.
var (
	ErrRoleName  = errors.New("not an IAM role name (1-64 characters of letters, digits and +=,.@_-)")
	ErrRoleARN   = errors.New("not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME)")
	ErrPartition = errors.New("unknown partition (want aws, aws-cn or aws-us-gov)")
	// ErrOtherPartition: an exempt ARN from another partition than the
	// policy's would never match, so the role it names stays denied.
	ErrOtherPartition = errors.New("is in another partition than the policy")
)

// InputError names the option value that failed and why.
type InputError struct {
	Flag, Value string
	Err         error
}

func (e *InputError) Error() string {
	if errors.Is(e.Err, ErrOtherPartition) {
		return fmt.Sprintf("%s %q %v", e.Flag, e.Value, e.Err)
	}
	return fmt.Sprintf("%s %q: %v", e.Flag, e.Value, e.Err)
}

func (e *InputError) Unwrap() error { return e.Err }

// iamRoleName is IAM's role-name syntax: 1-64 of [A-Za-z0-9+=,.@_-]
// (the length is checked beside it: a counted repeat compiles to a copy
// per count, at every start of the program).
var iamRoleName = regexp.MustCompile(`^[\w+=,.@-]+$`)

// exemptRoleARN is a role ARN a Service Control Policy can name in
// aws:PrincipalArn: a partition, a 12-digit account or *, an optional
// path, ArnNotLike wildcards (* and ?) allowed.
// The path and name's 1-512 characters are counted beside it.
var exemptRoleARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|\*):role/([\w+=,.@/*?-]+)$`)

// Options say whom the policy exempts, and in which partition.
type Options struct {
	Partition    string   // aws, aws-cn or aws-us-gov
	EnforcerRole string   // the enforcer's role name, in any account
	Exempt       []string // more role ARNs allowed to change contacts
}

// Check validates the options before anything is printed.
func (o Options) Check() error {
	if !knownPartition(o.Partition) {
		return &InputError{"--partition", o.Partition, ErrPartition}
	}
	if len(o.EnforcerRole) > 64 || !iamRoleName.MatchString(o.EnforcerRole) {
		return &InputError{"--enforcer-role", o.EnforcerRole, ErrRoleName}
	}
	for _, a := range o.Exempt {
		if m := exemptRoleARN.FindStringSubmatch(a); m == nil || len(m[3]) > 512 {
			return &InputError{"--management-role-arn", a, ErrRoleARN}
		}
		if p := strings.SplitN(a, ":", 3)[1]; p != o.Partition {
			return &InputError{"--management-role-arn", a, fmt.Errorf("%w (%s, not %s): it would never match", ErrOtherPartition, p, o.Partition)}
		}
	}
	return nil
}

func knownPartition(p string) bool {
	for _, k := range Partitions {
		if p == k {
			return true
		}
	}
	return false
}

// Document is an IAM policy document, fields in AWS's order.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a [Document].
type Statement struct {
	Sid       string                         `json:"Sid"`
	Effect    string                         `json:"Effect"`
	Action    []string                       `json:"Action"`
	Resource  string                         `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition"`
}

// SCP is the policy: deny contact writes to every principal but the
// enforcer's role (by name, in any account of the partition) and the
// exempt ARNs. Call [Options.Check] first.
func SCP(o Options) Document {
	principals := append([]string{EnforcerARNPattern(o.Partition, o.EnforcerRole)}, o.Exempt...)
	return Document{
		Version: "2012-10-17",
		Statement: []Statement{{
			Sid:       "DenyAlternateContactChangesExceptEnforcer",
			Effect:    "Deny",
			Action:    Actions,
			Resource:  "*",
			Condition: map[string]map[string][]string{"ArnNotLike": {"aws:PrincipalArn": principals}},
		}},
	}
}

// EnforcerARNPattern is the enforcer's role in any account of partition.
func EnforcerARNPattern(partition, role string) string {
	return "arn:" + partition + ":iam::*:role/" + role
}
