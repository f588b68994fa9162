package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// lineEvery is how often progress prints a line when stderr is not a
// terminal (a CI log): often enough to show a paced run is moving.
const lineEvery = 5 * time.Second

// progress draws a bar on stderr for runs longer than a second, at most
// ten times a second; when stderr is not a terminal, it prints a line
// (done/total) every lineEvery instead. It prints nothing unless enabled
// (--no-progress is not set).
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	enabled bool
	// lines: not a terminal, so lines instead of a bar.
	lines   bool
	start   time.Time
	last    time.Time
	now     func() time.Time
	label   string
	drawn   bool
	observe func(label string, done, total int)
}

func newProgress(e *env, g *globalOptions, label string) *progress {
	return &progress{w: e.stderr, enabled: !g.noProgress, lines: !e.stderrTTY, now: e.now, start: e.now(), label: label, observe: e.observe}
}

func (p *progress) update(done, total int) {
	if p.observe != nil {
		p.observe(p.label, done, total)
	}
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.lines {
		// A line each lineEvery of the run, none for a run shorter.
		if done < total && now.Sub(p.start) >= lineEvery && now.Sub(p.last) >= lineEvery {
			p.last = now
			fmt.Fprintf(p.w, "altcontacts: %d/%d %s\n", done, total, p.label)
		}
		return
	}
	if now.Sub(p.start) < time.Second || (now.Sub(p.last) < 100*time.Millisecond && done < total) {
		return
	}
	p.last = now
	const width = 30
	fill := 0
	if total > 0 {
		fill = done * width / total
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %s", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, total, p.label)
	p.drawn = true
}

// finish clears the bar so results print on a clean line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn && !p.lines {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", 60+len(p.label)))
	}
}
