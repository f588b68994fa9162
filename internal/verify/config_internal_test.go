package verify

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/awsorg"
)

// The AWS Config mapping, for an account whose SECURITY contact is set:
// COMPLIANT passes, NON_COMPLIANT means the contact came after the last
// evaluation (PENDING until the next), no result is UNKNOWN with the
// reason, and with several rules the most recent result wins and is named.
func TestConfigVerdict(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	res := func(rule, comp string, at time.Time) awsorg.ConfigResult {
		return awsorg.ConfigResult{AccountID: "111111111111", Region: "us-east-1", Rule: rule, Compliance: comp, Recorded: at}
	}
	type want struct {
		Status, Reason, Finding, Rule string
		Evaluated, NextBy             time.Time
	}
	for _, tc := range []struct {
		name string
		in   []awsorg.ConfigResult
		want want
	}{
		{"compliant", []awsorg.ConfigResult{res("r", "COMPLIANT", time.Time{})},
			want{Status: Passed, Finding: "PASSED", Rule: "r"}},
		{"non-compliant: written after the last evaluation", []awsorg.ConfigResult{res("r", "NON_COMPLIANT", t0)},
			want{Status: Pending, Finding: "FAILED", Rule: "r", Evaluated: t0, NextBy: t0.Add(24 * time.Hour),
				Reason: "a contact is set; AWS Config rule r still says NON_COMPLIANT from the evaluation at 2026-11-26T09:00:00Z; the next is due by 2026-11-27T09:00:00Z"}},
		{"no result", nil,
			want{Status: Unknown, Reason: "AWS Config holds no result of the rule for this account in us-east-1: the rule is not deployed there, or has not evaluated it yet"}},
		{"insufficient data", []awsorg.ConfigResult{res("r", "INSUFFICIENT_DATA", t0)},
			want{Status: Pending, Finding: "NOT_AVAILABLE", Rule: "r", Evaluated: t0, NextBy: t0.Add(24 * time.Hour),
				Reason: "a contact is set; AWS Config rule r has no verdict yet (INSUFFICIENT_DATA)"}},
		{"several rules: the most recent (compliant) wins", []awsorg.ConfigResult{
			res("securityhub-security-account-information-provided-abc123", "NON_COMPLIANT", t0),
			res("OrgConfigRule-security-account-information-provided-0a1b2c3d", "COMPLIANT", t0.Add(time.Hour))},
			want{Status: Passed, Finding: "PASSED", Rule: "OrgConfigRule-security-account-information-provided-0a1b2c3d",
				Evaluated: t0.Add(time.Hour), NextBy: t0.Add(25 * time.Hour),
				Reason: "AWS Config rule OrgConfigRule-security-account-information-provided-0a1b2c3d COMPLIANT; the most recent of 2 rules (also securityhub-security-account-information-provided-abc123 NON_COMPLIANT)"}},
		{"several rules: the most recent (non-compliant) wins", []awsorg.ConfigResult{
			res("a", "COMPLIANT", t0), res("b", "NON_COMPLIANT", t0.Add(time.Hour))},
			want{Status: Pending, Finding: "FAILED", Rule: "b", Evaluated: t0.Add(time.Hour), NextBy: t0.Add(25 * time.Hour),
				Reason: "a contact is set; AWS Config rule b still says NON_COMPLIANT from the evaluation at 2026-11-26T10:00:00Z; the next is due by 2026-11-27T10:00:00Z; the most recent of 2 rules (also a COMPLIANT)"}},
	} {
		status, reason, f := configVerdict(tc.in, "us-east-1")
		got := want{Status: status, Reason: reason}
		if f != nil {
			got.Finding, got.Rule, got.Evaluated, got.NextBy = f.Status, f.Rule, f.EvaluatedAt, f.NextBy
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}

// Evaluation times are read only where a verdict needs them: a
// NON_COMPLIANT result, or rules that disagree.
func TestConfigNeedTimes(t *testing.T) {
	t.Parallel()
	r := func(c string) awsorg.ConfigResult { return awsorg.ConfigResult{Compliance: c} }
	for _, tc := range []struct {
		in   []awsorg.ConfigResult
		want bool
	}{
		{nil, false},
		{[]awsorg.ConfigResult{r("COMPLIANT")}, false},
		{[]awsorg.ConfigResult{r("COMPLIANT"), r("COMPLIANT")}, false},
		{[]awsorg.ConfigResult{r("NON_COMPLIANT")}, true},
		{[]awsorg.ConfigResult{r("COMPLIANT"), r("NON_COMPLIANT")}, true},
	} {
		if got := needTimes(tc.in); got != tc.want {
			t.Errorf("needTimes(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
