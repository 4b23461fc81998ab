package clip

import (
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

func TestWhoSeesWhatOfAClip(t *testing.T) {
	created := time.Date(2026, 3, 2, 2, 0, 0, 500_000_000, time.UTC)
	c := Clip{ID: "u.0000000000000001", UnitID: "u", Title: "T", Status: Uploading, Method: MethodPost,
		UploaderEmail: "qt@example.vn", UploaderName: "Quản trị", DeclaredSize: 100, DurationMs: 61_234,
		CreatedAt: created, UploadDeadline: created.Add(15 * time.Minute)}
	rejected := c
	rejected.Status, rejected.Reason, rejected.CheckedAt = Rejected, ReasonTooLong, created.Add(time.Minute)
	tests := []struct {
		name  string
		check func() bool
	}{
		{"the unit sees who uploaded", func() bool {
			v := UnitView(c, 5*time.Minute)
			return v.UploadedBy != nil && v.UploadedBy.Email == "qt@example.vn"
		}},
		{"the unit sees the deadline of an open upload, in Vietnam, to the second", func() bool {
			v := UnitView(c, 5*time.Minute)
			return v.UploadDeadline != nil && v.UploadDeadline.Location() == contest.ICT && v.UploadDeadline.Nanosecond() == 0
		}},
		{"the unit sees no deadline once the clip is checked", func() bool { return UnitView(rejected, 5*time.Minute).UploadDeadline == nil }},
		{"the unit is told why its clip was rejected", func() bool { return UnitView(rejected, 5*time.Minute).Message != "" }},
		{"durations are shown in seconds", func() bool { return UnitView(c, 5*time.Minute).DurationSeconds == 61.234 }},
		{"the public sees no uploader, upload or reason", func() bool {
			v := PublicView(rejected)
			return v.UploadedBy == nil && v.Method == "" && v.DeclaredSize == 0 && v.Reason == "" && v.Message == "" && v.CreatedAt == nil
		}},
		{"an unchecked clip shows no check time", func() bool { return UnitView(c, 5*time.Minute).CheckedAt == nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.check() {
				t.Error("does not hold")
			}
		})
	}
}

func TestWhatAListShowsEachAudience(t *testing.T) {
	s := Defaults("b")
	accepted := Clip{ID: "u.0000000000000001", UnitID: "u", Status: Accepted, UploaderEmail: "qt@u.vn"}
	uploading := Clip{ID: "u.0000000000000002", UnitID: "u", Status: Uploading, UploaderEmail: "qt@u.vn"}
	scores := []Scores{
		{ClipID: accepted.ID, JurorID: "j1", Scores: map[string]int{"noi-dung": 8}},
		{ClipID: accepted.ID, JurorID: "j2", Scores: map[string]int{"noi-dung": 6}},
	}
	watch := func(c Clip) (string, error) { return "https://watch/" + c.ID, nil }
	tests := []struct {
		name     string
		audience Audience
		clips    []Clip
		check    func([]View) bool
	}{
		{"a juror sees no uploader, a link and only the own scores", ForJury, []Clip{accepted}, func(v []View) bool {
			return v[0].UploadedBy == nil && v[0].VideoURL != "" && v[0].MyScores["noi-dung"] == 8 && v[0].Averages == nil
		}},
		{"an organiser sees an accepted clip's averages, jurors and link", ForOrganiser, []Clip{accepted}, func(v []View) bool {
			return v[0].UploadedBy != nil && v[0].VideoURL != "" && v[0].Averages["noi-dung"] == 7 && v[0].Jurors != nil && *v[0].Jurors == 2
		}},
		{"an organiser sees no link or averages of a clip still uploading", ForOrganiser, []Clip{uploading}, func(v []View) bool {
			return v[0].VideoURL == "" && v[0].Averages == nil && v[0].Jurors == nil
		}},
		{"the unit sees its clips without scores or links", ForUnit, []Clip{accepted, uploading}, func(v []View) bool {
			return len(v) == 2 && v[0].VideoURL == "" && v[0].Averages == nil && v[0].MyScores == nil && v[0].UploadedBy != nil
		}},
		{"the gallery shows no uploader or scores, and a link", ForPublic, []Clip{accepted}, func(v []View) bool {
			return v[0].UploadedBy == nil && v[0].MyScores == nil && v[0].Averages == nil && v[0].VideoURL != ""
		}},
		{"an empty list shows none, not null", ForUnit, nil, func(v []View) bool { return v != nil && len(v) == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Listing{Audience: tt.audience}.Show(tt.clips, scores, s, "j1", watch)
			if err != nil || !tt.check(got) {
				t.Errorf("got %+v (%v)", got, err)
			}
		})
	}
}
