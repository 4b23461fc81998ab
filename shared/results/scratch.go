package results

import (
	"errors"
	"fmt"
	"syscall"
)

// A tally's scratch folder (/tmp on Lambda, platform.Function.EphemeralMB)
// holds the round's parts (about 110 bytes a paper), then the ranked runs
// and the units' lines (about 250 bytes a ranked paper): 327 MB at its peak
// at 1,000,000 papers (make bench-tally-memory). A tally checks the room
// before it reads and again once it knows the round's size, and refuses
// with the folder and the bytes free rather than failing half-way through a
// publication.
const (
	// scratchMin is the room a tally needs before reading anything: the
	// units' lines kept in memory spill past spillCap, and the write buffers.
	scratchMin = 16 << 20
	// scratchPerPaper is the room a paper needs once the round is read:
	// its run (the part again, with the rank key) and its units' line, with
	// a margin.
	scratchPerPaper = 320
)

// scratchFree is the bytes free in a folder (a variable for the tests).
var scratchFree = diskFree

// errNoRoom is the tally's refusal for lack of scratch room.
var errNoRoom = errors.New("tally scratch folder lacks room")

// checkRoom refuses (and logs) when dir has fewer than need bytes free; a
// folder whose room cannot be read is not refused (its writes will say).
func (s *Service) checkRoom(dir string, need uint64, papers int) error {
	free, err := scratchFree(dir)
	if err != nil {
		s.log.Warn("tally scratch folder: room unknown", "dir", dir, "err", err)
		return nil
	}
	if free >= need {
		return nil
	}
	s.log.Error("tally scratch folder lacks room", "dir", dir, "freeBytes", free, "neededBytes", need, "papers", papers)
	return fmt.Errorf("%w: %s has %d bytes free, %d needed for %d papers (raise the tally's ephemeral storage, platform EphemeralMB)",
		errNoRoom, dir, free, need, papers)
}

// noRoom tells a write that failed for want of room (ENOSPC) as checkRoom
// would; other errors are returned as they are.
func (s *Service) noRoom(dir string, err error) error {
	if err == nil || !errors.Is(err, syscall.ENOSPC) || errors.Is(err, errNoRoom) {
		return err
	}
	free, _ := scratchFree(dir)
	s.log.Error("tally scratch folder lacks room", "dir", dir, "freeBytes", free, "err", err)
	return fmt.Errorf("%w: %s has %d bytes free (raise the tally's ephemeral storage, platform EphemeralMB): %w", errNoRoom, dir, free, err)
}
