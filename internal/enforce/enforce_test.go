package enforce_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"log/slog"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/enforce"
	"github.com/altcontacts/altcontacts/internal/journal"
)

const policyYAML = `version: 1
contacts:
  SECURITY: {name: Security Operations, title: Security Team, email: security@acmepay.io, phone: "+1 206 555 7700"}
overrides:
  - ou: Root/Sandbox
    contacts:
      SECURITY: {name: Sandbox Security, title: Security Team, email: sandbox-security@acmepay.io, phone: "+1 206 555 7701"}
`

var (
	durable = emulator.Contact{Name: "Security Operations", Title: "Security Team", Email: "security@acmepay.io", Phone: "+1 206 555 7700"}
	sandbox = emulator.Contact{Name: "Sandbox Security", Title: "Security Team", Email: "sandbox-security@acmepay.io", Phone: "+1 206 555 7701"}
)

type fixture struct {
	e   *emulator.Emulator
	h   *enforce.Handler
	log *bytes.Buffer
}

func setup(t *testing.T, mode string, opts ...emulator.Option) fixture {
	t.Helper()
	p, err := contact.ParsePolicy("policy.yaml", []byte(policyYAML))
	if err != nil {
		t.Fatal(err)
	}
	e := emulator.New(append([]emulator.Option{emulator.WithQuotaScale(50)}, opts...)...)
	var log bytes.Buffer
	h, err := enforce.New(awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(50), MaxAttempts: 2}), enforce.Config{
		Policy: p, PolicyBytes: []byte(policyYAML), Mode: mode, EnforcerRole: "altcontacts-enforcer",
		Journal: journal.Target{File: filepath.Join(t.TempDir(), "journal.jsonl")}, Logger: slog.New(slog.NewJSONHandler(&log, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{e, h, &log}
}

func event(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f fixture) security(t *testing.T, id string) *emulator.Contact {
	t.Helper()
	for _, a := range f.e.State().Accounts {
		if a.ID == id {
			return a.Contacts["SECURITY"]
		}
	}
	t.Fatalf("no account %s", id)
	return nil
}

// Every lifecycle event ends with the policy's contact on the account it
// names, and only that account is written.
func TestLifecycleEventsApplyThePolicy(t *testing.T) {
	for _, tc := range []struct {
		file, account string
		want          emulator.Contact
	}{
		{"create-managed-account.json", "476120938574", durable},
		{"update-managed-account.json", "704938126630", durable},
		{"create-account-result.json", "842019375648", durable},
		{"invite-account.json", "549201837764", durable},
		{"accept-handshake.json", "813640295517", durable},
		// The moved account is under Root/Sandbox: the OU override applies.
		{"move-account.json", "938265104473", sandbox},
		{"put-alternate-contact-standalone.json", "401726385920", durable},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f := setup(t, enforce.ModeEnforce)
			res, err := f.h.Handle(context.Background(), event(t, tc.file))
			if err != nil {
				t.Fatalf("handle: %v\n%s", err, f.log)
			}
			if got := f.security(t, tc.account); got == nil || *got != tc.want {
				t.Fatalf("SECURITY of %s = %+v, want %+v", tc.account, got, tc.want)
			}
			if len(res.Changes) != 1 || res.Changes[0].Account != tc.account || res.Outcomes["verified"] != 1 {
				t.Errorf("result = %+v", res)
			}
			if st := f.e.Stats(); st.Writes != 1 {
				t.Errorf("writes = %d, want 1", st.Writes)
			}
			if strings.Contains(f.log.String(), "7700") && strings.Contains(f.log.String(), "206 555") {
				t.Errorf("log holds a full phone number:\n%s", f.log)
			}
		})
	}
}

func TestIgnoredEvents(t *testing.T) {
	for _, tc := range []struct{ file, why string }{
		{"create-managed-account-failed.json", "lifecycle state FAILED"},
		{"create-account-result-failed.json", "account creation FAILED (EMAIL_ALREADY_EXISTS)"},
		{"create-account-result-suspended.json", "account state is SUSPENDED"},
		{"invite-account-email.json", "names an email address"},
		{"invite-account-pending.json", "not a member of the organization (yet)"},
		{"put-alternate-contact-own.json", "the enforcer's own write"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f := setup(t, enforce.ModeEnforce)
			res, err := f.h.Handle(context.Background(), event(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(res.Ignored, tc.why) {
				t.Errorf("ignored = %q, want %q", res.Ignored, tc.why)
			}
			if st := f.e.Stats(); st.Writes != 0 {
				t.Errorf("writes = %d", st.Writes)
			}
		})
	}
}

// Someone else's change is drift and is reverted; the enforcer's own is not.
func TestDriftIsReverted(t *testing.T) {
	f := setup(t, enforce.ModeEnforce)
	f.e.Update(func(s *emulator.State) {
		for _, a := range s.Accounts {
			switch a.ID {
			case "593018274615":
				a.Contacts["SECURITY"] = &emulator.Contact{Name: "Alice Example", Title: "Engineer", Email: "alice@acmepay.io", Phone: "+1 206 555 0142"}
			case "619283740556":
				delete(a.Contacts, "SECURITY")
			}
		}
	})
	for _, tc := range []struct{ file, account string }{
		{"put-alternate-contact-drift.json", "593018274615"},
		{"delete-alternate-contact-drift.json", "619283740556"},
	} {
		if _, err := f.h.Handle(context.Background(), event(t, tc.file)); err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if got := f.security(t, tc.account); got == nil || *got != durable {
			t.Errorf("%s: SECURITY = %+v", tc.file, got)
		}
	}
}

// Report mode plans and logs, and writes nothing.
func TestReportModeWritesNothing(t *testing.T) {
	f := setup(t, enforce.ModeReport)
	res, err := f.h.Handle(context.Background(), event(t, "create-managed-account.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) != 1 || res.Changes[0].Action != "create" || f.e.Stats().Writes != 0 {
		t.Errorf("result %+v, writes %d", res, f.e.Stats().Writes)
	}
}

// A failure is returned, so EventBridge retries and the DLQ catches it.
func TestFailuresAreReturned(t *testing.T) {
	f := setup(t, enforce.ModeEnforce, emulator.WithFault(emulator.Fault{Op: "PutAlternateContact", Rate: 1, Error: "InternalServerException"}))
	_, err := f.h.Handle(context.Background(), event(t, "create-managed-account.json"))
	if err == nil || !strings.Contains(err.Error(), "1 write(s) not made") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(f.log.String(), `"level":"ERROR"`) {
		t.Errorf("no error logged:\n%s", f.log)
	}
	_, err = f.h.Handle(context.Background(), event(t, "unrecognized.json"))
	if !errors.Is(err, enforce.ErrUnrecognized) {
		t.Errorf("unrecognized: %v", err)
	}
}

// The scheduled sweep converges the whole organization, through the
// batches (Invoke, as the Lambda runs it); a second sweep writes nothing.
// Handle refuses it: one code path sweeps.
func TestSweepConverges(t *testing.T) {
	f := setup(t, enforce.ModeEnforce)
	if _, err := f.h.Handle(context.Background(), event(t, "scheduled-sweep.json")); !errors.Is(err, enforce.ErrSweepEvent) {
		t.Fatalf("Handle(sweep) = %v, want ErrSweepEvent", err)
	}
	res, err := f.h.Invoke(context.Background(), event(t, "scheduled-sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	// 14 accounts without a contact and 4 with a poor one.
	if s := res.(*enforce.Summary); s.Writes != 18 || s.Changed != 18 {
		t.Errorf("summary = %+v", s)
	}
	for _, a := range f.e.State().Accounts {
		if a.State != "ACTIVE" {
			continue
		}
		want := durable
		if strings.HasPrefix(a.Name, "sandbox-") {
			want = sandbox
		}
		if got := a.Contacts["SECURITY"]; got == nil || *got != want {
			t.Errorf("%s (%s): %+v", a.ID, a.Name, got)
		}
	}
	writes := f.e.Stats().Writes
	res, err = f.h.Invoke(context.Background(), event(t, "scheduled-sweep.json"))
	if s, _ := res.(*enforce.Summary); err != nil || s == nil || s.Changed != 0 || f.e.Stats().Writes != writes {
		t.Errorf("second sweep: %+v, %v, writes %d→%d", res, err, writes, f.e.Stats().Writes)
	}
}

// Every fixture is exercised by some test.
func TestEveryFixtureParses(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	for _, file := range files {
		_, err := enforce.Parse(event(t, filepath.Base(file)))
		if (err != nil) != (filepath.Base(file) == "unrecognized.json") {
			t.Errorf("%s: %v", file, err)
		}
	}
}
