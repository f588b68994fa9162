package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/altcontacts/altcontacts/internal/report"
)

// formatsKey is the annotation that lists the -o formats a command
// renders (see outputFlag).
const formatsKey = "altcontacts/output-formats"

// outputFlag gives cmd its own -o, whose help lists exactly the formats it
// renders, the first being the default. The root's -o (hidden) stays, so
// that -o may come before the command; checkOutput refuses it for a
// command that renders no format.
func outputFlag(cmd *cobra.Command, g *globalOptions, formats ...string) {
	cmd.Flags().StringVarP(&g.output, "output", "o", "", fmt.Sprintf("output format: %s (default %s)", strings.Join(formats, ", "), formats[0]))
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[formatsKey] = strings.Join(formats, ",")
	cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
}

// checkOutput refuses, for every command alike, an -o value the command
// does not render (the root's PersistentPreRunE).
func checkOutput(cmd *cobra.Command, g *globalOptions) error {
	if g.output == "" {
		return nil
	}
	name := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
	formats := strings.Split(cmd.Annotations[formatsKey], ",")
	if cmd.Annotations[formatsKey] == "" {
		formats = nil
	}
	_, err := outputFormat(g, name, formats)
	return err
}

// outputFormat checks -o against the formats a command renders; the
// default is the first.
func outputFormat(g *globalOptions, command string, formats []string) (string, error) {
	o := g.output
	if o == "" && len(formats) > 0 {
		o = formats[0]
	}
	if slices.Contains(formats, o) {
		return o, nil
	}
	if len(formats) == 0 {
		return "", usageErr("--output: unknown format %q for %s (it has no -o formats)", o, command)
	}
	return "", usageErr("--output: unknown format %q for %s (want %s)", o, command, strings.Join(formats, ", "))
}

// changeOutput checks -o for plan, apply, rollback, journal list and doctor.
func changeOutput(g *globalOptions, command string) (string, error) {
	return outputFormat(g, command, report.ChangeFormats)
}
