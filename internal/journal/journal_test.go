package journal_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/journal"
)

var (
	t0      = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	durable = &contact.Details{Name: "Security Operations", Title: "Security Team", Email: "security@acmepay.io", Phone: "+1 206 555 7700"}
	person  = &contact.Details{Name: "Marco Rossi", Title: "Platform Lead", Email: "marco.rossi@acmepay.io", Phone: "+39 02 8736 4410"}
)

func clock() func() time.Time {
	n := 0
	return func() time.Time { n++; return t0.Add(time.Duration(n) * time.Second) }
}

func intent(account string, before, after *contact.Details) journal.Entry {
	return journal.Entry{Kind: journal.Intent, Phase: journal.PhaseApply, Account: account, Type: contact.Security, Op: "put", Before: before, After: after}
}

func outcome(seq int, result, msg string) journal.Entry {
	return journal.Entry{Kind: journal.Outcome, Phase: journal.PhaseApply, Seq: seq, Outcome: result, Error: msg}
}

func mustCreate(t *testing.T, path string) *journal.Writer {
	t.Helper()
	w, err := journal.Create(path, clock())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func mustAppend(t *testing.T, w *journal.Writer, e journal.Entry) int {
	t.Helper()
	seq, err := w.Append(e)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w := mustCreate(t, path)
	if w.Path() != path {
		t.Errorf("Path() = %q, want %q", w.Path(), path)
	}
	s1 := mustAppend(t, w, intent("265937401187", person, durable))
	mustAppend(t, w, outcome(s1, journal.Verified, ""))
	s2 := mustAppend(t, w, intent("476120938574", nil, durable))
	mustAppend(t, w, outcome(s2, journal.Failed, "put SECURITY contact: InternalServerException"))
	if s1 != 1 || s2 != 2 {
		t.Fatalf("seqs = %d, %d; want 1, 2", s1, s2)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := journal.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []journal.Entry{
		{Seq: 1, Time: t0.Add(1 * time.Second), Kind: journal.Intent, Phase: journal.PhaseApply, Account: "265937401187", Type: contact.Security, Op: "put", Before: person, After: durable},
		{Seq: 1, Time: t0.Add(2 * time.Second), Kind: journal.Outcome, Phase: journal.PhaseApply, Outcome: journal.Verified},
		{Seq: 2, Time: t0.Add(3 * time.Second), Kind: journal.Intent, Phase: journal.PhaseApply, Account: "476120938574", Type: contact.Security, Op: "put", Before: nil, After: durable},
		{Seq: 2, Time: t0.Add(4 * time.Second), Kind: journal.Outcome, Phase: journal.PhaseApply, Outcome: journal.Failed, Error: "put SECURITY contact: InternalServerException"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Read (-want +got):\n%s", d)
	}
	// An unset before is written as null, not left out: rollback must
	// tell "was unset" from "unknown".
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `"before":null`) {
		t.Errorf("journal lacks an explicit null before:\n%s", data)
	}
}

// Each Append is durable when it returns: a reader that opens the file
// while the writer is still open (as after a crash) sees every line.
func TestAppendedLinesSurvive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w := mustCreate(t, path)
	for i := 0; i < 3; i++ {
		seq := mustAppend(t, w, intent("265937401187", person, durable))
		got, err := journal.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2*i+1 || got[len(got)-1].Seq != seq {
			t.Fatalf("after intent %d: read %d entries, last %+v", seq, len(got), got[len(got)-1])
		}
		mustAppend(t, w, outcome(seq, journal.Verified, ""))
	}
	// No Close: the process "crashes" here.
	got, err := journal.Read(path)
	if err != nil || len(got) != 6 {
		t.Fatalf("Read = %d entries, %v; want 6", len(got), err)
	}
}

func TestMode0600(t *testing.T) {
	old := setUmask(0o022)
	defer setUmask(old)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w := mustCreate(t, path)
	mustAppend(t, w, intent("265937401187", person, durable))
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := st.Mode().Perm(); m != 0o600 {
		t.Errorf("mode = %o, want 600: the journal holds contact details", m)
	}
}

// tornJournal writes one complete intent and then the first part of a
// second, as a crash in the middle of Append leaves it.
func tornJournal(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w := mustCreate(t, path)
	mustAppend(t, w, intent("265937401187", person, durable))
	w.Close()
	good, _ := os.ReadFile(path)
	torn := append(append([]byte(nil), good...), []byte(`{"seq":2,"time":"2026-03-01T12:00:02Z","kind":"intent","phase":"apply","account":"4761`)...)
	if err := os.WriteFile(path, torn, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, good
}

func TestTornLastLineIgnored(t *testing.T) {
	path, _ := tornJournal(t)
	got, err := journal.Read(path)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(got) != 1 || got[0].Seq != 1 {
		t.Fatalf("Read = %+v; want only the complete intent", got)
	}
}

func TestCreateAfterTornLine(t *testing.T) {
	path, good := tornJournal(t)
	w := mustCreate(t, path)
	seq := mustAppend(t, w, intent("476120938574", nil, durable))
	if seq != 2 {
		t.Errorf("seq after a torn journal = %d, want 2", seq)
	}
	mustAppend(t, w, outcome(seq, journal.Verified, ""))
	w.Close()
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), string(good)) {
		t.Errorf("the complete lines were not kept:\n%s", data)
	}
	got, err := journal.Read(path)
	if err != nil {
		t.Fatalf("Read after continuing a torn journal: %v\n%s", err, data)
	}
	if len(got) != 3 || got[1].Account != "476120938574" || got[2].Outcome != journal.Verified {
		t.Fatalf("Read = %+v", got)
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if !strings.HasPrefix(line, "{") || !strings.HasSuffix(line, "}") {
			t.Errorf("line %d is not one whole entry: %q", i+1, line)
		}
	}
}

// A last line that lost only its newline is a whole entry: kept, ended, and
// counted by the sequence.
func TestCreateAfterMissingNewline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w := mustCreate(t, path)
	mustAppend(t, w, intent("265937401187", person, durable))
	w.Close()
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, data[:len(data)-1], 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := journal.Read(path); err != nil || len(got) != 1 {
		t.Fatalf("Read = %+v, %v", got, err)
	}
	w = mustCreate(t, path)
	if seq := mustAppend(t, w, intent("476120938574", nil, durable)); seq != 2 {
		t.Errorf("seq = %d, want 2", seq)
	}
	w.Close()
	got, err := journal.Read(path)
	if err != nil || len(got) != 2 {
		t.Fatalf("Read = %+v, %v", got, err)
	}
}

func TestCorruptMiddleLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w := mustCreate(t, path)
	s := mustAppend(t, w, intent("265937401187", person, durable))
	mustAppend(t, w, outcome(s, journal.Verified, ""))
	mustAppend(t, w, intent("476120938574", nil, durable))
	w.Close()
	data, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(data), "\n")
	lines[1] = `{"seq":1,"kind":"outc` + "\n"
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := journal.Read(path)
	var le *journal.LineError
	if !errors.As(err, &le) {
		t.Fatalf("Read = %v; want a *LineError", err)
	}
	if le.Line != 2 || le.File != path {
		t.Errorf("LineError at %s:%d, want %s:2", le.File, le.Line, path)
	}
	if !strings.HasPrefix(err.Error(), path+":2: ") {
		t.Errorf("error %q does not start with file:line", err)
	}
	// A journal that cannot be read is not appended to.
	if _, err := journal.Create(path, clock()); !errors.As(err, &le) {
		t.Errorf("Create on a corrupt journal = %v; want the *LineError", err)
	}
}

func TestRejects(t *testing.T) {
	const okIntent = `{"seq":1,"time":"2026-03-01T12:00:01Z","kind":"intent","phase":"apply","account":"265937401187","type":"SECURITY","op":"put","before":null,"after":null}`
	cases := map[string]string{
		"unknown field": `{"seq":1,"time":"2026-03-01T12:00:01Z","kind":"intent","phase":"apply","account":"265937401187","type":"SECURITY","op":"put","before":null,"after":null,"extra":1}`,
		"unknown kind":  `{"seq":1,"time":"2026-03-01T12:00:01Z","kind":"note","phase":"apply"}`,
		"no kind":       `{"seq":1,"time":"2026-03-01T12:00:01Z","phase":"apply"}`,
		"bad account":   strings.Replace(okIntent, "265937401187", "26593740118", 1),
		"bad type":      strings.Replace(okIntent, "SECURITY", "LEGAL", 1),
		"bad op":        strings.Replace(okIntent, `"put"`, `"patch"`, 1),
		"intent seq 0":  strings.Replace(okIntent, `"seq":1`, `"seq":0`, 1),
		"outcome seq 0": `{"seq":0,"time":"2026-03-01T12:00:01Z","kind":"outcome","phase":"apply","outcome":"verified"}`,
		"two entries":   okIntent + okIntent,
		"not an object": `[1,2,3]`,
	}
	for name, line := range cases {
		t.Run(name, func(t *testing.T) {
			data := okIntent + "\n" + line + "\n" + okIntent + "\n"
			_, err := journal.Parse("j.jsonl", []byte(data))
			var le *journal.LineError
			if !errors.As(err, &le) || le.Line != 2 {
				t.Fatalf("Parse = %v; want a *LineError at line 2", err)
			}
		})
	}
	if got, err := journal.Parse("j.jsonl", []byte(okIntent+"\n\n"+okIntent+"\n")); err != nil || len(got) != 2 {
		t.Errorf("blank line: Parse = %d entries, %v", len(got), err)
	}
}

// TestFileRuns: each run appended to a file begins with its header, and
// the file lists one run per run, as an S3 prefix does; a file written
// before headers is one run; the header is no entry rollback sees, and
// a run that writes nothing adds nothing (not even its header) and
// announces nothing.
func TestFileRuns(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "j.jsonl")
	var announced []string
	target := journal.Target{File: path, Announce: func(l string) { announced = append(announced, l) }}
	now := clock()
	run := func(mode string, e ...journal.Entry) {
		t.Helper()
		w, err := target.Open(ctx, journal.RunInfo{Mode: mode, Caller: "arn:aws:iam::111111111111:user/op", ToolVersion: "v1"}, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range e {
			if _, err := w.Append(x); err != nil {
				t.Fatal(err)
			}
		}
		w.Close()
	}
	run(journal.PhaseApply, intent("111111111111", nil, durable), outcome(1, journal.Verified, ""))
	run(journal.PhaseRollback)
	rb := intent("111111111111", durable, nil)
	rb.Phase, rb.Op = journal.PhaseRollback, "delete"
	run(journal.PhaseRollback, rb, outcome(2, journal.Failed, "denied"))
	if len(announced) != 2 || announced[0] != path {
		t.Errorf("announced %q, want the file twice (the empty run announces nothing)", announced)
	}
	runs, err := target.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Mode, Caller, Version    string
		Intents, Verified, Faild int
	}
	var g []got
	for _, r := range runs {
		g = append(g, got{r.Info.Mode, r.Info.Caller, r.Info.ToolVersion, r.Intents, r.Verified, r.Failed})
	}
	want := []got{{"apply", "arn:aws:iam::111111111111:user/op", "v1", 1, 1, 0}, {"rollback", "arn:aws:iam::111111111111:user/op", "v1", 1, 0, 1}}
	if d := cmp.Diff(want, g); d != "" {
		t.Errorf("runs (-want +got):\n%s", d)
	}
	entries, err := journal.Read(path)
	if err != nil || len(entries) != 4 {
		t.Fatalf("Read = %d entries, %v; want the 4 intents and outcomes, no header", len(entries), err)
	}

	// A journal from before headers: one run, described by its first line.
	old := filepath.Join(t.TempDir(), "old.jsonl")
	w := mustCreate(t, old)
	w.Append(intent("111111111111", nil, durable))
	w.Append(outcome(1, journal.Verified, ""))
	w.Close()
	runs, err = journal.Target{File: old}.Runs(ctx)
	if err != nil || len(runs) != 1 || runs[0].Info.Mode != journal.PhaseApply || runs[0].Intents != 1 {
		t.Errorf("old journal: runs = %+v, %v; want one apply run with one intent", runs, err)
	}
}

// A Target with Dir keeps its file there and names it as written: the
// announced location, each run's, and the line of a corrupt journal.
func TestTargetDir(t *testing.T) {
	dir := t.TempDir()
	target := journal.Target{File: "j.jsonl", Dir: dir}
	var announced string
	target.Announce = func(location string) { announced = location }
	w, err := target.Open(context.Background(), journal.RunInfo{Mode: journal.PhaseApply}, func() time.Time { return t0 })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Append(intent("265937401187", person, durable)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if announced != "j.jsonl" {
		t.Errorf("announced %q, want j.jsonl", announced)
	}
	if _, err := os.Stat(filepath.Join(dir, "j.jsonl")); err != nil {
		t.Fatalf("the journal is not in Dir: %v", err)
	}
	runs, err := target.Runs(context.Background())
	if err != nil || len(runs) != 1 || runs[0].Location != "j.jsonl" {
		t.Fatalf("Runs = %+v, %v; want one run at j.jsonl", runs, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "j.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("not json\n{}\n")
	f.Close()
	if _, _, err := target.Entries(context.Background()); err == nil || !strings.HasPrefix(err.Error(), "j.jsonl:") {
		t.Errorf("Entries of a corrupt journal = %v, want an error at j.jsonl:LINE", err)
	}
	if _, err := (journal.Target{File: "absent.jsonl", Dir: dir}).Runs(context.Background()); err == nil || strings.Contains(err.Error(), dir) {
		t.Errorf("Runs of an absent journal = %v, want it named as written", err)
	}
}
