// Package signin holds the one-time-code rules of sign-in: how codes are made
// and stored (hashed), how long they live, how many wrong tries lock them and
// how often a person may ask for one. No I/O here.
package signin

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
)

// The limits of one-time codes.
const (
	CodeTTL       = 10 * time.Minute
	MaxTries      = 5
	ResendAfter   = 60 * time.Second
	SendWindow    = time.Hour
	MaxSendsInWin = 5
)

// CodeState is the stored state of a person's current code and send window.
type CodeState struct {
	Hash        string
	ExpiresAt   time.Time
	Tries       int
	Used        bool
	WindowStart time.Time
	Sends       int
	LastSentAt  time.Time
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
// state (nil if none), or a RateLimited error.
func Issue(prev *CodeState, hash string, now time.Time) (CodeState, error) {
	next := CodeState{Hash: hash, ExpiresAt: now.Add(CodeTTL), WindowStart: now, Sends: 1, LastSentAt: now}
	if prev == nil {
		return next, nil
	}
	if wait := prev.LastSentAt.Add(ResendAfter).Sub(now); wait > 0 {
		return CodeState{}, fault.RateLimited("code_rate_limited",
			fmt.Sprintf("Mã vừa được gửi. Vui lòng đợi %d giây rồi yêu cầu lại.", int(wait.Seconds()+0.999)))
	}
	if now.Before(prev.WindowStart.Add(SendWindow)) {
		if prev.Sends >= MaxSendsInWin {
			return CodeState{}, fault.RateLimited("code_rate_limited",
				"Bạn đã yêu cầu quá nhiều mã trong một giờ. Vui lòng thử lại sau.")
		}
		next.WindowStart, next.Sends = prev.WindowStart, prev.Sends+1
	}
	return next, nil
}

// Check decides whether hash opens state at now. It returns nil when the code
// is right, or the error to show.
func Check(state *CodeState, hash string, now time.Time) error {
	switch {
	case state == nil || state.Hash == "" || state.Used:
		return fault.Unauthorized("code_invalid", "Mã xác thực không đúng hoặc đã được dùng. Vui lòng yêu cầu mã mới.")
	case state.Tries >= MaxTries:
		return fault.Forbidden("code_locked", "Bạn đã nhập sai quá 5 lần. Vui lòng yêu cầu mã mới.")
	case now.After(state.ExpiresAt):
		return fault.Unauthorized("code_expired", "Mã xác thực đã hết hạn. Vui lòng yêu cầu mã mới.")
	case !hmac.Equal([]byte(state.Hash), []byte(hash)):
		left := MaxTries - state.Tries - 1
		if left <= 0 {
			return fault.Forbidden("code_locked", "Bạn đã nhập sai quá 5 lần. Vui lòng yêu cầu mã mới.")
		}
		return fault.Unauthorized("code_wrong", fmt.Sprintf("Mã xác thực không đúng. Bạn còn %d lần thử.", left))
	}
	return nil
}
