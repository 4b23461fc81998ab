package clip

import (
	"strings"
	"testing"
)

func TestClipUnit(t *testing.T) {
	tests := []struct {
		name     string
		id       string
		wantUnit string
		wantOK   bool
	}{
		{name: "a minted id gives its unit", id: NewID("phuong-an-cuu"), wantUnit: "phuong-an-cuu", wantOK: true},
		{name: "a unit of 63 characters is accepted", id: strings.Repeat("u", 63) + ".0123456789abcdef", wantUnit: strings.Repeat("u", 63), wantOK: true},
		{name: "a unit of 64 characters is refused", id: strings.Repeat("u", 64) + ".0123456789abcdef"},
		{name: "no dot is refused", id: "phuong0123456789abcdef"},
		{name: "15 hex digits are refused", id: "phuong.0123456789abcde"},
		{name: "17 hex digits are refused", id: "phuong.0123456789abcdef0"},
		{name: "upper-case hex is refused", id: "phuong.0123456789ABCDEF"},
		{name: "a second dot is refused", id: "phuong.0123456789abcdef.mp4"},
		{name: "a path in the unit is refused", id: "../phuong.0123456789abcdef"},
		{name: "a leading hyphen is refused", id: "-phuong.0123456789abcdef"},
		{name: "an empty unit is refused", id: ".0123456789abcdef"},
		{name: "an empty id is refused", id: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unit, ok := UnitOf(tt.id)
			if unit != tt.wantUnit || ok != tt.wantOK {
				t.Errorf("UnitOf(%q) = %q, %v; want %q, %v", tt.id, unit, ok, tt.wantUnit, tt.wantOK)
			}
		})
	}
}
