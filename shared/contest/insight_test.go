package contest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
)

func TestResponsesAreInTheBanksTerms(t *testing.T) {
	// q1 shows the bank's options in the order 2,0,3,1, so label A is bank
	// option 2; its key C is bank option 3. q2 is shown as in the bank.
	p := &Paper{Items: []Item{{QuestionID: "q1", Order: []uint8{2, 0, 3, 1}}, {QuestionID: "q2", Order: []uint8{0, 1}}, {QuestionID: "q3", Order: []uint8{1, 0}}}, Key: "CAB"}
	got := ResponsesOf(p, map[string]string{"q1": "C", "q2": "B"})
	t.Run("each item names the bank option picked ('-' for none) and the key's", func(t *testing.T) {
		if got != "q1:33 q2:10 q3:-0" {
			t.Errorf("responses %q", got)
		}
	})
	t.Run("they read back item by item, right or wrong", func(t *testing.T) {
		var read []Response
		for r := range got.All() {
			read = append(read, r)
		}
		want := []Response{{"q1", 3, 3}, {"q2", 1, 0}, {"q3", -1, 0}}
		if !slices.Equal(read, want) || !read[0].Correct() || read[1].Correct() || read[2].Correct() {
			t.Errorf("read %+v, want %+v", read, want)
		}
	})
}

func TestExclusion(t *testing.T) {
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, ICT)
	submitted := &Paper{Status: PaperSubmitted}
	tests := []struct {
		name, reason string
		p            *Paper
		code         string
	}{
		{"a submitted paper is excluded with its reason", "Làm bài quá nhanh", submitted, ""},
		{"a reason is required", "  ", submitted, "reason_required"},
		{"a reason is at most 500 characters", strings.Repeat("ư", 501), submitted, "reason_too_long"},
		{"a paper in progress cannot be excluded", "x", &Paper{Status: PaperInProgress}, "paper_not_submitted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := NewExclusion(tt.p, tt.reason, "btc@x.vn", now)
			if got := fault.CodeOf(err); got != tt.code {
				t.Fatalf("code %q, want %q (%v)", got, tt.code, err)
			}
			if err == nil && (e.Reason != tt.reason || e.By != "btc@x.vn" || !e.At.Equal(now)) {
				t.Errorf("exclusion %+v", e)
			}
		})
	}
	t.Run("the owner sees the reason in Vietnamese, not who decided", func(t *testing.T) {
		e := &Exclusion{Reason: "Làm bài quá nhanh", By: "btc@x.vn"}
		if v := e.View(); v.Message != "Bài thi không được xếp hạng: Làm bài quá nhanh" || strings.Contains(v.Message+v.Reason, "btc") {
			t.Errorf("view %+v", v)
		}
	})
}

func TestRequester(t *testing.T) {
	t.Run("a device is the address and a digest of the user agent", func(t *testing.T) {
		a, b := NewRequester("10.0.0.1", "Firefox"), NewRequester("10.0.0.1", "Chrome")
		if a.Device() == b.Device() || !strings.HasPrefix(a.Device(), "10.0.0.1|") || a.Device() != NewRequester("10.0.0.1", "Firefox").Device() {
			t.Errorf("devices %q, %q", a.Device(), b.Device())
		}
	})
	t.Run("an unknown address names no device", func(t *testing.T) {
		if d := (Requester{UserAgent: "x"}).Device(); d != "" {
			t.Errorf("device %q", d)
		}
	})
	t.Run("a long user agent is cut to 256 bytes of valid UTF-8", func(t *testing.T) {
		r := NewRequester("::1", strings.Repeat("ệ", 200))
		if len(r.UserAgent) > 256 || !strings.HasPrefix(strings.Repeat("ệ", 200), r.UserAgent) {
			t.Errorf("user agent of %d bytes", len(r.UserAgent))
		}
	})
}
