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
