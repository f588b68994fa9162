package emulator_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/smithy-go"

	"github.com/altcontacts/altcontacts/internal/emulator"
)

// The fintech organization's management account has no SECURITY contact,
// so reading it in the standalone context (no AccountId) is a 404.
func ExampleNew() {
	e := emulator.New()
	client := account.NewFromConfig(e.Config())
	_, err := client.GetAlternateContact(context.Background(), &account.GetAlternateContactInput{
		AlternateContactType: types.AlternateContactTypeSecurity,
	})
	var ae smithy.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.ErrorCode())
		fmt.Println(ae.ErrorMessage())
	}
	// Output:
	// ResourceNotFoundException
	// No contact of the inputted alternate contact type found.
}
