package main

// Learning after the week (issue #15): a contest of its own, "hoc-tap", for
// the review and practice pages' browser test (web/tests/learn.test.mjs) and
// for the leak scan that every endpoint keeps the keys of the questions an
// open or future round can still draw.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/token"
)

const (
	learnContestID = "hoc-tap"
	learnDomain    = "hoc-tap.gov.vn"
)

var (
	learnParticipant = contest.Member{Email: "an@" + learnDomain, Name: "Nguyễn Văn An", UnitID: "so-noi-vu", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}}
	learnOther       = contest.Member{Email: "binh@" + learnDomain, Name: "Lê Thị Bình", UnitID: "so-noi-vu", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}}
	// learnOrganiser reads the practice counts (web/tests/practicecounts.test.mjs).
	learnOrganiser = contest.Member{Email: "btc@" + learnDomain, Name: "Trần Văn Tổ", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleOrganiser}}
)

// learnQuestion is one question of the learn contest's banks: its id says
// its bank (cu-: retired, dd-: drawn by last week's and this week's rounds,
// st-: next week's), its explanation and legal basis are its own text.
func learnBanks() map[string]contest.Bank {
	type q struct{ topic, text, a, b, c, d, basis, why string }
	retired := []q{
		{"thu-tuc", "Theo Nghị định 61/2018/NĐ-CP, Trung tâm Phục vụ hành chính công cấp tỉnh do ai quyết định thành lập?", "Chủ tịch Ủy ban nhân dân cấp tỉnh", "Bộ trưởng Bộ Nội vụ", "Hội đồng nhân dân cấp tỉnh", "Thủ tướng Chính phủ",
			"Khoản 1 Điều 7 Nghị định 61/2018/NĐ-CP (sửa đổi bởi Nghị định 107/2021/NĐ-CP)", "Chủ tịch UBND cấp tỉnh quyết định thành lập Trung tâm Phục vụ hành chính công, là đơn vị hành chính đặc thù thuộc Văn phòng UBND cấp tỉnh."},
		{"chinh-phu-so", "Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử (Đề án 06) được phê duyệt tại văn bản nào?", "Quyết định số 06/QĐ-TTg ngày 06/01/2022", "Nghị quyết số 76/NQ-CP ngày 15/7/2021", "Nghị định số 45/2020/NĐ-CP", "Nghị định số 61/2018/NĐ-CP",
			"Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ", "Đề án 06 do Thủ tướng Chính phủ phê duyệt ngày 06/01/2022, giai đoạn 2022–2025, tầm nhìn đến năm 2030."},
		{"the-che", "Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021–2030 được ban hành kèm theo văn bản nào?", "Nghị quyết số 76/NQ-CP", "Nghị quyết số 30c/NQ-CP", "Quyết định số 06/QĐ-TTg", "Nghị định số 107/2021/NĐ-CP",
			"Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ", "Nghị quyết 76/NQ-CP ban hành Chương trình tổng thể giai đoạn 2021–2030, thay cho Nghị quyết 30c/NQ-CP của giai đoạn 2011–2020."},
		{"chinh-phu-so", "Việc thực hiện thủ tục hành chính trên môi trường điện tử được quy định tại văn bản nào?", "Nghị định số 45/2020/NĐ-CP", "Nghị định số 61/2018/NĐ-CP", "Nghị quyết số 76/NQ-CP", "Luật Cán bộ, công chức",
			"Nghị định số 45/2020/NĐ-CP ngày 08/4/2020", "Nghị định 45/2020/NĐ-CP quy định việc thực hiện thủ tục hành chính trên môi trường điện tử, qua Cổng Dịch vụ công quốc gia và cấp tỉnh."},
		{"cong-vu", "Cải cách chế độ công vụ theo Nghị quyết 76/NQ-CP hướng tới đội ngũ cán bộ, công chức, viên chức như thế nào?", "Chuyên nghiệp, trách nhiệm, năng động, minh bạch, hiệu quả", "Đông về số lượng", "Làm việc theo nhiệm kỳ", "Không cần đánh giá",
			"Mục II Nghị quyết số 76/NQ-CP", "Mục tiêu là xây dựng đội ngũ chuyên nghiệp, có phẩm chất, năng lực, uy tín, đáp ứng yêu cầu nhiệm vụ."},
		{"tai-chinh", "Tự chủ tài chính của đơn vị sự nghiệp công lập thuộc nhiệm vụ cải cách nào của Nghị quyết 76/NQ-CP?", "Cải cách tài chính công", "Cải cách thể chế", "Cải cách chế độ công vụ", "Xây dựng Chính phủ số",
			"Mục III.5 Nghị quyết số 76/NQ-CP", "Đổi mới cơ chế tài chính, tự chủ của đơn vị sự nghiệp công lập là một nhiệm vụ của cải cách tài chính công."},
		// the same question as dd-02 of the bank in use (copied into a new
		// bank): its key waits like dd-02's (contest.Keys)
		{"thu-tuc", "Cơ chế một cửa, một cửa liên thông được quy định tại  văn bản nào?", "Nghị định số 61/2018/NĐ-CP", "Nghị quyết số 76/NQ-CP", "Luật Ngân sách nhà nước", "Quyết định số 06/QĐ-TTg",
			"Nghị định 61/2018/NĐ-CP — căn cứ cu-07", "Giải thích cu-07: chép từ câu dd-02."},
	}
	current := []q{
		{"thu-tuc", "Bộ phận Tiếp nhận và Trả kết quả cấp xã đặt tại đâu?", "Trụ sở Ủy ban nhân dân cấp xã", "Nhà văn hoá thôn", "Trụ sở Công an tỉnh", "Bưu điện trung tâm",
			"Điều 7 Nghị định 61/2018/NĐ-CP — căn cứ dd-01", "Giải thích dd-01: bộ phận một cửa cấp xã đặt tại trụ sở UBND cấp xã."},
		{"thu-tuc", "Cơ chế một cửa, một cửa liên thông được quy định tại văn bản nào?", "Nghị định số 61/2018/NĐ-CP", "Nghị quyết số 76/NQ-CP", "Luật Ngân sách nhà nước", "Quyết định số 06/QĐ-TTg",
			"Điều 1 Nghị định 61/2018/NĐ-CP — căn cứ dd-02", "Giải thích dd-02: Nghị định 61/2018/NĐ-CP về cơ chế một cửa, một cửa liên thông."},
		{"chinh-phu-so", "Người dân tra cứu tình trạng hồ sơ trực tuyến ở đâu?", "Cổng Dịch vụ công quốc gia", "Bảng tin khu phố", "Hộp thư góp ý", "Sổ tay giấy tại xã",
			"Nghị định 45/2020/NĐ-CP — căn cứ dd-03", "Giải thích dd-03: hồ sơ được tra cứu trên Cổng Dịch vụ công."},
		{"bo-may", "Cải cách tổ chức bộ máy hành chính nhà nước nhằm điều gì?", "Tinh gọn, hoạt động hiệu lực, hiệu quả", "Thêm cấp trung gian", "Tách nhỏ mọi cơ quan", "Giữ nguyên như cũ",
			"Nghị quyết 76/NQ-CP — căn cứ dd-04", "Giải thích dd-04: bộ máy tinh gọn, hiệu lực, hiệu quả."},
		{"cong-vu", "Vị trí việc làm là căn cứ để làm gì?", "Tuyển dụng, sử dụng và quản lý công chức", "Xếp hạng đơn vị", "Chia thưởng cuối năm", "Đặt tên phòng ban",
			"Luật Cán bộ, công chức — căn cứ dd-05", "Giải thích dd-05: vị trí việc làm gắn với tuyển dụng, sử dụng, quản lý."},
		{"the-che", "Cải cách thể chế tập trung vào nội dung nào?", "Xây dựng, hoàn thiện hệ thống pháp luật", "Tăng số cuộc họp", "Giảm ngày làm việc", "Đổi tên cơ quan",
			"Nghị quyết 76/NQ-CP — căn cứ dd-06", "Giải thích dd-06: hoàn thiện thể chế, pháp luật."},
	}
	next := []q{
		{"chinh-phu-so", "Câu hỏi tuần sau về Chính phủ số", "Phương án đúng st-01", "Phương án sai 1", "Phương án sai 2", "Phương án sai 3", "Căn cứ st-01", "Giải thích st-01."},
		{"thu-tuc", "Câu hỏi tuần sau về thủ tục hành chính", "Phương án đúng st-02", "Phương án sai 1", "Phương án sai 2", "Phương án sai 3", "Căn cứ st-02", "Giải thích st-02."},
		{"cong-vu", "Câu hỏi tuần sau về công vụ", "Phương án đúng st-03", "Phương án sai 1", "Phương án sai 2", "Phương án sai 3", "Căn cứ st-03", "Giải thích st-03."},
	}
	bank := func(id, title, prefix string, qs []q) contest.Bank {
		b := contest.Bank{ID: id, Title: title}
		for i, x := range qs {
			// the right option moves round the four places
			opts := []string{x.a, x.b, x.c, x.d}
			right := i % 4
			opts[0], opts[right] = opts[right], opts[0]
			b.Questions = append(b.Questions, contest.Question{ID: fmt.Sprintf("%s-%02d", prefix, i+1), Topic: x.topic, Text: x.text, Options: opts, Correct: right,
				Explanation: x.why, LegalBasis: x.basis})
		}
		return b
	}
	return map[string]contest.Bank{
		"tuan-cu":   bank("tuan-cu", "Tuần thi đã qua (ôn tập)", "cu", retired),
		"dang-dung": bank("dang-dung", "Ngân hàng đang dùng", "dd", current),
		"sap-toi":   bank("sap-toi", "Ngân hàng tuần sau", "st", next),
	}
}

// learnRounds are around now: three weeks ago on the retired bank (closed),
// last week and this week on the same bank (closed, open), next week on its
// own (upcoming).
func learnRounds(now time.Time) []contest.Round {
	now = now.Truncate(time.Minute)
	r := func(id, title, bank string, opens, closes time.Time, n int) contest.Round {
		return contest.Round{ContestID: learnContestID, ID: id, Title: title, Audience: contest.AudienceStaff, OpensAt: opens, ClosesAt: closes,
			QuestionCount: n, TimeLimit: 10 * time.Minute, Attempts: 1, BankID: bank}
	}
	return []contest.Round{
		r("tuan-1", "Tuần 1 (đã kết thúc)", "tuan-cu", now.AddDate(0, 0, -21), now.AddDate(0, 0, -14), 5),
		r("tuan-2", "Tuần 2 (đã kết thúc)", "dang-dung", now.AddDate(0, 0, -7), now.Add(-2*time.Hour), 5),
		r("tuan-3", "Tuần 3 (đang diễn ra)", "dang-dung", now.Add(-2*time.Hour), now.AddDate(0, 0, 3), 5),
		r("tuan-4", "Tuần 4 (sắp diễn ra)", "sap-toi", now.AddDate(0, 0, 3), now.AddDate(0, 0, 10), 3),
	}
}

var (
	learnOnce sync.Once
	learnErr  error
)

// learnContest seeds the learn contest once: settings (practice open to
// everyone, keys of closed rounds public only where no round can still draw
// them), one unit, two participants, the banks, the rounds, and the first
// participant's submitted papers of weeks 1 and 2. It returns the browser
// test's environment.
func (e *e2eEnv) learnContest(t *testing.T) []string {
	t.Helper()
	learnOnce.Do(func() { learnErr = e.seedLearn(context.Background()) })
	if learnErr != nil {
		t.Fatal(learnErr)
	}
	tok, exp, err := e.signer.Issue(token.ClaimsFor(learnContestID, learnOrganiser))
	if err != nil {
		t.Fatal(err)
	}
	m := learnOrganiser
	session, err := json.Marshal(map[string]any{
		"token": tok, "expiresAt": exp.In(contest.ICT), "contest": learnContestID,
		"participant": map[string]any{"email": m.Email, "name": m.Name, "unitId": m.UnitID, "audience": m.Audience, "roles": m.Roles,
			"mayCompete": contest.MayCompete(m.Roles), "contest": learnContestID},
	})
	if err != nil {
		t.Fatal(err)
	}
	return []string{
		"HOITHI_LEARN_CONTEST=" + learnContestID,
		"HOITHI_LEARN_PARTICIPANT=" + learnParticipant.Email,
		"HOITHI_LEARN_ORGANISER_SESSION=" + string(session),
	}
}

func (e *e2eEnv) seedLearn(ctx context.Context) error {
	c := contest.Contest{ID: learnContestID, Title: "Hội thi học tập (kiểm thử ôn tập và xem lại bài)", AllowedDomains: []string{learnDomain},
		OpenSignUp: []contest.Audience{}, CodesPerRequesterHour: 1000, Practice: contest.PracticeEveryone}
	if err := e.store.PutContest(ctx, c); err != nil {
		return err
	}
	if err := e.store.PutUnit(ctx, learnContestID, contest.Unit{ID: "so-noi-vu", Name: "Sở Nội vụ", Block: contest.BlockAgency, Headcount: 2}); err != nil {
		return err
	}
	for _, m := range []contest.Member{learnParticipant, learnOther, learnOrganiser} {
		if err := e.store.PutMember(ctx, learnContestID, m); err != nil {
			return err
		}
	}
	_, obj := e.p.Clients()
	banks := map[string]*contest.Bank{}
	for id, b := range learnBanks() {
		data, err := json.Marshal(b)
		if err != nil {
			return err
		}
		if banks[id], err = blob.PutBank(ctx, obj, e.p.Bucket, learnContestID, data); err != nil {
			return err
		}
	}
	rounds := learnRounds(e.clock.Now())
	for _, r := range rounds {
		if err := e.store.PutRound(ctx, r); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(15, 15))
	for _, r := range rounds[:2] {
		// the papers draw from the first six (not week 1's copy of dd-02)
		first := &contest.Bank{ID: r.BankID, Questions: banks[r.BankID].Questions[:6]}
		items, key, err := contest.Draw(first, r.QuestionCount, rng)
		if err != nil {
			return err
		}
		start := r.OpensAt.Add(time.Hour).Truncate(time.Millisecond)
		p := &contest.Paper{ContestID: learnContestID, RoundID: r.ID, ParticipantID: contest.ParticipantID(learnContestID, learnParticipant.Email), Attempt: 1,
			Email: learnParticipant.Email, Name: learnParticipant.Name, UnitID: learnParticipant.UnitID, Audience: contest.AudienceStaff, BankID: r.BankID,
			Items: items, Key: key, StartedAt: start, Deadline: r.Deadline(start), Answers: map[string]string{}, Status: contest.PaperInProgress}
		if _, _, err := e.store.CreatePaper(ctx, p); err != nil {
			return err
		}
		// the first three right, the fourth wrong, the fifth left blank
		answers := map[string]string{}
		for i, it := range items[:4] {
			a := key[i]
			if i == 3 {
				a = "ABCD"[(strings.IndexByte("ABCD", a)+1)%4]
			}
			answers[it.QuestionID] = string(a)
		}
		if _, _, err := e.store.SubmitPaper(ctx, p, answers, contest.Grade(p, answers, 12, start.Add(4*time.Minute))); err != nil {
			return err
		}
	}
	return nil
}

// learnToken signs a session of the learn contest for m.
func (e *e2eEnv) learnToken(t *testing.T, m contest.Member) string {
	t.Helper()
	tok, _, err := e.signer.Issue(token.ClaimsFor(learnContestID, m))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// answerFields are the fields that carry or give away a key.
var answerFields = []string{"correct", "correctOption", "right", "isCorrect", "key", "answerKey", "explanation", "legalBasis"}

// drawableKeyLeak returns where body carries the key of a question in
// drawable (question id → its question): an object naming such a question
// (by "id" or "questionId", or by its text whatever the case and spacing, as
// a copy in another bank would) with an answer field, or the question's
// explanation or legal basis anywhere.
func drawableKeyLeak(body []byte, drawable map[string]contest.Question) string {
	texts := map[string]string{}
	for id, q := range drawable {
		texts[strings.ToLower(strings.Join(strings.Fields(q.Text), " "))] = id
	}
	for id, q := range drawable {
		for _, s := range []string{q.Explanation, q.LegalBasis} {
			if s != "" && bytes.Contains(body, []byte(s)) {
				return fmt.Sprintf("the explanation or legal basis of %s", id)
			}
		}
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	var walk func(path string, v any) string
	walk = func(path string, v any) string {
		switch x := v.(type) {
		case map[string]any:
			for _, idField := range []string{"id", "questionId"} {
				id, _ := x[idField].(string)
				if _, ok := drawable[id]; !ok {
					continue
				}
				for _, f := range answerFields {
					if _, has := x[f]; has {
						return fmt.Sprintf("%s.%s of question %s", path, f, id)
					}
				}
			}
			if text, _ := x["text"].(string); text != "" {
				if id, ok := texts[strings.ToLower(strings.Join(strings.Fields(text), " "))]; ok {
					for _, f := range answerFields {
						if _, has := x[f]; has {
							return fmt.Sprintf("%s.%s of a copy of question %s", path, f, id)
						}
					}
				}
			}
			for k, c := range x {
				if found := walk(path+"."+k, c); found != "" {
					return found
				}
			}
		case []any:
			for i, c := range x {
				if found := walk(fmt.Sprintf("%s[%d]", path, i), c); found != "" {
					return found
				}
			}
		}
		return ""
	}
	return walk("", v)
}

func TestNoResponseCarriesTheKeyOfAQuestionARoundCanStillDraw(t *testing.T) {
	e := need(t)
	e.learnContest(t)
	rec := &recorder{}
	now := e.clock.Now()
	rounds := learnRounds(now)
	banks := learnBanks()
	drawable := map[string]contest.Question{}
	for _, id := range contest.DrawableBanks(rounds, now) {
		for _, q := range banks[id].Questions {
			drawable[q.ID] = q
		}
	}
	if len(drawable) != 9 {
		t.Fatalf("%d drawable questions, want this week's and next week's 9", len(drawable))
	}
	tok := e.learnToken(t, learnParticipant)
	other := e.learnToken(t, learnOther)
	q := "?contest=" + learnContestID

	// every endpoint a participant or a visitor reaches, with the learn contest
	e.call(t, rec, "GET", "quiz", "/rounds"+q, "", nil)
	e.call(t, rec, "GET", "auth", "/signup"+q, "", nil)
	e.call(t, rec, "GET", "units", "/units/so-noi-vu/this-week"+q, "", nil)
	var papers []string
	for _, r := range rounds {
		res := e.call(t, rec, "GET", "quiz", "/rounds/"+r.ID+"/papers", tok, nil)
		for _, p := range res.json["papers"].([]any) {
			papers = append(papers, p.(map[string]any)["id"].(string))
		}
	}
	if len(papers) != 2 {
		t.Fatalf("papers %v, want weeks 1 and 2", papers)
	}
	started := e.call(t, rec, "POST", "quiz", "/rounds/"+rounds[2].ID+"/papers", other, nil)
	if started.status != http.StatusCreated {
		t.Fatalf("start this week: %d %s", started.status, started.raw)
	}
	open := started.json["paper"].(map[string]any)["id"].(string)
	first := started.json["paper"].(map[string]any)["questions"].([]any)[0].(map[string]any)["id"].(string)
	e.call(t, rec, "PUT", "grade", "/papers/"+open+"/answers", other, map[string]any{"answers": map[string]string{first: "A"}})
	if r := e.call(t, rec, "GET", "quiz", "/papers/"+open+"/review", other, nil); r.status != http.StatusConflict || r.errorCode() != "round_not_closed" {
		t.Errorf("review of this week's paper: %d %s", r.status, r.raw)
	}
	e.call(t, rec, "POST", "grade", "/papers/"+open+"/submission", other, map[string]any{"answers": map[string]string{}, "prediction": 3})
	e.call(t, rec, "GET", "quiz", "/papers/"+open, other, nil)
	e.call(t, rec, "GET", "quiz", "/papers/"+open+"/review", other, nil)
	reviews := map[string]response{}
	for _, id := range papers {
		e.call(t, rec, "GET", "quiz", "/papers/"+id, tok, nil)
		reviews[id] = e.call(t, rec, "GET", "quiz", "/papers/"+id+"/review", tok, nil)
	}
	for _, who := range []string{"", tok} {
		for _, topic := range []string{"", "&topic=thu-tuc", "&topic=chinh-phu-so", "&topic=cong-vu"} {
			for range 3 {
				e.call(t, rec, "GET", "quiz", "/practice"+q+topic, who, nil)
			}
		}
	}
	for id, dq := range drawable {
		bank := map[string]string{"dd": "dang-dung", "st": "sap-toi"}[id[:2]]
		r := e.call(t, rec, "POST", "quiz", "/practice/answers"+q, "", map[string]string{"bankId": bank, "questionId": id, "chosen": "A"})
		if r.status != http.StatusNotFound {
			t.Errorf("practice answer to drawable %s (%s): %d %s", id, dq.Text, r.status, r.raw)
		}
	}
	for _, b := range []string{"tuan-cu", "dang-dung"} {
		e.call(t, rec, "POST", "quiz", "/practice/answers"+q, "", map[string]string{"bankId": b, "questionId": "cu-01", "chosen": "A"})
	}
	if r := e.call(t, rec, "POST", "quiz", "/practice/answers"+q, "", map[string]string{"bankId": "tuan-cu", "questionId": "cu-07", "chosen": "A"}); r.status != http.StatusNotFound {
		t.Errorf("practice answer to week 1's copy of a drawable question: %d %s", r.status, r.raw)
	}

	t.Run("no response carries the key, explanation or legal basis of a question this week's or next week's round can draw", func(t *testing.T) {
		for _, body := range rec.bodies {
			if where := drawableKeyLeak(body, drawable); where != "" {
				t.Errorf("a response carries %s: %s", where, body)
			}
		}
	})
	t.Run("the scan sees keys where they are public: week 1's review and practice on its bank", func(t *testing.T) {
		retired := map[string]contest.Question{}
		for _, q := range banks["tuan-cu"].Questions {
			retired[q.ID] = q
		}
		found := 0
		for _, body := range rec.bodies {
			if drawableKeyLeak(body, retired) != "" {
				found++
			}
		}
		if found == 0 {
			t.Error("no response shows a retired question's key: the scan would pass without looking")
		}
		week1 := reviews[papers[0]]
		if rv, _ := week1.json["review"].(map[string]any); rv == nil || rv["keysPublic"] != true {
			t.Errorf("week 1's review: %s", week1.raw)
		}
		week2 := reviews[papers[1]]
		if rv, _ := week2.json["review"].(map[string]any); rv == nil || rv["keysPublic"] != false || rv["keysNote"] == "" {
			t.Errorf("week 2's review (its bank is this week's): %s", week2.raw)
		}
	})
	t.Run("practice draws only from the retired bank", func(t *testing.T) {
		r := e.call(t, nil, "GET", "quiz", "/practice"+q, "", nil)
		for _, x := range r.json["questions"].([]any) {
			if b := x.(map[string]any)["bankId"]; b != "tuan-cu" {
				t.Errorf("practice question of bank %v", b)
			}
		}
	})
}
