package tally

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"

	"github.com/hoithi/hoithi/shared/sheet"
)

// The published files are rendered piece by piece, so that a round too large
// to hold renders line by line to the same bytes (Artefacts renders them all
// at once from the same pieces).

// EntryJSON is a ranking line's compact JSON, as the ranking pages and the
// units' lines hold it (results.json holds it indented: ResultsJSON).
func EntryJSON(e PublicEntry) ([]byte, error) { return json.Marshal(e) }

var rankingMarker = []byte("\n  \"ranking\": [],\n")

// resultsSplit is res as results.json renders it, without its ranking, cut
// where the ranking's lines go.
func resultsSplit(res Result) (head, tail []byte, err error) {
	res.Ranking = []PublicEntry{}
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	i := bytes.Index(js, rankingMarker)
	if i < 0 {
		return nil, nil, errors.New("render results.json: no ranking")
	}
	cut := i + len(rankingMarker) - len("],\n")
	return js[:cut], append(js[cut:], '\n'), nil
}

// ResultsHead is results.json up to its ranking's lines: everything before
// the ranking is known before its lines (res.Ranking is ignored).
func ResultsHead(res Result) ([]byte, error) {
	head, _, err := resultsSplit(res)
	return head, err
}

// AppendResultsLine appends the n-th (from 0) ranking line of results.json,
// given its EntryJSON.
func AppendResultsLine(dst []byte, n int, entry []byte) []byte {
	if n > 0 {
		dst = append(dst, ',')
	}
	dst = append(dst, "\n    "...)
	var b bytes.Buffer
	_ = json.Indent(&b, entry, "    ", "  ") // entry is json.Marshal's
	return append(dst, b.Bytes()...)
}

// ResultsTail is results.json after the ranking's lines, n of them; res's
// units are the final ones (res.Ranking is ignored).
func ResultsTail(res Result, n int) ([]byte, error) {
	_, tail, err := resultsSplit(res)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return append([]byte("\n  "), tail...), nil
	}
	return tail, nil
}

// PageJSON is ranking page n (from 1) of pages, holding entries (each an
// EntryJSON), as json.Marshal renders a RankingPage.
func PageJSON(n, pages int, entries [][]byte) []byte {
	b := []byte(`{"page":`)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `,"pages":`...)
	b = strconv.AppendInt(b, int64(pages), 10)
	b = append(b, `,"entries":[`...)
	b = append(b, bytes.Join(entries, []byte{','})...)
	return append(b, "]}\n"...)
}

// UnitRankingHead and UnitRankingTail frame a unit's lines of the ranking
// (UnitRankingName): the head, the EntryJSON of each line joined by commas,
// the tail, as json.Marshal renders a UnitRanking.
func UnitRankingHead(unitID string) []byte {
	id, _ := json.Marshal(unitID)
	return append(append([]byte(`{"unitId":`), id...), `,"entries":[`...)
}

// UnitRankingTail ends a unit's lines of the ranking.
func UnitRankingTail() []byte { return []byte("]}\n") }

// RankingCSVHeader is ranking.csv's first row.
func RankingCSVHeader() []string {
	return []string{"Hạng", "Họ và tên", "Đơn vị", "Số câu đúng", "Tổng số câu", "Dự đoán", "Chênh lệch dự đoán", "Thời gian làm bài (giây)", "Thời điểm nộp", "Giải"}
}

// RankingCSVRow is a ranking line's row of ranking.csv. Every text that
// people chose (names, unit names, prize names) passes through sheet.Text,
// so none opens as a formula.
func RankingCSVRow(e PublicEntry) []string {
	prize := e.Prize
	if e.Excluded {
		prize = "Không xét giải (Ban tổ chức)"
	}
	return []string{strconv.Itoa(e.Rank), sheet.Text(e.Name), sheet.Text(e.Unit), strconv.Itoa(e.Correct), strconv.Itoa(e.Total),
		strconv.Itoa(e.Prediction), strconv.Itoa(e.Distance), strconv.FormatFloat(float64(e.TimeTakenMs)/1000, 'f', 3, 64),
		e.SubmittedAt.Format("2006-01-02 15:04:05.000"), sheet.Text(prize)}
}

// BOM starts every CSV file, so spreadsheet programs read UTF-8 Vietnamese.
func BOM() []byte { return slices.Clone(bom) }

// UnitsJSON is units.json: the result without its ranking.
func UnitsJSON(res Result) ([]byte, error) {
	res.Ranking = []PublicEntry{}
	us, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(us, '\n'), nil
}

// UnitsCSV is units.csv.
func UnitsCSV(res Result) []byte { return unitsCSV(res) }

// Report is report.xlsx, the home-affairs workbook.
func Report(res Result, opts ReportOptions) ([]byte, error) { return report(res, opts) }

// NewArtefact describes a published file of data (its size and SHA-256).
func NewArtefact(name, ctype string, data []byte) Artefact {
	sum := sha256.Sum256(data)
	return Artefact{Name: name, ContentType: ctype, Bytes: len(data), SHA256: hex.EncodeToString(sum[:]), Data: data}
}

// ManifestJSON is manifest.json: each of the other files (arts, in the
// order of Artefacts) with its size and SHA-256.
func ManifestJSON(res Result, arts []Artefact) ([]byte, error) {
	manifest := struct {
		Contest   string     `json:"contest"`
		Round     string     `json:"round"`
		Final     bool       `json:"final"`
		Artefacts []Artefact `json:"artefacts"`
	}{res.Contest, res.Round.ID, res.Final, arts}
	mj, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(mj, '\n'), nil
}

// Content types of the published files.
const (
	JSONType = "application/json"
	CSVType  = "text/csv; charset=utf-8"
	XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
