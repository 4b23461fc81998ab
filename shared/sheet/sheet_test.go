package sheet_test

import (
	"testing"

	"github.com/hoithi/hoithi/shared/sheet"
)

func TestText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"a formula is quoted", "=1+1", "'=1+1"},
		{"a leading plus is quoted", "+1", "'+1"},
		{"a leading minus is quoted", "-1", "'-1"},
		{"a leading at sign is quoted", "@SUM(A1)", "'@SUM(A1)"},
		{"a leading tab before a formula is quoted", "\t=1", "'\t=1"},
		{"a leading carriage return before a formula is quoted", "\r=1", "'\r=1"},
		{"a hyperlink formula is quoted", `=HYPERLINK("http://evil.example/?x","Nhan thuong")`, `'=HYPERLINK("http://evil.example/?x","Nhan thuong")`},
		{"a DDE payload is quoted", "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"a full-width equals sign is quoted", "＝1+1", "'＝1+1"},
		{"a full-width plus sign is quoted", "＋1", "'＋1"},
		{"a full-width minus sign is quoted", "－1", "'－1"},
		{"a full-width at sign is quoted", "＠SUM(A1)", "'＠SUM(A1)"},
		{"an ordinary Vietnamese name is unchanged", "Nguyễn Thị Hoa", "Nguyễn Thị Hoa"},
		{"a name with a hyphen inside is unchanged", "Tôn Nữ Thị Lan-Anh", "Tôn Nữ Thị Lan-Anh"},
		{"a unit name is unchanged", "UBND phường Phú Hội", "UBND phường Phú Hội"},
		{"a clip title with signs inside is unchanged", "Một cửa = nhanh + gọn", "Một cửa = nhanh + gọn"},
		{"an e-mail address is unchanged", "hoa.nt@demo.hue.gov.vn", "hoa.nt@demo.hue.gov.vn"},
		{"text already quoted is unchanged", "'=1+1", "'=1+1"},
		{"a leading space is unchanged", " =1", " =1"},
		{"the empty string is unchanged", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sheet.Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
