package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/guardrail"
)

// guardrailSCPOptions are the flags of `guardrail scp`.
type guardrailSCPOptions struct {
	e *env
	g *globalOptions

	partition    string
	enforcerRole string
	exempt       []string // --management-role-arn, repeatable
}

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
member accounts it is attached to, except the enforcer's role (--enforcer-role, any account
of the organization's partition: --partition, or --region's)
and any role given with --management-role-arn (for example the role that runs
'altcontacts apply' from a delegated administrator account).

SCPs never apply to the management account: the enforcer deployed there with
deploy/template.yaml, and anyone else in the management account, can still change every
account's contacts, so keep the enforcer's drift rule and sweep running. The exemption
matters when the enforcer or altcontacts runs from a delegated administrator (a member
account). Attach the policy to the root or to OUs; nothing here calls AWS.

Exit codes: 0 printed; 2 a malformed role name or ARN, an unknown partition, or an
exempt ARN in another partition.`,
		Example: `  altcontacts guardrail scp > deny-contact-changes.json
  aws organizations create-policy --type SERVICE_CONTROL_POLICY --name deny-contact-changes \
    --description "Only the altcontacts enforcer changes alternate contacts" \
    --content file://deny-contact-changes.json
  altcontacts guardrail scp --enforcer-role altcontacts-enforcer \
    --management-role-arn 'arn:aws:iam::*:role/altcontacts-admin'
  altcontacts guardrail scp --partition aws-cn > deny-contact-changes.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			return runGuardrailSCP(cmd.Context(), o)
		},
	}
	scp.Flags().StringVar(&o.partition, "partition", "", "the organization's partition: aws, aws-cn or aws-us-gov (default: --region's, else aws)")
	scp.Flags().StringVar(&o.enforcerRole, "enforcer-role", guardrail.DefaultEnforcerRole, "the enforcer's IAM role name (the template's EnforcerRoleName)")
	scp.Flags().StringArrayVar(&o.exempt, "management-role-arn", nil, "another role ARN allowed to change contacts (repeatable; * and ? wildcards)")
	outputFlag(scp, g, "json")
	cmd.AddCommand(scp)
	return cmd
}

func (o *guardrailSCPOptions) parse() error {
	if _, err := outputFormat(o.g, "guardrail scp", []string{"json"}); err != nil {
		return err
	}
	if o.partition == "" {
		o.partition = awsorg.RegionPartition(o.g.region)
	}
	if err := o.options().Check(); err != nil {
		return usageErr("%v", err)
	}
	return nil
}

func (o *guardrailSCPOptions) options() guardrail.Options {
	return guardrail.Options{Partition: o.partition, EnforcerRole: o.enforcerRole, Exempt: o.exempt}
}

// runGuardrailSCP prints the policy; nothing is called, so ctx is unused.
func runGuardrailSCP(_ context.Context, o *guardrailSCPOptions) error {
	b, err := json.MarshalIndent(guardrail.SCP(o.options()), "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(o.e.stdout, "%s\n", b)
	return err
}
