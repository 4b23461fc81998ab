package importer

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/hoithi/hoithi/shared/contest"
)

// testNow is before the example folder's rounds.
var testNow = time.Date(2026, 11, 27, 9, 0, 0, 0, contest.ICT)

const validDir = "testdata/valid"

// remove, as a file's content in folderWith, deletes the file.
const remove = "\x00remove"

// folderWith copies the valid example folder and replaces files in it.
func folderWith(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(validDir)); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if content == remove {
			if err := os.RemoveAll(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func load(t *testing.T, dir string) *Folder {
	t.Helper()
	f, err := Load(dir, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func problemStrings(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func TestLoadReadsTheExampleFolder(t *testing.T) {
	f := load(t, validDir)
	if !f.Valid() || len(f.Warnings) > 0 {
		t.Fatalf("problems %q, warnings %q", problemStrings(f.Problems), problemStrings(f.Warnings))
	}
	c := f.Contest
	if c.ID != "vi-du-2026" || c.Title != "Hội thi trực tuyến tìm hiểu công tác cải cách hành chính năm 2026 (ví dụ)" ||
		!slices.Equal(c.AllowedDomains, []string{"vidu.hue.gov.vn"}) || !slices.Equal(c.OpenSignUp, []contest.Audience{contest.AudienceCitizen}) ||
		len(c.Prizes) != 4 || c.Prizes[3] != (contest.Prize{Name: "Giải Khuyến khích", Count: 5}) || c.ReportThreshold != 0.8 {
		t.Errorf("contest = %+v", c)
	}

	if got, want := len(f.Units), 6; got != want {
		t.Fatalf("%d units, want %d", got, want)
	}
	// the first unit follows the byte order mark; a quoted name keeps its comma
	if got, want := f.Units[0], (contest.Unit{ID: "so-noi-vu", Name: "Sở Nội vụ", Block: contest.BlockAgency, Headcount: 4}); got != want {
		t.Errorf("first unit = %+v, want %+v", got, want)
	}
	// an empty headcount is the unit's staff on the roster who take part
	if got, want := f.Units[3], (contest.Unit{ID: "dai-phat-thanh", Name: "Đài Phát thanh và Truyền hình tỉnh, Huế", Block: contest.BlockService, Headcount: 2}); got != want {
		t.Errorf("unit without headcount = %+v, want %+v", got, want)
	}

	if got, want := len(f.Members), 16; got != want {
		t.Fatalf("%d members, want %d", got, want)
	}
	byEmail := map[string]contest.Member{}
	for _, m := range f.Members {
		byEmail[m.Email] = m
	}
	for _, want := range []contest.Member{
		{Email: "nguyen.van.an@vidu.hue.gov.vn", Name: "Nguyễn Văn An", UnitID: "so-noi-vu", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant, contest.RoleUnitAdmin}},
		// e-mail stored lower-cased; audience and roles default
		{Email: "tran.thi.binh@vidu.hue.gov.vn", Name: "Trần Thị Bình", UnitID: "so-noi-vu", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}},
		{Email: "to.giup.viec@vidu.hue.gov.vn", Name: "Tổ giúp việc Ban Tổ chức", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleOrganiser, contest.RoleParticipant}},
		{Email: "giamkhao@vidu.hue.gov.vn", Name: "Giám khảo Lê Thị Hồng", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleJury}},
		{Email: "nguoidan.vidu@example.com", Name: "Người dân (ví dụ)", Ward: "Phường Phú Hội", Audience: contest.AudienceCitizen, Roles: []contest.Role{contest.RoleParticipant}},
	} {
		got, ok := byEmail[want.Email]
		if !ok || got.Name != want.Name || got.UnitID != want.UnitID || got.Ward != want.Ward || got.Audience != want.Audience || !slices.Equal(got.Roles, want.Roles) {
			t.Errorf("member %s = %+v, want %+v", want.Email, got, want)
		}
	}

	if got, want := len(f.Rounds), 6; got != want {
		t.Fatalf("%d rounds, want %d", got, want)
	}
	r := f.Rounds[3]
	want := contest.Round{ContestID: "vi-du-2026", ID: "tuan-4", Title: "Tuần thi thứ tư (28/12/2026 – 03/01/2027)", Audience: contest.AudienceStaff,
		OpensAt: time.Date(2026, 12, 28, 0, 0, 0, 0, contest.ICT), ClosesAt: time.Date(2027, 1, 4, 0, 0, 0, 0, contest.ICT),
		QuestionCount: 15, TimeLimit: 7*time.Minute + 30*time.Second, Attempts: 2, BankID: "vi-du-can-bo"}
	if !r.OpensAt.Equal(want.OpensAt) || !r.ClosesAt.Equal(want.ClosesAt) {
		t.Errorf("round times %v – %v, want %v – %v", r.OpensAt, r.ClosesAt, want.OpensAt, want.ClosesAt)
	}
	r.OpensAt, r.ClosesAt = want.OpensAt, want.ClosesAt
	if r != want {
		t.Errorf("round = %+v\nwant    %+v", r, want)
	}
	if f.Rounds[1].Attempts != 1 || f.Rounds[5].TimeLimit != 0 || f.Rounds[5].Audience != contest.AudienceCitizen {
		t.Errorf("defaults: attempts %d, time limit %v, audience %s", f.Rounds[1].Attempts, f.Rounds[5].TimeLimit, f.Rounds[5].Audience)
	}

	if got, want := len(f.Banks), 2; got != want {
		t.Fatalf("%d banks, want %d", got, want)
	}
	if b := f.Banks[0]; b.File != "banks/can-bo.json" || b.Bank.ID != "vi-du-can-bo" || len(b.Bank.Questions) != 20 {
		t.Errorf("bank = %s %s %d questions", b.File, b.Bank.ID, len(b.Bank.Questions))
	}
}

// base lines of the example's CSV files, for cases that change one line
const (
	unitsHeader  = "id,name,block,headcount\n"
	unitsBody    = "so-noi-vu,Sở Nội vụ,co-quan-hanh-chinh,4\nxa-phu-vang,UBND xã Phú Vang,xa-phuong,2\n"
	rosterHeader = "email,name,unit,audience,roles,ward\n"
)

// round is one round of rounds.json with fields replaced (or removed with
// the value remove), as JSON.
func round(changes map[string]string) string {
	fields := []struct{ k, v string }{
		{"id", `"tuan-1"`}, {"title", `"Tuần 1"`}, {"audience", `"staff"`},
		{"opensAt", `"2026-12-07T00:00:00+07:00"`}, {"closesAt", `"2026-12-14T00:00:00+07:00"`},
		{"questionCount", `15`}, {"timeLimitMinutes", `10`}, {"bankId", `"vi-du-can-bo"`},
	}
	var parts []string
	for _, f := range fields {
		v := f.v
		if c, ok := changes[f.k]; ok {
			v = c
		}
		if v != remove {
			parts = append(parts, `"`+f.k+`": `+v)
		}
	}
	for k, v := range changes {
		if !slices.ContainsFunc(fields, func(f struct{ k, v string }) bool { return f.k == k }) {
			parts = append(parts, `"`+k+`": `+v)
		}
	}
	return "  {" + strings.Join(parts, ", ") + "}"
}

func rounds(rs ...string) string { return "[\n" + strings.Join(rs, ",\n") + "\n]\n" }

func TestLoadFindsProblems(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // each the whole text of a problem
	}{
		{
			name:  "a folder without contest.json is refused",
			files: map[string]string{"contest.json": remove},
			want:  []string{"contest.json: thiếu tệp: thư mục cuộc thi nào cũng cần contest.json (id, title, allowedDomains, openSignUp)"},
		},
		{
			name:  "broken JSON is placed on its line",
			files: map[string]string{"contest.json": "{\n  \"id\": \"hue-2026\",\n  \"title\": \"Hội thi\"\n  \"allowedDomains\": []\n}\n"},
			want:  []string{"contest.json, dòng 4: không phải JSON hợp lệ: invalid character '\"' after object key:value pair"},
		},
		{
			name:  "a contest.json of the wrong shape says what it should be",
			files: map[string]string{"contest.json": "[\n  {\"id\": \"hue-2026\"}\n]\n"},
			want:  []string{"contest.json, dòng 1: giá trị phải là đối tượng JSON, không phải mảng"},
		},
		{
			name:  "a misspelt contest field is named",
			files: map[string]string{"contest.json": `{"id": "hue-2026", "title": "Hội thi", "allowedDomain": ["hue.gov.vn"]}`},
			want:  []string{`contest.json: trường "allowedDomain" không rõ (tên trường phân biệt chữ hoa, chữ thường; xem docs/import.md)`},
		},
		{
			name: "contest settings are checked one by one",
			files: map[string]string{"contest.json": `{"id": "Huế 2026", "title": "", "allowedDomains": ["hue.gov.vn", "cchc@hue"],
				"openSignUp": ["staff", "guest"], "tieBreak": ["correct", "time"], "prizes": [{"name": "Giải Nhất", "count": 0}, {"name": "Giải Nhất", "count": 1}],
				"reportThreshold": 80}`},
			want: []string{
				`contest.json, cột id: "Huế 2026" không phải mã cuộc thi hợp lệ: dùng 1 đến 63 chữ thường a–z không dấu, chữ số và "-" (ví dụ hue-2026)`,
				`contest.json, cột title: cuộc thi cần có tên`,
				`contest.json, cột allowedDomains[1]: "cchc@hue" không phải tên miền email (ví dụ hue.gov.vn)`,
				`contest.json, cột openSignUp[0]: cán bộ không tự đăng ký được: ghi tên miền email công vụ ở allowedDomains, hoặc đưa họ vào danh sách dự thi`,
				`contest.json, cột openSignUp[1]: đối tượng "guest" không rõ: chỉ "citizen" được mở đăng ký`,
				`contest.json, cột tieBreak: ghi mỗi tiêu chí "correct", "prediction", "time", "submitted" đúng một lần, theo thứ tự xếp hạng (hoặc bỏ trống để dùng thứ tự thường lệ)`,
				`contest.json, cột prizes[0]: giải "Giải Nhất": số lượng 0 phải từ 1 đến 1000`,
				`contest.json, cột prizes[1]: giải "Giải Nhất" có hai lần`,
				`contest.json, cột reportThreshold: 80 không phải tỷ lệ từ 0 đến 1 (ghi 0.8 cho 80%)`,
			},
		},
		{
			name: "units: bad and repeated ids, unknown blocks, bad headcounts",
			files: map[string]string{"roster.csv": remove, "units.csv": unitsHeader + unitsBody +
				"So Noi Vu,Sở Nội vụ,co-quan-hanh-chinh,4\n" +
				"so-noi-vu,Sở Nội vụ (lần hai),co-quan-hanh-chinh,4\n" +
				"so-y-te,Sở Y tế,hanh chinh,10\n" +
				"so-xay-dung,,co-quan-hanh-chinh,-3\n" +
				"so-cong-thuong,Sở Công Thương,co-quan-hanh-chinh,1.200\n"},
			want: []string{
				`units.csv, dòng 4, cột id: unit "so noi vu": mã "So Noi Vu" không hợp lệ: dùng 1 đến 63 chữ thường a–z không dấu, chữ số và "-" (ví dụ so-noi-vu)`,
				`units.csv, dòng 5, cột id: unit "so-noi-vu": mã đơn vị trùng với dòng 2`,
				`units.csv, dòng 6, cột block: unit "so-y-te": khối "hanh chinh" không rõ: ghi co-quan-hanh-chinh (cơ quan hành chính), don-vi-su-nghiep (đơn vị sự nghiệp) hoặc xa-phuong (xã, phường)`,
				`units.csv, dòng 7, cột name: unit "so-xay-dung": thiếu tên đơn vị`,
				`units.csv, dòng 7, cột headcount: unit "so-xay-dung": số người -3 là số âm`,
				`units.csv, dòng 8, cột headcount: unit "so-cong-thuong": số người "1.200" không phải số nguyên (chỉ ghi chữ số, không dấu phân cách)`,
			},
		},
		{
			name:  "units: a missing column is named",
			files: map[string]string{"units.csv": "id,name,headcount\nso-noi-vu,Sở Nội vụ,4\n"},
			want: []string{
				`units.csv, dòng 1: thiếu cột "Khối": dòng tiêu đề phải ghi tên các cột: Mã đơn vị (id), Tên đơn vị (name), Khối (block), Số người dự thi (headcount)`,
			},
		},
		{
			name:  "units: an unknown column is named",
			files: map[string]string{"units.csv": "id,name,block,headcount,ghichu\nso-noi-vu,Sở Nội vụ,co-quan-hanh-chinh,4,\n"},
			want: []string{
				`units.csv, dòng 1, cột ghichu: cột không rõ "ghichu": các cột là Mã đơn vị (id), Tên đơn vị (name), Khối (block), Số người dự thi (headcount)`,
			},
		},
		{
			name: "units: a comma inside an unquoted name spills into no column",
			files: map[string]string{
				"units.csv":  unitsHeader + "so-noi-vu,Sở Nội vụ,co-quan-hanh-chinh,4\ndai-ptth,Đài Phát thanh, Truyền hình,don-vi-su-nghiep,3\n",
				"roster.csv": rosterHeader + "an@vidu.hue.gov.vn,Nguyễn Văn An,so-noi-vu,,,\nbinh@vidu.hue.gov.vn,Trần Thị Bình,dai-ptth,,,\n",
			},
			want: []string{
				`units.csv, dòng 3: có ô nằm ngoài các cột có tiêu đề: giá trị nào chứa dấu ","? hãy đặt giá trị đó trong dấu ngoặc kép`,
			},
		},
		{
			name:  "a CSV file saved in a Windows code page is refused before it garbles names",
			files: map[string]string{"units.csv": unitsHeader + "so-noi-vu,S\xef N\xf4i v\xf5,co-quan-hanh-chinh,4\n"}, // the roster's units are not checked then
			want: []string{
				`units.csv, dòng 2: tệp không ở dạng UTF-8 nên chữ tiếng Việt sẽ bị lỗi: trong Excel chọn Save As → "CSV UTF-8 (Comma delimited)", hoặc tải lên tệp .xlsx`,
			},
		},
		{
			name: "roster: bad and repeated e-mails, unknown units, roles and audiences",
			files: map[string]string{"units.csv": unitsHeader + unitsBody, "roster.csv": rosterHeader +
				"nguyen.van.an@vidu.hue.gov.vn,Nguyễn Văn An,so-noi-vu,,,\n" +
				"Nguyen.Van.An@vidu.hue.gov.vn,Nguyễn Văn An,so-noi-vu,,,\n" +
				"tran.thi.binh@vidu,Trần Thị Bình,so-noi-vu,,,\n" +
				"le.minh.chau@vidu.hue.gov.vn,Lê Minh Châu,so-tai-chinh,,,\n" +
				"pham.duc.dung@vidu.hue.gov.vn,Phạm Đức Dũng,so-noi-vu,,participant;admin,\n" +
				"hoang.thu.giang@vidu.hue.gov.vn,Hoàng Thu Giang,so-noi-vu,civil-servant,,\n" +
				"vo.ngoc.ha@vidu.hue.gov.vn,,so-noi-vu,,,\n" +
				",Đặng Quang Hải,so-noi-vu,,,\n"},
			want: []string{
				`roster.csv, dòng 3, cột email: "Nguyen.Van.An@vidu.hue.gov.vn": email trùng với dòng 2 (không phân biệt chữ hoa, chữ thường)`,
				`roster.csv, dòng 4, cột email: "tran.thi.binh@vidu": email "tran.thi.binh@vidu" không hợp lệ`,
				`roster.csv, dòng 5, cột unit: đơn vị "so-tai-chinh" không có trong danh sách đơn vị (1 người)`,
				`roster.csv, dòng 6, cột roles: "pham.duc.dung@vidu.hue.gov.vn": vai trò "admin" không rõ: các vai trò là participant (thí sinh), unitAdmin (quản trị đơn vị), organiser (Ban Tổ chức) và jury (giám khảo), cách nhau bởi ";"`,
				`roster.csv, dòng 7, cột audience: "hoang.thu.giang@vidu.hue.gov.vn": đối tượng "civil-servant" không rõ: ghi staff (cán bộ, công chức, viên chức; để trống cũng vậy) hoặc citizen (người dân)`,
				`roster.csv, dòng 8, cột name: "vo.ngoc.ha@vidu.hue.gov.vn": thiếu họ và tên`,
				`roster.csv, dòng 9, cột email: thiếu địa chỉ email`,
			},
		},
		{
			name: "roster: who needs a unit and who may not have one",
			files: map[string]string{"units.csv": unitsHeader + unitsBody, "roster.csv": rosterHeader +
				"nguyen.van.an@vidu.hue.gov.vn,Nguyễn Văn An,,,,\n" +
				"tran.thi.binh@vidu.hue.gov.vn,Trần Thị Bình,,,unitAdmin,\n" +
				"btc@vidu.hue.gov.vn,Ban Tổ chức,,,organiser,\n" +
				"nguoi.dan@example.com,Người dân,xa-phu-vang,citizen,,Xã Phú Vang\n" +
				"nguoi.dan2@example.com,Người dân 2,,citizen,jury,\n" +
				"le.minh.chau@vidu.hue.gov.vn,Lê Minh Châu,so-noi-vu,,,Phường Phú Hội\n"},
			want: []string{
				`roster.csv, dòng 2, cột unit: "nguyen.van.an@vidu.hue.gov.vn": thiếu đơn vị: cán bộ dự thi và quản trị đơn vị phải thuộc một đơn vị trong danh sách đơn vị`,
				`roster.csv, dòng 3, cột unit: "tran.thi.binh@vidu.hue.gov.vn": thiếu đơn vị: cán bộ dự thi và quản trị đơn vị phải thuộc một đơn vị trong danh sách đơn vị`,
				`roster.csv, dòng 5, cột unit: "nguoi.dan@example.com": người dân không thuộc đơn vị nào ("xa-phu-vang"): để trống đơn vị, ghi nơi cư trú ở cột phường, xã`,
				`roster.csv, dòng 6, cột roles: "nguoi.dan2@example.com": người dân chỉ có thể là thí sinh; Ban Tổ chức, giám khảo và quản trị đơn vị là cán bộ`,
				`roster.csv, dòng 7, cột ward: "le.minh.chau@vidu.hue.gov.vn": phường, xã chỉ ghi cho người dân (nơi cư trú); cán bộ thuộc một đơn vị`,
			},
		},
		{
			name: "roster: units named without a units.csv, each once",
			files: map[string]string{"units.csv": remove, "roster.csv": rosterHeader + func() string {
				var b strings.Builder
				for i := range 7 {
					fmt.Fprintf(&b, "nguoi%d@vidu.hue.gov.vn,Người %d,so-noi-vu,,,\n", i, i)
				}
				return b.String() + "btc@vidu.hue.gov.vn,Ban Tổ chức,,,organiser,\nan@vidu.hue.gov.vn,Nguyễn Văn An,xa-phu-vang,,,\n"
			}()},
			want: []string{
				`roster.csv, dòng 2, cột unit: đơn vị "so-noi-vu" không rõ: chưa có danh sách đơn vị (7 người: dòng 2, 3, 4, 5, 6 và 2 dòng khác)`,
				`roster.csv, dòng 10, cột unit: đơn vị "xa-phu-vang" không rõ: chưa có danh sách đơn vị (1 người)`,
			},
		},
		{
			name: "rounds: times, counts, limits, attempts and banks",
			files: map[string]string{"rounds.json": rounds(
				round(map[string]string{"id": `"tuan-1"`, "opensAt": `"2026-12-07 00:00"`}),
				round(map[string]string{"id": `"tuan-2"`, "opensAt": `"2026-12-21T00:00:00+07:00"`, "closesAt": `"2026-12-14T00:00:00+07:00"`}),
				round(map[string]string{"id": `"tuan-3"`, "opensAt": `"21/12/2026"`, "questionCount": `21`}),
				round(map[string]string{"id": `"tuan-4"`, "opensAt": `"2027-01-04T00:00:00+07:00"`, "closesAt": `"2027-01-11T00:00:00+07:00"`, "timeLimitMinutes": remove, "attempts": `0`}),
				round(map[string]string{"id": `"tuan-5"`, "opensAt": `"2027-01-11T00:00:00+07:00"`, "closesAt": `"2027-01-18T00:00:00+07:00"`, "bankId": `"can-bo"`}),
				round(map[string]string{"id": `"tuan-6"`, "opensAt": `"2027-01-18T00:00:00+07:00"`, "closesAt": `"2027-01-25T00:00:00+07:00"`, "timeLimitMinutes": `0.3333`, "audience": `"public"`}),
				round(map[string]string{"id": `"Tuần 7"`, "opensAt": `"2027-01-25T00:00:00+07:00"`, "closesAt": `"2027-02-01T00:00:00+07:00"`, "title": `""`, "questionCount": `0`}),
			)},
			want: []string{
				`rounds.json, dòng 2: tuần thi "tuan-1": thời điểm bắt đầu (opensAt) "2026-12-07 00:00" thiếu múi giờ: ghi kèm múi giờ Việt Nam, ví dụ "2026-12-07T00:00:00+07:00"`,
				`rounds.json, dòng 3: tuần thi "tuan-2": thời điểm kết thúc 2026-12-14T00:00:00+07:00 không sau thời điểm bắt đầu 2026-12-21T00:00:00+07:00`,
				`rounds.json, dòng 4: tuần thi "tuan-3": thời điểm bắt đầu (opensAt) "21/12/2026" không phải ngày giờ: ghi ví dụ "2026-12-07T00:00:00+07:00"`,
				`rounds.json, dòng 4: tuần thi "tuan-3": số câu hỏi 21, nhưng bộ "vi-du-can-bo" chỉ có 20 câu`,
				`rounds.json, dòng 5: tuần thi "tuan-4": thiếu thời gian làm bài: số phút (ví dụ 10), hoặc 0 nếu không giới hạn ngoài giờ kết thúc tuần thi`,
				`rounds.json, dòng 5: tuần thi "tuan-4": số lượt 0: mỗi người từ 1 đến 10 lượt (lượt tốt nhất được tính)`,
				`rounds.json, dòng 6: tuần thi "tuan-5": không có bộ câu hỏi "can-bo" (các bộ: vi-du-can-bo, vi-du-nguoi-dan)`,
				`rounds.json, dòng 7: tuần thi "tuan-6": đối tượng "public" không rõ: ghi staff (cán bộ, công chức, viên chức; để trống cũng vậy) hoặc citizen (người dân)`,
				`rounds.json, dòng 7: tuần thi "tuan-6": thời gian làm bài 0.3333 phút không tròn số giây`,
				`rounds.json, dòng 8: tuần thi "Tuần 7": mã tuần thi: dùng 1 đến 63 chữ thường a–z không dấu, chữ số và "-" (ví dụ tuan-1)`,
				`rounds.json, dòng 8: tuần thi "Tuần 7": thiếu tên tuần thi (ví dụ "Tuần thi thứ nhất")`,
				`rounds.json, dòng 8: tuần thi "Tuần 7": số câu hỏi 0: mỗi đề có từ 1 đến 50 câu`,
			},
		},
		{
			name: "rounds: one audience's rounds may not overlap, and ids are unique",
			files: map[string]string{"rounds.json": rounds(
				round(nil),
				round(map[string]string{"id": `"tuan-2"`, "opensAt": `"2026-12-13T00:00:00+07:00"`, "closesAt": `"2026-12-20T00:00:00+07:00"`}),
				round(map[string]string{"id": `"tuan-1-nguoi-dan"`, "audience": `"citizen"`, "bankId": `"vi-du-nguoi-dan"`, "questionCount": `10`}),
				round(map[string]string{"opensAt": `"2026-12-21T00:00:00+07:00"`, "closesAt": `"2026-12-28T00:00:00+07:00"`}),
			)},
			want: []string{
				`rounds.json, dòng 3: tuần thi "tuan-2": trùng thời gian với tuần thi "tuan-1" (dòng 2) của đối tượng staff: mỗi đối tượng mỗi lúc chỉ một tuần thi (bắt đầu 2026-12-13T00:00:00+07:00 trước khi tuần kia kết thúc 2026-12-14T00:00:00+07:00)`,
				`rounds.json, dòng 5: tuần thi "tuan-1": mã tuần thi trùng với dòng 2`,
			},
		},
		{
			name:  "rounds: a misspelt field is named with its round",
			files: map[string]string{"rounds.json": rounds(round(map[string]string{"timeLimit": `"10m"`}))},
			want:  []string{`rounds.json: tuần thi 1: trường "timeLimit" không rõ (tên trường phân biệt chữ hoa, chữ thường; xem docs/import.md)`},
		},
		{
			name:  "rounds: a value of the wrong kind is placed on its line",
			files: map[string]string{"rounds.json": "[\n  {\"id\": \"tuan-1\",\n   \"questionCount\": \"15\"}\n]\n"},
			want:  []string{`rounds.json, dòng 3: tuần thi 1: questionCount phải là số JSON, không phải chuỗi`},
		},
		{
			name:  "banks: a misspelt or missing correct answer is caught",
			files: map[string]string{"banks/x.json": `{"id": "x", "title": "X", "questions": [{"id": "q1", "text": "?", "options": ["a", "b"], "corect": 1}]}`},
			want:  []string{`banks/x.json: trường "corect" không rõ (tên trường phân biệt chữ hoa, chữ thường; xem docs/import.md)`},
		},
		{
			name:  "banks: a question without its correct answer",
			files: map[string]string{"banks/x.json": `{"id": "x", "title": "X", "questions": [{"id": "q1", "text": "?", "options": ["a", "b"]}]}`},
			want:  []string{`banks/x.json: câu 1 (mã "q1"): thiếu "correct": số thứ tự của phương án đúng, 0 là phương án đầu (A)`},
		},
		{
			name: "banks: the system's own bank checks, bad ids and repeated ids",
			files: map[string]string{
				"banks/a.json": `{"id": "x", "title": "X", "questions": [{"id": "q1", "text": "?", "options": ["a", "a"], "correct": 0}]}`,
				"banks/b.json": `{"id": "Ngân hàng", "title": "X", "questions": [{"id": "q1", "text": "?", "options": ["a", "b"], "correct": 0}]}`,
				"banks/z.json": `{"id": "vi-du-can-bo", "title": "X", "questions": [{"id": "q1", "text": "?", "options": ["a", "b"], "correct": 0}]}`,
			},
			want: []string{
				`banks/a.json: bank "x": question "q1" has an empty or repeated option`,
				`banks/b.json: id: "Ngân hàng" không phải mã bộ câu hỏi hợp lệ: dùng 1 đến 63 chữ thường a–z không dấu, chữ số và "-" (ví dụ hue-2026-can-bo)`,
				`banks/z.json: bộ câu hỏi "vi-du-can-bo": mã bộ câu hỏi này đã có ở banks/can-bo.json`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t, folderWith(t, tt.files))
			got := problemStrings(f.Problems)
			for _, want := range tt.want {
				if !slices.Contains(got, want) {
					t.Errorf("missing problem\n  %s\ngot\n  %s", want, strings.Join(got, "\n  "))
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n  %s", len(got), len(tt.want), strings.Join(got, "\n  "))
			}
			if f.Valid() {
				t.Error("a folder with problems is valid")
			}
		})
	}
}

func TestLoadWarns(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name:  "a stray file is named, with the expected names",
			files: map[string]string{"Units.csv": "x", "notes.txt": "x", ".DS_Store": "x", "README.md": "x"},
			want: []string{
				"Units.csv: bỏ qua: không phải tệp của thư mục cuộc thi (tên phân biệt chữ hoa, chữ thường: contest.json, units.csv, roster.csv, rounds.json, banks/)",
				"notes.txt: bỏ qua: không phải tệp của thư mục cuộc thi (tên phân biệt chữ hoa, chữ thường: contest.json, units.csv, roster.csv, rounds.json, banks/)",
			},
		},
		{
			name: "headcounts that make the participation rate meaningless",
			files: map[string]string{"units.csv": unitsHeader +
				"so-noi-vu,Sở Nội vụ,co-quan-hanh-chinh,2\nso-tu-phap,Sở Tư pháp,co-quan-hanh-chinh,0\nso-y-te,Sở Y tế,co-quan-hanh-chinh,\n" +
				"trung-tam-hcc,Trung tâm,co-quan-hanh-chinh,2\ndai-phat-thanh,Đài,don-vi-su-nghiep,2\nphuong-phu-hoi,Phú Hội,xa-phuong,2\nxa-phu-vang,Phú Vang,xa-phuong,2\n"},
			want: []string{
				`units.csv, dòng 2: unit "so-noi-vu": số người 2, nhưng danh sách dự thi có 3 cán bộ của đơn vị: tỷ lệ tham gia có thể vượt 100%`,
				`units.csv, dòng 3: unit "so-tu-phap": số người 0: không tính được tỷ lệ tham gia`,
				`units.csv, dòng 4: unit "so-y-te": không ghi số người và danh sách dự thi không có ai của đơn vị: không tính được tỷ lệ tham gia`,
			},
		},
		{
			name:  "a round already over",
			files: map[string]string{"rounds.json": rounds(round(map[string]string{"opensAt": `"2026-11-16T00:00:00+07:00"`, "closesAt": `"2026-11-23T00:00:00+07:00"`}))},
			want:  []string{`rounds.json, dòng 2: tuần thi "tuan-1": đã kết thúc (lúc 00:00 23/11/2026): không ai còn thi được`},
		},
		{
			name: "a large bank counted from 1",
			files: map[string]string{"banks/x.json": func() string {
				var qs []string
				for i := range 20 {
					qs = append(qs, `{"id": "q`+string(rune('a'+i))+`", "text": "?", "options": ["a", "b"], "correct": 1}`)
				}
				return `{"id": "x", "title": "X", "questions": [` + strings.Join(qs, ",") + `]}`
			}()},
			want: []string{`banks/x.json: bộ câu hỏi "x": không câu nào có "correct": 0 (phương án A): "correct" đếm từ 0, có phải tệp đã đếm từ 1?`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t, folderWith(t, tt.files))
			if !f.Valid() {
				t.Fatalf("problems: %q", problemStrings(f.Problems))
			}
			if got := problemStrings(f.Warnings); !slices.Equal(got, tt.want) {
				t.Errorf("warnings\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestLoadReadsWhatSpreadsheetsWrite(t *testing.T) {
	tests := []struct {
		name  string
		units string
	}{
		{"a UTF-8 byte order mark (Excel's CSV UTF-8)", "\xEF\xBB\xBF" + unitsHeader + unitsBody},
		{"semicolons (Excel with Vietnamese regional settings)", "\xEF\xBB\xBFid;name;block;headcount\r\nso-noi-vu;Sở Nội vụ;co-quan-hanh-chinh;4\r\nxa-phu-vang;UBND xã Phú Vang;xa-phuong;2\r\n"},
		{"columns in another order, any case, and rows of empty cells", "Name,ID,Headcount,Block\nSở Nội vụ,so-noi-vu,4,co-quan-hanh-chinh\n,,,\nUBND xã Phú Vang,xa-phu-vang,2,xa-phuong\n\n"},
	}
	roster := rosterHeader + "an@vidu.hue.gov.vn,Nguyễn Văn An,so-noi-vu,,,\nbinh@vidu.hue.gov.vn,Trần Thị Bình,xa-phu-vang,,,\n"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t, folderWith(t, map[string]string{"units.csv": tt.units, "roster.csv": roster}))
			if !f.Valid() {
				t.Fatalf("problems: %q", problemStrings(f.Problems))
			}
			want := []contest.Unit{
				{ID: "so-noi-vu", Name: "Sở Nội vụ", Block: contest.BlockAgency, Headcount: 4},
				{ID: "xa-phu-vang", Name: "UBND xã Phú Vang", Block: contest.BlockCommune, Headcount: 2},
			}
			if !slices.Equal(f.Units, want) {
				t.Errorf("units = %+v, want %+v", f.Units, want)
			}
		})
	}
}

func TestLoadPutsVietnameseTextInNFC(t *testing.T) {
	// GIVEN files written in decomposed form (macOS exports, older input
	// methods): "ễ" as "e" + circumflex + tilde
	nfd := func(s string) string { return norm.NFD.String(s) }
	bank, err := os.ReadFile(filepath.Join(validDir, "banks", "can-bo.json"))
	if err != nil {
		t.Fatal(err)
	}
	contestFile, err := os.ReadFile(filepath.Join(validDir, "contest.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := folderWith(t, map[string]string{
		"units.csv":         nfd(unitsHeader + unitsBody),
		"roster.csv":        nfd(rosterHeader + "an@vidu.hue.gov.vn,Nguyễn Văn An,so-noi-vu,,,\nbinh@vidu.hue.gov.vn,Trần Thị Bình,xa-phu-vang,,,\n"),
		"banks/can-bo.json": nfd(string(bank)),
		"contest.json":      nfd(string(contestFile)),
	})
	if nfd("Nguyễn") == "Nguyễn" {
		t.Fatal("the fixture is not decomposed: the test proves nothing")
	}
	// WHEN the folder is loaded
	f := load(t, dir)
	if !f.Valid() {
		t.Fatalf("problems: %q", problemStrings(f.Problems))
	}
	// THEN every text is in the composed form the site and keyboards use
	var texts []string
	for _, u := range f.Units {
		texts = append(texts, u.Name)
	}
	for _, m := range f.Members {
		texts = append(texts, m.Name)
	}
	texts = append(texts, f.Contest.Title)
	for _, q := range f.Banks[0].Bank.Questions {
		texts = append(texts, q.Text)
		texts = append(texts, q.Options...)
	}
	for _, s := range texts {
		if !norm.NFC.IsNormalString(s) {
			t.Errorf("%q is not in NFC", s)
		}
	}
	if i := slices.IndexFunc(f.Members, func(m contest.Member) bool { return m.Email == "an@vidu.hue.gov.vn" }); i < 0 || f.Members[i].Name != "Nguyễn Văn An" {
		t.Errorf("members %+v, want Nguyễn Văn An composed", f.Members)
	}
}

func TestLoadWithoutOptionalFiles(t *testing.T) {
	f := load(t, folderWith(t, map[string]string{"units.csv": remove, "roster.csv": remove, "rounds.json": remove, "banks": remove}))
	if !f.Valid() {
		t.Fatalf("problems: %q", problemStrings(f.Problems))
	}
	var out bytes.Buffer
	f.Summary(&out)
	for _, want := range []string{"đơn vị:      không có (không có units.csv)", "danh sách:   không có (không có roster.csv)", "tuần thi:    không có (không có rounds.json)", "bộ câu hỏi:  không có (không có banks/)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}
