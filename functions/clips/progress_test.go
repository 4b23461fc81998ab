package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/mp4/mp4test"
)

func TestJuryProgress(t *testing.T) {
	a := newMemoryClipsAPI(t, nil)
	good := mp4test.Fixtures()[0].Data
	var ids []string
	for _, unit := range []string{unitA, unitB} {
		tok := a.admin(t, unit)
		u := a.requestUpload(t, tok, int64(len(good)), false)
		a.send(t, u, good)
		a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", tok, nil).Expect(t, http.StatusOK, "")
		ids = append(ids, u.Clip.ID)
	}
	a.requestUpload(t, a.admin(t, "so-noi-vu"), 1000, false) // still uploading: not to score
	j1 := a.juror(t, 1)
	score := func(id string, s map[string]any) {
		a.call(t, "PUT", "/clips/"+id+"/scores", j1, map[string]any{"scores": s}).Expect(t, http.StatusOK, "")
	}
	score(ids[0], map[string]any{"noi-dung": 8, "sang-tao": 7, "ky-thuat": 9})
	score(ids[1], map[string]any{"noi-dung": 6})

	for name, tok := range map[string]string{
		"a participant": a.participant(t, unitA), "a unit admin": a.admin(t, unitA), "a juror": j1,
	} {
		t.Run(name+" may not follow the jury's progress", func(t *testing.T) {
			a.call(t, "GET", "/jury/progress", tok, nil).Expect(t, http.StatusForbidden, "organiser_only")
		})
	}
	t.Run("without a token the jury's progress is unauthorised", func(t *testing.T) {
		a.call(t, "GET", "/jury/progress", "", nil).Expect(t, http.StatusUnauthorized, "token_missing")
	})

	var got clip.JuryProgress
	a.call(t, "GET", "/jury/progress", a.organiser(t), nil).Decode(t, &got)
	byEmail := map[string]int{}
	for i, j := range got.Jurors {
		byEmail[j.Email] = i
	}
	t.Run("an organiser sees the accepted clips and the criteria", func(t *testing.T) {
		if got.Clips != 2 || len(got.Criteria) != 3 || len(got.Jurors) != 2 {
			t.Errorf("clips %d, criteria %d, jurors %+v", got.Clips, len(got.Criteria), got.Jurors)
		}
	})
	t.Run("the juror who scored one clip fully and one on 1 of 3 criteria has one complete and one incomplete sheet", func(t *testing.T) {
		i, ok := byEmail[fmt.Sprintf("giamkhao1@%s", demo.Domain)]
		if !ok {
			t.Fatalf("no giamkhao1 in %+v", got.Jurors)
		}
		j := got.Jurors[i]
		if j.Complete != 1 || j.ToScore != 0 || len(j.Incomplete) != 1 || j.Incomplete[0].ClipID != ids[1] ||
			fmt.Sprint(j.Incomplete[0].Missing) != "[sang-tao ky-thuat]" {
			t.Errorf("progress %+v", j)
		}
	})
	t.Run("the juror who scored nothing has both clips to score", func(t *testing.T) {
		i, ok := byEmail[fmt.Sprintf("giamkhao2@%s", demo.Domain)]
		if !ok || got.Jurors[i].ToScore != 2 || got.Jurors[i].Complete != 0 || len(got.Jurors[i].Incomplete) != 0 {
			t.Errorf("progress %+v", got.Jurors)
		}
	})
}

func TestPublishingTheClipRankingIsAudited(t *testing.T) {
	a := newMemoryClipsAPI(t, nil)
	a.call(t, "POST", "/ranking/publish", a.organiser(t), nil).Expect(t, http.StatusOK, "")
	t.Run("the publication is in the audit log with the organiser and the files' prefix", func(t *testing.T) {
		entries, err := a.demo.Store.ListAudit(context.Background(), demo.ContestID, audit.Query{Kind: "publication"}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Actor != "btc@"+demo.Domain || entries[0].After != clip.RankingPrefix(demo.ContestID) ||
			!strings.Contains(entries[0].Summary, "video clip") {
			t.Errorf("audit entries %+v", entries)
		}
	})
}
