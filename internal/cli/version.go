package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/buildinfo"
	"github.com/altcontacts/altcontacts/internal/report"
)

// version is the tool version written into reports and journals: the
// release stamp, else the module version, else "devel".
func version() string { return buildinfo.Current().Version }

// versionOptions are version's flags: only the global -o.
type versionOptions struct {
	e      *env
	g      *globalOptions
	format string
}

func newVersionCmd(e *env, g *globalOptions) *cobra.Command {
	o := &versionOptions{e: e, g: g}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and Go version",
		Long: `version prints which build this is: the release version, the commit and its date
(stamped by the release build; for a 'go install' or 'go build' binary, what the Go
toolchain recorded), the Go version and the platform. --version prints the same line.`,
		Example: `  altcontacts version
  altcontacts version -o json | jq -r .version`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			return runVersion(cmd.Context(), o)
		},
	}
	outputFlag(cmd, g, report.VersionFormats...)
	return cmd
}

func (o *versionOptions) parse() (err error) {
	o.format, err = outputFormat(o.g, "version", report.VersionFormats)
	return err
}

func runVersion(_ context.Context, o *versionOptions) error {
	return report.Version(o.e.stdout, o.format, buildinfo.Current())
}
