// Package demo seeds a demonstration contest: units in the three blocks, a
// roster, the demo question banks (marked as demo data), last week's closed
// round with papers, this week's open rounds and next week's. Seeding is
// idempotent, so `make dev` can run it on every start.
package demo

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

//go:embed bank-staff.json bank-citizen.json
var bankFiles embed.FS

// ContestID is the demo contest.
const ContestID = "demo"

// Domain is the demo's official e-mail domain.
const Domain = "demo.hue.gov.vn"

// Store is what seeding writes to.
type Store interface {
	PutContest(ctx context.Context, c contest.Contest) error
	PutRound(ctx context.Context, r contest.Round) error
	GetRound(ctx context.Context, contestID, roundID string) (contest.Round, error)
	PutUnit(ctx context.Context, contestID string, u contest.Unit) error
	PutMember(ctx context.Context, contestID string, m contest.Member) error
	CreatePaper(ctx context.Context, p *contest.Paper) (*contest.Paper, bool, error)
	SubmitPaper(ctx context.Context, p *contest.Paper, answers map[string]string, r contest.Result) (*contest.Paper, bool, error)
}

// Banks is where seeding puts the question banks (blob.BankBucket on S3):
// the demo's data stays free of any store.
type Banks interface {
	PutBank(ctx context.Context, contestID string, data []byte) (*contest.Bank, error)
}

// Accounts lists demo e-mails by role, for people trying the demo and for tests.
type Accounts struct {
	Participant []string `json:"participant"`
	UnitAdmin   []string `json:"unitAdmin"`
	Organiser   []string `json:"organiser"`
	Jury        []string `json:"jury"`
	Citizen     []string `json:"citizen"`
}

// Contest is the demo contest's settings.
func Contest() contest.Contest {
	return contest.Contest{
		ID:             ContestID,
		Title:          "Hội thi trực tuyến tìm hiểu công tác cải cách hành chính (dữ liệu minh hoạ)",
		AllowedDomains: []string{Domain},
		OpenSignUp:     []contest.Audience{contest.AudienceCitizen},
		// everyone may practise; the demo's weeks share one bank, so its
		// questions open for practice (and review keys) once the last week
		// has closed (contest.KeysPublic)
		Practice: contest.PracticeEveryone,
	}
}

// Units are the demo units; headcount is the size of each unit's roster below.
func Units() []contest.Unit {
	return []contest.Unit{
		{ID: "so-noi-vu", Name: "Sở Nội vụ", Block: contest.BlockAgency, Headcount: 14},
		{ID: "so-tu-phap", Name: "Sở Tư pháp", Block: contest.BlockAgency, Headcount: 10},
		{ID: "so-tai-chinh", Name: "Sở Tài chính", Block: contest.BlockAgency, Headcount: 12},
		{ID: "van-phong-ubnd", Name: "Văn phòng UBND tỉnh", Block: contest.BlockAgency, Headcount: 11},
		{ID: "trung-tam-hcc", Name: "Trung tâm Phục vụ hành chính công tỉnh", Block: contest.BlockAgency, Headcount: 9},
		{ID: "dai-phat-thanh", Name: "Đài Phát thanh và Truyền hình tỉnh", Block: contest.BlockService, Headcount: 12},
		{ID: "trung-tam-y-te", Name: "Trung tâm Y tế thành phố", Block: contest.BlockService, Headcount: 15},
		{ID: "truong-cao-dang", Name: "Trường Cao đẳng Công nghiệp", Block: contest.BlockService, Headcount: 10},
		{ID: "phuong-phu-hoi", Name: "UBND phường Phú Hội", Block: contest.BlockCommune, Headcount: 9},
		{ID: "phuong-thuan-hoa", Name: "UBND phường Thuận Hóa", Block: contest.BlockCommune, Headcount: 11},
		{ID: "phuong-kim-long", Name: "UBND phường Kim Long", Block: contest.BlockCommune, Headcount: 8},
		{ID: "xa-phu-vang", Name: "UBND xã Phú Vang", Block: contest.BlockCommune, Headcount: 10},
	}
}

var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"}
	middleNames = []string{"Văn", "Thị", "Đức", "Minh", "Thanh", "Quang", "Ngọc", "Hữu", "Xuân", "Thu"}
	givenNames  = []string{"An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Phương", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến"}
)

// Roster returns every unit's staff (deterministic). The first person of each
// unit is its unit admin.
func Roster() []contest.Member {
	rng := rand.New(rand.NewPCG(2026, 11))
	var out []contest.Member
	used := map[string]bool{}
	for _, u := range Units() {
		for i := range u.Headcount {
			family := familyNames[rng.IntN(len(familyNames))]
			middle := middleNames[rng.IntN(len(middleNames))]
			given := givenNames[rng.IntN(len(givenNames))]
			local := fold(given) + "." + fold(family+middle)
			email := local + "@" + Domain
			for n := 2; used[email]; n++ {
				email = fmt.Sprintf("%s%d@%s", local, n, Domain)
			}
			used[email] = true
			roles := []contest.Role{contest.RoleParticipant}
			if i == 0 {
				roles = append(roles, contest.RoleUnitAdmin)
			}
			out = append(out, contest.Member{Email: email, Name: family + " " + middle + " " + given, UnitID: u.ID, Audience: contest.AudienceStaff, Roles: roles})
		}
	}
	return out
}

// Staff returns the organising board and jury (not on any unit's roster).
func Staff() []contest.Member {
	return []contest.Member{
		{Email: "btc@" + Domain, Name: "Ban Tổ chức Hội thi", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleOrganiser}},
		{Email: "to.giup.viec@" + Domain, Name: "Tổ giúp việc Ban Tổ chức", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleOrganiser, contest.RoleParticipant}},
		{Email: "giamkhao1@" + Domain, Name: "Giám khảo Lê Thị Hồng", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleJury}},
		{Email: "giamkhao2@" + Domain, Name: "Giám khảo Trần Văn Minh", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleJury}},
		{Email: "nguoidan.demo@example.com", Name: "Người dân (minh hoạ)", Ward: "Phường Phú Hội", Audience: contest.AudienceCitizen, Roles: []contest.Role{contest.RoleParticipant}},
	}
}

// WeekStart returns Monday 00:00 ICT of t's week.
func WeekStart(t time.Time) time.Time {
	t = t.In(contest.ICT)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, contest.ICT)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

func weekRound(start time.Time, audience contest.Audience) contest.Round {
	year, wk := start.ISOWeek()
	end := start.AddDate(0, 0, 7)
	r := contest.Round{
		ContestID: ContestID, Audience: audience, OpensAt: start, ClosesAt: end,
		QuestionCount: 15, TimeLimit: 10 * time.Minute, Attempts: 1,
	}
	span := fmt.Sprintf("%s – %s", start.Format("02/01"), end.Add(-time.Second).Format("02/01/2006"))
	switch audience {
	case contest.AudienceCitizen:
		r.ID = fmt.Sprintf("%d-w%02d-nguoi-dan", year, wk)
		r.Title = fmt.Sprintf("Tuần %d (%s) — dành cho người dân", wk, span)
		r.BankID, r.QuestionCount = "demo-citizen", 10
	default:
		r.ID = fmt.Sprintf("%d-w%02d", year, wk)
		r.Title = fmt.Sprintf("Tuần %d (%s) — cán bộ, công chức, viên chức", wk, span)
		r.BankID = "demo-staff"
	}
	return r
}

// Rounds are last week's (closed), this week's (open) and next week's
// (upcoming) rounds around now, for both audiences.
func Rounds(now time.Time) []contest.Round {
	this := WeekStart(now)
	var out []contest.Round
	for _, start := range []time.Time{this.AddDate(0, 0, -7), this, this.AddDate(0, 0, 7)} {
		out = append(out, weekRound(start, contest.AudienceStaff), weekRound(start, contest.AudienceCitizen))
	}
	return out
}

// Seed writes the demo contest. It is safe to run again: existing papers are kept.
func Seed(ctx context.Context, st Store, banks Banks, now time.Time) (Accounts, error) {
	var acc Accounts
	seeded := map[string]*contest.Bank{}
	for _, f := range []string{"bank-staff.json", "bank-citizen.json"} {
		data, err := bankFiles.ReadFile(f)
		if err != nil {
			return acc, err
		}
		b, err := banks.PutBank(ctx, ContestID, data)
		if err != nil {
			return acc, fmt.Errorf("seed bank %s: %w", f, err)
		}
		seeded[b.ID] = b
	}
	if err := st.PutContest(ctx, Contest()); err != nil {
		return acc, err
	}
	for _, u := range Units() {
		if err := st.PutUnit(ctx, ContestID, u); err != nil {
			return acc, err
		}
	}
	roster := Roster()
	for _, m := range append(roster, Staff()...) {
		if err := st.PutMember(ctx, ContestID, m); err != nil {
			return acc, err
		}
		switch {
		case m.Has(contest.RoleOrganiser):
			acc.Organiser = append(acc.Organiser, m.Email)
		case m.Has(contest.RoleJury):
			acc.Jury = append(acc.Jury, m.Email)
		case m.Audience == contest.AudienceCitizen:
			acc.Citizen = append(acc.Citizen, m.Email)
		case m.Has(contest.RoleUnitAdmin):
			acc.UnitAdmin = append(acc.UnitAdmin, m.Email)
		case len(acc.Participant) < 8:
			acc.Participant = append(acc.Participant, m.Email)
		}
	}
	rounds := Rounds(now)
	for _, r := range rounds {
		// a round seeded before keeps its state (its publication)
		if old, err := st.GetRound(ctx, ContestID, r.ID); err == nil {
			r.KeepPublication(old)
		} else if fault.CodeOf(err) != "round_not_found" {
			return acc, err
		}
		if err := st.PutRound(ctx, r); err != nil {
			return acc, err
		}
	}
	if err := seedPapers(ctx, st, rounds[0], seeded[rounds[0].BankID], roster); err != nil {
		return acc, err
	}
	return acc, nil
}

// seedPapers fills last week's staff round: from 55% of a unit's roster to all
// of it took part, about 54% of papers all correct, 2–10 minutes each.
func seedPapers(ctx context.Context, st Store, r contest.Round, bank *contest.Bank, roster []contest.Member) error {
	units := Units()
	turnout := map[string]float64{}
	for i, u := range units {
		turnout[u.ID] = 0.55 + 0.45*float64(i%4)/3 // from 55% to every one, varying by unit
	}
	for _, m := range roster {
		// each person's own random stream: reseeding decides the same way
		// whatever already exists
		h := fnv.New64a()
		_, _ = h.Write([]byte(r.ID + "\x00" + m.Email))
		rng := rand.New(rand.NewPCG(h.Sum64(), 2026))
		if rng.Float64() > turnout[m.UnitID] {
			continue
		}
		items, key, err := contest.Draw(bank, r.QuestionCount, rng)
		if err != nil {
			return err
		}
		start := r.OpensAt.Add(time.Duration(rng.Int64N(int64(6 * 24 * time.Hour)))).Truncate(time.Millisecond)
		p := &contest.Paper{
			ContestID: ContestID, RoundID: r.ID, ParticipantID: contest.ParticipantID(ContestID, m.Email), Attempt: 1,
			Email: m.Email, Name: m.Name, UnitID: m.UnitID, Audience: m.Audience, BankID: r.BankID,
			Items: items, Key: key, StartedAt: start, Deadline: r.Deadline(start), Answers: map[string]string{}, Status: contest.PaperInProgress,
		}
		stored, created, err := st.CreatePaper(ctx, p)
		if err != nil {
			return err
		}
		if !created && stored.Status == contest.PaperSubmitted {
			continue
		}
		answers := map[string]string{}
		allRight := rng.Float64() < 0.54
		for k, it := range items {
			a := key[k]
			if !allRight && rng.Float64() < 0.25 {
				a = "ABCD"[(strings.IndexByte("ABCD", a)+1+rng.IntN(3))%4]
			}
			answers[it.QuestionID] = string(a)
		}
		if !allRight {
			// make sure a paper meant to have a mistake has one
			first := items[0].QuestionID
			if answers[first] == key[:1] {
				answers[first] = string("ABCD"[(strings.IndexByte("ABCD", key[0])+1)%4])
			}
		}
		took := time.Duration(120+rng.IntN(480)) * time.Second
		res := contest.Grade(p, answers, 60+rng.IntN(60), start.Add(took).Truncate(time.Millisecond))
		if _, _, err := st.SubmitPaper(ctx, p, answers, res); err != nil {
			return err
		}
	}
	return nil
}

var foldMap = map[rune]string{'đ': "d", 'Đ': "d"}

// fold turns a Vietnamese name into ASCII for e-mail addresses.
func fold(s string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(s) {
		if f, ok := foldMap[r]; ok {
			sb.WriteString(f)
			continue
		}
		switch {
		case r >= 'a' && r <= 'z':
			sb.WriteRune(r)
		case strings.ContainsRune("àáảãạăằắẳẵặâầấẩẫậ", r):
			sb.WriteByte('a')
		case strings.ContainsRune("èéẻẽẹêềếểễệ", r):
			sb.WriteByte('e')
		case strings.ContainsRune("ìíỉĩị", r):
			sb.WriteByte('i')
		case strings.ContainsRune("òóỏõọôồốổỗộơờớởỡợ", r):
			sb.WriteByte('o')
		case strings.ContainsRune("ùúủũụưừứửữự", r):
			sb.WriteByte('u')
		case strings.ContainsRune("ỳýỷỹỵ", r):
			sb.WriteByte('y')
		}
	}
	return sb.String()
}
