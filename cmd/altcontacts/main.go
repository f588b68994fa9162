// Command altcontacts audits and fixes the alternate contacts (Security Hub
// control Account.1) of every account in an AWS Organization.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/altcontacts/altcontacts/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
