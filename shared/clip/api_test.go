package clip_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/contest"
)

func TestTheClipsAPIShapes(t *testing.T) {
	s := clip.Defaults("data")
	at := time.Date(2026, 3, 2, 2, 30, 0, 0, time.UTC)
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"a complete request's parts are named as the bucket names them", func(t *testing.T) {
			var req clip.CompleteRequest
			if err := json.Unmarshal([]byte(`{"parts":[{"partNumber":1,"etag":"\"a\""},{"partNumber":2,"etag":"\"b\""}]}`), &req); err != nil {
				t.Fatal(err)
			}
			want := []clip.Part{{Number: 1, ETag: `"a"`}, {Number: 2, ETag: `"b"`}}
			if got := req.Named(); !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		}},
		{"a complete request without parts names none", func(t *testing.T) {
			if got := (clip.CompleteRequest{}).Named(); len(got) != 0 {
				t.Errorf("got %+v", got)
			}
		}},
		{"a juror's sheet is answered for the clip scored, its time in Vietnam", func(t *testing.T) {
			got := clip.SheetOf("u1.a", clip.Scores{ClipID: "u1.a", Scores: map[string]int{"noi-dung": 8}, UpdatedAt: at})
			if got.ClipID != "u1.a" || got.Scores["noi-dung"] != 8 || !got.UpdatedAt.Equal(at) || got.UpdatedAt.Location() != contest.ICT {
				t.Errorf("sheet %+v", got)
			}
		}},
		{"an empty list still shows the rules and an empty array of clips", func(t *testing.T) {
			data, err := json.Marshal(s.NewList())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), `"clips":[]`) || !strings.Contains(string(data), `"genres":`) || strings.Contains(string(data), `"quota"`) {
				t.Errorf("list %s", data)
			}
		}},
		{"the jury's progress counts the accepted clips and follows only the jury among the staff", func(t *testing.T) {
			staff := []contest.Member{
				{Email: "hong@x.vn", Name: "Lê Thị Hồng", Roles: []contest.Role{contest.RoleJury}},
				{Email: "btc@x.vn", Name: "Ban Tổ chức", Roles: []contest.Role{contest.RoleOrganiser}},
			}
			clips := []clip.Clip{{ID: "u1.a", Title: "Clip A", Status: clip.Accepted}}
			got := clip.ProgressOf("demo", staff, clips, nil, s.Criteria)
			if got.Clips != 1 || len(got.Jurors) != 1 || got.Jurors[0].Email != "hong@x.vn" || got.Jurors[0].ToScore != 1 ||
				!reflect.DeepEqual(got.Criteria, s.Criteria) {
				t.Errorf("progress %+v", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}
