package contest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

// week1 opens Monday 08:00 and closes the next Monday 08:00, Vietnam time.
var (
	week1Opens  = time.Date(2025, time.March, 3, 8, 0, 0, 0, contest.ICT)
	week1Closes = time.Date(2025, time.March, 10, 8, 0, 0, 0, contest.ICT)
)

func validRound() contest.Round {
	return contest.Round{
		ContestID:     "hue-2025",
		ID:            "tuan-01",
		Title:         "Tuần thi thứ nhất",
		Audience:      contest.AudienceStaff,
		OpensAt:       week1Opens,
		ClosesAt:      week1Closes,
		QuestionCount: 15,
		TimeLimit:     20 * time.Minute,
		Attempts:      2,
		BankID:        "ngan-hang-01",
	}
}

func TestRoundStatus(t *testing.T) {
	r := validRound()
	tests := []struct {
		name string
		now  time.Time
		want contest.Status
	}{
		{name: "a day before opening the round is upcoming", now: week1Opens.Add(-24 * time.Hour), want: contest.StatusUpcoming},
		{name: "one nanosecond before opening the round is upcoming", now: week1Opens.Add(-time.Nanosecond), want: contest.StatusUpcoming},
		{name: "at the opening instant the round is open", now: week1Opens, want: contest.StatusOpen},
		{name: "at the opening instant seen in UTC the round is open", now: week1Opens.UTC(), want: contest.StatusOpen},
		{name: "one nanosecond after opening the round is open", now: week1Opens.Add(time.Nanosecond), want: contest.StatusOpen},
		{name: "mid-week the round is open", now: week1Opens.Add(72 * time.Hour), want: contest.StatusOpen},
		{name: "one nanosecond before closing the round is open", now: week1Closes.Add(-time.Nanosecond), want: contest.StatusOpen},
		{name: "at the closing instant the round is closed", now: week1Closes, want: contest.StatusClosed},
		{name: "at the closing instant seen in UTC the round is closed", now: week1Closes.UTC(), want: contest.StatusClosed},
		{name: "one nanosecond after closing the round is closed", now: week1Closes.Add(time.Nanosecond), want: contest.StatusClosed},
		{name: "a month after closing the round is closed", now: week1Closes.AddDate(0, 1, 0), want: contest.StatusClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := r.Status(tt.now), tt.want; got != want {
				t.Errorf("Status(%v) = %q, want %q", tt.now, got, want)
			}
		})
	}
}

func TestRoundCheckOpen(t *testing.T) {
	r := validRound()
	tests := []struct {
		name     string
		now      time.Time
		wantCode string // "" means no error
	}{
		{name: "before opening it refuses with round_not_open", now: week1Opens.Add(-time.Nanosecond), wantCode: "round_not_open"},
		{name: "at the opening instant it accepts", now: week1Opens, wantCode: ""},
		{name: "just before closing it accepts", now: week1Closes.Add(-time.Nanosecond), wantCode: ""},
		{name: "at the closing instant it refuses with round_closed", now: week1Closes, wantCode: "round_closed"},
		{name: "after closing it refuses with round_closed", now: week1Closes.Add(time.Hour), wantCode: "round_closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := r.CheckOpen(tt.now)
			if got, want := fault.CodeOf(err), tt.wantCode; got != want {
				t.Fatalf("CheckOpen(%v) code = %q (err %v), want %q", tt.now, got, err, want)
			}
			if tt.wantCode == "" {
				if err != nil {
					t.Errorf("CheckOpen(%v) = %v, want nil", tt.now, err)
				}
				return
			}
			e, ok := fault.As(err)
			if !ok {
				t.Fatalf("CheckOpen(%v) = %v, want a *fault.Error", tt.now, err)
			}
			if got, want := e.Kind, fault.KindClosed; got != want {
				t.Errorf("Kind = %v, want %v", got, want)
			}
			if e.Message == "" {
				t.Errorf("Message is empty, want a message a participant can act on")
			}
		})
	}

	t.Run("the not-open message gives the opening time in Vietnam time", func(t *testing.T) {
		e, ok := fault.As(r.CheckOpen(week1Opens.Add(-time.Hour)))
		if !ok {
			t.Fatal("CheckOpen before opening returned no *fault.Error")
		}
		if got, want := e.Message, "08:00 03/03/2025"; !strings.Contains(got, want) {
			t.Errorf("Message = %q, want it to contain %q", got, want)
		}
	})
}

func TestRoundDeadline(t *testing.T) {
	tests := []struct {
		name      string
		timeLimit time.Duration
		startedAt time.Time
		want      time.Time
	}{
		{name: "a paper started early is due after the time limit",
			timeLimit: 20 * time.Minute, startedAt: week1Opens.Add(time.Hour),
			want: week1Opens.Add(time.Hour + 20*time.Minute)},
		{name: "a paper started near closing is due when the round closes",
			timeLimit: 20 * time.Minute, startedAt: week1Closes.Add(-5 * time.Minute),
			want: week1Closes},
		{name: "a paper whose time limit ends exactly at closing is due at closing",
			timeLimit: 20 * time.Minute, startedAt: week1Closes.Add(-20 * time.Minute),
			want: week1Closes},
		{name: "a paper whose time limit ends one nanosecond before closing is due then",
			timeLimit: 20 * time.Minute, startedAt: week1Closes.Add(-20*time.Minute - time.Nanosecond),
			want: week1Closes.Add(-time.Nanosecond)},
		{name: "with no time limit a paper is due when the round closes",
			timeLimit: 0, startedAt: week1Opens.Add(time.Hour),
			want: week1Closes},
		{name: "a negative time limit counts as none",
			timeLimit: -time.Minute, startedAt: week1Opens.Add(time.Hour),
			want: week1Closes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRound()
			r.TimeLimit = tt.timeLimit
			if got, want := r.Deadline(tt.startedAt), tt.want; !got.Equal(want) {
				t.Errorf("Deadline(%v) with limit %v = %v, want %v", tt.startedAt, tt.timeLimit, got, want)
			}
		})
	}
}

func TestRoundValidate(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(*contest.Round)
		wantCode string // "" means valid
	}{
		{name: "a complete round is valid", edit: func(*contest.Round) {}},
		{name: "a citizens' round is valid", edit: func(r *contest.Round) { r.Audience = contest.AudienceCitizen }},
		{name: "a round without a time limit is valid", edit: func(r *contest.Round) { r.TimeLimit = 0 }},
		{name: "a one-question round is valid", edit: func(r *contest.Round) { r.QuestionCount = 1 }},
		{name: "a round of MaxQuestions questions is valid", edit: func(r *contest.Round) { r.QuestionCount = contest.MaxQuestions }},
		{name: "a round with one attempt is valid", edit: func(r *contest.Round) { r.Attempts = 1 }},
		{name: "a round with ten attempts is valid", edit: func(r *contest.Round) { r.Attempts = 10 }},
		{name: "a round lasting one nanosecond is valid", edit: func(r *contest.Round) { r.ClosesAt = r.OpensAt.Add(time.Nanosecond) }},

		{name: "an empty id is invalid", edit: func(r *contest.Round) { r.ID = "" }, wantCode: "invalid_round"},
		{name: "an upper-case id is invalid", edit: func(r *contest.Round) { r.ID = "Tuan-01" }, wantCode: "invalid_round"},
		{name: "an id starting with a hyphen is invalid", edit: func(r *contest.Round) { r.ID = "-tuan" }, wantCode: "invalid_round"},
		{name: "an id with a dot is invalid", edit: func(r *contest.Round) { r.ID = "tuan.01" }, wantCode: "invalid_round"},
		{name: "an id of 64 characters is invalid", edit: func(r *contest.Round) { r.ID = strings.Repeat("a", 64) }, wantCode: "invalid_round"},
		{name: "an empty title is invalid", edit: func(r *contest.Round) { r.Title = "" }, wantCode: "invalid_round"},
		{name: "an empty audience is invalid", edit: func(r *contest.Round) { r.Audience = "" }, wantCode: "invalid_round"},
		{name: "an unknown audience is invalid", edit: func(r *contest.Round) { r.Audience = "students" }, wantCode: "invalid_round"},
		{name: "closing at the opening instant is invalid", edit: func(r *contest.Round) { r.ClosesAt = r.OpensAt }, wantCode: "invalid_round"},
		{name: "closing before opening is invalid", edit: func(r *contest.Round) { r.OpensAt, r.ClosesAt = r.ClosesAt, r.OpensAt }, wantCode: "invalid_round"},
		{name: "zero times are invalid", edit: func(r *contest.Round) { r.OpensAt, r.ClosesAt = time.Time{}, time.Time{} }, wantCode: "invalid_round"},
		{name: "zero questions are invalid", edit: func(r *contest.Round) { r.QuestionCount = 0 }, wantCode: "invalid_round"},
		{name: "more than MaxQuestions questions are invalid", edit: func(r *contest.Round) { r.QuestionCount = contest.MaxQuestions + 1 }, wantCode: "invalid_round"},
		{name: "a negative time limit is invalid", edit: func(r *contest.Round) { r.TimeLimit = -time.Second }, wantCode: "invalid_round"},
		{name: "zero attempts are invalid", edit: func(r *contest.Round) { r.Attempts = 0 }, wantCode: "invalid_round"},
		{name: "eleven attempts are invalid", edit: func(r *contest.Round) { r.Attempts = 11 }, wantCode: "invalid_round"},
		{name: "an empty bank id is invalid", edit: func(r *contest.Round) { r.BankID = "" }, wantCode: "invalid_round"},
		{name: "a bank id with a slash is invalid", edit: func(r *contest.Round) { r.BankID = "banks/01" }, wantCode: "invalid_round"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRound()
			tt.edit(&r)
			err := r.Validate()
			if got, want := fault.CodeOf(err), tt.wantCode; got != want {
				t.Fatalf("Validate() code = %q (err %v), want %q", got, err, want)
			}
			if tt.wantCode == "" && err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
			if tt.wantCode != "" {
				if e, _ := fault.As(err); e.Kind != fault.KindInvalid {
					t.Errorf("Kind = %v, want %v", e.Kind, fault.KindInvalid)
				}
			}
		})
	}
}

func TestRoundCheckAttempt(t *testing.T) {
	tests := []struct {
		name     string
		attempts int
		n        int
		wantMsg  string // "" means allowed
	}{
		{name: "the first attempt of a one-attempt round may start", attempts: 1, n: 1},
		{name: "a second attempt of a one-attempt round is refused with the once-a-week message", attempts: 1, n: 2,
			wantMsg: "Bạn đã dự thi tuần này. Mỗi người chỉ được dự thi một lần mỗi tuần."},
		{name: "the last attempt of a three-attempt round may start", attempts: 3, n: 3},
		{name: "a fourth attempt of a three-attempt round is refused", attempts: 3, n: 4,
			wantMsg: "Bạn đã dùng hết số lượt dự thi của tuần này."},
		{name: "a round without attempts refuses the first", attempts: 0, n: 1,
			wantMsg: "Bạn đã dùng hết số lượt dự thi của tuần này."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := contest.Round{Attempts: tt.attempts}.CheckAttempt(tt.n)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("CheckAttempt(%d) = %v, want nil", tt.n, err)
				}
				return
			}
			e, ok := fault.As(err)
			if !ok || e.Code != "attempts_used" || e.Kind != fault.KindConflict || e.Message != tt.wantMsg {
				t.Errorf("CheckAttempt(%d) = %v, want a conflict attempts_used %q", tt.n, err, tt.wantMsg)
			}
		})
	}
}

func TestRoundKnownAllCorrect(t *testing.T) {
	seven := 7
	published := week1Closes.Add(30 * time.Minute)
	tests := []struct {
		name  string
		round contest.Round
		want  int
	}{
		{name: "a round not published has no known count", round: contest.Round{AllCorrect: &seven}, want: -1},
		{name: "a round published before the count was recorded has no known count", round: contest.Round{PublishedAt: published}, want: -1},
		{name: "a published round has its count", round: contest.Round{PublishedAt: published, AllCorrect: &seven}, want: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.round.KnownAllCorrect(); got != tt.want {
				t.Errorf("KnownAllCorrect = %d, want %d", got, tt.want)
			}
			again := validRound()
			again.KeepPublication(tt.round)
			if again.KnownAllCorrect() != tt.want || !again.PublishedAt.Equal(tt.round.PublishedAt) {
				t.Errorf("a round written again keeps %v / %d, want %v / %d", again.PublishedAt, again.KnownAllCorrect(), tt.round.PublishedAt, tt.want)
			}
		})
	}
}

func TestRoundCheckChange(t *testing.T) {
	r := validRound()
	change := func(f func(*contest.Round)) contest.Round {
		n := r
		f(&n)
		return n
	}
	before, during, after := week1Opens.Add(-time.Minute), week1Opens, week1Closes.Add(time.Hour)
	tests := []struct {
		name      string
		next      contest.Round
		now       time.Time
		wantField string
	}{
		{name: "an upcoming round may change its bank", next: change(func(n *contest.Round) { n.BankID = "khac" }), now: before},
		{name: "an upcoming round may change its time limit, attempts and opening", next: change(func(n *contest.Round) {
			n.TimeLimit, n.Attempts, n.OpensAt = time.Minute, 1, week1Opens.Add(time.Hour)
		}), now: before},
		{name: "an open round may change its title and closing time", next: change(func(n *contest.Round) {
			n.Title, n.ClosesAt = "Tuần một", week1Closes.Add(24*time.Hour)
		}), now: during},
		{name: "an open round keeps its bank", next: change(func(n *contest.Round) { n.BankID = "khac" }), now: during, wantField: "bankId"},
		{name: "an open round keeps its question count", next: change(func(n *contest.Round) { n.QuestionCount = 10 }), now: during, wantField: "bankId"},
		{name: "an open round keeps its time limit", next: change(func(n *contest.Round) { n.TimeLimit = time.Hour }), now: during, wantField: "timeLimitMinutes"},
		{name: "an open round keeps its attempts", next: change(func(n *contest.Round) { n.Attempts = 1 }), now: during, wantField: "attempts"},
		{name: "an open round keeps its opening time", next: change(func(n *contest.Round) { n.OpensAt = week1Opens.Add(time.Hour) }), now: during, wantField: "opensAt"},
		{name: "an open round keeps its audience", next: change(func(n *contest.Round) { n.Audience = contest.AudienceCitizen }), now: during, wantField: "opensAt"},
		{name: "a closed round keeps its time limit too", next: change(func(n *contest.Round) { n.TimeLimit = time.Hour }), now: after, wantField: "timeLimitMinutes"},
		{name: "an unchanged open round is fine", next: r, now: during},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			field, err := r.CheckChange(tt.next, tt.now)
			if field != tt.wantField {
				t.Fatalf("field %q, want %q (err %v)", field, tt.wantField, err)
			}
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if e, ok := fault.As(err); !ok || e.Kind != fault.KindConflict || !strings.Contains(e.Message, "Tuần thi đã mở") {
				t.Fatalf("error %v, want a conflict saying the round has opened", err)
			}
		})
	}
}
