package emulator

import (
	"fmt"
	"strings"
	"time"
)

// Partitions the sandbox can play. A partition changes three things a
// client can see: the ARNs (arn:aws-cn:...), the Account API's quotas, and
// whether Security Hub's Account.1 control exists at all.
var Partitions = []string{"aws", "aws-cn", "aws-us-gov"}

// partitionRegion is the Region a partition's Security Hub defaults to when
// the scenario names none (or one of another partition).
var partitionRegion = map[string]string{
	"aws":        "us-east-1",
	"aws-cn":     "cn-northwest-1",
	"aws-us-gov": "us-gov-west-1",
}

// partitionQuotas override the commercial table per partition. The China
// numbers are the docs.amazonaws.cn quota page's (docs/aws-facts.md, "Account: quotas");
// DeleteAlternateContact is not listed there, so it keeps the commercial
// 1/s burst 6. GovCloud publishes no separate page, so it uses the
// commercial table.
var partitionQuotas = map[string]map[string]quota{
	"aws-cn": {
		"account/GetAlternateContact": {3, 5},
		"account/PutAlternateContact": {1, 6},
	},
}

// PartitionQuota returns the quota for service/op in a partition (zero
// when AWS publishes none), for benchmarks that report against the bound.
func PartitionQuota(partition, service, op string) Quota {
	if q, ok := partitionQuotas[partition][service+"/"+op]; ok {
		return Quota{Rate: q.rate, Burst: q.burst}
	}
	return DefaultQuota(service, op)
}

// partition is the state's partition; "" is aws.
func (s *State) partition() string {
	if s.Settings.Partition == "" {
		return "aws"
	}
	return s.Settings.Partition
}

// hubRegion is the Security Hub's Region, else the partition's default
// Region.
func (s *State) hubRegion() string {
	if s.SecurityHub.Region != "" {
		return s.SecurityHub.Region
	}
	return partitionRegion[s.partition()]
}

// arnPrefix is "arn:PARTITION:". Called with e.mu held.
func (e *Emulator) arnPrefix() string { return "arn:" + e.state.partition() + ":" }

// account1Exists reports whether the Account.1 control can exist here: its
// AWS Config rule (security-account-information-provided) is not offered in
// the GovCloud Regions (docs/aws-facts.md, "Security Hub: Account.1"), so there no finding ever comes.
func (s *State) account1Exists() bool { return s.partition() != "aws-us-gov" }

// SetPartition moves the world to partition p: ARNs, quotas and Account.1's
// availability follow. A Security Hub Region of another partition moves to
// p's default Region, and Security Hub's own Account.1 findings are dropped
// and re-made at the next evaluation, so no finding keeps an ARN of the old
// partition.
func (s *State) SetPartition(p string) error {
	if !oneOf(p, Partitions) {
		return fmt.Errorf("partition %q is not one of %s", p, strings.Join(Partitions, ", "))
	}
	if p == "aws" {
		s.Settings.Partition = ""
	} else {
		s.Settings.Partition = p
	}
	if regionPartition(s.SecurityHub.Region) != p {
		s.SecurityHub.Region = partitionRegion[p]
	}
	kept := s.SecurityHub.Findings[:0]
	for _, f := range s.SecurityHub.Findings {
		if !isAccount1(f) {
			kept = append(kept, f)
		}
	}
	s.SecurityHub.Findings = kept
	s.SecurityHub.LastEvaluation = time.Time{}
	return nil
}

// SecurityHubModes are the values of SetSecurityHub.
var SecurityHubModes = []string{"cspm", "v2", "both", "none"}

// SetSecurityHub enables Security Hub CSPM, the new Security Hub, both or
// neither.
func (s *State) SetSecurityHub(mode string) error {
	switch mode {
	case "cspm":
		s.SecurityHub.Enabled, s.SecurityHub.V2 = true, false
	case "v2":
		s.SecurityHub.Enabled, s.SecurityHub.V2 = false, true
	case "both":
		s.SecurityHub.Enabled, s.SecurityHub.V2 = true, true
	case "none":
		s.SecurityHub.Enabled, s.SecurityHub.V2 = false, false
	default:
		return fmt.Errorf("security hub %q is not one of %s", mode, strings.Join(SecurityHubModes, ", "))
	}
	return nil
}

// regionPartition is the partition of a Region name, by AWS's Region naming.
func regionPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// isAccount1 reports whether f is one of Security Hub's own Account.1
// control findings (not an imported one).
func isAccount1(f Finding) bool {
	comp, _ := f["Compliance"].(map[string]any)
	return comp != nil && comp["SecurityControlId"] == "Account.1" && strings.HasSuffix(str(f["ProductArn"]), "::product/aws/securityhub")
}
