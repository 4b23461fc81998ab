package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// column is one column of a CSV file of the folder.
type column struct {
	name     string
	required bool
}

// csvRow is one data line of a CSV file: cells by column name (trimmed; ""
// for an absent optional column) and where it is. A stray row has cells
// outside the named columns (already reported): only its id is to be trusted.
type csvRow struct {
	line  int
	cells map[string]string
	stray bool
}

// fileState is what became of an optional file of the folder.
type fileState int

const (
	fileAbsent fileState = iota
	fileBroken           // there, but it could not be read through (reported)
	fileRead
)

// readCSV reads a CSV file of the folder by its header line. It takes what
// spreadsheet programs write: a UTF-8 byte order mark (Excel's "CSV UTF-8"),
// ";" between cells (Excel with Vietnamese regional settings, where "," is the
// decimal mark), empty lines and lines of empty cells.
func readCSV(dir, name string, columns []column, rep *report) ([]csvRow, fileState) {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fileAbsent
	}
	if err != nil {
		rep.problem(name, 0, "", "cannot be read: %v", err)
		return nil, fileBroken
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		rep.problem(name, 0, "", "saved as UTF-16 (Excel's \"Unicode Text\"): save it as \"CSV UTF-8 (Comma delimited)\"")
		return nil, fileBroken
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		rep.problem(name, line, "", "not UTF-8 text, so Vietnamese letters would be garbled: in Excel use Save As → \"CSV UTF-8 (Comma delimited)\"")
		return nil, fileBroken
	}
	data = nfc(data)

	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter(data)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		rep.problem(name, 0, "", "empty: the first line must name the columns: %s", columnList(columns))
		return nil, fileBroken
	}
	if err != nil {
		csvProblem(name, err, rep)
		return nil, fileBroken
	}
	byPos := make([]string, len(header))
	seen := map[string]int{}
	known := map[string]string{}
	for _, c := range columns {
		known[strings.ToLower(c.name)] = c.name
	}
	bad := false
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			continue // an unnamed column: its cells must stay empty (checked below)
		}
		c, ok := known[strings.ToLower(h)]
		if !ok {
			rep.problem(name, 1, "", "unknown column %q: the columns are %s", h, columnList(columns))
			bad = true
			continue
		}
		if _, dup := seen[c]; dup {
			rep.problem(name, 1, "", "column %q appears twice", c)
			bad = true
			continue
		}
		seen[c] = i
		byPos[i] = c
	}
	for _, c := range columns {
		if _, ok := seen[c.name]; c.required && !ok {
			rep.problem(name, 1, "", "no %q column: the first line must name the columns: %s", c.name, columnList(columns))
			bad = true
		}
	}
	if bad {
		return nil, fileBroken
	}

	var rows []csvRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			csvProblem(name, err, rep)
			return nil, fileBroken
		}
		line, _ := r.FieldPos(0)
		row := csvRow{line: line, cells: make(map[string]string, len(columns))}
		empty, stray := true, false
		for i, cell := range rec {
			cell = strings.TrimSpace(cell)
			if cell != "" {
				empty = false
			}
			if i >= len(byPos) || byPos[i] == "" {
				stray = stray || cell != ""
				continue
			}
			row.cells[byPos[i]] = cell
		}
		if empty {
			continue
		}
		if stray {
			rep.problem(name, line, "", "a cell outside the named columns: a %q inside a value? put that value in double quotes", string(r.Comma))
			row.stray = true
		}
		rows = append(rows, row)
	}
	return rows, fileRead
}

// delimiter is ";" when the header line has semicolons and no commas, else ",".
func delimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.IndexByte(first, ';') >= 0 && bytes.IndexByte(first, ',') < 0 {
		return ';'
	}
	return ','
}

func csvProblem(name string, err error, rep *report) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		rep.problem(name, pe.StartLine, "", "%v (a value with quotes must be in double quotes, its quotes doubled)", pe.Err)
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
		names[i] = c.name
	}
	return strings.Join(names, ",")
}

// nfc puts UTF-8 text in Unicode normalization form C, the precomposed form
// browsers and most keyboards produce: "ễ" as one code point rather than "e"
// plus two combining marks, as some spreadsheet exports (macOS, older
// Vietnamese input methods) write it. Names then display, sort and compare
// alike whichever program wrote the file. Other bytes are left as they are.
func nfc(data []byte) []byte {
	if !utf8.Valid(data) || norm.NFC.IsNormal(data) {
		return data
	}
	return norm.NFC.Bytes(data)
}
