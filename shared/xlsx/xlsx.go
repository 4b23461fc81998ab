// Package xlsx writes small Office Open XML workbooks (ECMA-376 SpreadsheetML)
// with the standard library only: text, integer and decimal cells, three row
// styles (plain, bold, highlighted), column widths and document properties.
//
// It exists so that the tally Lambda need not link a full spreadsheet library
// (and its text encodings) to write one report. The output is deterministic:
// the same Workbook always gives the same bytes (fixed part order, the zip
// entries stamped with Props.Modified, nothing iterated from a map), because
// published reports are checked against SHA-256 manifests.
//
// Strings are written inline (t="inlineStr"), so there is no shared-string
// table; the package writes just the parts Excel and LibreOffice need:
// [Content_Types].xml, _rels/.rels, docProps/core.xml, xl/workbook.xml and its
// relationships, xl/styles.xml, xl/theme/theme1.xml and one
// xl/worksheets/sheetN.xml per sheet, elements in the schema's order.
package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrInvalid is wrapped by every error about a Workbook that cannot be
// written as a valid file (a bad sheet name, a NaN, a width out of range...).
// Write returns other errors only from its io.Writer.
var ErrInvalid = errors.New("xlsx: invalid workbook")

// Limits that Excel enforces when it opens a file.
const (
	maxRows      = 1 << 20 // 1,048,576
	maxCols      = 1 << 14 // 16,384: column XFD
	maxCellText  = 32767   // UTF-16 code units
	maxSheetName = 31      // UTF-16 code units, as for cell text
	maxColWidth  = 255
)

// Zip (MS-DOS) timestamps cover the years 1980 to 2107.
const (
	dosFirstYear = 1980
	dosLastYear  = 2107
)

const (
	xmlDecl       = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsMain        = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsOfficeRels  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPackageRels = "http://schemas.openxmlformats.org/package/2006/relationships"
)

// Workbook is a whole file: its properties and its sheets, in tab order.
type Workbook struct {
	Props  Props
	Sheets []Sheet
}

// Props are the document properties (docProps/core.xml). Empty strings and
// zero times are left out. Modified also stamps the zip entries; when it is
// zero (or outside 1980..2107, which zip cannot hold) they carry 1980-01-01.
type Props struct {
	Title    string
	Creator  string
	Language string // e.g. "vi-VN"
	Created  time.Time
	Modified time.Time
}

// Sheet is one worksheet. Rows[0] is row 1; a row with no cells and the Plain
// style is left blank.
type Sheet struct {
	Name   string // 1-31 characters, none of : \ / ? * [ ], unique ignoring case
	Widths []ColWidth
	Rows   []Row
}

// ColWidth sets one column's width, in characters of the default font.
type ColWidth struct {
	Col   int // 1 is column A
	Width float64
}

// Row is one row of cells from column A on; its Style applies to the whole
// row, including the cells it leaves empty.
type Row struct {
	Cells []Cell
	Style Style
}

// Style is a row's look. The values are the cell format indexes in
// xl/styles.xml.
type Style uint8

// The styles a row can have.
const (
	Plain     Style = iota
	Bold            // bold font
	Highlight       // solid light-red (FFC7CE) fill
	numStyles
)

type cellKind uint8

const (
	kindEmpty cellKind = iota
	kindString
	kindInt
	kindNumber
)

// Cell is one cell's value; the zero Cell is empty. Build cells with String,
// Int, Number or Empty.
type Cell struct {
	kind cellKind
	text string
	i    int64
	f    float64
}

// String is a text cell. Characters XML 1.0 cannot carry (control characters
// other than tab, line feed and carriage return) are left out, and bytes that
// are not UTF-8 become U+FFFD.
func String(s string) Cell { return Cell{kind: kindString, text: s} }

// Strings is a text cell for each string, for a header or a title row.
func Strings(ss ...string) []Cell {
	cells := make([]Cell, len(ss))
	for i, s := range ss {
		cells[i] = String(s)
	}
	return cells
}

// Int is an integer cell.
func Int(n int) Cell { return Cell{kind: kindInt, i: int64(n)} }

// Number is a numeric cell, written in plain decimal notation. NaN and
// infinities cannot be stored and make Write fail.
func Number(f float64) Cell { return Cell{kind: kindNumber, f: f} }

// Empty is a cell with no value (it still takes its row's style).
func Empty() Cell { return Cell{} }

// Bytes returns the workbook as an .xlsx file.
func (w Workbook) Bytes() ([]byte, error) {
	var b bytes.Buffer
	if err := w.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Write writes the workbook as an .xlsx file. It checks the whole workbook
// first and writes nothing if it is invalid (the error wraps ErrInvalid).
func (w Workbook) Write(dst io.Writer) error {
	widths, err := w.validate()
	if err != nil {
		return err
	}
	z := zip.NewWriter(dst)
	stamp := zipTime(w.Props.Modified)
	var b bytes.Buffer
	put := func(name string, render func(*bytes.Buffer)) error {
		b.Reset()
		b.WriteString(xmlDecl)
		render(&b)
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return fmt.Errorf("xlsx: write %s: %w", name, err)
		}
		if _, err := f.Write(b.Bytes()); err != nil {
			return fmt.Errorf("xlsx: write %s: %w", name, err)
		}
		return nil
	}
	parts := []struct {
		name   string
		render func(*bytes.Buffer)
	}{
		{"[Content_Types].xml", w.contentTypes},
		{"_rels/.rels", packageRels},
		{"docProps/core.xml", w.Props.core},
		{"xl/workbook.xml", w.workbook},
		{"xl/_rels/workbook.xml.rels", w.workbookRels},
		{"xl/styles.xml", styles},
		{"xl/theme/theme1.xml", theme},
	}
	for _, p := range parts {
		if err := put(p.name, p.render); err != nil {
			return err
		}
	}
	for i, s := range w.Sheets {
		err := put(sheetPath(i), func(b *bytes.Buffer) { s.worksheet(b, i, widths[i]) })
		if err != nil {
			return err
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("xlsx: finish zip: %w", err)
	}
	return nil
}

// validate checks everything Write cannot fix by escaping, and returns each
// sheet's column widths sorted by column.
func (w Workbook) validate() ([][]ColWidth, error) {
	if len(w.Sheets) == 0 {
		return nil, fmt.Errorf("%w: a workbook needs at least one sheet", ErrInvalid)
	}
	widths := make([][]ColWidth, len(w.Sheets))
	for i, s := range w.Sheets {
		if err := checkSheetName(s.Name); err != nil {
			return nil, fmt.Errorf("%w: sheet %d name %q: %v", ErrInvalid, i+1, s.Name, err)
		}
		for _, prev := range w.Sheets[:i] {
			if strings.EqualFold(prev.Name, s.Name) {
				return nil, fmt.Errorf("%w: sheet %d name %q: already used by sheet %q", ErrInvalid, i+1, s.Name, prev.Name)
			}
		}
		ws := slices.Clone(s.Widths)
		slices.SortStableFunc(ws, func(a, b ColWidth) int { return a.Col - b.Col })
		for j, c := range ws {
			if c.Col < 1 || c.Col > maxCols {
				return nil, fmt.Errorf("%w: sheet %q: width for column %d, want 1-%d", ErrInvalid, s.Name, c.Col, maxCols)
			}
			if j > 0 && ws[j-1].Col == c.Col {
				return nil, fmt.Errorf("%w: sheet %q: column %s has two widths", ErrInvalid, s.Name, colName(c.Col))
			}
			if !(c.Width > 0 && c.Width <= maxColWidth) {
				return nil, fmt.Errorf("%w: sheet %q: column %s width %v, want more than 0, at most %d", ErrInvalid, s.Name, colName(c.Col), c.Width, maxColWidth)
			}
		}
		widths[i] = ws
		if len(s.Rows) > maxRows {
			return nil, fmt.Errorf("%w: sheet %q has %d rows, at most %d fit", ErrInvalid, s.Name, len(s.Rows), maxRows)
		}
		for r, row := range s.Rows {
			if row.Style >= numStyles {
				return nil, fmt.Errorf("%w: sheet %q row %d: unknown style %d", ErrInvalid, s.Name, r+1, row.Style)
			}
			if len(row.Cells) > maxCols {
				return nil, fmt.Errorf("%w: sheet %q row %d has %d cells, at most %d fit", ErrInvalid, s.Name, r+1, len(row.Cells), maxCols)
			}
			for c, cell := range row.Cells {
				if err := cell.check(); err != nil {
					return nil, fmt.Errorf("%w: sheet %q cell %s%d: %v", ErrInvalid, s.Name, colName(c+1), r+1, err)
				}
			}
		}
	}
	return widths, nil
}

// checkSheetName applies Excel's rules for sheet names.
func checkSheetName(name string) error {
	switch n := utf16Units(name); {
	case n == 0:
		return errors.New("empty")
	case n > maxSheetName:
		return fmt.Errorf("%d characters, at most %d", n, maxSheetName)
	case !utf8.ValidString(name):
		return errors.New("not valid UTF-8")
	case strings.ContainsAny(name, `:\/?*[]`):
		return errors.New(`holds one of : \ / ? * [ ]`)
	case name[0] == '\'' || name[len(name)-1] == '\'':
		return errors.New("starts or ends with an apostrophe")
	case strings.EqualFold(name, "History"):
		return errors.New("reserved by Excel")
	}
	for _, r := range name {
		if r < 0x20 || !xmlChar(r) {
			return fmt.Errorf("holds the control character %U", r)
		}
	}
	return nil
}

func (c Cell) check() error {
	switch c.kind {
	case kindNumber:
		if math.IsNaN(c.f) || math.IsInf(c.f, 0) {
			return fmt.Errorf("number %v cannot be stored", c.f)
		}
	case kindString:
		if n := utf16Units(c.text); n > maxCellText {
			return fmt.Errorf("text of %d UTF-16 units, at most %d fit", n, maxCellText)
		}
	}
	return nil
}

// utf16Units is the length of s as Excel counts it.
func utf16Units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// zipTime is the entries' modification time: Modified in UTC, so the bytes
// depend on the instant and not on the zone it is given in.
func zipTime(t time.Time) time.Time {
	t = t.UTC().Truncate(time.Second)
	if t.Year() < dosFirstYear || t.Year() > dosLastYear {
		return time.Date(dosFirstYear, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}

func sheetPath(i int) string { return "xl/worksheets/sheet" + strconv.Itoa(i+1) + ".xml" }

func (w Workbook) contentTypes(b *bytes.Buffer) {
	b.WriteString(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`)
	b.WriteString(`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`)
	b.WriteString(`<Default Extension="xml" ContentType="application/xml"/>`)
	b.WriteString(`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>`)
	b.WriteString(`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
	b.WriteString(`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	b.WriteString(`<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>`)
	for i := range w.Sheets {
		b.WriteString(`<Override PartName="/` + sheetPath(i) + `" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`)
	}
	b.WriteString(`</Types>`)
}

func packageRels(b *bytes.Buffer) {
	b.WriteString(`<Relationships xmlns="` + nsPackageRels + `">`)
	b.WriteString(`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>`)
	b.WriteString(`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>`)
	b.WriteString(`</Relationships>`)
}

func (p Props) core(b *bytes.Buffer) {
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"` +
		` xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	text := func(tag, s string) {
		if s == "" {
			return
		}
		b.WriteString("<" + tag + ">")
		escape(b, s)
		b.WriteString("</" + tag + ">")
	}
	text("dc:title", p.Title)
	text("dc:creator", p.Creator)
	text("dc:language", p.Language)
	stamp := func(tag string, t time.Time) {
		if t.IsZero() {
			return
		}
		b.WriteString("<" + tag + ` xsi:type="dcterms:W3CDTF">` + t.UTC().Format("2006-01-02T15:04:05Z") + "</" + tag + ">")
	}
	stamp("dcterms:created", p.Created)
	stamp("dcterms:modified", p.Modified)
	b.WriteString(`</cp:coreProperties>`)
}

func (w Workbook) workbook(b *bytes.Buffer) {
	b.WriteString(`<workbook xmlns="` + nsMain + `" xmlns:r="` + nsOfficeRels + `">`)
	b.WriteString(`<bookViews><workbookView activeTab="0"/></bookViews><sheets>`)
	for i, s := range w.Sheets {
		b.WriteString(`<sheet name="`)
		escape(b, s.Name)
		n := strconv.Itoa(i + 1)
		b.WriteString(`" sheetId="` + n + `" r:id="rId` + n + `"/>`)
	}
	b.WriteString(`</sheets></workbook>`)
}

// workbookRels: rId1..rIdN are the sheets, then styles and theme.
func (w Workbook) workbookRels(b *bytes.Buffer) {
	b.WriteString(`<Relationships xmlns="` + nsPackageRels + `">`)
	rel := func(id int, kind, target string) {
		b.WriteString(`<Relationship Id="rId` + strconv.Itoa(id) + `" Type="` + nsOfficeRels + "/" + kind + `" Target="` + target + `"/>`)
	}
	for i := range w.Sheets {
		rel(i+1, "worksheet", strings.TrimPrefix(sheetPath(i), "xl/"))
	}
	rel(len(w.Sheets)+1, "styles", "styles.xml")
	rel(len(w.Sheets)+2, "theme", "theme/theme1.xml")
	b.WriteString(`</Relationships>`)
}

// styles holds the cell formats Style indexes: 0 plain, 1 bold, 2 the
// highlight fill. Fills 0 (none) and 1 (gray125) are reserved by Excel.
func styles(b *bytes.Buffer) {
	const font = `<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>`
	b.WriteString(`<styleSheet xmlns="` + nsMain + `">`)
	b.WriteString(`<fonts count="2"><font>` + font + `</font><font><b/>` + font + `</font></fonts>`)
	b.WriteString(`<fills count="3">` +
		`<fill><patternFill patternType="none"/></fill>` +
		`<fill><patternFill patternType="gray125"/></fill>` +
		`<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill>` +
		`</fills>`)
	b.WriteString(`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>`)
	b.WriteString(`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>`)
	b.WriteString(`<cellXfs count="3">` +
		`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
		`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
		`<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/>` +
		`</cellXfs>`)
	b.WriteString(`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>`)
	b.WriteString(`<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>`)
	b.WriteString(`</styleSheet>`)
}

// theme is a minimal Office theme (DrawingML CT_OfficeStyleSheet with the
// required colour, font and format schemes). Excel resolves theme colours
// and the minor font through it; readers such as excelize need it to report
// the fill colours of a style.
func theme(b *bytes.Buffer) {
	fill := `<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>`
	b.WriteString(`<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme"><a:themeElements>`)
	b.WriteString(`<a:clrScheme name="Office">` +
		`<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>` +
		`<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>` +
		`<a:dk2><a:srgbClr val="44546A"/></a:dk2>` +
		`<a:lt2><a:srgbClr val="E7E6E6"/></a:lt2>` +
		`<a:accent1><a:srgbClr val="4472C4"/></a:accent1>` +
		`<a:accent2><a:srgbClr val="ED7D31"/></a:accent2>` +
		`<a:accent3><a:srgbClr val="A5A5A5"/></a:accent3>` +
		`<a:accent4><a:srgbClr val="FFC000"/></a:accent4>` +
		`<a:accent5><a:srgbClr val="5B9BD5"/></a:accent5>` +
		`<a:accent6><a:srgbClr val="70AD47"/></a:accent6>` +
		`<a:hlink><a:srgbClr val="0563C1"/></a:hlink>` +
		`<a:folHlink><a:srgbClr val="954F72"/></a:folHlink>` +
		`</a:clrScheme>`)
	b.WriteString(`<a:fontScheme name="Office">` +
		`<a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>` +
		`<a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont>` +
		`</a:fontScheme>`)
	b.WriteString(`<a:fmtScheme name="Office"><a:fillStyleLst>` + strings.Repeat(fill, 3) + `</a:fillStyleLst><a:lnStyleLst>`)
	for _, w := range []string{"6350", "12700", "19050"} {
		b.WriteString(`<a:ln w="` + w + `" cap="flat" cmpd="sng" algn="ctr">` + fill + `<a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>`)
	}
	b.WriteString(`</a:lnStyleLst><a:effectStyleLst>` + strings.Repeat(`<a:effectStyle><a:effectLst/></a:effectStyle>`, 3) + `</a:effectStyleLst>`)
	b.WriteString(`<a:bgFillStyleLst>` + strings.Repeat(fill, 3) + `</a:bgFillStyleLst></a:fmtScheme>`)
	b.WriteString(`</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>`)
}

// worksheet writes the sheet's elements in the order CT_Worksheet requires:
// dimension, sheetViews, sheetFormatPr, cols, sheetData.
func (s Sheet) worksheet(b *bytes.Buffer, index int, widths []ColWidth) {
	lastRow, lastCol := 0, 0
	for r, row := range s.Rows {
		if len(row.Cells) > 0 || row.Style != Plain {
			lastRow = r + 1
		}
		lastCol = max(lastCol, len(row.Cells))
	}
	ref := "A1"
	if lastRow > 0 && lastCol > 0 && (lastRow > 1 || lastCol > 1) {
		ref = "A1:" + colName(lastCol) + strconv.Itoa(lastRow)
	}
	b.WriteString(`<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsOfficeRels + `">`)
	b.WriteString(`<dimension ref="` + ref + `"/>`)
	b.WriteString(`<sheetViews><sheetView`)
	if index == 0 {
		b.WriteString(` tabSelected="1"`)
	}
	b.WriteString(` workbookViewId="0"/></sheetViews>`)
	b.WriteString(`<sheetFormatPr defaultRowHeight="15"/>`)
	if len(widths) > 0 {
		b.WriteString(`<cols>`)
		for _, c := range widths {
			n := strconv.Itoa(c.Col)
			b.WriteString(`<col min="` + n + `" max="` + n + `" width="` + strconv.FormatFloat(c.Width, 'f', -1, 64) + `" customWidth="1"/>`)
		}
		b.WriteString(`</cols>`)
	}
	b.WriteString(`<sheetData>`)
	for r, row := range s.Rows {
		if len(row.Cells) == 0 && row.Style == Plain {
			continue
		}
		num := strconv.Itoa(r + 1)
		b.WriteString(`<row r="` + num + `"`)
		style := ""
		if row.Style != Plain {
			style = ` s="` + strconv.Itoa(int(row.Style)) + `"`
			b.WriteString(style + ` customFormat="1"`)
		}
		b.WriteString(`>`)
		for c, cell := range row.Cells {
			if cell.kind == kindEmpty && row.Style == Plain {
				continue
			}
			b.WriteString(`<c r="` + colName(c+1) + num + `"` + style)
			switch cell.kind {
			case kindEmpty:
				b.WriteString(`/>`)
			case kindString:
				b.WriteString(` t="inlineStr"><is><t`)
				if strings.TrimSpace(cell.text) != cell.text {
					b.WriteString(` xml:space="preserve"`)
				}
				b.WriteString(`>`)
				escape(b, cell.text)
				b.WriteString(`</t></is></c>`)
			case kindInt:
				b.WriteString(`><v>` + strconv.FormatInt(cell.i, 10) + `</v></c>`)
			case kindNumber:
				f := cell.f
				if f == 0 {
					f = 0 // -0 reads back as "-0" in some programs
				}
				b.WriteString(`><v>` + strconv.FormatFloat(f, 'f', -1, 64) + `</v></c>`)
			}
		}
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData></worksheet>`)
}

// colName is a 1-based column's letters: 1 A, 26 Z, 27 AA, 16384 XFD.
func colName(n int) string {
	var buf [8]byte
	i := len(buf)
	for n > 0 {
		n--
		i--
		buf[i] = byte('A' + n%26)
		n /= 26
	}
	return string(buf[i:])
}

// escape writes s as XML text or as a double-quoted attribute value. Tab,
// line feed and carriage return become character references so that neither
// attribute normalisation nor line-end handling changes them; other
// characters XML 1.0 cannot carry are left out.
func escape(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\t':
			b.WriteString("&#9;")
		case '\n':
			b.WriteString("&#10;")
		case '\r':
			b.WriteString("&#13;")
		default:
			if r >= 0x20 && xmlChar(r) {
				b.WriteRune(r)
			}
		}
	}
}

// xmlChar reports whether XML 1.0 allows r (its Char production).
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= utf8.MaxRune
}
