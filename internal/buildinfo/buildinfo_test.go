package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	platform := runtime.GOOS + "/" + runtime.GOARCH
	vcs := []debug.BuildSetting{
		{Key: "-trimpath", Value: "true"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-12-01T09:30:00+01:00"},
		{Key: "vcs.modified", Value: "false"},
	}
	tests := []struct {
		name  string
		stamp Stamp
		bi    *debug.BuildInfo
		want  Info
	}{
		{
			name: "go install @v1.2.3: the module version, no VCS",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/altcontacts/altcontacts", Version: "v1.2.3"}},
			want: Info{Schema: Schema, Version: "v1.2.3", GoVersion: "go1.26.8", Platform: platform},
		},
		{
			name: "go build in a checkout: (devel) with VCS settings",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			want: Info{Schema: Schema, Version: Devel, Commit: "0123456789abcdef0123456789abcdef01234567",
				Date: "2026-12-01T08:30:00Z", GoVersion: "go1.26.8", Platform: platform},
		},
		{
			name:  "release stamp wins over the build info",
			stamp: Stamp{Version: "1.4.0", Commit: "fedcba", Date: "2026-12-02T10:00:00Z"},
			bi:    &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261201083000-0123456789ab"}, Settings: vcs},
			want:  Info{Schema: Schema, Version: "1.4.0", Commit: "fedcba", Date: "2026-12-02T10:00:00Z", GoVersion: "go1.26.8", Platform: platform},
		},
		{
			name:  "a partial stamp is completed from the build info",
			stamp: Stamp{Version: "1.4.0"},
			bi:    &debug.BuildInfo{GoVersion: "go1.26.8", Settings: vcs},
			want: Info{Schema: Schema, Version: "1.4.0", Commit: "0123456789abcdef0123456789abcdef01234567",
				Date: "2026-12-01T08:30:00Z", GoVersion: "go1.26.8", Platform: platform},
		},
		{
			name: "no build info at all",
			want: Info{Schema: Schema, Version: Devel, GoVersion: runtime.Version(), Platform: platform},
		},
		{
			name:  "a date that is not RFC 3339 is shown as stamped",
			stamp: Stamp{Version: "v2.0.0", Date: "yesterday"},
			want:  Info{Schema: Schema, Version: "v2.0.0", Date: "yesterday", GoVersion: runtime.Version(), Platform: platform},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, Resolve(tt.stamp, tt.bi)); diff != "" {
				t.Errorf("Resolve (-want +got):\n%s", diff)
			}
		})
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	got := Info{Version: "v1.2.3", Commit: "abc", Date: "2026-12-01T08:30:00Z", GoVersion: "go1.26.8", Platform: "linux/arm64"}.String()
	if want := "altcontacts v1.2.3 (commit abc, built 2026-12-01T08:30:00Z; go1.26.8 linux/arm64)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := (Info{Version: Devel, GoVersion: "go1.26.8", Platform: "linux/amd64"}).String(); !strings.Contains(got, "commit unknown, built unknown") {
		t.Errorf("String() = %q, want unknown commit and date spelled out", got)
	}
}

// Current reads this test binary's real build info: whatever it holds,
// the document is complete.
func TestCurrent(t *testing.T) {
	in := Current()
	if in.Schema != Schema || in.Version == "" || in.GoVersion == "" || in.Platform == "" {
		t.Errorf("Current() = %+v, want schema, version, Go version and platform set", in)
	}
}
