// Command altcontacts audits and fixes the alternate contacts (Security Hub
// control Account.1) of every account in an AWS Organization.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/altcontacts/altcontacts/internal/buildinfo"
	"github.com/altcontacts/altcontacts/internal/cli"
)

// The release stamp: GoReleaser sets these with -ldflags "-X main.version=…"
// (see .goreleaser.yaml). Empty in a `go install` or `go build` binary,
// which reports its module build info instead.
var (
	version = ""
	commit  = ""
	date    = ""
)

func main() {
	buildinfo.SetStamp(buildinfo.Stamp{Version: version, Commit: commit, Date: date})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
