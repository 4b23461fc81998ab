package main

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/results"
	"github.com/hoithi/hoithi/shared/tally"
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

// seedPaper stores m's submitted paper in round r: started at start, correct
// right answers of the round's questions (the demo's fixed draw: everyone
// has the same questions and the same mistakes), submitted after took from
// the given address and browser.
func seedPaper(t *testing.T, a *tallyAPI, r contest.Round, m contest.Member, start time.Time, correct int, took time.Duration, from contest.Requester) string {
	t.Helper()
	return seedPredicting(t, a, r, m, start, correct, took, from, 60)
}

// seedPredicting is seedPaper with the given prediction.
func seedPredicting(t *testing.T, a *tallyAPI, r contest.Round, m contest.Member, start time.Time, correct int, took time.Duration, from contest.Requester, prediction int) string {
	t.Helper()
	p := a.env.StartPaper(t, r, m, start)
	answers := testenv.AnswersFor(p, len(p.Items), correct)
	p.SubmittedFrom = from
	if _, ok, err := a.env.Store.SubmitPaper(context.Background(), p, answers, contest.Grade(p, answers, prediction, p.StartedAt.Add(took))); err != nil || !ok {
		t.Fatalf("SubmitPaper: %v %v", ok, err)
	}
	return p.ID()
}

type integrityFlag struct {
	PaperID     string `json:"paperId"`
	Participant string `json:"participant"`
	Unit        string `json:"unit"`
	Excluded    string `json:"excluded"`
	Signals     []struct {
		Kind   string `json:"kind"`
		Level  string `json:"level"`
		Detail string `json:"detail"`
	} `json:"signals"`
}

type integrityResponse struct {
	Flags  []integrityFlag `json:"flags"`
	Shared []struct {
		Kind   string `json:"kind"`
		Papers int    `json:"papers"`
		Units  []struct {
			Name   string `json:"name"`
			Papers int    `json:"papers"`
		} `json:"units"`
	} `json:"shared"`
}

func TestIntegrityReviewAndExclusion(t *testing.T) {
	a := newTallyAPI(t, nil)
	closed := a.closedRound()
	people := absentees(t, a, closed, 17)
	at := func(i int) time.Time { return closed.OpensAt.Add(time.Duration(2+i) * time.Hour) }
	home := func(i int) contest.Requester {
		return contest.NewRequester("198.51.100."+strconv.Itoa(i), "Điện thoại "+strconv.Itoa(i))
	}
	const officeAddress = "203.0.113.7"
	// GIVEN ten honest people in one office, behind one address, each with
	// their own browser, times and at most two mistakes
	office := map[string]bool{}
	for i, m := range people[:10] {
		seedPaper(t, a, closed, m, at(i).Add(time.Duration(i)*time.Minute), 15-i%3, time.Duration(200+17*i)*time.Second,
			contest.NewRequester(officeAddress, "Trình duyệt văn phòng "+strconv.Itoa(i)))
		office[m.Name] = true
	}
	// AND two who made the same three mistakes on the same questions
	twins := people[11:13]
	seedPaper(t, a, closed, twins[0], at(12), closed.QuestionCount-3, 300*time.Second, home(2))
	seedPaper(t, a, closed, twins[1], at(13), closed.QuestionCount-3, 280*time.Second, home(3))
	// AND two who started and submitted in the same seconds
	clones := people[13:15]
	seedPaper(t, a, closed, clones[0], at(14), closed.QuestionCount-1, 250*time.Second, home(4))
	seedPaper(t, a, closed, clones[1], at(14).Add(300*time.Millisecond), closed.QuestionCount-2, 250*time.Second, home(5))
	// AND one with a juror's name, signed in under another address
	namesake := people[15]
	namesake.Name = juror().Name
	seedPaper(t, a, closed, namesake, at(16), closed.QuestionCount, 400*time.Second, home(6))

	// AND, last, one person who answered all 15 in 9 seconds, from home,
	// predicting the exact all-correct count: first in the ranking
	fast := people[10]
	listed, err := a.env.Store.ListSubmitted(context.Background(), demo.ContestID, closed.ID)
	if err != nil {
		t.Fatal(err)
	}
	fastPaper := seedPredicting(t, a, closed, fast, at(11), closed.QuestionCount, 9*time.Second, home(1), tally.CountAllCorrect(listed)+1)

	othersAreRefused(t, a, http.MethodGet, "/rounds/"+closed.ID+"/integrity", nil)
	res := a.call(t, http.MethodGet, "/rounds/"+closed.ID+"/integrity", a.organiser(t))
	var rep integrityResponse
	res.Decode(t, &rep)
	flagged := map[string][]string{}
	for _, f := range rep.Flags {
		for _, s := range f.Signals {
			if s.Level == "suspicious" {
				flagged[f.Participant] = append(flagged[f.Participant], s.Kind)
			}
		}
	}
	for _, tt := range []struct {
		name, who, kind string
	}{
		{"the 9-second paper is flagged as impossible speed", fast.Name, "impossible_speed"},
		{"the first of the two with the same mistakes is flagged", twins[0].Name, "identical_answers"},
		{"the second of the two with the same mistakes is flagged", twins[1].Name, "identical_answers"},
		{"the first of the two in the same seconds is flagged", clones[0].Name, "identical_timings"},
		{"the second of the two in the same seconds is flagged", clones[1].Name, "identical_timings"},
		{"the juror's namesake is flagged", namesake.Name, "staff"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.Contains(flagged[tt.who], tt.kind) {
				t.Errorf("%s flagged %v, want %s", tt.who, flagged[tt.who], tt.kind)
			}
		})
	}
	t.Run("no one of the office is accused", func(t *testing.T) {
		for who := range flagged {
			if office[who] {
				t.Errorf("%s of the office is flagged %v", who, flagged[who])
			}
		}
	})
	t.Run("the office's address is counted, with its units", func(t *testing.T) {
		found := false
		for _, s := range rep.Shared {
			n := 0
			for _, u := range s.Units {
				n += u.Papers
			}
			if s.Kind == "shared_address" && s.Papers == 10 && n == 10 && s.Units[0].Name != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("shared %+v, want the office's 10 papers", rep.Shared)
		}
	})
	t.Run("the review never shows an address or a browser", func(t *testing.T) {
		for _, s := range []string{officeAddress, "198.51.100.", "Trình duyệt", "Điện thoại"} {
			if strings.Contains(string(res.Body), s) {
				t.Errorf("the review shows %q", s)
			}
		}
	})

	// WHEN the round is published, then the fast paper excluded and the round tallied again
	tallied := func(t *testing.T) tally.Result {
		t.Helper()
		a.call(t, http.MethodPost, "/rounds/"+closed.ID+"/tally", a.organiser(t)).Expect(t, http.StatusOK, "")
		var res tally.Result
		if err := json.Unmarshal(a.object(t, blob.ResultsPrefix(demo.ContestID, closed.ID)+"results.json"), &res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	before := tallied(t)
	othersAreRefused(t, a, http.MethodPost, "/papers/"+fastPaper+"/exclusion", map[string]string{"reason": "Làm bài quá nhanh"})
	othersAreRefused(t, a, http.MethodDelete, "/papers/"+fastPaper+"/exclusion", nil)
	t.Run("an exclusion needs a reason", func(t *testing.T) {
		testenv.Call(t, a.routes, http.MethodPost, "/papers/"+fastPaper+"/exclusion", a.organiser(t), map[string]string{"reason": " "}).Expect(t, http.StatusBadRequest, "reason_required")
	})
	var excl struct {
		PaperID  string `json:"paperId"`
		Excluded *struct {
			Reason string `json:"reason"`
			By     string `json:"by"`
		} `json:"excluded"`
	}
	testenv.Call(t, a.routes, http.MethodPost, "/papers/"+fastPaper+"/exclusion", a.organiser(t), map[string]string{"reason": "Làm bài quá nhanh"}).Decode(t, &excl)
	t.Run("the exclusion is stored with its reason and the organiser", func(t *testing.T) {
		if excl.PaperID != fastPaper || excl.Excluded == nil || excl.Excluded.Reason != "Làm bài quá nhanh" || excl.Excluded.By != "btc@"+demo.Domain {
			t.Errorf("exclusion %+v", excl)
		}
	})
	after := tallied(t)
	rankOf := func(res tally.Result, name string) (int, string) {
		for _, e := range res.Ranking {
			if e.Name == name {
				return e.Rank, e.Prize
			}
		}
		return 0, ""
	}
	t.Run("before the exclusion the fast paper ranked first with the first prize", func(t *testing.T) {
		if rank, prize := rankOf(before, fast.Name); rank != 1 || prize != "Giải Nhất" {
			t.Errorf("rank %d, prize %q", rank, prize)
		}
	})
	t.Run("at the next tally it is out of the ranking and the prizes, which move down", func(t *testing.T) {
		if rank, _ := rankOf(after, fast.Name); rank != 0 {
			t.Errorf("still ranked %d", rank)
		}
		if after.Ranking[0].Prize != "Giải Nhất" || after.Ranking[0].Name != before.Ranking[1].Name || len(after.Ranking) != len(before.Ranking)-1 {
			t.Errorf("first %+v, before second %+v", after.Ranking[0], before.Ranking[1])
		}
	})
	t.Run("the published results say one paper was excluded, not why", func(t *testing.T) {
		files := a.published(t, closed.ID)
		var res tally.Result
		if err := json.Unmarshal(files["results.json"], &res); err != nil || res.ExcludedPapers != 1 || res.Papers != before.Papers {
			t.Errorf("excluded %d, papers %d (before %d), %v", res.ExcludedPapers, res.Papers, before.Papers, err)
		}
		for name, data := range files {
			if strings.Contains(string(data), "quá nhanh") {
				t.Errorf("%s publishes the reason", name)
			}
		}
	})
	t.Run("the unit's participation does not change", func(t *testing.T) {
		// by id: the units' order may change (among equal rates, the average
		// score orders them, and it counts ranked papers only)
		was := map[string]tally.UnitStats{}
		for _, b := range before.Units {
			was[b.UnitID] = b
		}
		if len(after.Units) != len(before.Units) {
			t.Errorf("%d units, before %d", len(after.Units), len(before.Units))
		}
		for _, u := range after.Units {
			if b, ok := was[u.UnitID]; !ok || u.Participants != b.Participants || u.Papers != b.Papers || u.Rate != b.Rate {
				t.Errorf("unit %s: %d participants, %d papers, rate %v; before %d, %d, %v (listed %v)", u.UnitID, u.Participants, u.Papers, u.Rate, b.Participants, b.Papers, b.Rate, ok)
			}
		}
	})
	t.Run("no published file holds an address or a browser", func(t *testing.T) {
		for name, data := range a.published(t, closed.ID) {
			for _, s := range []string{officeAddress, "198.51.100.", "Trình duyệt", "Điện thoại", testenv.RemoteAddress, testenv.UserAgent} {
				if strings.Contains(string(data), s) {
					t.Errorf("%s holds %q", name, s)
				}
			}
		}
	})
	t.Run("the review shows the paper excluded, with its reason", func(t *testing.T) {
		var rep integrityResponse
		a.call(t, http.MethodGet, "/rounds/"+closed.ID+"/integrity", a.organiser(t)).Decode(t, &rep)
		i := slices.IndexFunc(rep.Flags, func(f integrityFlag) bool {
			return f.PaperID == fastPaper
		})
		if i < 0 || rep.Flags[i].Excluded != "Làm bài quá nhanh" {
			t.Errorf("flags %+v", rep.Flags)
		}
	})
	t.Run("lifting the exclusion ranks the paper again at the next tally", func(t *testing.T) {
		testenv.Call(t, a.routes, http.MethodDelete, "/papers/"+fastPaper+"/exclusion", a.organiser(t), nil).Expect(t, http.StatusOK, "")
		again := tallied(t)
		if rank, prize := rankOf(again, fast.Name); rank != 1 || prize != "Giải Nhất" || again.ExcludedPapers != 0 {
			t.Errorf("rank %d, prize %q, excluded %d", rank, prize, again.ExcludedPapers)
		}
	})
	t.Run("the audit log records the exclusion, its lifting and the publications, with the organiser", func(t *testing.T) {
		entries, err := a.env.Store.ListAudit(context.Background(), demo.ContestID, audit.Query{Kind: "exclusion"}, 100)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
			if e.Actor != "btc@"+demo.Domain || !strings.Contains(e.Summary, fastPaper) {
				t.Errorf("entry %+v: want the organiser btc@%s and the paper %s", e, demo.Domain, fastPaper)
			}
		}
		slices.Sort(actions) // the test's clock stands still: both entries have one time
		if want := []string{audit.Exclusion, audit.Inclusion}; !slices.Equal(actions, want) {
			t.Errorf("exclusion entries %v, want %v", actions, want)
		}
		pubs, err := a.env.Store.ListAudit(context.Background(), demo.ContestID, audit.Query{Kind: "publication"}, 100)
		if err != nil || len(pubs) == 0 {
			t.Errorf("publication entries %d, %v: want one for each publishing tally", len(pubs), err)
		}
	})
	t.Run("a paper in progress cannot be excluded", func(t *testing.T) {
		p := a.env.StartPaper(t, a.openRound(), people[16], a.openRound().OpensAt.Add(time.Minute))
		testenv.Call(t, a.routes, http.MethodPost, "/papers/"+p.ID()+"/exclusion", a.organiser(t), map[string]string{"reason": "x"}).Expect(t, http.StatusConflict, "paper_not_submitted")
	})
}
