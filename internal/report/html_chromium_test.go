package report_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/peertest"
	"github.com/altcontacts/altcontacts/internal/report"
)

// chromium runs headless Chromium on file with extra flags and returns its
// stdout. Everything that could reach the network is off; the report's own
// Content-Security-Policy forbids it anyway.
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

	dom := string(chromium(t, bin, file, "--dump-dom"))
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

	shot := filepath.Join(dir, "shot.png")
	chromium(t, bin, file, "--screenshot="+shot, "--window-size=1400,2000")
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("no screenshot: %v", err)
	}
	keep(t, "altcontacts-report.png", png)

	pdf := filepath.Join(dir, "report.pdf")
	chromium(t, bin, file, "--print-to-pdf="+pdf, "--no-pdf-header-footer")
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
