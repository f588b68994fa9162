// Command altcontacts-lambda is the enforcer as an AWS Lambda function
// (runtime provided.al2023, built as `bootstrap`): it applies the policy in
// ALTCONTACTS_POLICY to the account each EventBridge event names, and runs
// the phases of the sweep the state machine drives. See
// deploy/template.yaml and enforce.Handler.Invoke.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/altcontacts/altcontacts/internal/buildinfo"
	"github.com/altcontacts/altcontacts/internal/enforce"
)

// version is the release stamp (-ldflags "-X main.version=…", see
// .goreleaser.yaml); the journal records it as the tool version.
var version = ""

func main() {
	buildinfo.SetStamp(buildinfo.Stamp{Version: version})
	h, err := enforce.FromEnv(context.Background(), os.Getenv, os.Stdout, buildinfo.Current().Version)
	if err != nil {
		// A bad configuration fails every invocation loudly, into the DLQ.
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lambda.Start(func(ctx context.Context, ev json.RawMessage) (any, error) { return h.Invoke(ctx, ev) })
}
