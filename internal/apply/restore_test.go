package apply_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/apply"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/journal"
)

// rollback's selection from a journal: --account narrows the restores to
// one account, the deletes among them are counted (rollback asks before
// it deletes), and rollback's own writes are never restored.
func TestSelect(t *testing.T) {
	t.Parallel()
	was := &contact.Details{Name: "Old", Title: "T", Email: "old@acmepay.io", Phone: "+1 206 555 0100"}
	now := &contact.Details{Name: "New", Title: "T", Email: "new@acmepay.io", Phone: "+1 206 555 0199"}
	put := func(seq int, account string, typ contact.Type, before *contact.Details) journal.Entry {
		return journal.Entry{Seq: seq, Kind: journal.Intent, Phase: journal.PhaseApply, Account: account, Type: typ, Op: "put", Before: before, After: now}
	}
	entries := []journal.Entry{
		put(1, "111111111111", contact.Security, was),
		{Seq: 1, Kind: journal.Outcome, Phase: journal.PhaseApply, Outcome: journal.Verified},
		put(2, "111111111111", contact.Billing, nil),
		// A second intent on the same contact: the first before wins.
		put(3, "111111111111", contact.Security, now),
		put(4, "222222222222", contact.Security, nil),
		put(5, "333333333333", contact.Operations, was),
		// Rollback's own writes are not undone by the next rollback.
		{Seq: 6, Kind: journal.Intent, Phase: journal.PhaseRollback, Account: "444444444444", Type: contact.Security, Op: "delete", Before: now},
	}
	r := func(account string, typ contact.Type, before *contact.Details) apply.Restore {
		return apply.Restore{Account: account, Type: typ, Before: before}
	}
	all := []apply.Restore{
		r("111111111111", contact.Billing, nil),
		r("111111111111", contact.Security, was),
		r("222222222222", contact.Security, nil),
		r("333333333333", contact.Operations, was),
	}
	for _, tc := range []struct {
		name    string
		entries []journal.Entry
		account string
		want    apply.Selection
	}{
		{"every account", entries, "", apply.Selection{Restores: all, Deletes: 2}},
		{"one account, a put and a delete", entries, "111111111111", apply.Selection{Restores: all[:2], Deletes: 1}},
		{"one account, a delete", entries, "222222222222", apply.Selection{Restores: all[2:3], Deletes: 1}},
		{"one account, no delete", entries, "333333333333", apply.Selection{Restores: all[3:], Deletes: 0}},
		{"an account only rollback touched", entries, "444444444444", apply.Selection{Restores: []apply.Restore{}}},
		{"an account the journal never names", entries, "555555555555", apply.Selection{Restores: []apply.Restore{}}},
		{"an empty journal", nil, "", apply.Selection{Restores: []apply.Restore{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := apply.Select(tc.entries, tc.account)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Select(%q) (-want +got):\n%s", tc.account, d)
			}
			if got.Restores == nil {
				t.Error("Restores is nil; want [] (rollback -o json prints it)")
			}
		})
	}
}
