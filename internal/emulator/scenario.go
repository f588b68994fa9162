package emulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/miekg/dns"
)

// Scenario is the declarative form of a world, as scenario files (YAML or
// JSON) write it. OUs are named by path from the root, and their ids are
// derived from the path, so a scenario needs no ids but its accounts'.
type Scenario struct {
	Name         string `yaml:"name" json:"name"`
	Organization *struct {
		ID                string `yaml:"id" json:"id"`
		FeatureSet        string `yaml:"feature_set" json:"feature_set"`
		ManagementAccount string `yaml:"management_account" json:"management_account"`
	} `yaml:"organization" json:"organization"`
	Accounts []struct {
		ID           string              `yaml:"id" json:"id"`
		Name         string              `yaml:"name" json:"name"`
		Email        string              `yaml:"email" json:"email"`
		State        string              `yaml:"state" json:"state"`
		OU           string              `yaml:"ou" json:"ou"`
		JoinedMethod string              `yaml:"joined_method" json:"joined_method"`
		Contacts     map[string]*Contact `yaml:"contacts" json:"contacts"`
	} `yaml:"accounts" json:"accounts"`
	// OUs lists extra (possibly empty) OUs by path.
	OUs             []string `yaml:"ous" json:"ous"`
	TrustedAccess   []string `yaml:"trusted_access" json:"trusted_access"`
	DelegatedAdmins []struct {
		Account string `yaml:"account" json:"account"`
		Service string `yaml:"service" json:"service"`
	} `yaml:"delegated_admins" json:"delegated_admins"`
	SecurityHub *struct {
		Enabled *bool `yaml:"enabled" json:"enabled"`
		// CSPM and V2 switch each Security Hub on its own; Enabled is
		// CSPM's older name (enabled: false with no v2 means no hub).
		CSPM                    *bool  `yaml:"cspm" json:"cspm"`
		V2                      *bool  `yaml:"v2" json:"v2"`
		Admin                   string `yaml:"admin" json:"admin"`
		Region                  string `yaml:"region" json:"region"`
		ControlFindingGenerator string `yaml:"control_finding_generator" json:"control_finding_generator"`
		Account1                *bool  `yaml:"account1" json:"account1"`
	} `yaml:"security_hub" json:"security_hub"`
	// Config is AWS Config: on or off, how the rule behind Account.1 was
	// deployed, the recorder, and aggregators (on with no aggregators
	// declared means one organization aggregator in an organization).
	Config *struct {
		Enabled     *bool  `yaml:"enabled" json:"enabled"`
		Deployment  string `yaml:"deployment" json:"deployment"`
		RecorderOff bool   `yaml:"recorder_off" json:"recorder_off"`
		Aggregators []struct {
			Name         string   `yaml:"name" json:"name"`
			Account      string   `yaml:"account" json:"account"`
			Organization *bool    `yaml:"organization" json:"organization"`
			Accounts     []string `yaml:"accounts" json:"accounts"`
			SettingUp    bool     `yaml:"setting_up" json:"setting_up"`
		} `yaml:"aggregators" json:"aggregators"`
	} `yaml:"config" json:"config"`
	Latency            string  `yaml:"latency" json:"latency"`
	QuotaScale         float64 `yaml:"quota_scale" json:"quota_scale"`
	NoThrottle         bool    `yaml:"no_throttle" json:"no_throttle"`
	OrganizationsRate  float64 `yaml:"organizations_rate" json:"organizations_rate"`
	OrganizationsBurst int     `yaml:"organizations_burst" json:"organizations_burst"`
	EvaluationInterval string  `yaml:"evaluation_interval" json:"evaluation_interval"`
	EmptyPages         bool    `yaml:"empty_pages" json:"empty_pages"`
	OmitStatus         bool    `yaml:"omit_status" json:"omit_status"`
	Faults             []Fault `yaml:"faults" json:"faults"`
	Seed               uint64  `yaml:"seed" json:"seed"`
	// Partition is aws (default), aws-cn or aws-us-gov.
	Partition string `yaml:"partition" json:"partition"`
	// DNSLatency is added to every answer of the sandbox's resolver.
	DNSLatency string `yaml:"dns_latency" json:"dns_latency"`
	// Domains declares DNS and RDAP answers by domain name; see
	// [ScenarioDomain]. Undeclared domains are alive.
	Domains map[string]*ScenarioDomain `yaml:"domains" json:"domains"`
}

// ScenarioDomain is one `domains:` entry:
//
//	domains:
//	  acmepay.io: {mx: ["10 mx1.acmepay.io", "20 mx2.acmepay.io"]}
//	  acmepay.iol: {status: nxdomain}
//	  acmepay-labs.com: {mx: ["0 ."]}          # null MX (RFC 7505)
//	  acmepay-static.com: {a: [192.0.2.80]}      # implicit MX: A only
//	  acmepay.dev: {expires: 12d}                # registration lapses in 12 days
//	  acmepay-partner.com: {status: servfail, rdap: false}
type ScenarioDomain struct {
	// Status is ok (default), nxdomain, servfail, nodata (exists, no MX,
	// A or AAAA) or timeout (the resolver never answers).
	Status string `yaml:"status" json:"status"`
	// MX entries read "PREFERENCE HOST", as in a zone file.
	MX   []string `yaml:"mx" json:"mx"`
	A    []string `yaml:"a" json:"a"`
	AAAA []string `yaml:"aaaa" json:"aaaa"`
	// Expires is the registration's expiry: a date (2027-01-31), an RFC
	// 3339 time, or days from the emulator's clock ("12d", "-3d": already
	// expired).
	Expires string `yaml:"expires" json:"expires"`
	// RDAP false: the RDAP service does not answer for the domain.
	RDAP *bool `yaml:"rdap" json:"rdap"`
}

// epochBase is when scenario accounts joined; fixed so states are
// reproducible.
var epochBase = time.Date(2021, 3, 15, 9, 30, 0, 0, time.UTC)

// DefaultEvaluationInterval is how often the sandbox's Security Hub
// re-evaluates Account.1 (AWS: every 12 or 24 hours).
const DefaultEvaluationInterval = 5 * time.Second

// LoadScenario parses a scenario file (YAML or JSON) into a State.
func LoadScenario(name string, data []byte) (*State, error) {
	var sc Scenario
	if err := yaml.UnmarshalWithOptions(data, &sc, yaml.DisallowUnknownField(), yaml.Strict()); err != nil {
		return nil, fmt.Errorf("%s: %s", name, yaml.FormatError(err, false, false))
	}
	s, err := sc.State()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

var (
	orgIDRE       = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	accountStates = []string{"PENDING_ACTIVATION", "ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED"}
)

// State resolves the scenario into a full emulator state.
func (sc *Scenario) State() (*State, error) {
	s := &State{SecurityHub: SecurityHub{Enabled: true, Region: "us-east-1", ControlFindingGenerator: "SECURITY_CONTROL", Account1: true}}
	set := &s.Settings
	set.EvaluationInterval = Duration(DefaultEvaluationInterval)
	if sc.EvaluationInterval != "" {
		d, err := time.ParseDuration(sc.EvaluationInterval)
		if err != nil {
			return nil, fmt.Errorf("evaluation_interval: %w", err)
		}
		set.EvaluationInterval = Duration(d)
	}
	if sc.Latency != "" {
		d, err := time.ParseDuration(sc.Latency)
		if err != nil {
			return nil, fmt.Errorf("latency: %w", err)
		}
		set.Latency = Duration(d)
	}
	set.QuotaScale, set.NoThrottle, set.EmptyPages, set.OmitStatus = sc.QuotaScale, sc.NoThrottle, sc.EmptyPages, sc.OmitStatus
	set.OrganizationsRate, set.OrganizationsBurst, set.Faults, set.Seed = sc.OrganizationsRate, sc.OrganizationsBurst, sc.Faults, sc.Seed
	if sc.DNSLatency != "" {
		d, err := time.ParseDuration(sc.DNSLatency)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("dns_latency: %q is not a duration like 5ms", sc.DNSLatency)
		}
		set.DNSLatency = Duration(d)
	}
	if err := s.declareDomains(sc.Domains); err != nil {
		return nil, err
	}
	for i, f := range sc.Faults {
		if f.Op == "" || f.Error == "" || f.Rate < 0 || f.Rate > 1 {
			return nil, fmt.Errorf("faults[%d]: want op, error and a rate from 0 to 1", i)
		}
	}

	if sc.Organization != nil {
		o := sc.Organization
		if !orgIDRE.MatchString(o.ID) {
			return nil, fmt.Errorf("organization.id: %q does not match o-[a-z0-9]{10,32}", o.ID)
		}
		fs := o.FeatureSet
		if fs == "" {
			fs = "ALL"
		}
		if fs != "ALL" && fs != "CONSOLIDATED_BILLING" {
			return nil, fmt.Errorf("organization.feature_set: %q is not ALL or CONSOLIDATED_BILLING", fs)
		}
		sum := sha256.Sum256([]byte(o.ID))
		s.Organization = &Organization{ID: o.ID, FeatureSet: fs, ManagementAccount: o.ManagementAccount,
			RootID: "r-" + hex.EncodeToString(sum[:2])}
	}
	seen := map[string]bool{}
	for i, a := range sc.Accounts {
		where := fmt.Sprintf("accounts[%d]", i)
		if !twelveDigits.MatchString(a.ID) {
			return nil, fmt.Errorf("%s.id: %q is not 12 digits (quote it in YAML)", where, a.ID)
		}
		if seen[a.ID] {
			return nil, fmt.Errorf("%s.id: %s listed twice", where, a.ID)
		}
		seen[a.ID] = true
		st := a.State
		if st == "" {
			st = "ACTIVE"
		}
		if !oneOf(st, accountStates) {
			return nil, fmt.Errorf("%s.state: %q is not one of %s", where, st, strings.Join(accountStates, ", "))
		}
		acct := &Account{ID: a.ID, Name: a.Name, Email: a.Email, State: st, JoinedMethod: a.JoinedMethod,
			Joined: epochBase.Add(time.Duration(i) * 24 * time.Hour), Contacts: map[string]*Contact{}}
		if acct.Name == "" {
			acct.Name = a.ID
		}
		if acct.Email == "" {
			acct.Email = "aws+" + a.ID + "@sandbox.invalid"
		}
		for t, ct := range a.Contacts {
			if !oneOf(t, contactTs) {
				return nil, fmt.Errorf("%s.contacts: %q is not SECURITY, OPERATIONS or BILLING", where, t)
			}
			if ct != nil {
				acct.Contacts[t] = ct
			}
		}
		if s.Organization != nil {
			parent, err := s.ensureOU(a.OU)
			if err != nil {
				return nil, fmt.Errorf("%s.ou: %w", where, err)
			}
			acct.Parent = parent
		} else if a.OU != "" {
			return nil, fmt.Errorf("%s.ou: no organization declared", where)
		}
		s.Accounts = append(s.Accounts, acct)
	}
	for _, p := range sc.OUs {
		if s.Organization == nil {
			return nil, fmt.Errorf("ous: no organization declared")
		}
		if _, err := s.ensureOU(p); err != nil {
			return nil, fmt.Errorf("ous: %w", err)
		}
	}
	if s.Organization != nil && s.member(s.Organization.ManagementAccount) == nil {
		return nil, fmt.Errorf("organization.management_account: %q is not among the accounts", s.Organization.ManagementAccount)
	}
	for _, p := range sc.TrustedAccess {
		s.TrustedAccess = append(s.TrustedAccess, ServiceAccess{Principal: p, Enabled: epochBase})
	}
	for i, d := range sc.DelegatedAdmins {
		if s.member(d.Account) == nil {
			return nil, fmt.Errorf("delegated_admins[%d].account: %q is not a member account", i, d.Account)
		}
		s.DelegatedAdmins = append(s.DelegatedAdmins, Delegation{Account: d.Account, Principal: d.Service, Since: epochBase})
	}
	if h := sc.SecurityHub; h != nil {
		if h.Enabled != nil {
			s.SecurityHub.Enabled = *h.Enabled
		}
		if h.CSPM != nil {
			s.SecurityHub.Enabled = *h.CSPM
		}
		if h.V2 != nil {
			s.SecurityHub.V2 = *h.V2
		}
		if h.Account1 != nil {
			s.SecurityHub.Account1 = *h.Account1
		}
		if h.Region != "" {
			s.SecurityHub.Region = h.Region
		}
		if h.ControlFindingGenerator != "" {
			if !oneOf(h.ControlFindingGenerator, []string{"SECURITY_CONTROL", "STANDARD_CONTROL"}) {
				return nil, fmt.Errorf("security_hub.control_finding_generator: %q is not SECURITY_CONTROL or STANDARD_CONTROL", h.ControlFindingGenerator)
			}
			s.SecurityHub.ControlFindingGenerator = h.ControlFindingGenerator
		}
		s.SecurityHub.Admin = h.Admin
	}
	if cf := sc.Config; cf != nil {
		if err := s.configFromScenario(cf.Enabled, cf.Deployment, cf.RecorderOff); err != nil {
			return nil, err
		}
		for i, a := range cf.Aggregators {
			if !aggregatorNameRE.MatchString(a.Name) || len(a.Name) > 256 {
				return nil, fmt.Errorf("config.aggregators[%d].name: %q does not match [\\w\\-]+", i, a.Name)
			}
			if a.Account != "" && s.account(a.Account) == nil {
				return nil, fmt.Errorf("config.aggregators[%d].account: %q is not among the accounts", i, a.Account)
			}
			org := a.Organization == nil || *a.Organization
			if org && s.Organization == nil {
				return nil, fmt.Errorf("config.aggregators[%d]: an organization source needs an organization", i)
			}
			s.Config.Aggregators = append(s.Config.Aggregators, Aggregator{Name: a.Name, Account: a.Account, Organization: org,
				Accounts: a.Accounts, SettingUp: a.SettingUp, Created: epochBase})
		}
		if s.Config.Enabled {
			s.SetConfig(true)
		}
	}
	if sc.Partition != "" {
		region := s.SecurityHub.Region
		if err := s.SetPartition(sc.Partition); err != nil {
			return nil, fmt.Errorf("partition: %w", err)
		}
		if sc.SecurityHub != nil && sc.SecurityHub.Region != "" && s.SecurityHub.Region != region {
			return nil, fmt.Errorf("security_hub.region: %s is not a Region of partition %s", region, sc.Partition)
		}
	}
	return s, nil
}

// declareDomains checks and adds a scenario's `domains:` entries.
func (s *State) declareDomains(in map[string]*ScenarioDomain) error {
	if len(in) == 0 {
		return nil
	}
	s.Domains = map[string]*Domain{}
	names := make([]string, 0, len(in))
	for n := range in {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d, err := in[n].domain()
		if err != nil {
			return fmt.Errorf("domains.%s%w", n, err)
		}
		key := strings.TrimSuffix(strings.ToLower(n), ".")
		if _, ok := dns.IsDomainName(key); !ok || key == "" || strings.ContainsAny(key, " @/") {
			return fmt.Errorf("domains: %q is not a domain name", n)
		}
		if s.Domains[key] != nil {
			return fmt.Errorf("domains: %q declared twice", key)
		}
		s.Domains[key] = d
	}
	return nil
}

var daysRE = regexp.MustCompile(`^([+-]?\d+)d$`)

// domain checks one entry; errors start with the field (".mx[0]: ...").
func (sd *ScenarioDomain) domain() (*Domain, error) {
	d := &Domain{}
	if sd == nil {
		return d, nil
	}
	switch st := strings.ToLower(sd.Status); {
	case st == "" || st == "ok":
	case oneOf(st, DomainStatuses):
		d.Status = st
	default:
		return nil, fmt.Errorf(".status: %q is not ok, %s", sd.Status, strings.Join(DomainStatuses, ", "))
	}
	if d.Status != "" && len(sd.MX)+len(sd.A)+len(sd.AAAA) > 0 {
		return nil, fmt.Errorf(": status %s takes no mx, a or aaaa records", d.Status)
	}
	for i, v := range sd.MX {
		f := strings.Fields(v)
		if len(f) != 2 {
			return nil, fmt.Errorf(".mx[%d]: %q is not \"PREFERENCE HOST\" (e.g. \"10 mx1.example.com\", or \"0 .\" for a null MX)", i, v)
		}
		pref, err := strconv.ParseUint(f[0], 10, 16)
		if err != nil {
			return nil, fmt.Errorf(".mx[%d]: preference %q is not a number from 0 to 65535", i, f[0])
		}
		host := strings.ToLower(f[1])
		if _, ok := dns.IsDomainName(host); !ok {
			return nil, fmt.Errorf(".mx[%d]: host %q is not a domain name", i, f[1])
		}
		d.MX = append(d.MX, MX{Preference: uint16(pref), Host: host})
	}
	for i, a := range sd.A {
		if ip := net.ParseIP(a); ip == nil || ip.To4() == nil {
			return nil, fmt.Errorf(".a[%d]: %q is not an IPv4 address", i, a)
		}
		d.A = append(d.A, a)
	}
	for i, a := range sd.AAAA {
		if ip := net.ParseIP(a); ip == nil || ip.To4() != nil {
			return nil, fmt.Errorf(".aaaa[%d]: %q is not an IPv6 address", i, a)
		}
		d.AAAA = append(d.AAAA, a)
	}
	if e := sd.Expires; e != "" {
		if m := daysRE.FindStringSubmatch(e); m != nil {
			n, err := strconv.Atoi(m[1])
			if err != nil || n > 36500 || n < -36500 {
				return nil, fmt.Errorf(".expires: %q is out of range", e)
			}
			in := Duration(time.Duration(n) * 24 * time.Hour)
			d.ExpiresIn = &in
		} else if t, err := time.Parse(time.DateOnly, e); err == nil {
			d.Expires = &t
		} else if t, err := time.Parse(time.RFC3339, e); err == nil {
			t = t.UTC()
			d.Expires = &t
		} else {
			return nil, fmt.Errorf(".expires: %q is not a date (2027-01-31), an RFC 3339 time or days from now (12d)", e)
		}
		if d.Status == DomainNXDomain {
			return nil, fmt.Errorf(".expires: a domain that does not exist has no registration")
		}
	}
	if sd.RDAP != nil && !*sd.RDAP {
		d.NoRDAP = true
	}
	return d, nil
}

// ensureOU creates the OUs along path ("Root/Workloads/Prod") and returns
// the id of the last; "" and "Root" are the root.
func (s *State) ensureOU(path string) (string, error) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if path == "" || (len(parts) == 1 && parts[0] == "Root") {
		return s.Organization.RootID, nil
	}
	if parts[0] != "Root" {
		return "", fmt.Errorf("%q must start with Root/", path)
	}
	parent := s.Organization.RootID
	for i := 1; i < len(parts); i++ {
		if parts[i] == "" {
			return "", fmt.Errorf("%q has an empty OU name", path)
		}
		var found *OU
		for _, o := range s.OUs {
			if o.Parent == parent && o.Name == parts[i] {
				found = o
			}
		}
		if found == nil {
			sum := sha256.Sum256([]byte(s.Organization.ID + "/" + strings.Join(parts[:i+1], "/")))
			found = &OU{ID: fmt.Sprintf("ou-%s-%s", strings.TrimPrefix(s.Organization.RootID, "r-"), hex.EncodeToString(sum[:4])),
				Name: parts[i], Parent: parent}
			s.OUs = append(s.OUs, found)
		}
		parent = found.ID
	}
	return parent, nil
}

// Builtin returns a built-in scenario: "fintech", or "standalone" (one
// account outside any organization).
func Builtin(name string) (*State, error) {
	switch name {
	case "", "fintech":
		return LoadScenario("fintech", []byte(fintechYAML+relayFarmYAML()))
	case "standalone":
		return LoadScenario("standalone", []byte(standaloneYAML))
	}
	return nil, fmt.Errorf("unknown scenario %q (built in: fintech, standalone)", name)
}

// Builtins names the built-in scenarios.
func Builtins() []string { return []string{"fintech", "standalone"} }

// Generate makes a deterministic organization of n accounts (management
// included) in a nested OU tree. About half the accounts lack a SECURITY
// contact, a tenth have a poor one, and one in fifty is suspended.
func Generate(n int, seed uint64) (*State, error) {
	return Generation{Accounts: n, Seed: seed}.State()
}

// Generation describes a generated organization: Accounts accounts
// (management included) from Seed, whose root emails and contacts spread
// over Domains distinct mail domains (0 or 1: acmepay.io alone), of which
// the share DeadDomains (0..1) is declared dead, alternately NXDOMAIN and
// null MX, chosen by Seed.
type Generation struct {
	Accounts    int
	Seed        uint64
	Domains     int
	DeadDomains float64
}

// GeneratedDomain is the i-th mail domain of a generated organization.
func GeneratedDomain(i int) string {
	if i == 0 {
		return "acmepay.io"
	}
	return fmt.Sprintf("acmepay-%04d.com", i)
}

// State makes the organization g describes.
func (g Generation) State() (*State, error) {
	n, seed := g.Accounts, g.Seed
	if n < 1 {
		return nil, fmt.Errorf("accounts: want at least 1, got %d", n)
	}
	if g.Domains < 0 {
		return nil, fmt.Errorf("domains: want at least 1, got %d", g.Domains)
	}
	if !(g.DeadDomains >= 0 && g.DeadDomains <= 1) {
		return nil, fmt.Errorf("dead domains: want a share from 0 to 1, got %v", g.DeadDomains)
	}
	nd := max(g.Domains, 1)
	// domain picks account i's mail domain; with one domain it is always
	// acmepay.io, so a plain Generate is what it always was.
	domain := func(i int) string { return GeneratedDomain(i % nd) }
	rng := rand.New(rand.NewPCG(seed, 0x67656e))
	var b bytes.Buffer
	fmt.Fprintf(&b, "name: generated-%d-%d\norganization: {id: o-%010x, feature_set: ALL, management_account: \"%012d\"}\n", n, seed, seed%(1<<40), 100000000000+seed%100000)
	b.WriteString("trusted_access: [account.amazonaws.com, securityhub.amazonaws.com]\naccounts:\n")
	units := []string{"Payments", "Ledger", "Cards", "Risk", "Data", "Identity", "Growth", "Mobile", "Search", "Billing"}
	envs := []string{"Prod", "Staging", "Dev"}
	used := map[uint64]bool{}
	for i := 0; i < n; i++ {
		id := 100000000000 + seed%100000
		ou := "Root"
		name := "management"
		if i > 0 {
			for id = 100000000000 + rng.Uint64N(899999999999); used[id]; id = 100000000000 + rng.Uint64N(899999999999) {
			}
			switch r := rng.IntN(10); {
			case r < 1:
				ou = "Root/Security"
			case r < 2:
				ou = "Root/Infrastructure"
			case r < 3:
				ou = "Root/Sandbox"
			default:
				ou = fmt.Sprintf("Root/Workloads/%s/%s", units[rng.IntN(len(units))], envs[rng.IntN(len(envs))])
			}
			name = fmt.Sprintf("%s-%04d", strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(ou, "Root/"), "/", "-")), i)
		}
		used[id] = true
		state := "ACTIVE"
		if i > 0 && rng.IntN(50) == 0 {
			state = "SUSPENDED"
		}
		dom := domain(i)
		fmt.Fprintf(&b, "  - {id: \"%012d\", name: %s, email: aws+%s@%s, state: %s, ou: %s", id, name, name, dom, state, ou)
		switch r := rng.IntN(20); {
		case r < 10:
		case r < 18:
			fmt.Fprintf(&b, ", contacts: {SECURITY: {name: Security Operations, title: Security Team, email: security@%s, phone: \"+1 206 555 7700\"}}", dom)
		case r < 19:
			fmt.Fprintf(&b, ", contacts: {SECURITY: {name: Marco Rossi, title: Platform Lead, email: marco.rossi@%s, phone: \"+39 02 8736 4410\"}}", dom)
		default:
			fmt.Fprintf(&b, ", contacts: {SECURITY: {name: Security, title: Security, email: aws+%s@%s, phone: \"+1 206 555 7700\"}}", name, dom)
		}
		b.WriteString("}\n")
	}
	if dead := int(math.Round(g.DeadDomains * float64(nd))); dead > 0 {
		// A stream of its own, so the share does not move the accounts.
		drng := rand.New(rand.NewPCG(seed, 0x646561))
		b.WriteString("domains:\n")
		for k, i := range drng.Perm(nd)[:dead] {
			if k%2 == 0 {
				fmt.Fprintf(&b, "  %s: {status: nxdomain}\n", GeneratedDomain(i))
			} else {
				fmt.Fprintf(&b, "  %s: {mx: [\"0 .\"]}\n", GeneratedDomain(i))
			}
		}
	}
	return LoadScenario("generated", b.Bytes())
}

// SortedAccounts returns the accounts sorted by id.
func (s *State) SortedAccounts() []*Account {
	out := append([]*Account(nil), s.Accounts...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

const standaloneYAML = `
name: standalone
accounts:
  - {id: "845201937466", name: acmepay-solo, email: aws-solo@acmepay.io}
security_hub: {enabled: true}
`

// relayFarmYAML declares acmepay-relay.com, the inbound relay farm: 48 MX
// records, an answer too large for UDP (even at EDNS0's common 1232
// bytes), so resolvers must retry over TCP.
func relayFarmYAML() string {
	var b strings.Builder
	b.WriteString("  acmepay-relay.com: {mx: [")
	for i := 1; i <= 48; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		region := []string{"us-east-1", "eu-west-1", "ap-southeast-2"}[i%3]
		fmt.Fprintf(&b, "\"%d mx%02d-%s.inbound.acmepay-relay.com\"", 10+i%4*10, i, region)
	}
	b.WriteString("]}\n")
	return b.String()
}

// fintechYAML is the organization of the Account.1 lesson: 23 ACTIVE
// accounts and one SUSPENDED; 14 ACTIVE accounts (the management account
// among them) lack a SECURITY contact; of the 9 that have one, one is a
// person's address, one a placeholder, one a free-mail inbox, one the root
// email, and five the durable security distribution list. Two sandbox
// accounts were opened by people: one's root email is a person's address,
// the other's a free-mail inbox. Both Security Hubs are enabled: CSPM and
// the new one; AWS Config runs the rule as an organization rule, read
// through an organization aggregator. Its mail domains: the audit
// account's root email and SECURITY contact are at acmepay.iol, which does
// not exist; sandbox-ml's root email is at a null-MX domain; ledger-dev's
// at a domain whose registration expires in 12 days. Every other domain is
// alive.
const fintechYAML = `
name: fintech
organization: {id: o-7xq2m4k9pz, feature_set: ALL, management_account: "401726385920"}
trusted_access: [account.amazonaws.com, securityhub.amazonaws.com, sso.amazonaws.com]
security_hub: {cspm: true, v2: true, region: us-east-1, control_finding_generator: SECURITY_CONTROL}
config: {enabled: true, deployment: organization, aggregators: [{name: acmepay-org-aggregator, organization: true}]}
accounts:
  - id: "401726385920"
    name: acmepay-management
    email: aws-root@acmepay.io
    ou: Root
    contacts:
      BILLING: {name: Finance Operations, title: Accounts Payable, email: billing@acmepay.io, phone: "+1 206 555 7710"}
      OPERATIONS: {name: Cloud Platform, title: Platform Engineering, email: cloud-ops@acmepay.io, phone: "+1 206 555 7720"}
  - {id: "593018274615", name: security-tooling, email: aws+security-tooling@acmepay.io, ou: Root/Security, contacts: {SECURITY: &durable {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}}}
  - {id: "728415903362", name: log-archive, email: aws+log-archive@acmepay.io, ou: Root/Security, contacts: {SECURITY: *durable}}
  - id: "184930275561"
    name: audit
    email: aws+audit@acmepay.iol
    ou: Root/Security
    contacts:
      SECURITY: {name: Audit Account, title: Audit, email: aws+audit@acmepay.iol, phone: "+1 206 555 7700"}
  - {id: "317264859023", name: network-hub, email: aws+network-hub@acmepay.io, ou: Root/Infrastructure, contacts: {SECURITY: *durable}}
  - {id: "842019375648", name: shared-services, email: aws+shared-services@acmepay.io, ou: Root/Infrastructure}
  - id: "265937401187"
    name: ci-cd
    email: aws+ci-cd@acmepay.io
    ou: Root/Infrastructure
    contacts:
      SECURITY: {name: Marco Rossi, title: Platform Lead, email: marco.rossi@acmepay.io, phone: "+39 02 8736 4410"}
  - {id: "362048175539", name: backup, email: aws+backup@acmepay.io, ou: Root/Infrastructure}
  - {id: "619283740556", name: payments-prod, email: aws+payments-prod@acmepay.io, ou: Root/Workloads/Prod, contacts: {SECURITY: *durable}}
  - {id: "930472816405", name: ledger-prod, email: aws+ledger-prod@acmepay.io, ou: Root/Workloads/Prod, contacts: {SECURITY: *durable}}
  - {id: "476120938574", name: cards-prod, email: aws+cards-prod@acmepay.io, ou: Root/Workloads/Prod}
  - id: "158392047716"
    name: fraud-prod
    email: aws+fraud-prod@acmepay.io
    ou: Root/Workloads/Prod
    contacts:
      SECURITY: {name: Fraud Security, title: Security Team, email: acmepay.secops@gmail.com, phone: "+1 206 555 7700"}
  - {id: "704938126630", name: data-prod, email: aws+data-prod@acmepay.io, ou: Root/Workloads/Prod}
  - id: "382716059248"
    name: payments-staging
    email: aws+payments-staging@acmepay.io
    ou: Root/Workloads/Staging
    contacts:
      SECURITY: {name: TBD, title: TBD, email: security@example.com, phone: "+1 000 000 0000"}
  - {id: "549201837764", name: ledger-staging, email: aws+ledger-staging@acmepay.io, ou: Root/Workloads/Staging}
  - {id: "813640295517", name: cards-staging, email: aws+cards-staging@acmepay.io, ou: Root/Workloads/Staging}
  - {id: "829374610092", name: data-staging, email: aws+data-staging@acmepay.io, ou: Root/Workloads/Staging}
  - {id: "290517364821", name: payments-dev, email: aws+payments-dev@acmepay.io, ou: Root/Workloads/Dev}
  - {id: "667193048252", name: ledger-dev, email: aws+ledger-dev@acmepay.dev, ou: Root/Workloads/Dev}
  - {id: "105847293316", name: data-dev, email: aws+data-dev@acmepay.io, ou: Root/Workloads/Dev}
  - {id: "938265104473", name: sandbox-alice, email: alice.nguyen@acmepay.io, ou: Root/Sandbox}
  - {id: "446103928857", name: sandbox-bob, email: acmepay-sandbox-bob@gmail.com, ou: Root/Sandbox}
  - {id: "571839204668", name: sandbox-ml, email: aws+sandbox-ml@acmepay-labs.com, ou: Root/Sandbox}
  - {id: "753910284406", name: legacy-payments, email: aws+legacy-payments@acmepay.io, state: SUSPENDED, ou: Root/Suspended}
domains:
  acmepay.io: {mx: ["10 mx1.acmepay.io", "20 mx2.acmepay.io"]}
  # The audit account was created with a typo'd root email, and its SECURITY
  # contact copied it: acmepay.iol was never registered.
  acmepay.iol: {status: nxdomain}
  # The ML lab's parked domain publishes a null MX (RFC 7505).
  acmepay-labs.com: {mx: ["0 ."]}
  # The developer domain's registration lapses 12 days after the clock.
  acmepay.dev: {mx: ["10 mx1.acmepay.io"], expires: 12d}
`
