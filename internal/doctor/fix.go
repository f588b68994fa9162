package doctor

// The fixes for what altcontacts needs in AWS: doctor's checks print them
// as their fix and the CLI's hints after a failed run print them too
// (internal/cli/aws.go, verify.go): written here once, so both give the
// same advice. Commands to run altcontacts itself are not here: the CLI
// builds those with the run's own flags (--sandbox, --profile, ...), so a
// copied hint reaches the same AWS.

// FixTrustedAccess enables trusted access for the Account Management
// service, from the management account: without it every member reads as
// AccessDenied.
const FixTrustedAccess = "aws organizations enable-aws-service-access --service-principal " + principal

// FixDelegatedAdmin registers account as the delegated administrator for
// the Account Management service, from the management account.
func FixDelegatedAdmin(account string) string {
	return "aws organizations register-delegated-administrator --account-id " + account + " --service-principal " + principal
}

// FixCredentials is the advice for credentials that do not load or are
// refused.
const FixCredentials = "set them up with 'aws configure sso' (or 'aws configure' for access keys), or name a configured profile with --profile NAME"

// FixCaller is the advice for a caller that cannot read the organization:
// only the management account and the delegated administrator can.
const FixCaller = "run from the management account, or from a delegated administrator for " + principal

// FixAllFeatures enables all features, without which member accounts'
// contacts cannot be managed centrally.
const FixAllFeatures = "aws organizations enable-all-features"

// FixHubCSPM and FixHubV2 enable Security Hub CSPM and the new Security
// Hub, the sources verify reads Account.1 from.
const (
	FixHubCSPM = "aws securityhub enable-security-hub"
	FixHubV2   = "aws securityhub enable-security-hub-v2"
)
