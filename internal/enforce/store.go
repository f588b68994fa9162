package enforce

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Store keeps the sweep's inventory between phases, which in Lambda are
// separate invocations, perhaps on separate containers: in production an
// S3 bucket (the journal's, BucketStore), in a local run memory.
type Store interface {
	Put(ctx context.Context, key string, data []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
}

// ErrNoObject is a key the store does not hold.
var ErrNoObject = errors.New("no such object")

// MemStore is a Store in memory, for one process: `altcontacts enforce
// --budget` and tests.
type MemStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{m: map[string][]byte{}} }

// Put stores a copy of data under key.
func (s *MemStore) Put(_ context.Context, key string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = append([]byte(nil), data...)
	return nil
}

// Get returns what key holds.
func (s *MemStore) Get(_ context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[key]
	if !ok {
		return nil, fmt.Errorf("%s: %w", key, ErrNoObject)
	}
	return append([]byte(nil), b...), nil
}
