package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testEnv(t *testing.T) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	state := filepath.Join(t.TempDir(), "state.json")
	return &env{stdout: &out, stderr: &errb, getenv: func(k string) string {
		if k == "ALTCONTACTS_SANDBOX_STATE" {
			return state
		}
		return ""
	}, now: time.Now}, &out, &errb
}

// Ctrl-C stops an audit cleanly: exit 130, the partial report on stdout.
func TestAuditInterrupted(t *testing.T) {
	e, out, errb := testEnv(t)
	// Cancel as SIGINT does (signal.NotifyContext), mid-run: once five of
	// the accounts are read.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.observe = func(_ string, done, total int) {
		if done >= 5 && done < total {
			cancel()
		}
	}
	code := run(ctx, e, []string{"audit", "--sandbox", "-o", "json"})
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want 130; stderr:\n%s", code, errb)
	}
	var rep struct {
		Summary struct{ Accounts, Evaluated, Unknown int }
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("partial report is not JSON: %v\n%s", err, out)
	}
	read := rep.Summary.Evaluated - rep.Summary.Unknown
	if read == 0 || rep.Summary.Unknown == 0 {
		t.Errorf("summary %+v: want some accounts read and some not", rep.Summary)
	}
	if !strings.Contains(errb.String(), "altcontacts: error: interrupted: the report above holds the") {
		t.Errorf("stderr = %q", errb)
	}
}

func TestParseAuditRejectsBadFlagsBeforeAnyCall(t *testing.T) {
	for _, args := range [][]string{
		{"--types", "SECRET"},
		{"--fail-on", "severe"},
		{"-o", "yaml"},
		{"--accounts", "12345"},
		{"--sandbox", "--profile", "x"},
	} {
		e, out, errb := testEnv(t)
		if code := run(context.Background(), e, append([]string{"audit"}, args...)); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2; stderr %s", args, code, errb)
		}
		if out.Len() != 0 {
			t.Errorf("%v: wrote to stdout: %s", args, out)
		}
	}
}
