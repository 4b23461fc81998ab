package console

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

// CheckOrganiser refuses who is not an organiser of the contest: by the
// session's roles first (a), then by the roster now (member reads the
// holder's entry afresh; found is false when there is none), so a role taken
// away since sign-in counts. Errors: fault.Forbidden "organiser_only";
// member's.
func CheckOrganiser(a contest.Actor, member func() (m contest.Member, found bool, err error)) error {
	if a.Has(contest.RoleOrganiser) {
		m, found, err := member()
		if err != nil {
			return err
		}
		if found && m.Has(contest.RoleOrganiser) {
			return nil
		}
	}
	return fault.Forbidden("organiser_only", "Chỉ Ban Tổ chức được dùng trang quản trị.")
}

// Auditor appends to a contest's audit log.
type Auditor interface {
	AppendAudit(ctx context.Context, contestID string, e audit.Entry) error
}

// Write is an organiser's write as the console answers it: Out as it is
// (with Status) when refused or skipped (a dry run, nothing to change);
// else Do writes, Entry is appended to the audit log, and Out is marked
// written.
type Write struct {
	Status int
	Out    Writable
	Skip   bool
	Do     func() error
	Entry  func() (audit.Entry, error)
}

// Commit runs w in contestID and gives the status and answer to encode, or
// the error. Every organiser action is audited: a change written but not
// recorded is loud in log, and the organiser is told (an internal error).
func (w Write) Commit(ctx context.Context, a Auditor, log *slog.Logger, contestID string) (int, any, error) {
	if w.Status != http.StatusOK || w.Skip {
		return w.Status, w.Out, nil
	}
	if err := w.Do(); err != nil {
		return 0, nil, err
	}
	w.Out.MarkWritten()
	e, err := w.Entry()
	if err == nil {
		err = a.AppendAudit(ctx, contestID, e)
	}
	if err != nil {
		log.Error("written but its audit entry failed", "action", e.Action, "err", err)
		return 0, nil, fmt.Errorf("audit after %s: %w", e.Action, err)
	}
	return http.StatusOK, w.Out, nil
}
