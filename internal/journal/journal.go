// Package journal is the write-ahead log of every contact altcontacts
// changes: JSON Lines, one intent line appended and fsynced before each
// write (the account, the type, the value before and after), then an
// outcome line. From it, rollback restores every contact a run changed,
// even one cut short by a crash, and a rerun of apply finishes the job.
package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/workdir"
)

// Kinds of line.
const (
	Intent  = "intent"
	Outcome = "outcome"
	// Header is the first line a run appends to a file: its RunInfo, as an
	// S3 run's run.json. Read and Parse leave headers out; Runs reads them.
	Header = "run"
)

// Phases of a run.
const (
	PhaseApply    = "apply"
	PhaseRollback = "rollback"
)

// Outcomes.
const (
	Applied  = "applied"  // the write succeeded; the new value was not yet seen on read-back
	Verified = "verified" // the write succeeded and read-back shows the new value
	Failed   = "failed"   // AWS refused the write; nothing changed
)

// Entry is one journal line.
type Entry struct {
	Seq   int       `json:"seq"`
	Time  time.Time `json:"time"`
	Kind  string    `json:"kind"`
	Phase string    `json:"phase"`
	// Intent lines.
	Account    string           `json:"account,omitempty"`
	Standalone bool             `json:"standalone,omitempty"`
	Type       contact.Type     `json:"type,omitempty"`
	Op         string           `json:"op,omitempty"` // put or delete
	Before     *contact.Details `json:"before"`
	After      *contact.Details `json:"after"`
	// Outcome lines refer to their intent by Seq.
	Outcome string `json:"outcome,omitempty"`
	Error   string `json:"error,omitempty"`
	// ErrorKind is the error's kind (access_denied, throttled, ...): what
	// a reader acts on without parsing Error's text.
	ErrorKind string `json:"error_kind,omitempty"`
	// Run is a Header line's run.
	Run *RunInfo `json:"run,omitempty"`
}

// Writer appends entries durably, to a file or to S3 (see [Target]).
type Writer struct {
	mu     sync.Mutex
	sink   sink
	opened bool
	seq    int
	now    func() time.Time
	// announce, if set, hears the journal's location once it exists.
	announce func(location string)
}

// sink is where a Writer's entries go. open runs once, before the first
// write; write returns only when the entry is durable.
type sink interface {
	name() string
	open() error
	write(e Entry, line []byte) error
	close() error
	// independent reports whether writes may run concurrently (each
	// entry its own object) rather than one after another (a file).
	independent() bool
}

// Create opens path for appending, creating it (mode 0600: it holds contact
// details) if needed. Sequence numbers continue after any existing entries.
func Create(path string, now func() time.Time) (*Writer, error) {
	w, err := Lazy(path, now)
	if err != nil {
		return nil, err
	}
	if err := w.sink.open(); err != nil {
		return nil, err
	}
	w.opened = true
	return w, nil
}

// Lazy is Create that opens (and creates) the file only at the first
// Append, so a run that writes nothing leaves no journal behind. An
// existing journal is read now: a corrupt one is refused before any work.
func Lazy(path string, now func() time.Time) (*Writer, error) {
	return lazy("", path, now)
}

// lazy is Lazy on the file name in dir (see Target.Dir).
func lazy(dir, name string, now func() time.Time) (*Writer, error) {
	seq := 0
	if entries, err := readAs(dir, name); err == nil {
		for _, e := range entries {
			seq = max(seq, e.Seq)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return &Writer{sink: &fileSink{dir: dir, shown: name}, seq: seq, now: now}, nil
}

// fileSink is a JSON Lines file, fsynced after every line.
type fileSink struct {
	f     *os.File
	dir   string // the directory of a relative shown (Target.Dir)
	shown string // the path as written, as messages name it
	// info, if set, is written as a Header line when the file is opened:
	// each run appended to a file is a run of its own.
	info *RunInfo
}

func (s *fileSink) name() string { return s.shown }

// path is the file as this process opens it.
func (s *fileSink) path() string { return workdir.Join(s.dir, s.shown) }

func (s *fileSink) open() error {
	f, err := os.OpenFile(s.path(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("journal: %w", workdir.AsWritten(err, s.dir, s.shown))
	}
	// A torn last line from a crash must not glue itself to the next one.
	// If it still reads as an entry (only its newline was lost), end it;
	// otherwise cut it off: its Append never returned, so the write it
	// announced never started, and left in place it would become a corrupt
	// middle line that makes the whole journal unreadable.
	if err := mendTail(f, s.path()); err != nil {
		f.Close()
		return fmt.Errorf("journal: %w", workdir.AsWritten(err, s.dir, s.shown))
	}
	// The new file's directory entry must survive a crash too.
	if d, err := os.Open(filepath.Dir(s.path())); err == nil {
		d.Sync()
		d.Close()
	}
	s.f = f
	if s.info != nil {
		line, err := json.Marshal(struct {
			Time time.Time `json:"time"`
			Kind string    `json:"kind"`
			Run  *RunInfo  `json:"run"`
		}{s.info.Started, Header, s.info})
		if err == nil {
			err = s.write(Entry{}, line)
		}
		if err != nil {
			f.Close()
			s.f = nil
			return err
		}
	}
	return nil
}

func (s *fileSink) write(_ Entry, line []byte) error {
	if _, err := s.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("journal %s: %w", s.shown, err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: fsync: %w", s.shown, err)
	}
	return nil
}

func (s *fileSink) independent() bool { return false }

func (s *fileSink) close() error {
	if s.f == nil {
		return nil
	}
	return s.f.Close()
}

// mendTail ends or removes a last line that lacks its newline.
func mendTail(f *os.File, path string) error {
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 || data[len(data)-1] == '\n' {
		return err
	}
	start := bytes.LastIndexByte(data, '\n') + 1
	if _, err := parseLine(data[start:]); err == nil {
		_, err = f.Write([]byte("\n"))
		return err
	}
	if err := f.Truncate(int64(start)); err != nil {
		return err
	}
	return f.Sync()
}

// Path names the journal: the file, or the run's s3:// prefix. It is what
// rollback --journal takes.
func (w *Writer) Path() string { return w.sink.name() }

// Append writes e with the next sequence number (for intents) and returns
// only when it is durable (fsynced, or acknowledged by S3): only then may
// the write it announces start. A file is appended to one line at a time;
// S3 records are objects of their own, so only numbering them is
// serialized and their PUTs run side by side.
func (w *Writer) Append(e Entry) (int, error) {
	w.mu.Lock()
	locked := true
	defer func() {
		if locked {
			w.mu.Unlock()
		}
	}()
	if !w.opened {
		if err := w.sink.open(); err != nil {
			return 0, err
		}
		w.opened = true
		if w.announce != nil {
			w.announce(w.sink.name())
		}
	}
	if e.Kind == Intent {
		w.seq++
		e.Seq = w.seq
	}
	e.Time = w.now().UTC()
	b, err := json.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("journal: %w", err)
	}
	if w.sink.independent() {
		w.mu.Unlock()
		locked = false
	}
	// An intent's number stays taken even if this fails: its record may
	// have landed although the acknowledgement did not, and keys are never
	// reused.
	if err := w.sink.write(e, b); err != nil {
		return 0, err
	}
	return e.Seq, nil
}

// Close releases the journal, if it was ever opened.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.opened {
		return nil
	}
	return w.sink.close()
}

// Written reports whether anything was appended (the journal exists).
func (w *Writer) Written() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.opened
}

// LineError is a journal line that cannot be read.
type LineError struct {
	File string
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Read parses a journal. A last line cut short by a crash (no newline, not
// JSON) is ignored; any other bad line is a *LineError.
func Read(path string) ([]Entry, error) {
	return readAs("", path)
}

// readAs is Read of the file name in dir (see Target.Dir).
func readAs(dir, name string) ([]Entry, error) {
	data, err := os.ReadFile(workdir.Join(dir, name))
	if err != nil {
		return nil, workdir.AsWritten(err, dir, name)
	}
	return Parse(name, data)
}

// Parse is Read on bytes already in memory.
func Parse(name string, data []byte) ([]Entry, error) {
	all, err := parseAll(name, data)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, e := range all {
		if e.Kind != Header {
			out = append(out, e)
		}
	}
	return out, nil
}

// parseAll is Parse with the Header lines.
func parseAll(name string, data []byte) ([]Entry, error) {
	var out []Entry
	r := bufio.NewReader(bytes.NewReader(data))
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if len(b) == 0 && err == io.EOF {
			break
		}
		torn := err == io.EOF // no newline: the last write may have been cut
		if len(bytes.TrimSpace(b)) == 0 {
			if torn {
				break
			}
			continue
		}
		e, jerr := parseLine(b)
		if jerr != nil {
			if torn {
				break
			}
			return nil, &LineError{File: name, Line: line, Msg: "not a journal entry: " + jerr.Error()}
		}
		if msg := e.check(); msg != "" {
			return nil, &LineError{File: name, Line: line, Msg: msg}
		}
		out = append(out, e)
		if torn {
			break
		}
	}
	return out, nil
}

// parseLine decodes one line: exactly one JSON object with no unknown
// fields and nothing after it.
func parseLine(b []byte) (Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Entry{}, err
	}
	if rest := bytes.TrimSpace(b[dec.InputOffset():]); len(rest) > 0 {
		return Entry{}, errors.New("data after the entry")
	}
	return e, nil
}

func (e Entry) check() string {
	switch e.Kind {
	case Intent:
		if !contact.IsAccountID(e.Account) {
			return fmt.Sprintf("account %q is not a 12-digit account id", e.Account)
		}
		if _, err := contact.ParseType(string(e.Type)); err != nil {
			return err.Error()
		}
		if e.Op != "put" && e.Op != "delete" {
			return fmt.Sprintf("op %q is not put or delete", e.Op)
		}
		if e.Seq < 1 {
			return "intent without a sequence number"
		}
	case Outcome:
		if e.Seq < 1 {
			return "outcome without a sequence number"
		}
	case Header:
		if e.Run == nil || e.Run.Schema != RunSchema {
			return "run header without its run"
		}
	default:
		return fmt.Sprintf("kind %q is not intent, outcome or run", e.Kind)
	}
	return ""
}
