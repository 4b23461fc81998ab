//go:build ignore

// gen writes the MP4 fixtures of shared/mp4/testdata (run from shared/mp4:
// `go run ./testdata/gen.go`). The files are tiny: boxes written by hand, no
// real video. TestFixturesAreUpToDate fails if they drift from mp4test.
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
	}
}
