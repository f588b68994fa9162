package enforce

import (
	"context"
	"log/slog"
	"time"
)

// The sweep's summary phase: one log line that is also the sweep's
// CloudWatch metrics (embedded metric format).

// Summarize logs the sweep's one summary line, which is also its
// CloudWatch metrics in embedded metric format, and returns it.
func (h *Handler) Summarize(ctx context.Context, st SweepState) *Summary {
	now := h.cfg.Now()
	s := &Summary{ID: st.ID, Mode: st.Mode, Accounts: st.Total, Totals: st.Totals, Batches: st.Batches,
		DurationSeconds: now.Sub(st.Started).Round(time.Millisecond).Seconds()}
	if s.Mode == "" {
		s.Mode = h.cfg.Mode
	}
	level := slog.LevelInfo
	if s.Failed > 0 || st.Cursor < st.Total {
		level = slog.LevelError
	}
	h.cfg.Logger.Log(ctx, level, "sweep summary", EMF(s, now)...)
	return s
}

// metric is one EMF metric: its name, unit and value.
type metric struct {
	name, unit string
	value      float64
}

func (s *Summary) metrics() []metric {
	return []metric{
		{"AccountsChecked", "Count", float64(s.Checked)},
		{"AccountsChanged", "Count", float64(s.Changed)},
		{"AccountsFailed", "Count", float64(s.Failed)},
		{"AccountsSkipped", "Count", float64(s.Skipped)},
		{"ContactsWritten", "Count", float64(s.Writes)},
		{"Batches", "Count", float64(s.Batches)},
		{"SweepDuration", "Seconds", s.DurationSeconds},
	}
}

// EMF is the summary as slog attributes that make the JSON log line a
// CloudWatch embedded-metric-format document: an "_aws" member declaring
// the metrics, and each metric and dimension as a top-level member.
// CloudWatch Logs turns the line into metrics in namespace altcontacts,
// dimension Mode, without any PutMetricData call.
func EMF(s *Summary, now time.Time) []any {
	ms := s.metrics()
	decl := make([]map[string]string, len(ms))
	attrs := []any{
		"_aws", map[string]any{
			"Timestamp": now.UnixMilli(),
			"CloudWatchMetrics": []map[string]any{{
				"Namespace":  MetricsNamespace,
				"Dimensions": [][]string{{"Mode"}},
				"Metrics":    decl,
			}},
		},
		"Mode", s.Mode, "sweep", s.ID, "accounts", s.Accounts,
	}
	for i, m := range ms {
		decl[i] = map[string]string{"Name": m.name, "Unit": m.unit}
		attrs = append(attrs, m.name, m.value)
	}
	return attrs
}
