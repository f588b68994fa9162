package contact

// Rule describes one check, independent of any finding, so report writers
// (SARIF in particular) can declare every rule up front.
type Rule struct {
	ID              string
	DefaultSeverity Severity
	Description     string
	Hint            string
}

// Finding is one rule firing on one account (or on the policy itself).
type Finding struct {
	Rule string `json:"rule"`
	// Severity is the rule's default unless the policy overrides it.
	Severity Severity `json:"severity"`
	Type     Type     `json:"type,omitempty"`
	// Field names the offending field (name, title, email, phone); it is
	// empty for rules about a whole contact: Account.1, contact-missing
	// and drift.
	Field string `json:"field,omitempty"`
	// Message is one line naming the offending value; phone numbers are
	// always masked to the country code and last four digits.
	Message string `json:"message"`
	// Hint says how to fix it.
	Hint string `json:"hint"`
}

// Rule ids, as reports and policies name them. Account.1 keeps Security Hub's spelling so
// findings line up with the control.
const (
	RuleAccount1          = "Account.1"
	RuleContactMissing    = "contact-missing"
	RulePlaceholder       = "placeholder"
	RuleInvalidPhone      = "invalid-phone"
	RulePersonalAddress   = "personal-address"
	RuleFreeMail          = "free-mail"
	RuleRootEmailFallback = "root-email-fallback"
	RuleDomainNotAllowed  = "domain-not-allowed"
	RuleDeniedAddress     = "denied-address"
	RulePersonalName      = "personal-name"
	RuleDrift             = "drift"
	RuleDistinctTypes     = "distinct-types"

	// The root-email rules judge the account's root (primary) email, which
	// Organizations returns with every account: AWS's own notices go there
	// whatever the alternate contacts say. Their findings have type Root.
	RuleRootEmailPersonal = "root-email-personal"
	RuleRootEmailFreeMail = "root-email-free-mail"
	RuleRootEmailDomain   = "root-email-domain"
	RuleRootEmailDenied   = "root-email-denied"

	// The mail-domain rules judge whether an email's domain can receive
	// mail at all (DNS, and with --check-registration, RDAP), for contact
	// emails and root emails alike: the finding's type says which.
	RuleMailDomainMissing   = "mail-domain-missing"
	RuleMailDomainNoMail    = "mail-domain-no-mail"
	RuleMailDomainExpiring  = "mail-domain-expiring"
	RuleMailDomainUnchecked = "mail-domain-unchecked"
)

// rules is the rules table: its order is also the order findings of one
// contact type are sorted in.
var rules = []Rule{
	{RuleAccount1, Medium,
		"No SECURITY alternate contact is set (Security Hub control Account.1).",
		"set a SECURITY alternate contact that reaches a monitored team mailbox and phone, e.g. with altcontacts apply --policy"},
	{RuleContactMissing, Low,
		"A contact type the policy requires, other than SECURITY, is not set.",
		"declare the contact in the policy and run altcontacts apply"},
	{RulePlaceholder, High,
		"A contact field holds filler: a reserved example domain, a test or no-reply mailbox, a name like TBD, or a fake or fictional phone number.",
		"replace the filler with a real, monitored team address and phone number"},
	{RuleInvalidPhone, Medium,
		"The phone number does not parse as a valid international number.",
		"write the phone in international form, + then the country code and the number (E.164), and check it is a real, dialable number"},
	{RulePersonalAddress, Medium,
		"The email looks like one person's mailbox, or matches none of the policy's group_email_patterns.",
		"use a monitored group address such as security@yourdomain backed by an on-call rotation, so mail still arrives when people leave"},
	{RuleFreeMail, High,
		"The email is at a consumer mail provider, outside the organization's control.",
		"use an address on a domain your organization controls, e.g. security@yourdomain"},
	{RuleRootEmailFallback, Medium,
		"The SECURITY contact email is the account's root email, so AWS gains no second way to reach anyone.",
		"set the SECURITY contact to a security team mailbox that is not the root email"},
	{RuleDomainNotAllowed, Medium,
		"The email domain is not in the policy's allowed_email_domains.",
		"use an address on one of the allowed domains, or add the domain to rules.allowed_email_domains"},
	{RuleDeniedAddress, High,
		"The email or phone is on the policy's deny lists (for example people who have left).",
		"replace the contact with the current team address and phone from the policy"},
	{RulePersonalName, Low,
		"The contact name looks like a person rather than a team.",
		"name the team or rotation (e.g. Security Operations) rather than a person"},
	{RuleDrift, Low,
		"The contact differs from what the policy wants for this account.",
		"run altcontacts plan to see the difference and altcontacts apply to restore the policy's contact"},
	{RuleDistinctTypes, Medium,
		"Two contact types of one account share an email address (checked only when the policy sets rules.distinct_types).",
		"give SECURITY, OPERATIONS and BILLING their own team mailboxes, so each kind of notice reaches the people who act on it"},
	{RuleRootEmailPersonal, Medium,
		"The account's root (primary) email looks like one person's mailbox; AWS's own notices go there.",
		rootEmailHint},
	{RuleRootEmailFreeMail, High,
		"The account's root (primary) email is at a consumer mail provider, outside the organization's control.",
		rootEmailHint},
	{RuleRootEmailDomain, Medium,
		"The account's root (primary) email is not on one of the policy's allowed_email_domains.",
		rootEmailHint},
	{RuleRootEmailDenied, High,
		"The account's root (primary) email is on the policy's denied_emails list.",
		rootEmailHint},
	{RuleMailDomainMissing, High,
		"The email's domain does not exist (NXDOMAIN): mail bounces, and whoever registers the domain receives it (critical on a root email: that includes the password reset).",
		"correct the address: use a monitored mailbox on a domain your organization owns and renews"},
	{RuleMailDomainNoMail, High,
		"The email's domain exists but accepts no mail: a null MX (RFC 7505), or no MX and no A/AAAA record.",
		"publish MX records for the domain, or correct the address"},
	{RuleMailDomainExpiring, High,
		"With --check-registration: the domain's registration expires within rules.domain_expiry_days (critical once expired).",
		"renew the domain at its registrar and turn on auto-renew"},
	{RuleMailDomainUnchecked, Info,
		"The resolver or RDAP gave no answer for the email's domain (SERVFAIL, timeout, refused): neither a pass nor a fail.",
		"rerun when the resolver answers, or check the domain by hand (dig MX DOMAIN)"},
}

// rootEmailHint is the generic remediation of the root-email rules; the
// findings themselves name the account (see rootEmailFix).
const rootEmailHint = "move the root email to a monitored group mailbox on your own domain: " +
	"aws account start-primary-email-update --account-id ACCOUNT_ID --primary-email NEW, " +
	"then aws account accept-primary-email-update with the code sent to NEW"

// ruleIndex maps an id to its position in rules, for lookup and sorting.
var ruleIndex = func() map[string]int {
	m := make(map[string]int, len(rules))
	for i, r := range rules {
		m[r.ID] = i
	}
	return m
}()

// RuleIDs returns every rule id in the table's order.
func RuleIDs() []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return ids
}

// RuleInfo returns the rule with the given id (exact, case-sensitive match).
func RuleInfo(id string) (Rule, bool) {
	i, ok := ruleIndex[id]
	if !ok {
		return Rule{}, false
	}
	return rules[i], true
}

func ruleRank(id string) int {
	if i, ok := ruleIndex[id]; ok {
		return i
	}
	return len(rules)
}
