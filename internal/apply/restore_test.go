package apply_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/contact"
)

// rollback --account narrows the restores to one account, and rollback
// without --yes counts the deletes it asks about.
func TestForAccountAndDeletes(t *testing.T) {
	was := &contact.Details{Name: "Old", Title: "T", Email: "old@acmepay.io", Phone: "+1 206 555 0100"}
	rs := []apply.Restore{
		{Account: "111111111111", Type: contact.Security, Before: was},
		{Account: "111111111111", Type: contact.Billing},
		{Account: "222222222222", Type: contact.Security},
		{Account: "333333333333", Type: contact.Operations, Before: was},
	}
	for _, tc := range []struct {
		account     string
		want        []apply.Restore
		wantDeletes int
	}{
		{"", rs, 2},
		{"111111111111", rs[:2], 1},
		{"222222222222", rs[2:3], 1},
		{"333333333333", rs[3:], 0},
		{"444444444444", []apply.Restore{}, 0},
	} {
		got := apply.ForAccount(rs, tc.account)
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("ForAccount(%q) (-want +got):\n%s", tc.account, d)
		}
		if n := apply.Deletes(got); n != tc.wantDeletes {
			t.Errorf("Deletes(ForAccount(%q)) = %d, want %d", tc.account, n, tc.wantDeletes)
		}
	}
}
