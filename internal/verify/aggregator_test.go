package verify_test

import (
	"strings"
	"testing"

	"github.com/altcontacts/altcontacts/internal/verify"
)

// --config-aggregator is checked against the API model's pattern,
// ^[\w\-]{1,256}$, before anything is called.
func TestValidAggregatorName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"acmepay-org-aggregator", true},
		{"org_aggregator_2", true},
		{strings.Repeat("a", 256), true},
		{strings.Repeat("a", 257), false},
		{"", false},
		{"has space", false},
		{"arn:aws:config:us-east-1:111111111111:config-aggregator/x", false},
		{"dot.name", false},
	} {
		if got := verify.ValidAggregatorName(tc.name); got != tc.want {
			t.Errorf("ValidAggregatorName(%.40q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
