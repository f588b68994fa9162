package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X github.com/altcontacts/altcontacts/internal/cli.Version=v1.2.3";
// otherwise the module version from the build info is used.
var Version = ""

// version returns the tool version.
func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// versionOptions are version's flags: none.
type versionOptions struct {
	e *env
}

func newVersionCmd(e *env) *cobra.Command {
	o := &versionOptions{e: e}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVersion(cmd.Context(), o)
		},
	}
}

func runVersion(_ context.Context, o *versionOptions) error {
	_, err := fmt.Fprintf(o.e.stdout, "altcontacts %s (%s, %s/%s)\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
