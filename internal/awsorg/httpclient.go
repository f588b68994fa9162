package awsorg

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// HTTPClient returns c (a plain http.Client when nil) as every SDK client
// built here uses it: request bodies reach net/http without a WriteTo
// method. Code that builds its own aws.Config over TCP (the emulator's
// comparison with moto) wraps its client with it too.
//
// Why: smithy-go's Request.Build wraps the request body in a safeReadCloser
// whose WriteTo returns io.EOF once it is closed, and ClientHandler.Handle
// closes that body as soon as Do returns, that is when the response headers
// are in, while the Transport's writeLoop may still be in the request
// write. net/http's transferWriter.writeBody, after sending ContentLength
// bytes, drains the body into io.Discard to catch extra bytes; io.Copy
// takes the WriterTo path, so when the server answered before the writeLoop
// got there, the drain returns io.EOF, the request write fails with "EOF"
// although every byte was sent, and persistConn.writeLoop closes the
// connection under the response still being read: "read tcp ...: use of
// closed network connection" on a 200, only on keep-alive connections and
// under load. Read on the closed body reports a plain end of body, which is
// what the drain expects, so hiding WriteTo is enough; it costs nothing,
// since the body proper is copied through an io.LimitReader (no WriteTo)
// anyway.
func HTTPClient(c aws.HTTPClient) aws.HTTPClient {
	switch c.(type) {
	case nil:
		c = &http.Client{}
	case bodyGuard:
		return c
	}
	return bodyGuard{next: c}
}

// bodyGuard hides the request body's WriteTo from the client it wraps.
type bodyGuard struct{ next aws.HTTPClient }

func (g bodyGuard) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return g.next.Do(r)
	}
	// A shallow copy: the SDK keeps its request, and closes its body.
	r2 := r.WithContext(r.Context())
	r2.Body = readOnlyBody{r.Body}
	return g.next.Do(r2)
}

// readOnlyBody has the body's Read and Close, and nothing else.
type readOnlyBody struct{ io.ReadCloser }
