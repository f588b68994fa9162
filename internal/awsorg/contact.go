package awsorg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/altcontacts/altcontacts/internal/contact"
)

// Target names the account a contact call acts on. Standalone calls omit
// AccountId: AWS requires that for the caller's own account (the management
// account gets a 403 if it names itself), and for accounts outside an
// organization.
type Target struct {
	AccountID  string
	Standalone bool
}

func (t Target) accountID() *string {
	if t.Standalone {
		return nil
	}
	return aws.String(t.AccountID)
}

func (t Target) String() string { return "account " + t.AccountID }

// GetContact reads one alternate contact; an unset contact is (nil, nil).
func (c *Client) GetContact(ctx context.Context, t Target, typ contact.Type) (*contact.Details, error) {
	start := time.Now()
	out, err := c.account.GetAlternateContact(ctx, &account.GetAlternateContactInput{
		AccountId:            t.accountID(),
		AlternateContactType: accttypes.AlternateContactType(typ),
	})
	var nf *accttypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		c.trace(ctx, "GetAlternateContact", t, string(typ), start, "unset", nil)
		return nil, nil
	}
	if err != nil {
		err = classify(fmt.Sprintf("get %s contact of %s", typ, t), err)
		c.trace(ctx, "GetAlternateContact", t, string(typ), start, "error", err)
		return nil, err
	}
	c.trace(ctx, "GetAlternateContact", t, string(typ), start, "set", nil)
	ac := out.AlternateContact
	return &contact.Details{
		Name:  aws.ToString(ac.Name),
		Title: aws.ToString(ac.Title),
		Email: aws.ToString(ac.EmailAddress),
		Phone: aws.ToString(ac.PhoneNumber),
	}, nil
}

// PutContact writes one alternate contact. d must pass d.Validate: AWS
// checks the same constraints, but only after the request is spent.
func (c *Client) PutContact(ctx context.Context, t Target, typ contact.Type, d contact.Details) error {
	if err := d.Validate(); err != nil {
		return fmt.Errorf("put %s contact of %s: %w", typ, t, err)
	}
	start := time.Now()
	_, err := c.account.PutAlternateContact(ctx, &account.PutAlternateContactInput{
		AccountId:            t.accountID(),
		AlternateContactType: accttypes.AlternateContactType(typ),
		Name:                 aws.String(d.Name),
		Title:                aws.String(d.Title),
		EmailAddress:         aws.String(d.Email),
		PhoneNumber:          aws.String(d.Phone),
	})
	err = classify(fmt.Sprintf("put %s contact of %s", typ, t), err)
	c.trace(ctx, "PutAlternateContact", t, string(typ), start, outcome(err), err)
	return err
}

func outcome(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

// DeleteContact removes one alternate contact; deleting an unset contact
// succeeds, as the end state is the same.
func (c *Client) DeleteContact(ctx context.Context, t Target, typ contact.Type) error {
	start := time.Now()
	_, err := c.account.DeleteAlternateContact(ctx, &account.DeleteAlternateContactInput{
		AccountId:            t.accountID(),
		AlternateContactType: accttypes.AlternateContactType(typ),
	})
	var nf *accttypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		c.trace(ctx, "DeleteAlternateContact", t, string(typ), start, "unset", nil)
		return nil
	}
	err = classify(fmt.Sprintf("delete %s contact of %s", typ, t), err)
	c.trace(ctx, "DeleteAlternateContact", t, string(typ), start, outcome(err), err)
	return err
}
