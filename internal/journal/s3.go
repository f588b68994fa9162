package journal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
)

// Store is an S3 bucket as the journal needs it (awsorg.Bucket is the real
// one). PutNew must refuse to replace an existing key with other bytes:
// S3's conditional create, If-None-Match: *.
type Store interface {
	PutNew(ctx context.Context, key string, body []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
	List(ctx context.Context, prefix string, fn func(key string) error) error
}

// Location is an s3://BUCKET/PREFIX journal: a prefix holding runs, or one
// run's own prefix.
type Location struct {
	Bucket string
	// Prefix is "" or ends in "/".
	Prefix string
}

// IsS3 reports whether s names an S3 journal rather than a file.
func IsS3(s string) bool { return strings.HasPrefix(s, "s3://") }

// ParseLocation parses s3://BUCKET[/PREFIX].
func ParseLocation(s string) (Location, error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return Location{}, fmt.Errorf("journal %q: want s3://BUCKET/PREFIX", s)
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return Location{}, fmt.Errorf("journal %q: no bucket name", s)
	}
	if strings.ContainsAny(bucket, " \t\n") {
		return Location{}, fmt.Errorf("journal %q: %q is not a bucket name", s, bucket)
	}
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return Location{Bucket: bucket, Prefix: prefix}, nil
}

func (l Location) String() string { return "s3://" + l.Bucket + "/" + l.Prefix }

// RunSchema is the schema id of a run's header object.
const RunSchema = "altcontacts/journal-run/v1"

// RunInfo is the header of one run, stored as PREFIX/RUN/run.json before
// its first record.
type RunInfo struct {
	Schema  string    `json:"schema"`
	Run     string    `json:"run"`
	Started time.Time `json:"started"`
	// Mode is what wrote the run: apply, rollback, or enforce.
	Mode string `json:"mode"`
	// Caller is the ARN the run wrote as.
	Caller      string `json:"caller"`
	ToolVersion string `json:"tool_version,omitempty"`
}

// Names of a run's objects. Records carry their kind, sequence number and
// outcome in the key, so listing a prefix is enough to count them; the
// sequence is zero-padded so keys sort in order.
const runHeader = "run.json"

func recordKey(e Entry) string {
	if e.Kind == Outcome {
		return fmt.Sprintf("%08d-outcome-%s.json", e.Seq, e.Outcome)
	}
	return fmt.Sprintf("%08d-intent.json", e.Seq)
}

// NewRunID is a run's folder name: its start time, sortable, and 64 random
// bits, so concurrent runs (the enforcer's invocations, two operators)
// never share a key.
func NewRunID(now time.Time) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// CreateS3 returns a Writer for a new run under loc. Nothing is stored
// until the first Append, which first stores the run's header: a run that
// changes nothing leaves nothing behind. ctx bounds every store call; it
// should not be one an interrupt cancels, since a write already started
// must still record its outcome.
func CreateS3(ctx context.Context, st Store, loc Location, info RunInfo, now func() time.Time) *Writer {
	ri := runInfo(info, now)
	return &Writer{sink: &s3Sink{ctx: ctx, st: st, run: Location{Bucket: loc.Bucket, Prefix: loc.Prefix + ri.Run + "/"}, info: *ri}, now: now}
}

// s3Sink writes each entry as its own object, created conditionally.
type s3Sink struct {
	ctx  context.Context
	st   Store
	run  Location
	info RunInfo
}

func (s *s3Sink) name() string { return s.run.String() }

func (s *s3Sink) open() error {
	b, err := json.Marshal(s.info)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := s.st.PutNew(s.ctx, s.run.Prefix+runHeader, b); err != nil {
		return fmt.Errorf("journal %s: %w", s.run, err)
	}
	return nil
}

func (s *s3Sink) write(e Entry, line []byte) error {
	if err := s.st.PutNew(s.ctx, s.run.Prefix+recordKey(e), line); err != nil {
		return fmt.Errorf("journal %s: %w", s.run, err)
	}
	return nil
}

func (s *s3Sink) close() error { return nil }

func (s *s3Sink) independent() bool { return true }

// Run is one run found under a location.
type Run struct {
	Info RunInfo `json:"info"`
	// Location is the run's own prefix (what rollback --journal takes).
	Location string `json:"location"`
	// Counts by record: intents, and outcomes by result.
	Intents  int `json:"intents"`
	Verified int `json:"verified"`
	Applied  int `json:"applied"`
	Failed   int `json:"failed"`
	// Entries are the run's records in sequence order (ReadRuns only).
	Entries []Entry `json:"-"`
	keys    []string
}

// count adds one record of kind (and, for an outcome, its result).
func (r *Run) count(kind, outcome string) {
	switch {
	case kind == Intent:
		r.Intents++
	case outcome == Verified:
		r.Verified++
	case outcome == Applied:
		r.Applied++
	case outcome == Failed:
		r.Failed++
	}
}

// Unfinished is the intents with no outcome: writes a crash or a timeout
// cut short, which may or may not have happened.
func (r Run) Unfinished() int { return max(0, r.Intents-r.Verified-r.Applied-r.Failed) }

// ListRuns finds the runs under loc (loc may be one run's prefix) from
// their keys and headers, oldest first, without reading the records.
func ListRuns(ctx context.Context, st Store, loc Location) ([]Run, error) {
	byPrefix := map[string]*Run{}
	var records []string
	err := st.List(ctx, loc.Prefix, func(key string) error {
		dir, base := path.Split(key)
		if base == runHeader {
			byPrefix[dir] = &Run{Location: Location{Bucket: loc.Bucket, Prefix: dir}.String()}
			return nil
		}
		records = append(records, key)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", loc, err)
	}
	for _, key := range records {
		dir, base := path.Split(key)
		r := byPrefix[dir]
		if r == nil {
			continue // not a journal run (e.g. a sweep's inventory)
		}
		seq, kind, outcome, ok := parseRecordKey(base)
		if !ok || seq < 1 {
			continue
		}
		r.keys = append(r.keys, key)
		r.count(kind, outcome)
	}
	// A year of an enforcer's runs is thousands of headers: read them side
	// by side.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readers)
	for dir, r := range byPrefix {
		g.Go(func() error {
			b, err := st.Get(gctx, dir+runHeader)
			if err != nil {
				return fmt.Errorf("journal %s: %w", loc, err)
			}
			if err := json.Unmarshal(b, &r.Info); err != nil || r.Info.Schema != RunSchema {
				return &LineError{File: "s3://" + loc.Bucket + "/" + dir + runHeader, Line: 1, Msg: "not a journal run header"}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	runs := make([]Run, 0, len(byPrefix))
	for _, r := range byPrefix {
		runs = append(runs, *r)
	}
	sort.Slice(runs, func(i, j int) bool {
		a, b := runs[i].Info, runs[j].Info
		if !a.Started.Equal(b.Started) {
			return a.Started.Before(b.Started)
		}
		return a.Run < b.Run
	})
	return runs, nil
}

func parseRecordKey(base string) (seq int, kind, outcome string, ok bool) {
	name, found := strings.CutSuffix(base, ".json")
	if !found {
		return 0, "", "", false
	}
	num, rest, _ := strings.Cut(name, "-")
	seq, err := strconv.Atoi(num)
	if err != nil {
		return 0, "", "", false
	}
	switch {
	case rest == Intent:
		return seq, Intent, "", true
	case strings.HasPrefix(rest, Outcome+"-"):
		return seq, Outcome, strings.TrimPrefix(rest, Outcome+"-"), true
	}
	return 0, "", "", false
}

// readers bounds the records ReadRuns fetches at once: a sweep of a large
// organization leaves tens of thousands, and one at a time they would
// take longer than the rollback's writes.
const readers = 16

// ReadRuns is ListRuns with every intent read and checked. Outcomes are
// taken from their keys, which carry all a rollback needs (the sequence
// and the result), so only intents cost a GET.
func ReadRuns(ctx context.Context, st Store, loc Location) ([]Run, error) {
	runs, err := ListRuns(ctx, st, loc)
	if err != nil {
		return nil, err
	}
	for i := range runs {
		r := &runs[i]
		r.Entries = make([]Entry, len(r.keys))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(readers)
		for k, key := range r.keys {
			seq, kind, outcome, _ := parseRecordKey(path.Base(key))
			if kind == Outcome {
				r.Entries[k] = Entry{Kind: Outcome, Seq: seq, Outcome: outcome}
				continue
			}
			g.Go(func() error {
				e, err := readIntent(gctx, st, loc.Bucket, key, seq)
				r.Entries[k] = e
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		// An outcome is of its intent's phase.
		phase := map[int]string{}
		for _, e := range r.Entries {
			if e.Kind == Intent {
				phase[e.Seq] = e.Phase
			}
		}
		for k := range r.Entries {
			if r.Entries[k].Kind == Outcome {
				r.Entries[k].Phase = phase[r.Entries[k].Seq]
			}
		}
	}
	return runs, nil
}

// readIntent fetches and checks one intent record.
func readIntent(ctx context.Context, st Store, bucket, key string, seq int) (Entry, error) {
	b, err := st.Get(ctx, key)
	if err != nil {
		return Entry{}, fmt.Errorf("journal s3://%s/%s: %w", bucket, key, err)
	}
	name := "s3://" + bucket + "/" + key
	e, err := parseLine(b)
	if err != nil {
		return Entry{}, &LineError{File: name, Line: 1, Msg: "not a journal entry: " + err.Error()}
	}
	if msg := e.check(); msg != "" {
		return Entry{}, &LineError{File: name, Line: 1, Msg: msg}
	}
	if e.Seq != seq || e.Kind != Intent {
		return Entry{}, &LineError{File: name, Line: 1, Msg: "the record does not match its key"}
	}
	return e, nil
}

// Merge joins runs, oldest first, into one sequence of entries, renumbering
// each run's sequence numbers after the previous run's, so that code
// written for one journal file (rollback's earliest before, outcomes found
// by Seq) reads many runs as one.
func Merge(runs []Run) []Entry {
	out := []Entry{}
	offset := 0
	for _, r := range runs {
		top := 0
		for _, e := range r.Entries {
			e.Seq += offset
			top = max(top, e.Seq)
			out = append(out, e)
		}
		offset = max(offset, top)
	}
	return out
}
