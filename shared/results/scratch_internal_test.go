package results

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"syscall"
	"testing"
)

func TestAFullScratchFolderIsToldAsSuch(t *testing.T) {
	s := &Service{log: slog.New(slog.DiscardHandler)}
	was := scratchFree
	scratchFree = func(string) (uint64, error) { return 4096, nil }
	defer func() { scratchFree = was }()
	full := fmt.Errorf("write part: %w", &fs.PathError{Op: "write", Path: "/tmp/hoithi-tally-1/part-0001", Err: syscall.ENOSPC})
	other := errors.New("throttled")
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"a write that found no room names the folder and its bytes free", full, "/tmp/hoithi-tally-1 has 4096 bytes free"},
		{"another error is left as it is", other, "throttled"},
		{"no error stays none", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := s.noRoom("/tmp/hoithi-tally-1", tc.err)
			if tc.err == nil {
				if got != nil {
					t.Errorf("noRoom(nil) = %v", got)
				}
				return
			}
			if !strings.Contains(got.Error(), tc.want) || errors.Is(got, errNoRoom) != (tc.err == full) {
				t.Errorf("noRoom = %v; want it to say %q", got, tc.want)
			}
		})
	}
}
