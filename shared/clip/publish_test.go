package clip

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func TestThePublishedRanking(t *testing.T) {
	r := Ranking{Contest: "demo", Criteria: DefaultCriteria, MaxScore: MaxScore, GeneratedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		Blocks: []BlockRanking{
			{Block: "xa-phuong", Clips: []RankedClip{{Rank: 1, ClipID: "a.0000000000000001"}, {Rank: 2, ClipID: "b.0000000000000002"}}},
			{Block: "co-quan-hanh-chinh", Clips: []RankedClip{{Rank: 1, ClipID: "c.0000000000000003"}}},
		}}
	files, err := r.Files()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the ranking is published as JSON then CSV", func(t *testing.T) {
		if len(files) != 2 || files[0].Name != "ranking.json" || files[1].Name != "ranking.csv" {
			t.Fatalf("files %+v", files)
		}
		if files[0].ContentType != "application/json; charset=utf-8" || files[1].ContentType != "text/csv; charset=utf-8" {
			t.Errorf("content types %q, %q", files[0].ContentType, files[1].ContentType)
		}
	})
	t.Run("the JSON file is the ranking, indented, with a final newline", func(t *testing.T) {
		var back Ranking
		if err := json.Unmarshal(files[0].Data, &back); err != nil || back.Contest != "demo" || len(back.Blocks) != 2 {
			t.Errorf("JSON reads back as %+v, %v", back, err)
		}
		if !bytes.HasSuffix(files[0].Data, []byte("}\n")) || !bytes.Contains(files[0].Data, []byte("\n  \"contest\"")) {
			t.Errorf("JSON not indented with a final newline: %.60q", files[0].Data)
		}
	})
	t.Run("the CSV file is the ranking's CSV", func(t *testing.T) {
		if !bytes.Equal(files[1].Data, r.CSV()) {
			t.Error("CSV differs from Ranking.CSV")
		}
	})
	t.Run("the audit line counts clips and blocks", func(t *testing.T) {
		if got, want := r.AuditLine(), "Công bố bảng xếp hạng video clip: 3 clip, 2 khối"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}
