package clip

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestRankingPerBlockWithSharedPlaces(t *testing.T) {
	criteria := []Criterion{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}}
	clip := func(id, block, status string) Clip {
		return Clip{ID: id, Block: block, Status: status, UnitID: id, Title: "T " + id}
	}
	clips := []Clip{
		clip("u1.1", "xa-phuong", Accepted),
		clip("u2.1", "xa-phuong", Accepted),
		clip("u3.1", "xa-phuong", Accepted),
		clip("u4.1", "xa-phuong", Accepted), // nobody scored it yet
		clip("u5.1", "co-quan-hanh-chinh", Accepted),
		clip("u6.1", "khoi-khac", Accepted),
		clip("u7.1", "xa-phuong", Rejected),
	}
	sc := func(clipID, juror string, a, b int) Scores {
		return Scores{ClipID: clipID, JurorID: juror, Scores: map[string]int{"a": a, "b": b}}
	}
	scores := []Scores{
		sc("u1.1", "j1", 7, 8), sc("u1.1", "j2", 8, 8), // 7.5 + 8 = 15.5
		sc("u2.1", "j1", 9, 7), sc("u2.1", "j2", 6, 9), // 7.5 + 8 = 15.5
		sc("u3.1", "j1", 10, 10), // 20
		{ClipID: "u5.1", JurorID: "j1", Scores: map[string]int{"a": 5, "retired-criterion": 10}},
		sc("u7.1", "j1", 10, 10),
	}
	got := Rank("demo", clips, scores, criteria, time.Now())
	var blocks []string
	for _, b := range got.Blocks {
		line := b.Block + ":"
		for _, c := range b.Clips {
			line += fmt.Sprintf(" %d.%s=%.2f/%d", c.Rank, c.ClipID, c.Total, c.Jurors)
		}
		blocks = append(blocks, line)
	}
	want := []string{
		"co-quan-hanh-chinh: 1.u5.1=5.00/1",
		"xa-phuong: 1.u3.1=20.00/1 2.u1.1=15.50/2 2.u2.1=15.50/2 4.u4.1=0.00/0",
		"khoi-khac: 1.u6.1=0.00/0",
	}
	if fmt.Sprint(blocks) != fmt.Sprint(want) {
		t.Errorf("ranking\n got %v\nwant %v", blocks, want)
	}
	if csv := string(got.CSV()); len(csv) == 0 || csv[:3] != "\ufeff" {
		t.Errorf("CSV lacks its BOM: %q", csv)
	}
}

func TestClockShowsTenthsOverTheLimit(t *testing.T) {
	for ms, want := range map[int64]string{300_000: "5:00", 300_501: "5:00,6", 299_999: "5:00", 61_000: "1:01", 59_050: "0:59,1"} {
		if got := Clock(ms); got != want {
			t.Errorf("Clock(%d) = %q, want %q", ms, got, want)
		}
	}
}

func TestObjectKeysRoundTrip(t *testing.T) {
	id := NewID("phuong-phu-hoi")
	c, u, got, ok := ParseObjectKey(ObjectKey("demo", "phuong-phu-hoi", id))
	if !ok || c != "demo" || u != "phuong-phu-hoi" || got != id {
		t.Fatalf("parse(%s) = %s %s %s %v", ObjectKey("demo", "phuong-phu-hoi", id), c, u, got, ok)
	}
	for _, key := range []string{
		"clips/demo/phuong-phu-hoi/" + id,           // no .mp4
		"clips/demo/phuong-kim-long/" + id + ".mp4", // unit differs from the id's
		"clips/demo/phuong-phu-hoi/x/" + id + ".mp4",
		"clips/Demo/phuong-phu-hoi/" + id + ".mp4",
		"results/demo/phuong-phu-hoi/" + id + ".mp4",
		"clips/demo/phuong-phu-hoi/phuong-phu-hoi.XYZ.mp4",
	} {
		if _, _, _, ok := ParseObjectKey(key); ok {
			t.Errorf("ParseObjectKey(%q) accepted", key)
		}
	}
}

func TestRankingCSVHoldsPeoplesTextAsText(t *testing.T) {
	tests := []struct {
		name, title, want string
	}{
		{"a hyperlink formula is quoted", `=HYPERLINK("http://evil.example/?x","Nhan thuong")`, `'=HYPERLINK("http://evil.example/?x","Nhan thuong")`},
		{"a sum is quoted", "=1+1", "'=1+1"},
		{"a leading plus is quoted", "+1", "'+1"},
		{"a leading minus is quoted", "-1", "'-1"},
		{"a leading at sign is quoted", "@SUM(A1)", "'@SUM(A1)"},
		{"a leading tab is quoted", "\t=1", "'\t=1"},
		{"a leading carriage return is quoted", "\r=1", "'\r=1"},
		{"an ordinary Vietnamese title is unchanged", "Phường Phú Hội: một cửa, một dấu", "Phường Phú Hội: một cửa, một dấu"},
	}
	criteria := []Criterion{{ID: "a", Name: "=2*3"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clips := []Clip{{ID: "u1.1", Block: "xa-phuong", Status: Accepted, UnitID: "u1", UnitName: tt.title, Title: tt.title}}
			scores := []Scores{{ClipID: "u1.1", JurorID: "j1", Scores: map[string]int{"a": 7}}}
			data := Rank("demo", clips, scores, criteria, time.Time{}).CSV()
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
			if err != nil {
				t.Fatalf("parse CSV: %v", err)
			}
			want := [][]string{
				{"khoi", "hang", "ma_clip", "tieu_de", "don_vi", "'=2*3", "tong_diem", "so_giam_khao"},
				{"xa-phuong", "1", "u1.1", tt.want, tt.want, "7.00", "7.00", "1"},
			}
			if !slices.EqualFunc(rows, want, slices.Equal) {
				t.Errorf("CSV\n got %q\nwant %q", rows, want)
			}
		})
	}
}
