package enforce

// Partial bookkeeping: a failed batch attempt may have written contacts
// before it failed. Its retry finds those accounts right and would not
// count them as changed, so the failed attempt's writes are stored next
// to the inventory (partial.json) and added back when the retry passes
// those accounts.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
)

// partialKey is where the writes of st's failed attempts are stored.
func partialKey(st SweepState) string {
	return path.Join(path.Dir(st.Inventory), "partial.json")
}

// loadPartial returns the contacts written per account by failed
// attempts of earlier batches; none stored is an empty map.
func (h *Handler) loadPartial(ctx context.Context, st SweepState) (map[string]int, error) {
	key := partialKey(st)
	earlier := map[string]int{}
	if raw, err := h.cfg.Store.Get(ctx, key); err == nil {
		if err := json.Unmarshal(raw, &earlier); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
	} else if !errors.Is(err, ErrNoObject) {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return earlier, nil
}

// savePartial adds a failed attempt's writes to earlier and stores the
// sum. Not storing them only makes the totals miss them, which is no
// reason to fail differently, so it is logged, not returned.
func (h *Handler) savePartial(ctx context.Context, st SweepState, earlier, wrote map[string]int) {
	if len(wrote) == 0 {
		return
	}
	for id, n := range wrote {
		earlier[id] += n
	}
	key := partialKey(st)
	raw, _ := json.Marshal(earlier)
	if err := h.cfg.Store.Put(ctx, key, raw); err != nil {
		h.cfg.Logger.WarnContext(ctx, "sweep: the failed attempt's writes are not stored; the totals will miss them",
			"sweep", st.ID, "key", key, "writes", len(wrote), "error", err.Error())
	}
}
