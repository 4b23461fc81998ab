package dynamo_test

import (
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoScan keeps DynamoDB Scan off every schedule and request path: the
// functions (functions/) and the packages they use (shared/) may not call a
// Scan, build a ScanInput or page through a scan. A scan reads the whole
// table, every past round included, so its cost grows with the contest's
// history rather than with the request. The store's Client has no Scan method
// either. Tooling under infra/ (benchmarks, imports, the local platform) is
// not looked at: it runs by hand, never on a schedule or a request.
//
// Go tokens are read, not lines, so comments and strings do not count, and
// neither does a call of a Scan method without arguments (bufio.Scanner's).
func TestNoScan(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, dir := range []string{"shared", "functions"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, found := range scanUses(path, src) {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s:%d: %s: no DynamoDB scan on a schedule or request path (query an index instead)", rel, found.line, found.what)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

type scanUse struct {
	line int
	what string
}

// scanUses returns where src names a DynamoDB scan: the identifiers
// ScanInput, ScanOutput, ScanPaginator or NewScanPaginator, or a call of
// Scan with arguments.
func scanUses(path string, src []byte) []scanUse {
	fset := token.NewFileSet()
	file := fset.AddFile(path, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0) // comments are skipped
	var out []scanUse
	var prev []string // the last two tokens
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		text := tok.String()
		if tok == token.IDENT {
			text = lit
			switch lit {
			case "ScanInput", "ScanOutput", "ScanPaginator", "NewScanPaginator":
				out = append(out, scanUse{fset.Position(pos).Line, lit})
			}
		}
		if len(prev) == 2 && prev[0] == "Scan" && prev[1] == "(" && text != ")" {
			out = append(out, scanUse{fset.Position(pos).Line, "Scan("})
		}
		prev = append(prev, text)
		if len(prev) > 2 {
			prev = prev[1:]
		}
	}
}

func TestScanUsesAreFound(t *testing.T) {
	tests := []struct {
		name, src string
		want      int
	}{
		{name: "a paginated scan is found", src: "package p\nvar x = dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{})", want: 2},
		{name: "a Scan call with arguments is found", src: "package p\nfunc f() { db.Scan(ctx, in) }", want: 1},
		{name: "a Scan method in an interface is found", src: "package p\ntype C interface { Scan(ctx context.Context) }", want: 1},
		{name: "a bufio.Scanner's Scan() is not", src: "package p\nfunc f() { for sc.Scan() {} }", want: 0},
		{name: "comments and strings are not", src: "package p\n// db.Scan(ctx, in) and ScanInput\nvar s = \"Scan(x)\"", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scanUses("x.go", []byte(tt.src)); len(got) != tt.want {
				t.Errorf("found %v, want %d", got, tt.want)
			}
		})
	}
}
