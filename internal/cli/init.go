package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/atomicfile"
	"github.com/altcontacts/altcontacts/internal/starter"
)

// initOptions are init's flags.
type initOptions struct {
	e *env
	g *globalOptions

	out                string
	phone, email, name string
}

func newInitCmd(e *env, g *globalOptions) *cobra.Command {
	o := &initOptions{e: e, g: g}
	cmd := &cobra.Command{
		Use:   "init [--out contacts.yaml] [--phone P] [--email E] [--name N]",
		Short: "Write a commented starter policy from the organization it reads",
		Long: `init reads the organization (the OU-tree walk only; no contact is read) and writes a
commented starter policy: a SECURITY contact for every account on the organization's own
domain (the most common domain among the accounts' root emails), that domain as the only
allowed one, and an example override for one of your OUs.

Without --phone the file holds a marked placeholder phone that plan and apply refuse until
you replace it. init never overwrites a file.`,
		Example: `  altcontacts init --sandbox --phone "+1 206 555 7700"
  altcontacts init --phone "+44 20 7946 1234" --email secops@example.org --out policy.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			return runInit(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.out, "out", "contacts.yaml", "the policy file to write; never overwritten")
	cmd.Flags().StringVar(&o.phone, "phone", "", "the security team's on-call phone, in +country form (default: a placeholder plan refuses)")
	cmd.Flags().StringVar(&o.email, "email", "", "the SECURITY contact's email (default: security@ the organization's domain)")
	cmd.Flags().StringVar(&o.name, "name", "", "the SECURITY contact's name (default: "+starter.DefaultName+")")
	return cmd
}

// parse checks every flag, and refuses an existing file, before anything
// is called: an existing policy is the user's.
func (o *initOptions) parse() error {
	if o.out == "" {
		return usageErr("--out: want a file name")
	}
	if _, err := os.Lstat(o.e.path(o.out)); err == nil {
		return withHints(fmt.Errorf("%s already exists; init never overwrites a file", o.out), ExitUsage,
			"check it with: "+o.g.cmdline("plan", "--policy", o.out),
			"or write a new one elsewhere: "+o.g.cmdline("init", "--out", "FILE"))
	}
	if err := starter.CheckOptions(o.starterOptions()); err != nil {
		return usageErr("%v", err)
	}
	return nil
}

func (o *initOptions) starterOptions() starter.Options {
	return starter.Options{Phone: o.phone, Email: o.email, Name: o.name, File: o.out, Command: o.g.cmdline}
}

func runInit(ctx context.Context, o *initOptions) error {
	e, g, so := o.e, o.g, o.starterOptions()
	conn, err := g.connect(ctx, e)
	if err != nil {
		return err
	}
	defer conn.close()
	res, err := starter.Run(ctx, conn.client, so)
	switch {
	case errors.Is(err, starter.ErrBadInput):
		return usageErr("%v", err)
	case err != nil && ctx.Err() != nil:
		return &exitError{code: ExitInterrupted, err: errors.New("interrupted while reading the organization; nothing was written")}
	case err != nil:
		return withHints(fmt.Errorf("init: %w", err), ExitIncomplete, awsHints(g, err)...)
	}
	if err := atomicfile.Create(e.path(o.out), res.Data, 0o644); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return usageErr("%s already exists; init never overwrites a file", o.out)
		}
		return withHints(e.asWritten(err, o.out), ExitIncomplete)
	}
	src := ""
	if res.DomainSource != "" {
		src = " (" + res.Domain + ": " + res.DomainSource + ")"
	}
	fmt.Fprintf(e.stderr, "altcontacts: wrote %s: SECURITY contact %s for %d account(s)%s\n", o.out, res.Email, res.Accounts, src)
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "altcontacts: warning: %s\n", w)
	}
	if !res.PlaceholderEmail {
		initMailWarning(ctx, e, g, conn, res.Email)
	}
	if res.PlaceholderEmail {
		fmt.Fprintf(e.stderr, "altcontacts: the organization's mail domain is unknown: replace the placeholder email on line %d of %s (or rerun init with --email); plan refuses it until then\n", res.EmailLine, o.out)
	}
	if res.PlaceholderPhone {
		fmt.Fprintf(e.stderr, "altcontacts: replace the placeholder phone on line %d of %s with the on-call number (or rerun init with --phone); plan refuses it until then\n", res.PhoneLine, o.out)
	}
	fmt.Fprintf(e.stderr, "altcontacts: next: %s\n", g.cmdline("plan", "--policy", o.out))
	return nil
}
