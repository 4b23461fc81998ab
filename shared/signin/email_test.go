package signin_test

import (
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/signin"
)

func TestCanonical(t *testing.T) {
	hue := contest.Contest{ID: "hue-2026", AllowedDomains: []string{"demo.hue.gov.vn"}}
	keep := hue
	keep.KeepPlusTags = true
	tests := []struct {
		name string
		c    contest.Contest
		in   string
		want string
		code string
	}{
		{name: "an organiser's +tag alias is the organiser", c: hue, in: "btc+thi@demo.hue.gov.vn", want: "btc@demo.hue.gov.vn"},
		{name: "a participant's +2 alias is the participant", c: hue, in: "an.nguyen+2@demo.hue.gov.vn", want: "an.nguyen@demo.hue.gov.vn"},
		{name: "a +tag at a sub-domain of the official domain is dropped", c: hue, in: "an+x@sonv.demo.hue.gov.vn", want: "an@sonv.demo.hue.gov.vn"},
		{name: "capitals, spaces and a tag together give the one address", c: hue, in: "  BTC+Thi@Demo.Hue.Gov.VN ", want: "btc@demo.hue.gov.vn"},
		{name: "combining marks are composed before comparing", c: hue, in: "nguye\u0302\u0303n+1@demo.hue.gov.vn", want: "nguy\u1ec5n@demo.hue.gov.vn"},
		{name: "dots of an official address are kept (they name other people)", c: hue, in: "an.nguyen@demo.hue.gov.vn", want: "an.nguyen@demo.hue.gov.vn"},
		{name: "a contest that keeps tags keeps them", c: keep, in: "btc+thi@demo.hue.gov.vn", want: "btc+thi@demo.hue.gov.vn"},
		{name: "a Gmail tag and dots are dropped", c: hue, in: "Tran.Thi.Be+hoithi@gmail.com", want: "tranthibe@gmail.com"},
		{name: "googlemail.com is gmail.com", c: hue, in: "tran.thi.be@googlemail.com", want: "tranthibe@gmail.com"},
		{name: "an Outlook tag is dropped, its dots kept", c: hue, in: "tran.be+2@outlook.com", want: "tran.be@outlook.com"},
		{name: "a Yahoo address is kept as typed", c: hue, in: "tran.be+2@yahoo.com", want: "tran.be+2@yahoo.com"},
		{name: "an unknown domain is kept as typed", c: hue, in: "a.b+c@example.org", want: "a.b+c@example.org"},
		{name: "an address that is only a tag is invalid", c: hue, in: "+thi@demo.hue.gov.vn", code: "invalid_email"},
		{name: "a Gmail address of only dots is invalid", c: hue, in: "..@gmail.com", code: "invalid_email"},
		{name: "a malformed address is invalid", c: hue, in: "btc+thi", code: "invalid_email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := signin.Canonical(tt.c, tt.in)
			if code := fault.CodeOf(err); code != tt.code {
				t.Fatalf("Canonical(%q) error = %v, want code %q", tt.in, err, tt.code)
			}
			if got != tt.want {
				t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	t.Run("an alias and its person have one participant id", func(t *testing.T) {
		a, _ := signin.Canonical(hue, "btc+thi@demo.hue.gov.vn")
		b, _ := signin.Canonical(hue, "btc@demo.hue.gov.vn")
		if contest.ParticipantID(hue.ID, a) != contest.ParticipantID(hue.ID, b) {
			t.Error("the alias has a participant id of its own")
		}
	})
}
