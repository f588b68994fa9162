package awsorg

import "testing"

func TestPartitionQuotas(t *testing.T) {
	for arn, want := range map[string]string{"arn:aws-cn:iam::123456789012:root": "aws-cn", "arn:aws:sts::1:x": "aws", "nope": ""} {
		if got := PartitionOf(arn); got != want {
			t.Errorf("PartitionOf(%q) = %q, want %q", arn, got, want)
		}
	}
	if q := QuotasFor("aws-cn"); q.GetContact != (Quota{3, 5}) || q.PutContact != (Quota{1, 6}) {
		t.Errorf("China = %+v", q)
	}
	for p, want := range map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": false, "": false} {
		if KnownPartition(p) != want {
			t.Errorf("KnownPartition(%q) = %v", p, !want)
		}
	}
	// An unknown partition gets the lowest of every table.
	if q := QuotasFor("aws-iso"); q.GetContact != (Quota{3, 5}) || q.PutContact != (Quota{1, 6}) || q.DeleteContact != (Quota{1, 6}) {
		t.Errorf("unknown = %+v", q)
	}
	q := MaxRPS{Get: 20, Put: 2}.apply(DefaultQuotas)
	if q.GetContact != (Quota{20, 30}) || q.PutContact != (Quota{2, 3}) || q.DeleteContact != DefaultQuotas.DeleteContact {
		t.Errorf("--max-rps get=20,put=2 = %+v", q)
	}
	if why := Account1Unavailable("aws-us-gov", "us-gov-west-1"); why == "" || Account1Unavailable("aws", "us-east-1") != "" || Account1Unavailable("aws", "ca-west-1") == "" {
		t.Error("Account.1 availability is wrong")
	}
}
