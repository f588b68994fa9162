package clock_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/altcontacts/altcontacts/internal/clock"
)

func TestSleepEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := clock.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v, want context.Canceled at once", err)
	}
	if err := clock.Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
}

// A Manual clock moves by Advance only, however often it is read.
func TestManualMovesOnlyWhenAdvanced(t *testing.T) {
	start := time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
	c := clock.NewManual(start)
	for i := 0; i < 3; i++ {
		if got := c.Now(); !got.Equal(start) {
			t.Fatalf("read %d: %s, want %s", i, got, start)
		}
	}
	c.Advance(time.Second)
	c.Advance(2 * time.Second)
	if got, want := c.Now(), start.Add(3*time.Second); !got.Equal(want) {
		t.Errorf("after advancing 3 s: %s, want %s", got, want)
	}
}
