package importer

import (
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

func weeklySpec() WeeklySpec {
	return WeeklySpec{Weeks: 4, FirstMonday: "2026-12-07", QuestionCount: 15, TimeLimitMinutes: 10, Attempts: 1, BankID: "hue-2026-can-bo", Audience: "staff"}
}

func ict(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, contest.ICT) }

func TestWeekly(t *testing.T) {
	type week struct {
		id           string
		opens, close time.Time
	}
	tests := []struct {
		name  string
		spec  func(*WeeklySpec)
		cur   func(*Current)
		want  []week
		wantP []string // problems as "column: message"
	}{
		{name: "four weeks run Monday 00:00 to the next Monday 00:00 in Viet Nam's time", want: []week{
			{"tuan-1", ict(2026, 12, 7), ict(2026, 12, 14)}, {"tuan-2", ict(2026, 12, 14), ict(2026, 12, 21)},
			{"tuan-3", ict(2026, 12, 21), ict(2026, 12, 28)}, {"tuan-4", ict(2026, 12, 28), ict(2027, 1, 4)},
		}},
		{name: "a week across New Year closes in the next year", spec: func(s *WeeklySpec) { s.Weeks, s.FirstMonday = 2, "28/12/2026" }, want: []week{
			{"tuan-1", ict(2026, 12, 28), ict(2027, 1, 4)}, {"tuan-2", ict(2027, 1, 4), ict(2027, 1, 11)},
		}},
		{name: "citizens' weeks get their own ids, numbered from the first number", spec: func(s *WeeklySpec) {
			s.Weeks, s.Audience, s.FirstNumber, s.BankID = 1, "Người dân", 3, "hue-2026-nguoi-dan"
		}, cur: func(c *Current) { c.Banks["hue-2026-nguoi-dan"] = 20 }, want: []week{{"nguoi-dan-tuan-3", ict(2026, 12, 7), ict(2026, 12, 14)}}},
		{name: "a date that is not a Monday is refused", spec: func(s *WeeklySpec) { s.FirstMonday = "2026-12-08" },
			wantP: []string{"firstMonday: ngày 08/12/2026 là thứ Ba, không phải thứ Hai: mỗi tuần thi từ thứ Hai 00:00 đến Chủ nhật 24:00"}},
		{name: "no weeks and too many weeks are refused", spec: func(s *WeeklySpec) { s.Weeks = 53 },
			wantP: []string{"weeks: số tuần 53: từ 1 đến 52"}},
		{name: "a bank too small is said once for all weeks", spec: func(s *WeeklySpec) { s.QuestionCount = 21 },
			wantP: []string{`questionCount: số câu hỏi 21, nhưng bộ "hue-2026-can-bo" chỉ có 20 câu`}},
		{name: "an unknown bank is said once", spec: func(s *WeeklySpec) { s.BankID = "khong-co" },
			wantP: []string{`bankId: không có bộ câu hỏi "khong-co" (các bộ: hue-2026-can-bo)`}},
		{name: "attempts out of bounds are the import's problem", spec: func(s *WeeklySpec) { s.Attempts = 11 },
			wantP: []string{"attempts: số lượt 11: mỗi người từ 1 đến 10 lượt (lượt tốt nhất được tính)"}},
		{name: "a week overlapping a round of the contest is refused", cur: func(c *Current) {
			c.Rounds = []contest.Round{{ContestID: "hue-2026", ID: "khac", Title: "Khác", Audience: contest.AudienceStaff, OpensAt: ict(2026, 12, 20), ClosesAt: ict(2026, 12, 22),
				QuestionCount: 5, Attempts: 1, BankID: "hue-2026-can-bo"}}
		}, wantP: []string{
			`: trùng thời gian với tuần thi "tuan-2" (tuần 2 của biểu mẫu) của đối tượng staff: mỗi đối tượng mỗi lúc chỉ một tuần thi (bắt đầu 2026-12-20T00:00:00+07:00 trước khi tuần kia kết thúc 2026-12-21T00:00:00+07:00)`,
			`opensAt: trùng thời gian với tuần thi "khac" (đã có) của đối tượng staff: mỗi đối tượng mỗi lúc chỉ một tuần thi (bắt đầu 2026-12-21T00:00:00+07:00 trước khi tuần kia kết thúc 2026-12-22T00:00:00+07:00)`,
		}},
		{name: "a week that has opened keeps its time limit", spec: func(s *WeeklySpec) { s.TimeLimitMinutes = 12 }, cur: func(c *Current) {
			c.Now = ict(2026, 12, 8)
			c.Rounds = []contest.Round{{ContestID: "hue-2026", ID: "tuan-1", Title: "Tuần thi thứ 1", Audience: contest.AudienceStaff, OpensAt: ict(2026, 12, 7), ClosesAt: ict(2026, 12, 14),
				QuestionCount: 15, TimeLimit: 10 * time.Minute, Attempts: 1, BankID: "hue-2026-can-bo"}}
		}, wantP: []string{"timeLimitMinutes: Tuần thi đã mở (từ 00:00 07/12/2026): không đổi được thời gian làm bài."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := weeklySpec()
			if tt.spec != nil {
				tt.spec(&spec)
			}
			cur := current()
			cur.Now = ict(2026, 12, 1)
			if tt.cur != nil {
				tt.cur(&cur)
			}
			got := Weekly(spec, cur)
			var problems []string
			for _, p := range got.Problems {
				problems = append(problems, p.Column+": "+p.Msg)
			}
			if !slices.Equal(problems, tt.wantP) {
				t.Fatalf("problems\n%q\nwant\n%q", problems, tt.wantP)
			}
			if tt.wantP != nil {
				return
			}
			var weeks []week
			for _, r := range got.Rounds {
				weeks = append(weeks, week{r.ID, r.OpensAt, r.ClosesAt})
				if r.QuestionCount != spec.QuestionCount || r.TimeLimit != time.Duration(spec.TimeLimitMinutes)*time.Minute || r.Attempts != spec.Attempts || r.BankID != spec.BankID {
					t.Errorf("round %+v does not follow the spec %+v", r, spec)
				}
			}
			if len(weeks) != len(tt.want) {
				t.Fatalf("weeks %v, want %v", weeks, tt.want)
			}
			for i := range weeks {
				if weeks[i].id != tt.want[i].id || !weeks[i].opens.Equal(tt.want[i].opens) || !weeks[i].close.Equal(tt.want[i].close) {
					t.Errorf("week %d: %v, want %v", i+1, weeks[i], tt.want[i])
				}
			}
		})
	}
}

func TestEditRound(t *testing.T) {
	opened := contest.Round{ContestID: "hue-2026", ID: "tuan-1", Title: "Tuần thi thứ 1", Audience: contest.AudienceStaff, OpensAt: ict(2026, 12, 7), ClosesAt: ict(2026, 12, 14),
		QuestionCount: 15, TimeLimit: 10 * time.Minute, Attempts: 1, BankID: "hue-2026-can-bo"}
	edit := RoundEdit{Title: "Tuần một", Audience: "staff", OpensAt: "2026-12-07T00:00:00+07:00", ClosesAt: "14/12/2026 00:00", QuestionCount: 15, TimeLimitMinutes: 10, Attempts: 1, BankID: "hue-2026-can-bo"}
	tests := []struct {
		name  string
		now   time.Time
		edit  func(*RoundEdit)
		wantP []string
	}{
		{name: "an upcoming round may take another question count", now: ict(2026, 12, 1), edit: func(e *RoundEdit) { e.QuestionCount = 20 }},
		{name: "an open round may change its title", now: ict(2026, 12, 8)},
		{name: "an open round keeps its attempts", now: ict(2026, 12, 8), edit: func(e *RoundEdit) { e.Attempts = 2 },
			wantP: []string{"attempts: Tuần thi đã mở (từ 00:00 07/12/2026): không đổi được số lượt thi."}},
		{name: "a time without its zone is refused as in the import", now: ict(2026, 12, 1), edit: func(e *RoundEdit) { e.OpensAt = "tuần sau" },
			wantP: []string{`opensAt: thời điểm bắt đầu (opensAt) "tuần sau" không phải ngày giờ: ghi dạng ngày/tháng/năm giờ:phút theo giờ Việt Nam, ví dụ "29/09/2025 00:00"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := current()
			cur.Now, cur.Rounds = tt.now, []contest.Round{opened}
			ed := edit
			if tt.edit != nil {
				tt.edit(&ed)
			}
			got := EditRound("tuan-1", ed, cur)
			var problems []string
			for _, p := range got.Problems {
				problems = append(problems, p.Column+": "+p.Msg)
			}
			if !slices.Equal(problems, tt.wantP) {
				t.Fatalf("problems\n%q\nwant\n%q", problems, tt.wantP)
			}
			if tt.wantP == nil && (len(got.Rounds) != 1 || got.Rounds[0].Title != "Tuần một") {
				t.Errorf("rounds %+v", got.Rounds)
			}
		})
	}
}
