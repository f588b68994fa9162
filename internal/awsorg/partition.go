package awsorg

import (
	"fmt"
	"strings"
)

// Partitions.
const (
	PartitionAWS   = "aws"
	PartitionChina = "aws-cn"
	PartitionGov   = "aws-us-gov"
)

// PartitionOf is the partition of an ARN (arn:PARTITION:...), or "" when s
// is not an ARN.
func PartitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return ""
	}
	return parts[1]
}

// partitionQuotas are the Account API and Security Hub quotas per
// partition. China's are the docs.amazonaws.cn quota page's (Get 3/s burst
// 5, Put 1/s burst 6); that page lists no DeleteAlternateContact row, so
// it keeps the commercial 1/s burst 6. GovCloud publishes no page of its
// own, so it gets the commercial table.
var partitionQuotas = map[string]Quotas{
	PartitionAWS: DefaultQuotas,
	PartitionChina: {
		GetContact:     Quota{3, 5},
		PutContact:     Quota{1, 6},
		DeleteContact:  Quota{1, 6},
		GetFindings:    Quota{3, 6},
		ImportFindings: Quota{10, 30},
		ConfigRead:     Quota{3, 6},
	},
	PartitionGov: DefaultQuotas,
}

// KnownPartition says whether p is a partition with a quota table of its
// own; any other gets QuotasFor's most conservative table.
func KnownPartition(p string) bool {
	_, ok := partitionQuotas[p]
	return ok
}

// QuotasFor returns the quota table of a partition. An unknown partition
// (aws-iso, a new one, or none known yet) gets the most conservative
// table: for each quota, the lowest rate and burst of any partition.
func QuotasFor(partition string) Quotas {
	if q, ok := partitionQuotas[partition]; ok {
		return q
	}
	return conservativeQuotas()
}

func conservativeQuotas() Quotas {
	low := func(a, b Quota) Quota { return Quota{min(a.Rate, b.Rate), min(a.Burst, b.Burst)} }
	q := DefaultQuotas
	for _, p := range partitionQuotas {
		q = Quotas{low(q.GetContact, p.GetContact), low(q.PutContact, p.PutContact), low(q.DeleteContact, p.DeleteContact),
			low(q.GetFindings, p.GetFindings), low(q.ImportFindings, p.ImportFindings), low(q.ConfigRead, p.ConfigRead)}
	}
	return q
}

// regionPartition guesses the partition from a Region name, for pacing
// before the caller's ARN is known; the ARN decides once Identity has run.
// Unknown Region families (the isolated partitions) are unknown.
func regionPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return PartitionChina
	case strings.HasPrefix(region, "us-gov-"):
		return PartitionGov
	case strings.HasPrefix(region, "us-iso"), strings.HasPrefix(region, "eu-isoe-"):
		return ""
	}
	return PartitionAWS
}

// RegionPartition is the partition of a Region name: aws-cn for cn-*,
// aws-us-gov for us-gov-*, "" for the isolated ones, aws for every other
// (and for none).
func RegionPartition(region string) string { return regionPartition(region) }

// MaxRPS overrides the request rate of the Account API quotas for users
// whose quotas differ from the published ones; zero keeps the table's.
type MaxRPS struct {
	Get, Put, Delete float64
}

// apply returns q with the overridden rates; each burst keeps its ratio
// to the rate, at least one token.
func (m MaxRPS) apply(q Quotas) Quotas {
	set := func(v Quota, rate float64) Quota {
		if rate <= 0 {
			return v
		}
		burst := max(1, int(float64(v.Burst)*rate/v.Rate+0.5))
		return Quota{rate, burst}
	}
	q.GetContact = set(q.GetContact, m.Get)
	q.PutContact = set(q.PutContact, m.Put)
	q.DeleteContact = set(q.DeleteContact, m.Delete)
	return q
}

// account1Missing lists the Regions without the AWS Config rule behind
// Account.1 (security-account-information-provided), per the rule's page:
// Asia Pacific (Thailand, Malaysia, New Zealand, Taipei), Mexico (Central)
// and Canada West (Calgary). The whole aws-us-gov partition lacks it too.
var account1Missing = map[string]string{
	"ap-southeast-7": "Asia Pacific (Thailand)",
	"ap-southeast-5": "Asia Pacific (Malaysia)",
	"ap-southeast-6": "Asia Pacific (New Zealand)",
	"ap-east-2":      "Asia Pacific (Taipei)",
	"mx-central-1":   "Mexico (Central)",
	"ca-west-1":      "Canada West (Calgary)",
}

// Account1Unavailable says why Security Hub can never produce an
// Account.1 finding in partition and region, or "" when it can.
func Account1Unavailable(partition, region string) string {
	if partition == PartitionGov {
		return "Account.1 does not exist in aws-us-gov: its AWS Config rule (security-account-information-provided) is not offered there"
	}
	if name, ok := account1Missing[region]; ok {
		return fmt.Sprintf("Account.1 does not exist in %s (%s): its AWS Config rule (security-account-information-provided) is not offered there", region, name)
	}
	return ""
}
