package awsorg_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/emulator"
)

// TestRequestWriteOutlivesTheSDKClosingTheBody forces, with hooks rather
// than load, the interleaving behind the keep-alive flake (see HTTPClient):
// the Transport's writeLoop has sent the GetFindings body and is held
// there; the emulator answers, Do returns, the SDK closes the request body,
// and only when the SDK starts reading the (large) answer does the
// writeLoop go on to its drain of extra body bytes. Without the guard the
// drain fails with io.EOF, the request write with it, and the writeLoop
// closes the connection under the answer: "use of closed network
// connection". With it the write succeeds and the connection stays open.
// TestKeepAliveStress (internal/emulator, opt-in) is the same race left to
// the scheduler.
func TestRequestWriteOutlivesTheSDKClosingTheBody(t *testing.T) {
	t.Parallel()
	e := emulator.New(emulator.WithoutThrottling())
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	// Only bounds a broken hook; the outcome is decided by the channels.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	h := &interleave{
		done:    ctx.Done(),
		release: make(chan struct{}),
		wrote:   make(chan error, 1),
		closed:  make(chan struct{}),
	}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &gateConn{Conn: c, h: h}, nil
	}}
	defer tr.CloseIdleConnections()
	cfg := e.Config()
	cfg.BaseEndpoint = aws.String(srv.URL)
	cfg.HTTPClient = &http.Client{Transport: h.wrap(tr)}
	// One attempt: a retry would hide the lost answer (not the failed write).
	c := awsorg.New(cfg, awsorg.Options{MaxAttempts: 1})

	// The organization's calls open the keep-alive connection that
	// GetFindings then reuses.
	accts, err := c.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(accts))
	for _, a := range accts {
		ids = append(ids, a.ID)
	}
	h.armed.Store(true)
	fs, err := c.Account1FindingsIn(ctx, awsorg.Hub{Generation: awsorg.CSPM}, ids[:min(20, len(ids))], nil)
	if !h.gated.Load() {
		t.Fatal("the request body was not written apart from its headers: the interleaving was not forced, so this test proves nothing")
	}
	if h.writeErr != nil {
		t.Errorf("the request write failed after every byte was sent: %v", h.writeErr)
	}
	if err != nil {
		t.Fatalf("GetFindings: %v", err)
	}
	if len(fs) == 0 {
		t.Error("no findings")
	}
}

// interleave holds the writeLoop after it has sent the request body until
// the SDK reads the answer (it has closed the request body by then), then
// lets it finish before the SDK reads on.
type interleave struct {
	done    <-chan struct{}
	armed   atomic.Bool   // the next request is the one to hold
	holding atomic.Bool   // it is on its way
	gated   atomic.Bool   // its body write was held
	release chan struct{} // the SDK reads the answer
	wrote   chan error    // the held request's write returned
	closed  chan struct{} // a connection was closed
	once    sync.Once
	// writeErr is the held request's write error; read after the call.
	writeErr error
}

func (h *interleave) wait(c <-chan struct{}) {
	select {
	case <-c:
	case <-h.done:
	}
}

func (h *interleave) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		if !h.armed.CompareAndSwap(true, false) {
			return next.RoundTrip(r)
		}
		h.holding.Store(true)
		r = r.WithContext(httptrace.WithClientTrace(r.Context(), &httptrace.ClientTrace{
			WroteRequest: func(i httptrace.WroteRequestInfo) { h.wrote <- i.Err },
		}))
		resp, err := next.RoundTrip(r)
		if err == nil {
			resp.Body = &heldAnswer{ReadCloser: resp.Body, h: h}
		}
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// heldAnswer is the answer's body: its first Read releases the writeLoop
// and waits for the write's outcome (and the close that follows a failed
// one).
type heldAnswer struct {
	io.ReadCloser
	h    *interleave
	once sync.Once
}

func (b *heldAnswer) Read(p []byte) (int, error) {
	b.once.Do(func() {
		close(b.h.release)
		select {
		case b.h.writeErr = <-b.h.wrote:
		case <-b.h.done:
		}
		if b.h.writeErr != nil {
			b.h.wait(b.h.closed)
		}
	})
	return b.ReadCloser.Read(p)
}

// gateConn holds the armed request's body write (the write after its
// headers, which net/http flushes first for a body it cannot tell is in
// memory) once its bytes are on the wire.
type gateConn struct {
	net.Conn
	h *interleave
}

func (c *gateConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	if c.h.holding.Load() && !bytes.HasPrefix(b, []byte("POST ")) && c.h.gated.CompareAndSwap(false, true) {
		c.h.wait(c.h.release)
	}
	return n, err
}

func (c *gateConn) Close() error {
	c.h.once.Do(func() { close(c.h.closed) })
	return c.Conn.Close()
}
