package results

// Tiny makes tallies spill units' lines at every few lines and read the
// ranking's top a few lines at a time, as a national round would, and
// returns a function that restores the defaults.
func Tiny() (restore func()) {
	cap, head := spillCap, firstHead
	spillCap, firstHead = 512, 2
	return func() { spillCap, firstHead = cap, head }
}
