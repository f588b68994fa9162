package enforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
)

// The sweep's partial bookkeeping. A batch that fails is retried from the
// same cursor, and the retry finds the accounts the failed attempt wrote
// already right: it would count them neither as changed nor their
// contacts as written. So a failed attempt stores its writes, per
// account, in partial.json beside the inventory, and every later attempt
// adds them back to those accounts' totals.

// partialKey is where the sweep of inventory key inv keeps its failed
// attempts' writes.
func partialKey(inv string) string { return path.Join(path.Dir(inv), "partial.json") }

// loadPartial returns the contacts written per account by failed attempts
// of st's sweep so far; none is an empty map.
func (h *Handler) loadPartial(ctx context.Context, st SweepState) (map[string]int, error) {
	key := partialKey(st.Inventory)
	earlier := map[string]int{}
	raw, err := h.cfg.Store.Get(ctx, key)
	switch {
	case errors.Is(err, ErrNoObject):
		return earlier, nil
	case err != nil:
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	if err := json.Unmarshal(raw, &earlier); err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return earlier, nil
}

// savePartial adds a failed attempt's writes to earlier and stores the
// sum. Not storing it only costs the totals those writes, and the batch is
// failing anyway, so it is logged rather than returned.
func (h *Handler) savePartial(ctx context.Context, st SweepState, earlier, wrote map[string]int) {
	if len(wrote) == 0 {
		return
	}
	for id, n := range wrote {
		earlier[id] += n
	}
	key := partialKey(st.Inventory)
	raw, _ := json.Marshal(earlier)
	if err := h.cfg.Store.Put(ctx, key, raw); err != nil {
		h.cfg.Logger.WarnContext(ctx, "sweep: the failed attempt's writes are not stored; the totals will miss them",
			"sweep", st.ID, "key", key, "writes", len(wrote), "error", err.Error())
	}
}
