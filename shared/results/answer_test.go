package results_test

import (
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/results"
	"github.com/hoithi/hoithi/shared/tally"
)

func TestAnAnswerNamesThePublishedFilesOnlyOfAPublication(t *testing.T) {
	files := []tally.Artefact{{Name: "results.json"}, {Name: "units.json"}}
	tm := results.Timings{Closed: 3, Overdue: 1500 * time.Microsecond, Read: 2 * time.Second, Publish: 40 * time.Millisecond}
	cases := []struct {
		name          string
		t             results.Tallied
		wantPublished bool
		wantPrefix    string
		wantFiles     int
	}{
		{"a preview names no prefix and no files", results.Tallied{Artefacts: files, Timings: tm}, false, "", 0},
		{"a publication names its prefix and files", results.Tallied{Artefacts: files, Published: true, Timings: tm}, true, "results/c1/tuan-1/", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := results.AnswerOf(tc.t, "results/c1/tuan-1/")
			if got.Published != tc.wantPublished || got.Prefix != tc.wantPrefix || len(got.Artefacts) != tc.wantFiles {
				t.Errorf("published %v prefix %q files %d; want %v %q %d", got.Published, got.Prefix, len(got.Artefacts), tc.wantPublished, tc.wantPrefix, tc.wantFiles)
			}
			if want := (results.TimingsMs{Closed: 3, OverdueMs: 1, ReadMs: 2000, PublishMs: 40}); got.Timings != want {
				t.Errorf("timings %+v, want %+v", got.Timings, want)
			}
			if got.Result.Leaders == nil {
				t.Error("leaders nil, want an empty list")
			}
		})
	}
}

func TestAPublicationsAuditSummarySaysWhoPublished(t *testing.T) {
	tallied := results.Tallied{Result: tally.Result{Papers: 12, Participants: 10}, Artefacts: make([]tally.Artefact, 4)}
	cases := []struct {
		name, actor, want string
	}{
		{"an organiser's publication", "btc@so-noi-vu.gov.vn", "Công bố kết quả Tuần 1: 12 bài, 10 người, 4 tệp"},
		{"the schedule's publication", audit.ScheduleActor, "Lịch tự động công bố kết quả Tuần 1: 12 bài, 10 người, 4 tệp"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" says so", func(t *testing.T) {
			if got := results.PublicationSummary(tc.actor, "Tuần 1", tallied); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
