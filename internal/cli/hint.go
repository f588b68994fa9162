package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/altcontacts/altcontacts/internal/inventory"
)

// cmdline is a next-step command to print: altcontacts, the subcommand
// and the run's connection flags (--sandbox, --profile, --region,
// --endpoint-url), then args, each quoted for a POSIX shell when it needs
// it. Every command altcontacts tells the user to run is built here, so a
// copied hint reaches the same AWS (or sandbox) as the run that printed it.
func (g *globalOptions) cmdline(sub string, args ...string) string {
	words := append([]string{"altcontacts"}, strings.Fields(sub)...)
	if g.sandbox {
		words = append(words, "--sandbox")
	}
	if g.profile != "" {
		words = append(words, "--profile", g.profile)
	}
	if g.region != "" {
		words = append(words, "--region", g.region)
	}
	if g.endpointURL != "" {
		words = append(words, "--endpoint-url", g.endpointURL)
	}
	words = append(words, args...)
	for i, w := range words {
		words[i] = shellQuote(w)
	}
	return strings.Join(words, " ")
}

// yesFlag is --yes for a next step that asks for confirmation, when this
// run could not have asked either (not on a terminal): a hint copied into
// the same script must run there.
func (g *globalOptions) yesFlag() []string {
	if g.interactive {
		return nil
	}
	return []string{"--yes"}
}

// rollbackCmd is the command that undoes a journal.
func (g *globalOptions) rollbackCmd(journal string) string {
	return g.cmdline("rollback", append([]string{"--journal", journal}, g.yesFlag()...)...)
}

// shellQuote quotes w for a POSIX shell if it holds anything but safe
// characters; a placeholder in capitals (FILE) is left as it is.
func shellQuote(w string) string {
	if w != "" && strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@+%") == "" {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// warn prints a warning line on stderr.
func (e *env) warn(msg string) {
	fmt.Fprintf(e.stderr, "altcontacts: warning: %s\n", msg)
}

// filterError is exit 2 for an --ou or --accounts value that names nothing
// in the organization, with the nearest OU path; nil for any other error.
func filterError(g *globalOptions, err error) error {
	var fe *inventory.FilterError
	if !errors.As(err, &fe) {
		return nil
	}
	var hints []string
	switch {
	case fe.Nearest != "":
		hints = append(hints, fmt.Sprintf("did you mean --ou %s?", fe.Nearest))
	case fe.Flag == "--ou":
		hints = append(hints, "give an OU id (ou-...) or a path from the root, like Root/Workloads; the audit report shows every account's OU path")
	default:
		hints = append(hints, "list the organization's accounts with: "+g.cmdline("audit", "-o", "json"))
	}
	return withHints(fmt.Errorf("%w; nothing was read or written", err), ExitUsage, hints...)
}
