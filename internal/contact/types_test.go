package contact

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTypes(t *testing.T) {
	if diff := cmp.Diff([]Type{Security, Operations, Billing}, Types()); diff != "" {
		t.Error(diff)
	}
}

func TestParseType(t *testing.T) {
	for in, want := range map[string]Type{"SECURITY": Security, "security": Security, " Operations ": Operations, "billing": Billing} {
		got, err := ParseType(in)
		if err != nil || got != want {
			t.Errorf("ParseType(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "SECURTY", "PRIMARY"} {
		if _, err := ParseType(in); err == nil {
			t.Errorf("ParseType(%q) succeeded, want error", in)
		}
	}
	_, err := ParseType("x")
	if got, want := err.Error(), `unknown contact type "x" (want SECURITY, OPERATIONS or BILLING)`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestValidate(t *testing.T) {
	emailOf := func(n int) string { return strings.Repeat("a", n-len("@acmepay.io")) + "@acmepay.io" }
	tests := []struct {
		name    string
		mod     func(*Details)
		wantErr string // "" means valid
	}{
		{"durable", func(*Details) {}, ""},
		{"name_64", func(d *Details) { d.Name = strings.Repeat("n", 64) }, ""},
		{"name_64_runes", func(d *Details) { d.Name = strings.Repeat("é", 64) }, ""},
		{"name_65", func(d *Details) { d.Name = strings.Repeat("n", 65) }, "name: must be at most 64 characters, got 65"},
		{"name_empty", func(d *Details) { d.Name = "" }, "name: is required"},
		{"name_blank", func(d *Details) { d.Name = "   " }, "name: must not be blank"},
		{"title_50", func(d *Details) { d.Title = strings.Repeat("t", 50) }, ""},
		{"title_51", func(d *Details) { d.Title = strings.Repeat("t", 51) }, "title: must be at most 50 characters, got 51"},
		{"title_empty", func(d *Details) { d.Title = "" }, "title: is required"},
		{"email_254", func(d *Details) { d.Email = emailOf(254) }, ""},
		{"email_255", func(d *Details) { d.Email = emailOf(255) }, "email: must be at most 254 characters, got 255"},
		{"email_empty", func(d *Details) { d.Email = "" }, "email: is required"},
		{"email_no_at", func(d *Details) { d.Email = "security" }, `email: "security" is not a valid email address`},
		{"email_no_tld", func(d *Details) { d.Email = "security@acmepay" }, `email: "security@acmepay" is not a valid email address`},
		{"email_two_addresses", func(d *Details) { d.Email = "a@b.io, c@d.io" }, `email: "a@b.io, c@d.io" is not a valid email address`},
		{"email_model_chars", func(d *Details) { d.Email = "sec+aws=ops.#|!&-x@acme-pay.co.uk" }, ""},
		{"email_surrounding_space", func(d *Details) { d.Email = " security@acmepay.io " }, ""},
		{"email_unicode_local", func(d *Details) { d.Email = "sécurité@acmepay.io" }, `email: "sécurité@acmepay.io" is not a valid email address`},
		{"phone_25", func(d *Details) { d.Phone = "+1 206 555 7700 0000 0000" }, ""},
		{"phone_26", func(d *Details) { d.Phone = "+1 206 555 7700 0000 00000" }, "phone: must be at most 25 characters, got 26"},
		{"phone_empty", func(d *Details) { d.Phone = "" }, "phone: is required"},
		{"phone_parens_dashes", func(d *Details) { d.Phone = "+1 (206) 555-7700" }, ""},
		{"phone_letters", func(d *Details) { d.Phone = "+1 206 CALL NOW" }, `phone: "+* *06 CALL NOW" may contain only digits, spaces, +, -, ( and )`},
		{"phone_no_digits", func(d *Details) { d.Phone = "()" }, `phone: "()" contains no digits`},
		{"first_error_wins", func(d *Details) { d.Name, d.Phone = "", "" }, "name: is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := durable()
			tt.mod(&d)
			err := d.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tt.wantErr)
			}
			if err.Error() != tt.wantErr {
				t.Errorf("Validate() = %q, want %q", err, tt.wantErr)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || !strings.HasPrefix(tt.wantErr, fe.Field+": ") {
				t.Errorf("error %v is not a *FieldError for the right field", err)
			}
		})
	}
}

func TestSeverity(t *testing.T) {
	for i, s := range Severities() {
		if int(s) != i || !s.Valid() {
			t.Errorf("Severities()[%d] = %v", i, s)
		}
		got, err := ParseSeverity(strings.ToUpper(s.String()))
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s.String(), got, err)
		}
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Severity
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("round trip of %v = %v, %v", s, back, err)
		}
	}
	if !(Info < Low && Low < Medium && Medium < High && High < Critical) {
		t.Error("severities out of order")
	}
	if got, _ := ParseSeverity("informational"); got != Info {
		t.Errorf("informational = %v", got)
	}
	if _, err := ParseSeverity("urgent"); err == nil || err.Error() != `unknown severity "urgent" (want info, low, medium, high or critical)` {
		t.Errorf("ParseSeverity(urgent) error = %v", err)
	}
	if _, err := Severity(7).MarshalText(); err == nil {
		t.Error("MarshalText of an invalid severity succeeded")
	}
}

func TestRuleInfo(t *testing.T) {
	want := map[string]Severity{
		"Account.1": Medium, "contact-missing": Low, "placeholder": High, "invalid-phone": Medium,
		"personal-address": Medium, "free-mail": High, "root-email-fallback": Medium,
		"domain-not-allowed": Medium, "denied-address": High, "personal-name": Low, "drift": Low,
		"distinct-types": Medium, "root-email-personal": Medium, "root-email-free-mail": High,
		"root-email-domain": Medium, "root-email-denied": High,
		"mail-domain-missing": High, "mail-domain-no-mail": High, "mail-domain-expiring": High, "mail-domain-unchecked": Info,
	}
	ids := RuleIDs()
	if len(ids) != len(want) || ids[0] != "Account.1" {
		t.Fatalf("RuleIDs() = %v", ids)
	}
	for _, id := range ids {
		r, ok := RuleInfo(id)
		if !ok || r.ID != id || r.DefaultSeverity != want[id] || r.Description == "" || r.Hint == "" {
			t.Errorf("RuleInfo(%q) = %+v, %v", id, r, ok)
		}
	}
	if _, ok := RuleInfo("account.1"); ok {
		t.Error("rule ids are case-sensitive")
	}
}
