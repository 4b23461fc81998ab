package contest_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

func TestWhatARequestNames(t *testing.T) {
	me, other := contest.ParticipantID("demo", "a@demo.vn"), contest.ParticipantID("demo", "b@demo.vn")
	ref := contest.PaperRef{RoundID: "tuan-1", ParticipantID: me, Attempt: 1}
	tests := []struct {
		name string
		err  func() error
		code string
	}{
		{"a request naming no contest is for the default one", func() error {
			id, err := contest.ContestIn("", "demo")
			if err == nil && id != "demo" {
				t.Errorf("contest %q, want demo", id)
			}
			return err
		}, ""},
		{"a request naming a contest is for that one", func() error {
			id, err := contest.ContestIn("hue-2026", "demo")
			if err == nil && id != "hue-2026" {
				t.Errorf("contest %q, want hue-2026", id)
			}
			return err
		}, ""},
		{"a malformed contest id names no contest", func() error { _, err := contest.ContestIn("Hội", "demo"); return err }, "contest_not_found"},
		{"a malformed round id names no round", func() error { return contest.CheckRoundID("Tuần 1") }, "round_not_found"},
		{"a well-formed round id passes", func() error { return contest.CheckRoundID("tuan-1") }, ""},
		{"one's own paper id passes", func() error { _, err := contest.OwnPaper(ref.ID(), me); return err }, ""},
		{"another's paper id is refused", func() error { _, err := contest.OwnPaper(ref.ID(), other); return err }, "not_your_paper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.err(); fault.CodeOf(err) != tt.code {
				t.Errorf("got %v, want %q", err, tt.code)
			}
		})
	}
}

func TestWhoMayStartAPaper(t *testing.T) {
	now := time.Date(2026, 3, 11, 9, 0, 0, 0, contest.ICT)
	open := contest.Round{ID: "tuan-2", BankID: "ngan-hang-01", Audience: contest.AudienceStaff, QuestionCount: 3,
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), TimeLimit: 20 * time.Minute, Attempts: 1}
	staff := contest.Entrant{ContestID: "demo", ParticipantID: "p1", Email: "a@demo.vn", Audience: contest.AudienceStaff,
		Roles: []contest.Role{contest.RoleParticipant}}
	organiser, citizen := staff, staff
	organiser.Roles = []contest.Role{contest.RoleParticipant, contest.RoleOrganiser}
	citizen.Audience = contest.AudienceCitizen
	closed := open
	closed.ClosesAt = now.Add(-time.Minute)
	tests := []struct {
		name  string
		e     contest.Entrant
		round contest.Round
		code  string
	}{
		{"a participant of the round's audience starts an open round", staff, open, ""},
		{"an organiser does not compete", organiser, open, "not_allowed_to_compete"},
		{"a citizen does not take the staff's round", citizen, open, "wrong_audience"},
		{"nobody starts a closed round", staff, closed, "round_closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.e.CheckStart(tt.round, now); fault.CodeOf(err) != tt.code {
				t.Errorf("got %v, want %q", err, tt.code)
			}
		})
	}
	t.Run("a new paper is the entrant's, drawn from the bank, due at the round's deadline", func(t *testing.T) {
		p, err := staff.NewPaper(open, paperBank(t), 1, now.Add(123456*time.Nanosecond), contest.Requester{}, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		if p.ParticipantID != "p1" || p.RoundID != "tuan-2" || p.BankID != "ngan-hang-01" || len(p.Items) != 3 ||
			p.Status != contest.PaperInProgress || !p.StartedAt.Equal(now) || !p.Deadline.Equal(now.Add(20*time.Minute)) {
			t.Errorf("paper %+v", p)
		}
	})
}

func TestWhatTheQuizShows(t *testing.T) {
	now := time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC)
	rounds := []contest.Round{
		{ID: "tuan-2", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), TimeLimit: 15 * time.Minute},
		{ID: "tuan-1", OpensAt: now.Add(-48 * time.Hour), ClosesAt: now.Add(-24 * time.Hour)},
	}
	t.Run("rounds are listed by opening, with their status and times in ICT", func(t *testing.T) {
		got := contest.RoundViews(rounds, now)
		if len(got) != 2 || got[0].ID != "tuan-1" || got[0].Status != contest.StatusClosed || got[1].Status != contest.StatusOpen ||
			got[1].TimeLimitSeconds != 900 || got[1].OpensAt.Location() != contest.ICT {
			t.Errorf("views %+v", got)
		}
		if rounds[0].ID != "tuan-2" {
			t.Error("the caller's rounds were reordered")
		}
	})
	t.Run("one's papers are listed with the one that counts marked", func(t *testing.T) {
		papers := []*contest.Paper{
			{RoundID: "tuan-1", ParticipantID: "p1", Attempt: 1, Status: contest.PaperSubmitted, Result: &contest.Result{Correct: 2, SubmittedAt: now}},
			{RoundID: "tuan-1", ParticipantID: "p1", Attempt: 2, Status: contest.PaperInProgress},
		}
		got := contest.Summaries(papers, 0)
		if len(got) != 2 || !got[0].Counts || got[1].Counts || got[0].Result.SubmittedAt.Location() != contest.ICT || got[1].Result != nil {
			t.Errorf("summaries %+v", got)
		}
		if papers[0].Result.SubmittedAt.Location() != time.UTC {
			t.Error("the paper's own result was changed")
		}
	})
}
