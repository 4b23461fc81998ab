package clip

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/sheet"
)

// MinScore and MaxScore bound every criterion's scale (whole points).
const (
	MinScore = 0
	MaxScore = 10
)

// ScoreRange is the scale of every criterion, as the API shows it.
type ScoreRange struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// Scale is the criteria's scale.
var Scale = ScoreRange{Min: MinScore, Max: MaxScore}

// ValidScores checks a juror's scores of a clip: at least one, each for a
// configured criterion, a whole number on the scale.
// Errors: fault.Invalid "scores_required", "unknown_criterion", "score_out_of_range".
func ValidScores(criteria []Criterion, in map[string]float64) (map[string]int, error) {
	if len(in) == 0 {
		return nil, fault.Invalid("scores_required", "Cần ít nhất một điểm theo tiêu chí.")
	}
	out := map[string]int{}
	for id, v := range in {
		if !slices.ContainsFunc(criteria, func(c Criterion) bool { return c.ID == id }) {
			return nil, fault.Invalid("unknown_criterion", fmt.Sprintf("Không có tiêu chí chấm %q.", id))
		}
		if v != math.Trunc(v) || v < MinScore || v > MaxScore {
			return nil, fault.Invalid("score_out_of_range", fmt.Sprintf("Điểm tiêu chí %q phải là số nguyên từ %d đến %d.", id, MinScore, MaxScore))
		}
		out[id] = int(v)
	}
	return out, nil
}

// MayBeScored reports whether the jury may score the clip: only accepted
// clips are scored. Errors: ErrNotScorable.
func (c Clip) MayBeScored() error {
	if c.Status != Accepted {
		return ErrNotScorable()
	}
	return nil
}

// ErrNotScorable is a clip that the jury may not score (not accepted).
func ErrNotScorable() error {
	return fault.Conflict("clip_not_accepted", "Chỉ chấm điểm video clip đã được chấp nhận.")
}

// Summary is the jury's scores of one clip.
type Summary struct {
	Jurors  int
	sums    map[string]int
	counts  map[string]int
	ByJuror map[string]map[string]int
}

// Averages are each criterion's mean over the jurors who scored it, to two
// decimals.
func (s Summary) Averages(criteria []Criterion) map[string]float64 {
	out := map[string]float64{}
	for _, c := range criteria {
		if s.counts[c.ID] > 0 {
			out[c.ID] = round2(float64(s.sums[c.ID]) / float64(s.counts[c.ID]))
		}
	}
	return out
}

// total is the sum of the criteria's averages (unrounded).
func (s Summary) total(criteria []Criterion) float64 {
	t := 0.0
	for _, c := range criteria {
		if s.counts[c.ID] > 0 {
			t += float64(s.sums[c.ID]) / float64(s.counts[c.ID])
		}
	}
	return t
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// Summarize groups the jury's scores by clip (criteria no longer configured
// are left out).
func Summarize(scores []Scores, criteria []Criterion) map[string]Summary {
	out := map[string]Summary{}
	for _, sc := range scores {
		s, ok := out[sc.ClipID]
		if !ok {
			s = Summary{sums: map[string]int{}, counts: map[string]int{}, ByJuror: map[string]map[string]int{}}
		}
		counted := false
		for _, c := range criteria {
			if v, ok := sc.Scores[c.ID]; ok {
				s.sums[c.ID] += v
				s.counts[c.ID]++
				counted = true
			}
		}
		if counted {
			s.Jurors++
		}
		s.ByJuror[sc.JurorID] = sc.Scores
		out[sc.ClipID] = s
	}
	return out
}

// RankedClip is an accepted clip's place in its block.
type RankedClip struct {
	Rank     int                `json:"rank"`
	ClipID   string             `json:"clipId"`
	Title    string             `json:"title"`
	Genre    string             `json:"genre"`
	UnitID   string             `json:"unitId"`
	UnitName string             `json:"unitName"`
	Averages map[string]float64 `json:"averages"`
	Total    float64            `json:"total"`
	Jurors   int                `json:"jurors"`
}

// BlockRanking ranks one block's accepted clips.
type BlockRanking struct {
	Block string       `json:"block"`
	Clips []RankedClip `json:"clips"`
}

// Ranking is the clip contest's ranking: per block, by the sum of the
// criteria's averages; equal totals share a place.
type Ranking struct {
	Contest     string         `json:"contest"`
	Criteria    []Criterion    `json:"criteria"`
	MaxScore    int            `json:"maxScore"`
	Blocks      []BlockRanking `json:"blocks"`
	GeneratedAt time.Time      `json:"generatedAt"`
}

var blockOrder = []string{string(contest.BlockAgency), string(contest.BlockService), string(contest.BlockCommune)}

// Rank orders accepted clips per block (the known blocks first, others after
// by name), at a time.
func Rank(contestID string, clips []Clip, scores []Scores, criteria []Criterion, at time.Time) Ranking {
	summary := Summarize(scores, criteria)
	byBlock := map[string][]RankedClip{}
	totals := map[string]float64{}
	for _, c := range clips {
		if c.Status != Accepted {
			continue
		}
		s := summary[c.ID]
		totals[c.ID] = s.total(criteria)
		byBlock[c.Block] = append(byBlock[c.Block], RankedClip{
			ClipID: c.ID, Title: c.Title, Genre: c.Genre, UnitID: c.UnitID, UnitName: c.UnitName,
			Averages: s.Averages(criteria), Total: round2(totals[c.ID]), Jurors: s.Jurors,
		})
	}
	blocks := slices.Clone(blockOrder)
	for b := range byBlock {
		if !slices.Contains(blocks, b) {
			blocks = append(blocks, b)
		}
	}
	slices.Sort(blocks[len(blockOrder):])
	// equal compares totals of averages as the rationals they are, to 1e-9.
	key := func(id string) float64 { return math.Round(totals[id] * 1e9) }
	out := Ranking{Contest: contestID, Criteria: criteria, MaxScore: MaxScore, Blocks: []BlockRanking{}, GeneratedAt: at.In(contest.ICT).Truncate(time.Second)}
	for _, b := range blocks {
		list := byBlock[b]
		if len(list) == 0 {
			continue
		}
		slices.SortFunc(list, func(x, y RankedClip) int {
			return cmp.Or(cmp.Compare(key(y.ClipID), key(x.ClipID)), cmp.Compare(x.ClipID, y.ClipID))
		})
		for i := range list {
			list[i].Rank = i + 1
			if i > 0 && key(list[i].ClipID) == key(list[i-1].ClipID) {
				list[i].Rank = list[i-1].Rank
			}
		}
		out.Blocks = append(out.Blocks, BlockRanking{Block: b, Clips: list})
	}
	return out
}

// CSV is the ranking as a spreadsheet (UTF-8 with a BOM for Excel).
// Titles, unit names, criterion names and blocks are people's text: they go
// through sheet.Text, so none opens as a formula.
func (r Ranking) CSV() []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	head := []string{"khoi", "hang", "ma_clip", "tieu_de", "don_vi"}
	for _, c := range r.Criteria {
		head = append(head, sheet.Text(c.Name))
	}
	head = append(head, "tong_diem", "so_giam_khao")
	_ = cw.Write(head)
	for _, blk := range r.Blocks {
		for _, c := range blk.Clips {
			row := []string{sheet.Text(blk.Block), strconv.Itoa(c.Rank), c.ClipID, sheet.Text(c.Title), sheet.Text(c.UnitName)}
			for _, cr := range r.Criteria {
				v, ok := c.Averages[cr.ID]
				if !ok {
					row = append(row, "")
					continue
				}
				row = append(row, strconv.FormatFloat(v, 'f', 2, 64))
			}
			row = append(row, strconv.FormatFloat(c.Total, 'f', 2, 64), strconv.Itoa(c.Jurors))
			_ = cw.Write(row)
		}
	}
	cw.Flush()
	return b.Bytes()
}

// File is one published file of the clip ranking.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// Files are the published clip ranking: ranking.json and ranking.csv, to go
// under RankingPrefix.
func (r Ranking) Files() ([]File, error) {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return []File{
		{Name: "ranking.json", ContentType: "application/json; charset=utf-8", Data: append(data, '\n')},
		{Name: "ranking.csv", ContentType: "text/csv; charset=utf-8", Data: r.CSV()},
	}, nil
}

// AuditLine is the audit log's line for publishing the ranking.
func (r Ranking) AuditLine() string {
	clips := 0
	for _, b := range r.Blocks {
		clips += len(b.Clips)
	}
	return fmt.Sprintf("Công bố bảng xếp hạng video clip: %d clip, %d khối", clips, len(r.Blocks))
}
