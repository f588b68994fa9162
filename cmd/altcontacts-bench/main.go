// Command altcontacts-bench benchmarks and soaks the real altcontacts
// binary against the emulator served over loopback; see docs/benchmarks.md.
//
//	go run ./cmd/altcontacts-bench speed --n 23,1000
//	go run ./cmd/altcontacts-bench baseline
//	go run ./cmd/altcontacts-bench soak --n 1000 --duration 8m
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/altcontacts/altcontacts/cmd/altcontacts-bench/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := bench.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
