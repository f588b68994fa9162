package doctor

// The commands that set up what altcontacts needs in AWS Organizations.
// doctor's checks print them as fixes and the CLI's hints after a failed
// run print them too: written here once, so both give the same advice.

// FixTrustedAccess enables trusted access for the Account Management
// service, from the management account: without it every member reads as
// AccessDenied.
const FixTrustedAccess = "aws organizations enable-aws-service-access --service-principal " + principal

// FixDelegatedAdmin registers account as the delegated administrator for
// the Account Management service, from the management account.
func FixDelegatedAdmin(account string) string {
	return "aws organizations register-delegated-administrator --account-id " + account + " --service-principal " + principal
}
