package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressDrawsOnlyOnATerminalAfterASecond(t *testing.T) {
	now := time.Unix(0, 0)
	clock := func() time.Time { return now }
	for _, tc := range []struct {
		name       string
		tty, quiet bool
		after      time.Duration
		want       string
	}{
		{"terminal, long run", true, false, 2 * time.Second, "[===============               ] 5/10 accounts"},
		{"terminal, short run", true, false, 500 * time.Millisecond, ""},
		{"not a terminal", false, false, 2 * time.Second, ""},
		{"--no-progress", true, true, 2 * time.Second, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			now = time.Unix(0, 0)
			p := newProgress(&env{stderr: &buf, stderrTTY: tc.tty, now: clock}, &globalOptions{noProgress: tc.quiet}, "accounts")
			now = now.Add(tc.after)
			p.update(5, 10)
			if got := strings.TrimPrefix(buf.String(), "\r"); got != tc.want {
				t.Errorf("drew %q, want %q", got, tc.want)
			}
			p.finish()
			if tc.want != "" && !strings.HasSuffix(buf.String(), "\r") {
				t.Error("finish did not clear the bar")
			}
		})
	}
}
