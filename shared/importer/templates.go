package importer

import (
	"fmt"
	"time"

	"github.com/hoithi/hoithi/shared/sheet"
	"github.com/hoithi/hoithi/shared/xlsx"
)

// templateExamples is the example row of each kind's template, column by
// column (the kind's columns in order).
var templateExamples = map[Kind][]string{
	KindUnits:  {"so-noi-vu", "Sở Nội vụ", "Cơ quan hành chính", "42"},
	KindRoster: {"nguyen.van.an@hue.gov.vn", "Nguyễn Văn An", "so-noi-vu", "Cán bộ", "Thí sinh", ""},
	KindBank: {"c0001", "Cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính được quy định tại văn bản nào?",
		"Nghị định 61/2018/NĐ-CP", "Nghị định 45/2020/NĐ-CP", "Nghị quyết 76/NQ-CP", "Quyết định 06/QĐ-TTg", "", "",
		"A", "Nghị định 61/2018/NĐ-CP của Chính phủ quy định việc thực hiện cơ chế một cửa, một cửa liên thông (sửa đổi bởi Nghị định 107/2021/NĐ-CP).",
		"Điều 1 Nghị định 61/2018/NĐ-CP", "Cải cách thủ tục hành chính", "Cán bộ"},
	KindRounds: {"tuan-1", "Tuần thi thứ nhất", "Cán bộ", "29/09/2025 00:00", "05/10/2025 24:00", "15", "10", "1", "hue-2026-can-bo"},
}

func columnsOf(k Kind) []column {
	switch k {
	case KindUnits:
		return unitColumns
	case KindRoster:
		return rosterColumns
	case KindBank:
		return bankColumns
	case KindRounds:
		return roundColumns
	}
	return nil
}

// Template is the .xlsx file an organiser fills in for a kind: the header
// row (bold) and one example row. modified stamps the file (the same time
// gives the same bytes).
func Template(k Kind, modified time.Time) ([]byte, error) {
	cols := columnsOf(k)
	if cols == nil {
		return nil, fmt.Errorf("no template for %q", k)
	}
	example := templateExamples[k]
	header := make([]xlsx.Cell, len(cols))
	row := make([]xlsx.Cell, len(cols))
	widths := make([]xlsx.ColWidth, len(cols))
	for i, c := range cols {
		header[i] = xlsx.String(c.Header())
		// typed text cells: leading zeros and dates stay as written; the
		// example is the contest's own text, sheet.Text guards it anyway
		row[i] = xlsx.String(sheet.Text(example[i]))
		widths[i] = xlsx.ColWidth{Col: i + 1, Width: float64(min(60, max(14, len([]rune(c.Header()))+4, len([]rune(example[i]))/2)))}
	}
	names := map[Kind]string{KindUnits: "Đơn vị", KindRoster: "Danh sách dự thi", KindBank: "Câu hỏi", KindRounds: "Tuần thi"}
	wb := xlsx.Workbook{
		Props:  xlsx.Props{Title: "HoiThi — mẫu " + names[k], Creator: "HoiThi", Language: "vi-VN", Created: modified, Modified: modified},
		Sheets: []xlsx.Sheet{{Name: names[k], Widths: widths, Rows: []xlsx.Row{{Cells: header, Style: xlsx.Bold}, {Cells: row}}}},
	}
	return wb.Bytes()
}
