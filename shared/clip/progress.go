package clip

import (
	"cmp"
	"slices"
)

// Juror is a member of the jury: ID is the participant id their score
// sheets carry (contest.ParticipantID of their address).
type Juror struct {
	ID    string
	Email string
	Name  string
}

// IncompleteSheet is a juror's score sheet of a clip that lacks some of the
// criteria: the server keeps a partial sheet, and the clip's averages count
// each criterion over the jurors who scored it.
type IncompleteSheet struct {
	ClipID  string   `json:"clipId"`
	Title   string   `json:"title"`
	Missing []string `json:"missing"`
}

// JurorProgress is how far one juror is with the accepted clips.
type JurorProgress struct {
	Email string `json:"email,omitempty"`
	Name  string `json:"name"`
	// Complete: clips scored on every criterion.
	Complete int `json:"complete"`
	// Incomplete: clips scored on some criteria only.
	Incomplete []IncompleteSheet `json:"incomplete"`
	// ToScore: clips without any score from this juror.
	ToScore int `json:"toScore"`
	// Former: scored clips but is no longer on the jury (the scores count).
	Former bool `json:"former,omitempty"`
}

// Progress is each juror's progress over the accepted clips: every juror of
// the list (by name, then e-mail), then anyone else whose sheets count
// (Former). Clips that are not accepted, and criteria no longer configured,
// are left out; a sheet with none of the criteria is no sheet.
func Progress(jurors []Juror, clips []Clip, scores []Scores, criteria []Criterion) []JurorProgress {
	accepted := map[string]Clip{}
	var order []string
	for _, c := range clips {
		if c.Status == Accepted {
			accepted[c.ID] = c
			order = append(order, c.ID)
		}
	}
	slices.Sort(order)
	sheets := map[string]map[string]map[string]int{} // juror → clip → scores
	names := map[string]string{}
	for _, s := range scores {
		if _, ok := accepted[s.ClipID]; !ok {
			continue
		}
		if sheets[s.JurorID] == nil {
			sheets[s.JurorID] = map[string]map[string]int{}
		}
		sheets[s.JurorID][s.ClipID] = s.Scores
		names[s.JurorID] = s.JurorName
	}
	progress := func(id string) JurorProgress {
		p := JurorProgress{Incomplete: []IncompleteSheet{}}
		for _, clipID := range order {
			sheet := sheets[id][clipID]
			var missing []string
			for _, cr := range criteria {
				if _, ok := sheet[cr.ID]; !ok {
					missing = append(missing, cr.ID)
				}
			}
			switch {
			case len(missing) == len(criteria):
				p.ToScore++
			case len(missing) == 0:
				p.Complete++
			default:
				p.Incomplete = append(p.Incomplete, IncompleteSheet{ClipID: clipID, Title: accepted[clipID].Title, Missing: missing})
			}
		}
		return p
	}
	jurors = slices.Clone(jurors)
	slices.SortFunc(jurors, func(a, b Juror) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Email, b.Email)) })
	out := make([]JurorProgress, 0, len(jurors))
	listed := map[string]bool{}
	for _, j := range jurors {
		p := progress(j.ID)
		p.Email, p.Name = j.Email, j.Name
		out = append(out, p)
		listed[j.ID] = true
	}
	var former []string
	for id := range sheets {
		if !listed[id] {
			former = append(former, id)
		}
	}
	slices.SortFunc(former, func(a, b string) int { return cmp.Or(cmp.Compare(names[a], names[b]), cmp.Compare(a, b)) })
	for _, id := range former {
		p := progress(id)
		if p.ToScore == len(order) {
			continue // none of the configured criteria
		}
		p.Name, p.Former = names[id], true
		out = append(out, p)
	}
	return out
}
