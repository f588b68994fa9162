package plan

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/altcontacts/altcontacts/internal/contact"
)

// MailChecker is what the plan's mail check needs of a DNS checker: the
// policy's (contact.MailChecker), written once.
type MailChecker = contact.MailChecker

// MailCheck is what the mail check of apply --plan found in the addresses
// the plan would write.
type MailCheck struct {
	// Refusals has one line per address that cannot receive mail, however
	// many accounts it would go to: "SOURCE: why (to ACCOUNT TYPE and N
	// more)", in the plan's order.
	Refusals []string
	// Dead are those addresses' domains, in the same order.
	Dead []string
	// Unchecked are the domains no resolver answered for, once each, with
	// why: a warning, never a refusal.
	Unchecked []UncheckedDomain
}

// UncheckedDomain is a domain the mail check could not look up.
type UncheckedDomain struct{ Domain, Why string }

// CheckMail looks up the domain of every address p would write, all at
// once, and says which cannot receive mail. source names the plan file in
// each refusal.
func (p *Plan) CheckMail(ctx context.Context, mc MailChecker, source string) MailCheck {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	writes := p.Writes()
	for _, w := range writes {
		if w.After != nil {
			mc.Start(ctx, contact.EmailDomain(w.After.Email))
		}
	}
	// refused is one address that cannot receive mail: why, and the
	// first write to it with how many more there are.
	type refused struct {
		why, first string
		more       int
	}
	var res MailCheck
	var order []*refused
	byEmail := map[string]*refused{}
	warned := map[string]bool{}
	for _, w := range writes {
		if w.After == nil {
			continue
		}
		email := strings.TrimSpace(w.After.Email)
		d := contact.EmailDomain(email)
		if d == "" {
			continue
		}
		md := mc.Check(ctx, d)
		if md.Verdict == contact.MailUnchecked && !warned[d] {
			warned[d] = true
			res.Unchecked = append(res.Unchecked, UncheckedDomain{Domain: d, Why: md.Why})
		}
		refusal := contact.MailRefusal(email, md)
		if refusal == "" {
			continue
		}
		if r := byEmail[email]; r != nil {
			r.more++
		} else {
			r = &refused{why: refusal, first: w.AccountID + " " + string(w.Type)}
			byEmail[email] = r
			order = append(order, r)
		}
		if !slices.Contains(res.Dead, d) {
			res.Dead = append(res.Dead, d)
		}
	}
	for _, r := range order {
		where := r.first
		if r.more > 0 {
			where = fmt.Sprintf("%s and %d more", where, r.more)
		}
		res.Refusals = append(res.Refusals, fmt.Sprintf("%s: %s (to %s)", source, r.why, where))
	}
	return res
}
