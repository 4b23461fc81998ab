package testenv

import (
	"testing"
	"time"
)

func TestWithRoom(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		now  string
		room time.Duration
		want string
	}{
		{name: "a Wednesday noon has room: the clock stays", now: "2026-12-09T12:00:00+07:00", room: 3 * time.Hour, want: "2026-12-09T12:00:00+07:00"},
		{name: "Sunday 23:59:30 ICT moves back to leave the room", now: "2026-12-06T23:59:30+07:00", room: 3 * time.Hour, want: "2026-12-06T21:00:00+07:00"},
		{name: "Monday 00:00:30 ICT has a whole week", now: "2026-12-07T00:00:30+07:00", room: 3 * time.Hour, want: "2026-12-07T00:00:30+07:00"},
		{name: "the ICT week ends at 17:00 UTC on Sunday", now: "2026-12-06T16:30:00Z", room: time.Hour, want: "2026-12-06T16:00:00Z"},
		{name: "the last hours of 2026 (ISO week 53) keep their week", now: "2027-01-01T00:00:30+07:00", room: 3 * time.Hour, want: "2027-01-01T00:00:30+07:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WithRoom(at(tt.now), tt.room); !got.Equal(at(tt.want)) {
				t.Errorf("WithRoom(%s, %s) = %s, want %s", tt.now, tt.room, got, tt.want)
			}
		})
	}
}
