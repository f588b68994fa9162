package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/maildomain"
	"github.com/altcontacts/altcontacts/internal/plan"
	"github.com/altcontacts/altcontacts/internal/strict"
)

// EnvResolver names a DNS resolver for the mail checks, like --resolver.
const EnvResolver = "ALTCONTACTS_RESOLVER"

// checkResolverAddr checks a --resolver or ALTCONTACTS_RESOLVER value.
func checkResolverAddr(what, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err == nil && host == "" {
		err = errors.New("missing host")
	}
	if n, perr := strconv.Atoi(port); err == nil && (perr != nil || n < 1 || n > 65535) {
		err = fmt.Errorf("bad port %q", port)
	}
	if err != nil {
		return usageErr("%s: %q is not HOST:PORT (%v), e.g. 1.1.1.1:53", what, addr, err)
	}
	return nil
}

// resolvers picks the DNS servers: --resolver, then ALTCONTACTS_RESOLVER,
// then the sandbox's own, then the system's (empty: maildomain reads
// /etc/resolv.conf).
func (g *globalOptions) resolvers(e *env, conn *connection) ([]string, error) {
	if g.resolver != "" {
		return []string{g.resolver}, nil
	}
	if r := strings.TrimSpace(e.getenv(EnvResolver)); r != "" {
		if err := checkResolverAddr(EnvResolver, r); err != nil {
			return nil, err
		}
		return []string{r}, nil
	}
	if conn != nil && conn.resolver != nil {
		addr, err := conn.resolver()
		if err != nil {
			return nil, err
		}
		return []string{addr}, nil
	}
	return nil, nil
}

// mailChecker builds the command's mail-domain checker, or nil under
// --no-dns. registration turns on RDAP (--check-registration): through the
// sandbox's RDAP on its in-process transport with --sandbox, else IANA's
// bootstrap and the registries. A system without a usable resolver is a
// warning and no checks, never a failure of the command.
func (g *globalOptions) mailChecker(e *env, conn *connection, registration bool) (*maildomain.Checker, error) {
	c, setupErr, err := g.newMailChecker(e, conn, registration)
	if setupErr != nil {
		fmt.Fprintf(e.stderr, "altcontacts: warning: mail domains not checked: %v (name one with --resolver HOST:PORT, or turn the checks off with --no-dns)\n", setupErr)
	}
	return c, err
}

// newMailChecker is mailChecker without the warning: setupErr says why no
// checker could be made (no resolver), err is a usage error.
func (g *globalOptions) newMailChecker(e *env, conn *connection, registration bool) (c *maildomain.Checker, setupErr, err error) {
	if g.noDNS {
		return nil, nil, nil
	}
	servers, err := g.resolvers(e, conn)
	if err != nil {
		return nil, nil, err
	}
	o := maildomain.Options{Servers: servers, Registration: registration}
	if conn != nil && conn.rdap != nil {
		o.HTTP, o.BootstrapURL = conn.rdap()
	}
	c, setupErr = maildomain.New(o)
	return c, setupErr, nil
}

// policyMailError refuses a policy whose own addresses cannot receive mail
// (mail-domain-missing, mail-domain-no-mail), as a placeholder is refused:
// exit 2 before anything is written, the domain named in the hint. A
// domain the resolver did not answer for is a warning: the command goes on.
func policyMailError(ctx context.Context, e *env, mc *maildomain.Checker, p *contact.Policy) error {
	if mc == nil || p == nil {
		return nil
	}
	errs, dead, warns := p.CheckMail(ctx, mc)
	for _, w := range warns {
		fmt.Fprintf(e.stderr, "altcontacts: warning: %s\n", w)
	}
	if len(errs) == 0 {
		return nil
	}
	return refuseMail(fmt.Errorf("policy refused: its own contacts would not receive mail\n%w", strict.Join(errs)), dead)
}

func refuseMail(err error, dead []string) error {
	return &exitError{code: ExitUsage, err: err,
		hints: []string{
			fmt.Sprintf("%s cannot receive mail: correct the address, or publish MX records for the domain", strings.Join(dead, ", ")),
			"to skip the DNS check (an offline run), add --no-dns",
		}}
}

// planMailError is policyMailError for apply --plan: the addresses a plan
// would write (plan.CheckMail decides; this prints and picks the exit).
func planMailError(ctx context.Context, e *env, mc *maildomain.Checker, pl *plan.Plan, source string) error {
	if mc == nil || pl == nil {
		return nil
	}
	res := pl.CheckMail(ctx, mc, source)
	for _, u := range res.Unchecked {
		fmt.Fprintf(e.stderr, "altcontacts: warning: the mail domain %s of the plan could not be checked in DNS (%s); proceeding\n", u.Domain, u.Why)
	}
	if len(res.Refusals) == 0 {
		return nil
	}
	return refuseMail(fmt.Errorf("plan refused: the contacts it would write would not receive mail\n%s", strings.Join(res.Refusals, "\n")), res.Dead)
}

// refuseDeadPolicy is the mail check of plan, apply and enforce, before
// anything is read or written: the policy's own addresses, or a plan's.
func (g *globalOptions) refuseDeadPolicy(ctx context.Context, e *env, conn *connection, p *contact.Policy, pl *plan.Plan, planFile string) error {
	mc, err := g.mailChecker(e, conn, false)
	if err != nil || mc == nil {
		return err
	}
	if pl != nil {
		return planMailError(ctx, e, mc, pl, planFile)
	}
	return policyMailError(ctx, e, mc, p)
}

// initMailWarning warns when the address init picked is at a domain that
// cannot receive mail: plan would refuse the policy as written.
func initMailWarning(ctx context.Context, e *env, g *globalOptions, conn *connection, email string) {
	mc, err := g.mailChecker(e, conn, false)
	d := contact.EmailDomain(email)
	if err != nil || mc == nil || d == "" {
		return
	}
	md := mc.Check(ctx, d)
	if msg := contact.MailRefusal(email, md); msg != "" {
		fmt.Fprintf(e.stderr, "altcontacts: warning: %s: pick an address that receives mail (init --email E); plan refuses this one\n", msg)
	}
}
