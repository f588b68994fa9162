// Package s3test runs an in-process S3 for tests and the bench harness:
// gofakes3's in-memory store on a loopback port, with hooks to fail chosen
// requests and to slow every one, so the journal is tested through the
// real SDK over HTTP, as against AWS.
package s3test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/altcontacts/altcontacts/internal/clock"
)

// Server is a running in-process S3.
type Server struct {
	URL     string
	backend *s3mem.Backend
	mu      sync.Mutex
	fail    func(r *http.Request) int
	after   func(r *http.Request)
	latency time.Duration
	sleep   func(context.Context, time.Duration) error
	srv     *httptest.Server
}

// Start serves S3 on loopback until the test ends, with buckets created.
func Start(t testing.TB, buckets ...string) *Server {
	t.Helper()
	s, err := New(buckets...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// New serves S3 on loopback, with buckets created, until Close.
func New(buckets ...string) (*Server, error) {
	s := &Server{backend: s3mem.New(), sleep: clock.Sleep}
	for _, b := range buckets {
		if err := s.backend.CreateBucket(b); err != nil {
			return nil, fmt.Errorf("s3test: create bucket %s: %w", b, err)
		}
	}
	fake := gofakes3.New(s.backend).Server()
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		fail, after, latency, sleep := s.fail, s.after, s.latency, s.sleep
		s.mu.Unlock()
		if latency > 0 {
			if err := sleep(r.Context(), latency); err != nil {
				return // the client is gone
			}
		}
		if fail != nil {
			if code := fail(r); code != 0 {
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(code)
				errCode := "InternalError"
				if code == http.StatusForbidden {
					errCode = "AccessDenied"
				}
				w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + errCode + `</Code><Message>injected by s3test</Message></Error>`))
				return
			}
		}
		if after == nil || r.Method != http.MethodPut {
			fake.ServeHTTP(w, r)
			return
		}
		// The object is stored before the hook runs, and the client hears
		// back only after it: a hook that kills the client leaves a record
		// whose acknowledgement never arrived.
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		after(r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	s.URL = s.srv.URL
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// SetLatency adds d to every request, as a real bucket's round trip would.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetSleep replaces the wall-clock wait of SetLatency with sleep, which
// gets the request's context; an error drops the request unanswered.
// Tests pass a fake, so latency costs no wall time.
func (s *Server) SetSleep(sleep func(ctx context.Context, d time.Duration) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sleep = sleep
}

// FailWhen makes every request for which fn returns a status fail with
// it (0 passes the request on). nil stops failing.
func (s *Server) FailWhen(fn func(r *http.Request) int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = fn
}

// AfterPut runs fn after each PUT is stored and before it is answered.
func (s *Server) AfterPut(fn func(r *http.Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.after = fn
}

// FailPutsUnder fails every PUT of a key under prefix (in bucket) with
// status.
func (s *Server) FailPutsUnder(bucket, prefix string, status int) {
	s.FailWhen(func(r *http.Request) int {
		if r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/"+bucket+"/"+prefix) {
			return status
		}
		return 0
	})
}

// Config is an aws.Config that reaches this server (path-style, as
// S3-compatible stores are addressed).
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDS3TEST", "s3test-secret", ""),
		BaseEndpoint: aws.String(s.URL),
		HTTPClient:   &http.Client{},
	}
}

// Objects returns every key in bucket with its bytes.
func (s *Server) Objects(t testing.TB, bucket string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	res, err := s.backend.ListBucket(bucket, &gofakes3.Prefix{}, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatalf("s3test: list %s: %v", bucket, err)
	}
	for _, o := range res.Contents {
		obj, err := s.backend.GetObject(bucket, o.Key, nil)
		if err != nil {
			t.Fatalf("s3test: get %s: %v", o.Key, err)
		}
		b, err := io.ReadAll(obj.Contents)
		if err != nil {
			t.Fatalf("s3test: read %s: %v", o.Key, err)
		}
		obj.Contents.Close()
		out[o.Key] = b
	}
	return out
}
