// Package results tallies rounds and publishes their results: it reads the
// submitted papers and the units, applies shared/tally and uploads the
// artefacts. functions/tally and the tally benchmark use it.
package results

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/tally"
)

// Store is what a tally reads and marks.
type Store interface {
	GetContest(ctx context.Context, id string) (contest.Contest, error)
	GetRound(ctx context.Context, contestID, roundID string) (contest.Round, error)
	ListRounds(ctx context.Context, contestID string) ([]contest.Round, error)
	ListUnits(ctx context.Context, contestID string) ([]contest.Unit, error)
	GetMember(ctx context.Context, contestID, email string) (contest.Member, bool, error)
	// RankingShards, EachSubmitted and RankingShardOf read the ranking
	// index a shard at a time (a participant's papers are in one shard).
	RankingShards() int
	EachSubmitted(ctx context.Context, contestID, roundID string, shard int, each func(*contest.Submitted) error) error
	RankingShardOf(participantID string) int
	GetPaper(ctx context.Context, contestID string, ref contest.PaperRef, consistent bool) (*contest.Paper, error)
	// EachInProgress hands each the round's papers in progress with a
	// deadline at or before deadlineBy, a page at a time (one call at once).
	EachInProgress(ctx context.Context, contestID, roundID string, deadlineBy time.Time, each func([]*contest.Paper) error) error
	ClosePapers(ctx context.Context, overdue []*contest.Paper) ([]*contest.Paper, error)
	MarkPublished(ctx context.Context, contestID, roundID string, at time.Time, allCorrect int) error
	ListStaff(ctx context.Context, contestID string) ([]contest.Member, error)
}

// ObjectPutter uploads artefacts (large ones in parts) and reads published
// ones back.
type ObjectPutter interface {
	blob.MultipartUploader
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Service tallies rounds and publishes their results.
type Service struct {
	store  Store
	s3     ObjectPutter
	bucket string
	grace  time.Duration
	now    func() time.Time
	log    *slog.Logger
}

// NewService builds the service; grace is the grade function's submit grace
// (papers in progress past deadline plus grace are closed before a tally);
// now is the clock that decides whether a round has closed.
func NewService(s Store, objects ObjectPutter, bucket string, grace time.Duration, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, s3: objects, bucket: bucket, grace: grace, now: now, log: log}
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Tallied is a tally with its artefacts and whether they were published.
type Tallied struct {
	// Result is the tally's figures, prizes and units; its Ranking is left
	// empty (the published files hold it).
	Result tally.Result
	// Leaders is the top of the ranking (tally.LeadersShown entries).
	Leaders   []tally.PublicEntry
	Artefacts []tally.Artefact
	Published bool
	Timings   Timings
}

// Timings break a run down (logged, and printed by the benchmark).
type Timings struct {
	// Overdue is counting the overdue papers for a publication: reading the
	// round's papers in progress past their deadline (the in-progress index,
	// then the papers by key) and grading them as closing them will
	// (alongside Read).
	Overdue time.Duration
	// Read is reading the round's submitted papers (the ranking index),
	// counting them and spilling them to their parts.
	Read time.Duration
	// Gather is counting the overdue papers and reading together: they run
	// at the same time.
	Gather time.Duration
	// Compute is ranking each part and deciding the prizes (the top).
	Compute time.Duration
	// Render is going down the whole ranking: the units' scores and, for a
	// publication, results.json, ranking.csv and the pages written and
	// uploaded as it goes.
	Render time.Duration
	// Publish is the rest of a publication: the units' lines, the small
	// files, the manifest, the round marked and the contest-to-date table.
	Publish time.Duration
	// Statistics is the question statistics' report and file (their
	// counters are kept while reading).
	Statistics time.Duration
	// Published is the whole run up to the publication done (the round
	// marked, the contest-to-date table): every step the published files
	// depend on, the closes' writes excepted.
	Published time.Duration
	// Close is writing the overdue papers' closes (ClosePapers), after the
	// publication: nothing published waits for it.
	Close time.Duration
	// Closed counts the overdue papers closed.
	Closed int
}

// gradeOverdue counts the round's papers nobody submitted before their
// deadline plus grace (a closed tab, a lost connection) as the site's
// automatic submission would have (contest.ClosedOverdue), so that everyone
// who started has a result, in the ranking and in their unit's
// participation. It reads the round's papers in progress whose deadline has
// passed (the store's in-progress index: what it costs follows the round's
// abandoned papers, not the table) a page at a time, and hands those the
// contest's rule finds overdue (contest.Paper.Overdue) to graded as the
// ranking index will list them once closed, and to keep as read (both keep
// them on disk: the tally holds a page, never the round's abandoned papers).
// It writes nothing: closeKept writes the closes once the results are
// published, so that they do not wait for the writes. It returns how many
// it found overdue.
func (s *Service) gradeOverdue(ctx context.Context, contestID, roundID string, graded func([]contest.Submitted) error, keep func([]*contest.Paper) error) (int, error) {
	now := s.now()
	n := 0
	err := s.store.EachInProgress(ctx, contestID, roundID, now.Add(-s.grace), func(candidates []*contest.Paper) error {
		overdue := slices.DeleteFunc(candidates, func(p *contest.Paper) bool { return !p.Overdue(now, s.grace) })
		if len(overdue) == 0 {
			return nil
		}
		page := make([]contest.Submitted, len(overdue))
		for i, p := range overdue {
			page[i] = submitted(contest.ClosedOverdue(p))
		}
		n += len(page)
		if err := keep(overdue); err != nil {
			return err
		}
		return graded(page)
	})
	if err != nil {
		return n, fmt.Errorf("read overdue papers of %s: %w", roundID, err)
	}
	return n, nil
}

// closeKept writes the closes of the overdue papers gradeOverdue kept
// (ClosePapers, InProgressPage at a time), after the publication: each ends
// as closing it before the tally left it, and as the tally counted it
// (contest.ClosedOverdue). A paper closed meanwhile by someone else (its
// owner came back to the quiz, whose close is the same) is left as it is.
// It returns how many it closed.
func (s *Service) closeKept(ctx context.Context, contestID, roundID, path string) (int, error) {
	rd, err := openKept[*contest.Paper](path, jsonCodec)
	if err != nil {
		return 0, err
	}
	defer rd.close()
	n := 0
	for {
		page, err := rd.read(closePage)
		if err != nil {
			return n, err
		}
		if len(page) == 0 {
			break
		}
		if _, err := s.store.ClosePapers(ctx, page); err != nil {
			return n, fmt.Errorf("close overdue papers of %s: %w", roundID, err)
		}
		n += len(page)
	}
	if n > 0 {
		s.log.Info("overdue papers closed", "contest", contestID, "round", roundID, "papers", n)
	}
	return n, nil
}

// closePage is how many kept overdue papers closeKept hands to ClosePapers
// at a time (the in-progress index's page).
const closePage = 500

// submitted is a graded paper as the ranking index lists it.
func submitted(p *contest.Paper) contest.Submitted {
	s, _ := p.Submitted()
	s.Email = "" // the ranking index holds none
	return s
}

// ToDateID is the folder of the contest-to-date artefacts under results/<contest>/.
const ToDateID = "to-date"

// PublishToDate recomputes the contest-to-date table of the staff rounds from
// their published results and publishes it.
func (s *Service) PublishToDate(ctx context.Context, c contest.Contest) error {
	return s.publishToDate(ctx, c, nil)
}

// publishToDate is PublishToDate with one round's result already in hand.
func (s *Service) publishToDate(ctx context.Context, c contest.Contest, fresh *tally.Result) error {
	rounds, err := s.store.ListRounds(ctx, c.ID)
	if err != nil {
		return err
	}
	slices.SortFunc(rounds, func(a, b contest.Round) int { return a.OpensAt.Compare(b.OpensAt) })
	var published []tally.Result
	for _, r := range rounds {
		if r.Audience != contest.AudienceStaff || r.Status(s.now()) != contest.StatusClosed {
			continue
		}
		if fresh != nil && fresh.Round.ID == r.ID {
			published = append(published, *fresh)
			continue
		}
		res, found, err := s.published(ctx, c.ID, r.ID)
		if err != nil {
			return err
		}
		if found {
			published = append(published, res)
		}
	}
	arts, err := tally.ToDateArtefacts(tally.ContestToDate(c.ID, published))
	if err != nil {
		return err
	}
	return blob.PutResults(ctx, s.s3, s.bucket, c.ID, ToDateID, objects(arts))
}

// published reads a round's published results.json, if any.
func (s *Service) published(ctx context.Context, contestID, roundID string) (tally.Result, bool, error) {
	out, err := s.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(blob.ResultsPrefix(contestID, roundID) + "units.json")})
	if err != nil {
		var nsk *s3types.NoSuchKey
		if errors.As(err, &nsk) || strings.Contains(err.Error(), "NoSuchKey") || strings.Contains(err.Error(), "StatusCode: 404") {
			return tally.Result{}, false, nil
		}
		return tally.Result{}, false, fmt.Errorf("read results of %s: %w", roundID, err)
	}
	defer out.Body.Close()
	var res tally.Result
	if err := json.NewDecoder(io.LimitReader(out.Body, 256<<20)).Decode(&res); err != nil {
		return tally.Result{}, false, fmt.Errorf("decode results of %s: %w", roundID, err)
	}
	return res, true, nil
}

// excludeOrganisers checks the people who could win a prize (the prize zone
// plus a margin) against the roster's roles, until the prize zone has only
// eligible people: a few reads, not one per paper. It marks those excluded in
// head, the top of the ranking (and in rules), and hands the prizes out
// again; checked carries who was checked already. It reports whether head
// held the margin (otherwise a longer head must be checked).
func (s *Service) excludeOrganisers(ctx context.Context, c contest.Contest, head []tally.Entry, rules *tally.Rules, checked map[string]bool) (bool, error) {
	need := 0
	for _, p := range rules.Prizes {
		need += p.Count
	}
	for {
		eligible, changed := 0, false
		for _, e := range head {
			if eligible >= need+5 {
				break
			}
			if checked[e.ParticipantID] {
				if !rules.Excluded[e.ParticipantID] {
					eligible++
				}
				continue
			}
			checked[e.ParticipantID] = true
			ref, err := contest.ParsePaperID(e.PaperID)
			if err != nil {
				return false, fmt.Errorf("check prize winner: %w", err)
			}
			// the ranking index holds no e-mail: the paper has it
			paper, err := s.store.GetPaper(ctx, c.ID, ref, false)
			if err != nil {
				return false, fmt.Errorf("check prize winner: %w", err)
			}
			m, found, err := s.store.GetMember(ctx, c.ID, paper.Email)
			if err != nil {
				return false, fmt.Errorf("check prize winner: %w", err)
			}
			if found && !contest.MayCompete(m.Roles) {
				rules.Excluded[e.ParticipantID] = true
				changed = true
				continue
			}
			eligible++
		}
		if !changed {
			return eligible >= need+5, nil
		}
		tally.Exclude(head, rules.Excluded, rules.Prizes)
	}
}

func objects(arts []tally.Artefact) []blob.Object {
	out := make([]blob.Object, len(arts))
	for i, a := range arts {
		out[i] = blob.Object{Name: a.Name, ContentType: a.ContentType, Data: a.Data}
	}
	return out
}
