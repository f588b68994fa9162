package bench

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// s3Store is an in-process S3 on loopback (gofakes3, in memory) with a
// bucket "journal", counting the journal records stored in it.
type s3Store struct {
	URL               string
	srv               *httptest.Server
	intents, outcomes atomic.Int64
}

// startS3 serves S3, adding latency to every request, as a real bucket's
// round trip would.
func startS3(latency time.Duration) (*s3Store, error) {
	backend := s3mem.New()
	if err := backend.CreateBucket("journal"); err != nil {
		return nil, err
	}
	fake := gofakes3.New(backend).Server()
	st := &s3Store{}
	st.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(latency)
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		fake.ServeHTTP(rec, r)
		if r.Method == http.MethodPut && rec.code == http.StatusOK {
			switch {
			case strings.HasSuffix(r.URL.Path, "-intent.json"):
				st.intents.Add(1)
			case strings.Contains(r.URL.Path, "-outcome-"):
				st.outcomes.Add(1)
			}
		}
	}))
	st.URL = st.srv.URL
	return st, nil
}

// Records counts the intents and outcomes stored.
func (s *s3Store) Records() (intents, outcomes int) {
	return int(s.intents.Load()), int(s.outcomes.Load())
}

func (s *s3Store) Close() { s.srv.Close() }

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}
