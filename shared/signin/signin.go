// Package signin holds the sign-in rules: how codes are made and stored
// (hashed), how long they live, who may lock them and how often a person may
// ask for one (this file); whose address is whose (Canonical, email.go); and
// the e-mail budgets of requesters and of the contest (limits.go). No I/O here.
package signin

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

// The limits of one-time codes. A person who can read their mailbox can
// always sign in within minutes, whatever strangers do:
//
//   - wrong tries count per requester (RequesterKey): MaxTries wrong tries
//     from one network lock the code for that network only, so a stranger's
//     guesses never lock the owner out. MaxTriesPerCode wrong tries from all
//     networks together lock it for everyone (a bound on guessing: with five
//     codes an hour at most 100 guesses an hour at one address, 1 in 10,000);
//     a stranger needs four networks to reach it;
//   - an address gets at most one code a minute and MaxSendsInWin an hour,
//     whoever asks; a new code replaces the previous one. The last code the
//     hour allows lives until the hour is over (not CodeTTL), so a stranger
//     who uses up the hour's codes leaves the owner the last one to use.
//
// A code is e-mailed through the outbox (shared/mailq) at the SES rate, so
// it may wait in the queue before it is sent: at the national opening (5,000
// sign-ins in the first minute at 14 e-mails a second) the last one waits
// about 6 minutes. CodeTTL is that delay plus ten minutes to read and type
// the code, rounded up; the guessing bounds above are per code, not per
// minute, so a longer life does not weaken them.
const (
	CodeTTL         = 20 * time.Minute
	MaxTries        = 5
	MaxTriesPerCode = 20
	ResendAfter     = 60 * time.Second
	SendWindow      = time.Hour
	MaxSendsInWin   = 5
)

// CodeState is the stored state of a person's current code and send window.
type CodeState struct {
	Hash      string
	ExpiresAt time.Time
	// Tries counts wrong tries from everyone, TriesBy from each requester.
	Tries   int
	TriesBy map[string]int
	Used    bool
	// WindowStart, Sends and LastSentAt are the address's send window.
	WindowStart time.Time
	Sends       int
	LastSentAt  time.Time
	// SignUp is what a new citizen declared with the code: they become a
	// member when the code is verified, never before (an unverified sign-up
	// leaves only this item, which expires).
	SignUp *contest.SignUp
}

// NewCode returns a uniformly random 6-digit code.
func NewCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("new code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// Hash is the stored form of a code: an HMAC bound to contest and e-mail, so
// a leaked table does not reveal codes.
func Hash(key []byte, contestID, email, code string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(contestID + "\x00" + email + "\x00" + code))
	return hex.EncodeToString(m.Sum(nil))
}

// Issue returns the state after sending a new code at now, given the previous
// state (nil if none), or a RateLimited error that says how long to wait.
func Issue(prev *CodeState, hash string, now time.Time) (CodeState, error) {
	next := CodeState{Hash: hash, ExpiresAt: now.Add(CodeTTL), WindowStart: now, Sends: 1, LastSentAt: now}
	if prev == nil {
		return next, nil
	}
	if wait := prev.LastSentAt.Add(ResendAfter).Sub(now); wait > 0 {
		return CodeState{}, fault.RateLimited("code_rate_limited",
			fmt.Sprintf("Mã vừa được gửi. Vui lòng đợi %d giây rồi yêu cầu lại.", int(wait.Seconds()+0.999))).After(wait)
	}
	if end := prev.WindowStart.Add(SendWindow); now.Before(end) {
		if prev.Sends >= MaxSendsInWin {
			msg := fmt.Sprintf("Email này đã nhận %d mã trong một giờ. Mã gửi gần nhất (lúc %s) vẫn dùng được đến %s; "+
				"sau %s bạn có thể yêu cầu mã mới.", MaxSendsInWin, clock(prev.LastSentAt), clock(prev.ExpiresAt), clock(end))
			return CodeState{}, fault.RateLimited("code_rate_limited", msg).After(end.Sub(now))
		}
		next.WindowStart, next.Sends = prev.WindowStart, prev.Sends+1
		if next.Sends == MaxSendsInWin && next.ExpiresAt.Before(end) {
			next.ExpiresAt = end // the hour's last code: the owner must be able to use it
		}
	}
	return next, nil
}

// clock shows a time of day in the contest's zone, as in e-mails and on the site.
func clock(t time.Time) string { return t.In(contest.ICT).Format("15:04") }

// Check decides whether hash, sent by requester (a RequesterKey), opens state
// at now. It returns nil when the code is right, or the error to show and
// whether the attempt counts as a wrong try (AddCodeTry).
func Check(state *CodeState, hash, requester string, now time.Time) (countTry bool, err error) {
	locked := fault.Forbidden("code_locked", "Mã này đã bị khoá vì nhập sai quá nhiều lần. Vui lòng dùng mã mới nhất trong hộp thư, hoặc yêu cầu mã mới.")
	switch {
	case state == nil || state.Hash == "" || state.Used:
		return false, fault.Unauthorized("code_invalid", "Mã xác thực không đúng hoặc đã được dùng. Vui lòng yêu cầu mã mới.")
	case state.Tries >= MaxTriesPerCode || state.TriesBy[requester] >= MaxTries:
		return false, locked
	case now.After(state.ExpiresAt):
		return false, fault.Unauthorized("code_expired", "Mã xác thực đã hết hạn. Vui lòng yêu cầu mã mới.")
	case !hmac.Equal([]byte(state.Hash), []byte(hash)):
		left := min(MaxTries-state.TriesBy[requester], MaxTriesPerCode-state.Tries) - 1
		if left <= 0 {
			return true, locked
		}
		return true, fault.Unauthorized("code_wrong", fmt.Sprintf("Mã xác thực không đúng. Bạn còn %d lần thử.", left))
	}
	return false, nil
}
