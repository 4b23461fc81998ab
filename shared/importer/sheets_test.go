package importer

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hoithi/hoithi/shared/contest"
)

var sheetNow = time.Date(2026, 11, 27, 9, 0, 0, 0, contest.ICT)

// current is a small contest as the store holds it.
func current() Current {
	return Current{
		Contest: contest.Contest{ID: "hue-2026", Title: "Hội thi", AllowedDomains: []string{"hue.gov.vn"}},
		Units: []contest.Unit{
			{ID: "so-noi-vu", Name: "Sở Nội vụ", Block: contest.BlockAgency, Headcount: 40},
			{ID: "so-tu-phap", Name: "Sở Tư pháp", Block: contest.BlockAgency, Headcount: 30},
			{ID: "007", Name: "Phường 7", Block: contest.BlockCommune, Headcount: 10},
		},
		Members: []contest.Member{
			{Email: "btc@hue.gov.vn", Name: "Ban Tổ chức", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleOrganiser}},
			{Email: "an@hue.gov.vn", Name: "Nguyễn Văn An", UnitID: "so-noi-vu", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}},
			{Email: "binh@hue.gov.vn", Name: "Trần Thị Bình", UnitID: "so-noi-vu", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}},
		},
		Banks: map[string]int{"hue-2026-can-bo": 20},
		Actor: "btc@hue.gov.vn",
		Now:   sheetNow,
	}
}

// workbook builds an .xlsx file: sheets by name, in order, each a grid of
// cells from A1; edit changes the file before it is saved.
func workbookBytes(t testing.TB, sheets []string, grids [][][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, name := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range grids[i] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func messages(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Message()
	}
	return out
}

var rosterHeaderVI = []any{"Email", "Họ và tên", "Đơn vị", "Đối tượng", "Vai trò", "Phường, xã"}

func TestCheckRosterFromExcel(t *testing.T) {
	t.Run("a messy workbook reads as the organiser means it", func(t *testing.T) {
		// GIVEN a title row above the header, a unit merged down three rows
		// and named by its name, an empty row, a name from a formula with
		// its value cached, and the organiser's own row
		grid := [][]any{
			{"DANH SÁCH CÁN BỘ DỰ THI"},
			rosterHeaderVI,
			{"an@hue.gov.vn", "Nguyễn Văn An", "Sở Nội vụ"},
			{"cuong@hue.gov.vn", "Lê Văn Cường", ""},
			{"dung@hue.gov.vn", "", ""},
			{},
			{"btc@hue.gov.vn", "Ban Tổ chức", "", "", "Ban Tổ chức"},
			{"em@hue.gov.vn", "Phạm Thị Em", "007", "Cán bộ", "Thí sinh; Quản trị đơn vị"},
		}
		data := workbookBytes(t, []string{"Danh sách"}, [][][]any{grid}, func(f *excelize.File) {
			if err := f.MergeCell("Danh sách", "C3", "C5"); err != nil {
				t.Fatal(err)
			}
			_ = f.SetCellValue("Danh sách", "B5", "Võ Thị Dung")
		})
		// WHEN it is checked
		got := Check(KindRoster, "ds.xlsx", data, current(), Options{})
		// THEN every row is read, with its unit
		if !got.Valid() {
			t.Fatalf("problems %q", messages(got.Problems))
		}
		units := map[string]string{}
		for _, m := range got.Members {
			units[m.Email] = m.UnitID + "/" + m.Name
		}
		want := map[string]string{"an@hue.gov.vn": "so-noi-vu/Nguyễn Văn An", "cuong@hue.gov.vn": "so-noi-vu/Lê Văn Cường",
			"dung@hue.gov.vn": "so-noi-vu/Võ Thị Dung", "btc@hue.gov.vn": "/Ban Tổ chức", "em@hue.gov.vn": "007/Phạm Thị Em"}
		if fmt.Sprint(units) != fmt.Sprint(want) {
			t.Errorf("members %v, want %v", units, want)
		}
		// AND the change against the roster is summed up
		if got.Changes.Text != "+3 người, −1 người, 0 chuyển đơn vị, 0 thay đổi thông tin" || got.Changes.RemovedList[0] != "binh@hue.gov.vn" {
			t.Errorf("changes %+v", got.Changes)
		}
	})

	tests := []struct {
		name string
		grid [][]any
		edit func(f *excelize.File)
		want []string
	}{
		{
			name: "a repeated e-mail is placed on its row and column",
			grid: [][]any{rosterHeaderVI, {"an@hue.gov.vn", "An", "so-noi-vu"}, {}, {"An@Hue.gov.vn", "An 2", "so-noi-vu"}},
			want: []string{"Dòng 4, cột Email: email trùng với dòng 2 (không phân biệt chữ hoa, chữ thường)"},
		},
		{
			name: "a formula without a computed value is reported, not read as empty",
			grid: [][]any{rosterHeaderVI, {"an@hue.gov.vn", nil, "so-noi-vu"}},
			edit: func(f *excelize.File) { _ = f.SetCellFormula("Sheet", "B2", `CONCAT("Nguyễn ","An")`) },
			want: []string{`Dòng 2, cột Họ và tên: ô có công thức (=CONCAT("Nguyễn ","An")) nhưng chưa có giá trị tính sẵn: mở tệp bằng Excel và lưu lại, hoặc dán giá trị (Paste Special → Values)`},
		},
		{
			name: "an unknown unit is named once with its rows",
			grid: [][]any{rosterHeaderVI, {"an@hue.gov.vn", "An", "so-y-te"}, {"binh@hue.gov.vn", "Bình", "so-y-te"}},
			want: []string{`Dòng 2, cột Đơn vị: đơn vị "so-y-te" không có trong danh sách đơn vị (2 người: dòng 2, 3)`},
		},
		{
			name: "the organiser cannot drop their own role",
			grid: [][]any{rosterHeaderVI, {"an@hue.gov.vn", "An", "so-noi-vu"}},
			want: []string{"danh sách mới không còn bạn (btc@hue.gov.vn) với vai trò Ban Tổ chức: bạn sẽ mất quyền vào trang quản trị; hãy giữ dòng của mình"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			grid := append(tt.grid, []any{"btc@hue.gov.vn", "BTC", "", "", "organiser"})
			if strings.Contains(tt.name, "own role") {
				grid = tt.grid
			}
			data := workbookBytes(t, []string{"Sheet"}, [][][]any{grid}, tt.edit)
			got := Check(KindRoster, "ds.xlsx", data, current(), Options{})
			if m := messages(got.Problems); !slices.Equal(m, tt.want) {
				t.Errorf("problems\n  %s\nwant\n  %s", strings.Join(m, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestCheckFindsTheWrongSheetAndTheWrongFile(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{
			name: "data on the second sheet",
			data: workbookBytes(t, []string{"Hướng dẫn", "Danh sách"}, [][][]any{{{"Điền danh sách ở trang sau"}}, {rosterHeaderVI, {"an@hue.gov.vn", "An", "so-noi-vu"}}}, nil),
			want: `trang tính đầu tiên ("Hướng dẫn") không có dòng tiêu đề, dữ liệu có lẽ ở trang "Danh sách": hãy kéo trang đó lên đầu (hoặc xoá các trang khác) rồi tải lên lại`,
		},
		{
			name: "an old .xls file",
			data: append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...),
			want: `tệp Excel 97–2003 (.xls) hoặc có mật khẩu: hãy mở bằng Excel, bỏ mật khẩu và lưu thành "Excel Workbook (.xlsx)"`,
		},
		{
			name: "a CSV file in an encoding that is not Vietnamese",
			data: []byte("email,name,unit\nan@hue.gov.vn,\xc4\xe5\xf1\xff\xfe,so-noi-vu\n"),
			want: `Dòng 2: tệp không ở dạng UTF-8 nên chữ tiếng Việt sẽ bị lỗi: trong Excel chọn Save As → "CSV UTF-8 (Comma delimited)", hoặc tải lên tệp .xlsx`,
		},
		{
			name: "a broken zip",
			data: []byte("PK\x03\x04garbage"),
			want: "không đọc được tệp Excel",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is reported in Vietnamese", func(t *testing.T) {
			got := Check(KindRoster, "ds", tt.data, current(), Options{})
			if len(got.Problems) != 1 || !strings.HasPrefix(got.Problems[0].Message(), tt.want) {
				t.Errorf("problems %q, want %q", messages(got.Problems), tt.want)
			}
		})
	}
}

func TestCheckReadsTheCSVThatPeopleSave(t *testing.T) {
	rows := "email;name;unit\r\nan@hue.gov.vn;Nguyễn Văn An;so-noi-vu\r\nbtc@hue.gov.vn;Ban Tổ chức;;;organiser\r\n"
	rows = strings.Replace(rows, "email;name;unit", "email;name;unit;audience;roles", 1)
	// Windows-1258 writes "ễ" as "ê" and a combining tilde, "ă" as one byte
	win := "email;name;unit;audience;roles\r\nan@hue.gov.vn;Nguy\xea\xden V\xe3n An;so-noi-vu\r\nbtc@hue.gov.vn;Ban T\xf4\xd2 ch\xfd\xecc;;;organiser\r\n"
	for _, tt := range []struct{ name, data string }{
		{"UTF-8 without a byte order mark", rows},
		{"UTF-8 with a byte order mark", "\xEF\xBB\xBF" + rows},
		{"Windows-1258 (Excel's CSV on a Vietnamese Windows)", win},
	} {
		t.Run(tt.name+" reads with its Vietnamese names composed", func(t *testing.T) {
			got := Check(KindRoster, "ds.csv", []byte(tt.data), current(), Options{})
			if !got.Valid() || len(got.Members) != 2 || got.Members[0].Name != "Nguyễn Văn An" {
				t.Errorf("problems %q, members %+v", messages(got.Problems), got.Members)
			}
		})
	}
}

func TestCheckUnitsKeepsLeadingZerosAndReadsNumbers(t *testing.T) {
	grid := [][]any{{"Mã đơn vị", "Tên đơn vị", "Khối", "Số người dự thi"},
		{"so-noi-vu", "Sở Nội vụ", "Cơ quan hành chính", 42},
		{"so-tu-phap", "Sở Tư pháp", "co-quan-hanh-chinh", "30"},
		{"007", "Phường 7", "Xã, phường", 10.0},
		{"so-y-te", "Sở Y tế", "Cơ quan hành chính", nil},
		{"don-vi-moi", "Trung tâm", "Đơn vị sự nghiệp", ""}}
	got := Check(KindUnits, "dv.xlsx", workbookBytes(t, []string{"Đơn vị"}, [][][]any{grid}, func(f *excelize.File) {
		// a headcount computed by a formula, its value cached by the spreadsheet program
		_ = f.SetCellValue("Đơn vị", "D5", 25)
		_ = f.SetCellFormula("Đơn vị", "D5", "20+5")
	}), current(), Options{})
	if !got.Valid() {
		t.Fatalf("problems %q", messages(got.Problems))
	}
	want := []contest.Unit{
		{ID: "so-noi-vu", Name: "Sở Nội vụ", Block: contest.BlockAgency, Headcount: 42},
		{ID: "so-tu-phap", Name: "Sở Tư pháp", Block: contest.BlockAgency, Headcount: 30},
		{ID: "007", Name: "Phường 7", Block: contest.BlockCommune, Headcount: 10},
		{ID: "so-y-te", Name: "Sở Y tế", Block: contest.BlockAgency, Headcount: 25},
		{ID: "don-vi-moi", Name: "Trung tâm", Block: contest.BlockService},
	}
	if !slices.Equal(got.Units, want) {
		t.Errorf("units %+v\nwant  %+v", got.Units, want)
	}
	if got.Changes.Text != "+2 đơn vị, −0 đơn vị, 1 thay đổi" {
		t.Errorf("changes %q", got.Changes.Text)
	}
	t.Run("a unit that still has people cannot be dropped", func(t *testing.T) {
		got := Check(KindUnits, "dv.xlsx", workbookBytes(t, []string{"Đơn vị"}, [][][]any{grid[:1:1]}, nil), current(), Options{})
		if m := messages(got.Problems); len(m) != 1 || !strings.Contains(m[0], `đơn vị "so-noi-vu" không còn trong tệp nhưng danh sách dự thi còn 2 người`) {
			t.Errorf("problems %q", m)
		}
	})
}

var bankHeaderVI = []any{"Mã câu hỏi", "Câu hỏi", "Phương án A", "Phương án B", "Phương án C", "Phương án D", "Phương án E", "Phương án F",
	"Đáp án đúng", "Giải thích", "Căn cứ pháp lý", "Lĩnh vực", "Đối tượng"}

func TestCheckBank(t *testing.T) {
	q := func(text string, opts ...any) []any {
		row := []any{"", text}
		row = append(row, opts...)
		return row
	}
	grid := [][]any{bankHeaderVI,
		q("Cơ chế một cửa được quy định tại văn bản nào?", "Nghị định 61/2018/NĐ-CP", "Nghị định 45/2020/NĐ-CP", "", "", "", "", "A", "Giải thích.", "Điều 1 Nghị định 61/2018/NĐ-CP", "Cải cách thủ tục hành chính", "Cán bộ"),
		q("Nghị quyết 76/NQ-CP có bao nhiêu nội dung cải cách?", "4", "5", "6", "7", "", "", "c", "", "", "the-che", ""),
		q("Nghị quyết số 76/NQ-CP có bao nhiêu nội dung cải cách?", "4", "5", "6", "7", "", "", "C", "", "", "", "Người dân"),
	}
	got := Check(KindBank, "cau-hoi.xlsx", workbookBytes(t, []string{"Câu hỏi"}, [][][]any{grid}, nil), current(), Options{BankID: "hue-2026-can-bo-v2", BankTitle: "Cán bộ"})
	if !got.Valid() {
		t.Fatalf("problems %q", messages(got.Problems))
	}
	b := got.Bank
	if len(b.Questions) != 3 || b.Questions[0].LegalBasis != "Điều 1 Nghị định 61/2018/NĐ-CP" || b.Questions[0].Explanation != "Giải thích." ||
		b.Questions[0].Topic != "thu-tuc" || b.Questions[0].Audience != contest.AudienceStaff || b.Questions[1].Correct != 2 || b.Questions[2].Audience != contest.AudienceCitizen {
		t.Errorf("bank %+v", b.Questions)
	}
	if parsed, err := contest.ParseBank(got.BankJSON); err != nil || parsed.Questions[0].Explanation != "Giải thích." {
		t.Errorf("the stored bank reads back as %v, %v", parsed, err)
	}
	if w := messages(got.Warnings); len(w) != 1 || !strings.HasPrefix(w[0], "Dòng 4, cột Câu hỏi: câu hỏi gần trùng với dòng 3") {
		t.Errorf("warnings %q", w)
	}
	if p := got.Summary["preview"].(PreviewQuestion); len(p.Options) != 2 || p.Options[1].Label != "B" {
		t.Errorf("preview %+v", p)
	}

	bad := [][]any{bankHeaderVI,
		q("Câu một?", "A", "", "C", "", "", "", "A", "", "", "", ""),
		q("Câu hai?", "X", "Y", "", "", "", "", "D", "", "", "Văn hoá", ""),
		q("câu HAI", "X", "Y", "", "", "", "", "B", "", "", "", ""),
		q("Câu ba?", "X", "X", "", "", "", "", "", "", "", "", ""),
	}
	got = Check(KindBank, "cau-hoi.xlsx", workbookBytes(t, []string{"Câu hỏi"}, [][][]any{bad}, nil), current(), Options{BankID: "hue-2026-can-bo-v2"})
	want := []string{
		"Dòng 2, cột Phương án C: phương án C có nội dung nhưng phương án B để trống: các phương án phải liền nhau từ A",
		"Dòng 3, cột Đáp án đúng: đáp án đúng là D nhưng phương án D để trống",
		"Dòng 3, cột Lĩnh vực: lĩnh vực \"Văn hoá\" không rõ: ghi một trong sáu lĩnh vực của Nghị quyết 76/NQ-CP: " + topicList(),
		"Dòng 4, cột Câu hỏi: câu hỏi trùng với dòng 3",
		"Dòng 5, cột Phương án B: phương án B trùng với phương án A",
		"Dòng 5, cột Đáp án đúng: thiếu đáp án đúng: ghi chữ cái của phương án đúng (A, B, C…)",
	}
	if m := messages(got.Problems); !slices.Equal(m, want) {
		t.Errorf("problems\n  %s\nwant\n  %s", strings.Join(m, "\n  "), strings.Join(want, "\n  "))
	}

	t.Run("a bank drawn from by an open round keeps its questions", func(t *testing.T) {
		cur := current()
		cur.Rounds = []contest.Round{{ID: "tuan-1", BankID: "hue-2026-can-bo", OpensAt: sheetNow.Add(-time.Hour), ClosesAt: sheetNow.Add(time.Hour)}}
		got := Check(KindBank, "cau-hoi.xlsx", workbookBytes(t, []string{"Câu hỏi"}, [][][]any{grid}, nil), cur, Options{BankID: "hue-2026-can-bo"})
		if m := messages(got.Problems); len(m) != 1 || !strings.Contains(m[0], `đang dùng cho tuần thi "tuan-1" đã mở`) {
			t.Errorf("problems %q", m)
		}
	})
}

var roundsHeaderVI = []any{"Mã tuần thi", "Tên tuần thi", "Đối tượng", "Bắt đầu", "Kết thúc", "Số câu hỏi", "Thời gian làm bài (phút)", "Số lượt thi", "Mã bộ câu hỏi"}

func TestCheckRounds(t *testing.T) {
	grid := [][]any{roundsHeaderVI,
		{"tuan-1", "Tuần thi thứ nhất", "Cán bộ", "07/12/2026 00:00", "13/12/2026 24:00", 15, 10, 1, "hue-2026-can-bo"},
		{"tuan-2", "Tuần thi thứ hai", "", "2026-12-14 00:00", "2026-12-21T00:00:00+07:00", "15", "7,5", "", "hue-2026-can-bo"},
	}
	data := workbookBytes(t, []string{"Tuần thi"}, [][][]any{grid}, func(f *excelize.File) {
		// a real date cell (days since 1900) for week 2's close
		_ = f.SetCellValue("Tuần thi", "E3", time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC))
	})
	got := Check(KindRounds, "tuan.xlsx", data, current(), Options{})
	if !got.Valid() {
		t.Fatalf("problems %q", messages(got.Problems))
	}
	r := got.Rounds
	if len(r) != 2 || !r[0].ClosesAt.Equal(time.Date(2026, 12, 14, 0, 0, 0, 0, contest.ICT)) || !r[1].ClosesAt.Equal(time.Date(2026, 12, 21, 0, 0, 0, 0, contest.ICT)) ||
		r[1].TimeLimit != 7*time.Minute+30*time.Second || r[1].Attempts != 1 {
		t.Errorf("rounds %+v", r)
	}

	t.Run("a round that has opened keeps its time limit", func(t *testing.T) {
		cur := current()
		cur.Now = time.Date(2026, 12, 8, 0, 0, 0, 0, contest.ICT)
		cur.Rounds = []contest.Round{r[0]}
		changed := [][]any{roundsHeaderVI, {"tuan-1", "Tuần thi thứ nhất (sửa tên)", "Cán bộ", "07/12/2026 00:00", "13/12/2026 24:00", 15, 12, 1, "hue-2026-can-bo"}}
		got := Check(KindRounds, "tuan.xlsx", workbookBytes(t, []string{"Tuần thi"}, [][][]any{changed}, nil), cur, Options{})
		if m := messages(got.Problems); !slices.Equal(m, []string{"Dòng 2, cột Thời gian làm bài (phút): Tuần thi đã mở (từ 00:00 07/12/2026): không đổi được thời gian làm bài."}) {
			t.Errorf("problems %q", m)
		}
	})
	t.Run("a round that overlaps one the contest has is refused", func(t *testing.T) {
		cur := current()
		cur.Rounds = []contest.Round{r[0]}
		over := [][]any{roundsHeaderVI, {"tuan-1b", "Tuần chen", "", "10/12/2026 00:00", "17/12/2026 00:00", 15, 10, 1, "hue-2026-can-bo"}}
		got := Check(KindRounds, "tuan.xlsx", workbookBytes(t, []string{"Tuần thi"}, [][][]any{over}, nil), cur, Options{})
		if m := messages(got.Problems); len(m) != 1 || !strings.HasPrefix(m[0], `Dòng 2, cột Bắt đầu: trùng thời gian với tuần thi "tuan-1" (đã có) của đối tượng`) {
			t.Errorf("problems %q", m)
		}
	})
}

func TestTemplatesReadBackClean(t *testing.T) {
	for _, k := range Kinds {
		t.Run("the "+string(k)+" template reads back with its example and no problem", func(t *testing.T) {
			data, err := Template(k, sheetNow)
			if err != nil {
				t.Fatal(err)
			}
			cur := current()
			cur.Now = time.Date(2025, 9, 1, 0, 0, 0, 0, contest.ICT)
			cur.Actor = ""
			got := Check(k, "mau.xlsx", data, cur, Options{BankID: "mau"})
			if !got.Valid() {
				t.Errorf("problems %q", messages(got.Problems))
			}
		})
	}
}

// bigRoster is a CSV roster of n people over the contest's units.
func bigRoster(n int) []byte {
	var b strings.Builder
	b.WriteString("Email,Họ và tên,Mã đơn vị,Vai trò\n")
	b.WriteString("btc@hue.gov.vn,Ban Tổ chức,,Ban Tổ chức\n")
	units := []string{"so-noi-vu", "so-tu-phap", "007"}
	for i := range n {
		fmt.Fprintf(&b, "can.bo.%05d@hue.gov.vn,Nguyễn Văn Cán Bộ Số %05d,%s,\n", i, i, units[i%3])
	}
	return []byte(b.String())
}

func TestCheckLargeFiles(t *testing.T) {
	t.Run("30,000 rows of a workbook are read", func(t *testing.T) {
		grid := [][]any{rosterHeaderVI, {"btc@hue.gov.vn", "BTC", "", "", "organiser"}}
		for i := range 30000 {
			grid = append(grid, []any{fmt.Sprintf("nguoi%05d@hue.gov.vn", i), fmt.Sprintf("Người %05d", i), "so-noi-vu"})
		}
		got := Check(KindRoster, "ds.xlsx", workbookBytes(t, []string{"DS"}, [][][]any{grid}, nil), current(), Options{})
		if !got.Valid() || len(got.Members) != 30001 || got.Changes.Added != 30000 || len(got.Changes.AddedList) != listed {
			t.Errorf("problems %q, %d members, changes %d", messages(got.Problems), len(got.Members), got.Changes.Added)
		}
	})
	t.Run("a 6 MB CSV file is read", func(t *testing.T) {
		data := bigRoster(93000)
		if len(data) < 6<<20 {
			t.Fatalf("%d bytes, want 6 MB", len(data))
		}
		got := Check(KindRoster, "ds.csv", data, current(), Options{})
		if !got.Valid() || len(got.Members) != 93001 {
			t.Errorf("problems %q, %d members", messages(got.Problems), len(got.Members))
		}
	})
	t.Run("a file over the limit is refused before it is read", func(t *testing.T) {
		got := Check(KindRoster, "ds.csv", make([]byte, MaxFileBytes+1), current(), Options{})
		if m := messages(got.Problems); len(m) != 1 || !strings.Contains(m[0], "quá giới hạn 10 MB") {
			t.Errorf("problems %q", m)
		}
	})
}

// FuzzReadTable feeds the row reader arbitrary bytes (seeded with CSV in
// each encoding and a workbook): it never panics, and what it reads is
// placed on rows in order.
func FuzzReadTable(f *testing.F) {
	f.Add([]byte("email,name,unit\nan@hue.gov.vn,An,so-noi-vu\n"))
	f.Add([]byte("\xEF\xBB\xBFemail;name\r\n\"a;b\";\"x\"\"y\"\r\n"))
	f.Add([]byte("\xFF\xFEe\x00m\x00a\x00i\x00l\x00\n\x00"))
	f.Add([]byte("email,name\nan@hue.gov.vn,Nguy\xea\xde n\n"))
	if tpl, err := Template(KindRoster, sheetNow); err == nil {
		f.Add(tpl)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var rep report
		rows, state := readTable("f", data, rosterColumns, &rep)
		if state == fileRead && len(rep.problems) > 0 && rows == nil {
			return
		}
		last := 0
		for _, r := range rows {
			if r.line <= last {
				t.Fatalf("row %d after row %d", r.line, last)
			}
			last = r.line
		}
		for _, p := range rep.problems {
			if p.Line < 0 || p.Message() == "" {
				t.Fatalf("problem %+v", p)
			}
		}
	})
}
