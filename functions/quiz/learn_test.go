package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/signin"
	"github.com/hoithi/hoithi/shared/testenv"
)

// retiredBank is a bank only a round closed long ago drew from: its keys are
// public whatever the contest's setting.
const retiredBankJSON = `{"id":"tuan-cu","title":"Tuần thi đã qua","questions":[
 {"id":"c1","topic":"thu-tuc","text":"Cơ quan nào quyết định thành lập Trung tâm Phục vụ hành chính công cấp tỉnh?","options":["Chủ tịch UBND cấp tỉnh","Bộ trưởng Bộ Nội vụ","Thủ tướng Chính phủ","HĐND cấp tỉnh"],"correct":0,
  "explanation":"Chủ tịch UBND cấp tỉnh quyết định thành lập Trung tâm Phục vụ hành chính công trực thuộc Văn phòng UBND cấp tỉnh.","legalBasis":"Khoản 1 Điều 7 Nghị định 61/2018/NĐ-CP (sửa đổi bởi Nghị định 107/2021/NĐ-CP)"},
 {"id":"c2","topic":"chinh-phu-so","text":"Đề án 06 được phê duyệt bởi văn bản nào?","options":["Quyết định 06/QĐ-TTg","Nghị quyết 76/NQ-CP","Nghị định 45/2020/NĐ-CP","Nghị định 61/2018/NĐ-CP"],"correct":0,
  "explanation":"Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử (Đề án 06) được Thủ tướng phê duyệt ngày 06/01/2022.","legalBasis":"Quyết định 06/QĐ-TTg ngày 06/01/2022"},
 {"id":"c3","topic":"cong-vu","text":"Câu hỏi không có giải thích trong ngân hàng","options":["Đúng","Sai"],"correct":1},
 {"id":"c4","topic":"the-che","text":"  chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021–2030 được Chính phủ ban hành kèm theo văn bản nào? ","options":["Nghị quyết số 76/NQ-CP ngày 15/7/2021","Nghị quyết số 30c/NQ-CP"],"correct":0,
  "explanation":"Câu hỏi chép lại từ ngân hàng đang dùng (s001).","legalBasis":"Nghị quyết 76/NQ-CP"}]}`

// learnBanks serves the retired bank and, for every other, the demo's.
type learnBanks struct {
	retired *contest.Bank
	demo    bankLoader
}

func (b learnBanks) Load(ctx context.Context, contestID, bankID string) (*contest.Bank, error) {
	if bankID == b.retired.ID {
		return b.retired, nil
	}
	return b.demo.Load(ctx, contestID, bankID)
}

// learnSetup seeds the demo, a round closed a year ago on the retired bank
// with a submitted paper of the first participant, and the contest's
// practice setting; it returns the handler's routes.
func learnSetup(t *testing.T, practice contest.Practice) (*testenv.Demo, http.Handler, *contest.Paper) {
	t.Helper()
	env := testenv.SeededDemo(t)
	ctx := context.Background()
	retired, err := contest.ParseBank([]byte(retiredBankJSON))
	if err != nil {
		t.Fatal(err)
	}
	old := contest.Round{ContestID: demo.ContestID, ID: "nam-truoc", Title: "Tuần thi năm trước", Audience: contest.AudienceStaff,
		OpensAt: env.Now.AddDate(-1, 0, 0), ClosesAt: env.Now.AddDate(-1, 0, 7), QuestionCount: 3, Attempts: 1, BankID: retired.ID}
	if err := env.Store.PutRound(ctx, old); err != nil {
		t.Fatal(err)
	}
	c := demo.Contest()
	c.Practice = practice
	if err := env.Store.PutContest(ctx, c); err != nil {
		t.Fatal(err)
	}
	m, _, err := env.Store.GetMember(ctx, demo.ContestID, env.Accounts.Participant[0])
	if err != nil {
		t.Fatal(err)
	}
	// the paper has the first three (c4 repeats a question of the bank this week's round draws from)
	firstThree := &contest.Bank{ID: retired.ID, Questions: retired.Questions[:3]}
	items, key, err := contest.Draw(firstThree, 3, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	start := old.OpensAt.Add(time.Hour).Truncate(time.Millisecond)
	p := &contest.Paper{ContestID: demo.ContestID, RoundID: old.ID, ParticipantID: contest.ParticipantID(demo.ContestID, m.Email), Attempt: 1,
		Email: m.Email, Name: m.Name, UnitID: m.UnitID, Audience: m.Audience, BankID: retired.ID, Items: items, Key: key,
		StartedAt: start, Deadline: old.Deadline(start), Answers: map[string]string{}, Status: contest.PaperInProgress}
	if _, _, err := env.Store.CreatePaper(ctx, p); err != nil {
		t.Fatal(err)
	}
	answers := testenv.AnswersFor(p, 3, 2) // two right, the third wrong
	p, _, err = env.Store.SubmitPaper(ctx, p, answers, contest.Grade(p, answers, 7, start.Add(2*time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	// Keys and reviews wait for the submission grace after a close: at the
	// tests' instants just after Monday 00:00, the handler's clock is the
	// end of last week's grace, still inside this week's round.
	// (the same week: the demo's rounds do not move).
	if graceEnds := demo.Rounds(env.Now)[0].ClosesAt.Add(testGrace + time.Second); env.Now.Before(graceEnds) {
		env.Now = graceEnds
	}
	routes := NewHandler(env.Store, learnBanks{retired: retired, demo: env.Banks}, env.Signer, demo.ContestID, testGrace, testenv.NewClock(env.Now).Now, testenv.Logger()).Routes()
	return env, routes, p
}

// lastWeekPaper finds a roster member's seeded paper of last week's
// (closed) staff round: its id and its owner's e-mail.
func lastWeekPaper(t *testing.T, env *testenv.Demo) (string, string) {
	t.Helper()
	round := demo.Rounds(env.Now)[0]
	for _, m := range demo.Roster() {
		papers, err := env.Store.ListPapers(context.Background(), demo.ContestID, round.ID, contest.ParticipantID(demo.ContestID, m.Email))
		if err != nil {
			t.Fatal(err)
		}
		if len(papers) > 0 {
			return papers[0].ID(), m.Email
		}
	}
	t.Fatal("nobody has a paper in last week's round")
	return "", ""
}

func decode[T any](t *testing.T, r testenv.Response, field string) T {
	t.Helper()
	var v T
	data, _ := json.Marshal(r.JSON[field])
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v (%s)", field, err, r.Body)
	}
	return v
}

func TestReviewAfterTheWeek(t *testing.T) {
	env, routes, old := learnSetup(t, contest.PracticeOff)
	owner := env.TokenFor(t, env.Accounts.Participant[0])

	t.Run("the owner reviews a closed round of a retired bank with the right options, explanations and legal bases", func(t *testing.T) {
		r := testenv.Call(t, routes, http.MethodGet, "/papers/"+old.ID()+"/review", owner, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("review: %d %s", r.Status, r.Body)
		}
		rv := decode[contest.Review](t, r, "review")
		if !rv.KeysPublic || len(rv.Items) != 3 || rv.Result == nil || rv.Result.Correct != 2 {
			t.Fatalf("review = %+v", rv)
		}
		right := 0
		for i, it := range rv.Items {
			if it.CorrectOption != old.Key[i:i+1] || it.Chosen != old.Answers[it.ID] || it.Right == nil {
				t.Errorf("item %s: chosen %q, right option %q; want %q, %q", it.ID, it.Chosen, it.CorrectOption, old.Answers[it.ID], old.Key[i:i+1])
			}
			if it.Right != nil && *it.Right {
				right++
			}
			if it.ID == "c1" && (it.LegalBasis == "" || !strings.Contains(it.Explanation, "Trung tâm Phục vụ hành chính công")) {
				t.Errorf("c1 lacks its explanation or legal basis: %+v", it)
			}
			if it.ID == "c3" && (it.Explanation != "" || it.LegalBasis != "") {
				t.Errorf("c3 has no explanation in the bank but shows %+v", it)
			}
		}
		if right != 2 {
			t.Errorf("%d items marked right, want 2", right)
		}
	})

	t.Run("the owner reviews last week's paper without keys while this week's round draws from the same bank", func(t *testing.T) {
		id, email := lastWeekPaper(t, env)
		r := testenv.Call(t, routes, http.MethodGet, "/papers/"+id+"/review", env.TokenFor(t, email), nil)
		if r.Status != http.StatusOK {
			t.Fatalf("review: %d %s", r.Status, r.Body)
		}
		rv := decode[contest.Review](t, r, "review")
		if rv.KeysPublic || rv.KeysNote == "" || len(rv.Items) != 15 {
			t.Fatalf("review keys public %v, note %q, %d items", rv.KeysPublic, rv.KeysNote, len(rv.Items))
		}
		p := storedPaper(t, env, id)
		checkNoKeyLeak(t, r.JSON, p.Key)
		if bytes.Contains(r.Body, []byte("explanation")) || bytes.Contains(r.Body, []byte("legalBasis")) {
			t.Errorf("a drawable question's explanation is shown: %s", r.Body)
		}
	})

	t.Run("someone else's paper is refused", func(t *testing.T) {
		r := testenv.Call(t, routes, http.MethodGet, "/papers/"+old.ID()+"/review", env.TokenFor(t, env.Accounts.Participant[1]), nil)
		if r.Status != http.StatusForbidden || r.ErrorCode() != "not_your_paper" {
			t.Errorf("review of another's paper: %d %s", r.Status, r.Body)
		}
	})

	t.Run("a paper of the open round cannot be reviewed until the round closes", func(t *testing.T) {
		q := &quizAPI{env: env, clock: testenv.NewClock(env.Now), routes: routes}
		tok := env.TokenFor(t, env.Accounts.Participant[2])
		id := paperIDOf(t, q.start(t, tok, env.OpenRound().ID))
		r := testenv.Call(t, routes, http.MethodGet, "/papers/"+id+"/review", tok, nil)
		if r.Status != http.StatusConflict || r.ErrorCode() != "round_not_closed" || !strings.Contains(r.ErrorMessage(), "Tuần thi chưa kết thúc") {
			t.Errorf("review of an open round's paper: %d %s", r.Status, r.Body)
		}
	})

	t.Run("a visitor without a session is asked to sign in", func(t *testing.T) {
		r := testenv.Call(t, routes, http.MethodGet, "/papers/"+old.ID()+"/review", "", nil)
		if r.Status != http.StatusUnauthorized {
			t.Errorf("review without a session: %d %s", r.Status, r.Body)
		}
	})
}

func storedPaper(t *testing.T, env *testenv.Demo, id string) *contest.Paper {
	t.Helper()
	ref, err := contest.ParsePaperID(id)
	if err != nil {
		t.Fatal(err)
	}
	p, err := env.Store.GetPaper(context.Background(), demo.ContestID, ref, true)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPractice(t *testing.T) {
	t.Run("practice is refused while the organisers have not opened it", func(t *testing.T) {
		_, routes, _ := learnSetup(t, contest.PracticeOff)
		r := testenv.Call(t, routes, http.MethodGet, "/practice", "", nil)
		if r.Status != http.StatusForbidden || r.ErrorCode() != "practice_off" {
			t.Errorf("practice off: %d %s", r.Status, r.Body)
		}
	})

	t.Run("a visitor is asked to sign in where only signed-in people practise, and a participant practises", func(t *testing.T) {
		env, routes, _ := learnSetup(t, contest.PracticeSignedIn)
		if r := testenv.Call(t, routes, http.MethodGet, "/practice", "", nil); r.Status != http.StatusUnauthorized || r.ErrorCode() != "sign_in_to_practise" {
			t.Errorf("visitor: %d %s", r.Status, r.Body)
		}
		if r := testenv.Call(t, routes, http.MethodGet, "/practice", env.TokenFor(t, env.Accounts.Citizen[0]), nil); r.Status != http.StatusOK {
			t.Errorf("signed in: %d %s", r.Status, r.Body)
		}
	})

	env, routes, _ := learnSetup(t, contest.PracticeEveryone)
	t.Run("a visitor gets only questions of banks whose keys are public, without keys", func(t *testing.T) {
		r := testenv.Call(t, routes, http.MethodGet, "/practice", "", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("practice: %d %s", r.Status, r.Body)
		}
		qs := decode[[]contest.PracticeQuestion](t, r, "questions")
		if len(qs) != 3 {
			t.Fatalf("%d questions, want the retired bank's 3: %s", len(qs), r.Body)
		}
		for _, q := range qs {
			if q.BankID != "tuan-cu" {
				t.Errorf("question %s of bank %s, whose keys a round can still draw", q.ID, q.BankID)
			}
		}
		checkNoKeyLeak(t, r.JSON, "")
		if bytes.Contains(r.Body, []byte("explanation")) {
			t.Errorf("the batch carries explanations before an answer: %s", r.Body)
		}
	})
	t.Run("a batch of one topic has only that topic", func(t *testing.T) {
		r := testenv.Call(t, routes, http.MethodGet, "/practice?topic=chinh-phu-so", "", nil)
		qs := decode[[]contest.PracticeQuestion](t, r, "questions")
		if len(qs) != 1 || qs[0].ID != "c2" {
			t.Errorf("batch = %+v", qs)
		}
	})
	answer := func(bank, q, chosen string) testenv.Response {
		return testenv.Call(t, routes, http.MethodPost, "/practice/answers", "", map[string]string{"bankId": bank, "questionId": q, "chosen": chosen})
	}
	t.Run("an answer gets instant feedback with the explanation, and only an anonymous count is kept", func(t *testing.T) {
		r := answer("tuan-cu", "c1", "A")
		fb := decode[contest.PracticeFeedback](t, r, "feedback")
		if r.Status != http.StatusOK || !fb.Right || fb.CorrectOption != "A" || fb.Explanation == "" || fb.LegalBasis == "" {
			t.Fatalf("feedback: %d %s", r.Status, r.Body)
		}
		r = answer("tuan-cu", "c1", "C")
		if fb := decode[contest.PracticeFeedback](t, r, "feedback"); fb.Right || fb.CorrectOption != "A" {
			t.Errorf("wrong answer's feedback: %s", r.Body)
		}
		answered, right, err := env.Store.PracticeCount(context.Background(), demo.ContestID, env.Now.In(contest.ICT).Format(time.DateOnly), "tuan-cu", "c1")
		if err != nil || answered != 2 || right != 1 {
			t.Errorf("count = %d answered, %d right, %v; want 2, 1", answered, right, err)
		}
	})
	t.Run("a question a round can still draw gets no feedback", func(t *testing.T) {
		r := answer("demo-staff", "s001", "A")
		if r.Status != http.StatusNotFound || r.ErrorCode() != "practice_question_not_found" || bytes.Contains(r.Body, []byte("correct")) {
			t.Errorf("drawable question: %d %s", r.Status, r.Body)
		}
	})
	t.Run("a retired question that this week's bank repeats is neither served nor answered", func(t *testing.T) {
		for range 5 {
			r := testenv.Call(t, routes, http.MethodGet, "/practice", "", nil)
			if bytes.Contains(r.Body, []byte(`"c4"`)) {
				t.Fatalf("the batch has c4: %s", r.Body)
			}
		}
		if r := answer("tuan-cu", "c4", "A"); r.Status != http.StatusNotFound || bytes.Contains(r.Body, []byte("Nghị quyết")) {
			t.Errorf("answer to c4: %d %s", r.Status, r.Body)
		}
	})
	t.Run("an option the question does not have is refused", func(t *testing.T) {
		if r := answer("tuan-cu", "c3", "C"); r.Status != http.StatusBadRequest || r.ErrorCode() != "unknown_option" {
			t.Errorf("option C of a two-option question: %d %s", r.Status, r.Body)
		}
	})
}

func TestNothingIsReviewedOrPractisedWhileJustClosedPapersMayStillBeSubmitted(t *testing.T) {
	env, routes, _ := learnSetup(t, contest.PracticeEveryone)
	ctx := context.Background()
	// a round of the retired bank that closed 30 s ago: its papers may still be submitted for testGrace
	just := contest.Round{ContestID: demo.ContestID, ID: "vua-dong", Title: "Tuần vừa đóng", Audience: contest.AudienceStaff,
		OpensAt: env.Now.Add(-24 * time.Hour), ClosesAt: env.Now.Add(-30 * time.Second), QuestionCount: 3, Attempts: 1, BankID: "tuan-cu"}
	if err := env.Store.PutRound(ctx, just); err != nil {
		t.Fatal(err)
	}
	m, _, err := env.Store.GetMember(ctx, demo.ContestID, env.Accounts.Participant[3])
	if err != nil {
		t.Fatal(err)
	}
	start := just.ClosesAt.Add(-5 * time.Minute).Truncate(time.Millisecond)
	p := &contest.Paper{ContestID: demo.ContestID, RoundID: just.ID, ParticipantID: contest.ParticipantID(demo.ContestID, m.Email), Attempt: 1,
		Email: m.Email, Name: m.Name, UnitID: m.UnitID, Audience: m.Audience, BankID: "tuan-cu",
		Items: []contest.Item{{QuestionID: "c1", Order: []uint8{0, 1, 2, 3}}}, Key: "A", StartedAt: start, Deadline: just.ClosesAt,
		Answers: map[string]string{}, Status: contest.PaperInProgress}
	if _, _, err := env.Store.CreatePaper(ctx, p); err != nil {
		t.Fatal(err)
	}
	t.Run("the paper of a round closed 30 s ago is not reviewed yet", func(t *testing.T) {
		r := testenv.Call(t, routes, http.MethodGet, "/papers/"+p.ID()+"/review", env.TokenFor(t, m.Email), nil)
		if r.Status != http.StatusConflict || r.ErrorCode() != "round_not_closed" {
			t.Errorf("review: %d %s", r.Status, r.Body)
		}
	})
	t.Run("its bank is not practised yet", func(t *testing.T) {
		r := testenv.Call(t, routes, http.MethodGet, "/practice", "", nil)
		if qs := decode[[]contest.PracticeQuestion](t, r, "questions"); r.Status != http.StatusOK || len(qs) != 0 {
			t.Errorf("practice: %d %s", r.Status, r.Body)
		}
		if r := testenv.Call(t, routes, http.MethodPost, "/practice/answers", "", map[string]string{"bankId": "tuan-cu", "questionId": "c1", "chosen": "A"}); r.Status != http.StatusNotFound {
			t.Errorf("answer: %d %s", r.Status, r.Body)
		}
	})
}

func TestOrganisersReadThePracticeCounts(t *testing.T) {
	env, routes, _ := learnSetup(t, contest.PracticeEveryone)
	ctx := context.Background()
	today := env.Now.In(contest.ICT)
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	// GIVEN anonymous practice: c1 twice today (once right), c2 once yesterday (right)
	// and c1 once ten days ago (right), outside the default week
	for _, a := range []struct {
		q     string
		right bool
		at    time.Time
	}{{"c1", true, env.Now}, {"c1", false, env.Now}, {"c2", true, env.Now.AddDate(0, 0, -1)}, {"c1", true, env.Now.AddDate(0, 0, -10)}} {
		fb := contest.PracticeFeedback{BankID: "tuan-cu", ID: a.q, Right: a.right}
		if err := env.Store.CountPractice(ctx, demo.ContestID, fb.CountOf(a.at)); err != nil {
			t.Fatal(err)
		}
	}
	organiser := env.TokenFor(t, env.Accounts.Organiser[0])
	type row struct {
		BankID     string  `json:"bankId"`
		QuestionID string  `json:"questionId"`
		Text       string  `json:"text"`
		Answered   int     `json:"answered"`
		Right      int     `json:"right"`
		Share      float64 `json:"share"`
	}
	read := func(t *testing.T, query string) ([]row, testenv.Response) {
		t.Helper()
		r := testenv.Call(t, routes, http.MethodGet, "/practice/counts"+query, organiser, nil)
		return decode[[]row](t, r, "questions"), r
	}
	t.Run("by default an organiser reads the last week's counts, most answered first, with each question's text", func(t *testing.T) {
		rows, r := read(t, "")
		if r.Status != http.StatusOK || len(rows) != 2 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if rows[0].QuestionID != "c1" || rows[0].Answered != 2 || rows[0].Right != 1 || rows[0].Share != 0.5 || !strings.HasPrefix(rows[0].Text, "Cơ quan nào") {
			t.Errorf("first row %+v", rows[0])
		}
		if rows[1].QuestionID != "c2" || rows[1].Answered != 1 || rows[1].Right != 1 || rows[1].Share != 1 {
			t.Errorf("second row %+v", rows[1])
		}
		if r.JSON["from"] != day(-6) || r.JSON["to"] != day(0) {
			t.Errorf("from %v to %v, want %s to %s", r.JSON["from"], r.JSON["to"], day(-6), day(0))
		}
	})
	t.Run("a range adds up its days and leaves out the others", func(t *testing.T) {
		rows, r := read(t, "?from="+day(-10)+"&to="+day(-1))
		if len(rows) != 2 {
			t.Errorf("rows %s", r.Body)
		}
		for _, x := range rows {
			if x.Answered != 1 || x.Right != 1 {
				t.Errorf("row %+v, want one right answer", x)
			}
		}
	})
	t.Run("a range that is too long or backwards is refused, said in Vietnamese", func(t *testing.T) {
		testenv.Call(t, routes, http.MethodGet, "/practice/counts?from="+day(-100)+"&to="+day(0), organiser, nil).Expect(t, http.StatusBadRequest, "range_too_long")
		testenv.Call(t, routes, http.MethodGet, "/practice/counts?from="+day(0)+"&to="+day(-1), organiser, nil).Expect(t, http.StatusBadRequest, "invalid_range")
	})
	t.Run("the counts never name who practised", func(t *testing.T) {
		_, r := read(t, "?from="+day(-10))
		for _, m := range demo.Roster()[:5] {
			if bytes.Contains(r.Body, []byte(m.Email)) {
				t.Errorf("the counts name %s", m.Email)
			}
		}
	})
	for _, tt := range []struct {
		name, token string
		status      int
		code        string
	}{
		{"without a session the counts are refused", "", http.StatusUnauthorized, "token_missing"},
		{"a participant is refused the counts", env.TokenFor(t, env.Accounts.Participant[0]), http.StatusForbidden, "organiser_only"},
		{"a unit admin is refused the counts", env.TokenFor(t, env.Accounts.UnitAdmin[0]), http.StatusForbidden, "organiser_only"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			testenv.Call(t, routes, http.MethodGet, "/practice/counts", tt.token, nil).Expect(t, tt.status, tt.code)
		})
	}
}

func TestPracticeAnswersFromOneRequesterHaveABudget(t *testing.T) {
	_, routes, _ := learnSetup(t, contest.PracticeEveryone)
	answerFrom := func(ip string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/practice/answers", strings.NewReader(`{"bankId":"tuan-cu","questionId":"c1","chosen":"A"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = ip + ":40000"
		rec := httptest.NewRecorder()
		routes.ServeHTTP(rec, req)
		return rec
	}
	// GIVEN practice open to everyone WHEN one address sends its budget's worth at once
	for i := range signin.PracticeBurst {
		if rec := answerFrom("203.0.113.7"); rec.Code != http.StatusOK {
			t.Fatalf("answer %d within the budget: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	t.Run("one more is refused with 429, a Vietnamese message and when to try again", func(t *testing.T) {
		rec := answerFrom("203.0.113.7")
		var body struct {
			Error struct{ Code, Message string }
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != http.StatusTooManyRequests || body.Error.Code != "practice_too_fast" || !strings.Contains(body.Error.Message, "Vui lòng thử lại sau") || rec.Header().Get("Retry-After") == "" {
			t.Errorf("over the budget: %d %s (Retry-After %q)", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
		}
	})
	t.Run("another address still gets its feedback", func(t *testing.T) {
		if rec := answerFrom("198.51.100.20"); rec.Code != http.StatusOK {
			t.Errorf("another requester: %d %s", rec.Code, rec.Body)
		}
	})
}
