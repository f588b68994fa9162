package export_test

import (
	"testing"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/export"
)

// The Terraform export imports the contacts that exist today and creates
// the rest; its summary line counts the imports.
func TestImports(t *testing.T) {
	t.Parallel()
	e := func(account string, exists bool) export.Entry {
		return export.Entry{AccountID: account, Type: contact.Security, Exists: exists}
	}
	for _, tc := range []struct {
		name    string
		entries []export.Entry
		want    int
	}{
		{"none", nil, 0},
		{"all new", []export.Entry{e("111111111111", false), e("222222222222", false)}, 0},
		{"mixed", []export.Entry{e("111111111111", true), e("222222222222", false), e("333333333333", true)}, 2},
	} {
		if got := export.Imports(tc.entries); got != tc.want {
			t.Errorf("%s: Imports = %d, want %d", tc.name, got, tc.want)
		}
	}
}
