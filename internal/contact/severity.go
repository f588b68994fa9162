package contact

import (
	"fmt"
	"strings"
)

// Severity ranks findings so --fail-on and policy refusal can compare them.
// The zero value is Info, so a zero Finding is harmless rather than invalid.
type Severity int

// Severities from least to most urgent; the order is significant.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// Severities returns every severity from Info to Critical.
func Severities() []Severity {
	return []Severity{Info, Low, Medium, High, Critical}
}

// Valid reports whether s is one of the defined severities.
func (s Severity) Valid() bool {
	return s >= Info && s <= Critical
}

// String returns the lowercase name used in flags, policies and reports.
func (s Severity) String() string {
	if s.Valid() {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity parses a severity name case-insensitively. "informational"
// is accepted as Info because that is how Security Hub spells it.
func ParseSeverity(s string) (Severity, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "informational" {
		return Info, nil
	}
	for i, n := range severityNames {
		if n == name {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q (want info, low, medium, high or critical)", s)
}

// MarshalText encodes the severity by name so JSON reports stay readable and
// stable if the numeric values ever change.
func (s Severity) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a severity name, accepting what ParseSeverity accepts.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
