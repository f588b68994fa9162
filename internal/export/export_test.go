package export_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/export"
	"github.com/altcontacts/altcontacts/internal/inventory"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func fintech(t *testing.T, p *contact.Policy) (*inventory.Inventory, *emulator.Emulator) {
	t.Helper()
	e := emulator.New(emulator.WithQuotaScale(50))
	c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(50)})
	rep, err := inventory.Take(context.Background(), c, p, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep, e
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

// checkHCL parses a file with hcl/v2 and requires it to be exactly what
// hclwrite.Format (the formatter behind terraform fmt) makes of it.
func checkHCL(t *testing.T, f export.File) *hclsyntax.Body {
	t.Helper()
	parsed, diags := hclsyntax.ParseConfig(f.Data, f.Name, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s does not parse: %v", f.Name, diags)
	}
	if formatted := hclwrite.Format(f.Data); !bytes.Equal(formatted, f.Data) {
		t.Errorf("%s is not in terraform fmt form:\n%s", f.Name, formatted)
	}
	return parsed.Body.(*hclsyntax.Body)
}

type resource struct {
	attrs map[string]string
}

// decode reads the resources and import blocks of an export.
func decode(t *testing.T, files []export.File) (map[string]resource, map[string][]string) {
	t.Helper()
	resources := map[string]resource{}
	imports := map[string][]string{} // resource address -> import ids
	for _, f := range files {
		body := checkHCL(t, f)
		for _, b := range body.Blocks {
			switch b.Type {
			case "resource":
				if b.Labels[0] != export.Resource {
					t.Errorf("unexpected resource type %q", b.Labels[0])
				}
				addr := b.Labels[0] + "." + b.Labels[1]
				if _, dup := resources[addr]; dup {
					t.Errorf("resource %s declared twice", addr)
				}
				r := resource{attrs: map[string]string{}}
				for name, a := range b.Body.Attributes {
					v, diags := a.Expr.Value(nil)
					if diags.HasErrors() {
						t.Fatalf("%s.%s: %v", addr, name, diags)
					}
					r.attrs[name] = v.AsString()
				}
				resources[addr] = r
			case "import":
				to := b.Body.Attributes["to"]
				id := b.Body.Attributes["id"]
				if to == nil || id == nil {
					t.Fatalf("import block without to or id in %s", f.Name)
				}
				tr, diags := hcl.AbsTraversalForExpr(to.Expr)
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				v, _ := id.Expr.Value(nil)
				addr := tr.RootName() + "." + tr[1].(hcl.TraverseAttr).Name
				imports[addr] = append(imports[addr], v.AsString())
			case "terraform":
			default:
				t.Errorf("unexpected block %q in %s", b.Type, f.Name)
			}
		}
	}
	return resources, imports
}

func TestTerraformFintech(t *testing.T) {
	rep, e := fintech(t, nil)
	if errs := rep.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	entries := export.Collect(rep, nil)
	files := export.Terraform(rep, entries)
	for _, f := range files {
		golden(t, filepath.Join("fintech", f.Name), f.Data)
	}
	resources, imports := decode(t, files)

	// Every contact that exists in the organization has exactly one
	// resource and exactly one import block, with the provider's id.
	st := e.State()
	existing := 0
	for _, a := range st.Accounts {
		if a.State != "ACTIVE" {
			continue
		}
		for typ, c := range a.Contacts {
			existing++
			addr := export.Resource + "." + strings.ToLower(typ) + "_" + a.ID
			r, ok := resources[addr]
			if !ok {
				t.Errorf("no resource for %s %s", a.ID, typ)
				continue
			}
			if r.attrs["email_address"] != c.Email || r.attrs["phone_number"] != c.Phone || r.attrs["alternate_contact_type"] != typ {
				t.Errorf("%s = %v, want %+v", addr, r.attrs, c)
			}
			wantID := a.ID + "/" + typ
			if a.ID == st.Organization.ManagementAccount {
				// The provider runs as the management account: its own
				// contacts have no account_id, and import by type alone.
				wantID = typ
				if _, has := r.attrs["account_id"]; has {
					t.Errorf("%s has an account_id", addr)
				}
			} else if r.attrs["account_id"] != a.ID {
				t.Errorf("%s account_id = %q", addr, r.attrs["account_id"])
			}
			if got := imports[addr]; len(got) != 1 || got[0] != wantID {
				t.Errorf("imports of %s = %v, want [%s]", addr, got, wantID)
			}
		}
	}
	if existing != 11 || len(resources) != existing {
		t.Errorf("%d resources for %d existing contacts (fintech has 11)", len(resources), existing)
	}
	total := 0
	for _, ids := range imports {
		total += len(ids)
	}
	if total != existing {
		t.Errorf("%d import blocks, want one per existing contact (%d)", total, existing)
	}
}

// With a policy, every account gets the contacts the policy declares;
// only the ones that exist are imported, and the suspended account is left
// out.
func TestTerraformPolicy(t *testing.T) {
	p, err := contact.ParsePolicy("p.yaml", []byte(`version: 1
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
overrides:
  - ou: Root/Sandbox
    contacts: {SECURITY: {name: Sandbox Security, title: Security Team, email: "sandbox-security@acmepay.io", phone: "+1 206 555 7701"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := fintech(t, p)
	entries := export.Collect(rep, p)
	files := export.Terraform(rep, entries)
	resources, imports := decode(t, files)
	// 23 ACTIVE accounts' SECURITY, plus the management account's
	// OPERATIONS and BILLING, which exist and the policy does not declare.
	if len(resources) != 25 {
		t.Errorf("%d resources, want 25", len(resources))
	}
	// 9 SECURITY contacts exist, plus the management account's two.
	n := 0
	for _, ids := range imports {
		n += len(ids)
	}
	if n != 11 {
		t.Errorf("%d import blocks, want 11", n)
	}
	if r := resources["aws_account_alternate_contact.security_158392047716"]; r.attrs["email_address"] != "security@acmepay.io" {
		t.Errorf("fraud-prod holds %v, want the policy's contact", r.attrs)
	}
	if r := resources["aws_account_alternate_contact.security_938265104473"]; r.attrs["email_address"] != "sandbox-security@acmepay.io" {
		t.Errorf("sandbox-alice holds %v, want the Root/Sandbox override", r.attrs)
	}
	if _, ok := resources["aws_account_alternate_contact.security_753910284406"]; ok {
		t.Error("the suspended account is exported")
	}
}

// A value HCL must escape survives: a template sequence is not evaluated.
func TestTerraformEscapes(t *testing.T) {
	rep := &inventory.Inventory{Caller: awsorg.Identity{Account: "111111111111"}}
	entries := []export.Entry{{AccountID: "222222222222", AccountName: "x", OUPath: "Root", Type: contact.Security, Exists: true,
		Contact: contact.Details{Name: `Sec ${var.x} "Ops" %{if}`, Title: `back\slash`, Email: "security@acmepay.io", Phone: "+1 206 555 7700"}}}
	resources, _ := decode(t, export.Terraform(rep, entries))
	r := resources["aws_account_alternate_contact.security_222222222222"]
	if r.attrs["name"] != `Sec ${var.x} "Ops" %{if}` || r.attrs["title"] != `back\slash` {
		t.Errorf("escaping lost the value: %v", r.attrs)
	}
}

func TestCSVFintech(t *testing.T) {
	rep, _ := fintech(t, nil)
	entries := export.Collect(rep, nil)
	data, err := export.CSV(rep, entries)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "fintech.csv", data)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	// Three rows for each of the 23 ACTIVE accounts, six commas each: the
	// sample's importer checks exactly that.
	if len(lines) != 69 {
		t.Errorf("%d rows, want 69", len(lines))
	}
	for _, l := range lines {
		if strings.Count(l, ",") != 6 || strings.Split(l, ",")[1] != "ALTERNATECONTACT" {
			t.Errorf("row %q is not in the sample's format", l)
		}
	}
}

func TestCSVRefusesUnsafeValues(t *testing.T) {
	rep := &inventory.Inventory{Accounts: []inventory.Account{{Account: contact.Account{ID: "222222222222"}, Status: inventory.Read}}}
	for _, name := range []string{"Security, Ops", "=HYPERLINK(1)", "line\nbreak"} {
		entries := []export.Entry{{AccountID: "222222222222", Type: contact.Security,
			Contact: contact.Details{Name: name, Title: "Security Team", Email: "security@acmepay.io", Phone: "+1 206 555 7700"}}}
		if _, err := export.CSV(rep, entries); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
}
