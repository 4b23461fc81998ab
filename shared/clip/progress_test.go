package clip_test

import (
	"reflect"
	"testing"

	"github.com/hoithi/hoithi/shared/clip"
)

func TestProgress(t *testing.T) {
	criteria := []clip.Criterion{{ID: "noi-dung"}, {ID: "sang-tao"}, {ID: "ky-thuat"}}
	clips := []clip.Clip{
		{ID: "u1.a", Title: "Clip A", Status: clip.Accepted},
		{ID: "u2.b", Title: "Clip B", Status: clip.Accepted},
		{ID: "u3.c", Title: "Clip C", Status: clip.Rejected},
	}
	hong := clip.Juror{ID: "p-hong", Email: "hong@x.vn", Name: "Lê Thị Hồng"}
	minh := clip.Juror{ID: "p-minh", Email: "minh@x.vn", Name: "Trần Văn Minh"}
	full := map[string]int{"noi-dung": 8, "sang-tao": 7, "ky-thuat": 9}
	tests := []struct {
		name   string
		jurors []clip.Juror
		scores []clip.Scores
		want   []clip.JurorProgress
	}{
		{"a jury that has scored nothing has every accepted clip to score", []clip.Juror{minh, hong}, nil,
			[]clip.JurorProgress{
				{Email: "hong@x.vn", Name: "Lê Thị Hồng", Incomplete: []clip.IncompleteSheet{}, ToScore: 2},
				{Email: "minh@x.vn", Name: "Trần Văn Minh", Incomplete: []clip.IncompleteSheet{}, ToScore: 2},
			}},
		{"a sheet with one criterion of three is incomplete and names the missing ones", []clip.Juror{hong},
			[]clip.Scores{{ClipID: "u1.a", JurorID: "p-hong", Scores: map[string]int{"noi-dung": 5}}, {ClipID: "u2.b", JurorID: "p-hong", Scores: full}},
			[]clip.JurorProgress{{Email: "hong@x.vn", Name: "Lê Thị Hồng", Complete: 1, Incomplete: []clip.IncompleteSheet{
				{ClipID: "u1.a", Title: "Clip A", Missing: []string{"sang-tao", "ky-thuat"}}}}}},
		{"scores of a clip that is not accepted and of criteria no longer configured do not count", []clip.Juror{hong},
			[]clip.Scores{{ClipID: "u3.c", JurorID: "p-hong", Scores: full}, {ClipID: "u1.a", JurorID: "p-hong", Scores: map[string]int{"am-nhac": 9}}},
			[]clip.JurorProgress{{Email: "hong@x.vn", Name: "Lê Thị Hồng", Incomplete: []clip.IncompleteSheet{}, ToScore: 2}}},
		{"someone no longer on the jury whose sheets count is listed after the jury as former", []clip.Juror{hong},
			[]clip.Scores{{ClipID: "u2.b", JurorID: "p-old", JurorName: "Nguyễn Cũ", Scores: full}},
			[]clip.JurorProgress{
				{Email: "hong@x.vn", Name: "Lê Thị Hồng", Incomplete: []clip.IncompleteSheet{}, ToScore: 2},
				{Name: "Nguyễn Cũ", Complete: 1, Incomplete: []clip.IncompleteSheet{}, ToScore: 1, Former: true},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := clip.Progress(tt.jurors, clips, tt.scores, criteria)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
