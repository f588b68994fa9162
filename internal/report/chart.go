package report

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/verify"
)

// htmlChart is a hand-built SVG: one row per OU path, Account.1 outcomes as
// a stacked bar on the left and findings by severity on the right.
type htmlChart struct {
	Width, Height int
	Title, Desc   string
	Rows          []htmlChartRow
	Panels        []htmlChartPanel
	Legend        []htmlLegend
	LegendY       int
}

type htmlChartPanel struct {
	X, Width, TitleY int
	Title            string
	Ticks            []htmlTick
	AxisTop, AxisBot int
}

type htmlTick struct {
	X     int
	Label string
}

type htmlChartRow struct {
	Label        string
	Y, LabelY    int
	Segs         []htmlSeg
	Total1, TotF string
	Total1X      int
	TotFX        int
	Summary      string
}

type htmlSeg struct {
	X, Y, W, H int
	Class      string
	Title      string
}

type htmlLegend struct {
	X, Y  int
	Class string
	Label string
}

func niceMax(n int) int {
	switch {
	case n <= 6:
		return max(n, 1)
	case n <= 12:
		return n + n%2
	}
	steps := []int{1, 2, 5}
	for mag := 1; ; mag *= 10 {
		for _, s := range steps {
			if s*mag*4 >= n {
				return s * mag * 4
			}
		}
	}
}

func ticks(x, width, maxV int) []htmlTick {
	n := 4
	switch {
	case maxV <= 6:
		n = maxV
	case maxV <= 12:
		n = maxV / 2
	}
	var out []htmlTick
	for i := 0; i <= n; i++ {
		v := maxV * i / n
		out = append(out, htmlTick{X: x + int(math.Round(float64(width)*float64(v)/float64(maxV))), Label: fmt.Sprint(v)})
	}
	return out
}

func account1Chart(r *audit.Report) *htmlChart {
	type ouStat struct {
		passed, failed, other int
		sev                   map[string]int
		findings              int
	}
	stats := map[string]*ouStat{}
	var ous []string
	for _, a := range r.Accounts {
		ou := a.OUPath
		if ou == "" {
			ou = "(no OU)"
		}
		s := stats[ou]
		if s == nil {
			s = &ouStat{sev: map[string]int{}}
			stats[ou] = s
			ous = append(ous, ou)
		}
		switch {
		case a.Status == audit.StatusSkipped || a.Status == audit.StatusUnknown:
			s.other++
		case a.Account1 == audit.Account1Passed:
			s.passed++
		case a.Account1 == audit.Account1Failed:
			s.failed++
		default:
			s.other++
		}
		for _, f := range a.Findings {
			s.sev[f.Severity.String()]++
			s.findings++
		}
	}
	sort.Strings(ous)
	maxA, maxF := 1, 1
	for _, s := range stats {
		maxA = max(maxA, s.passed+s.failed+s.other)
		maxF = max(maxF, s.findings)
	}
	maxA, maxF = niceMax(maxA), niceMax(maxF)

	const (
		labelW = 190
		panelW = 330
		gap    = 90
		top    = 48
		rowH   = 30
		barH   = 18
	)
	c := &htmlChart{Width: labelW + 2*panelW + gap + 40}
	p1 := htmlChartPanel{X: labelW, Width: panelW, Title: "Account.1 by OU (accounts)", TitleY: 18}
	p2 := htmlChartPanel{X: labelW + panelW + gap, Width: panelW, Title: "Findings by OU and severity", TitleY: 18}
	sevs := contact.Severities()
	var summaries []string
	for i, ou := range ous {
		s := stats[ou]
		y := top + i*rowH
		row := htmlChartRow{Label: ou, Y: y, LabelY: y + barH/2 + 5}
		x := p1.X
		add := func(n, maxV int, class, what string) {
			if n == 0 {
				return
			}
			w := int(math.Round(float64(panelW) * float64(n) / float64(maxV)))
			row.Segs = append(row.Segs, htmlSeg{X: x, Y: y, W: max(w, 2), H: barH, Class: class,
				Title: fmt.Sprintf("%s: %d %s", ou, n, what)})
			x += w
		}
		add(s.passed, maxA, "pass", "Account.1 passed")
		add(s.failed, maxA, "fail", "Account.1 failed")
		add(s.other, maxA, "other", "not evaluated (skipped or unknown)")
		row.Total1X, row.Total1 = x+6, fmt.Sprintf("%d/%d", s.passed, s.passed+s.failed+s.other)
		x = p2.X
		var parts []string
		for j := len(sevs) - 1; j >= 0; j-- {
			n := s.sev[sevs[j].String()]
			add(n, maxF, "sev-"+sevs[j].String(), sevs[j].String()+" findings")
			if n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, sevs[j]))
			}
		}
		row.TotFX, row.TotF = x+6, fmt.Sprint(s.findings)
		if len(parts) == 0 {
			parts = []string{"no findings"}
		}
		row.Summary = fmt.Sprintf("%s: Account.1 passed on %d, failed on %d, %d not evaluated; findings: %s",
			ou, s.passed, s.failed, s.other, strings.Join(parts, ", "))
		summaries = append(summaries, row.Summary)
		c.Rows = append(c.Rows, row)
	}
	bottom := top + len(ous)*rowH
	for _, p := range []*htmlChartPanel{&p1, &p2} {
		p.AxisTop, p.AxisBot = top-8, bottom
	}
	p1.Ticks, p2.Ticks = ticks(p1.X, panelW, maxA), ticks(p2.X, panelW, maxF)
	c.Panels = []htmlChartPanel{p1, p2}
	c.LegendY = bottom + 34
	lx := labelW
	legend := []struct{ class, label string }{{"pass", "Account.1 passed"}, {"fail", "Account.1 failed"}, {"other", "Not evaluated"}}
	for j := len(sevs) - 1; j >= 0; j-- {
		legend = append(legend, struct{ class, label string }{"sev-" + sevs[j].String(), strings.ToUpper(sevs[j].String()[:1]) + sevs[j].String()[1:]})
	}
	for i, l := range legend {
		if i == 3 {
			lx = p2.X
		}
		c.Legend = append(c.Legend, htmlLegend{X: lx, Y: c.LegendY, Class: l.class, Label: l.label})
		lx += 17 + int(6.5*float64(len(l.label))) + 16
	}
	c.Height = c.LegendY + 16
	c.Title = "Account.1 outcome and findings by severity, per OU path"
	c.Desc = strings.Join(summaries, ". ") + "."
	return c
}

// verifyBar is one 100% stacked bar of the verify statuses.
func verifyBar(r *verify.Report) []htmlSeg {
	total := len(r.Accounts)
	if total == 0 {
		return nil
	}
	const width = 1000
	var out []htmlSeg
	x := 0
	for _, st := range []string{verify.Passed, verify.Pending, verify.Failed, verify.Unknown, verify.Skipped} {
		n := r.Summary[st]
		if n == 0 {
			continue
		}
		w := int(math.Round(float64(width) * float64(n) / float64(total)))
		out = append(out, htmlSeg{X: x, W: w, H: 24, Class: "v-" + strings.ToLower(st), Title: fmt.Sprintf("%s: %d of %d accounts", st, n, total)})
		x += w
	}
	if len(out) > 0 {
		out[len(out)-1].W = width - out[len(out)-1].X
	}
	return out
}
