package export

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/altcontacts/altcontacts/internal/inventory"
)

// File is one file of an export directory.
type File struct {
	Name string
	Data []byte
}

// The names of an export directory's files: Terraform writes the first
// three (ImportsFile only when a contact exists), CSV the last.
const (
	VersionsFile = "versions.tf"
	ContactsFile = "alternate_contacts.tf"
	ImportsFile  = "imports.tf"
	CSVFile      = "alternate-contacts.csv"
)

// Resource is the Terraform AWS provider's resource type for one alternate
// contact.
const Resource = "aws_account_alternate_contact"

// Terraform renders the entries as a Terraform/OpenTofu configuration:
//
//   - versions.tf: the required provider, and no provider block, so the
//     directory runs under whatever provider configuration (credentials,
//     Region, assume-role) the team already has;
//   - alternate_contacts.tf: one resource per entry; the caller's own
//     account (the management account) has no account_id, because the
//     Account API addresses it only in standalone context;
//   - imports.tf: one import block per contact that exists today, with the
//     provider's import id (ACCOUNT_ID/TYPE, or TYPE alone for the caller's
//     own account), so the first plan adopts them instead of creating.
//
// Every file is hclwrite.Format's output: `terraform fmt -check` accepts it.
func Terraform(inv *inventory.Inventory, entries []Entry) []File {
	org := "standalone account " + inv.Caller.Account
	if inv.Organization != nil {
		org = "organization " + inv.Organization.ID
	}

	versions := hclwrite.NewEmptyFile()
	comment(versions.Body(), "Written by altcontacts export. Import blocks need Terraform 1.5 or OpenTofu 1.6.",
		"The provider is configured where you run this (credentials of the management",
		"account or of the delegated administrator for account.amazonaws.com).")
	tf := versions.Body().AppendNewBlock("terraform", nil).Body()
	tf.SetAttributeValue("required_version", cty.StringVal(">= 1.5.0"))
	tf.AppendNewline()
	rp := tf.AppendNewBlock("required_providers", nil).Body()
	rp.SetAttributeValue("aws", cty.ObjectVal(map[string]cty.Value{
		"source":  cty.StringVal("hashicorp/aws"),
		"version": cty.StringVal(">= 5.0"),
	}))

	contacts := hclwrite.NewEmptyFile()
	cb := contacts.Body()
	comment(cb, fmt.Sprintf("The alternate contacts of %s, written by altcontacts export.", org),
		"Terraform owns these contacts from now on: run the altcontacts enforcer in report",
		"mode for these accounts, or the two will correct each other.")
	imports := hclwrite.NewEmptyFile()
	ib := imports.Body()
	comment(ib, "Adopt the contacts that exist today instead of creating them. After the first",
		"terraform apply they are in the state, and this file can be deleted.")
	nImports := 0
	for _, e := range entries {
		name := resourceName(e)
		cb.AppendNewline()
		where := e.OUPath
		if where == "" {
			where = "standalone"
		}
		label := e.AccountName
		if e.Management {
			label += " (management)"
		}
		comment(cb, fmt.Sprintf("%s %s, %s", e.AccountID, label, where))
		rb := cb.AppendNewBlock("resource", []string{Resource, name}).Body()
		if !e.Self {
			rb.SetAttributeValue("account_id", cty.StringVal(e.AccountID))
		}
		rb.SetAttributeValue("alternate_contact_type", cty.StringVal(string(e.Type)))
		rb.SetAttributeValue("name", cty.StringVal(e.Contact.Name))
		rb.SetAttributeValue("title", cty.StringVal(e.Contact.Title))
		rb.SetAttributeValue("email_address", cty.StringVal(e.Contact.Email))
		rb.SetAttributeValue("phone_number", cty.StringVal(e.Contact.Phone))
		if !e.Exists {
			continue
		}
		ib.AppendNewline()
		nImports++
		imp := ib.AppendNewBlock("import", nil).Body()
		imp.SetAttributeTraversal("to", hcl.Traversal{hcl.TraverseRoot{Name: Resource}, hcl.TraverseAttr{Name: name}})
		imp.SetAttributeValue("id", cty.StringVal(ImportID(e)))
	}
	out := []File{
		{Name: VersionsFile, Data: hclwrite.Format(versions.Bytes())},
		{Name: ContactsFile, Data: hclwrite.Format(contacts.Bytes())},
	}
	if nImports > 0 {
		out = append(out, File{Name: ImportsFile, Data: hclwrite.Format(imports.Bytes())})
	}
	return out
}

// ImportID is the provider's import id for an entry: ACCOUNT_ID/TYPE, or
// the TYPE alone for the account the provider runs as.
func ImportID(e Entry) string {
	if e.Self {
		return string(e.Type)
	}
	return e.AccountID + "/" + string(e.Type)
}

// resourceName is unique per (account, type) and stable across exports, so
// a re-export diffs cleanly: the type, then the account id.
func resourceName(e Entry) string {
	return strings.ToLower(string(e.Type)) + "_" + e.AccountID
}

// comment appends "# line" comments.
func comment(b *hclwrite.Body, lines ...string) {
	var toks hclwrite.Tokens
	for _, l := range lines {
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComment, Bytes: []byte("# " + l + "\n")})
	}
	b.AppendUnstructuredTokens(toks)
}
