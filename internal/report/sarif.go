package report

import (
	"io"

	"github.com/altcontacts/altcontacts/internal/audit"
	"github.com/altcontacts/altcontacts/internal/contact"
)

// SARIF 2.1.0, the subset code-scanning dashboards read.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	ShortDescription     sarifMessage `json:"shortDescription"`
	Help                 sarifMessage `json:"help"`
	DefaultConfiguration struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
	Properties map[string]any `json:"properties"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID     string          `json:"ruleId"`
	RuleIndex  int             `json:"ruleIndex"`
	Level      string          `json:"level"`
	Message    sarifMessage    `json:"message"`
	Locations  []sarifLocation `json:"locations"`
	Properties map[string]any  `json:"properties"`
}

type sarifLocation struct {
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// sarifLevel maps severities onto SARIF's three levels.
func sarifLevel(s contact.Severity) string {
	switch {
	case s >= contact.High:
		return "error"
	case s == contact.Medium:
		return "warning"
	}
	return "note"
}

func accountLocation(a audit.Account) []sarifLocation {
	fq := a.ID
	if a.OUPath != "" {
		fq = a.OUPath + "/" + a.ID
	}
	return []sarifLocation{{LogicalLocations: []sarifLogical{{Name: a.ID, FullyQualifiedName: fq, Kind: "module"}}}}
}

func auditSARIF(w io.Writer, r *audit.Report) error {
	driver := sarifDriver{Name: "altcontacts", Version: r.ToolVersion, InformationURI: "https://github.com/altcontacts/altcontacts"}
	index := map[string]int{}
	for i, id := range contact.RuleIDs() {
		info, _ := contact.RuleInfo(id)
		rule := sarifRule{ID: id, ShortDescription: sarifMessage{info.Description}, Help: sarifMessage{info.Hint},
			Properties: map[string]any{"severity": info.DefaultSeverity.String()}}
		rule.DefaultConfiguration.Level = sarifLevel(info.DefaultSeverity)
		driver.Rules = append(driver.Rules, rule)
		index[id] = i
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	inv := sarifInvocation{ExecutionSuccessful: r.Summary.Unknown == 0}
	for _, a := range r.Accounts {
		for _, f := range a.Findings {
			run.Results = append(run.Results, sarifResult{
				RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity),
				Message:   sarifMessage{a.ID + " (" + a.Name + "): " + f.Message},
				Locations: accountLocation(a),
				Properties: map[string]any{"severity": f.Severity.String(), "contactType": string(f.Type),
					"accountName": a.Name, "ouPath": a.OUPath, "hint": f.Hint},
			})
		}
		if a.Error != nil {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level: "error", Message: sarifMessage{a.ID + ": " + *a.Error}, Locations: accountLocation(a)})
		}
	}
	run.Invocations = []sarifInvocation{inv}
	return writeJSON(w, sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}
