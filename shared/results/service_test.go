package results

import (
	"slices"
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
)

func TestWithClosed(t *testing.T) {
	p := func(id string) contest.Submitted { return contest.Submitted{PaperID: id} }
	ids := func(ps []contest.Submitted) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.PaperID)
		}
		return out
	}
	tests := []struct {
		name           string
		listed, closed []contest.Submitted
		want           []string
	}{
		{name: "nothing closed leaves the list as read", listed: []contest.Submitted{p("a"), p("b")}, want: []string{"a", "b"}},
		{name: "a closed paper the index does not list yet is added", listed: []contest.Submitted{p("a")}, closed: []contest.Submitted{p("c")}, want: []string{"a", "c"}},
		{name: "a closed paper the index already lists is not counted twice", listed: []contest.Submitted{p("a"), p("c")}, closed: []contest.Submitted{p("c")}, want: []string{"a", "c"}},
		{name: "an empty index gets every closed paper", closed: []contest.Submitted{p("c"), p("d")}, want: []string{"c", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(withClosed(tt.listed, tt.closed)); !slices.Equal(got, tt.want) {
				t.Errorf("withClosed = %v, want %v", got, tt.want)
			}
		})
	}
}
