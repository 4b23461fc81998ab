package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/memstore"
)

func TestRegisterAddsAContestSavedBeforeTheRegistryOnce(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	st.PutContestBeforeRegistry(contest.Contest{ID: "tinh-cu", Title: "Cũ", Origins: []string{"https://cu.example.vn"}})
	if err := st.PutContest(ctx, contest.Contest{ID: "tinh-moi", Title: "Mới"}); err != nil {
		t.Fatal(err)
	}
	connect := func(context.Context, options) (Target, error) { return Target{Store: st}, nil }
	registered := func() []string {
		reg, err := st.ListRegistry(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range reg {
			ids = append(ids, c.ID+" "+strings.Join(c.Origins, " "))
		}
		return ids
	}
	t.Run("the contest without an entry gets one from its settings; the other is left as it is", func(t *testing.T) {
		var stdout bytes.Buffer
		if err := run(ctx, options{register: "tinh-cu, tinh-moi"}, connect, testNow, &stdout, &stdout); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(registered(), ";"); got != "tinh-cu https://cu.example.vn;tinh-moi " {
			t.Errorf("registry %q", got)
		}
		for _, want := range []string{"tinh-cu: đã thêm vào danh sách cuộc thi", "tinh-moi: đã có trong danh sách cuộc thi; không đổi gì."} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, stdout.String())
			}
		}
	})
	t.Run("running it again changes nothing", func(t *testing.T) {
		var stdout bytes.Buffer
		if err := run(ctx, options{register: "tinh-cu"}, connect, testNow, &stdout, &stdout); err != nil || !strings.Contains(stdout.String(), "tinh-cu: đã có") {
			t.Errorf("%v:\n%s", err, stdout.String())
		}
	})
	t.Run("a contest not in the table is named and nothing is written", func(t *testing.T) {
		var stdout bytes.Buffer
		err := run(ctx, options{register: "khong-co"}, connect, testNow, &stdout, &stdout)
		if err == nil || !strings.Contains(err.Error(), "cuộc thi khong-co") || len(registered()) != 2 {
			t.Errorf("err = %v, registry %v", err, registered())
		}
	})
}
