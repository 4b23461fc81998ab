package xlsx_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hoithi/hoithi/shared/xlsx"
)

// The tests read the files back with excelize, an independent reader, and
// check the zip and XML structure with the standard library.

var closes = time.Date(2026, 1, 12, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// sample is a two-sheet workbook with every kind of cell and style.
func sample() xlsx.Workbook {
	return xlsx.Workbook{
		Props: xlsx.Props{Title: "Báo cáo tham gia Tuần 2 & <kết quả>", Creator: "HoiThi", Language: "vi-VN", Created: closes, Modified: closes},
		Sheets: []xlsx.Sheet{
			{
				Name:   "Khối cơ quan hành chính",
				Widths: []xlsx.ColWidth{{Col: 27, Width: 12.5}, {Col: 2, Width: 42}},
				Rows: []xlsx.Row{
					{Cells: xlsx.Strings("Tuần 2 (05/01 – 11/01/2026) — cán bộ, công chức, viên chức")},
					{},
					{Cells: xlsx.Strings("Hạng", "Đơn vị", "Tỷ lệ (%)"), Style: xlsx.Bold},
					{Cells: []xlsx.Cell{xlsx.Int(1), xlsx.String("Sở B"), xlsx.Number(100)}},
					{Cells: []xlsx.Cell{xlsx.Int(2), xlsx.String("Sở C"), xlsx.Number(33.33)}, Style: xlsx.Highlight},
					{Cells: []xlsx.Cell{xlsx.Empty(), xlsx.String("Tổng cộng"), xlsx.Number(66.67), xlsx.Empty()}, Style: xlsx.Bold},
				},
			},
			{Name: "Khối xã, phường", Rows: []xlsx.Row{{Cells: xlsx.Strings("UBND xã Hai")}}},
		},
	}
}

func open(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("excelize cannot open the file: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func write(t *testing.T, w xlsx.Workbook) []byte {
	t.Helper()
	data, err := w.Bytes()
	if err != nil {
		t.Fatalf("Bytes: %v", err)
	}
	return data
}

func oneCell(c xlsx.Cell) xlsx.Workbook {
	return xlsx.Workbook{Sheets: []xlsx.Sheet{{Name: "S", Rows: []xlsx.Row{{Cells: []xlsx.Cell{c}}}}}}
}

func TestCellValuesReadBack(t *testing.T) {
	tests := []struct {
		name string
		cell xlsx.Cell
		want string
	}{
		{"Vietnamese text keeps its diacritics", xlsx.String("Đơn vị sự nghiệp — Huế ổn định"), "Đơn vị sự nghiệp — Huế ổn định"},
		{"XML's special characters are escaped", xlsx.String(`Sở "A" & <B> 'C'`), `Sở "A" & <B> 'C'`},
		{"control characters XML cannot carry are dropped", xlsx.String("a\x00b\x07c\x1fd\uFFFEe"), "abcde"},
		{"tab, line feed and carriage return are kept", xlsx.String("a\tb\nc\r\nd"), "a\tb\nc\r\nd"},
		{"leading and trailing spaces are kept", xlsx.String("  lề  "), "  lề  "},
		{"characters outside the BMP are kept", xlsx.String("𝔸 😀"), "𝔸 😀"},
		{"an integer is a number", xlsx.Int(-1234567), "-1234567"},
		{"a large integer keeps every digit", xlsx.Int(123456789012), "123456789012"},
		{"a decimal is written as it was rounded", xlsx.Number(44.44), "44.44"},
		{"a whole float has no decimal point", xlsx.Number(100), "100"},
		{"a small decimal has no exponent", xlsx.Number(0.0001), "0.0001"},
		{"a large decimal has no exponent", xlsx.Number(1.5e12), "1500000000000"},
		{"negative zero is zero", xlsx.Number(math.Copysign(0, -1)), "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := open(t, write(t, oneCell(tt.cell)))
			got, err := f.GetCellValue("S", "A1", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("A1 = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("numbers are stored as numbers, text as text", func(t *testing.T) {
		f := open(t, write(t, sample()))
		// a cell without a type attribute is a number (the schema's default)
		number := []excelize.CellType{excelize.CellTypeUnset, excelize.CellTypeNumber}
		text := []excelize.CellType{excelize.CellTypeInlineString}
		for _, c := range []struct {
			cell string
			want []excelize.CellType
		}{{"A4", number}, {"C5", number}, {"B4", text}} {
			if got, err := f.GetCellType("Khối cơ quan hành chính", c.cell); err != nil || !slices.Contains(c.want, got) {
				t.Errorf("%s type %v (%v), want one of %v", c.cell, got, err, c.want)
			}
		}
	})
}

func TestSheetsReadBack(t *testing.T) {
	f := open(t, write(t, sample()))
	t.Run("the sheets are listed in order with their Vietnamese names", func(t *testing.T) {
		if got, want := f.GetSheetList(), []string{"Khối cơ quan hành chính", "Khối xã, phường"}; !slices.Equal(got, want) {
			t.Errorf("sheets %q, want %q", got, want)
		}
	})
	rows, err := f.GetRows("Khối cơ quan hành chính", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Tuần 2 (05/01 – 11/01/2026) — cán bộ, công chức, viên chức"},
		nil,
		{"Hạng", "Đơn vị", "Tỷ lệ (%)"},
		{"1", "Sở B", "100"},
		{"2", "Sở C", "33.33"},
		{"", "Tổng cộng", "66.67"},
	}
	t.Run("every row reads back, the blank row blank", func(t *testing.T) {
		if len(rows) != len(want) {
			t.Fatalf("%d rows, want %d: %q", len(rows), len(want), rows)
		}
		for i := range want {
			if !slices.Equal(rows[i], want[i]) && !(len(rows[i]) == 0 && len(want[i]) == 0) {
				t.Errorf("row %d %q, want %q", i+1, rows[i], want[i])
			}
		}
	})
	t.Run("the second sheet has its own rows", func(t *testing.T) {
		if got, _ := f.GetCellValue("Khối xã, phường", "A1"); got != "UBND xã Hai" {
			t.Errorf("A1 = %q, want UBND xã Hai", got)
		}
	})
}

func TestColumnReferences(t *testing.T) {
	cells := make([]xlsx.Cell, 16384)
	for _, col := range []int{1, 26, 27, 52, 53, 702, 703, 16384} {
		cells[col-1] = xlsx.Int(col)
	}
	f := open(t, write(t, xlsx.Workbook{Sheets: []xlsx.Sheet{{Name: "S", Rows: []xlsx.Row{{}, {Cells: cells}}}}}))
	for ref, want := range map[string]string{"A2": "1", "Z2": "26", "AA2": "27", "AZ2": "52", "BA2": "53", "ZZ2": "702", "AAA2": "703", "XFD2": "16384", "B2": ""} {
		t.Run("the cell at "+ref+" is where Excel looks for it", func(t *testing.T) {
			if got, err := f.GetCellValue("S", ref); err != nil || got != want {
				t.Errorf("%s = %q (%v), want %q", ref, got, err, want)
			}
		})
	}
}

func TestColumnWidths(t *testing.T) {
	f := open(t, write(t, sample()))
	tests := []struct {
		name, col string
		want      float64
	}{
		{"column B is as wide as asked", "B", 42},
		{"a width given out of order applies to its column", "AA", 12.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.GetColWidth("Khối cơ quan hành chính", tt.col)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("width of %s = %v, want %v", tt.col, got, tt.want)
			}
		})
	}
	t.Run("a column without a width keeps the default", func(t *testing.T) {
		got, err := f.GetColWidth("Khối cơ quan hành chính", "C")
		if err != nil {
			t.Fatal(err)
		}
		if got == 42 || got == 12.5 {
			t.Errorf("width of C = %v, want the default", got)
		}
	})
}

func TestRowStyles(t *testing.T) {
	f := open(t, write(t, sample()))
	const sheet = "Khối cơ quan hành chính"
	tests := []struct {
		name      string
		cell      string
		bold      bool
		highlight bool
	}{
		{"a plain row is neither bold nor filled", "B4", false, false},
		{"a bold row's text is bold", "B3", true, false},
		{"a bold row's empty cell is bold too", "A6", true, false},
		{"a highlighted row has the solid FFC7CE fill", "B5", false, true},
		{"a highlighted row's numbers are filled too", "C5", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := f.GetCellStyle(sheet, tt.cell)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			if bold := st.Font != nil && st.Font.Bold; bold != tt.bold {
				t.Errorf("%s bold = %v, want %v", tt.cell, bold, tt.bold)
			}
			filled := st.Fill.Pattern == 1 && slices.ContainsFunc(st.Fill.Color, func(c string) bool { return strings.EqualFold(c, "FFC7CE") })
			if filled != tt.highlight {
				t.Errorf("%s fill %+v, want highlighted %v", tt.cell, st.Fill, tt.highlight)
			}
			if !tt.highlight && st.Fill.Pattern != 0 {
				t.Errorf("%s fill %+v, want none", tt.cell, st.Fill)
			}
		})
	}
}

func TestDocProps(t *testing.T) {
	f := open(t, write(t, sample()))
	p, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"the title keeps its diacritics and specials", p.Title, "Báo cáo tham gia Tuần 2 & <kết quả>"},
		{"the creator is set", p.Creator, "HoiThi"},
		{"the language is set", p.Language, "vi-VN"},
		{"the creation time is in UTC (W3CDTF)", p.Created, "2026-01-11T17:00:00Z"},
		{"the modification time is in UTC (W3CDTF)", p.Modified, "2026-01-11T17:00:00Z"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
	t.Run("empty properties are left out", func(t *testing.T) {
		f := open(t, write(t, oneCell(xlsx.Int(1))))
		p, err := f.GetDocProps()
		if err != nil {
			t.Fatal(err)
		}
		if p.Title != "" || p.Creator != "" || p.Created != "" || p.Modified != "" {
			t.Errorf("props %+v, want none", p)
		}
	})
}

func TestDeterministic(t *testing.T) {
	first := write(t, sample())
	utc := sample()
	utc.Props.Created, utc.Props.Modified = closes.UTC(), closes.UTC()
	var buf bytes.Buffer
	if err := sample().Write(&buf); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  []byte
	}{
		{"the same workbook written twice gives the same bytes", write(t, sample())},
		{"Write gives the same bytes as Bytes", buf.Bytes()},
		{"the same instants in another zone give the same bytes", write(t, utc)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bytes.Equal(tt.got, first) {
				t.Errorf("%d bytes differ from the first %d", len(tt.got), len(first))
			}
		})
	}
	t.Run("another modification time gives other bytes", func(t *testing.T) {
		later := sample()
		later.Props.Modified = closes.Add(time.Hour)
		if bytes.Equal(write(t, later), first) {
			t.Errorf("the bytes do not depend on Props.Modified")
		}
	})
}

func TestPackageStructure(t *testing.T) {
	data := write(t, sample())
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the parts come in a fixed order", func(t *testing.T) {
		var names []string
		for _, f := range z.File {
			names = append(names, f.Name)
		}
		want := []string{"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
			"xl/styles.xml", "xl/theme/theme1.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}
		if !slices.Equal(names, want) {
			t.Errorf("parts %q, want %q", names, want)
		}
	})
	t.Run("every part is stamped with the modification time", func(t *testing.T) {
		for _, f := range z.File {
			if !f.Modified.Equal(closes) {
				t.Errorf("%s modified %v, want %v", f.Name, f.Modified, closes)
			}
		}
	})
	t.Run("every part is well-formed XML", func(t *testing.T) {
		for _, f := range z.File {
			if err := wellFormed(f); err != nil {
				t.Errorf("%s: %v", f.Name, err)
			}
		}
	})
	t.Run("the worksheet's elements are in the schema's order", func(t *testing.T) {
		i := slices.IndexFunc(z.File, func(f *zip.File) bool { return f.Name == "xl/worksheets/sheet1.xml" })
		got, err := children(z.File[i])
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData"}; !slices.Equal(got, want) {
			t.Errorf("worksheet children %q, want %q", got, want)
		}
	})
	t.Run("a workbook without a time is stamped 1980-01-01", func(t *testing.T) {
		data := write(t, oneCell(xlsx.Int(1)))
		z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC); !z.File[0].Modified.Equal(want) {
			t.Errorf("modified %v, want %v", z.File[0].Modified, want)
		}
	})
}

func wellFormed(f *zip.File) error {
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	d := xml.NewDecoder(r)
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// children lists the local names of the root element's children.
func children(f *zip.File) ([]string, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	d := xml.NewDecoder(r)
	var out []string
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 1 {
				out = append(out, tok.Name.Local)
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

func TestInvalidWorkbooks(t *testing.T) {
	named := func(names ...string) xlsx.Workbook {
		var w xlsx.Workbook
		for _, n := range names {
			w.Sheets = append(w.Sheets, xlsx.Sheet{Name: n})
		}
		return w
	}
	withSheet := func(s xlsx.Sheet) xlsx.Workbook {
		s.Name = "S"
		return xlsx.Workbook{Sheets: []xlsx.Sheet{s}}
	}
	tests := []struct {
		name string
		w    xlsx.Workbook
	}{
		{"a workbook without sheets is refused", xlsx.Workbook{}},
		{"an empty sheet name is refused", named("")},
		{"a sheet name of 32 characters is refused", named(strings.Repeat("ả", 32))},
		{"a sheet name of 31 characters, one outside the BMP, is refused", named(strings.Repeat("ả", 30) + "😀")},
		{"a sheet name with a colon is refused", named("Khối: A")},
		{`a sheet name with a backslash is refused`, named(`A\B`)},
		{"a sheet name with a slash is refused", named("05/01")},
		{"a sheet name with a question mark is refused", named("Ai?")},
		{"a sheet name with an asterisk is refused", named("A*")},
		{"a sheet name with an opening bracket is refused", named("[A")},
		{"a sheet name with a closing bracket is refused", named("A]")},
		{"a sheet name starting with an apostrophe is refused", named("'A")},
		{"a sheet name with a control character is refused", named("A\nB")},
		{"a sheet name Excel reserves is refused", named("History")},
		{"a duplicate sheet name is refused", named("Khối A", "Khối B", "Khối A")},
		{"a sheet name differing only in case is refused", named("Khối xã", "KHỐI XÃ")},
		{"a NaN is refused", oneCell(xlsx.Number(math.NaN()))},
		{"an infinity is refused", oneCell(xlsx.Number(math.Inf(-1)))},
		{"text longer than a cell holds is refused", oneCell(xlsx.String(strings.Repeat("x", 32768)))},
		{"an unknown style is refused", withSheet(xlsx.Sheet{Rows: []xlsx.Row{{Style: 7}}})},
		{"a zero width is refused", withSheet(xlsx.Sheet{Widths: []xlsx.ColWidth{{Col: 1, Width: 0}}})},
		{"a width over 255 is refused", withSheet(xlsx.Sheet{Widths: []xlsx.ColWidth{{Col: 1, Width: 256}}})},
		{"a NaN width is refused", withSheet(xlsx.Sheet{Widths: []xlsx.ColWidth{{Col: 1, Width: math.NaN()}}})},
		{"a width for column 0 is refused", withSheet(xlsx.Sheet{Widths: []xlsx.ColWidth{{Col: 0, Width: 10}}})},
		{"a width beyond column XFD is refused", withSheet(xlsx.Sheet{Widths: []xlsx.ColWidth{{Col: 16385, Width: 10}}})},
		{"two widths for one column are refused", withSheet(xlsx.Sheet{Widths: []xlsx.ColWidth{{Col: 2, Width: 10}, {Col: 2, Width: 20}}})},
		{"a row beyond column XFD is refused", withSheet(xlsx.Sheet{Rows: []xlsx.Row{{Cells: make([]xlsx.Cell, 16385)}}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := tt.w.Write(&buf)
			if !errors.Is(err, xlsx.ErrInvalid) {
				t.Errorf("Write error %v, want one wrapping ErrInvalid", err)
			}
			if buf.Len() != 0 {
				t.Errorf("Write wrote %d bytes of an invalid workbook", buf.Len())
			}
		})
	}
	valid := []struct {
		name string
		w    xlsx.Workbook
	}{
		{"a Vietnamese sheet name of 31 characters (more bytes) is accepted", named(strings.Repeat("ả", 31))},
		{"a sheet name with a comma, dash and inner apostrophe is accepted", named("Khối xã, phường – Hội's")},
		{"text of exactly 32767 characters is accepted", oneCell(xlsx.String(strings.Repeat("x", 32767)))},
	}
	for _, tt := range valid {
		t.Run(tt.name, func(t *testing.T) {
			open(t, write(t, tt.w))
		})
	}
}
