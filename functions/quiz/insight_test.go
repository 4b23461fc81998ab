package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestTheStartsRequesterIsKeptNotShown(t *testing.T) {
	env := testenv.SeededDemo(t)
	q := newQuizAPI(t, env)
	m := participantOf(t, env, demo.Rounds(env.Now)[2])
	res := q.start(t, env.TokenFor(t, m.Email), demo.Rounds(env.Now)[2].ID)
	res.Expect(t, http.StatusCreated, "")
	id := paperIDOf(t, res)
	t.Run("the paper keeps the address and browser the start came from", func(t *testing.T) {
		if got := q.stored(t, id).StartedFrom; got != (contest.Requester{Address: testenv.RemoteAddress, UserAgent: testenv.UserAgent}) {
			t.Errorf("started from %+v", got)
		}
	})
	t.Run("neither is in the participant's answer", func(t *testing.T) {
		checkNoKeyLeak(t, res.JSON, "")
		checkNoKeyLeak(t, q.get(t, env.TokenFor(t, m.Email), id).JSON, "")
	})
}

// participantOf is a roster participant of r's audience with no paper in r.
func participantOf(t *testing.T, env *testenv.Demo, r contest.Round) contest.Member {
	t.Helper()
	for _, m := range demo.Roster() {
		if !m.Has(contest.RoleParticipant) || m.Audience != r.Audience {
			continue
		}
		papers, err := env.Store.ListPapers(context.Background(), demo.ContestID, r.ID, contest.ParticipantID(demo.ContestID, m.Email))
		if err != nil {
			t.Fatal(err)
		}
		if len(papers) == 0 {
			return m
		}
	}
	t.Fatalf("no participant without a paper in %s", r.ID)
	return contest.Member{}
}

func TestTheOwnerSeesWhyTheirPaperIsNotRanked(t *testing.T) {
	env := testenv.SeededDemo(t)
	q := newQuizAPI(t, env)
	open := demo.Rounds(env.Now)[2]
	m := participantOf(t, env, open)
	tok := env.TokenFor(t, m.Email)
	id := paperIDOf(t, q.start(t, tok, open.ID))
	q.submit(t, id, 15)
	ref, _ := contest.ParsePaperID(id)
	if _, err := env.Store.SetExclusion(context.Background(), demo.ContestID, ref,
		&contest.Exclusion{Reason: "Làm bài quá nhanh", At: env.Now.Add(time.Hour), By: "btc@" + demo.Domain}); err != nil {
		t.Fatal(err)
	}
	const want = "Bài thi không được xếp hạng: Làm bài quá nhanh"
	t.Run("reading the paper says why it is not ranked", func(t *testing.T) {
		res := q.get(t, tok, id)
		p, _ := res.JSON["paper"].(map[string]any)
		ex, _ := p["excluded"].(map[string]any)
		if ex["message"] != want || ex["reason"] != "Làm bài quá nhanh" || strings.Contains(string(res.Body), "btc@") {
			t.Errorf("paper %s", res.Body)
		}
	})
	t.Run("the list of one's papers says it too", func(t *testing.T) {
		res := testenv.Call(t, q.routes, http.MethodGet, "/rounds/"+open.ID+"/papers", tok, nil)
		list, _ := res.JSON["papers"].([]any)
		first, _ := list[0].(map[string]any)
		ex, _ := first["excluded"].(map[string]any)
		if len(list) != 1 || ex["message"] != want {
			t.Errorf("papers %s", res.Body)
		}
	})
	t.Run("a paper not excluded says nothing of it", func(t *testing.T) {
		if _, err := env.Store.SetExclusion(context.Background(), demo.ContestID, ref, nil); err != nil {
			t.Fatal(err)
		}
		if res := q.get(t, tok, id); strings.Contains(string(res.Body), "excluded") {
			t.Errorf("paper %s", res.Body)
		}
	})
}
