package tally

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/sheet"
	"github.com/hoithi/hoithi/shared/xlsx"
)

// RoundInfo names the round a result is for.
type RoundInfo struct {
	ID       string           `json:"id"`
	Title    string           `json:"title"`
	Audience contest.Audience `json:"audience"`
	OpensAt  time.Time        `json:"opensAt"`
	ClosesAt time.Time        `json:"closesAt"`
}

// PublicEntry is a ranking line as published: name and unit, never an e-mail
// or an id that could be linked to one.
type PublicEntry struct {
	Rank        int       `json:"rank"`
	Name        string    `json:"name"`
	Unit        string    `json:"unit"`
	UnitID      string    `json:"unitId,omitempty"` // a unit of the contest's list only
	Correct     int       `json:"correct"`
	Total       int       `json:"total"`
	Prediction  int       `json:"prediction"`
	Distance    int       `json:"distance"`
	TimeTakenMs int64     `json:"timeTakenMs"`
	SubmittedAt time.Time `json:"submittedAt"`
	Prize       string    `json:"prize,omitempty"`
	Excluded    bool      `json:"excluded,omitempty"`
}

// Publication names one publication of a round's results: the audit log's
// entry of it (its id and time), and who published, by role only (the
// organiser's e-mail stays in the audit log, which only organisers read).
type Publication struct {
	ID string    `json:"id"`
	At time.Time `json:"at"`
	// By is who published: "Ban Tổ chức" or the weekly schedule
	// (audit.ScheduleActor).
	By string `json:"by"`
	// Scheduled is whether the weekly schedule published by itself.
	Scheduled bool `json:"scheduled"`
}

// PublishedByOrganisers is a Publication's By for an organiser's.
const PublishedByOrganisers = "Ban Tổ chức"

// Result is a round's tally as published.
type Result struct {
	Contest string    `json:"contest"`
	Round   RoundInfo `json:"round"`
	// Publication is the publication the files come from; a preview has
	// none.
	Publication  *Publication `json:"publication,omitempty"`
	Final        bool         `json:"final"`
	Papers       int          `json:"papers"`
	Participants int          `json:"participants"`
	AllCorrect   int          `json:"allCorrect"`
	// ExcludedPapers is how many papers the organisers excluded from the
	// ranking (and the prizes); they count in Papers, AllCorrect and their
	// units' participation. Reasons are not published.
	ExcludedPapers int                   `json:"excludedPapers"`
	TieBreak       []contest.TieBreakKey `json:"tieBreak"`
	Prizes         []PublicEntry         `json:"prizes"`
	Ranking        []PublicEntry         `json:"ranking"`
	// RankingPages is how many ranking pages of RankingPageSize entries are
	// published besides results.json (RankingPageName).
	RankingPages    int         `json:"rankingPages"`
	RankingPageSize int         `json:"rankingPageSize"`
	Units           []UnitStats `json:"units"`
}

// RankingPageSize is how many entries a published ranking page holds. The
// site reads the ranking a page at a time, so the top of a national round's
// ranking (260,000 entries, about 40 MB as results.json) is one small file.
const RankingPageSize = 1000

// RankingPage is one published page of a round's ranking.
type RankingPage struct {
	Page    int           `json:"page"` // from 1
	Pages   int           `json:"pages"`
	Entries []PublicEntry `json:"entries"`
}

// RankingPageName is the artefact name of ranking page n (from 1).
func RankingPageName(n int) string { return fmt.Sprintf("ranking/%04d.json", n) }

// UnitRanking is a unit's own lines of the ranking (their places in the
// whole ranking), published for each unit with participants.
type UnitRanking struct {
	UnitID  string        `json:"unitId"`
	Entries []PublicEntry `json:"entries"`
}

// UnitRankingName is the artefact name of a unit's lines of the ranking.
func UnitRankingName(unitID string) string { return "ranking/units/" + unitID + ".json" }

// Compute tallies a round from its submitted papers.
func Compute(contestID string, r contest.Round, units []contest.Unit, papers []contest.Submitted, rules Rules, now time.Time) Result {
	return ComputeRanked(contestID, r, units, papers, Ranking(papers, CountAllCorrect(papers), rules), rules, now)
}

// ComputeRanked is Compute for a ranking already made by Ranking (and
// Exclude) from the same papers and rules.
func ComputeRanked(contestID string, r contest.Round, units []contest.Unit, papers []contest.Submitted, ranking []Entry, rules Rules, now time.Time) Result {
	order := rules.Order
	if len(order) == 0 {
		order = contest.DefaultOrder
	}
	all, excluded := CountAllCorrect(papers), 0
	for i := range papers {
		if papers[i].Excluded != "" {
			excluded++
		}
	}
	unitName := map[string]string{}
	for _, u := range units {
		unitName[u.ID] = u.Name
	}
	res := Result{
		Contest: contestID,
		Round:   RoundInfo{ID: r.ID, Title: r.Title, Audience: r.Audience, OpensAt: r.OpensAt.In(contest.ICT), ClosesAt: r.ClosesAt.In(contest.ICT)},
		Final:   r.Status(now) == contest.StatusClosed,
		Papers:  len(papers), Participants: len(ranking), AllCorrect: all, ExcludedPapers: excluded, TieBreak: order,
		Prizes: []PublicEntry{}, Ranking: make([]PublicEntry, len(ranking)),
		RankingPages: (len(ranking) + RankingPageSize - 1) / RankingPageSize, RankingPageSize: RankingPageSize,
		Units: Units(units, ranking, papers),
	}
	for i, e := range ranking {
		pe := Public(e, unitName)
		res.Ranking[i] = pe
		if e.Prize != "" {
			res.Prizes = append(res.Prizes, pe)
		}
	}
	return res
}

// UnitNames maps the contest's units to their names (Public).
func UnitNames(units []contest.Unit) map[string]string {
	out := make(map[string]string, len(units))
	for _, u := range units {
		out[u.ID] = u.Name
	}
	return out
}

// Public is a ranking line as published: the unit by its name (an id only
// for a unit of the contest's list, unitName).
func Public(e Entry, unitName map[string]string) PublicEntry {
	name, known := unitName[e.UnitID]
	unitID := e.UnitID
	if !known {
		unitID = ""
	}
	return PublicEntry{Rank: e.Rank, Name: e.Name, Unit: name, UnitID: unitID, Correct: e.Correct, Total: e.Total,
		Prediction: e.Prediction, Distance: e.Distance, TimeTakenMs: e.TimeTakenMs, SubmittedAt: e.SubmittedAt,
		Prize: e.Prize, Excluded: e.Excluded}
}

// Artefact is one published file.
type Artefact struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Bytes       int    `json:"bytes"`
	SHA256      string `json:"sha256"`
	Data        []byte `json:"-"`
}

// ReportOptions shape the home-affairs report.
type ReportOptions struct {
	// Threshold: units below this participation rate are highlighted.
	Threshold float64
}

// Artefacts renders the result: results.json, units.json (without the
// ranking), the ranking's pages (RankingPageName, compact JSON) and each
// unit's lines of it (UnitRankingName), ranking.csv,
// units.csv, report.xlsx and manifest.json (each file's SHA-256), last. The
// same result renders to the same bytes.
func Artefacts(res Result, opts ReportOptions) ([]Artefact, error) {
	var out []Artefact
	add := func(name, ctype string, data []byte) { out = append(out, NewArtefact(name, ctype, data)) }
	lines := make([][]byte, len(res.Ranking))
	for i, e := range res.Ranking {
		js, err := EntryJSON(e)
		if err != nil {
			return nil, err
		}
		lines[i] = js
	}
	js, err := ResultsHead(res)
	if err != nil {
		return nil, err
	}
	for i, line := range lines {
		js = AppendResultsLine(js, i, line)
	}
	tail, err := ResultsTail(res, len(lines))
	if err != nil {
		return nil, err
	}
	add("results.json", JSONType, append(js, tail...))
	// the same result without the ranking: small, for the contest-to-date
	// table and for pages that show only units and prizes
	us, err := UnitsJSON(res)
	if err != nil {
		return nil, err
	}
	add("units.json", JSONType, us)
	for n := 1; n <= res.RankingPages; n++ {
		add(RankingPageName(n), JSONType, PageJSON(n, res.RankingPages, lines[(n-1)*RankingPageSize:min(n*RankingPageSize, len(lines))]))
	}
	byUnit := map[string][][]byte{}
	for i, e := range res.Ranking {
		if e.UnitID != "" {
			byUnit[e.UnitID] = append(byUnit[e.UnitID], lines[i])
		}
	}
	for _, u := range res.Units { // in the units' order, so the same result renders alike
		if len(byUnit[u.UnitID]) == 0 {
			continue
		}
		uj := append(UnitRankingHead(u.UnitID), bytes.Join(byUnit[u.UnitID], []byte{','})...)
		add(UnitRankingName(u.UnitID), JSONType, append(uj, UnitRankingTail()...))
	}
	add("ranking.csv", CSVType, rankingCSV(res))
	add("units.csv", CSVType, unitsCSV(res))
	x, err := report(res, opts)
	if err != nil {
		return nil, err
	}
	add("report.xlsx", XLSXType, x)
	mj, err := ManifestJSON(res, slices.Clone(out))
	if err != nil {
		return nil, err
	}
	add("manifest.json", JSONType, mj)
	return out, nil
}

var bom = []byte{0xEF, 0xBB, 0xBF} // so spreadsheet programs read UTF-8 Vietnamese

func writeCSV(rows [][]string) []byte {
	var b bytes.Buffer
	b.Write(bom)
	w := csv.NewWriter(&b)
	_ = w.WriteAll(rows)
	return b.Bytes()
}

// rankingCSV and unitsCSV pass every text that people chose (names, unit
// names, prize names) through sheet.Text, so none opens as a formula.
func rankingCSV(res Result) []byte {
	rows := [][]string{RankingCSVHeader()}
	for _, e := range res.Ranking {
		rows = append(rows, RankingCSVRow(e))
	}
	return writeCSV(rows)
}

func unitsCSV(res Result) []byte {
	rows := [][]string{{"Khối", "Hạng trong khối", "Đơn vị", "Số CBCCVC", "Số người dự thi", "Số bài thi", "Tỷ lệ tham gia (%)", "Điểm trung bình (thang 10)", "Số bài đúng hoàn toàn", "Tỷ lệ bài đúng hoàn toàn (%)"}}
	for _, u := range res.Units {
		rows = append(rows, []string{sheet.Text(BlockName(u.Block)), strconv.Itoa(u.RankInBlock), sheet.Text(u.Name), strconv.Itoa(u.Headcount), strconv.Itoa(u.Participants),
			strconv.Itoa(u.Papers), pct(u.Rate), strconv.FormatFloat(u.AverageScore, 'f', 2, 64), strconv.Itoa(u.AllCorrect), pct(u.AllCorrectShare)})
	}
	return writeCSV(rows)
}

func pct(x float64) string { return strconv.FormatFloat(x*100, 'f', 2, 64) }

// BlockName is a block's Vietnamese name.
func BlockName(b contest.Block) string {
	switch b {
	case contest.BlockAgency:
		return "Khối cơ quan hành chính"
	case contest.BlockService:
		return "Khối đơn vị sự nghiệp"
	case contest.BlockCommune:
		return "Khối xã, phường"
	}
	return string(b)
}

// report renders the home-affairs workbook: one sheet per block, one row per
// unit, a totals row, units under the threshold highlighted. Unit names and
// the round's title go in as they are: shared/xlsx writes them as string
// cells, which no spreadsheet program evaluates (see shared/sheet).
func report(res Result, opts ReportOptions) ([]byte, error) {
	wb := xlsx.Workbook{Props: xlsx.Props{
		Title: "Báo cáo tham gia " + res.Round.Title, Creator: "HoiThi", Language: "vi-VN",
		Created: res.Round.ClosesAt, Modified: res.Round.ClosesAt,
	}}
	title := xlsx.Row{Cells: xlsx.Strings(res.Round.Title)}
	note := xlsx.Row{Cells: xlsx.Strings(fmt.Sprintf("Ngưỡng tỷ lệ tham gia: %s%% (đơn vị dưới ngưỡng được tô đỏ)", pct(opts.Threshold)))}
	header := xlsx.Row{Style: xlsx.Bold, Cells: xlsx.Strings("Hạng trong khối", "Đơn vị", "Số CBCCVC", "Số người dự thi", "Số bài thi",
		"Tỷ lệ tham gia (%)", "Điểm trung bình (thang 10)", "Số bài đúng hoàn toàn", "Tỷ lệ đúng hoàn toàn (%)")}
	for _, block := range blocksOf(res.Units) {
		rows := []xlsx.Row{title, note, {}, header}
		var head, part, papers, all int
		for _, u := range res.Units {
			if u.Block != block {
				continue
			}
			r := xlsx.Row{Cells: []xlsx.Cell{xlsx.Int(u.RankInBlock), xlsx.String(u.Name), xlsx.Int(u.Headcount), xlsx.Int(u.Participants),
				xlsx.Int(u.Papers), xlsx.Number(round2(u.Rate * 100)), xlsx.Number(round2(u.AverageScore)), xlsx.Int(u.AllCorrect),
				xlsx.Number(round2(u.AllCorrectShare * 100))}}
			if u.Rate < opts.Threshold {
				r.Style = xlsx.Highlight
			}
			rows = append(rows, r)
			head, part, papers, all = head+u.Headcount, part+u.Participants, papers+u.Papers, all+u.AllCorrect
		}
		rate := 0.0
		if head > 0 {
			rate = min(1, float64(part)/float64(head))
		}
		rows = append(rows, xlsx.Row{Style: xlsx.Bold, Cells: []xlsx.Cell{xlsx.Empty(), xlsx.String("Tổng cộng"), xlsx.Int(head), xlsx.Int(part),
			xlsx.Int(papers), xlsx.Number(round2(rate * 100)), xlsx.Empty(), xlsx.Int(all), xlsx.Empty()}})
		wb.Sheets = append(wb.Sheets, xlsx.Sheet{Name: BlockName(block), Widths: []xlsx.ColWidth{{Col: 2, Width: 42}}, Rows: rows})
	}
	if len(wb.Sheets) == 0 {
		// a contest without units: an empty workbook, as before
		wb.Sheets = []xlsx.Sheet{{Name: "Sheet1"}}
	}
	b, err := wb.Bytes()
	if err != nil {
		return nil, fmt.Errorf("render report.xlsx: %w", err)
	}
	return b, nil
}

func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

func blocksOf(units []UnitStats) []contest.Block {
	var out []contest.Block
	for _, u := range units {
		if !slices.Contains(out, u.Block) {
			out = append(out, u.Block)
		}
	}
	return out
}
