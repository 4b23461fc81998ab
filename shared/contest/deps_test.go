package contest_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// domain lists the AWS-free packages under shared/.
var domain = []string{"contest", "importer", "audit", "tally", "participation", "signin", "clip", "clipcheck", "demo", "fault", "xlsx", "sheet", "memstore", "stats", "integrity", "mailq", "reminder", "console", "tick"}

// TestDomainPackagesImportNoAWS keeps the contest's rules apart from the
// adapters: no domain package, nor anything it imports, is an AWS package
// (STYLE.md: shared/<domain>/ has no AWS imports). shared/demo is the demo
// contest's data; it seeds through interfaces the adapters implement.
// shared/memstore, the in-memory store of the rule tests, is held to it too,
// as are shared/console, the admin API's request and answer shapes, and
// shared/tick, the schedules' runner.
func TestDomainPackagesImportNoAWS(t *testing.T) {
	args := []string{"list", "-f", `{{.ImportPath}} {{join .Deps " "}}`}
	for _, pkg := range domain {
		args = append(args, "github.com/hoithi/hoithi/shared/"+pkg)
	}
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(domain) {
		t.Fatalf("go list listed %d packages, want %d:\n%s", len(lines), len(domain), out)
	}
	for _, line := range lines {
		deps := strings.Fields(line)
		t.Run(strings.TrimPrefix(deps[0], "github.com/hoithi/hoithi/")+" imports no AWS package", func(t *testing.T) {
			for _, dep := range deps[1:] {
				if strings.HasPrefix(dep, "github.com/aws/") {
					t.Errorf("%s depends on %s", deps[0], dep)
				}
			}
		})
	}
}

// TestDomainTypesCarryNoStorageTags keeps storage shapes in the adapter: no
// domain type has dynamodbav tags (shared/dynamo maps its own items).
func TestDomainTypesCarryNoStorageTags(t *testing.T) {
	for _, pkg := range domain {
		t.Run("shared/"+pkg+" has no dynamodbav tag", func(t *testing.T) {
			files, err := filepath.Glob(filepath.Join("..", pkg, "*.go"))
			if err != nil || len(files) == 0 {
				t.Fatalf("no Go files in shared/%s: %v", pkg, err)
			}
			for _, f := range files {
				if strings.HasSuffix(f, "_test.go") {
					continue
				}
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Contains(data, []byte("dynamodbav:")) {
					t.Errorf("%s has a dynamodbav tag", f)
				}
			}
		})
	}
}
