package report_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/peertest"
	"github.com/altcontacts/altcontacts/internal/report"
	"github.com/altcontacts/altcontacts/internal/verify"
)

// chromium runs headless Chromium on file with extra flags and returns its
// stdout. Everything that could reach the network is off; the report's own
// Content-Security-Policy forbids it anyway. It keeps Chromium's own
// process model: with --single-process (a fifth less CPU) the widths
// screenshot under --virtual-time-budget never finished, and Blink logs
// that font lookups by name need the browser process, so what is laid
// out could differ from what users see.
func chromium(t *testing.T, bin, file string, extra ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	profile := t.TempDir()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile}, extra...)
	args = append(args, "file://"+file)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(extra, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// A real browser must render the report: the chart and every account row
// are in the DOM after the page's script ran. The screenshot and PDF are
// kept in $ALTCONTACTS_KEEP_DIR, when set, for people to look at; their
// pixels are not asserted.
func TestAuditHTMLInChromium(t *testing.T) {
	t.Parallel()
	bin := peertest.Require(t, "chromium")
	rep := fintechReport(t)
	var b bytes.Buffer
	if err := report.Audit(&b, "html", rep, report.Style{}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "audit.html")
	if err := os.WriteFile(file, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	// One Chromium does all three: the DOM after the page's script ran
	// (the window size does not change it), the screenshot and the PDF.
	shot := filepath.Join(dir, "shot.png")
	pdf := filepath.Join(dir, "report.pdf")
	dom := string(chromium(t, bin, file, "--dump-dom", "--screenshot="+shot, "--window-size=1400,2000",
		"--print-to-pdf="+pdf, "--no-pdf-header-footer"))
	if !strings.Contains(dom, `<svg id="account1-chart"`) {
		t.Errorf("rendered DOM has no account1-chart SVG:\n%.2000s", dom)
	}
	if !strings.Contains(dom, `class="sort"`) {
		t.Error("the page's script did not run (no sort buttons)")
	}
	if !strings.Contains(dom, rep.Organization.ManagementAccountID) {
		t.Error("header lacks the management account")
	}
	for _, a := range rep.Accounts {
		if !strings.Contains(dom, `data-account="`+a.ID+`"`) {
			t.Errorf("rendered DOM lacks the row of account %s", a.ID)
		}
	}

	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("no screenshot: %v", err)
	}
	keep(t, "altcontacts-report.png", png)

	raw, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(raw, []byte("%PDF")) {
		t.Fatalf("no PDF: %v", err)
	}
	keep(t, "altcontacts-report.pdf", raw)
}

// keep copies an artifact into $ALTCONTACTS_KEEP_DIR, where people can look
// at it; without it nothing is written outside the test's own directory.
// Failing to keep is not a test failure.
func keep(t *testing.T, name string, data []byte) {
	dir := os.Getenv("ALTCONTACTS_KEEP_DIR")
	if dir == "" {
		return
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Logf("could not keep %s: %v", path, err)
		return
	}
	t.Logf("wrote %s", path)
}

// verifyFixture is a verify report of the fintech sandbox, one contact
// just written (PENDING).
func verifyFixture(t *testing.T) *verify.Report {
	t.Helper()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	e := emulator.New(emulator.WithClock(clock), emulator.WithEvaluationInterval(0), emulator.WithoutThrottling())
	c := awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(100)})
	durable := contact.Details{Name: "Security Operations", Title: "Security Team", Email: "security@acmepay.io", Phone: "+1 206 555 7700"}
	if err := c.PutContact(context.Background(), awsorg.Target{AccountID: "476120938574"}, contact.Security, durable); err != nil {
		t.Fatal(err)
	}
	rep, err := verify.Run(context.Background(), c, verify.Options{Now: clock, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// measureJS, appended to a copy of a report, writes the layout it finds
// into the DOM for --dump-dom to carry out: the document's scroll width
// against the window's, how much of a table its scrolling wrapper hides,
// and how far any table or wrapper reaches past the right edge of its card
// (the section holding it).
const measureJS = `<script>
window.addEventListener('load', function () {
  var worst = 0, what = '';
  document.querySelectorAll('section').forEach(function (s) {
    var card = s.getBoundingClientRect();
    s.querySelectorAll('table, .table-wrap').forEach(function (el) {
      var r = el.getBoundingClientRect();
      var wrap = el.closest('.table-wrap');
      // A table inside a wrapper that scrolls may be wider than the
      // card: it scrolls inside it. The wrapper itself may not be.
      if (el.tagName === 'TABLE' && wrap && getComputedStyle(wrap).overflowX !== 'visible') return;
      var over = Math.round(r.right - card.right);
      if (over > worst) { worst = over; what = (el.id || el.className || el.tagName); }
    });
  });
  var hidden = 0;
  document.querySelectorAll('.table-wrap').forEach(function (w) {
    hidden = Math.max(hidden, w.scrollWidth - w.clientWidth);
  });
  parent.postMessage('inner=' + window.innerWidth + ' scroll=' + document.documentElement.scrollWidth + ' hidden=' + hidden + ' over=' + worst + ' ' + what, '*');
});
</script>`

// frameWidths is the page Chromium opens for TestAuditHTMLFitsTheWindowInChromium:
// each report at each width in a frame of that width (a frame is the
// viewport of the page in it: its media queries, innerWidth and scroll
// width are the frame's), and each frame's measurement written into this
// page's DOM, named after the frame, for --dump-dom to carry out.
const frameWidths = `<!DOCTYPE html><html><head><style>iframe{display:block;border:0;height:1000px}</style></head><body>
<iframe id="audit-1280" src="audit.html" style="width:1280px"></iframe>
<iframe id="audit-800" src="audit.html" style="width:800px"></iframe>
<iframe id="verify-1280" src="verify.html" style="width:1280px"></iframe>
<iframe id="verify-800" src="verify.html" style="width:800px"></iframe>
<script>
window.addEventListener('message', function (e) {
  document.querySelectorAll('iframe').forEach(function (f) {
    if (f.contentWindow !== e.source) return;
    var p = document.createElement('pre');
    p.textContent = f.id + ' ' + e.data;
    document.body.appendChild(p);
  });
});
</script></body></html>`

// The findings table fits its card at 1280 px, and scrolls inside it at
// 800 px: nothing reaches past the card's edge and the page never scrolls
// sideways; the verify report too. One Chromium measures all four, each
// in a frame of its width (frameWidths); a screenshot of the four is
// taken and kept in $ALTCONTACTS_KEEP_DIR when that is set.
func TestAuditHTMLFitsTheWindowInChromium(t *testing.T) {
	t.Parallel()
	bin := peertest.Require(t, "chromium")
	dir := t.TempDir()
	for _, name := range []string{"audit", "verify"} {
		var b bytes.Buffer
		var err error
		if name == "audit" {
			err = report.Audit(&b, "html", fintechReport(t), report.Style{})
		} else {
			err = report.Verify(&b, "html", verifyFixture(t), report.Style{})
		}
		if err != nil {
			t.Fatal(err)
		}
		page := b.String()
		// The report's Content-Security-Policy admits only its own
		// script; the copy measured here drops it to run the measurement.
		page = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`).ReplaceAllString(page, "")
		page = strings.Replace(page, "</body>", measureJS+"</body>", 1)
		if err := os.WriteFile(filepath.Join(dir, name+".html"), []byte(page), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	harness := filepath.Join(dir, "widths.html")
	if err := os.WriteFile(harness, []byte(frameWidths), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--dump-dom", "--window-size=1300,4000", "--virtual-time-budget=2000"}
	// The screenshot of the four frames is for people only (what
	// TestAuditHTMLInChromium asserts of screenshots holds here too), and
	// rastering a 1300x4000 page costs Chromium a second of CPU: it is
	// taken only when someone keeps it.
	shot := ""
	if os.Getenv("ALTCONTACTS_KEEP_DIR") != "" {
		shot = filepath.Join(dir, "widths.png")
		args = append(args, "--screenshot="+shot)
	}
	dom := string(chromium(t, bin, harness, args...))
	for _, name := range []string{"audit", "verify"} {
		for _, width := range []int{1280, 800} {
			frame := fmt.Sprintf("%s-%d", name, width)
			m := regexp.MustCompile(frame + ` inner=(\d+) scroll=(\d+) hidden=(-?\d+) over=(-?\d+) ?([^<]*)</pre>`).FindStringSubmatch(dom)
			if m == nil {
				t.Errorf("%s at %d px: no measurement in the DOM:\n%.1500s", name, width, dom)
				continue
			}
			inner, _ := strconv.Atoi(m[1])
			scroll, _ := strconv.Atoi(m[2])
			hidden, _ := strconv.Atoi(m[3])
			over, _ := strconv.Atoi(m[4])
			t.Logf("%s at %d px: window %d, document %d, table hidden by its scroller %d, past the card by %d (%s)", name, width, inner, scroll, hidden, over, m[5])
			if inner != width {
				t.Errorf("%s at %d px: measured in a %d px window", name, width, inner)
			}
			if width >= 1280 && hidden > 0 {
				t.Errorf("%s at %d px: %d px of the table are hidden; it must fit its card at this width", name, width, hidden)
			}
			if scroll > inner {
				t.Errorf("%s at %d px: the page scrolls sideways (document %d px wide in a %d px window)", name, width, scroll, inner)
			}
			if over > 0 {
				t.Errorf("%s at %d px: %s reaches %d px past the right edge of its card", name, width, m[5], over)
			}
		}
	}
	if shot == "" {
		return
	}
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("no screenshot: %v", err)
	}
	keep(t, "altcontacts-widths.png", png)
}
