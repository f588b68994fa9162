package report_test

import (
	"bytes"
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/emulator"
	"github.com/altcontacts/altcontacts/internal/report"
	"github.com/altcontacts/altcontacts/internal/verify"
)

func renderHTML(t *testing.T, r *audit.Report, st report.Style) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.Audit(&b, "html", r, st); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// externalRef finds anything that would make the browser fetch: a URL in
// src, href, action or CSS url(), a <link>, an external <script>, an @import.
var externalRef = regexp.MustCompile(`(?i)(\b(src|href|action|xlink:href)\s*=\s*["']?\s*(https?:|//))|url\(\s*["']?\s*(https?:|//)|<link\b|<script[^>]+\bsrc\s*=|@import|<iframe|<object|<embed`)

// visible is out as a reader sees it: wrap hints gone, entities decoded.
func visible(out string) string {
	return html.UnescapeString(strings.ReplaceAll(out, "<wbr>", ""))
}

func checkSelfContained(t *testing.T, out string) {
	t.Helper()
	if m := externalRef.FindString(out); m != "" {
		t.Errorf("HTML references something external: %q", m)
	}
	if !strings.Contains(out, `http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`) {
		t.Error("no Content-Security-Policy forbidding network loads")
	}
	if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, "</html>") {
		t.Error("not a complete HTML document")
	}
}

func TestAuditHTML(t *testing.T) {
	rep := fintechReport(t)
	out := renderHTML(t, rep, report.Style{})
	checkSelfContained(t, out)
	for _, a := range rep.Accounts {
		if n := strings.Count(out, `data-account="`+a.ID+`"`); n != 1 {
			t.Errorf("account %s appears %d times as data-account, want 1", a.ID, n)
		}
	}
	if !regexp.MustCompile(`<svg id="account1-chart"[^>]*role="img"[^>]*aria-labelledby=`).MatchString(out) {
		t.Error("no accessible account1-chart SVG")
	}
	for _, ou := range []string{"Root/Workloads/Prod", "Root/Security", "Root/Sandbox"} {
		if !strings.Contains(out, `<text x="182"`) || !strings.Contains(out, ">"+ou+"</text>") {
			t.Errorf("chart has no bar label for %s", ou)
		}
	}
	for _, want := range []string{
		"o-", // organization id
		rep.Organization.ManagementAccountID,
		rep.Caller.ARN,
		rep.GeneratedAt.UTC().Format("2006-01-02 15:04:05 UTC"),
		"altcontacts test",
		report.SummaryLine(rep),
		`<span class="badge s-high">high</span>`,
		// a remediation hint from the rules
		"replace the filler with a real, monitored team address and phone number",
		`<th scope="col"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}

	// Phones are masked unless ShowPII.
	// html/template writes + as &#43;; compare the text a reader sees.
	const phone = "+1 206 555 7700"
	masked := contact.MaskPhone(phone)
	text := visible(out)
	if strings.Contains(text, phone) {
		t.Errorf("full phone %q in the default report", phone)
	}
	if !strings.Contains(text, masked) || !strings.Contains(text, "7700") {
		t.Errorf("masked phone %q missing", masked)
	}
	pii := renderHTML(t, rep, report.Style{ShowPII: true})
	if !strings.Contains(visible(pii), phone) {
		t.Errorf("ShowPII report lacks the full phone %q", phone)
	}
	if !strings.Contains(pii, "Contains personal data") {
		t.Error("ShowPII report does not say it holds personal data")
	}
}

// Account names are chosen by whoever created the account: they must be
// text, never markup, in the table, the chart and the filter.
func TestAuditHTMLEscapes(t *testing.T) {
	const evil = `<script>alert(1)</script>`
	e := emulator.New(emulator.WithQuotaScale(50))
	e.Update(func(s *emulator.State) {
		for _, a := range s.Accounts {
			if a.ID == "593018274615" {
				a.Name = evil + `"><img src=x onerror=alert(2)>`
			}
		}
	})
	rep, err := audit.Run(context.Background(), awsorg.New(e.Config(), awsorg.Options{Quotas: awsorg.DefaultQuotas.Scale(50)}), nil, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := renderHTML(t, rep, report.Style{})
	for _, bad := range []string{evil, "<img", "alert(1)</script>"} {
		if strings.Contains(out, bad) {
			t.Errorf("%q is not escaped", bad)
		}
	}
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the name is not kept, escaped")
	}
	if n := strings.Count(out, "<script"); n != 1 {
		t.Errorf("%d <script> elements, want only the report's own", n)
	}
	checkSelfContained(t, out)
}

func TestVerifyHTML(t *testing.T) {
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
	var b bytes.Buffer
	if err := report.Verify(&b, "html", rep, report.Style{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	checkSelfContained(t, out)
	for _, a := range rep.Accounts {
		if n := strings.Count(out, `data-account="`+a.ID+`"`); n != 1 {
			t.Errorf("account %s appears %d times as data-account, want 1", a.ID, n)
		}
		if a.ID == "476120938574" {
			if a.Status != verify.Pending || a.Finding == nil {
				t.Fatalf("fixture: %+v", a)
			}
			for _, want := range []string{a.Finding.EvaluatedAt.UTC().Format("2006-01-02 15:04Z"), a.Finding.NextBy.UTC().Format("2006-01-02 15:04Z")} {
				if !strings.Contains(out, want) {
					t.Errorf("pending account's evaluation time %q missing", want)
				}
			}
		}
	}
	for _, want := range []string{`id="verify-chart"`, `<span class="badge b-pending">PENDING</span>`, "security@acmepay.io",
		"no SECURITY alternate contact: Account.1 fails until one is set", "1 pending AWS's next evaluation"} {
		if !strings.Contains(visible(out), want) {
			t.Errorf("verify HTML lacks %q", want)
		}
	}
	if strings.Contains(visible(out), "+1 206 555 7700") {
		t.Error("verify HTML shows a full phone number")
	}
	if err := report.Verify(&b, "csv", rep, report.Style{}); err == nil {
		t.Error("verify accepted csv")
	}
}
