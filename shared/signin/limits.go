package signin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net/netip"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

// Sign-in e-mails cost the contest's SES sending rate (docs/deploy.md: 14 a
// second to start with, shared with reminders at 8 a second), and each one
// lands in somebody's mailbox. Besides the per-address limits of a code
// (Issue), every code e-mailed takes a token from two buckets, checked before
// anything is sent:
//
//   - the requester's (one IPv4 address, or one IPv6 /64 network): by
//     default 5 at once, then one every 6 seconds (600 an hour; a contest
//     that raises the rate gets ten seconds' worth at once). An office
//     behind one address signs 600 people in an hour; a script asking for a
//     thousand addresses gets 5 e-mails out, and cannot empty the contest's
//     bucket (its burst is larger) for everyone else;
//   - the contest's, for everyone together: by default 5 a second, up to 10
//     at once, so abuse from many addresses cannot take SES's rate from
//     reminders or push the account past its quota, and hitting it raises an
//     alarm (the "sign-in budget reached" log line, infra/alarms.go).
//
// Both may be raised per contest (contest.Contest.CodesPerRequesterHour,
// CodesPerSecond) together with the SES quota.
const (
	DefaultRequesterBurst   = 5
	DefaultRequesterPerHour = 600
	DefaultContestPerSecond = 5.0
)

// Bucket is a token bucket: up to Burst tokens, one more every Every. Its
// state is a single time, Full: when the bucket will be full again (zero or
// past: full now), the "theoretical arrival time" of GCRA. One value makes a
// conditional write race-safe without counting tokens.
type Bucket struct {
	Name  string // "requester" or "contest": logs, error codes and item keys
	Burst int
	Every time.Duration
}

// RequesterBudget is contest c's bucket for one requester.
func RequesterBudget(c contest.Contest) Bucket {
	perHour := c.CodesPerRequesterHour
	if perHour <= 0 {
		perHour = DefaultRequesterPerHour
	}
	// Ten seconds' worth at once when a contest raises the rate: a burst
	// that stays at 5 while the rate grows refuses requests that merely
	// arrive a few milliseconds out of order (an office behind one address
	// at 8:00 on Monday).
	burst := max(min(DefaultRequesterBurst, perHour), perHour/360)
	return Bucket{Name: "requester", Burst: burst, Every: max(time.Hour/time.Duration(perHour), time.Millisecond)}
}

// ContestBudget is contest c's bucket for everyone together: its rate a
// second, and two seconds' worth at once.
func ContestBudget(c contest.Contest) Bucket {
	rate := c.CodesPerSecond
	if rate <= 0 || math.IsNaN(rate) || math.IsInf(rate, 0) {
		rate = DefaultContestPerSecond
	}
	return Bucket{Name: "contest", Burst: max(1, int(math.Ceil(2*rate))), Every: max(time.Duration(float64(time.Second)/rate), time.Millisecond)}
}

// Practice answers (POST /practice/answers, open to anyone when a contest
// opens practice to everyone) cost a write each (the anonymous count): one
// requester may send PracticePerSecond a second, PracticeBurst at once: far
// above anyone answering questions (an office behind one address
// included), far below a script's loop.
const (
	PracticeBurst     = 120
	PracticePerSecond = 4
)

// PracticeBudget is the bucket of one requester's practice answers (its
// holder: RequesterKey).
func PracticeBudget() Bucket {
	return Bucket{Name: "practice", Burst: PracticeBurst, Every: time.Second / PracticePerSecond}
}

// Take spends one token of b at now, given its state full. It returns the new
// state, or a fault.RateLimited that tells how long to wait.
func (b Bucket) Take(full, now time.Time) (time.Time, error) {
	next := full
	if next.Before(now) {
		next = now
	}
	next = next.Add(b.Every)
	if over := next.Sub(now) - time.Duration(b.Burst)*b.Every; over > 0 {
		return full, b.refusal(over)
	}
	return next, nil
}

// Latest is, at now, the latest state from which a take still succeeds:
// from a state between now and Latest a take advances it by Every; a state
// before now (or none) is a full bucket, which a take sets to now+Every.
// Stores use it to take a token in one conditional write, without reading
// the state first (no lost races on a busy bucket); it agrees with Take.
func (b Bucket) Latest(now time.Time) time.Time {
	return now.Add(time.Duration(b.Burst-1) * b.Every)
}

// Wait is how long one must wait for a token of b at now, given its state
// full (0: there is one).
func (b Bucket) Wait(full, now time.Time) time.Duration {
	_, err := b.Take(full, now)
	if fe, ok := fault.As(err); ok {
		return fe.RetryAfter
	}
	return 0
}

func (b Bucket) refusal(wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	if b.Name == "practice" {
		return fault.RateLimited("practice_too_fast", fmt.Sprintf(
			"Có quá nhiều câu trả lời ôn tập từ mạng của bạn trong thời gian ngắn. Vui lòng thử lại sau %d giây.", secs)).After(wait)
	}
	if b.Name == "contest" {
		return fault.RateLimited("signin_busy", fmt.Sprintf(
			"Hệ thống đang gửi rất nhiều mã đăng nhập cùng lúc. Vui lòng thử lại sau %d giây.", secs)).After(wait)
	}
	return fault.RateLimited("too_many_codes", fmt.Sprintf(
		"Có quá nhiều yêu cầu mã đăng nhập từ mạng của bạn. Vui lòng thử lại sau %d giây.", secs)).After(wait)
}

// Requester is who sent a request, as far as limits can tell: the IPv4
// address, or the /64 network of an IPv6 address (one subscriber gets a
// whole /64, so single IPv6 addresses would be free to change). The
// address comes from the platform (funcurl.SourceIP), never from a header.
func Requester(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "unknown"
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// LimitKey is the key of requesters' hashes (RequesterKey), derived from
// the session-token key: every function that limits requesters derives the
// same one.
func LimitKey(tokenKey []byte) []byte {
	k := sha256.Sum256(append([]byte("hoithi one-time codes\x00"), tokenKey...))
	return k[:]
}

// RequesterKey is how a requester is stored (bucket keys, wrong tries): an
// HMAC of Requester(ip), so the table never holds network addresses.
func RequesterKey(key []byte, ip string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("requester\x00" + Requester(ip)))
	return hex.EncodeToString(m.Sum(nil))[:20]
}
