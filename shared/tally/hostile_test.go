package tally_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/tally"
)

// hostileText are names that a spreadsheet program would run as formulas,
// each with the cell a published CSV must hold instead; an ordinary
// Vietnamese name comes through unchanged.
var hostileText = []struct{ name, cell string }{
	{`=HYPERLINK("http://evil.example/?x","Nhan thuong")`, `'=HYPERLINK("http://evil.example/?x","Nhan thuong")`},
	{"=1+1", "'=1+1"},
	{"+1", "'+1"},
	{"-1", "'-1"},
	{"@SUM(A1)", "'@SUM(A1)"},
	{"\t=1", "'\t=1"},
	{"\r=1", "'\r=1"},
	{"Nguyễn Thị Hoa", "Nguyễn Thị Hoa"},
}

// hostileResult is the fixture's round with a citizen of each hostile name
// and a ward whose name is a formula.
func hostileResult() (tally.Result, string) {
	const ward = `=HYPERLINK("http://evil.example/?w","Phường")`
	units := append(fixtureUnits(), contest.Unit{ID: "phuong-xau", Name: ward, Block: contest.BlockCommune, Headcount: 2})
	papers := fixturePapers()
	for i, h := range hostileText {
		p := unitPaper(fmt.Sprintf("h%d", i), "phuong-xau", 1, 3, 10)
		p.Name, p.Audience = h.name, contest.AudienceCitizen
		papers = append(papers, p)
	}
	r := fixtureRound()
	return tally.Compute("demo", r, units, papers, fixtureRules(), r.ClosesAt.Add(time.Hour)), ward
}

func TestPublishedSpreadsheetsHoldNoFormulas(t *testing.T) {
	res, ward := hostileResult()
	arts := artefactsOf(t, res)

	ranking := readCSV(t, arts["ranking.csv"].Data)
	for _, h := range hostileText {
		t.Run(fmt.Sprintf("ranking.csv holds the citizen named %q as %q", h.name, h.cell), func(t *testing.T) {
			i := slices.IndexFunc(ranking, func(r []string) bool { return r[1] == h.cell })
			if i < 0 {
				t.Fatalf("no row with the name %q in %q", h.cell, ranking)
			}
			if got, want := ranking[i][2], "'"+ward; got != want {
				t.Errorf("unit cell %q, want %q", got, want)
			}
		})
	}
	t.Run("ranking.csv keeps computed figures as they are", func(t *testing.T) {
		for _, r := range ranking[1:] {
			if strings.HasPrefix(r[0], "'") || strings.HasPrefix(r[6], "'") {
				t.Errorf("a figure was quoted: %q", r)
			}
		}
	})
	t.Run("units.csv holds the ward's name as text", func(t *testing.T) {
		units := readCSV(t, arts["units.csv"].Data)
		if !slices.ContainsFunc(units, func(r []string) bool { return r[2] == "'"+ward }) {
			t.Errorf("no unit row named %q in %q", "'"+ward, units)
		}
	})

	t.Run("report.xlsx holds the ward's name as a text cell and has no formula anywhere", func(t *testing.T) {
		data := arts["report.xlsx"].Data
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if !strings.HasPrefix(f.Name, "xl/worksheets/") {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			xml, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(xml, []byte("<f>")) || bytes.Contains(xml, []byte("<f ")) {
				t.Errorf("%s has a formula element", f.Name)
			}
		}
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		sheet := tally.BlockName(contest.BlockCommune)
		rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(rows, func(r []string) bool { return len(r) > 1 && r[1] == ward })
		if i < 0 {
			t.Fatalf("the ward %q is not in sheet %s: %q", ward, sheet, rows)
		}
		cell := fmt.Sprintf("B%d", i+1)
		typ, err := x.GetCellType(sheet, cell)
		if err != nil || typ != excelize.CellTypeInlineString {
			t.Errorf("%s is of type %v (%v), want an inline string", cell, typ, err)
		}
		if f, err := x.GetCellFormula(sheet, cell); err != nil || f != "" {
			t.Errorf("%s has formula %q (%v), want none", cell, f, err)
		}
	})
}
