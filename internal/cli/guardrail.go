package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/spf13/cobra"
)

// guardrailSCPOptions are the flags of `guardrail scp`.
type guardrailSCPOptions struct {
	e *env
	g *globalOptions

	enforcerRole string
	exempt       []string // --management-role-arn, repeatable
}

// iamRoleName is IAM's role-name syntax: 1-64 of [A-Za-z0-9+=,.@_-].
var iamRoleName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// exemptRoleARN is a role ARN a Service Control Policy can name in
// aws:PrincipalArn: any partition, a 12-digit account or *, an optional
// path, ArnNotLike wildcards (* and ?) allowed.
var exemptRoleARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov|\*):iam::(\d{12}|\*):role/[\w+=,.@/*?-]{1,512}$`)

// Actions the guardrail SCP denies.
var guardrailActions = []string{"account:PutAlternateContact", "account:DeleteAlternateContact"}

func newGuardrailCmd(e *env, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "guardrail",
		Short: "Print organization guardrails that keep the contacts as the policy declares them",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	o := &guardrailSCPOptions{e: e, g: g}
	scp := &cobra.Command{
		Use:   "scp [--enforcer-role NAME] [--management-role-arn ARN]...",
		Short: "Print a Service Control Policy that stops member accounts changing their own contacts",
		Long: `scp prints (JSON, on stdout) a Service Control Policy that denies
account:PutAlternateContact and account:DeleteAlternateContact to every principal in the
member accounts it is attached to, except the enforcer's role (--enforcer-role, any account)
and any role given with --management-role-arn (for example the role that runs
'altcontacts apply' from a delegated administrator account).

SCPs never apply to the management account: the enforcer deployed there with
deploy/template.yaml, and anyone else in the management account, can still change every
account's contacts, so keep the enforcer's drift rule and sweep running. The exemption
matters when the enforcer or altcontacts runs from a delegated administrator (a member
account). Attach the policy to the root or to OUs; nothing here calls AWS.

Exit codes: 0 printed; 2 a malformed role name or ARN.`,
		Example: `  altcontacts guardrail scp > deny-contact-changes.json
  aws organizations create-policy --type SERVICE_CONTROL_POLICY --name deny-contact-changes \
    --description "Only the altcontacts enforcer changes alternate contacts" \
    --content file://deny-contact-changes.json
  altcontacts guardrail scp --enforcer-role altcontacts-enforcer \
    --management-role-arn 'arn:aws:iam::*:role/altcontacts-admin'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			return runGuardrailSCP(cmd.Context(), o)
		},
	}
	scp.Flags().StringVar(&o.enforcerRole, "enforcer-role", "altcontacts-enforcer", "the enforcer's IAM role name (the template's EnforcerRoleName)")
	scp.Flags().StringArrayVar(&o.exempt, "management-role-arn", nil, "another role ARN allowed to change contacts (repeatable; * and ? wildcards)")
	outputFlag(scp, g, "json")
	cmd.AddCommand(scp)
	return cmd
}

func (o *guardrailSCPOptions) parse() error {
	if _, err := outputFormat(o.g, "guardrail scp", []string{"json"}); err != nil {
		return err
	}
	if !iamRoleName.MatchString(o.enforcerRole) {
		return usageErr("--enforcer-role %q: not an IAM role name (1-64 characters of letters, digits and +=,.@_-)", o.enforcerRole)
	}
	for _, a := range o.exempt {
		if !exemptRoleARN.MatchString(a) {
			return usageErr("--management-role-arn %q: not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", a)
		}
	}
	return nil
}

// runGuardrailSCP prints the policy; nothing is called, so ctx is unused.
func runGuardrailSCP(_ context.Context, o *guardrailSCPOptions) error {
	b, err := json.MarshalIndent(guardrailSCP(o.enforcerRole, o.exempt), "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(o.e.stdout, "%s\n", b)
	return err
}

// scpDocument is an IAM policy document, fields in AWS's order.
type scpDocument struct {
	Version   string         `json:"Version"`
	Statement []scpStatement `json:"Statement"`
}

type scpStatement struct {
	Sid       string                         `json:"Sid"`
	Effect    string                         `json:"Effect"`
	Action    []string                       `json:"Action"`
	Resource  string                         `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition"`
}

// guardrailSCP is the policy: deny contact writes to every principal but
// the enforcer's role (by name, in any account) and the exempt ARNs.
func guardrailSCP(role string, exempt []string) scpDocument {
	principals := append([]string{"arn:aws:iam::*:role/" + role}, exempt...)
	return scpDocument{
		Version: "2012-10-17",
		Statement: []scpStatement{{
			Sid:       "DenyAlternateContactChangesExceptEnforcer",
			Effect:    "Deny",
			Action:    guardrailActions,
			Resource:  "*",
			Condition: map[string]map[string][]string{"ArnNotLike": {"aws:PrincipalArn": principals}},
		}},
	}
}
