package main

import (
	"testing"

	"github.com/hoithi/hoithi/shared/platform"
)

func TestFunctionsGetTheScratchRoomThePlatformGivesThem(t *testing.T) {
	s := synth(t).configured
	for _, f := range platform.Functions {
		_, p := s.function(t, f.Name)
		got := p["EphemeralStorage"]
		if f.EphemeralMB == 0 {
			t.Run(f.Name+" keeps Lambda's default /tmp", func(t *testing.T) {
				if got != nil {
					t.Errorf("EphemeralStorage = %s, want none (512 MB)", jsonOf(got))
				}
			})
			continue
		}
		t.Run(f.Name+" gets its /tmp in MB", func(t *testing.T) {
			m, _ := got.(map[string]any)
			size, _ := m["Size"].(float64)
			if int(size) != f.EphemeralMB {
				t.Errorf("EphemeralStorage = %s, want Size %d", jsonOf(got), f.EphemeralMB)
			}
		})
	}
	t.Run("the tally has room for a national round's scratch files (327 MB measured at 1,000,000 papers)", func(t *testing.T) {
		for _, f := range platform.Functions {
			if f.Name == "tally" && f.EphemeralMB < 1024 {
				t.Errorf("the tally's /tmp is %d MB, want at least 1024", f.EphemeralMB)
			}
		}
	})
}
