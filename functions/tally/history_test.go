package main

import (
	"net/http"
	"testing"
)

// historyResponse is GET /banks/history as organisers read it.
type historyResponse struct {
	Banks []bankHistory `json:"banks"`
}

type bankHistory struct {
	BankID string `json:"bankId"`
	Rounds []struct {
		ID     string `json:"id"`
		Title  string `json:"title"`
		Papers int    `json:"papers"`
	} `json:"rounds"`
	Questions []struct {
		QuestionID string `json:"questionId"`
		Text       string `json:"text"`
		Rounds     []struct {
			Round          string   `json:"round"`
			Attempts       int      `json:"attempts"`
			Facility       float64  `json:"facility"`
			Discrimination *float64 `json:"discrimination"`
			Flags          []string `json:"flags"`
		} `json:"rounds"`
	} `json:"questions"`
}

func TestBankHistory(t *testing.T) {
	a := newTallyAPI(t, nil)
	closed := a.closedRound()
	othersAreRefused(t, a, http.MethodGet, "/banks/history", nil)

	history := func(t *testing.T, query string) historyResponse {
		t.Helper()
		var h historyResponse
		a.call(t, http.MethodGet, "/banks/history"+query, a.organiser(t)).Decode(t, &h)
		return h
	}
	t.Run("before any round is published, no bank has a history", func(t *testing.T) {
		if h := history(t, ""); len(h.Banks) != 0 {
			t.Errorf("banks %+v, want none", h.Banks)
		}
	})

	a.schedule(t)
	st := a.statistics(t, closed.ID)
	h := history(t, "")
	t.Run("after the weekly tally, the closed round's bank has that round's figures for each question it drew", func(t *testing.T) {
		var found bool
		for _, b := range h.Banks {
			if b.BankID != closed.BankID {
				continue
			}
			found = true
			if len(b.Rounds) != 1 || b.Rounds[0].ID != closed.ID || b.Rounds[0].Papers != st.Papers {
				t.Fatalf("rounds %+v, want %s with %d papers", b.Rounds, closed.ID, st.Papers)
			}
			if len(b.Questions) != len(st.Questions) {
				t.Fatalf("questions %d, want %d", len(b.Questions), len(st.Questions))
			}
			for i, q := range b.Questions {
				want := st.Questions[i]
				if q.QuestionID != want.QuestionID || q.Text != want.Text || len(q.Rounds) != 1 ||
					q.Rounds[0].Round != closed.ID || q.Rounds[0].Attempts != want.Attempts || q.Rounds[0].Facility != want.Facility {
					t.Errorf("question %+v, want the figures of %+v", q, want.QuestionID)
				}
			}
		}
		if !found {
			t.Errorf("no history of bank %s in %+v", closed.BankID, h.Banks)
		}
	})
	t.Run("naming a bank gives that bank only", func(t *testing.T) {
		one := history(t, "?bank="+closed.BankID)
		if len(one.Banks) != 1 || one.Banks[0].BankID != closed.BankID {
			t.Errorf("banks %+v, want %s only", one.Banks, closed.BankID)
		}
		if none := history(t, "?bank=khong-co"); len(none.Banks) != 0 {
			t.Errorf("an unknown bank gives %+v", none.Banks)
		}
	})
	t.Run("a malformed bank id is refused", func(t *testing.T) {
		a.call(t, http.MethodGet, "/banks/history?bank=%2F..", a.organiser(t)).Expect(t, http.StatusBadRequest, "invalid_filter")
	})
}
