package main

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestTheSubmissionsRequesterIsKeptNotShown(t *testing.T) {
	env := testenv.SeededDemo(t)
	g := newGradeAPI(t, env)
	p, tok := g.newPaper(t, demo.Roster()[5].Email, env.Now.Add(-time.Minute))
	res := g.submit(t, tok, p.ID(), map[string]any{"answers": answerKey(p, 12), "prediction": 10})
	res.Expect(t, http.StatusOK, "")
	stored := g.stored(t, p.ID())
	t.Run("the paper keeps the address and browser the submission came from", func(t *testing.T) {
		if stored.SubmittedFrom != (contest.Requester{Address: testenv.RemoteAddress, UserAgent: testenv.UserAgent}) {
			t.Errorf("submitted from %+v", stored.SubmittedFrom)
		}
	})
	t.Run("and its responses in the bank's terms, 12 of them right", func(t *testing.T) {
		right := 0
		for r := range stored.Responses.All() {
			if r.Correct() {
				right++
			}
		}
		if right != 12 {
			t.Errorf("%d right in %q", right, stored.Responses)
		}
	})
	t.Run("neither the address nor the browser is in the answer", func(t *testing.T) {
		for _, s := range []string{testenv.RemoteAddress, testenv.UserAgent, string(stored.Responses)} {
			if bytes.Contains(res.Body, []byte(s)) {
				t.Errorf("answer holds %q: %s", s, res.Body)
			}
		}
	})
}
