package console_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/importer"
)

func TestDryRun(t *testing.T) {
	for _, tt := range []struct {
		query string
		want  bool
	}{{"", false}, {"dryRun=1", true}, {"dryRun=true", true}, {"dryRun=0", false}, {"dryRun=false", false}} {
		t.Run("?"+tt.query+" is a dry run: "+map[bool]string{true: "yes", false: "no"}[tt.want], func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			if got := console.DryRun(q); got != tt.want {
				t.Errorf("DryRun = %v", got)
			}
		})
	}
}

func TestAuditEntryOf(t *testing.T) {
	at := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name, action, after, want string
	}{
		{"a publication of a round's results names the round", audit.Publication, "results/demo/2026-w48/", "2026-w48"},
		{"a publication of another contest's results names none", audit.Publication, "results/other/2026-w48/", ""},
		{"a publication of the clips' ranking names no round", audit.Publication, "clips/demo/ranking/", ""},
		{"a settings change names no round", audit.SettingsUpdate, "results/demo/2026-w48/", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, err := audit.New(at, "btc@demo.hue.gov.vn", tt.action, "", "", tt.after)
			if err != nil {
				t.Fatal(err)
			}
			got := console.AuditEntryOf("demo", e)
			if got.Round != tt.want || got.ID != e.ID || !got.At.Equal(at) {
				t.Errorf("entry %+v, want round %q", got, tt.want)
			}
		})
	}
}

func TestUploadPlan(t *testing.T) {
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	t.Run("a file is placed under the contest's imports of its kind, with its extension", func(t *testing.T) {
		up, err := console.UploadRequest{Name: "Danh sách.XLSX", Size: 10 << 20}.Plan("demo", importer.KindRoster, now)
		if err != nil || !strings.HasPrefix(up.Key, "imports/demo/roster/20261207T020000-") || !strings.HasSuffix(up.Key, ".xlsx") ||
			up.ContentType != "application/octet-stream" || !up.ExpiresAt.Equal(now.Add(console.UploadExpiry)) {
			t.Errorf("upload %+v, %v", up, err)
		}
		if err := console.UploadedKey("demo", importer.KindRoster, up.Key); err != nil {
			t.Errorf("its own key is refused: %v", err)
		}
	})
	for _, tt := range []struct {
		name string
		size int64
	}{{"an empty file is refused", 0}, {"a file above the most is refused", importer.MaxFileBytes + 1}} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := (console.UploadRequest{Name: "a.csv", Size: tt.size}).Plan("demo", importer.KindRoster, now); err == nil {
				t.Error("no error")
			}
		})
	}
	t.Run("another contest's or kind's key is refused", func(t *testing.T) {
		for _, key := range []string{"imports/other/roster/a.csv", "imports/demo/bank/a.csv", "imports/demo/roster/../../x"} {
			if console.UploadedKey("demo", importer.KindRoster, key) == nil {
				t.Errorf("%s accepted", key)
			}
		}
	})
}
