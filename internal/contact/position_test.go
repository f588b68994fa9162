package contact

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const positionPolicy = `version: 1
x-team: &team
  name: Security Operations
  title: Security Team
  email: security@acmepay.io
  phone: "+1 206 555 7700"
contacts:
  SECURITY:
    name: Security Operations
    title: Security Team
    email: security@acmepay.io
    phone: "+1 206 555 7700"
  billing: {name: Finance Team, title: Accounts Payable, email: ap@acmepay.io, phone: "+1 206 555 7703"}
  OPERATIONS:
    <<: *team
    email: ops@acmepay.io
overrides:
  - ou: Root/Sandbox
    contacts:
      SECURITY: *team
  - account: "012345678901"
    contacts: {Billing: {name: Finance Team, title: Accounts Payable, email: ap@acmepay.io, phone: "+1 206 555 7703"}}
exclude:
  accounts:
    - "999999999999"
    - "111111111111"
  ous: [Root/Suspended, r-ab12]
`

func TestPolicyPosition(t *testing.T) {
	p, err := ParsePolicy("policy.yaml", []byte(positionPolicy))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path        string
		line, col   int
		description string
	}{
		{"contacts.SECURITY", 8, 3, "block contact: its type key"},
		{"contacts.SECURITY.name", 9, 5, "block field"},
		{"contacts.SECURITY.title", 10, 5, ""},
		{"contacts.SECURITY.email", 11, 5, ""},
		{"contacts.SECURITY.phone", 12, 5, ""},
		{"contacts.BILLING", 13, 3, "recorded under the canonical type spelling"},
		{"contacts.BILLING.email", 13, 58, "flow field"},
		{"contacts.OPERATIONS", 14, 3, ""},
		{"contacts.OPERATIONS.email", 16, 5, "explicit key beside a merge"},
		{"contacts.OPERATIONS.name", 3, 3, "merged field: where the anchor writes it"},
		{"overrides[0]", 18, 5, ""},
		{"overrides[0].ou", 18, 5, ""},
		{"overrides[0].contacts.SECURITY", 20, 7, ""},
		{"overrides[0].contacts.SECURITY.phone", 6, 3, "aliased contact: the anchor"},
		{"overrides[1]", 21, 5, ""},
		{"overrides[1].account", 21, 5, ""},
		{"overrides[1].contacts.BILLING", 22, 16, ""},
		{"overrides[1].contacts.BILLING.phone", 22, 93, ""},
		{"exclude.accounts[0]", 25, 7, "block list item"},
		{"exclude.accounts[1]", 26, 7, ""},
		{"exclude.ous[0]", 27, 9, "flow list item"},
		{"exclude.ous[1]", 27, 25, ""},
		{"exclude.ous[2]", 0, 0, "past the end"},
		{"contacts.security", 0, 0, "paths use the canonical type spelling"},
		{"contacts.BILLING.fax", 0, 0, "not a field"},
		{"overrides[2]", 0, 0, ""},
		{"", 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			line, col := p.Position(tt.path)
			if line != tt.line || col != tt.col {
				t.Errorf("Position(%q) = %d:%d, want %d:%d (%s)", tt.path, line, col, tt.line, tt.col, tt.description)
			}
		})
	}
	for _, q := range []*Policy{nil, DefaultPolicy()} {
		if line, col := q.Position("contacts.SECURITY"); line != 0 || col != 0 {
			t.Errorf("%v: Position = %d:%d, want 0:0", q, line, col)
		}
	}
}

// TestPolicyPositionJSON: JSON is YAML, and keys are quoted there.
func TestPolicyPositionJSON(t *testing.T) {
	src := `{
  "version": 1,
  "contacts": {
    "SECURITY": {
      "name": "Security Operations",
      "title": "Security Team",
      "email": "security@acmepay.io",
      "phone": "+1 206 555 7700"
    }
  },
  "exclude": {"accounts": ["999999999999"], "ous": ["Root/Suspended"]}
}`
	p, err := ParsePolicy("policy.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string][2]int{
		"contacts.SECURITY":       {4, 5},
		"contacts.SECURITY.email": {7, 7},
		"exclude.accounts[0]":     {11, 28},
		"exclude.ous[0]":          {11, 53},
	} {
		if line, col := p.Position(path); line != want[0] || col != want[1] {
			t.Errorf("Position(%q) = %d:%d, want %d:%d", path, line, col, want[0], want[1])
		}
	}
}

func TestPolicyCheckErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "nothing wrong",
			src:  "version: 1\ncontacts:\n  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: \"+1 206 555 7700\"}\n",
		},
		{
			name: "placeholder email in a block contact",
			src: `version: 1
contacts:
  SECURITY:
    name: Security Operations
    title: Security Team
    email: security@example.com
    phone: "+1 206 555 7700"
`,
			want: []string{`p.yaml:6:5: contacts.SECURITY.email: email "security@example.com" uses the reserved domain example.com (placeholder)`},
		},
		{
			name: "free-mail; medium findings are left out",
			src: `version: 1
contacts:
  BILLING: {name: Marco Rossi, title: Finance, email: marco.rossi@gmail.com, phone: "+1 206 555 7701"}
`,
			want: []string{`p.yaml:3:48: contacts.BILLING.email: email "marco.rossi@gmail.com" is at the consumer mail provider gmail.com (free-mail)`},
		},
		{
			name: "denied phone",
			src: `version: 1
contacts:
  SECURITY:
    name: Security Operations
    title: Security Team
    email: security@acmepay.io
    phone: "+1 206 555 7700"
rules:
  denied_phones: ["+12065557700"]
`,
			want: []string{`p.yaml:7:5: contacts.SECURITY.phone: phone "+1 *** *** 7700" is on the policy's denied_phones list (denied-address)`},
		},
		{
			name: "severity raised to high by the policy",
			src: `version: 1
contacts:
  SECURITY: {name: Marco Rossi, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
rules:
  severity: {personal-name: high}
`,
			want: []string{`p.yaml:3:14: contacts.SECURITY.name: name "Marco Rossi" looks like a person rather than a team (personal-name)`},
		},
		{
			name: "severity lowered below high by the policy",
			src: `version: 1
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: secops@gmail.com, phone: "+1 206 555 7700"}
rules:
  severity: {free-mail: medium}
`,
		},
		{
			name: "override, in file order",
			src: `version: 1
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
overrides:
  - ou: Root/Sandbox
    contacts:
      SECURITY:
        name: TBD
        title: Security Team
        email: security@example.com
        phone: "+1 206 555 7700"
`,
			want: []string{
				`p.yaml:8:9: overrides[0].contacts.SECURITY.name: name "TBD" is a placeholder (placeholder)`,
				`p.yaml:10:9: overrides[0].contacts.SECURITY.email: email "security@example.com" uses the reserved domain example.com (placeholder)`,
			},
		},
		{
			name: "aliased contact points at the anchor",
			src: `version: 1
x-team: &team {name: Security Operations, title: Security Team, email: secops@gmail.com, phone: "+1 206 555 7700"}
contacts:
  SECURITY: *team
`,
			want: []string{`p.yaml:2:65: contacts.SECURITY.email: email "secops@gmail.com" is at the consumer mail provider gmail.com (free-mail)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy("p.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range p.CheckErrors() {
				if e.File != "p.yaml" || e.Line == 0 || e.Column == 0 || e.Path == "" {
					t.Errorf("%+v: want file, line and column", e)
				}
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// CheckErrors is Check's High findings, located.
			high := 0
			for _, f := range p.Check() {
				if f.Severity >= High {
					high++
				}
			}
			if high != len(got) {
				t.Errorf("Check() has %d findings of High or above, CheckErrors %d", high, len(got))
			}
		})
	}
}

// TestPolicyCheckErrorsBuilt: a policy built in code has no positions; the
// errors still name the path, and an override's Line when it is set.
func TestPolicyCheckErrorsBuilt(t *testing.T) {
	bad := Details{Name: "Security Operations", Title: "Security Team", Email: "security@example.com", Phone: "+1 206 555 7700"}
	p := &Policy{
		Version:   1,
		Source:    "built",
		Contacts:  map[Type]Details{Security: bad},
		Overrides: []Override{{OU: "Root/Sandbox", Line: 9, Contacts: map[Type]Details{Billing: bad}}},
	}
	var got []string
	for _, e := range p.CheckErrors() {
		got = append(got, e.Error())
	}
	want := []string{
		`built: contacts.SECURITY.email: email "security@example.com" uses the reserved domain example.com (placeholder)`,
		`built:9: overrides[0].contacts.BILLING.email: email "security@example.com" uses the reserved domain example.com (placeholder)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var nilPolicy *Policy
	if es := nilPolicy.CheckErrors(); len(es) != 0 {
		t.Errorf("nil policy: %v", es)
	}
}
