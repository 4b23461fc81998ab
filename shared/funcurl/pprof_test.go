//go:build !lambda.norpc

package funcurl

import (
	"strings"
	"testing"
)

func TestProfilesAreServedOnALoopbackAddressOnly(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:0", true},
		{"localhost:0", true},
		{"0.0.0.0:6060", false},
		{":6060", false},
		{"192.0.2.10:6060", false},
		{"example.org:6060", false},
		{"127.0.0.1", false}, // no port
	}
	for _, tt := range tests {
		name := tt.addr + " is refused"
		if tt.ok {
			name = tt.addr + " is served"
		}
		t.Run(name, func(t *testing.T) {
			err := servePprof(tt.addr)
			if tt.ok && err != nil {
				t.Errorf("servePprof(%q) = %v, want it served", tt.addr, err)
			}
			if !tt.ok && (err == nil || !strings.Contains(err.Error(), "loopback")) {
				t.Errorf("servePprof(%q) = %v, want a refusal naming the loopback rule", tt.addr, err)
			}
		})
	}
}
