package bench

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestParseInts(t *testing.T) {
	got, err := parseInts("23, 1000,,10000")
	if err != nil || !slices.Equal(got, []int{23, 1000, 10000}) {
		t.Errorf("parseInts = %v, %v", got, err)
	}
	for _, bad := range []string{"", "0", "ten", "5,-1"} {
		if _, err := parseInts(bad); err == nil {
			t.Errorf("parseInts(%q): want an error", bad)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}} {
		var stderr strings.Builder
		if code := Main(context.Background(), args, io.Discard, &stderr); code != 2 {
			t.Errorf("Main(%q) = %d, want 2", args, code)
		}
		if !strings.Contains(stderr.String(), "Usage:") {
			t.Errorf("Main(%q): no usage on stderr: %s", args, stderr.String())
		}
	}
	var stderr strings.Builder
	if code := Main(context.Background(), []string{"speed", "--ops", "plan"}, io.Discard, &stderr); code != 1 || !strings.Contains(stderr.String(), `"plan" is not audit or apply`) {
		t.Errorf("speed --ops plan: exit %d, %s", code, stderr.String())
	}
}
