package clip

import (
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

// The clips API's request and answer shapes (functions/clips): the handlers
// decode these, call the rules and the store, and encode these.

// One is a single clip as an answer holds it (confirm, complete, abort).
type One struct {
	Clip View `json:"clip"`
}

// List answers GET /clips and GET /gallery: the clips each role sees
// (Listing.Show), and for the jury and organisers the criteria, for a unit
// admin its quota and whether it sends clips.
type List struct {
	Clips    []View      `json:"clips"`
	Criteria []Criterion `json:"criteria,omitempty"`
	Quota    int         `json:"quota,omitempty"`
	// MayUpload tells a unit admin whether the unit sends clips (Settings.MayEnter).
	MayUpload *bool `json:"mayUpload,omitempty"`
	Shown           // the rules the site shows
}

// NewList is an empty list with the rules the site shows.
func (s Settings) NewList() List { return List{Clips: []View{}, Shown: s.Shown()} }

// ScoresRequest is a juror's scores of one clip on some or all criteria
// (ValidScores checks them).
type ScoresRequest struct {
	Scores map[string]float64 `json:"scores"`
}

// Sheet is a juror's scores of one clip as stored, answered to PUT
// /clips/{clipId}/scores; its time is in Vietnam.
type Sheet struct {
	ClipID    string         `json:"clipId"`
	Scores    map[string]int `json:"scores"`
	UpdatedAt time.Time      `json:"updatedAt"`
}

// SheetOf is s, stored for clip clipID, as the API answers it.
func SheetOf(clipID string, s Scores) Sheet {
	return Sheet{ClipID: clipID, Scores: s.Scores, UpdatedAt: s.UpdatedAt.In(contest.ICT)}
}

// JuryProgress answers GET /jury/progress: each juror's progress over the
// accepted clips (Progress).
type JuryProgress struct {
	Clips    int             `json:"clips"`
	Criteria []Criterion     `json:"criteria"`
	Jurors   []JurorProgress `json:"jurors"`
}

// ProgressOf is the jury's progress in contestID: its jurors among staff,
// over the accepted clips and their scores, on the criteria.
func ProgressOf(contestID string, staff []contest.Member, clips []Clip, scores []Scores, criteria []Criterion) JuryProgress {
	return JuryProgress{Clips: len(clips), Criteria: criteria, Jurors: Progress(Jurors(contestID, staff), clips, scores, criteria)}
}

// PartsRequest asks for fresh URLs of a multipart upload's parts.
type PartsRequest struct {
	PartNumbers []int32 `json:"partNumbers"`
}

// CompletedPart is a part as the site uploaded it: its number and the ETag
// its PUT answered.
type CompletedPart struct {
	PartNumber int32  `json:"partNumber"`
	ETag       string `json:"etag"`
}

// CompleteRequest asks to assemble a multipart upload from its parts.
type CompleteRequest struct {
	Parts []CompletedPart `json:"parts"`
}

// Named are the request's parts as the bucket names them.
func (r CompleteRequest) Named() []Part {
	named := make([]Part, len(r.Parts))
	for i, p := range r.Parts {
		named[i] = Part{Number: p.PartNumber, ETag: p.ETag}
	}
	return named
}
