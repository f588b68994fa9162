package plan_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/plan"
)

// apply's confirmation counts the accounts it writes to, and its exit
// names the accounts it could not read: both decided here, not in the CLI.
func TestAccountsAndUnknowns(t *testing.T) {
	t.Parallel()
	ch := func(account string, typ contact.Type, action string, unknown bool) plan.Change {
		return plan.Change{AccountID: account, Type: typ, Action: action, Unknown: unknown, Reason: map[bool]string{true: "access denied"}[unknown]}
	}
	pl := &plan.Plan{Changes: []plan.Change{
		ch("111111111111", contact.Security, plan.Create, false),
		ch("111111111111", contact.Billing, plan.Update, false),
		ch("222222222222", contact.Security, plan.Skip, true),
		ch("333333333333", contact.Operations, plan.Ensure, false),
		ch("444444444444", contact.Security, plan.Skip, true),
		ch("555555555555", contact.Security, plan.Skip, false),
	}}
	for _, tc := range []struct {
		name    string
		changes []plan.Change
		want    int
	}{
		{"the writes", pl.Writes(), 2},
		{"every change", pl.Changes, 5},
		{"one account twice", pl.Changes[:2], 1},
		{"none", nil, 0},
	} {
		if got := plan.Accounts(tc.changes); got != tc.want {
			t.Errorf("Accounts(%s) = %d, want %d", tc.name, got, tc.want)
		}
	}
	want := []plan.Change{pl.Changes[2], pl.Changes[4]}
	if d := cmp.Diff(want, pl.Unknowns()); d != "" {
		t.Errorf("Unknowns (-want +got):\n%s", d)
	}
	if got := (&plan.Plan{Changes: pl.Changes[:2]}).Unknowns(); len(got) != 0 {
		t.Errorf("Unknowns of a fully read plan = %v, want none", got)
	}
}
