package plan_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/plan"
	"github.com/altcontacts/altcontacts/internal/strict"
)

// planJSON is a plan file as 'plan --out' writes it, with two changes.
const planJSON = `{
  "schema": "altcontacts/plan/v1",
  "generated_at": "2026-11-26T10:15:00Z",
  "tool_version": "dev",
  "caller": {"account_id": "111111111111", "arn": "arn:aws:iam::111111111111:user/a", "partition": "aws"},
  "organization": {"id": "o-7xq2m4k9pz", "management_account_id": "111111111111"},
  "policy": {"file": "p.yaml", "sha256": "00"},
  "summary": {"create": 1, "update": 1, "noop": 0, "skip": 0, "unknown": 0},
  "changes": [
    {"account_id": "105847293316", "account_name": "a", "ou_path": "Root", "management": false, "type": "SECURITY", "action": "create",
     "before": null, "after": {"name": "Security Operations", "title": "Security Team", "email": "security@acmepay.io", "phone": "+1 206 555 7700"}},
    {"account_id": "290517364821", "account_name": "b", "ou_path": "Root", "management": false, "type": "SECURITY", "action": "update",
     "before": {"name": "Old", "title": "Old", "email": "old@acmepay.io", "phone": "+1 206 555 7701"},
     "after": {"name": "Security Operations", "title": "Security Team", "email": "security@acmepay.io", "phone": "+1 206 555 7700"}}
  ]
}
`

func TestDecode(t *testing.T) {
	pl, err := plan.Decode("plan.json", []byte(planJSON))
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Changes) != 2 || pl.Changes[1].Before.Email != "old@acmepay.io" || pl.GeneratedAt.Year() != 2026 || pl.Organization.ID != "o-7xq2m4k9pz" {
		t.Errorf("decoded %+v", pl)
	}
	// What plan --out writes decodes to the same plan.
	b, err := json.MarshalIndent(pl, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	again, err := plan.Decode("plan.json", b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pl, again); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// A contact type in another case is stored as the canonical type apply
// writes.
func TestDecodeCanonicalType(t *testing.T) {
	src := strings.Replace(planJSON, `"type": "SECURITY", "action": "create"`, `"type": " security", "action": "create"`, 1)
	pl, err := plan.Decode("plan.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := pl.Changes[0].Type; got != contact.Security {
		t.Errorf("type = %q, want %q", got, contact.Security)
	}
}

// The file's summary is not trusted: Decode recounts it from the changes.
func TestDecodeRecountsSummary(t *testing.T) {
	stale := strings.Replace(planJSON, `"summary": {"create": 1, "update": 1, "noop": 0, "skip": 0, "unknown": 0}`,
		`"summary": {"create": 0, "update": 0, "noop": 7, "skip": 3, "unknown": 2}`, 1)
	if stale == planJSON {
		t.Fatal("summary not found in planJSON")
	}
	pl, err := plan.Decode("plan.json", []byte(stale))
	if err != nil {
		t.Fatal(err)
	}
	if want := (plan.Summary{Create: 1, Update: 1}); pl.Summary != want {
		t.Errorf("summary = %+v, want %+v", pl.Summary, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown field", `"after": {"name": "Security Operations", "title": "Security Team", "email": "security@acmepay.io", "phone": "+1 206 555 7700"}}
  ]`, `"after": {"name": "Security Operations", "title": "Security Team", "email": "security@acmepay.io", "phone": "+1 206 555 7700", "fax": "1"}}
  ]`, `plan.json:14:133: not a plan file: json: unknown field "fax"`},
		{"unknown top-level field, any case", `"tool_version"`, `"Tool_Versions"`, `plan.json:4:3: not a plan file: json: unknown field "Tool_Versions"`},
		{"field names match case-insensitively, as encoding/json does", `"tool_version"`, `"TOOL_VERSION"`, ""},
		{"syntax", `"tool_version": "dev",`, `"tool_version": "dev"`, `plan.json:5:3: not a plan file: invalid character '"' after object key:value pair`},
		{"cut short", "  ]\n}\n", "", `plan.json:14:133: not a plan file: unexpected EOF`},
		{"trailing data", "  ]\n}\n", "  ]\n}\n\n{}\n", `plan.json:18:1: not a plan file: unexpected data after the plan`},
		{"wrong JSON type", `"management": false, "type": "SECURITY", "action": "create"`, `"management": "no", "type": "SECURITY", "action": "create"`,
			`plan.json:10:90: not a plan file: json: cannot unmarshal string into Go struct field Change.changes.management of type bool`},
		{"schema", `"altcontacts/plan/v1"`, `"altcontacts/audit/v1"`, `plan.json:2:13: schema "altcontacts/audit/v1" is not altcontacts/plan/v1; make the plan again with 'altcontacts plan --out'`},
		{"account id", `"105847293316"`, `"05847293316"`, `plan.json:10:20: changes[0].account_id: "05847293316" is not a 12-digit account id`},
		{"action", `"action": "update"`, `"action": "delete"`, `plan.json:12:127: changes[1].action: "delete" is not one of create, update, noop, skip`},
		{"contact type", `"type": "SECURITY", "action": "create"`, `"type": "SECRET", "action": "create"`, `plan.json:10:105: changes[0].type: unknown contact type "SECRET" (want SECURITY, OPERATIONS or BILLING)`},
		{"after missing", `"before": null, "after": {"name": "Security Operations", "title": "Security Team", "email": "security@acmepay.io", "phone": "+1 206 555 7700"}}`,
			`"before": null, "after": null}`, `plan.json:11:31: changes[0].after: a create needs the contact to write`},
		{"after invalid", `"email": "old@acmepay.io", "phone": "+1 206 555 7701"},
     "after": {"name": "Security Operations", "title": "Security Team", "email": "security@acmepay.io"`, `"email": "old@acmepay.io", "phone": "+1 206 555 7701"},
     "after": {"name": "Security Operations", "title": "Security Team", "email": "security at acmepay.io"`,
			`plan.json:14:82: changes[1].after.email: "security at acmepay.io" is not a valid email address`},
		{"update without before", `"before": {"name": "Old", "title": "Old", "email": "old@acmepay.io", "phone": "+1 206 555 7701"}`, `"before": null`,
			`plan.json:13:16: changes[1].before: an update needs the contact it replaces`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(planJSON, tt.old) {
				t.Fatalf("%q is not in the plan", tt.old)
			}
			src := strings.Replace(planJSON, tt.old, tt.new, 1)
			pl, err := plan.Decode("plan.json", []byte(src))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Decode succeeded: %+v", pl)
			}
			var fe *strict.FileError
			if !errors.As(err, &fe) || fe.Line == 0 || fe.Column == 0 {
				t.Errorf("%T %v: want a *strict.FileError with a line and a column", err, err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRecheck(t *testing.T) {
	e, c := fintech(t)
	ctx := context.Background()
	id, err := c.Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh := func(t *testing.T) *plan.Plan {
		pl, err := plan.Decode("plan.json", []byte(planJSON))
		if err != nil {
			t.Fatal(err)
		}
		return pl
	}
	t.Run("another organization", func(t *testing.T) {
		pl := fresh(t)
		pl.Organization.ID = "o-aaaaaaaaaa"
		var oe *plan.OrganizationError
		if err := plan.Recheck(ctx, c, "plan.json", pl, id); !errors.As(err, &oe) || oe.Planned != "o-aaaaaaaaaa" || oe.Caller != "o-7xq2m4k9pz" {
			t.Fatalf("Recheck = %v; want an *OrganizationError", err)
		}
		pl.Organization = nil
		if err := plan.Recheck(ctx, c, "plan.json", pl, id); err == nil || err.Error() != "plan.json: the plan was made for no organization, but the caller is in organization o-7xq2m4k9pz" {
			t.Errorf("Recheck = %v", err)
		}
	})
	t.Run("accounts no longer active are skipped", func(t *testing.T) {
		e.Update(func(s *emulator.State) {
			for _, a := range s.Accounts {
				if a.ID == "290517364821" {
					a.State = "SUSPENDED"
				}
			}
		})
		pl := fresh(t)
		if err := plan.Recheck(ctx, c, "plan.json", pl, id); err != nil {
			t.Fatal(err)
		}
		if a := pl.Changes[0].Action; a != plan.Create {
			t.Errorf("active account: %s", a)
		}
		if ch := pl.Changes[1]; ch.Action != plan.Skip || !strings.Contains(ch.Reason, `no longer ACTIVE (state "SUSPENDED")`) {
			t.Errorf("suspended account: %+v", ch)
		}
		if want := (plan.Summary{Create: 1, Skip: 1}); pl.Summary != want {
			t.Errorf("summary = %+v, want %+v", pl.Summary, want)
		}
	})
}
