package journal

import (
	"context"
	"path"
	"time"
)

// Target is where journals are: a JSON Lines file, or an S3 location
// (Store set) holding one run per object folder.
type Target struct {
	File  string
	Store Store
	Loc   Location
}

// String is the target as the user wrote it.
func (t Target) String() string {
	if t.Store != nil {
		return t.Loc.String()
	}
	return t.File
}

// Open returns a lazy Writer for one new run: appended to the file, or a
// new run folder under the S3 location.
func (t Target) Open(ctx context.Context, info RunInfo, now func() time.Time) (*Writer, error) {
	if t.Store == nil {
		return Lazy(t.File, now)
	}
	return CreateS3(context.WithoutCancel(ctx), t.Store, t.Loc, info, now), nil
}

// Runs lists the runs of the target. A file is one run.
func (t Target) Runs(ctx context.Context) ([]Run, error) {
	if t.Store != nil {
		return ListRuns(ctx, t.Store, t.Loc)
	}
	entries, err := Read(t.File)
	if err != nil {
		return nil, err
	}
	r := Run{Location: t.File, Info: RunInfo{Schema: RunSchema, Run: path.Base(t.File)}}
	for _, e := range entries {
		if r.Info.Started.IsZero() {
			r.Info.Started = e.Time
			r.Info.Mode = e.Phase
		}
		r.count(e.Kind, e.Outcome)
	}
	return []Run{r}, nil
}

// Entries reads every entry the target holds: a file's lines, or every
// run under the S3 location merged oldest first (see Merge). For S3, base
// is where a run journaling about these entries (rollback) belongs: the
// location itself or, when it names one run, the prefix holding that run.
func (t Target) Entries(ctx context.Context) (entries []Entry, base Target, err error) {
	if t.Store == nil {
		entries, err = Read(t.File)
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
