package apply

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/journal"
	"github.com/altcontacts/altcontacts/internal/plan"
)

// Restore is one contact rollback puts back.
type Restore struct {
	Account    string
	Standalone bool
	Type       contact.Type
	// Before is the value to restore; nil means delete.
	Before *contact.Details
}

// Restores reads a journal into the contacts to restore: for every
// (account, type) an apply intent names, the before of its first intent —
// the value before altcontacts ever touched it. An intent without an
// outcome (a crash mid-write) counts: the write may have happened. An
// intent whose write failed counts only when no other intent touched the
// contact: a 500 does not prove AWS changed nothing, and restoring re-reads
// first, so restoring an unchanged contact is a no-op; but a later intent's
// before is the truer value when the failed write really did nothing.
func Restores(entries []journal.Entry) []Restore {
	failed := map[int]bool{}
	for _, e := range entries {
		if e.Kind == journal.Outcome && e.Outcome == journal.Failed {
			failed[e.Seq] = true
		}
	}
	type key struct {
		account string
		typ     contact.Type
	}
	first := map[key]Restore{}
	firstFailed := map[key]Restore{}
	var order []key
	for _, e := range entries {
		if e.Kind != journal.Intent || e.Phase != journal.PhaseApply {
			continue
		}
		k := key{e.Account, e.Type}
		r := Restore{Account: e.Account, Standalone: e.Standalone, Type: e.Type, Before: e.Before}
		_, seen := first[k]
		_, seenFailed := firstFailed[k]
		if !seen && !seenFailed {
			order = append(order, k)
		}
		switch {
		case failed[e.Seq] && !seenFailed:
			firstFailed[k] = r
		case !failed[e.Seq] && !seen:
			first[k] = r
		}
	}
	for k, r := range firstFailed {
		if _, ok := first[k]; !ok {
			first[k] = r
		}
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].account != order[j].account {
			return order[i].account < order[j].account
		}
		return order[i].typ < order[j].typ
	})
	out := make([]Restore, 0, len(order))
	for _, k := range order {
		out = append(out, first[k])
	}
	return out
}

// Selection is what a rollback would do, decided before it asks or
// connects: the contacts to restore and how many of them delete (rollback
// asks before it deletes).
type Selection struct {
	Restores []Restore
	Deletes  int
}

// Select reads a journal into the restores of rollback: Restores, narrowed
// to one account (account "" keeps them all, rollback without --account),
// with the deletes among them counted. Restores is never nil.
func Select(entries []journal.Entry, account string) Selection {
	rs := forAccount(Restores(entries), account)
	return Selection{Restores: rs, Deletes: deletes(rs)}
}

// forAccount is rs narrowed to one account's restores; account "" keeps
// them all.
func forAccount(rs []Restore, account string) []Restore {
	if account == "" {
		return rs
	}
	kept := []Restore{}
	for _, r := range rs {
		if r.Account == account {
			kept = append(kept, r)
		}
	}
	return kept
}

// deletes counts the restores that delete a contact (unset before the
// journaled run).
func deletes(rs []Restore) int {
	n := 0
	for _, r := range rs {
		if r.Before == nil {
			n++
		}
	}
	return n
}

// Rollback restores each contact to its before, journaling (phase
// rollback) before each write. A contact already at its before is left
// alone, so a rollback can be rerun. allowDelete must be true for restores
// whose before is unset (they delete); otherwise they are skipped.
func Rollback(ctx context.Context, c *awsorg.Client, j *journal.Writer, rs []Restore, allowDelete bool, o Options) (*Report, error) {
	o = o.withDefaults(c)
	rep, err := pool(ctx, j, len(rs), o,
		func(ctx, inflight context.Context, i int, abort func(error)) Outcome {
			return restore(ctx, inflight, c, j, rs[i], allowDelete, o, abort)
		},
		func(i int) Outcome { return Outcome{Change: change(rs[i]), Result: Interrupted} })
	if rep != nil {
		rep.Schema = RollbackSchema
	}
	return rep, err
}

func change(r Restore) plan.Change {
	ch := plan.Change{AccountID: r.Account, Type: r.Type, After: r.Before, Action: plan.Update}
	if r.Before == nil {
		ch.Action = "delete"
	}
	return ch
}

func restore(ctx, inflight context.Context, c *awsorg.Client, j *journal.Writer, r Restore, allowDelete bool, o Options, abort func(error)) Outcome {
	out := Outcome{Change: change(r)}
	// Before the journal line, an interrupt still stops the change.
	if ctx.Err() != nil {
		out.Result = Interrupted
		return out
	}
	t := awsorg.Target{AccountID: r.Account, Standalone: r.Standalone}
	cur, err := c.GetContact(inflight, t, r.Type)
	if err != nil {
		out.failed(Failed, fmt.Errorf("read before restoring: %w", err))
		return out
	}
	out.Before = cur
	if same(cur, r.Before) {
		out.Result = Unchanged
		return out
	}
	if r.Before == nil && !allowDelete {
		out.failed(Skipped, errors.New("restoring means deleting the contact; pass --yes to allow it"))
		return out
	}
	op := "put"
	if r.Before == nil {
		op = "delete"
	}
	seq, result, werr := journaled(inflight, c, j, t, journal.Entry{Kind: journal.Intent, Phase: journal.PhaseRollback, Account: r.Account,
		Standalone: r.Standalone, Type: r.Type, Op: op, Before: cur, After: r.Before}, o, abort)
	out.Seq = seq
	out.failed(result, werr)
	return out
}
