package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// Limits of one spreadsheet (a Huế-sized roster of 30,000 people is about
// 2 MB of CSV, 1 MB of .xlsx).
const (
	// MaxFileBytes bounds a file as uploaded.
	MaxFileBytes = 10 << 20
	// MaxRows bounds the data rows of one file.
	MaxRows = 100_000
	// headerSearchRows is how far down the first sheet of a workbook the
	// header row is looked for (title rows above it are skipped).
	headerSearchRows = 30
	// maxUnzippedBytes bounds what an .xlsx may unpack to (a zip bomb stops here).
	maxUnzippedBytes = 200 << 20
)

// column is one column of a file: its canonical name (the CSV files of a
// contest folder use it) and the other headers that name it, Vietnamese
// first: the template's header is aliases[0].
type column struct {
	name     string
	required bool
	aliases  []string
}

// Header is the column's header in the templates.
func (c column) Header() string {
	if len(c.aliases) > 0 {
		return c.aliases[0]
	}
	return c.name
}

// csvRow is one data row of a file: cells by column name (trimmed; "" for an
// absent optional column) and where it is. A stray row has cells outside the
// named columns (already reported): only its id is to be trusted.
type csvRow struct {
	line   int
	cells  map[string]string
	stray  bool
	labels map[string]string // column name → its header as the file writes it
}

// label is the header under which the file has column name.
func (r csvRow) label(name string) string {
	if l, ok := r.labels[name]; ok {
		return l
	}
	return name
}

// fileState is what became of an optional file of the folder.
type fileState int

const (
	fileAbsent fileState = iota
	fileBroken           // there, but it could not be read through (reported)
	fileRead
)

// readCSV reads a file of the folder by its header line (readTable).
func readCSV(dir, name string, columns []column, rep *report) ([]csvRow, fileState) {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fileAbsent
	}
	if err != nil {
		rep.problem(name, 0, "", "không đọc được: %v", err)
		return nil, fileBroken
	}
	return readTable(name, data, columns, rep)
}

// readTable reads a spreadsheet by its header row: an .xlsx workbook (its
// first sheet) or a CSV file. It takes what spreadsheet programs write: a
// UTF-8 byte order mark (Excel's "CSV UTF-8"), UTF-16 ("Unicode Text"),
// Windows-1258 (Excel's "CSV" on a Vietnamese Windows), ";" or tabs between
// cells, title rows above the header (in a workbook), merged cells (their
// value fills the merged range), empty rows and rows of empty cells.
func readTable(name string, data []byte, columns []column, rep *report) ([]csvRow, fileState) {
	if len(data) > MaxFileBytes {
		rep.problem(name, 0, "", "tệp %.1f MB, quá giới hạn %d MB: hãy chia thành nhiều tệp", float64(len(data))/(1<<20), MaxFileBytes>>20)
		return nil, fileBroken
	}
	var grid [][]string
	var lines []int
	var xl *workbook
	comma := ','
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		var ok bool
		if xl, ok = openWorkbook(name, data, columns, rep); !ok {
			return nil, fileBroken
		}
		grid = xl.rows
		lines = make([]int, len(grid))
		for i := range grid {
			lines[i] = i + 1
		}
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		rep.problem(name, 0, "", "tệp Excel 97–2003 (.xls) hoặc có mật khẩu: hãy mở bằng Excel, bỏ mật khẩu và lưu thành \"Excel Workbook (.xlsx)\"")
		return nil, fileBroken
	default:
		text, ok := decodeText(name, data, rep)
		if !ok {
			return nil, fileBroken
		}
		comma = delimiter(text)
		if grid, lines, ok = readCSVGrid(name, text, comma, rep); !ok {
			return nil, fileBroken
		}
	}

	// the header row: a CSV file's first line; in a workbook, the first row
	// that names a known column (titles may stand above it)
	h := -1
	for i, row := range grid {
		if xl == nil {
			if !emptyRow(row) {
				h = i
				break
			}
			continue
		}
		if i >= headerSearchRows {
			break
		}
		if namesColumns(row, columns) {
			h = i
			break
		}
	}
	if h < 0 {
		if xl != nil {
			if other := xl.otherSheetWithHeader(columns); other != "" {
				rep.problem(name, 0, "", "trang tính đầu tiên (%q) không có dòng tiêu đề, dữ liệu có lẽ ở trang %q: hãy kéo trang đó lên đầu (hoặc xoá các trang khác) rồi tải lên lại", xl.sheet, other)
				return nil, fileBroken
			}
		}
		rep.problem(name, 0, "", "không có dòng tiêu đề: dòng đầu phải ghi tên các cột: %s", columnList(columns))
		return nil, fileBroken
	}
	header, headerLine := grid[h], lines[h]

	byPos := make([]string, len(header))
	seen := map[string]int{}
	labels := map[string]string{}
	known := map[string]string{}
	for _, c := range columns {
		known[foldHeader(c.name)] = c.name
		for _, a := range c.aliases {
			known[foldHeader(a)] = c.name
		}
	}
	bad := false
	for i, hd := range header {
		hd = strings.TrimSpace(hd)
		if hd == "" {
			continue // an unnamed column: its cells must stay empty (checked below)
		}
		c, ok := known[foldHeader(hd)]
		if !ok {
			rep.problemAt(name, headerLine, hd, "", "cột không rõ %q: các cột là %s", hd, columnList(columns))
			bad = true
			continue
		}
		if _, dup := seen[c]; dup {
			rep.problemAt(name, headerLine, hd, "", "cột %q có hai lần", hd)
			bad = true
			continue
		}
		seen[c] = i
		byPos[i] = c
		labels[c] = hd
	}
	for _, c := range columns {
		if _, ok := seen[c.name]; c.required && !ok {
			rep.problem(name, headerLine, "", "thiếu cột %q: dòng tiêu đề phải ghi tên các cột: %s", c.Header(), columnList(columns))
			bad = true
		}
	}
	if bad {
		return nil, fileBroken
	}

	var rows []csvRow
	for i := h + 1; i < len(grid); i++ {
		rec, line := grid[i], lines[i]
		row := csvRow{line: line, cells: make(map[string]string, len(columns)), labels: labels}
		empty, stray := true, false
		for j, cell := range rec {
			cell = strings.TrimSpace(cell)
			if cell != "" {
				empty = false
			}
			if j >= len(byPos) || byPos[j] == "" {
				stray = stray || cell != ""
				continue
			}
			row.cells[byPos[j]] = cell
		}
		if empty {
			continue
		}
		if len(rows) == MaxRows {
			rep.problem(name, line, "", "quá %d dòng: hãy chia thành nhiều tệp", MaxRows)
			return nil, fileBroken
		}
		if xl != nil {
			// a formula whose value was never computed reads as empty
			for j, c := range byPos {
				if c != "" && row.cells[c] == "" {
					if f := xl.formula(j, line); f != "" {
						rep.problemAt(name, line, labels[c], "", "ô có công thức (=%s) nhưng chưa có giá trị tính sẵn: mở tệp bằng Excel và lưu lại, hoặc dán giá trị (Paste Special → Values)", truncate(f, 40))
						row.stray = true
					}
				}
			}
		}
		if stray {
			if xl != nil {
				rep.problem(name, line, "", "có ô nằm ngoài các cột có tiêu đề: hãy xoá ô đó hoặc đặt tên cho cột")
			} else {
				rep.problem(name, line, "", "có ô nằm ngoài các cột có tiêu đề: giá trị nào chứa dấu %q? hãy đặt giá trị đó trong dấu ngoặc kép", string(comma))
			}
			row.stray = true
		}
		rows = append(rows, row)
	}
	return rows, fileRead
}

func emptyRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// namesColumns reports whether a row names at least one known column.
func namesColumns(row []string, columns []column) bool {
	for _, cell := range row {
		f := foldHeader(cell)
		if f == "" {
			continue
		}
		for _, c := range columns {
			if f == foldHeader(c.name) {
				return true
			}
			for _, a := range c.aliases {
				if f == foldHeader(a) {
					return true
				}
			}
		}
	}
	return false
}

// foldHeader compares headers as people type them: any case, with or
// without Vietnamese marks, any spacing or punctuation ("Họ và tên",
// "ho va ten", "HỌ VÀ TÊN:").
func foldHeader(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// slug is foldHeader with "-" between words: "Xã, phường" is "xa-phuong".
func slug(s string) string { return strings.ReplaceAll(foldHeader(s), " ", "-") }

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// decodeText turns a text file into UTF-8 in NFC: UTF-8 with or without a
// byte order mark, UTF-16 with one, or Windows-1258 when what it decodes to
// is Vietnamese; anything else is refused with a message asking for UTF-8.
func decodeText(name string, data []byte, rep *report) ([]byte, bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(out) {
			rep.problem(name, 0, "", "tệp UTF-16 bị hỏng: hãy lưu bằng Excel dưới dạng \"CSV UTF-8 (Comma delimited)\"")
			return nil, false
		}
		return nfc(out), true
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if utf8.Valid(data) {
		return nfc(data), true
	}
	if out, ok := decodeWindows1258(data); ok {
		return nfc(out), true
	}
	line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
	rep.problem(name, line, "", "tệp không ở dạng UTF-8 nên chữ tiếng Việt sẽ bị lỗi: trong Excel chọn Save As → \"CSV UTF-8 (Comma delimited)\", hoặc tải lên tệp .xlsx")
	return nil, false
}

// vietnameseLetters are the letters with marks that Windows-1258 writes as
// one byte; the tones it writes as a combining mark after the letter.
const vietnameseLetters = "ăâêôơưđĂÂÊÔƠƯĐàáãèéìíòóõùúýÀÁÃÈÉÌÍÒÓÕÙÚÝ"

// decodeWindows1258 decodes Excel's "CSV (Comma delimited)" of a Vietnamese
// Windows, when what it gives is Vietnamese text: letters of the alphabet,
// tone marks and typographic punctuation, nearly nothing else (so a file in
// another code page, or binary, is not taken for it).
func decodeWindows1258(data []byte) ([]byte, bool) {
	out, err := charmap.Windows1258.NewDecoder().Bytes(data)
	if err != nil {
		return nil, false
	}
	var viet, other int
	for _, r := range string(out) {
		switch {
		case r < 0x80:
		case strings.ContainsRune(vietnameseLetters, r), r == 0x300, r == 0x301, r == 0x303, r == 0x309, r == 0x323:
			viet++
		case strings.ContainsRune("“”‘’–—…•°«»€", r), r == 0xA0:
		default:
			other++
		}
	}
	return out, viet > 0 && other*20 <= viet
}

// readCSVGrid splits CSV text into rows of cells with their line numbers.
func readCSVGrid(name string, data []byte, comma rune, rep *report) ([][]string, []int, bool) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = comma
	r.FieldsPerRecord = -1
	var grid [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			csvProblem(name, err, rep)
			return nil, nil, false
		}
		line, _ := r.FieldPos(0)
		grid = append(grid, rec)
		lines = append(lines, line)
		if len(grid) > MaxRows+headerSearchRows {
			rep.problem(name, line, "", "quá %d dòng: hãy chia thành nhiều tệp", MaxRows)
			return nil, nil, false
		}
	}
	return grid, lines, true
}

// delimiter is ";" or a tab when the header line has them and no commas, else ",".
func delimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.IndexByte(first, ',') >= 0 {
		return ','
	}
	if bytes.IndexByte(first, ';') >= 0 {
		return ';'
	}
	if bytes.IndexByte(first, '\t') >= 0 {
		return '\t'
	}
	return ','
}

func csvProblem(name string, err error, rep *report) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		rep.problem(name, pe.StartLine, "", "dấu ngoặc kép không khớp (%v): giá trị có dấu ngoặc kép phải nằm trong ngoặc kép, dấu bên trong viết đôi \"\"", pe.Err)
		return
	}
	rep.problem(name, 0, "", "%v", err)
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

func columnList(columns []column) string {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.Header()
		if c.Header() != c.name {
			names[i] += " (" + c.name + ")"
		}
	}
	return strings.Join(names, ", ")
}

// nfc puts UTF-8 text in Unicode normalization form C, the precomposed form
// browsers and most keyboards produce: "ễ" as one code point rather than "e"
// plus two combining marks, as some spreadsheet exports (macOS, older
// Vietnamese input methods, Windows-1258) write it. Names then display, sort
// and compare alike whichever program wrote the file. Other bytes are left
// as they are.
func nfc(data []byte) []byte {
	if !utf8.Valid(data) || norm.NFC.IsNormal(data) {
		return data
	}
	return norm.NFC.Bytes(data)
}

// workbook is the first sheet of an .xlsx file, read whole.
type workbook struct {
	f     *excelize.File
	sheet string
	rows  [][]string
}

func openWorkbook(name string, data []byte, columns []column, rep *report) (*workbook, bool) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzippedBytes, UnzipXMLSizeLimit: maxUnzippedBytes})
	if err != nil {
		rep.problem(name, 0, "", "không đọc được tệp Excel (%v): hãy mở bằng Excel và lưu lại dưới dạng .xlsx", err)
		return nil, false
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		rep.problem(name, 0, "", "tệp Excel không có trang tính nào")
		return nil, false
	}
	wb := &workbook{f: f, sheet: sheets[0]}
	if wb.rows, err = sheetRows(f, sheets[0]); err != nil {
		rep.problem(name, 0, "", "không đọc được trang tính %q: %v", sheets[0], err)
		return nil, false
	}
	return wb, true
}

// sheetRows reads a sheet's cells (as stored, not as formatted: 1200 rather
// than "1.200", text as typed with its leading zeros), every row from row 1,
// each merged range filled with its top-left cell's value.
func sheetRows(f *excelize.File, sheet string) ([][]string, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		cols, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		for i, c := range cols {
			cols[i] = norm.NFC.String(c)
		}
		rows = append(rows, cols)
		if len(rows) > MaxRows+headerSearchRows {
			return nil, fmt.Errorf("quá %d dòng", MaxRows)
		}
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	merges, err := f.GetMergeCells(sheet, true)
	if err != nil {
		return nil, err
	}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || r1 > len(rows) || r2-r1 > MaxRows || c2-c1 > 100 {
			continue
		}
		v := ""
		if c1-1 < len(rows[r1-1]) {
			v = rows[r1-1][c1-1]
		}
		for r := r1; r <= min(r2, len(rows)); r++ {
			for c := c1; c <= c2; c++ {
				for len(rows[r-1]) < c {
					rows[r-1] = append(rows[r-1], "")
				}
				rows[r-1][c-1] = v
			}
		}
	}
	return rows, nil
}

// formula returns the formula of the cell at column index col (from 0) and
// row (from 1), or "".
func (w *workbook) formula(col, row int) string {
	cell, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		return ""
	}
	f, _ := w.f.GetCellFormula(w.sheet, cell)
	return f
}

// otherSheetWithHeader names another sheet that has the header row the
// first one lacks.
func (w *workbook) otherSheetWithHeader(columns []column) string {
	for _, s := range w.f.GetSheetList()[1:] {
		rows, err := sheetRows(w.f, s)
		if err != nil {
			continue
		}
		for i, row := range rows {
			if i >= headerSearchRows {
				break
			}
			if namesColumns(row, columns) {
				return s
			}
		}
	}
	return ""
}
