// Package sheet keeps text that people typed (names, unit names, wards, clip
// titles, e-mail addresses) from being read as a formula when a file the
// contest writes is opened in a spreadsheet program (CSV or formula
// injection, CWE-1236).
//
// A CSV file has no types: Excel, LibreOffice Calc and Google Sheets treat a
// cell that begins with =, +, - or @ as a formula, and a leading tab or
// carriage return is skipped before they look. A citizen who signs up as
// `=HYPERLINK("http://evil.example/?x","Nhận thưởng")` would otherwise put a
// live link into the ranking every organiser downloads. Text applies OWASP's
// rule (owasp.org/www-community/attacks/CSV_Injection): such a cell is
// prefixed with a single quote, which spreadsheet programs take as "this is
// text"; the value stays readable and nothing is removed.
//
// The full-width forms ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20) are
// prefixed too. OWASP does not list them, and whether a given spreadsheet
// program starts a formula with them is not documented; but Excel in East
// Asian locales folds full-width ASCII forms to their ASCII ones when it
// parses what is typed or imported (full-width digits in a CSV become
// numbers), no real name, unit or title starts with them, and a needless
// quote costs only an apostrophe. So the doubt is settled on the safe side.
//
// Use Text for person-supplied text only: figures the contest computes (a
// rank, a score, a negative difference) are written as they are. Cells of an
// .xlsx workbook written by shared/xlsx need no prefix: they are typed string
// cells (inline strings), never formulas, and a quote there would show.
package sheet

import "strings"

// formulaStarts are the leading characters that make a spreadsheet program
// read a cell as a formula (or skip ahead to one).
const formulaStarts = "=+-@\t\r" + "\uFF1D\uFF0B\uFF0D\uFF20"

// Text returns s as a spreadsheet cell that is read as text: s itself, or,
// when s starts with =, +, -, @, a tab, a carriage return or one of their
// full-width forms, s behind a single quote.
func Text(s string) string {
	if s == "" {
		return s
	}
	for _, c := range formulaStarts {
		if strings.HasPrefix(s, string(c)) {
			return "'" + s
		}
	}
	return s
}
