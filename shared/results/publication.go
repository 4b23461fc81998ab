package results

import (
	"context"
	"time"

	"github.com/hoithi/hoithi/shared/audit"

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
