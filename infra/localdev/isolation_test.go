package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/token"
)

// TestContestsAreIsolated: an organiser, unit admin and juror of contest A
// (all three roles, and a unit id that also exists in B) gets nothing of
// contest B (the demo) from any authenticated endpoint of any function:
// naming B is 403 other_contest, and without naming it every endpoint works
// in A (B's rounds, papers and clips by id are not found; A's own lists and
// its own clip ranking hold nothing of B).
func TestContestsAreIsolated(t *testing.T) {
	e := need(t)
	const other = "hue-khac"
	signer, err := token.NewSigner([]byte(e.p.TokenKey), time.Hour, e.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	unit := demo.Units()[0]
	claims := token.Claims{Contest: other, Email: "btc@khac.gov.vn", Name: "Ban Tổ chức cuộc thi khác", UnitID: unit.ID, Audience: contest.AudienceStaff,
		Roles: []contest.Role{contest.RoleParticipant, contest.RoleUnitAdmin, contest.RoleOrganiser, contest.RoleJury}}
	claims.Subject = contest.ParticipantID(other, claims.Email)
	tok, _, err := signer.Issue(claims)
	if err != nil {
		t.Fatal(err)
	}

	round := e.openRound()
	victim := demo.Roster()[1]
	paper := contest.PaperRef{RoundID: demo.Rounds(e.now)[0].ID, ParticipantID: contest.ParticipantID(demo.ContestID, victim.Email), Attempt: 1}.ID()
	const clip = "c0000000000000000000000001"
	routes := []struct {
		fn, method, path string
		body             any
	}{
		{"quiz", "POST", "/rounds/" + round + "/papers", nil},
		{"quiz", "GET", "/rounds/" + round + "/papers", nil},
		{"quiz", "GET", "/papers/" + paper, nil},
		{"grade", "PUT", "/papers/" + paper + "/answers", map[string]any{"answers": map[string]string{}}},
		{"grade", "POST", "/papers/" + paper + "/submission", map[string]any{"answers": map[string]string{}, "prediction": 1}},
		{"tally", "POST", "/rounds/" + round + "/tally", nil},
		{"units", "GET", "/rounds/" + round + "/units/" + unit.ID + "/participation", nil},
		{"clips", "POST", "/uploads", map[string]any{"title": "Clip", "bytes": 1000, "contentType": "video/mp4"}},
		{"clips", "POST", "/clips/" + clip + "/confirm", nil},
		{"clips", "POST", "/clips/" + clip + "/parts", map[string]any{"partNumbers": []int{1}}},
		{"clips", "POST", "/clips/" + clip + "/complete", map[string]any{"parts": []any{}}},
		{"clips", "DELETE", "/clips/" + clip + "/upload", nil},
		{"clips", "GET", "/clips", nil},
		{"clips", "PUT", "/clips/" + clip + "/scores", map[string]any{"scores": map[string]int{}}},
		{"clips", "GET", "/ranking", nil},
		{"clips", "POST", "/ranking/publish", nil},
	}
	// What B's data would look like in an answer.
	secrets := []string{"@" + demo.Domain, unit.Name, victim.Name, demo.ContestID + "/"}
	for _, r := range routes {
		t.Run(r.fn+" "+r.method+" "+r.path+" naming contest B is 403 other_contest", func(t *testing.T) {
			sep := "?"
			if strings.Contains(r.path, "?") {
				sep = "&"
			}
			res := e.call(t, nil, r.method, r.fn, r.path+sep+"contest="+demo.ContestID, tok, r.body)
			if res.status != http.StatusForbidden || res.errorCode() != "other_contest" {
				t.Errorf("%d %s, want 403 other_contest", res.status, res.raw)
			}
		})
		t.Run(r.fn+" "+r.method+" "+r.path+" shows nothing of contest B", func(t *testing.T) {
			res := e.call(t, nil, r.method, r.fn, r.path, tok, r.body)
			for _, s := range secrets {
				if bytes.Contains(res.raw, []byte(s)) {
					t.Errorf("%d %s shows contest B's %q", res.status, res.raw, s)
				}
			}
		})
	}
}
