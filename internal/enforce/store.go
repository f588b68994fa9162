package enforce

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/altcontacts/altcontacts/internal/atomicfile"
)

// Store keeps the sweep's inventory between phases, which in Lambda are
// separate invocations, perhaps on separate containers: in production an
// S3 bucket (the journal's), in a local run memory or a directory.
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

// DirStore is a Store in a directory: keys are relative paths under it.
type DirStore string

func (d DirStore) path(key string) (string, error) {
	clean := filepath.Clean(filepath.FromSlash(key))
	if key == "" || filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("store key %q is not a relative path", key)
	}
	return filepath.Join(string(d), clean), nil
}

// Put writes data to key atomically (old or new, never half).
func (d DirStore) Put(_ context.Context, key string, data []byte) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	return atomicfile.Write(p, data, 0o600)
}

// Get reads key.
func (d DirStore) Get(_ context.Context, key string) ([]byte, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", key, ErrNoObject)
	}
	return b, err
}
