package emulator

import (
	"encoding/json"
	"fmt"
	"time"
)

// State is everything the emulator knows. It is what snapshots hold, what
// `sandbox show` prints and what `--sandbox` persists between commands, so
// every field has a stable JSON name.
type State struct {
	// Organization is nil for a world of standalone accounts.
	Organization *Organization `json:"organization"`
	// OUs are the organizational units, parents before children.
	OUs []*OU `json:"ous"`
	// Accounts holds the organization's accounts and any standalone ones.
	Accounts []*Account `json:"accounts"`
	// TrustedAccess lists the service principals with trusted access.
	TrustedAccess []ServiceAccess `json:"trusted_access"`
	// DelegatedAdmins lists delegated administrator registrations.
	DelegatedAdmins []Delegation `json:"delegated_admins"`
	// SecurityHub holds the hub settings and every finding.
	SecurityHub SecurityHub `json:"security_hub"`
	// Config is AWS Config: the rule behind Account.1 and aggregators.
	Config ConfigService `json:"config"`
	// Settings are the knobs a scenario or `sandbox serve` flags set.
	Settings Settings `json:"settings"`
	// Domains declares what the sandbox's DNS server and RDAP service say
	// about a domain, keyed by its lower-case name without the final dot.
	// A domain not declared here is alive: it resolves with an MX and its
	// registration is a year from expiring, so the sandbox refuses only
	// what a scenario declares dead (a user's own policy domain included).
	Domains map[string]*Domain `json:"domains,omitempty"`
}

// Domain is one declared domain. The zero value is a live domain with the
// default records (see [DefaultMX]).
type Domain struct {
	// Status is how the resolver answers: "" (records below), nxdomain
	// (the name and every name under it do not exist), servfail, nodata
	// (the name exists with no MX, A or AAAA) or timeout (no reply at all).
	Status string `json:"status,omitempty"`
	// MX are the mail exchangers; a single {0, "."} is a null MX (RFC
	// 7505). With no MX, A and AAAA the domain has the default records.
	MX   []MX     `json:"mx,omitempty"`
	A    []string `json:"a,omitempty"`
	AAAA []string `json:"aaaa,omitempty"`
	// Expires is the registration's expiry (RDAP's expiration event);
	// ExpiresIn is the same relative to the emulator's clock, so a
	// scenario can stay "expiring in 12 days" whenever it runs. Neither:
	// a year after now.
	Expires   *time.Time `json:"expires,omitempty"`
	ExpiresIn *Duration  `json:"expires_in,omitempty"`
	// NoRDAP makes the RDAP service fail for this domain (503), as a
	// registry without RDAP or an outage does.
	NoRDAP bool `json:"no_rdap,omitempty"`
}

// MX is one mail exchanger record.
type MX struct {
	Preference uint16 `json:"preference"`
	Host       string `json:"host"`
}

// Domain statuses, as scenarios write them.
const (
	DomainNXDomain = "nxdomain"
	DomainServFail = "servfail"
	DomainNoData   = "nodata"
	DomainTimeout  = "timeout"
)

// DomainStatuses are the values [Domain.Status] takes besides "".
var DomainStatuses = []string{DomainNXDomain, DomainServFail, DomainNoData, DomainTimeout}

// Organization is the AWS Organizations organization.
type Organization struct {
	ID                string `json:"id"`
	FeatureSet        string `json:"feature_set"`
	RootID            string `json:"root_id"`
	ManagementAccount string `json:"management_account"`
}

// OU is an organizational unit; Parent is a root or OU id.
type OU struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
}

// Account is an AWS account. Parent is empty for standalone accounts.
type Account struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	State  string `json:"state"`
	Parent string `json:"parent,omitempty"`
	// Joined is when the account joined the organization.
	Joined       time.Time `json:"joined"`
	JoinedMethod string    `json:"joined_method,omitempty"`
	// Contacts maps SECURITY, OPERATIONS and BILLING to the alternate contact.
	Contacts map[string]*Contact `json:"contacts"`
}

// Contact is one alternate contact as AWS stores it.
type Contact struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// ServiceAccess is one trusted-access service principal.
type ServiceAccess struct {
	Principal string    `json:"principal"`
	Enabled   time.Time `json:"enabled"`
}

// Delegation registers Account as delegated administrator for Principal.
type Delegation struct {
	Account   string    `json:"account"`
	Principal string    `json:"principal"`
	Since     time.Time `json:"since"`
}

// SecurityHub is the Security Hub side of the world. One hub stands for the
// whole organization: its administrator sees every account's findings.
type SecurityHub struct {
	// Enabled is Security Hub CSPM (the original service: DescribeHub,
	// GetFindings, ASFF).
	Enabled bool `json:"enabled"`
	// V2 is the new Security Hub (DescribeSecurityHubV2, GetFindingsV2,
	// OCSF). It receives the same CSPM control findings, so Account.1 is
	// evaluated when either is enabled.
	V2 bool `json:"v2,omitempty"`
	// Admin is the Security Hub administrator account; empty means the
	// management account.
	Admin  string `json:"admin,omitempty"`
	Region string `json:"region"`
	// ControlFindingGenerator is SECURITY_CONTROL (consolidated findings)
	// or STANDARD_CONTROL.
	ControlFindingGenerator string `json:"control_finding_generator"`
	// Account1 is false when the control is disabled.
	Account1       bool      `json:"account1"`
	LastEvaluation time.Time `json:"last_evaluation"`
	// Findings are ASFF documents kept as generic JSON, so imported findings
	// and the hub's own are filtered by the same code.
	Findings []Finding `json:"findings"`
}

// Finding is an ASFF finding.
type Finding = map[string]any

// Settings are latency, quota and fault knobs.
type Settings struct {
	Latency    Duration `json:"latency,omitempty"`
	QuotaScale float64  `json:"quota_scale,omitempty"`
	NoThrottle bool     `json:"no_throttle,omitempty"`
	// OrganizationsRate, when set, throttles every Organizations call per
	// caller (AWS publishes no number, so the default is no limit).
	OrganizationsRate  float64  `json:"organizations_rate,omitempty"`
	OrganizationsBurst int      `json:"organizations_burst,omitempty"`
	EvaluationInterval Duration `json:"evaluation_interval"`
	// EmptyPages makes every list operation answer an empty page with a
	// NextToken before each real page, as the Organizations docs warn.
	EmptyPages bool `json:"empty_pages,omitempty"`
	// OmitStatus drops the retired Account.Status field from responses.
	OmitStatus bool    `json:"omit_status,omitempty"`
	Faults     []Fault `json:"faults,omitempty"`
	Seed       uint64  `json:"seed,omitempty"`
	// DNSLatency is added to every DNS answer the sandbox's resolver gives.
	DNSLatency Duration `json:"dns_latency,omitempty"`
	// Partition is aws (empty), aws-cn or aws-us-gov: it sets the ARNs,
	// the Account API's quotas and whether Account.1 exists.
	Partition string `json:"partition,omitempty"`
}

// Fault makes Op fail with Error at Rate (0..1) for Account ("" = any).
// Op "*" matches every operation. Account matches the target account of an
// Account API call and the caller otherwise.
type Fault struct {
	Op      string  `json:"op"`
	Rate    float64 `json:"rate"`
	Error   string  `json:"error"`
	Account string  `json:"account,omitempty"`
}

// Duration is a time.Duration that reads and writes as "5s" in JSON.
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON accepts "5s" or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return fmt.Errorf("duration: want a string like \"5s\"")
		}
		*d = Duration(n)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// account returns the account with id, or nil.
func (s *State) account(id string) *Account {
	for _, a := range s.Accounts {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// member reports whether id is an account of the organization.
func (s *State) member(id string) *Account {
	if s.Organization == nil {
		return nil
	}
	a := s.account(id)
	if a == nil || a.Parent == "" {
		return nil
	}
	return a
}

func (s *State) ou(id string) *OU {
	for _, o := range s.OUs {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func (s *State) trusted(principal string) bool {
	for _, t := range s.TrustedAccess {
		if t.Principal == principal {
			return true
		}
	}
	return false
}

func (s *State) delegatedAdmin(account, principal string) bool {
	for _, d := range s.DelegatedAdmins {
		if d.Account == account && (principal == "" || d.Principal == principal) {
			return true
		}
	}
	return false
}

func (s *State) clone() *State {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	var c State
	if err := json.Unmarshal(b, &c); err != nil {
		panic(err)
	}
	return &c
}
