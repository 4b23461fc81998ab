//go:build ignore

// gen writes the MP4 fixtures of shared/mp4/testdata and the ones that are
// also FuzzReader's corpus entries under testdata/fuzz/FuzzReader (run from
// shared/mp4: `go run ./testdata/gen.go`). The files are tiny: boxes written
// by hand, no real video. TestFixturesAreUpToDate fails if they drift from
// mp4test.
package main

import (
	"log"
	"os"
	"path/filepath"

	"github.com/hoithi/hoithi/shared/mp4/mp4test"
)

func main() {
	for _, f := range mp4test.Fixtures() {
		if err := os.WriteFile(filepath.Join("testdata", f.Name), f.Data, 0o644); err != nil {
			log.Fatal(err)
		}
		log.Printf("wrote testdata/%s (%d bytes)", f.Name, len(f.Data))
		if !f.InCorpus() {
			continue
		}
		if err := os.MkdirAll(mp4test.CorpusDir, 0o755); err != nil {
			log.Fatal(err)
		}
		name := filepath.Join(mp4test.CorpusDir, f.Name)
		if err := os.WriteFile(name, mp4test.CorpusFile(f.Data), 0o644); err != nil {
			log.Fatal(err)
		}
		log.Printf("wrote %s", name)
	}
}
