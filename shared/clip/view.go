package clip

import (
	"math"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

// View is a clip as the API shows it. Who sees what: the unit's admins and
// organisers see everything but the object key (UnitView); the gallery and
// the jury see no uploader (PublicView). Times are in Vietnam, to the second.
type View struct {
	ID              string             `json:"id"`
	UnitID          string             `json:"unitId"`
	UnitName        string             `json:"unitName"`
	Block           string             `json:"block"`
	Title           string             `json:"title"`
	Genre           string             `json:"genre"`
	Status          string             `json:"status"`
	Reason          string             `json:"reason,omitempty"`
	Message         string             `json:"message,omitempty"`
	Method          string             `json:"method,omitempty"`
	DeclaredSize    int64              `json:"declaredSize,omitempty"`
	Size            int64              `json:"size,omitempty"`
	DurationSeconds float64            `json:"durationSeconds,omitempty"`
	UploadedBy      *Person            `json:"uploadedBy,omitempty"`
	CreatedAt       *time.Time         `json:"createdAt,omitempty"`
	UploadDeadline  *time.Time         `json:"uploadDeadline,omitempty"`
	CheckedAt       *time.Time         `json:"checkedAt,omitempty"`
	VideoURL        string             `json:"videoUrl,omitempty"`
	MyScores        map[string]int     `json:"myScores,omitempty"`
	Averages        map[string]float64 `json:"averages,omitempty"`
	Jurors          *int               `json:"jurors,omitempty"`
}

// Person is who uploaded a clip.
type Person struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// ICT is a time as the API shows it: in Vietnam, to the second.
func ICT(t time.Time) time.Time { return t.In(contest.ICT).Truncate(time.Second) }

func optICT(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := ICT(t)
	return &v
}

func seconds(ms int64) float64 { return math.Round(float64(ms)) / 1000 }

// UnitView shows a clip to its unit or to organisers: the uploader, the
// verdict with what the unit is told (Message), the upload's deadline while
// it is open.
func UnitView(c Clip, maxDuration time.Duration) View {
	v := View{
		ID: c.ID, UnitID: c.UnitID, UnitName: c.UnitName, Block: c.Block, Title: c.Title, Genre: c.Genre,
		Status: c.Status, Reason: c.Reason, Message: Message(c, maxDuration), Method: c.Method,
		DeclaredSize: c.DeclaredSize, Size: c.Size, DurationSeconds: seconds(c.DurationMs),
		UploadedBy: &Person{Email: c.UploaderEmail, Name: c.UploaderName},
		CreatedAt:  optICT(c.CreatedAt), CheckedAt: optICT(c.CheckedAt),
	}
	if c.Status == Uploading {
		v.UploadDeadline = optICT(c.UploadDeadline)
	}
	return v
}

// PublicView shows an accepted clip in the gallery and to the jury: no
// uploader, no upload, no verdict but its status.
func PublicView(c Clip) View {
	return View{
		ID: c.ID, UnitID: c.UnitID, UnitName: c.UnitName, Block: c.Block, Title: c.Title, Genre: c.Genre,
		Status: c.Status, DurationSeconds: seconds(c.DurationMs), CheckedAt: optICT(c.CheckedAt),
	}
}

// Show is each clip as the listing shows it to its audience: the unit's
// view to the unit; to organisers the same plus, for an accepted clip, the
// jury's averages and a link to watch it; to the jury the public view with a
// link to watch it and the juror's own scores (jurorID's). watch gives the
// link; scores are every juror's.
func (l Listing) Show(clips []Clip, scores []Scores, s Settings, jurorID string, watch func(Clip) (string, error)) ([]View, error) {
	summary := Summarize(scores, s.Criteria)
	out := make([]View, 0, len(clips))
	for _, c := range clips {
		v := UnitView(c, s.MaxDuration)
		var err error
		switch {
		case l.Audience == ForJury || l.Audience == ForPublic:
			v = PublicView(c)
			if l.Audience == ForJury {
				v.MyScores = summary[c.ID].ByJuror[jurorID]
			}
			v.VideoURL, err = watch(c)
		case l.Audience == ForOrganiser && c.Status == Accepted:
			sum := summary[c.ID]
			v.Averages, v.Jurors = sum.Averages(s.Criteria), new(sum.Jurors)
			v.VideoURL, err = watch(c)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
