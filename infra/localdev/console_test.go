package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hoithi/hoithi/shared/contest"
)

// The organiser console's browser test (web/tests/console.test.mjs) builds a
// contest of its own, so the demo contest the other browser tests use is
// left as it is.
const (
	consoleContestID = "console-thu"
	consoleDomain    = "console-thu.gov.vn"
)

// consoleOrganiser is the only person the console's contest starts with.
var consoleOrganiser = contest.Member{Email: "btc@" + consoleDomain, Name: "Trần Thị Ban Tổ Chức", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleOrganiser}}

// consoleContest stores an empty contest (its settings and its organiser, as
// a province starts) and writes the spreadsheets its organiser imports in
// the browser: units, a roster with row-numbered mistakes, the fixed one and a re-import,
// a question bank and four weekly rounds from this week's Monday (on the
// run's clock). It returns the browser test's environment.
func (e *e2eEnv) consoleContest(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	c := contest.Contest{ID: consoleContestID, Title: "Hội thi thử của Ban tổ chức (kiểm thử trang quản trị)", AllowedDomains: []string{consoleDomain},
		OpenSignUp: []contest.Audience{}, CodesPerRequesterHour: 1000}
	if err := e.store.PutContest(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := e.store.PutMember(ctx, consoleContestID, consoleOrganiser); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	at := func(name string) string { return name + "@" + consoleDomain }
	btc := []any{consoleOrganiser.Email, consoleOrganiser.Name, "so-noi-vu", "Cán bộ", "Ban Tổ chức", ""}
	files := map[string][][]any{
		"don-vi.xlsx": {
			{"Mã đơn vị", "Tên đơn vị", "Khối", "Số người dự thi"},
			{"so-noi-vu", "Sở Nội vụ", "Cơ quan hành chính", 3},
			{"phuong-an-cuu", "UBND phường An Cựu", "Phường, xã", 2},
		},
		// row 4 repeats row 3's e-mail, row 5 names a unit that is not
		// imported, row 6 has no valid e-mail
		"danh-sach-loi.xlsx": {
			{"Email", "Họ và tên", "Mã đơn vị", "Đối tượng", "Vai trò", "Phường, xã"},
			btc,
			{at("an"), "Nguyễn Văn An", "so-noi-vu", "Cán bộ", "Thí sinh", ""},
			{at("an"), "Lê Thị Bình", "so-noi-vu", "Cán bộ", "Thí sinh", ""},
			{at("cuong"), "Phạm Văn Cường", "phuong-khong-co", "Cán bộ", "Thí sinh", ""},
			{"dung-khong-co-a-cong", "Hoàng Thị Dung", "phuong-an-cuu", "Cán bộ", "Thí sinh", ""},
		},
		"danh-sach.xlsx": {
			{"Email", "Họ và tên", "Mã đơn vị", "Đối tượng", "Vai trò", "Phường, xã"},
			btc,
			{at("an"), "Nguyễn Văn An", "so-noi-vu", "Cán bộ", "Thí sinh", ""},
			{at("binh"), "Lê Thị Bình", "so-noi-vu", "Cán bộ", "Thí sinh", ""},
			{at("cuong"), "Phạm Văn Cường", "phuong-an-cuu", "Cán bộ", "Thí sinh; Quản trị đơn vị", ""},
			{at("dung"), "Hoàng Thị Dung", "phuong-an-cuu", "Cán bộ", "Thí sinh", ""},
		},
		// a re-import: Bình moves, Dũng leaves, Em joins
		"danh-sach-2.xlsx": {
			{"Email", "Họ và tên", "Mã đơn vị", "Đối tượng", "Vai trò", "Phường, xã"},
			btc,
			{at("an"), "Nguyễn Văn An", "so-noi-vu", "Cán bộ", "Thí sinh", ""},
			{at("binh"), "Lê Thị Bình", "phuong-an-cuu", "Cán bộ", "Thí sinh", ""},
			{at("cuong"), "Phạm Văn Cường", "phuong-an-cuu", "Cán bộ", "Thí sinh; Quản trị đơn vị", ""},
			{at("em"), "Võ Văn Em", "so-noi-vu", "Cán bộ", "Thí sinh", ""},
		},
		"cau-hoi.xlsx":  consoleBank(),
		"tuan-thi.xlsx": consoleRounds(e.clock.Now()),
	}
	for name, rows := range files {
		writeWorkbook(t, filepath.Join(dir, name), rows)
	}
	if err := os.WriteFile(filepath.Join(dir, "rong.csv"), nil, 0o644); err != nil { // an empty file
		t.Fatal(err)
	}
	// the units as Excel saves "CSV UTF-8": a byte order mark, CRLF
	csv := "\ufeffMã đơn vị,Tên đơn vị,Khối,Số người dự thi\r\nso-noi-vu,Sở Nội vụ,Cơ quan hành chính,3\r\nphuong-an-cuu,UBND phường An Cựu,\"Phường, xã\",2\r\n"
	if err := os.WriteFile(filepath.Join(dir, "don-vi.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{
		"HOITHI_CONSOLE_CONTEST=" + consoleContestID,
		"HOITHI_CONSOLE_ORGANISER=" + consoleOrganiser.Email,
		"HOITHI_CONSOLE_PARTICIPANT=" + at("an"),
		"HOITHI_CONSOLE_FILES=" + dir,
	}
}

// consoleBank is a bank of eight questions, one of each kind of row the
// template shows (four options, an explanation, a legal basis, a topic).
func consoleBank() [][]any {
	rows := [][]any{{"Mã câu hỏi", "Câu hỏi", "Phương án A", "Phương án B", "Phương án C", "Phương án D", "Đáp án đúng", "Giải thích", "Căn cứ pháp lý", "Lĩnh vực", "Đối tượng"}}
	qs := []struct{ text, a, b, c, d, key, basis, topic string }{
		{"Cơ chế một cửa, một cửa liên thông được quy định tại văn bản nào?", "Nghị định 61/2018/NĐ-CP", "Luật Cán bộ, công chức", "Nghị quyết 76/NQ-CP", "Luật Ngân sách nhà nước", "A", "Điều 1 Nghị định 61/2018/NĐ-CP", "Cải cách thủ tục hành chính"},
		{"Chương trình tổng thể cải cách hành chính giai đoạn 2021–2030 được ban hành bằng văn bản nào?", "Quyết định 06/QĐ-TTg", "Nghị quyết 76/NQ-CP", "Nghị định 45/2020/NĐ-CP", "Thông tư 01/2018/TT-VPCP", "B", "Nghị quyết 76/NQ-CP", "Cải cách thể chế"},
		{"Thực hiện thủ tục hành chính trên môi trường điện tử được quy định ở đâu?", "Luật Giao dịch điện tử năm 1990", "Quyết định 06/QĐ-TTg", "Nghị định 45/2020/NĐ-CP", "Hiến pháp năm 1980", "C", "Nghị định 45/2020/NĐ-CP", "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số"},
		{"Bộ phận tiếp nhận và trả kết quả cấp xã đặt tại đâu?", "Nhà văn hoá thôn", "Trụ sở Công an tỉnh", "Bưu điện trung tâm", "Trụ sở Ủy ban nhân dân cấp xã", "D", "Điều 7 Nghị định 61/2018/NĐ-CP", "Cải cách thủ tục hành chính"},
		{"Cải cách chế độ công vụ hướng tới mục tiêu gì?", "Đội ngũ chuyên nghiệp, trách nhiệm, năng động, minh bạch", "Tăng số lượng biên chế", "Giảm giờ làm việc", "Bỏ đánh giá cán bộ", "A", "Nghị quyết 76/NQ-CP", "Cải cách chế độ công vụ"},
		{"Cải cách tổ chức bộ máy hành chính nhà nước nhằm điều gì?", "Thêm nhiều cấp trung gian", "Tinh gọn, hoạt động hiệu lực, hiệu quả", "Tách nhỏ mọi cơ quan", "Giữ nguyên như cũ", "B", "Nghị quyết 76/NQ-CP", "Cải cách tổ chức bộ máy hành chính nhà nước"},
		{"Cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập thuộc nội dung cải cách nào?", "Cải cách thể chế", "Cải cách chế độ công vụ", "Cải cách tài chính công", "Chính phủ số", "C", "Nghị quyết 76/NQ-CP", "Cải cách tài chính công"},
		{"Người dân tra cứu hồ sơ thủ tục hành chính trực tuyến ở đâu?", "Sổ tay giấy tại xã", "Bảng tin khu phố", "Hộp thư góp ý", "Cổng Dịch vụ công quốc gia", "D", "Nghị định 45/2020/NĐ-CP", "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số"},
	}
	for i, q := range qs {
		rows = append(rows, []any{fmt.Sprintf("c%02d", i+1), q.text, q.a, q.b, q.c, q.d, q.key, "Giải thích của câu " + fmt.Sprint(i+1) + ".", q.basis, q.topic, "Cán bộ"})
	}
	return rows
}

// consoleRounds are four weeks of staff rounds from the Monday of now's week
// (00:00 to Sunday 24:00, Viet Nam's time), five questions in ten minutes.
func consoleRounds(now time.Time) [][]any {
	now = now.In(contest.ICT)
	monday := time.Date(now.Year(), now.Month(), now.Day()-(int(now.Weekday())+6)%7, 0, 0, 0, 0, contest.ICT)
	rows := [][]any{{"Mã tuần thi", "Tên tuần thi", "Đối tượng", "Bắt đầu", "Kết thúc", "Số câu hỏi", "Thời gian làm bài (phút)", "Số lượt thi", "Mã bộ câu hỏi"}}
	for w := range 4 {
		opens := monday.AddDate(0, 0, 7*w)
		sunday := opens.AddDate(0, 0, 6)
		rows = append(rows, []any{fmt.Sprintf("tuan-%d", w+1), fmt.Sprintf("Tuần thi thứ %d", w+1), "Cán bộ",
			opens.Format("02/01/2006 15:04"), sunday.Format("02/01/2006") + " 24:00", 5, 10, 1, "bo-thu"})
	}
	return rows
}

// writeWorkbook writes rows to the first sheet of a new .xlsx file.
func writeWorkbook(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
