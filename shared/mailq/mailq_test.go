package mailq

import (
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func valid() Request {
	return Request{ID: strings.Repeat("ab", 16), Contest: "demo", Kind: KindCode, To: "an.nv@demo.hue.gov.vn",
		Subject: "Mã đăng nhập: 123456", Text: "Mã của bạn là 123456", Code: "123456", EnqueuedAt: t0, ExpiresAt: t0.Add(20 * time.Minute)}
}

func TestRequestsFromTheStreamAreValidated(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Request)
		ok     bool
	}{
		{"a well-formed sign-in code is accepted", func(*Request) {}, true},
		{"a reminder needs no code", func(r *Request) {
			r.Kind, r.Code, r.Run = KindReminder, "", RunRef{"2026-w49", "reminder-last-day", "0123456789abcdef"}
		}, true},
		{"a reminder names its run", func(r *Request) { r.Kind, r.Code = KindReminder, "" }, false},
		{"a reminder's run ID is 16 hex digits", func(r *Request) {
			r.Kind, r.Code, r.Run = KindReminder, "", RunRef{"2026-w49", "reminder-last-day", "run#1"}
		}, false},
		{"a sign-in code belongs to no run", func(r *Request) { r.Run = RunRef{"2026-w49", "reminder-last-day", "0123456789abcdef"} }, false},
		{"an id that is not 32 hex digits is refused", func(r *Request) { r.ID = "x" }, false},
		{"an unknown kind is refused", func(r *Request) { r.Kind = "spam" }, false},
		{"a contest id with a hash is refused", func(r *Request) { r.Contest = "demo#x" }, false},
		{"a recipient that is not one plain address is refused", func(r *Request) { r.To = "a@b.vn, c@d.vn" }, false},
		{"a recipient in another case than stored is refused", func(r *Request) { r.To = "An.NV@demo.hue.gov.vn" }, false},
		{"a subject with a line break (header injection) is refused", func(r *Request) { r.Subject = "a\r\nBcc: x@y.vn" }, false},
		{"an empty text is refused", func(r *Request) { r.Text = "" }, false},
		{"an oversized text is refused", func(r *Request) { r.Text = strings.Repeat("a", MaxText+1) }, false},
		{"a code e-mail without a six-digit code is refused", func(r *Request) { r.Code = "12a456" }, false},
		{"a request without its enqueue time is refused", func(r *Request) { r.EnqueuedAt = time.Time{} }, false},
		{"a contest's own sender and share are accepted", func(r *Request) { r.From, r.Rate = "hoithi@demo.hue.gov.vn", 6 }, true},
		{"a sender with a display name (a header to forge) is refused", func(r *Request) { r.From = "Ban tổ chức <hoithi@demo.hue.gov.vn>" }, false},
		{"a share above the highest rate is refused", func(r *Request) { r.Rate = MaxRate + 1 }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := valid()
			tc.change(&r)
			if err := r.Validate(); (err == nil) != tc.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestACodeNobodyCanUseIsNotSent(t *testing.T) {
	r := valid()
	for _, tc := range []struct {
		name string
		at   time.Time
		want bool
	}{
		{"before its expiry it is sent", r.ExpiresAt.Add(-time.Second), false},
		{"at its expiry it is stale", r.ExpiresAt, true},
		{"a request without expiry never goes stale", time.Time{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rr := r
			if tc.at.IsZero() {
				rr.ExpiresAt, tc.at = time.Time{}, t0.Add(24*time.Hour)
			}
			if got := rr.Stale(tc.at); got != tc.want {
				t.Errorf("Stale = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSignInCodesGoBeforeReminders(t *testing.T) {
	code, reminder := Pacing(14, KindCode), Pacing(14, KindReminder)
	if code.Every != reminder.Every || code.Every != time.Second/14 {
		t.Fatalf("both kinds share one rate: %v, %v", code.Every, reminder.Every)
	}
	// a bucket state with 7 of 14 tokens spent: codes may go, reminders wait
	now := t0
	full := now.Add(8 * code.Every)
	if _, err := code.Take(full, now); err != nil {
		t.Errorf("a code was refused a token at half a bucket: %v", err)
	}
	if _, err := reminder.Take(full, now); err == nil {
		t.Error("a reminder took a token from a bucket under half full")
	}
	t.Run("the bucket refills at the configured rate", func(t *testing.T) {
		state := time.Time{}
		sent := 0
		for {
			next, err := code.Take(state, now)
			if err != nil {
				break
			}
			state, sent = next, sent+1
		}
		if sent != 14 {
			t.Errorf("%d e-mails at once, want one second's worth (14)", sent)
		}
	})
}

func TestThePeakDelayIsTheQueueOverTheRate(t *testing.T) {
	if got, want := PeakDelay(5000, 14), 357*time.Second+142857142*time.Nanosecond; got.Round(time.Second) != want.Round(time.Second) {
		t.Errorf("PeakDelay(5000, 14) = %v, want %v", got, want)
	}
}
