package maildomain

import (
	"context"
	"net/http"
	"time"
)

// ExpiryForTest runs the registration lookup alone, for domains the test
// DNS server does not serve.
func ExpiryForTest(ctx context.Context, hc *http.Client, bootstrapURL, domain string) error {
	r := &rdapClient{http: hc, bootstrapURL: bootstrapURL, timeout: time.Second}
	_, err := r.expiry(ctx, domain)
	return err
}
