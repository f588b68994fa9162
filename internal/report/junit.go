package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/altcontacts/altcontacts/internal/audit"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// auditJUnit makes each account a test case (classname: its OU path), so CI
// systems show failing accounts the way they show failing tests.
func auditJUnit(w io.Writer, r *audit.Report) error {
	s := junitSuite{Name: "altcontacts audit", Timestamp: r.GeneratedAt.Format("2006-01-02T15:04:05")}
	for _, a := range r.Accounts {
		c := junitCase{Name: a.ID + " " + a.Name, Classname: ouOrDash(a.OUPath)}
		switch a.Status {
		case audit.StatusFail:
			var lines []string
			for _, f := range a.Findings {
				lines = append(lines, fmt.Sprintf("%s %s %s: %s", strings.ToUpper(f.Severity.String()), f.Rule, f.Type, f.Message))
			}
			c.Failure = &junitProblem{Message: fmt.Sprintf("%d finding(s); Account.1 %s", len(a.Findings), a.Account1), Type: "findings", Text: strings.Join(lines, "\n")}
			s.Failures++
		case audit.StatusUnknown:
			c.Error = &junitProblem{Message: *a.Error, Type: "unknown"}
			s.Errors++
		case audit.StatusSkipped:
			c.Skipped = &junitProblem{Message: a.Reason}
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	}
	out := junitSuites{Name: "altcontacts", Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Skipped: s.Skipped, Suites: []junitSuite{s}}
	io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
