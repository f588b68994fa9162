package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/awsorg"
)

func TestWriteBundle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ev")
	src := filepath.Join(t.TempDir(), "journal.jsonl")
	if err := os.WriteFile(src, []byte("{\"seq\":1}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	includes, err := ReadIncludes([]string{src}, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	rep := &audit.Report{Schema: "altcontacts/audit/v1", GeneratedAt: time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC),
		ToolVersion: "test", Caller: awsorg.Identity{Account: "401726385920", ARN: "arn:aws:iam::401726385920:root"},
		Summary: audit.Summary{Accounts: 0, FindingsByRule: map[string]int{}, FindingsBySeverity: map[string]int{}}}
	m, err := Write(dir, rep, includes)
	if err != nil {
		t.Fatal(err)
	}
	var onDisk Manifest
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &onDisk); err != nil {
		t.Fatal(err)
	}
	if onDisk.Schema != Schema || len(onDisk.Files) != len(m.Files) {
		t.Fatalf("manifest = %+v", onDisk)
	}
	names := map[string]bool{}
	for _, f := range onDisk.Files {
		names[f.Name] = true
		data, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != f.SHA256 || len(data) != f.Bytes {
			t.Errorf("%s: manifest says %s/%d, file is %x/%d", f.Name, f.SHA256, f.Bytes, sum, len(data))
		}
	}
	for _, want := range []string{"audit.json", "audit.csv", "included/journal.jsonl"} {
		if !names[want] {
			t.Errorf("bundle lacks %s: %v", want, names)
		}
	}
	if onDisk.Files[len(onDisk.Files)-1].Source != src {
		t.Errorf("the included file's source = %q, want %q", onDisk.Files[len(onDisk.Files)-1].Source, src)
	}
}

func TestReadIncludesMissing(t *testing.T) {
	_, err := ReadIncludes([]string{filepath.Join(t.TempDir(), "absent")}, os.ReadFile)
	var ie *IncludeError
	if !errors.As(err, &ie) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want an IncludeError wrapping ErrNotExist", err)
	}
}
