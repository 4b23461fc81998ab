package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/importer"
)

// testNow is before the example folder's rounds.
var testNow = time.Date(2026, 11, 27, 9, 0, 0, 0, contest.ICT)

// The example folders are the rules package's (shared/importer/testdata).
const (
	validDir   = "../../shared/importer/testdata/valid"
	invalidDir = "../../shared/importer/testdata/invalid"
)

// sortedKeys returns a set's members in order, for messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestRunDryRunWritesNothing(t *testing.T) {
	var stdout, stderr bytes.Buffer
	connect := func(context.Context, options) (Target, error) {
		t.Fatal("a dry run connects")
		return Target{}, nil
	}
	if err := run(context.Background(), options{dir: validDir, dryRun: true}, connect, testNow, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Cuộc thi vi-du-2026: Hội thi trực tuyến", "danh sách:   16 người (15 cán bộ, 1 người dân; 6 quản trị đơn vị, 2 Ban Tổ chức, 1 giám khảo)",
		"tuan-4               staff   T2 28/12/2026 00:00 → T2 04/01/2027 00:00  15 câu từ bộ vi-du-can-bo, 7 phút 30 giây, 2 lượt",
		"Chạy thử: thư mục hợp lệ; chưa ghi gì."} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
}

func TestRunListsEveryProblemAndConnectsNever(t *testing.T) {
	var stdout, stderr bytes.Buffer
	connect := func(context.Context, options) (Target, error) {
		t.Fatal("an invalid folder connects")
		return Target{}, nil
	}
	err := run(context.Background(), options{dir: invalidDir}, connect, testNow, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "chưa ghi gì") {
		t.Fatalf("err = %v", err)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	problems := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "lỗi: ") {
			problems++
		}
	}
	if problems < 5 || !strings.Contains(err.Error(), "lỗi") {
		t.Errorf("%d problems listed:\n%s", problems, stderr.String())
	}
	if stdout.Len() > 0 {
		t.Errorf("an invalid folder printed a summary:\n%s", stdout.String())
	}
}
func load(t *testing.T, dir string) *importer.Folder {
	t.Helper()
	f, err := importer.Load(dir, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
