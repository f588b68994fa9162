package emulator_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/altcontacts/altcontacts/internal/emulator"
)

// TestKeepAliveStress is the keep-alive flake of the moto comparison left
// to the scheduler: two goroutines read the 23 Account.1 findings (a large
// body) through keep-alive connections, under -race, for a minute. Without
// awsorg.HTTPClient (which baseConfig applies) it failed within 5–70 s on
// this 2-core machine at load average 20 with "read tcp …: use of closed network
// connection" on a 200: the SDK closed the request body once the answer's
// headers were in, the Transport's writeLoop, still finishing the request
// write, then drained the closed body through its WriteTo, got io.EOF, failed
// the write ("EOF", though every byte was sent) and closed the connection
// under the answer. awsorg's TestRequestWriteOutlivesTheSDKClosingTheBody
// forces that interleaving in milliseconds and is the regression test;
// this one stays as the check under real load, and how often it hits the
// window depends on that load (the writeLoop must be descheduled between
// sending the body and draining it): at a load average of 2–4 it ran three
// clean minutes (~6,000–12,000 calls each) even without the guard. Each
// failed request write, and the close under a failed call, is reported.
// It is opt-in (a minute of CPU): ALTCONTACTS_STRESS_KEEPALIVE=1.
func TestKeepAliveStress(t *testing.T) {
	if os.Getenv("ALTCONTACTS_STRESS_KEEPALIVE") != "1" {
		t.Skip("a minute of CPU; set ALTCONTACTS_STRESS_KEEPALIVE=1")
	}
	em := emulator.New(emulator.WithoutThrottling())
	srv := httptest.NewServer(em.Handler())
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err != nil && ctx.Err() == nil {
			t.Errorf("request write failed: %v", i.Err)
		}
	}})
	var closers sync.Map // local address → stack of the Close
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &traceConn{Conn: c, closers: &closers}, nil
	}
	sh := securityhub.NewFromConfig(baseConfig(srv.URL, "sandbox", "sandbox", &http.Client{Transport: tr}))
	var calls atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				calls.Add(1)
				_, err := sh.GetFindings(ctx, &securityhub.GetFindingsInput{Filters: &shtypes.AwsSecurityFindingFilters{
					ComplianceSecurityControlId: []shtypes.StringFilter{{Value: aws.String("Account.1"), Comparison: shtypes.StringFilterComparisonEquals}},
					RecordState:                 []shtypes.StringFilter{{Value: aws.String("ACTIVE"), Comparison: shtypes.StringFilterComparisonEquals}},
				}})
				if err != nil && ctx.Err() == nil {
					t.Errorf("call %d: %v", i, err)
					closers.Range(func(k, v any) bool {
						if strings.Contains(err.Error(), k.(string)+"->") {
							t.Logf("%s closed by:\n%s", k, v)
						}
						return true
					})
					return
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d calls", calls.Load())
}

// traceConn records the stack that closes it, and any failed write.
type traceConn struct {
	net.Conn
	closers *sync.Map
}

func (c *traceConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	if err != nil {
		c.closers.Store(c.LocalAddr().String()+" (write: "+err.Error()+")", "")
	}
	return n, err
}

func (c *traceConn) Close() error {
	c.closers.Store(c.LocalAddr().String(), string(debug.Stack()))
	return c.Conn.Close()
}
