package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/altcontacts/altcontacts/internal/awsorg"
)

func TestJournalHintsNameAMissingBucket(t *testing.T) {
	err := fmt.Errorf("append: %w", &awsorg.APIError{Op: "put s3://b/k", Code: "NoSuchBucket", Kind: awsorg.ErrNotFound, Detail: awsorg.ErrNoSuchBucket})
	if h := journalHints(err); len(h) != 1 || !strings.Contains(h[0], "bucket does not exist") {
		t.Errorf("hints = %q", h)
	}
	if h := journalHints(&awsorg.APIError{Code: "NoSuchKey", Kind: awsorg.ErrNotFound}); len(h) != 0 {
		t.Errorf("a missing key got hints %q", h)
	}
}
