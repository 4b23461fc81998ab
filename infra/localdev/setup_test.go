package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/importer"
)

// The set-up pages' browser test (web/tests/setup.test.mjs) works on a
// contest of its own: units, a roster and a bank already imported, one week
// closed and published two weeks ago (so a change of the ranking's settings
// warns about it), and no round for the weeks ahead.
const (
	setupContestID = "setup-thu"
	setupDomain    = "setup-thu.gov.vn"
)

// setupContest seeds that contest and returns the browser test's environment.
func (e *e2eEnv) setupContest(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	at := func(name string) string { return name + "@" + setupDomain }
	c := contest.Contest{ID: setupContestID, Title: "Hội thi thử các trang thiết lập (kiểm thử)", AllowedDomains: []string{setupDomain},
		OpenSignUp: []contest.Audience{}, CodesPerRequesterHour: 1000}
	if err := e.store.PutContest(ctx, c); err != nil {
		t.Fatal(err)
	}
	for _, u := range []contest.Unit{
		{ID: "so-noi-vu", Name: "Sở Nội vụ", Block: contest.BlockAgency, Headcount: 2},
		{ID: "phuong-an-cuu", Name: "UBND phường An Cựu", Block: contest.BlockCommune, Headcount: 1},
	} {
		if err := e.store.PutUnit(ctx, setupContestID, u); err != nil {
			t.Fatal(err)
		}
	}
	staff := contest.AudienceStaff
	for _, m := range []contest.Member{
		{Email: at("btc"), Name: "Trần Thị Ban Tổ Chức", Audience: staff, Roles: []contest.Role{contest.RoleOrganiser}},
		{Email: at("an"), Name: "Nguyễn Văn An", UnitID: "so-noi-vu", Audience: staff, Roles: []contest.Role{contest.RoleParticipant}},
		{Email: at("binh"), Name: "Lê Thị Bình", UnitID: "so-noi-vu", Audience: staff, Roles: []contest.Role{contest.RoleParticipant}},
		{Email: at("cuong"), Name: "Phạm Văn Cường", UnitID: "phuong-an-cuu", Audience: staff, Roles: []contest.Role{contest.RoleParticipant}},
	} {
		if err := e.store.PutMember(ctx, setupContestID, m); err != nil {
			t.Fatal(err)
		}
	}
	// the bank, through the import's own reading of a spreadsheet
	var csv strings.Builder
	csv.WriteString("Câu hỏi,Phương án A,Phương án B,Phương án C,Phương án D,Đáp án đúng,Giải thích,Căn cứ pháp lý,Lĩnh vực\n")
	for i := range 8 {
		fmt.Fprintf(&csv, "Câu hỏi thử số %d về cơ chế một cửa (%d)?,Đúng %d,Sai %d,Chưa rõ %d,Không phải %d,A,Giải thích %d,Điều %d Nghị định 61/2018/NĐ-CP,Cải cách thủ tục hành chính\n", i+1, i*7919, i, i, i, i, i, i+1)
	}
	checked := importer.Check(importer.KindBank, "bo-thu.csv", []byte(csv.String()), importer.Current{Contest: c, Now: e.clock.Now()}, importer.Options{BankID: "bo-thu", BankTitle: "Bộ câu hỏi thử"})
	if !checked.Valid() {
		t.Fatalf("setup bank: %v", checked.Problems)
	}
	_, obj := e.p.Clients()
	if _, err := blob.PutBank(ctx, obj, e.p.Bucket, setupContestID, checked.BankJSON); err != nil {
		t.Fatal(err)
	}
	monday := demo.WeekStart(e.clock.Now())
	old := contest.Round{ContestID: setupContestID, ID: "tuan-thu-cu", Title: "Tuần thi thử đã công bố", Audience: staff,
		OpensAt: monday.AddDate(0, 0, -14), ClosesAt: monday.AddDate(0, 0, -7), QuestionCount: 5, Attempts: 1, BankID: "bo-thu"}
	if err := e.store.PutRound(ctx, old); err != nil {
		t.Fatal(err)
	}
	if err := e.store.MarkPublished(ctx, setupContestID, old.ID, monday.AddDate(0, 0, -7), 0); err != nil {
		t.Fatal(err)
	}
	return []string{
		"HOITHI_SETUP_CONTEST=" + setupContestID,
		"HOITHI_SETUP_ORGANISER=" + at("btc"),
		"HOITHI_SETUP_PARTICIPANT=" + at("an"),
		"HOITHI_SETUP_UNIT_ADMIN=" + at("cuong"),
		"HOITHI_SETUP_MONDAY=" + monday.Format("2006-01-02"),
	}
}
