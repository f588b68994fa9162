// Package asff holds the AWS Security Finding Format documents altcontacts
// writes, so the durability findings sit in Security Hub beside
// Account.1. AWS owns Account.1 itself, so it is never exported. Finding
// ids derive from (caller, account, contact type, rule, field): a rerun
// updates the same findings instead of adding copies.
package asff

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/altcontacts/altcontacts/internal/contact"
)

// GeneratorPrefix starts every GeneratorId altcontacts writes, so its own
// findings can be found again (and archived when they stop firing).
const GeneratorPrefix = "altcontacts/"

// Finding is an ASFF finding with the members altcontacts sets; its JSON
// member names are ASFF's.
type Finding struct {
	SchemaVersion string            `json:"SchemaVersion"`
	Id            string            `json:"Id"`
	ProductArn    string            `json:"ProductArn"`
	GeneratorId   string            `json:"GeneratorId"`
	AwsAccountId  string            `json:"AwsAccountId"`
	Types         []string          `json:"Types"`
	CreatedAt     string            `json:"CreatedAt"`
	UpdatedAt     string            `json:"UpdatedAt"`
	Severity      Severity          `json:"Severity"`
	Title         string            `json:"Title"`
	Description   string            `json:"Description"`
	Remediation   Remediation       `json:"Remediation"`
	Resources     []Resource        `json:"Resources"`
	Compliance    Compliance        `json:"Compliance"`
	RecordState   string            `json:"RecordState"`
	ProductFields map[string]string `json:"ProductFields"`
}

// Severity is the ASFF severity.
type Severity struct {
	Label string `json:"Label"`
}

// Remediation is the ASFF remediation.
type Remediation struct {
	Recommendation Recommendation `json:"Recommendation"`
}

// Recommendation is remediation text.
type Recommendation struct {
	Text string `json:"Text"`
}

// Resource is the account a finding is about.
type Resource struct {
	Type      string `json:"Type"`
	Id        string `json:"Id"`
	Partition string `json:"Partition"`
	Region    string `json:"Region"`
}

// Compliance marks the check failed.
type Compliance struct {
	Status string `json:"Status"`
}

// ProductArn is the default product ARN of the caller's account: findings
// imported with it must carry the caller's account as AwsAccountId, so
// each finding names the audited account as its resource instead.
func ProductArn(partition, region, caller string) string {
	return fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", partition, region, caller, caller)
}

// ID is the deterministic finding id.
func ID(partition, region, caller, account string, typ contact.Type, rule, field string) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{account, string(typ), rule, field}, "/")))
	return fmt.Sprintf("arn:%s:securityhub:%s:%s:altcontacts/%s/%s", partition, region, caller, account, hex.EncodeToString(sum[:12]))
}
