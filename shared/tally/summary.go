package tally

// LeadersShown is how many entries from the top of the ranking a Summary
// carries: what the organiser's console shows before the published pages.
const LeadersShown = 10

// Summary is a tally as the organiser's on-demand call answers it: the
// published Result's figures, prizes and units, with the top of the ranking
// (Leaders) instead of the whole of it (a national round's would pass the
// response's size limit; the published ranking pages hold it).
type Summary struct {
	Result
	// Ranking hides the Result's whole ranking: a summary never has it.
	Ranking *struct{} `json:"ranking,omitempty"`
	// Leaders is the top of the ranking (at most LeadersShown entries).
	Leaders []PublicEntry `json:"leaders"`
}

// Summarize is res's summary with leaders, the top of its ranking (at most
// LeadersShown are kept).
func Summarize(res Result, leaders []PublicEntry) Summary {
	leaders = leaders[:min(len(leaders), LeadersShown)]
	if leaders == nil {
		leaders = []PublicEntry{}
	}
	res.Ranking = nil
	return Summary{Result: res, Leaders: leaders}
}
