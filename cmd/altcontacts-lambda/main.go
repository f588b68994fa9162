// Command altcontacts-lambda is the enforcer as an AWS Lambda function
// (runtime provided.al2023, built as `bootstrap`): it applies the policy in
// ALTCONTACTS_POLICY to the account each EventBridge event names. See
// deploy/template.yaml.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/altcontacts/altcontacts/internal/enforce"
)

func main() {
	h, err := enforce.FromEnv(context.Background(), os.Getenv, os.Stdout, "lambda")
	if err != nil {
		// A bad configuration fails every invocation loudly, into the DLQ.
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lambda.Start(func(ctx context.Context, ev json.RawMessage) (*enforce.Result, error) { return h.Handle(ctx, ev) })
}
