package inventory

import (
	"errors"
	"testing"
)

func TestCheckFilters(t *testing.T) {
	ous := map[string]string{"r-1": "Root", "ou-1": "Root/Workloads", "ou-2": "Root/Workloads/Prod", "ou-3": "Root/Security"}
	walked := map[string]bool{"111111111111": true}
	for _, tc := range []struct {
		name    string
		o       Options
		flag    string
		nearest string
	}{
		{"all known", Options{Accounts: []string{"111111111111"}, OUs: []string{"ou-2", "Root/Security/", "Root"}}, "", ""},
		{"typo", Options{OUs: []string{"Root/Workload"}}, "--ou", "Root/Workloads"},
		{"case", Options{OUs: []string{"root/security"}}, "--ou", "Root/Security"},
		{"far", Options{OUs: []string{"Sandbox/Nothing/Like/It"}}, "--ou", ""},
		{"account", Options{Accounts: []string{"123456789012"}}, "--accounts", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkFilters(tc.o, ous, walked)
			var fe *FilterError
			if tc.flag == "" {
				if err != nil {
					t.Fatalf("checkFilters: %v", err)
				}
				return
			}
			if !errors.As(err, &fe) || fe.Flag != tc.flag || fe.Nearest != tc.nearest {
				t.Fatalf("checkFilters = %#v, want flag %s nearest %q", err, tc.flag, tc.nearest)
			}
		})
	}
}
