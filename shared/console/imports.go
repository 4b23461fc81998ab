package console

import (
	"context"
	"fmt"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/importer"
)

// Tables is what an import reads and writes of the table.
type Tables interface {
	GetContest(ctx context.Context, id string) (contest.Contest, error)
	ListUnits(ctx context.Context, contestID string) ([]contest.Unit, error)
	ListMembers(ctx context.Context, contestID string) ([]contest.Member, error)
	ListRounds(ctx context.Context, contestID string) ([]contest.Round, error)
	ReplaceUnits(ctx context.Context, contestID, version string, units []contest.Unit) error
	UpdateRoster(ctx context.Context, contestID, version string, members []contest.Member, changes []contest.RosterChange) error
	PutRounds(ctx context.Context, rounds []contest.Round) error
}

// Banks is what an import reads and writes of the contest's question banks
// (blob.ImportBanks).
type Banks interface {
	// BankSizes gives each bank by id with its number of questions, read
	// fresh; without count, only which banks exist (0 each).
	BankSizes(ctx context.Context, contestID string, count bool) (map[string]int, error)
	PutBank(ctx context.Context, contestID string, bankJSON []byte) error
}

// ImportCurrent reads what an import of kind into contestID is checked
// against and compared with: the settings always; the units and the roster
// for units and roster; the rounds and the banks (counted for rounds) for
// bank and rounds. actor is the organiser importing, at now.
func ImportCurrent(ctx context.Context, t Tables, b Banks, contestID string, kind importer.Kind, actor string, now time.Time) (importer.Current, error) {
	cur := importer.Current{Actor: actor, Now: now}
	var err error
	if cur.Contest, err = t.GetContest(ctx, contestID); err != nil {
		return cur, err
	}
	if kind == importer.KindUnits || kind == importer.KindRoster {
		if cur.Units, err = t.ListUnits(ctx, contestID); err != nil {
			return cur, err
		}
		if cur.Members, err = t.ListMembers(ctx, contestID); err != nil {
			return cur, err
		}
	}
	if kind == importer.KindBank || kind == importer.KindRounds {
		if cur.Rounds, err = t.ListRounds(ctx, contestID); err != nil {
			return cur, err
		}
		cur.Banks, err = b.BankSizes(ctx, contestID, kind == importer.KindRounds)
	}
	return cur, err
}

// WriteImport stores a checked file read against cur, all or nothing.
func WriteImport(ctx context.Context, t Tables, b Banks, cur importer.Current, c *importer.Checked) error {
	version := importer.NewVersion(cur.Now)
	switch c.Kind {
	case importer.KindUnits:
		return t.ReplaceUnits(ctx, cur.Contest.ID, version, c.Units)
	case importer.KindRoster:
		// only the people who change are written, when they are few
		return t.UpdateRoster(ctx, cur.Contest.ID, version, c.Members, contest.DiffRoster(cur.Members, c.Members))
	case importer.KindBank:
		return b.PutBank(ctx, cur.Contest.ID, c.BankJSON)
	case importer.KindRounds:
		return t.PutRounds(ctx, c.Rounds)
	}
	return fmt.Errorf("write: unknown kind %q", c.Kind)
}
