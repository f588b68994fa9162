//go:build unix && !darwin

package bench

func rssKiB(v int64) int64 { return v }
