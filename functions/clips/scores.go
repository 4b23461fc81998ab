package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/sheet"
	"github.com/hoithi/hoithi/shared/token"
)

// MaxScore is the top of every criterion's scale (0 to MaxScore, whole points).
const MaxScore = 10

type scoresRequest struct {
	Scores map[string]float64 `json:"scores"`
}

type scoresResponse struct {
	ClipID    string         `json:"clipId"`
	Scores    map[string]int `json:"scores"`
	UpdatedAt time.Time      `json:"updatedAt"`
}

// putScores: a jury member scores an accepted clip on some or all criteria.
// A juror has one score per criterion and clip: scoring again replaces it.
func (h *Handler) putScores(w http.ResponseWriter, r *http.Request) {
	claims, err := h.authorize(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if !claims.Has(contest.RoleJury) {
		httpapi.WriteError(w, r, h.log, fault.Forbidden("jury_only", "Chỉ thành viên Ban Giám khảo được chấm điểm video clip."))
		return
	}
	var req scoresRequest
	if err := httpapi.DecodeJSON(w, r, &req, 0); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	scores, err := h.validScores(req.Scores)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	ctx := r.Context()
	id := r.PathValue("clipId")
	if _, ok := clipUnit(id); !ok {
		httpapi.WriteError(w, r, h.log, fault.NotFound("clip_not_found", "Không tìm thấy video clip."))
		return
	}
	c, err := h.store.GetClip(ctx, claims.Contest, id, false)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if c.Status != clip.Accepted {
		httpapi.WriteError(w, r, h.log, fault.Conflict("clip_not_accepted", "Chỉ chấm điểm video clip đã được chấp nhận."))
		return
	}
	got, err := h.store.PutClipScores(ctx, claims.Contest, c.ID, claims.ParticipantID(), claims.Name, scores, h.now())
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, scoresResponse{ClipID: c.ID, Scores: got.Scores, UpdatedAt: got.UpdatedAt.In(contest.ICT)})
}

func (h *Handler) validScores(in map[string]float64) (map[string]int, error) {
	if len(in) == 0 {
		return nil, fault.Invalid("scores_required", "Cần ít nhất một điểm theo tiêu chí.")
	}
	out := map[string]int{}
	for id, v := range in {
		if !slices.ContainsFunc(h.settings.Criteria, func(c clip.Criterion) bool { return c.ID == id }) {
			return nil, fault.Invalid("unknown_criterion", fmt.Sprintf("Không có tiêu chí chấm %q.", id))
		}
		if v != math.Trunc(v) || v < 0 || v > MaxScore {
			return nil, fault.Invalid("score_out_of_range", fmt.Sprintf("Điểm tiêu chí %q phải là số nguyên từ 0 đến %d.", id, MaxScore))
		}
		out[id] = int(v)
	}
	return out, nil
}

// clipSummary is the jury's scores of one clip.
type clipSummary struct {
	jurors  int
	sums    map[string]int
	counts  map[string]int
	byJuror map[string]map[string]int
}

// averages are each criterion's mean over the jurors who scored it, to two
// decimals.
func (s clipSummary) averages(criteria []clip.Criterion) map[string]float64 {
	out := map[string]float64{}
	for _, c := range criteria {
		if s.counts[c.ID] > 0 {
			out[c.ID] = round2(float64(s.sums[c.ID]) / float64(s.counts[c.ID]))
		}
	}
	return out
}

// total is the sum of the criteria's averages (unrounded).
func (s clipSummary) total(criteria []clip.Criterion) float64 {
	t := 0.0
	for _, c := range criteria {
		if s.counts[c.ID] > 0 {
			t += float64(s.sums[c.ID]) / float64(s.counts[c.ID])
		}
	}
	return t
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// summarize groups the jury's scores by clip (criteria no longer configured
// are left out).
func summarize(scores []clip.Scores, criteria []clip.Criterion) map[string]clipSummary {
	out := map[string]clipSummary{}
	for _, sc := range scores {
		s, ok := out[sc.ClipID]
		if !ok {
			s = clipSummary{sums: map[string]int{}, counts: map[string]int{}, byJuror: map[string]map[string]int{}}
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
			s.jurors++
		}
		s.byJuror[sc.JurorID] = sc.Scores
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
	Contest     string           `json:"contest"`
	Criteria    []clip.Criterion `json:"criteria"`
	MaxScore    int              `json:"maxScore"`
	Blocks      []BlockRanking   `json:"blocks"`
	GeneratedAt time.Time        `json:"generatedAt"`
}

var blockOrder = []string{string(contest.BlockAgency), string(contest.BlockService), string(contest.BlockCommune)}

// rank orders accepted clips per block.
func rank(contestID string, clips []clip.Clip, scores []clip.Scores, criteria []clip.Criterion, at time.Time) Ranking {
	summary := summarize(scores, criteria)
	byBlock := map[string][]RankedClip{}
	totals := map[string]float64{}
	for _, c := range clips {
		if c.Status != clip.Accepted {
			continue
		}
		s := summary[c.ID]
		totals[c.ID] = s.total(criteria)
		byBlock[c.Block] = append(byBlock[c.Block], RankedClip{
			ClipID: c.ID, Title: c.Title, Genre: c.Genre, UnitID: c.UnitID, UnitName: c.UnitName,
			Averages: s.averages(criteria), Total: round2(totals[c.ID]), Jurors: s.jurors,
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

func (h *Handler) buildRanking(ctx context.Context, contestID string) (Ranking, error) {
	clips, err := h.store.ListClips(ctx, contestID, "", clip.Accepted)
	if err != nil {
		return Ranking{}, err
	}
	scores, err := h.store.ListClipScores(ctx, contestID)
	if err != nil {
		return Ranking{}, err
	}
	return rank(contestID, clips, scores, h.settings.Criteria, h.now()), nil
}

func (h *Handler) juryOrOrganiser(r *http.Request) (*token.Claims, error) {
	claims, err := h.authorize(r)
	if err != nil {
		return nil, err
	}
	if !claims.Has(contest.RoleOrganiser) && !claims.Has(contest.RoleJury) {
		return nil, fault.Forbidden("not_allowed", "Chỉ Ban Tổ chức và Ban Giám khảo được xem bảng xếp hạng video clip.")
	}
	return claims, nil
}

// ranking: organisers and the jury see the clip ranking as it stands.
func (h *Handler) ranking(w http.ResponseWriter, r *http.Request) {
	claims, err := h.juryOrOrganiser(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	res, err := h.buildRanking(r.Context(), claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
}

// RankingPrefix is where the published clip ranking goes, beside the weekly
// results the site serves.
func RankingPrefix(contestID string) string {
	return platform.PrefixResults + contestID + "/clips/"
}

type publishResponse struct {
	Prefix  string   `json:"prefix"`
	Files   []string `json:"files"`
	Ranking Ranking  `json:"ranking"`
}

// publishRanking: an organiser publishes the clip ranking with the contest's
// results (ranking.json and ranking.csv under results/<contest>/clips/).
func (h *Handler) publishRanking(w http.ResponseWriter, r *http.Request) {
	claims, err := h.authorize(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if !claims.Has(contest.RoleOrganiser) {
		httpapi.WriteError(w, r, h.log, fault.Forbidden("organiser_only", "Chỉ Ban Tổ chức được công bố kết quả."))
		return
	}
	ctx := r.Context()
	res, err := h.buildRanking(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	files := map[string][]byte{"ranking.json": append(data, '\n'), "ranking.csv": rankingCSV(res)}
	contentTypes := map[string]string{"ranking.json": "application/json; charset=utf-8", "ranking.csv": "text/csv; charset=utf-8"}
	prefix := RankingPrefix(claims.Contest)
	out := publishResponse{Prefix: prefix, Ranking: res}
	for _, name := range []string{"ranking.json", "ranking.csv"} {
		_, err := h.objects.PutObject(ctx, &s3.PutObjectInput{
			Bucket: &h.settings.Bucket, Key: ptr(prefix + name), Body: bytes.NewReader(files[name]),
			ContentType: ptr(contentTypes[name]), CacheControl: ptr("no-cache"),
		})
		if err != nil {
			httpapi.WriteError(w, r, h.log, fmt.Errorf("publish %s: %w", name, err))
			return
		}
		out.Files = append(out.Files, name)
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

// rankingCSV is the ranking as a spreadsheet (UTF-8 with a BOM for Excel).
// Titles, unit names, criterion names and blocks are people's text: they go
// through sheet.Text, so none opens as a formula.
func rankingCSV(r Ranking) []byte {
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
