package cors

import (
	"slices"
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
)

func TestBucketOrigins(t *testing.T) {
	tests := []struct {
		name     string
		site     string
		deploy   []string
		registry []contest.Contest
		want     []string
	}{
		{"the site alone when nothing else is set", site, nil, nil, []string{site}},
		{"the deploy's bucket origins follow the site", site, []string{"https://b.gov.vn", "https://a.gov.vn"}, nil,
			[]string{site, "https://a.gov.vn", "https://b.gov.vn"}},
		{"every contest's origins are added", site, nil,
			[]contest.Contest{{ID: "hue", Origins: []string{"https://thi.hue.gov.vn"}}, {ID: "qt"}, {ID: "dn", Origins: []string{"https://thi.danang.gov.vn"}}},
			[]string{site, "https://thi.danang.gov.vn", "https://thi.hue.gov.vn"}},
		{"an origin listed twice, or spelt differently, is allowed once", site + "/", []string{"HTTPS://thi.hue.gov.vn/"},
			[]contest.Contest{{ID: "hue", Origins: []string{"https://thi.hue.gov.vn", site}}},
			[]string{site, "https://thi.hue.gov.vn"}},
		{"an origin that does not parse is left out", site, []string{"not an origin", "https://a.gov.vn/path"}, nil, []string{site}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BucketOrigins(tt.site, tt.deploy, tt.registry); !slices.Equal(got, tt.want) {
				t.Errorf("BucketOrigins = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOriginsChanged(t *testing.T) {
	hue := "https://thi.hue.gov.vn"
	tests := []struct {
		name      string
		old, next []string
		want      bool
	}{
		{"no origins before or after is no change", nil, nil, false},
		{"the same origins in another order are no change", []string{hue, site}, []string{site, hue + "/"}, false},
		{"an origin added is a change", []string{site}, []string{site, hue}, true},
		{"an origin removed is a change", []string{site, hue}, []string{hue}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OriginsChanged(contest.Contest{Origins: tt.old}, contest.Contest{Origins: tt.next}); got != tt.want {
				t.Errorf("OriginsChanged(%v, %v) = %v, want %v", tt.old, tt.next, got, tt.want)
			}
		})
	}
}
