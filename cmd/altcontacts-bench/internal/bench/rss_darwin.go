package bench

func rssKiB(v int64) int64 { return v / 1024 }
