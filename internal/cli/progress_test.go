package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Off a terminal, a slow run prints a line every five seconds of its
// clock, none at the end (the report follows), none with --no-progress.
func TestProgressLinesOffATerminal(t *testing.T) {
	now := time.Unix(0, 0)
	var buf bytes.Buffer
	p := newProgress(&env{stderr: &buf, now: func() time.Time { return now }}, &globalOptions{}, "accounts read")
	for i := 1; i <= 24; i++ {
		now = now.Add(time.Second) // a paced run: one account a second
		p.update(i, 24)
	}
	p.finish()
	want := "altcontacts: 5/24 accounts read\naltcontacts: 10/24 accounts read\naltcontacts: 15/24 accounts read\naltcontacts: 20/24 accounts read\n"
	if buf.String() != want {
		t.Errorf("printed %q, want %q", buf.String(), want)
	}
}

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
		{"not a terminal, short run", false, false, 2 * time.Second, ""},
		{"not a terminal, long run", false, false, 6 * time.Second, "altcontacts: 5/10 accounts\n"},
		{"not a terminal, --no-progress", false, true, 6 * time.Second, ""},
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
			if tc.tty && tc.want != "" && !strings.HasSuffix(buf.String(), "\r") {
				t.Error("finish did not clear the bar")
			}
		})
	}
}
