package tally

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/hoithi/hoithi/shared/contest"
)

// UnitToDate is a unit's record over the contest's closed rounds so far:
// collective prizes go by these averages.
type UnitToDate struct {
	UnitID       string        `json:"unitId"`
	Name         string        `json:"name"`
	Block        contest.Block `json:"block"`
	Headcount    int           `json:"headcount"`
	Rounds       int           `json:"rounds"`
	Participants int           `json:"participants"`
	Papers       int           `json:"papers"`
	AllCorrect   int           `json:"allCorrect"`
	AverageRate  float64       `json:"averageRate"`
	AverageScore float64       `json:"averageScore"`
	RankInBlock  int           `json:"rankInBlock"`
}

// ToDate is the contest-to-date table.
type ToDate struct {
	Contest string       `json:"contest"`
	Rounds  []string     `json:"rounds"`
	Units   []UnitToDate `json:"units"`
}

// ContestToDate combines closed rounds' unit figures: participants, papers
// and all-correct papers add up; the rate is the mean of the weekly rates
// (every round counts, a week without participants as 0); the score is the
// mean over the weeks the unit took part. The headcount is the latest round's.
// Units rank within their block by average rate, then average score.
func ContestToDate(contestID string, rounds []Result) ToDate {
	out := ToDate{Contest: contestID, Rounds: []string{}, Units: []UnitToDate{}}
	byUnit := map[string]*UnitToDate{}
	scoreSum := map[string]float64{}
	scored := map[string]int{}
	var order []string
	for _, r := range rounds {
		out.Rounds = append(out.Rounds, r.Round.ID)
		for _, u := range r.Units {
			t, ok := byUnit[u.UnitID]
			if !ok {
				t = &UnitToDate{UnitID: u.UnitID}
				byUnit[u.UnitID] = t
				order = append(order, u.UnitID)
			}
			t.Name, t.Block, t.Headcount = u.Name, u.Block, u.Headcount
			t.Rounds++
			t.Participants += u.Participants
			t.Papers += u.Papers
			t.AllCorrect += u.AllCorrect
			t.AverageRate += u.Rate
			if u.Participants > 0 {
				scoreSum[u.UnitID] += u.AverageScore
				scored[u.UnitID]++
			}
		}
	}
	for _, id := range order {
		t := byUnit[id]
		t.AverageRate = round4(t.AverageRate / float64(t.Rounds))
		if scored[id] > 0 {
			t.AverageScore = round4(scoreSum[id] / float64(scored[id]))
		}
		out.Units = append(out.Units, *t)
	}
	blockOrder := map[contest.Block]int{contest.BlockAgency: 0, contest.BlockService: 1, contest.BlockCommune: 2}
	slices.SortFunc(out.Units, func(a, b UnitToDate) int {
		return cmp.Or(cmp.Compare(blockOrder[a.Block], blockOrder[b.Block]), cmp.Compare(string(a.Block), string(b.Block)),
			cmp.Compare(b.AverageRate, a.AverageRate), cmp.Compare(b.AverageScore, a.AverageScore), cmp.Compare(a.UnitID, b.UnitID))
	})
	first := 0
	for i := range out.Units {
		u := &out.Units[i]
		switch {
		case i == 0 || out.Units[i-1].Block != u.Block:
			first, u.RankInBlock = i, 1
		case out.Units[i-1].AverageRate == u.AverageRate && out.Units[i-1].AverageScore == u.AverageScore:
			u.RankInBlock = out.Units[i-1].RankInBlock
		default:
			u.RankInBlock = i - first + 1
		}
	}
	return out
}

// ToDateArtefacts renders results.json, units.csv and manifest.json of the
// contest-to-date table.
func ToDateArtefacts(t ToDate) ([]Artefact, error) {
	var out []Artefact
	add := func(name, ctype string, data []byte) {
		sum := sha256.Sum256(data)
		out = append(out, Artefact{Name: name, ContentType: ctype, Bytes: len(data), SHA256: hex.EncodeToString(sum[:]), Data: data})
	}
	js, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return nil, err
	}
	add("results.json", "application/json", append(js, '\n'))
	rows := [][]string{{"Khối", "Hạng trong khối", "Đơn vị", "Số CBCCVC", "Số tuần", "Tổng lượt dự thi", "Tổng số bài thi", "Tỷ lệ tham gia bình quân (%)", "Điểm trung bình (thang 10)", "Số bài đúng hoàn toàn"}}
	for _, u := range t.Units {
		rows = append(rows, []string{BlockName(u.Block), strconv.Itoa(u.RankInBlock), u.Name, strconv.Itoa(u.Headcount), strconv.Itoa(u.Rounds),
			strconv.Itoa(u.Participants), strconv.Itoa(u.Papers), pct(u.AverageRate), strconv.FormatFloat(u.AverageScore, 'f', 2, 64), strconv.Itoa(u.AllCorrect)})
	}
	add("units.csv", "text/csv; charset=utf-8", writeCSV(rows))
	manifest := struct {
		Contest   string     `json:"contest"`
		Rounds    []string   `json:"rounds"`
		Artefacts []Artefact `json:"artefacts"`
	}{t.Contest, t.Rounds, slices.Clone(out)}
	mj, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return nil, err
	}
	add("manifest.json", "application/json", append(mj, '\n'))
	return out, nil
}
