//go:build unix

package bench

import (
	"os"
	"syscall"
)

// maxRSS is the process's peak resident set in KiB (Linux reports
// ru_maxrss in KiB; macOS in bytes, converted here).
func maxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0
	}
	return rssKiB(int64(ru.Maxrss))
}
