package reminder

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/participation"
)

func TestWhoOfAUnitIsReminded(t *testing.T) {
	c := contest.Contest{ID: "demo", Title: "Hội thi CCHC"}
	opens := time.Date(2026, 11, 30, 0, 0, 0, 0, contest.ICT)
	r := contest.Round{ID: "2026-w49", Title: "Tuần 1", OpensAt: opens, ClosesAt: opens.AddDate(0, 0, 7)}
	u := contest.Unit{ID: "so-noi-vu", Name: "Sở Nội vụ", Headcount: 4}
	p := participation.Unit{
		TakenPart:    []participation.Person{{Email: "a@x.vn", Name: "A"}},
		InProgress:   []participation.Person{{Email: "b@x.vn", Name: "B"}},
		NotTakenPart: []participation.Person{{Email: "c@x.vn", Name: "C"}, {Email: "d@x.vn", Name: "D"}},
		Admins:       []participation.Person{{Email: "a@x.vn", Name: "A"}},
	}
	tests := []struct {
		name       string
		adminsOnly bool
		want       []string // claims, in order
	}{
		{"on the last day the admin's summary comes first, then everyone who has not started", false, []string{"admin:a@x.vn", "c@x.vn", "d@x.vn"}},
		{"mid-week only the admins hear, with the list", true, []string{"admin:a@x.vn"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := For(c, r, u, p, tt.adminsOnly, "https://hoithi.example.vn/")
			var claims []string
			for _, e := range got {
				claims = append(claims, e.Claim)
			}
			if fmt.Sprint(claims) != fmt.Sprint(tt.want) {
				t.Errorf("claims %v, want %v", claims, tt.want)
			}
		})
	}
	got := For(c, r, u, p, false, "https://hoithi.example.vn/")
	t.Run("someone taking a paper now is not reminded", func(t *testing.T) {
		for _, e := range got {
			if e.To == "b@x.vn" {
				t.Errorf("%s is reminded: %+v", e.To, e)
			}
		}
	})
	t.Run("the summary lists who has not taken part and links the unit page", func(t *testing.T) {
		s := got[0]
		if !s.Summary || !strings.Contains(s.Text, "1. C <c@x.vn>") || !strings.Contains(s.Text, "https://hoithi.example.vn/#/don-vi") ||
			s.Subject != "Sở Nội vụ: Tuần 1 — 1/4 người đã tham gia" {
			t.Errorf("summary %+v", s)
		}
	})
	t.Run("a reminder says when the round closes, in Vietnam's time", func(t *testing.T) {
		if !strings.Contains(got[1].Text, "23:59 ngày 06/12/2026") || got[1].Subject != "Nhắc nhở: bạn chưa tham gia Tuần 1" {
			t.Errorf("reminder %+v", got[1])
		}
	})
}

func TestBatches(t *testing.T) {
	for _, tt := range []struct {
		name string
		n    int
		want string
	}{
		{"no e-mails make no batch", 0, "[]"},
		{"a few e-mails make one batch", 3, "[3]"},
		{"a full batch is one", BatchSize, fmt.Sprintf("[%d]", BatchSize)},
		{"one more starts a second batch", BatchSize + 1, fmt.Sprintf("[%d 1]", BatchSize)},
		{"a 60-person unit is three batches", 60, fmt.Sprintf("[%d %d 10]", BatchSize, BatchSize)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var sizes []int
			for _, b := range Batches(make([]Email, tt.n)) {
				sizes = append(sizes, len(b))
			}
			if got := fmt.Sprint(sizes); got != tt.want && !(tt.want == "[]" && sizes == nil) {
				t.Errorf("batches %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPacingAndPlan(t *testing.T) {
	for _, tt := range []struct {
		name      string
		rate      float64
		emails    int
		wantEvery time.Duration
		wantPlan  time.Duration
	}{
		{"at 8 e-mails a second reminders get 4: a batch every 6.25 s", 8, 6_100, 6250 * time.Millisecond, 1525 * time.Second},
		{"a national Saturday of 240,000 at 14 a second fits a 12-hour day", 14, 240_000, 3571428571, 34285714285714},
		{"no rate set counts as 1 a second", 0, 10, 50 * time.Second, 20 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Pacing(tt.rate); got.Every != tt.wantEvery || got.Burst != 1 {
				t.Errorf("pacing %+v, want a batch every %s, burst 1", got, tt.wantEvery)
			}
			if got := Plan(tt.emails, tt.rate); got != tt.wantPlan {
				t.Errorf("plan %s, want %s", got, tt.wantPlan)
			}
		})
	}
	if Plan(240_000, 14) > 12*time.Hour {
		t.Error("a 240,000-e-mail run does not fit a 12-hour window at 14 a second")
	}
}

func TestProgress(t *testing.T) {
	run := Run{Units: 500, Headcount: 20_000}
	for _, tt := range []struct {
		name     string
		p        Progress
		done     bool
		leftAt10 time.Duration
	}{
		{"a run just started is planned on its headcount", Progress{Run: run}, false, 4000 * time.Second},
		{"units counted, e-mails still owed", Progress{Run: run, UnitsDone: 500, Queued: 19_000, Sent: 18_000}, false, 200 * time.Second},
		{"every unit counted and every e-mail sent is done", Progress{Run: run, UnitsDone: 500, Queued: 19_000, Sent: 19_000}, true, 0},
		{"a re-run that found everything queued before is done when its units are", Progress{Run: run, UnitsDone: 500, Skipped: 19_000}, true, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Done(); got != tt.done {
				t.Errorf("done %v, want %v", got, tt.done)
			}
			if got := tt.p.Remaining(10); got != tt.leftAt10 {
				t.Errorf("remaining at 10/s %s, want %s", got, tt.leftAt10)
			}
		})
	}
}

func TestRunIDs(t *testing.T) {
	id, err := NewRunID()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		id   string
		want bool
	}{
		{"a new run ID is valid", id, true},
		{"an empty one is not", "", false},
		{"one with a separator is not", "0123456789abcde#", false},
		{"an upper-case one is not", "0123456789ABCDEF", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidRunID(tt.id); got != tt.want {
				t.Errorf("ValidRunID(%q) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}

func TestALargeUnitIsSplitIntoChunks(t *testing.T) {
	run := Run{Contest: "demo", Round: "2026-w49", Slot: "reminder-last-day", ID: "0123456789abcdef"}
	units := []contest.Unit{{ID: "nho", Headcount: 5}, {ID: "lon", Headcount: 12}, {ID: "khong-ai", Headcount: 0}}
	for _, tt := range []struct {
		name  string
		chunk int
		want  map[string]int // jobs per unit
	}{
		{"units within a chunk are one job each", 20, map[string]int{"nho": 1, "lon": 1, "khong-ai": 1}},
		{"a unit over a chunk is split into as many chunks as it takes", 5, map[string]int{"nho": 1, "lon": 3, "khong-ai": 1}},
		{"no chunk size means one job per unit", 0, map[string]int{"nho": 1, "lon": 1, "khong-ai": 1}},
		{"a chunk of one makes a job per person", 1, map[string]int{"nho": 5, "lon": 12, "khong-ai": 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]int{}
			for _, j := range Jobs(run, units, tt.chunk) {
				got[j.Unit.ID]++
				if j.Chunks > 1 && (j.Chunk < 0 || j.Chunk >= j.Chunks) {
					t.Errorf("job %+v: chunk out of its count", j)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("jobs %v, want %v", got, tt.want)
			}
			for u, n := range tt.want {
				if got[u] != n {
					t.Errorf("unit %s: %d jobs, want %d", u, got[u], n)
				}
			}
		})
	}
	t.Run("a unit is split into at most MaxChunks jobs", func(t *testing.T) {
		if n := len(Jobs(run, []contest.Unit{{ID: "rat-lon", Headcount: 100_000}}, 10)); n != MaxChunks {
			t.Errorf("%d jobs, want %d", n, MaxChunks)
		}
	})
	t.Run("each person is in exactly one chunk, the summaries in the first", func(t *testing.T) {
		jobs := Jobs(run, []contest.Unit{{ID: "lon", Headcount: 1000}}, 100)
		var emails []Email
		for i := range 1000 {
			a := fmt.Sprintf("nguoi.%04d@demo.hue.gov.vn", i)
			emails = append(emails, Email{Claim: a, To: a})
		}
		emails = append(emails, Email{Claim: "admin:qt@demo.hue.gov.vn", Summary: true, To: "qt@demo.hue.gov.vn"})
		sizes := make([]int, len(jobs))
		for _, e := range emails {
			n := 0
			for k, j := range jobs {
				if j.Takes(e) {
					n++
					sizes[k]++
					if e.Summary && j.Chunk != 0 {
						t.Errorf("the summary is chunk %d's", j.Chunk)
					}
				}
			}
			if n != 1 {
				t.Errorf("%s is in %d chunks", e.Claim, n)
			}
		}
		for k, n := range sizes {
			if n == 0 || n > 200 {
				t.Errorf("chunk %d has %d of 1,001 e-mails: want about 100", k, n)
			}
		}
	})
	t.Run("a chunk is what the reminders' share queues in a job's time", func(t *testing.T) {
		for _, c := range []struct {
			rate float64
			want int
		}{{14, 840}, {1, 60}, {0.01, BatchSize}} {
			if got := ChunkSize(c.rate); got != c.want {
				t.Errorf("ChunkSize(%v) = %d, want %d", c.rate, got, c.want)
			}
		}
	})
}
