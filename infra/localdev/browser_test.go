package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestBrowserSite drives the static site in Debian's Chromium (playwright-core,
// web/tests/) against the functions this package's TestMain started.
func TestBrowserSite(t *testing.T) {
	e := need(t)
	required := os.Getenv("HOITHI_REQUIRE_SERVERS") == "1"
	missing := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	if _, err := os.Stat(filepath.Join(e.p.Root, "node_modules", "playwright-core", "package.json")); err != nil {
		missing("playwright-core is not installed (npm ci): %v", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed: %v", err)
	}
	chromium := os.Getenv("HOITHI_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing("Chromium is not installed (apt-get install -y chromium): %v", err)
	}
	accounts, err := json.Marshal(e.accounts)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "web/tests/")
	cmd.Dir = e.p.Root
	cmd.Env = append(os.Environ(),
		"HOITHI_SITE_URL="+e.p.SiteURL,
		"HOITHI_OUTBOX="+e.p.Outbox(),
		"HOITHI_ACCOUNTS="+string(accounts),
		"HOITHI_OPEN_ROUND="+e.openRound(),
		"HOITHI_CHROMIUM="+chromium,
	)
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test web/tests/ failed after %s: %v\n%s", time.Since(start).Round(time.Millisecond), err, out)
	}
	t.Logf("node --test web/tests/ passed in %s:\n%s", time.Since(start).Round(time.Millisecond), out)
}
