package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/results"
	"github.com/hoithi/hoithi/shared/testenv"
)

// statisticsResponse is GET /rounds/{id}/statistics as organisers read it.
type statisticsResponse struct {
	Round     string `json:"round"`
	Final     bool   `json:"final"`
	Papers    int    `json:"papers"`
	Questions []struct {
		QuestionID     string   `json:"questionId"`
		Text           string   `json:"text"`
		Attempts       int      `json:"attempts"`
		Facility       float64  `json:"facility"`
		Discrimination *float64 `json:"discrimination"`
		Options        []struct {
			OptionID string `json:"optionId"`
			Text     string `json:"text"`
			Chosen   int    `json:"chosen"`
			Correct  bool   `json:"correct"`
		} `json:"options"`
		Flags []string `json:"flags"`
	} `json:"questions"`
	Blocks []struct {
		Block  contest.Block `json:"block"`
		Papers int           `json:"papers"`
	} `json:"blocks"`
}

func (a *tallyAPI) statistics(t *testing.T, roundID string) statisticsResponse {
	t.Helper()
	var st statisticsResponse
	a.call(t, http.MethodGet, "/rounds/"+roundID+"/statistics", a.organiser(t)).Decode(t, &st)
	return st
}

// othersAreRefused checks that everyone but an organiser is refused path.
func othersAreRefused(t *testing.T, a *tallyAPI, method, path string, body any) {
	t.Helper()
	participant := rosterOf("so-noi-vu")[1]
	for _, tt := range []struct {
		name, token string
		status      int
	}{
		{"without a token, " + method + " " + path + " is unauthorised", "", http.StatusUnauthorized},
		{"a participant is refused " + method + " " + path, a.env.TokenFor(t, participant.Email), http.StatusForbidden},
		{"a unit admin is refused " + method + " " + path, a.env.TokenFor(t, unitAdmin("so-noi-vu").Email), http.StatusForbidden},
		{"a juror is refused " + method + " " + path, a.env.TokenFor(t, juror().Email), http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := testenv.Call(t, a.routes, method, path, tt.token, body)
			if res.Status != tt.status {
				t.Errorf("status %d, want %d: %s", res.Status, tt.status, res.Body)
			}
		})
	}
}

// juror is a demo member of the jury.
func juror() contest.Member {
	for _, m := range demo.Staff() {
		if m.Has(contest.RoleJury) {
			return m
		}
	}
	panic("no juror in the demo")
}

func TestQuestionStatistics(t *testing.T) {
	a := newTallyAPI(t, nil)
	closed, open := a.closedRound(), a.openRound()
	othersAreRefused(t, a, http.MethodGet, "/rounds/"+closed.ID+"/statistics", nil)

	before := a.statistics(t, closed.ID)
	t.Run("before the weekly tally, a closed round's statistics are computed on demand, not final", func(t *testing.T) {
		if before.Final || before.Papers == 0 || len(before.Questions) == 0 {
			t.Errorf("final %v, papers %d, questions %d", before.Final, before.Papers, len(before.Questions))
		}
	})
	t.Run("each paper's questions are counted once: attempts add up to papers × questions", func(t *testing.T) {
		sum := 0
		for _, q := range before.Questions {
			sum += q.Attempts
		}
		if sum != before.Papers*closed.QuestionCount {
			t.Errorf("attempts %d, want %d × %d", sum, before.Papers, closed.QuestionCount)
		}
	})
	t.Run("each question has its text, options and exactly one key, and choices add up to at most its attempts", func(t *testing.T) {
		for _, q := range before.Questions {
			keys, chosen := 0, 0
			for _, o := range q.Options {
				chosen += o.Chosen
				if o.Correct {
					keys++
				}
				if o.Text == "" || o.OptionID == "" {
					t.Errorf("%s: option %+v", q.QuestionID, o)
				}
			}
			if q.Text == "" || keys != 1 || chosen > q.Attempts || q.Facility < 0 || q.Facility > 1 {
				t.Errorf("%s: text %q, keys %d, chosen %d of %d, facility %v", q.QuestionID, q.Text, keys, chosen, q.Attempts, q.Facility)
			}
		}
	})
	t.Run("the staff round has figures per block", func(t *testing.T) {
		n := 0
		for _, b := range before.Blocks {
			n += b.Papers
		}
		if len(before.Blocks) != 3 || n != before.Papers {
			t.Errorf("blocks %+v, want 3 adding up to %d papers", before.Blocks, before.Papers)
		}
	})

	a.schedule(t)
	after := a.statistics(t, closed.ID)
	t.Run("the weekly tally stores the final statistics for organisers", func(t *testing.T) {
		if !after.Final || after.Papers != before.Papers || len(a.objects(t, blob.InsightKey(demo.ContestID, closed.ID, results.StatisticsName))) != 1 {
			t.Errorf("final %v, papers %d (before %d)", after.Final, after.Papers, before.Papers)
		}
	})
	t.Run("no published file carries the statistics", func(t *testing.T) {
		for name, data := range a.published(t, closed.ID) {
			if strings.Contains(string(data), "discrimination") || strings.Contains(string(data), "facility") {
				t.Errorf("%s carries statistics", name)
			}
		}
	})
	t.Run("an open round's statistics are computed on demand", func(t *testing.T) {
		if st := a.statistics(t, open.ID); st.Final || st.Round != open.ID {
			t.Errorf("round %s, final %v", st.Round, st.Final)
		}
	})
	t.Run("an upcoming round has no statistics", func(t *testing.T) {
		a.call(t, http.MethodGet, "/rounds/"+a.upcomingRound().ID+"/statistics", a.organiser(t)).Expect(t, http.StatusConflict, "round_not_open")
	})
}
