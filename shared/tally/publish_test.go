package tally_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/tally"
)

// fixtureRound is the week the unit fixture's papers belong to.
func fixtureRound() contest.Round {
	opens := time.Date(2026, 1, 5, 0, 0, 0, 0, contest.ICT)
	return contest.Round{
		ContestID: "demo", ID: "2026-w02", Title: "Tuần 2 (05/01 – 11/01/2026) — cán bộ, công chức, viên chức",
		Audience: contest.AudienceStaff, OpensAt: opens, ClosesAt: opens.AddDate(0, 0, 7), QuestionCount: 10, Attempts: 2,
	}
}

// fixtureRules exclude b2 (organising staff) from the prizes.
func fixtureRules() tally.Rules {
	return tally.Rules{Prizes: tally.DefaultPrizes, Excluded: map[string]bool{"b2": true}}
}

func computeFixture(papers []contest.Submitted) tally.Result {
	r := fixtureRound()
	return tally.Compute("demo", r, fixtureUnits(), papers, fixtureRules(), r.ClosesAt.Add(time.Hour))
}

func artefactsOf(t *testing.T, res tally.Result) map[string]tally.Artefact {
	t.Helper()
	arts, err := tally.Artefacts(res, tally.ReportOptions{Threshold: 0.8})
	if err != nil {
		t.Fatalf("Artefacts: %v", err)
	}
	out := map[string]tally.Artefact{}
	for _, a := range arts {
		out[a.Name] = a
	}
	return out
}

func TestComputeTotals(t *testing.T) {
	res := computeFixture(fixturePapers())
	checks := []struct {
		name      string
		got, want any
	}{
		{"every submitted paper is counted, attempts included", res.Papers, 29},
		{"participants are people, not papers", res.Participants, 27},
		{"all-correct papers are counted per paper (the prediction's answer)", res.AllCorrect, 13},
		{"a round tallied after it closed is final", res.Final, true},
		{"the tie-break order is published", slices.Equal(res.TieBreak, contest.DefaultOrder), true},
		{"six prizes go to six people, the excluded one skipped", len(res.Prizes), 6},
		{"the ranking lists every participant once", len(res.Ranking), 27},
		{"the round's close is shown in Huế time", res.Round.ClosesAt.Format(time.RFC3339), "2026-01-12T00:00:00+07:00"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	t.Run("the excluded person is in the ranking without a prize", func(t *testing.T) {
		i := slices.IndexFunc(res.Ranking, func(e tally.PublicEntry) bool { return e.Name == "Cán bộ b2" })
		if i < 0 {
			t.Fatalf("Cán bộ b2 is not in the ranking")
		}
		if e := res.Ranking[i]; !e.Excluded || e.Prize != "" {
			t.Errorf("b2: excluded %v, prize %q; want excluded, no prize", e.Excluded, e.Prize)
		}
		for _, e := range res.Prizes {
			if e.Excluded {
				t.Errorf("prize list holds excluded %+v", e)
			}
		}
	})
	t.Run("a round tallied while open is not final", func(t *testing.T) {
		r := fixtureRound()
		if got := tally.Compute("demo", r, fixtureUnits(), fixturePapers(), fixtureRules(), r.ClosesAt.Add(-time.Second)); got.Final {
			t.Errorf("Final = true one second before the close, want false")
		}
	})
}

func TestArtefactsAreReproducible(t *testing.T) {
	papers := fixturePapers()
	first := artefactsOf(t, computeFixture(papers))
	reversed := slices.Clone(papers)
	slices.Reverse(reversed)
	tests := []struct {
		name string
		res  tally.Result
	}{
		{name: "the same papers computed again give byte-identical files", res: computeFixture(fixturePapers())},
		{name: "the same papers read in another order give byte-identical files", res: computeFixture(reversed)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			again := artefactsOf(t, tt.res)
			if len(again) != len(first) {
				t.Fatalf("got %d artefacts, want %d", len(again), len(first))
			}
			for name, a := range first {
				b := again[name]
				if !bytes.Equal(a.Data, b.Data) {
					t.Errorf("%s differs between runs (%d vs %d bytes)", name, len(a.Data), len(b.Data))
				}
				if a.SHA256 != b.SHA256 {
					t.Errorf("%s sha256 %s, then %s", name, a.SHA256, b.SHA256)
				}
			}
		})
	}
}

func TestManifest(t *testing.T) {
	res := computeFixture(fixturePapers())
	arts, err := tally.Artefacts(res, tally.ReportOptions{Threshold: 0.8})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range arts {
		names = append(names, a.Name)
	}
	want := []string{"results.json", "units.json", "ranking/0001.json"}
	for _, u := range res.Units {
		if u.Participants > 0 {
			want = append(want, tally.UnitRankingName(u.UnitID))
		}
	}
	want = append(want, "ranking.csv", "units.csv", "report.xlsx", "manifest.json")
	if !slices.Equal(names, want) {
		t.Fatalf("artefacts %v, want %v (manifest last)", names, want)
	}
	for _, a := range arts {
		t.Run(a.Name+"'s own SHA-256 and size match its bytes", func(t *testing.T) {
			sum := sha256.Sum256(a.Data)
			if got, want := a.SHA256, hex.EncodeToString(sum[:]); got != want {
				t.Errorf("SHA256 = %s, want %s", got, want)
			}
			if got, want := a.Bytes, len(a.Data); got != want {
				t.Errorf("Bytes = %d, want %d", got, want)
			}
		})
	}
	var m struct {
		Contest   string `json:"contest"`
		Round     string `json:"round"`
		Final     bool   `json:"final"`
		Artefacts []struct {
			Name        string `json:"name"`
			ContentType string `json:"contentType"`
			Bytes       int    `json:"bytes"`
			SHA256      string `json:"sha256"`
		} `json:"artefacts"`
	}
	if err := json.Unmarshal(arts[len(arts)-1].Data, &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	t.Run("the manifest names the contest and round and says the result is final", func(t *testing.T) {
		if m.Contest != "demo" || m.Round != "2026-w02" || !m.Final {
			t.Errorf("manifest contest %q round %q final %v, want demo 2026-w02 true", m.Contest, m.Round, m.Final)
		}
	})
	t.Run("the manifest lists every other artefact once", func(t *testing.T) {
		var listed []string
		for _, e := range m.Artefacts {
			listed = append(listed, e.Name)
		}
		if want := names[:len(names)-1]; !slices.Equal(listed, want) {
			t.Errorf("manifest lists %v, want %v", listed, want)
		}
	})
	for _, e := range m.Artefacts {
		t.Run("the manifest's SHA-256 of "+e.Name+" is the sha256 of its bytes", func(t *testing.T) {
			i := slices.IndexFunc(arts, func(a tally.Artefact) bool { return a.Name == e.Name })
			if i < 0 {
				t.Fatalf("manifest lists %s, which is not an artefact", e.Name)
			}
			sum := sha256.Sum256(arts[i].Data)
			if got, want := e.SHA256, hex.EncodeToString(sum[:]); got != want {
				t.Errorf("sha256 = %s, want %s", got, want)
			}
			if got, want := e.Bytes, len(arts[i].Data); got != want {
				t.Errorf("bytes = %d, want %d", got, want)
			}
			if got, want := e.ContentType, arts[i].ContentType; got != want || got == "" {
				t.Errorf("contentType = %q, want %q", got, want)
			}
		})
	}
}

func TestPublicArtefactsHaveNoEmailAddresses(t *testing.T) {
	papers := fixturePapers()
	arts := artefactsOf(t, computeFixture(papers))
	for _, name := range []string{"results.json", "units.json", "ranking.csv", "units.csv", "manifest.json"} {
		t.Run(name+" holds no e-mail address nor participant id", func(t *testing.T) {
			data := string(arts[name].Data)
			if data == "" {
				t.Fatalf("%s is empty", name)
			}
			if strings.Contains(data, "@") {
				t.Errorf("%s contains an @", name)
			}
			for _, p := range papers {
				if p.Email == "" {
					t.Fatalf("fixture paper %s has no e-mail: the check would prove nothing", p.PaperID)
				}
				if strings.Contains(data, p.Email) {
					t.Errorf("%s contains %s", name, p.Email)
				}
				if strings.Contains(data, p.PaperID) {
					t.Errorf("%s contains paper id %s, which names the participant", name, p.PaperID)
				}
			}
		})
	}
	t.Run("the ranking still names people and their units", func(t *testing.T) {
		data := string(arts["results.json"].Data)
		for _, want := range []string{`"name": "Cán bộ z1"`, `"unit": "Đơn vị Z"`} {
			if !strings.Contains(data, want) {
				t.Errorf("results.json lacks %s", want)
			}
		}
	})
}

// readCSV checks the UTF-8 BOM and parses the rest.
func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("CSV starts with % x, want the UTF-8 BOM ef bb bf", data[:min(3, len(data))])
	}
	rows, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	return rows
}

func TestRankingCSV(t *testing.T) {
	rows := readCSV(t, artefactsOf(t, computeFixture(fixturePapers()))["ranking.csv"].Data)
	wantHeader := []string{"Hạng", "Họ và tên", "Đơn vị", "Số câu đúng", "Tổng số câu", "Dự đoán", "Chênh lệch dự đoán", "Thời gian làm bài (giây)", "Thời điểm nộp", "Giải"}
	t.Run("the header is in Vietnamese", func(t *testing.T) {
		if !slices.Equal(rows[0], wantHeader) {
			t.Errorf("header %q, want %q", rows[0], wantHeader)
		}
	})
	t.Run("there is one row per participant", func(t *testing.T) {
		if got, want := len(rows)-1, 27; got != want {
			t.Errorf("rows = %d, want %d", got, want)
		}
	})
	t.Run("the leader's row shows the numbers that decided it", func(t *testing.T) {
		// z1: 15/15, predicted 12 of 13 all-correct papers,
		// 60000 + 997×'z' + 31×'1' + 7×1 = 183160 ms, submitted t0 + 1 h
		want := []string{"1", "Cán bộ z1", "Đơn vị Z", "15", "15", "12", "1", "183.160", "2026-01-05 10:00:00.000", "Giải Nhất"}
		if !slices.Equal(rows[1], want) {
			t.Errorf("row 1 %q, want %q", rows[1], want)
		}
	})
	t.Run("the excluded person's row says why there is no prize", func(t *testing.T) {
		i := slices.IndexFunc(rows, func(r []string) bool { return r[1] == "Cán bộ b2" })
		if i < 0 {
			t.Fatalf("no row for Cán bộ b2")
		}
		if got, want := rows[i][9], "Không xét giải (Ban tổ chức)"; got != want {
			t.Errorf("prize column %q, want %q", got, want)
		}
	})
}

func TestUnitsCSV(t *testing.T) {
	rows := readCSV(t, artefactsOf(t, computeFixture(fixturePapers()))["units.csv"].Data)
	want := [][]string{
		{"Khối", "Hạng trong khối", "Đơn vị", "Số CBCCVC", "Số người dự thi", "Số bài thi", "Tỷ lệ tham gia (%)", "Điểm trung bình (thang 10)", "Số bài đúng hoàn toàn", "Tỷ lệ bài đúng hoàn toàn (%)"},
		{"Khối cơ quan hành chính", "1", "Sở B", "3", "4", "5", "100.00", "10.00", "4", "100.00"},
		{"Khối cơ quan hành chính", "2", "Sở A", "4", "4", "4", "100.00", "7.50", "2", "50.00"},
		{"Khối cơ quan hành chính", "3", "Sở D", "4", "4", "4", "100.00", "7.50", "1", "25.00"},
		{"Khối cơ quan hành chính", "4", "Sở C", "5", "0", "0", "0.00", "0.00", "0", "0.00"},
		{"Khối đơn vị sự nghiệp", "1", "Đơn vị X", "2", "1", "1", "50.00", "8.00", "0", "0.00"},
		{"Khối đơn vị sự nghiệp", "1", "Đơn vị Y", "4", "2", "2", "50.00", "8.00", "0", "0.00"},
		{"Khối đơn vị sự nghiệp", "3", "Đơn vị Z", "3", "1", "1", "33.33", "10.00", "1", "100.00"},
		{"Khối xã, phường", "1", "UBND xã Hai", "8", "7", "7", "87.50", "8.00", "3", "42.86"},
		{"Khối xã, phường", "2", "UBND phường Một", "3", "2", "3", "66.67", "6.00", "0", "0.00"},
	}
	if len(rows) != len(want) {
		t.Fatalf("units.csv has %d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		name := "the Vietnamese header"
		if i > 0 {
			name = want[i][2] + "'s row has the hand-computed figures"
		}
		t.Run(name, func(t *testing.T) {
			if !slices.Equal(rows[i], want[i]) {
				t.Errorf("row %d:\n got  %q\n want %q", i, rows[i], want[i])
			}
		})
	}
}

func TestRankingPages(t *testing.T) {
	r := fixtureRound()
	for _, n := range []int{0, 1, tally.RankingPageSize - 1, tally.RankingPageSize, tally.RankingPageSize + 1, 2*tally.RankingPageSize + 345} {
		t.Run(strconv.Itoa(n)+" participants", func(t *testing.T) {
			var papers []contest.Submitted
			for i := range n {
				papers = append(papers, unitPaper("p"+strconv.Itoa(i), "so-a", 1, i%11, 10))
			}
			res := tally.Compute("demo", r, fixtureUnits(), papers, fixtureRules(), r.ClosesAt)
			wantPages := (n + tally.RankingPageSize - 1) / tally.RankingPageSize
			if res.RankingPages != wantPages || res.RankingPageSize != tally.RankingPageSize {
				t.Fatalf("rankingPages %d of %d, want %d of %d", res.RankingPages, res.RankingPageSize, wantPages, tally.RankingPageSize)
			}
			arts := artefactsOf(t, res)
			var joined []tally.PublicEntry
			for page := 1; page <= wantPages; page++ {
				a, ok := arts[tally.RankingPageName(page)]
				if !ok {
					t.Fatalf("no %s", tally.RankingPageName(page))
				}
				if a.ContentType != "application/json" || bytes.Contains(a.Data, []byte("\n ")) {
					t.Errorf("%s: %s, indented; want compact JSON", a.Name, a.ContentType)
				}
				var got tally.RankingPage
				if err := json.Unmarshal(a.Data, &got); err != nil {
					t.Fatal(err)
				}
				if got.Page != page || got.Pages != wantPages || len(got.Entries) == 0 || len(got.Entries) > tally.RankingPageSize ||
					(page < wantPages && len(got.Entries) != tally.RankingPageSize) {
					t.Errorf("%s: page %d of %d with %d entries", a.Name, got.Page, got.Pages, len(got.Entries))
				}
				joined = append(joined, got.Entries...)
			}
			if _, extra := arts[tally.RankingPageName(wantPages+1)]; extra {
				t.Errorf("a page beyond the last: %s", tally.RankingPageName(wantPages+1))
			}
			if !slices.EqualFunc(joined, res.Ranking, func(a, b tally.PublicEntry) bool {
				return a.Rank == b.Rank && a.Name == b.Name && a.Correct == b.Correct && a.SubmittedAt.Equal(b.SubmittedAt)
			}) {
				t.Errorf("the pages hold %d entries, not the ranking's %d in order", len(joined), len(res.Ranking))
			}
			var units map[string]any
			if err := json.Unmarshal(arts["units.json"].Data, &units); err != nil {
				t.Fatal(err)
			}
			if units["rankingPages"] != float64(wantPages) || units["rankingPageSize"] != float64(tally.RankingPageSize) {
				t.Errorf("units.json says %v pages of %v, want %d of %d", units["rankingPages"], units["rankingPageSize"], wantPages, tally.RankingPageSize)
			}
		})
	}
}

func TestUnitRankings(t *testing.T) {
	res := computeFixture(fixturePapers())
	arts := artefactsOf(t, res)
	known := map[string]bool{}
	for _, u := range fixtureUnits() {
		known[u.ID] = true
	}
	seen := 0
	for _, u := range res.Units {
		a, ok := arts[tally.UnitRankingName(u.UnitID)]
		if ok != (u.Participants > 0) {
			t.Errorf("%s: file %v with %d participants; want one exactly when someone took part", u.UnitID, ok, u.Participants)
		}
		if !ok {
			continue
		}
		var got tally.UnitRanking
		if err := json.Unmarshal(a.Data, &got); err != nil {
			t.Fatal(err)
		}
		var want []tally.PublicEntry
		for _, e := range res.Ranking {
			if e.UnitID == u.UnitID {
				want = append(want, e)
			}
		}
		if got.UnitID != u.UnitID || len(got.Entries) != u.Participants || !slices.EqualFunc(got.Entries, want, func(a, b tally.PublicEntry) bool {
			return a.Rank == b.Rank && a.Name == b.Name && a.Unit == u.Name && a.UnitID == u.UnitID
		}) {
			t.Errorf("%s: %+v, want its %d lines of the ranking in rank order", u.UnitID, got, len(want))
		}
		seen += len(got.Entries)
	}
	outside := 0
	for _, e := range res.Ranking {
		if e.UnitID != "" && !known[e.UnitID] {
			t.Errorf("entry %d names unit %q, which is not in the contest's list", e.Rank, e.UnitID)
		}
		if e.UnitID == "" {
			outside++
		}
	}
	if seen+outside != len(res.Ranking) || outside != 2 { // the citizen and the paper of a unit no longer listed
		t.Errorf("%d lines in unit files + %d outside any unit, want the ranking's %d with 2 outside", seen, outside, len(res.Ranking))
	}
}

func TestEmptyRoundArtefacts(t *testing.T) {
	r := fixtureRound()
	res := tally.Compute("demo", r, fixtureUnits(), nil, fixtureRules(), r.ClosesAt)
	arts := artefactsOf(t, res)
	t.Run("results.json has empty lists, not nulls", func(t *testing.T) {
		var got map[string]any
		if err := json.Unmarshal(arts["results.json"].Data, &got); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"ranking", "prizes"} {
			if l, ok := got[k].([]any); !ok || len(l) != 0 {
				t.Errorf("%s = %v, want []", k, got[k])
			}
		}
		if got["papers"] != 0.0 || got["allCorrect"] != 0.0 || got["participants"] != 0.0 {
			t.Errorf("papers %v allCorrect %v participants %v, want 0 0 0", got["papers"], got["allCorrect"], got["participants"])
		}
	})
	t.Run("ranking.csv has only its header", func(t *testing.T) {
		if rows := readCSV(t, arts["ranking.csv"].Data); len(rows) != 1 {
			t.Errorf("ranking.csv has %d rows, want the header only", len(rows))
		}
	})
	t.Run("units.csv still lists every unit at 0%", func(t *testing.T) {
		rows := readCSV(t, arts["units.csv"].Data)
		if len(rows) != 1+len(fixtureUnits()) {
			t.Fatalf("units.csv has %d rows, want %d", len(rows), 1+len(fixtureUnits()))
		}
		for _, row := range rows[1:] {
			if row[6] != "0.00" {
				t.Errorf("%s rate %s, want 0.00", row[2], row[6])
			}
		}
	})
	t.Run("the report still opens with one sheet per block", func(t *testing.T) {
		f, err := excelize.OpenReader(bytes.NewReader(arts["report.xlsx"].Data))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if got := f.GetSheetList(); len(got) != 3 {
			t.Errorf("sheets %q, want 3", got)
		}
	})
}

func TestReportWithoutUnits(t *testing.T) {
	r := fixtureRound()
	res := tally.Compute("demo", r, nil, nil, fixtureRules(), r.ClosesAt)
	f, err := excelize.OpenReader(bytes.NewReader(artefactsOf(t, res)["report.xlsx"].Data))
	if err != nil {
		t.Fatalf("a contest without units gives an unreadable report: %v", err)
	}
	defer f.Close()
	t.Run("a contest without units still gets a workbook, with one empty sheet", func(t *testing.T) {
		if got := f.GetSheetList(); len(got) != 1 {
			t.Errorf("sheets %q, want one", got)
		}
	})
}

// row pads an XLSX row read back to the report's nine columns.
func row(cells []string) []string {
	out := make([]string, 9)
	copy(out, cells)
	return out
}

func TestReportXLSX(t *testing.T) {
	arts := artefactsOf(t, computeFixture(fixturePapers()))
	f, err := excelize.OpenReader(bytes.NewReader(arts["report.xlsx"].Data))
	if err != nil {
		t.Fatalf("open report.xlsx: %v", err)
	}
	defer f.Close()

	agency, service, commune := "Khối cơ quan hành chính", "Khối đơn vị sự nghiệp", "Khối xã, phường"
	t.Run("there is one sheet per block, with the block's Vietnamese name", func(t *testing.T) {
		if got, want := f.GetSheetList(), []string{agency, service, commune}; !slices.Equal(got, want) {
			t.Errorf("sheets %q, want %q", got, want)
		}
	})
	header := []string{"Hạng trong khối", "Đơn vị", "Số CBCCVC", "Số người dự thi", "Số bài thi", "Tỷ lệ tham gia (%)", "Điểm trung bình (thang 10)", "Số bài đúng hoàn toàn", "Tỷ lệ đúng hoàn toàn (%)"}
	// the hand-computed figures; rates and shares in percent
	sheets := []struct {
		sheet string
		units [][]string
		total []string
		low   []bool // below the 80% threshold
	}{
		{
			sheet: agency,
			units: [][]string{
				{"1", "Sở B", "3", "4", "5", "100", "10", "4", "100"},
				{"2", "Sở A", "4", "4", "4", "100", "7.5", "2", "50"},
				{"3", "Sở D", "4", "4", "4", "100", "7.5", "1", "25"},
				{"4", "Sở C", "5", "0", "0", "0", "0", "0", "0"},
			},
			total: []string{"", "Tổng cộng", "16", "12", "13", "75", "", "7", ""},
			low:   []bool{false, false, false, true},
		},
		{
			sheet: service,
			units: [][]string{
				{"1", "Đơn vị X", "2", "1", "1", "50", "8", "0", "0"},
				{"1", "Đơn vị Y", "4", "2", "2", "50", "8", "0", "0"},
				{"3", "Đơn vị Z", "3", "1", "1", "33.33", "10", "1", "100"},
			},
			total: []string{"", "Tổng cộng", "9", "4", "4", "44.44", "", "1", ""},
			low:   []bool{true, true, true},
		},
		{
			sheet: commune,
			units: [][]string{
				{"1", "UBND xã Hai", "8", "7", "7", "87.5", "8", "3", "42.86"},
				{"2", "UBND phường Một", "3", "2", "3", "66.67", "6", "0", "0"},
			},
			total: []string{"", "Tổng cộng", "11", "9", "10", "81.82", "", "3", ""},
			low:   []bool{false, true},
		},
	}
	lowStyle, highStyle := -1, -1
	for _, s := range sheets {
		rows, err := f.GetRows(s.sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("read sheet %s: %v", s.sheet, err)
		}
		t.Run(s.sheet+" is titled with the round", func(t *testing.T) {
			if got, want := rows[0][0], fixtureRound().Title; got != want {
				t.Errorf("A1 = %q, want %q", got, want)
			}
		})
		t.Run(s.sheet+" has the Vietnamese header in row 4", func(t *testing.T) {
			if got := row(rows[3]); !slices.Equal(got, header) {
				t.Errorf("row 4 %q, want %q", got, header)
			}
		})
		t.Run(s.sheet+" has one row per unit and then the totals", func(t *testing.T) {
			if got, want := len(rows), 4+len(s.units)+1; got != want {
				t.Errorf("%d rows, want %d: %q", got, want, rows)
			}
		})
		for i, want := range s.units {
			t.Run(s.sheet+": "+want[1]+"'s row has the hand-computed figures", func(t *testing.T) {
				if 4+i >= len(rows) {
					t.Fatalf("no row %d", 5+i)
				}
				if got := row(rows[4+i]); !slices.Equal(got, want) {
					t.Errorf("row %d:\n got  %q\n want %q", 5+i, got, want)
				}
			})
		}
		t.Run(s.sheet+"'s totals row sums headcount, participants and papers", func(t *testing.T) {
			i := 4 + len(s.units)
			if i >= len(rows) {
				t.Fatalf("no totals row %d", i+1)
			}
			if got := row(rows[i]); !slices.Equal(got, s.total) {
				t.Errorf("row %d:\n got  %q\n want %q", i+1, got, s.total)
			}
		})
		t.Run(s.sheet+"'s header and totals rows are bold, the unit rows are not", func(t *testing.T) {
			totals := strconv.Itoa(5 + len(s.units))
			for cell, want := range map[string]bool{"A4": true, "I4": true, "B5": false, "A" + totals: true, "B" + totals: true, "I" + totals: true} {
				id, err := f.GetCellStyle(s.sheet, cell)
				if err != nil {
					t.Fatalf("style of %s: %v", cell, err)
				}
				st, err := f.GetStyle(id)
				if err != nil {
					t.Fatal(err)
				}
				if got := st.Font != nil && st.Font.Bold; got != want {
					t.Errorf("%s bold = %v, want %v", cell, got, want)
				}
			}
		})
		t.Run(s.sheet+"'s unit column is wide enough for the names", func(t *testing.T) {
			if got, err := f.GetColWidth(s.sheet, "B"); err != nil || got != 42 {
				t.Errorf("width of B = %v (%v), want 42", got, err)
			}
		})
		for i, low := range s.low {
			cell := "B" + strconv.Itoa(5+i)
			id, err := f.GetCellStyle(s.sheet, cell)
			if err != nil {
				t.Fatalf("style of %s!%s: %v", s.sheet, cell, err)
			}
			if low {
				if lowStyle < 0 {
					lowStyle = id
				}
				t.Run(s.sheet+": "+s.units[i][1]+" below the threshold has the highlight style", func(t *testing.T) {
					if id != lowStyle {
						t.Errorf("%s style %d, want %d like the other highlighted units", cell, id, lowStyle)
					}
				})
			} else {
				if highStyle < 0 {
					highStyle = id
				}
				t.Run(s.sheet+": "+s.units[i][1]+" at or above the threshold is not highlighted", func(t *testing.T) {
					if id != highStyle {
						t.Errorf("%s style %d, want %d like the other units above the threshold", cell, id, highStyle)
					}
				})
			}
		}
	}
	t.Run("the document properties name the round, in Vietnamese, stamped with its close", func(t *testing.T) {
		p, err := f.GetDocProps()
		if err != nil {
			t.Fatal(err)
		}
		want := excelize.DocProperties{Title: "Báo cáo tham gia " + fixtureRound().Title, Creator: "HoiThi", Language: "vi-VN",
			Created: "2026-01-11T17:00:00Z", Modified: "2026-01-11T17:00:00Z"}
		if got := (excelize.DocProperties{Title: p.Title, Creator: p.Creator, Language: p.Language, Created: p.Created, Modified: p.Modified}); got != want {
			t.Errorf("props %+v, want %+v", got, want)
		}
	})
	t.Run("the highlight style differs from the style of units above the threshold", func(t *testing.T) {
		if lowStyle == highStyle {
			t.Fatalf("both styles are %d", lowStyle)
		}
	})
	t.Run("the highlight is a red fill", func(t *testing.T) {
		st, err := f.GetStyle(lowStyle)
		if err != nil {
			t.Fatal(err)
		}
		if st.Fill.Pattern != 1 || !slices.ContainsFunc(st.Fill.Color, func(c string) bool { return strings.HasSuffix(strings.ToUpper(c), "FFC7CE") }) {
			t.Errorf("fill %+v, want a solid FFC7CE fill", st.Fill)
		}
	})
	t.Run("units above the threshold have no fill", func(t *testing.T) {
		st, err := f.GetStyle(highStyle)
		if err != nil {
			t.Fatal(err)
		}
		if st.Fill.Pattern != 0 && len(st.Fill.Color) > 0 {
			t.Errorf("fill %+v, want none", st.Fill)
		}
	})
}
