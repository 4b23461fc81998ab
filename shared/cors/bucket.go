package cors

import (
	"slices"

	"github.com/hoithi/hoithi/shared/contest"
)

// BucketOrigins are the origins the data bucket's CORS rule
// (platform.BucketCORS) allows: the deployment's site origin, the deploy's
// bucketOrigins and every contest's own origins (from the registry),
// tidied (contest.NormalizeOrigin), each once, the site first and the rest
// sorted, so that equal sets give equal rules. Origins that do not parse are
// left out (a contest's are checked when its settings are written).
func BucketOrigins(site string, deploy []string, registry []contest.Contest) []string {
	var out, rest []string
	seen := map[string]bool{}
	add := func(o string, to *[]string) {
		if n, ok := contest.NormalizeOrigin(o); ok && !seen[n] {
			seen[n] = true
			*to = append(*to, n)
		}
	}
	add(site, &out)
	for _, o := range deploy {
		add(o, &rest)
	}
	for _, c := range registry {
		for _, o := range c.Origins {
			add(o, &rest)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// OriginsChanged reports whether settings next allow other origins than old
// (order and spelling aside): only then is the bucket's CORS set again.
func OriginsChanged(old, next contest.Contest) bool {
	return !slices.Equal(BucketOrigins("", old.Origins, nil), BucketOrigins("", next.Origins, nil))
}
