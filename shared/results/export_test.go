package results

// Tiny makes tallies spill units' lines at every few lines and read the
// ranking's top a few lines at a time, as a national round would, and
// returns a function that restores the defaults.
func Tiny() (restore func()) {
	cap, head := spillCap, firstHead
	spillCap, firstHead = 512, 2
	return func() { spillCap, firstHead = cap, head }
}

// ScratchFree makes tallies see free bytes in their scratch folder, and
// returns a function that restores the disk's figure.
func ScratchFree(free uint64) (restore func()) {
	was := scratchFree
	scratchFree = func(string) (uint64, error) { return free, nil }
	return func() { scratchFree = was }
}

// ScratchMin and ScratchPerPaper are the room a tally asks for.
const ScratchMin, ScratchPerPaper = scratchMin, scratchPerPaper
