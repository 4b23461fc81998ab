package results

import (
	"context"
	"fmt"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/tally"
)

// Publish tallies a round and publishes it as the publication pub (the
// audit log's entry of it), which the published results.json and units.json
// name.
func (s *Service) Publish(ctx context.Context, c contest.Contest, r contest.Round, pub tally.Publication) (Tallied, error) {
	pub.At = pub.At.In(contest.ICT)
	return s.run(ctx, c, r, true, &pub)
}

// PublicationEntry is the audit entry of a publication by actor at the given
// time (an organiser's e-mail, or audit.ScheduleActor), of the files under
// prefix, and the Publication it names in the published files (its id and
// time). Append it once the round is published, its summary filled in.
func PublicationEntry(at time.Time, actor, prefix string) (audit.Entry, tally.Publication, error) {
	at = at.Truncate(time.Millisecond) // as the audit log keeps it
	e, err := audit.New(at, actor, audit.Publication, "Công bố kết quả", "", prefix)
	if err != nil {
		return audit.Entry{}, tally.Publication{}, err
	}
	pub := tally.Publication{ID: e.ID, At: at.In(contest.ICT), By: tally.PublishedByOrganisers}
	if actor == audit.ScheduleActor {
		pub.By, pub.Scheduled = audit.ScheduleActor, true
	}
	return e, pub, nil
}

// Auditor appends to a contest's audit log.
type Auditor interface {
	AppendAudit(ctx context.Context, contestID string, e audit.Entry) error
}

// PublishAudited tallies and publishes a closed round as actor (an
// organiser's e-mail, or audit.ScheduleActor) and records the publication
// in the contest's audit log (PublicationEntry, PublicationSummary).
func (s *Service) PublishAudited(ctx context.Context, log Auditor, c contest.Contest, r contest.Round, actor string) (Tallied, error) {
	entry, pub, err := PublicationEntry(s.now(), actor, blob.ResultsPrefix(c.ID, r.ID))
	if err != nil {
		return Tallied{}, err
	}
	t, err := s.Publish(ctx, c, r, pub)
	if err != nil {
		return Tallied{}, err
	}
	entry.Summary = PublicationSummary(actor, r.Title, t)
	if err := log.AppendAudit(ctx, c.ID, entry); err != nil {
		return Tallied{}, fmt.Errorf("audit publication: %w", err)
	}
	return t, nil
}

// PublicationSummary is the audit log's summary of round title's
// publication t by actor: the schedule's says so.
func PublicationSummary(actor, title string, t Tallied) string {
	what := "Công bố kết quả"
	if actor == audit.ScheduleActor {
		what = "Lịch tự động công bố kết quả"
	}
	return fmt.Sprintf("%s %s: %d bài, %d người, %d tệp", what, title, t.Result.Papers, t.Result.Participants, len(t.Artefacts))
}
