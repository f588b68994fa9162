// Package buildinfo says which build of altcontacts is running: the
// release stamp GoReleaser writes into package main through -ldflags, or,
// for a `go install …@v1.2.3` or `go build` binary without one, what the Go
// toolchain recorded in the binary (runtime/debug.ReadBuildInfo).
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"time"
)

// Schema is the id of the version document (`altcontacts version -o json`).
const Schema = "altcontacts/version/v1"

// Devel is the version of a build that carries neither a stamp nor a module
// version, e.g. `go run` in a checkout without VCS stamping.
const Devel = "devel"

// Stamp is what a release build sets through -ldflags -X main.version=…
// (and main.commit, main.date): empty fields were not stamped.
type Stamp struct {
	Version string
	Commit  string
	Date    string
}

// Info is the running build. Unknown fields are empty strings, so the JSON
// document always has every field.
type Info struct {
	Schema  string `json:"schema"`
	Version string `json:"version"`
	// Commit is the full VCS revision the binary was built from.
	Commit string `json:"commit"`
	// Date is when that commit was made (release builds use the commit
	// time, so two builds of one commit are identical), RFC 3339 in UTC.
	Date      string `json:"date"`
	GoVersion string `json:"go_version"`
	// Platform is GOOS/GOARCH.
	Platform string `json:"platform"`
}

// stamp is set once, by main, before anything reads it.
var stamp Stamp

// SetStamp records main's ldflags values. main calls it first thing.
func SetStamp(s Stamp) { stamp = s }

// Current is the running binary's build.
func Current() Info {
	bi, _ := debug.ReadBuildInfo()
	return Resolve(stamp, bi)
}

// Resolve combines a release stamp with the toolchain's build info (nil
// when the binary has none): each stamped field wins, and what is not
// stamped comes from bi: the main module's version (v1.2.3 for `go install
// …@v1.2.3`) and the vcs.revision and vcs.time settings.
func Resolve(s Stamp, bi *debug.BuildInfo) Info {
	in := Info{Schema: Schema, Version: s.Version, Commit: s.Commit, Date: normalDate(s.Date),
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if in.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			in.Version = bi.Main.Version
		}
		for _, kv := range bi.Settings {
			switch kv.Key {
			case "vcs.revision":
				if in.Commit == "" {
					in.Commit = kv.Value
				}
			case "vcs.time":
				if in.Date == "" {
					in.Date = normalDate(kv.Value)
				}
			}
		}
		if bi.GoVersion != "" {
			in.GoVersion = bi.GoVersion
		}
	}
	if in.Version == "" {
		in.Version = Devel
	}
	return in
}

// normalDate is d in RFC 3339 UTC when it parses as RFC 3339, else d as it
// came (a stamp is shown, never dropped).
func normalDate(d string) string {
	if t, err := time.Parse(time.RFC3339, d); err == nil {
		return t.UTC().Format(time.RFC3339)
	}
	return d
}

// String is the one-line form `altcontacts version` and `--version` print:
// altcontacts v1.2.3 (commit 0123abc…, built 2026-12-05T10:00:00Z; go1.26.8 linux/amd64).
func (in Info) String() string {
	commit, date := in.Commit, in.Date
	if commit == "" {
		commit = "unknown"
	}
	if date == "" {
		date = "unknown"
	}
	return fmt.Sprintf("altcontacts %s (commit %s, built %s; %s %s)", in.Version, commit, date, in.GoVersion, in.Platform)
}
