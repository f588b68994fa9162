// Package export hands an organization's alternate contacts to the tools
// teams already use: Terraform/OpenTofu (aws_account_alternate_contact
// resources with import blocks for what exists, so the first plan adopts
// the contacts instead of recreating them) and the CSV of AWS's own
// bulk-update sample (aws-samples/aws-organizations-alternate-contacts-
// management-via-csv).
//
// Export files are configuration: they hold the real phone numbers. Nothing
// here logs them.
package export

import (
	"errors"
	"fmt"
	"strings"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/inventory"
)

// Entry is one (account, type) to hand over: the contact the export writes
// and whether one exists today.
type Entry struct {
	AccountID   string
	AccountName string
	OUPath      string
	Management  bool
	// Self marks the caller's own account, which the Account API (and so
	// the Terraform provider) addresses without an account id: the
	// management account, when run from it.
	Self bool
	Type contact.Type
	// Contact is what the export declares: the policy's desired contact
	// when the policy declares one, else the current one.
	Contact contact.Details
	// Exists reports a contact of this type today (it is imported).
	Exists bool
}

// Collect lists, for every account of an inventory that was read, each
// type the policy declares for it or that exists, in account id then type
// order (the inventory's accounts are sorted by id). Only accounts that
// were read are exported: skipped ones (suspended, excluded) are left out,
// and so are those that could not be read (inventory.Errors reports them),
// since exporting them would declare a contact that may already exist
// without its import.
func Collect(inv *inventory.Inventory, p *contact.Policy) []Entry {
	var out []Entry
	for _, a := range inv.Accounts {
		if a.Status != inventory.Read {
			continue
		}
		var desired map[contact.Type]contact.Details
		if p != nil {
			desired = p.Desired(a.Account)
		}
		for _, t := range contact.Types() {
			cur := a.Contacts[t]
			want, declared := desired[t]
			if !declared && cur == nil {
				continue
			}
			e := Entry{AccountID: a.ID, AccountName: a.Name, OUPath: a.OUPath, Management: a.Management,
				Self: a.ID == inv.Caller.Account, Type: t, Exists: cur != nil}
			if declared {
				e.Contact = want
			} else {
				e.Contact = trim(*cur)
			}
			out = append(out, e)
		}
	}
	return out
}

// Imports counts the entries that hold a contact today: the ones the
// Terraform export imports rather than creates.
func Imports(entries []Entry) int {
	n := 0
	for _, e := range entries {
		if e.Exists {
			n++
		}
	}
	return n
}

func trim(d contact.Details) contact.Details {
	return contact.Details{Name: strings.TrimSpace(d.Name), Title: strings.TrimSpace(d.Title),
		Email: strings.TrimSpace(d.Email), Phone: strings.TrimSpace(d.Phone)}
}

// ErrUnsafeValue reports a value the CSV of AWS's sample cannot carry: its
// importer splits lines on every comma and knows no quoting, and a leading
// = + - @ would run as a formula in the spreadsheet the sample edits it in.
var ErrUnsafeValue = errors.New("value cannot be written to the sample's CSV")

// CSV writes the rows of AWS's bulk-update sample: no header, one row per
// ACTIVE account and type, account_id,ALTERNATECONTACT,TYPE,EMAIL,NAME,
// PHONE,TITLE, the field order of `aws account get-alternate-contact
// --output text` that the sample's export writes and its import reads. A
// type with nothing to declare is an empty row (account,ALTERNATECONTACT,
// TYPE,,,,), as the sample's export writes it and its import skips it.
func CSV(inv *inventory.Inventory, entries []Entry) ([]byte, error) {
	byKey := map[string]Entry{}
	for _, e := range entries {
		byKey[e.AccountID+"/"+string(e.Type)] = e
	}
	var b strings.Builder
	for _, a := range inv.Accounts {
		if a.Status != inventory.Read {
			continue
		}
		for _, t := range contact.Types() {
			e, ok := byKey[a.ID+"/"+string(t)]
			if !ok {
				fmt.Fprintf(&b, "%s,ALTERNATECONTACT,%s,,,,\n", a.ID, t)
				continue
			}
			c := e.Contact
			for _, f := range []struct{ name, v string }{{"email", c.Email}, {"name", c.Name}, {"phone", c.Phone}, {"title", c.Title}} {
				if strings.ContainsAny(f.v, ",\"\r\n") || (f.name != "phone" && f.v != "" && strings.ContainsRune("=+-@", rune(f.v[0]))) {
					return nil, fmt.Errorf("%w: account %s %s %s %q", ErrUnsafeValue, a.ID, t, f.name, maskIfPhone(f.name, f.v))
				}
			}
			fmt.Fprintf(&b, "%s,ALTERNATECONTACT,%s,%s,%s,%s,%s\n", a.ID, t, c.Email, c.Name, c.Phone, c.Title)
		}
	}
	return []byte(b.String()), nil
}

func maskIfPhone(field, v string) string {
	if field == "phone" {
		return contact.MaskPhone(v)
	}
	return v
}
