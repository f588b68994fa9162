package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/atomicfile"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/export"
	"github.com/altcontacts/altcontacts/internal/inventory"
)

// exportOptions are export's flags.
type exportOptions struct {
	e *env
	g *globalOptions

	format, policyFile, out string

	// Set by parse.
	policy *contact.Policy
}

func newExportCmd(e *env, g *globalOptions) *cobra.Command {
	o := &exportOptions{e: e, g: g}
	cmd := &cobra.Command{
		Use:   "export --format terraform|csv [--policy FILE] [--out DIR]",
		Short: "Write the contacts as Terraform resources with import blocks, or as AWS's bulk-update CSV",
		Long: `export reads every account's alternate contacts and writes them for another tool.

--format terraform writes a directory a Terraform or OpenTofu user commits: one
aws_account_alternate_contact resource per account and type the policy declares or that
exists, and import blocks for the contacts that exist, so the first 'terraform plan'
adopts them instead of creating them. With --policy, the resources hold the policy's
contacts (the plan then shows the updates); without it, today's contacts.

--format csv writes the CSV of AWS's alternate-contacts bulk-update sample
(aws-samples/aws-organizations-alternate-contacts-management-via-csv): no header,
account_id,ALTERNATECONTACT,TYPE,EMAIL,NAME,PHONE,TITLE, one row per account read and
type. To stdout unless --out FILE; --out naming an existing directory writes
DIR/alternate-contacts.csv in it.

The files hold real phone numbers: they are configuration. Existing files are never
overwritten.`,
		Example: `  altcontacts export --sandbox --format terraform --out contacts-tf
  altcontacts export --format terraform --policy contacts.yaml --out infra/alternate-contacts
  altcontacts export --format csv --out alternate-contacts.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			return runExport(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.format, "format", "", "terraform or csv")
	cmd.Flags().StringVar(&o.policyFile, "policy", "", "policy file: export the contacts it declares (default: today's contacts)")
	cmd.Flags().StringVar(&o.out, "out", "", "where to write: terraform, a directory (default alternate-contacts); csv, a file or an existing directory (default stdout)")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"terraform", "csv"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// parse checks every flag, reads the policy and refuses existing files,
// before anything is called: existing files are the user's.
func (o *exportOptions) parse() error {
	switch o.format {
	case "terraform":
		if o.out == "" {
			o.out = "alternate-contacts"
		}
	case "csv":
	case "":
		return usageErr("--format is required (terraform or csv)")
	default:
		return usageErr("--format: unknown format %q (want terraform or csv)", o.format)
	}
	if o.policyFile != "" {
		p, _, err := readPolicy(o.e, o.policyFile)
		if err != nil {
			return err
		}
		o.policy = p
	}
	for _, t := range exportTargets(o) {
		if _, err := os.Lstat(o.e.path(t)); err == nil {
			return withHints(fmt.Errorf("%s already exists; export never overwrites a file", t), ExitUsage,
				"remove it, or export to another directory with --out DIR")
		}
	}
	return nil
}

func runExport(ctx context.Context, o *exportOptions) error {
	e, g, pol := o.e, o.g, o.policy
	conn, err := g.connect(ctx, e)
	if err != nil {
		return err
	}
	defer conn.close()
	bar := newProgress(e, g, "accounts read")
	rep, err := inventory.Take(ctx, conn.client, pol, inventory.Options{Accounts: g.accounts, OUs: g.ous, Concurrency: g.concurrency,
		Progress: bar.update, Warn: e.warn})
	bar.finish()
	if err := filterError(g, err); err != nil {
		return err
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return &exitError{code: ExitInterrupted, err: errors.New("interrupted while reading the organization; nothing was written")}
	case err != nil:
		return withHints(fmt.Errorf("export: %w", err), ExitIncomplete, awsHints(g, err)...)
	}
	entries := export.Collect(rep, pol)
	var files []export.File
	dir, rows := o.out, 0
	if o.format == "terraform" {
		files = export.Terraform(rep, entries)
	} else {
		data, err := export.CSV(rep, entries)
		if errors.Is(err, export.ErrUnsafeValue) {
			return withHints(err, ExitIncomplete, "the sample's importer cannot carry it; use --format terraform, or change the contact")
		} else if err != nil {
			return err
		}
		rows = bytes.Count(data, []byte("\n"))
		if path := csvPath(e, o.out); path == "" {
			if _, err := e.stdout.Write(data); err != nil {
				return err
			}
		} else {
			dir = filepath.Dir(path)
			files = []export.File{{Name: filepath.Base(path), Data: data}}
		}
	}
	if len(files) > 0 {
		if err := os.MkdirAll(e.path(dir), 0o755); err != nil {
			return withHints(e.asWritten(err, dir), ExitIncomplete)
		}
		for _, f := range files {
			// Contact files hold phone numbers: readable by the owner's
			// group (a repository checkout), not by everyone.
			if err := atomicfile.Create(e.path(filepath.Join(dir, f.Name)), f.Data, 0o640); err != nil {
				if errors.Is(err, fs.ErrExist) {
					return usageErr("%s already exists; export never overwrites a file", filepath.Join(dir, f.Name))
				}
				return withHints(e.asWritten(err, dir), ExitIncomplete)
			}
		}
	}
	if o.format == "csv" {
		where := "stdout"
		if path := csvPath(e, o.out); path != "" {
			where = path
		}
		fmt.Fprintf(e.stderr, "altcontacts: exported %d row(s), one per account and type, of %d account(s) to %s; %d hold a contact\n", rows, rep.Count(inventory.Read), where, len(entries))
	} else {
		fmt.Fprintf(e.stderr, "altcontacts: exported %d contact(s) of %d account(s) to %s (%d existing, imported)\n", len(entries), rep.Count(inventory.Read), o.out, export.Imports(entries))
		fmt.Fprintf(e.stderr, "altcontacts: next: cd %s && terraform init && terraform plan; run the enforcer in report mode for accounts Terraform owns\n", o.out)
	}
	if errs := rep.Errors(); len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, err := range errs {
			msgs[i] = err.Error()
		}
		return withHints(fmt.Errorf("%d account(s) could not be read and are not in the export", len(errs)), ExitIncomplete, append(msgs, hintsOnce(g, errs)...)...)
	}
	return nil
}

// csvPath is the file a CSV export writes: --out, or
// DIR/alternate-contacts.csv when --out names an existing directory; ""
// for stdout.
func csvPath(e *env, out string) string {
	if out == "" {
		return ""
	}
	if fi, err := os.Stat(e.path(out)); err == nil && fi.IsDir() {
		return filepath.Join(out, export.CSVFile)
	}
	return out
}

// exportTargets are the files an export would create.
func exportTargets(o *exportOptions) []string {
	if o.format == "csv" {
		if path := csvPath(o.e, o.out); path != "" {
			return []string{path}
		}
		return nil
	}
	return []string{filepath.Join(o.out, export.VersionsFile), filepath.Join(o.out, export.ContactsFile), filepath.Join(o.out, export.ImportsFile)}
}
