package results

import "github.com/hoithi/hoithi/shared/tally"

// Answer is what an organiser's tally call answers: a summary (the figures,
// the prizes and their winners, the top of the ranking, the units), the
// published files and the run's timings; never the whole ranking, which the
// published pages hold.
type Answer struct {
	Published bool             `json:"published"`
	Prefix    string           `json:"prefix,omitempty"`
	Artefacts []tally.Artefact `json:"artefacts,omitempty"`
	Result    tally.Summary    `json:"result"`
	Timings   TimingsMs        `json:"timings"`
}

// TimingsMs are a run's steps in milliseconds (Timings).
type TimingsMs struct {
	Closed       int   `json:"closed"`
	OverdueMs    int64 `json:"overdueMs"`   // the overdue papers read and counted
	PublishedMs  int64 `json:"publishedMs"` // up to the files published
	CloseMs      int64 `json:"closeMs"`     // their closes written, after
	ReadMs       int64 `json:"readMs"`
	GatherMs     int64 `json:"gatherMs"`
	ComputeMs    int64 `json:"computeMs"`
	RenderMs     int64 `json:"renderMs"`
	StatisticsMs int64 `json:"statisticsMs"`
	PublishMs    int64 `json:"publishMs"`
}

// AnswerOf is t as an organiser's tally call answers it; prefix is where a
// publication's files are, named (with the files) only if t was published.
func AnswerOf(t Tallied, prefix string) Answer {
	tm := t.Timings
	out := Answer{Result: tally.Summarize(t.Result, t.Leaders), Timings: TimingsMs{
		Closed: tm.Closed, OverdueMs: tm.Overdue.Milliseconds(), PublishedMs: tm.Published.Milliseconds(), CloseMs: tm.Close.Milliseconds(), ReadMs: tm.Read.Milliseconds(), GatherMs: tm.Gather.Milliseconds(),
		ComputeMs: tm.Compute.Milliseconds(), RenderMs: tm.Render.Milliseconds(), StatisticsMs: tm.Statistics.Milliseconds(), PublishMs: tm.Publish.Milliseconds(),
	}}
	if t.Published {
		out.Published, out.Prefix, out.Artefacts = true, prefix, t.Artefacts
	}
	return out
}
