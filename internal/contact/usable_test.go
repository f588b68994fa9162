package contact

import (
	"errors"
	"strings"
	"testing"

	"github.com/altcontacts/altcontacts/internal/strict"
)

// ParseUsablePolicy is ParsePolicy plus the refusal of a policy whose own
// contacts break a high-severity rule, as a *RefusedError carrying every
// located error.
func TestParseUsablePolicy(t *testing.T) {
	t.Parallel()
	const good = `version: 1
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
`
	for _, tc := range []struct {
		name, src string
		refused   []string // the refusal's errors, or nil
		parseErr  bool
	}{
		{"usable", good, nil, false},
		{"free-mail", strings.Replace(good, "security@acmepay.io", "secops.acmepay@gmail.com", 1),
			[]string{`p.yaml:3:63: contacts.SECURITY.email: `}, false},
		{"not yaml", "version: [", nil, true},
		{"unknown field", good + "extra: 1\n", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseUsablePolicy("p.yaml", []byte(tc.src))
			var re *RefusedError
			switch {
			case tc.refused != nil:
				if !errors.As(err, &re) || p != nil {
					t.Fatalf("got %v, %v; want a *RefusedError", p, err)
				}
				if len(re.Errs) != len(tc.refused) {
					t.Fatalf("errs %v, want %d", re.Errs, len(tc.refused))
				}
				for i, want := range tc.refused {
					if !strings.HasPrefix(re.Errs[i].Error(), want) {
						t.Errorf("err %d = %s, want prefix %s", i, re.Errs[i], want)
					}
				}
				if want := "policy refused: its own contacts would not work when needed\n" + strict.Join(re.Errs).Error(); err.Error() != want {
					t.Errorf("message %q, want %q", err, want)
				}
				if !errors.As(err, new(*strict.FileError)) {
					t.Error("the refusal does not unwrap to its located errors")
				}
			case tc.parseErr:
				if err == nil || errors.As(err, &re) {
					t.Fatalf("got %v; want ParsePolicy's error", err)
				}
			default:
				if err != nil || p == nil {
					t.Fatalf("got %v, %v; want the policy", p, err)
				}
			}
		})
	}
}
