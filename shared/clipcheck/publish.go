package clipcheck

import (
	"context"
	"fmt"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/clip"
)

// Publisher is what publishing the clip ranking needs of the bucket.
type Publisher interface {
	Publish(ctx context.Context, prefix string, f clip.File) error
}

// Auditor is where the publication is recorded: the audit log.
type Auditor interface {
	AppendAudit(ctx context.Context, contestID string, e audit.Entry) error
}

// Publication is the clip ranking as published: where its files are, their
// names, and the ranking itself.
type Publication struct {
	Prefix  string       `json:"prefix"`
	Files   []string     `json:"files"`
	Ranking clip.Ranking `json:"ranking"`
}

// Publish publishes r with its contest's results (clip.Ranking.Files under
// clip.RankingPrefix) and records it in the audit log as actor's at at.
// Publishing again replaces the files, and is recorded again.
func Publish(ctx context.Context, to Publisher, log Auditor, r clip.Ranking, actor string, at time.Time) (Publication, error) {
	files, err := r.Files()
	if err != nil {
		return Publication{}, err
	}
	out := Publication{Prefix: clip.RankingPrefix(r.Contest), Ranking: r}
	for _, f := range files {
		if err := to.Publish(ctx, out.Prefix, f); err != nil {
			return Publication{}, err
		}
		out.Files = append(out.Files, f.Name)
	}
	e, err := audit.New(at, actor, audit.Publication, r.AuditLine(), "", out.Prefix)
	if err == nil {
		err = log.AppendAudit(ctx, r.Contest, e)
	}
	if err != nil {
		return Publication{}, fmt.Errorf("audit clip ranking publication: %w", err)
	}
	return out, nil
}
