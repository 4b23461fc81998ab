package contest_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDomainPackagesImportNoAWS keeps the contest's rules apart from the
// adapters: no domain package, nor anything it imports, is an AWS package
// (STYLE.md: shared/<domain>/ has no AWS imports). shared/demo is the demo
// contest's data; it seeds through interfaces the adapters implement.
func TestDomainPackagesImportNoAWS(t *testing.T) {
	domain := []string{"contest", "tally", "participation", "signin", "clip", "demo", "fault", "xlsx", "sheet"}
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
