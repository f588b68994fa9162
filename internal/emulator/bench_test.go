package emulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
)

func benchGet(b *testing.B, cfg aws.Config) {
	client := account.NewFromConfig(cfg)
	in := &account.GetAlternateContactInput{AccountId: aws.String(securityID), AlternateContactType: acctypes.AlternateContactTypeSecurity}
	if _, err := client.GetAlternateContact(context.Background(), in); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := client.GetAlternateContact(context.Background(), in); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkGetAlternateContact measures the whole SDK round trip (signing,
// serialisation, the emulator, decoding) for a member's SECURITY contact.
func BenchmarkGetAlternateContact(b *testing.B) {
	b.Run("in-process", func(b *testing.B) {
		e := New(WithoutThrottling())
		benchGet(b, e.Config())
	})
	b.Run("loopback", func(b *testing.B) {
		e := New(WithoutThrottling())
		srv := httptest.NewServer(e.Handler())
		defer srv.Close()
		cfg := e.Config()
		cfg.BaseEndpoint = aws.String(srv.URL)
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 256
		cfg.HTTPClient = &http.Client{Transport: tr}
		benchGet(b, cfg)
	})
}
