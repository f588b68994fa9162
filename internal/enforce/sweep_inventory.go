package enforce

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/altcontacts/altcontacts/internal/awsorg"
	"github.com/altcontacts/altcontacts/internal/inventory"
	"github.com/altcontacts/altcontacts/internal/plan"
)

// The sweep's inventory phase: the organization's accounts, walked once
// and stored for every batch to count its cursor into.

// stored is the stored account list.
type stored struct {
	Schema       string          `json:"schema"`
	ID           string          `json:"id"`
	GeneratedAt  time.Time       `json:"generated_at"`
	Organization string          `json:"organization"`
	Accounts     []storedAccount `json:"accounts"`
}

type storedAccount struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Email  string   `json:"email"`
	State  string   `json:"state"`
	OUPath string   `json:"ou_path"`
	OUIDs  []string `json:"ou_ids,omitempty"`
}

func (e storedAccount) account() awsorg.Account {
	return awsorg.Account{ID: e.ID, Name: e.Name, Email: e.Email, State: e.State, OUPath: e.OUPath, OUIDs: e.OUIDs}
}

// Inventory walks the organization and stores its accounts under
// sweeps/ID/inventory.json. An empty id is made from the time.
func (h *Handler) Inventory(ctx context.Context, id string) (*SweepState, error) {
	log := h.cfg.Logger
	started := h.cfg.Now().UTC()
	if id == "" {
		id = started.Format("20060102T150405.000Z")
	}
	taken, err := inventory.Take(ctx, h.c, h.cfg.Policy, inventory.Options{Types: plan.Types(h.cfg.Policy), NoReads: true})
	if err == nil && taken.Organization != nil {
		// As the single-invocation sweep does: a policy naming an OU or
		// account the organization lacks is refused before any write.
		err = plan.CheckReferences(h.cfg.Policy, taken, true)
	}
	if err != nil {
		log.ErrorContext(ctx, "sweep inventory failed", "sweep", id, "error", err.Error())
		return nil, fmt.Errorf("sweep inventory: %w", err)
	}
	inv := stored{Schema: InventorySchema, ID: id, GeneratedAt: started, Accounts: make([]storedAccount, 0, len(taken.Accounts))}
	if taken.Organization != nil {
		inv.Organization = taken.Organization.ID
	}
	for _, a := range taken.Accounts {
		inv.Accounts = append(inv.Accounts, storedAccount{ID: a.ID, Name: a.Name, Email: a.Email, State: a.State, OUPath: a.OUPath, OUIDs: a.OUIDs})
	}
	// The cursor counts into this list: inventory.Take returns it sorted
	// by id, so every batch sees the same order.
	b, err := json.Marshal(inv)
	if err != nil {
		return nil, err
	}
	key := "sweeps/" + id + "/inventory.json"
	if err := h.cfg.Store.Put(ctx, key, b); err != nil {
		log.ErrorContext(ctx, "sweep inventory not stored", "sweep", id, "key", key, "error", err.Error())
		return nil, fmt.Errorf("sweep inventory: store %s: %w", key, err)
	}
	log.InfoContext(ctx, "sweep inventory", "sweep", id, "mode", h.cfg.Mode, "accounts", len(inv.Accounts), "key", key, "bytes", len(b))
	return &SweepState{ID: id, Mode: h.cfg.Mode, Inventory: key, Total: len(inv.Accounts), Started: started, Done: len(inv.Accounts) == 0}, nil
}

// loadInventory reads the inventory st names and checks that st's cursor
// fits it.
func (h *Handler) loadInventory(ctx context.Context, st SweepState) (*stored, error) {
	raw, err := h.cfg.Store.Get(ctx, st.Inventory)
	if err != nil {
		return nil, fmt.Errorf("inventory %s: %w", st.Inventory, err)
	}
	var inv stored
	if err := json.Unmarshal(raw, &inv); err != nil || inv.Schema != InventorySchema {
		return nil, fmt.Errorf("inventory %s is not a sweep inventory", st.Inventory)
	}
	if len(inv.Accounts) != st.Total || st.Cursor < 0 || st.Cursor > st.Total {
		return nil, fmt.Errorf("state does not fit inventory %s: cursor %d, total %d, inventory %d", st.Inventory, st.Cursor, st.Total, len(inv.Accounts))
	}
	return &inv, nil
}
