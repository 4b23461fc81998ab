package integrity

// SpillEvery makes the first pass write a run every n keys of a kind (the
// tests' small runs).
func (rv *Reviewer) SpillEvery(n int) {
	for _, k := range rv.counts() {
		k.limit = n
	}
}

// Runs is how many runs the first pass has written so far.
func (rv *Reviewer) Runs() int {
	n := 0
	for _, k := range rv.counts() {
		n += len(k.runs)
	}
	return n
}
