package report

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/contact"
	"github.com/altcontacts/altcontacts/internal/verify"
)

// The HTML report is one self-contained file an auditor can file as
// evidence: styles, script and chart are inline, nothing is fetched (the
// Content-Security-Policy forbids it), and it reads and prints without
// JavaScript. html/template escapes every value taken from AWS.

//go:embed templates/*
var htmlFS embed.FS

var (
	htmlCSS = mustRead("templates/report.css")
	htmlJS  = mustRead("templates/report.js")
	// htmlTmpl is parsed on first use, not at start-up: most runs of the
	// program print no HTML.
	htmlTmpl = sync.OnceValue(func() *template.Template {
		return template.Must(template.New("").Funcs(template.FuncMap{
			"lower":  strings.ToLower,
			"upper":  strings.ToUpper,
			"orDash": ouOrDash,
			"ouPath": ouPathHTML,
			"email":  emailHTML,
		}).ParseFS(htmlFS, "templates/*.tmpl"))
	})
)

// htmlCSP allows only the page's own styles and script, by hash: nothing is
// fetched, and an injected script would not run even if escaping failed.
func htmlCSP(pageCSS string) string {
	return fmt.Sprintf("default-src 'none'; style-src '%s' '%s'; script-src '%s'; img-src data:; base-uri 'none'; form-action 'none'",
		cspHash(htmlCSS), cspHash(pageCSS), cspHash(htmlJS))
}

// cssString quotes s as a CSS string, escaping all but plain characters.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(" .,:-_/()", r):
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "\\%x ", r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// printCSS puts the report's identity and page numbers in every printed
// page's margin, so a single page of the PDF still says what it is.
func printCSS(label string) string {
	return "@media print{@page{@bottom-left{content:" + cssString(label) +
		";font:8pt system-ui,sans-serif;color:#52606d}@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages);font:8pt system-ui,sans-serif;color:#52606d}}}"
}

// ouPathHTML lets a long OU path wrap after its slashes, not mid-name.
func ouPathHTML(path string) template.HTML {
	parts := strings.Split(ouOrDash(path), "/")
	for i, p := range parts {
		parts[i] = template.HTMLEscapeString(p)
	}
	return template.HTML(strings.Join(parts, "/<wbr>"))
}

// emailHTML lets a long address wrap after the @ and before dots.
func emailHTML(addr string) template.HTML {
	var b strings.Builder
	for _, r := range addr {
		if r == '.' {
			b.WriteString("<wbr>")
		}
		b.WriteString(template.HTMLEscapeString(string(r)))
		if r == '@' {
			b.WriteString("<wbr>")
		}
	}
	return template.HTML(b.String())
}

func mustRead(name string) string {
	b, err := htmlFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func cspHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(h[:])
}

// htmlPage is what every HTML report shares.
type htmlPage struct {
	Title       string
	Kind        string // audit or verify
	CSS         template.CSS
	PageCSS     template.CSS
	JS          template.JS
	CSP         string
	OrgID       string
	Management  string
	Caller      string
	CallerAcct  string
	Generated   string
	GeneratedTS string
	Version     string
	Schema      string
	ShowPII     bool
	Cards       []htmlCard
	Chart       *htmlChart
	Extra       []htmlCard // more header fields: Label and Value
}

type htmlCard struct {
	Label, Value, Note, Class string
}

func newPage(kind, schema string, generated time.Time, version string, org *audit.Organization, callerARN, callerAcct string, st Style) htmlPage {
	p := htmlPage{
		Kind: kind, Schema: schema, CSS: template.CSS(htmlCSS), JS: template.JS(htmlJS),
		Caller: callerARN, CallerAcct: callerAcct, Version: version, ShowPII: st.ShowPII,
		Generated: generated.UTC().Format("2006-01-02 15:04:05 UTC"), GeneratedTS: generated.UTC().Format(time.RFC3339),
	}
	if p.Version == "" {
		p.Version = "unknown"
	}
	if org != nil {
		p.OrgID, p.Management = org.ID, org.ManagementAccountID
	}
	return p
}

// finish sets what depends on the title: the print margins and the CSP.
func (p *htmlPage) finish() {
	scope := p.OrgID
	if scope == "" {
		scope = "account " + p.CallerAcct
	}
	css := printCSS(fmt.Sprintf("altcontacts %s · %s · %s", p.Kind, scope, p.Generated))
	p.PageCSS, p.CSP = template.CSS(css), htmlCSP(css)
}

// auditHTML renders an audit report as one HTML file.
func auditHTML(w io.Writer, r *audit.Report, st Style) error {
	p := newPage("audit", r.Schema, r.GeneratedAt, r.ToolVersion, r.Organization, r.Caller.ARN, r.Caller.Account, st)
	p.Title = "Alternate contacts audit"
	p.finish()
	s := r.Summary
	sevs := contact.Severities()
	var findings int
	for _, n := range s.FindingsBySeverity {
		findings += n
	}
	p.Cards = []htmlCard{
		card("Accounts", s.Accounts, fmt.Sprintf("%d evaluated · %d skipped", s.Evaluated, s.Skipped), ""),
		card("Account.1 passed", s.Account1.Passed, "SECURITY contact set", "good"),
		card("Account.1 failed", s.Account1.Failed, "no SECURITY contact", "bad"),
		card("Unknown", s.Unknown, "contacts could not be read", "warn"),
		card("Findings", findings, severityCounts(r), "bad"),
	}
	var sevCount []htmlSevCount
	for i := len(sevs) - 1; i >= 0; i-- {
		sevCount = append(sevCount, htmlSevCount{Name: sevs[i].String(), Count: s.FindingsBySeverity[sevs[i].String()]})
	}

	var accts []htmlAuditAccount
	rulesSeen := map[string]bool{}
	var statuses []string
	statusSeen := map[string]bool{}
	for i, a := range grouped(r) {
		ha := htmlAuditAccount{ID: a.ID, Name: a.Name, OUPath: a.OUPath, Management: a.Management, Status: a.Status,
			StatusRank: statusOrder[a.Status], Account1: a.Account1, Order: i, Reason: a.Reason, MaxSev: -1}
		if a.Error != nil {
			ha.Error = *a.Error
		}
		if !statusSeen[a.Status] {
			statusSeen[a.Status] = true
			statuses = append(statuses, a.Status)
		}
		for _, t := range contact.Types() {
			hc := htmlContact{Type: strings.ToLower(string(t))}
			d, read := a.Contacts[t]
			switch {
			case a.Contacts == nil || !read:
				hc.State = "not read"
			case d == nil:
				hc.State = "not set"
			default:
				hc.Set, hc.Name, hc.Title, hc.Email = true, d.Name, d.Title, d.Email
				hc.Phone = d.Phone
				if !st.ShowPII {
					hc.Phone = contact.MaskPhone(d.Phone)
				}
			}
			ha.Contacts = append(ha.Contacts, hc)
		}
		for _, f := range a.Findings {
			rulesSeen[f.Rule] = true
			ha.Findings = append(ha.Findings, htmlFinding{Rule: f.Rule, Severity: f.Severity.String(), Type: string(f.Type),
				Message: f.Message, Hint: f.Hint})
			if int(f.Severity) > ha.MaxSev {
				ha.MaxSev = int(f.Severity)
			}
		}
		// Most urgent finding first within the account.
		sort.SliceStable(ha.Findings, func(i, j int) bool {
			return sevRank(ha.Findings[i].Severity) > sevRank(ha.Findings[j].Severity)
		})
		accts = append(accts, ha)
	}
	sort.SliceStable(statuses, func(i, j int) bool { return statusOrder[statuses[i]] < statusOrder[statuses[j]] })

	var rules []contact.Rule
	for _, id := range contact.RuleIDs() {
		if rulesSeen[id] {
			ri, _ := contact.RuleInfo(id)
			rules = append(rules, ri)
		}
	}
	p.Chart = account1Chart(r)
	return htmlTmpl().ExecuteTemplate(w, "audit.html.tmpl", struct {
		htmlPage
		Accounts   []htmlAuditAccount
		Statuses   []string
		Severities []htmlSevCount
		Rules      []contact.Rule
		Summary    string
	}{p, accts, statuses, sevCount, rules, SummaryLine(r)})
}

type htmlSevCount struct {
	Name  string
	Count int
}

type htmlAuditAccount struct {
	ID, Name, OUPath  string
	Management        bool
	Status            string
	StatusRank, Order int
	Account1          string
	Contacts          []htmlContact
	Findings          []htmlFinding
	MaxSev            int
	Error, Reason     string
}

type htmlContact struct {
	Type                      string
	Set                       bool
	State                     string // "not set" or "not read" when !Set
	Name, Title, Email, Phone string
}

type htmlFinding struct {
	Rule, Severity, Type, Message, Hint string
}

func sevRank(name string) int {
	s, err := contact.ParseSeverity(name)
	if err != nil {
		return -1
	}
	return int(s)
}

// card is a summary figure; its colour marks the category, and a zero
// is shown in plain ink so only counts that matter stand out.
func card(label string, n int, note, class string) htmlCard {
	if n == 0 && class != "" {
		class += " zero"
	}
	return htmlCard{Label: label, Value: fmt.Sprint(n), Note: note, Class: class}
}

// verifyHTML renders a verify report as one HTML file.
func verifyHTML(w io.Writer, r *verify.Report, st Style) error {
	p := newPage("verify", r.Schema, r.GeneratedAt, r.ToolVersion, r.Organization, r.Caller.ARN, r.Caller.Account, st)
	p.Title = "Security contact verification"
	p.finish()
	s := r.Summary
	total := len(r.Accounts)
	p.Cards = []htmlCard{
		card("Accounts", total, "in scope", ""),
		card("Passed", s[verify.Passed], "contact set, Account.1 PASSED", "good"),
		card("Pending", s[verify.Pending], "awaiting AWS's next evaluation", "pending"),
		card("Failed", s[verify.Failed], "no SECURITY contact", "bad"),
		card("Unknown", s[verify.Unknown], "could not be determined", "warn"),
		card("Skipped", s[verify.Skipped], "not ACTIVE or excluded", "muted"),
	}
	hub := "not enabled or not readable"
	if r.Hub != nil {
		hub = hubSource(r)
		if r.Hub.ControlFindingGenerator != "" {
			hub += " (" + r.Hub.ControlFindingGenerator + ")"
		}
	}
	type vAcct struct {
		ID, Name, OUPath   string
		Management         bool
		Status             string
		StatusRank, Order  int
		ContactName, Email string
		HasContact         bool
		FindingStatus      string
		Evaluated, NextBy  string
		EvalTS, NextTS     string
		Reason             string
	}
	accts := append([]verify.Account(nil), r.Accounts...)
	sort.SliceStable(accts, func(i, j int) bool { return verifyOrder[accts[i].Status] < verifyOrder[accts[j].Status] })
	var rows []vAcct
	var statuses []string
	seen := map[string]bool{}
	for i, a := range accts {
		v := vAcct{ID: a.ID, Name: a.Name, OUPath: a.OUPath, Management: a.Management, Status: a.Status,
			StatusRank: verifyOrder[a.Status], Order: i, Reason: a.Reason}
		if !seen[a.Status] {
			seen[a.Status] = true
			statuses = append(statuses, a.Status)
		}
		if a.Contact != nil {
			v.HasContact, v.ContactName, v.Email = true, a.Contact.Name, a.Contact.Email
		}
		if f := a.Finding; f != nil {
			v.FindingStatus = f.Status
			if !f.EvaluatedAt.IsZero() {
				v.Evaluated, v.EvalTS = f.EvaluatedAt.UTC().Format("2006-01-02 15:04Z"), f.EvaluatedAt.UTC().Format(time.RFC3339)
			}
			if !f.NextBy.IsZero() && a.Status != verify.Passed {
				v.NextBy, v.NextTS = f.NextBy.UTC().Format("2006-01-02 15:04Z"), f.NextBy.UTC().Format(time.RFC3339)
			}
		}
		rows = append(rows, v)
	}
	p.Extra = []htmlCard{{Label: "Security Hub", Value: hub}, {Label: "Partition", Value: r.Caller.Partition}}
	if n := s[verify.NotApplicable]; n > 0 {
		p.Cards = append(p.Cards, card("Not applicable", n, "Account.1 does not exist here", "muted"))
	}
	return htmlTmpl().ExecuteTemplate(w, "verify.html.tmpl", struct {
		htmlPage
		Hub      string
		Accounts []vAcct
		Statuses []string
		Bar      []htmlSeg
		Summary  string
	}{p, hub, rows, statuses, verifyBar(r), verifySummary(s)})
}
