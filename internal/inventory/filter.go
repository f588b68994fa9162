package inventory

import (
	"fmt"
	"slices"
	"strings"
)

// FilterError is an --ou or --accounts value that names nothing in the
// organization: a typo that would otherwise select nothing and pass.
type FilterError struct {
	// Flag is "--ou" or "--accounts".
	Flag  string
	Value string
	// Nearest is the OU path closest to an --ou value, "" if none is close.
	Nearest string
}

func (e *FilterError) Error() string {
	if e.Flag == "--accounts" {
		return fmt.Sprintf("--accounts %s: no such account in the organization", e.Value)
	}
	return fmt.Sprintf("--ou %s: no such OU in the organization", e.Value)
}

// checkFilters finds the first filter value that names nothing the walk
// met: ous maps the ids of every root and OU met to their paths, walked
// holds every account id met.
func checkFilters(o Options, ous map[string]string, walked map[string]bool) error {
	for _, id := range o.Accounts {
		if !walked[id] {
			return &FilterError{Flag: "--accounts", Value: id}
		}
	}
	paths := make([]string, 0, len(ous))
	for _, p := range ous {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, v := range o.OUs {
		ou := strings.TrimSuffix(v, "/")
		if _, ok := ous[ou]; ok || slices.Contains(paths, ou) {
			continue
		}
		return &FilterError{Flag: "--ou", Value: v, Nearest: nearest(ou, paths)}
	}
	return nil
}

// nearest is the path closest to s by edit distance (case-insensitive), if
// it is close enough to be the one meant: at most a third of s's length.
func nearest(s string, paths []string) string {
	best, bestD := "", -1
	for _, p := range paths {
		d := distance(strings.ToLower(s), strings.ToLower(p))
		if bestD < 0 || d < bestD {
			best, bestD = p, d
		}
	}
	if bestD < 0 || bestD > max(2, len(s)/3) {
		return ""
	}
	return best
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// emptySelection says so when the filters select accounts but none ACTIVE,
// or none at all, "" otherwise.
func emptySelection(o Options, accounts []Account) string {
	for _, a := range accounts {
		if a.State == "ACTIVE" {
			return ""
		}
	}
	var f []string
	if len(o.OUs) > 0 {
		f = append(f, "--ou "+strings.Join(o.OUs, ","))
	}
	if len(o.Accounts) > 0 {
		f = append(f, "--accounts "+strings.Join(o.Accounts, ","))
	}
	return fmt.Sprintf("%s selects %d account(s), none of them ACTIVE", strings.Join(f, " "), len(accounts))
}
