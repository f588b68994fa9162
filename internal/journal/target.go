package journal

import (
	"context"
	"os"
	"path"
	"time"

	"github.com/altcontacts/altcontacts/internal/workdir"
)

// Target is where journals are: a JSON Lines file, or an S3 location
// (Store set) holding one run per object folder.
type Target struct {
	File  string
	Store Store
	Loc   Location
	// Dir is the directory a relative File is in; "" is the process's
	// working directory. Messages and run locations name File as written.
	Dir string
	// Announce, if set, hears the journal's location (the file, or the
	// run's prefix) when its first record makes it exist: a run that
	// writes nothing announces nothing.
	Announce func(location string)
}

// String is the target as the user wrote it.
func (t Target) String() string {
	if t.Store != nil {
		return t.Loc.String()
	}
	return t.File
}

// file is File as this process opens it.
func (t Target) file() string { return workdir.Join(t.Dir, t.File) }

// Open returns a lazy Writer for one new run: appended to the file, or a
// new run folder under the S3 location.
func (t Target) Open(ctx context.Context, info RunInfo, now func() time.Time) (*Writer, error) {
	var w *Writer
	if t.Store == nil {
		var err error
		if w, err = lazy(t.Dir, t.File, now); err != nil {
			return nil, err
		}
		w.sink.(*fileSink).info = runInfo(info, now)
	} else {
		w = CreateS3(context.WithoutCancel(ctx), t.Store, t.Loc, info, now)
	}
	w.announce = t.Announce
	return w, nil
}

// runInfo is info completed for a new run: its id, start and schema.
func runInfo(info RunInfo, now func() time.Time) *RunInfo {
	if info.Run == "" {
		info.Run = NewRunID(now())
	}
	if info.Started.IsZero() {
		info.Started = now().UTC()
	}
	info.Schema = RunSchema
	return &info
}

// Runs lists the runs of the target, oldest first. In a file, each run
// begins with its Header line; the lines of a journal written before runs
// had headers are one run, described by its first line.
func (t Target) Runs(ctx context.Context) ([]Run, error) {
	if t.Store != nil {
		return ListRuns(ctx, t.Store, t.Loc)
	}
	data, err := os.ReadFile(t.file())
	if err != nil {
		return nil, workdir.AsWritten(err, t.Dir, t.File)
	}
	entries, err := parseAll(t.File, data)
	if err != nil {
		return nil, err
	}
	runs := []Run{}
	for _, e := range entries {
		switch {
		case e.Kind == Header:
			runs = append(runs, Run{Location: t.File, Info: *e.Run})
			continue
		case len(runs) == 0:
			runs = append(runs, Run{Location: t.File, Info: RunInfo{Schema: RunSchema, Run: path.Base(t.File), Started: e.Time, Mode: e.Phase}})
		}
		runs[len(runs)-1].count(e.Kind, e.Outcome)
	}
	return runs, nil
}

// Entries reads every entry the target holds: a file's lines, or every
// run under the S3 location merged oldest first (see Merge). For S3, base
// is where a run journaling about these entries (rollback) belongs: the
// location itself or, when it names one run, the prefix holding that run.
func (t Target) Entries(ctx context.Context) (entries []Entry, base Target, err error) {
	if t.Store == nil {
		entries, err = readAs(t.Dir, t.File)
		return entries, t, err
	}
	runs, err := ReadRuns(ctx, t.Store, t.Loc)
	if err != nil {
		return nil, t, err
	}
	base = t
	for _, r := range runs {
		if r.Location == t.Loc.String() {
			parent, _ := path.Split(path.Clean(t.Loc.Prefix))
			base.Loc.Prefix = parent
		}
	}
	return Merge(runs), base, nil
}
