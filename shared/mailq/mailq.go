// Package mailq holds the rules of the outbox: the e-mails HoiThi owes
// people, written in the same transaction as what they announce (a sign-in
// code), and sent later by the mailer at the SES rate. No I/O here.
//
// Delivery is at most once per request: the mailer claims a request (queued
// → sending, a conditional write) before it hands the e-mail to SES, and
// marks it sent after. A retried or replayed batch finds the claim and sends
// nothing; an e-mail SES refused outright goes back to queued and is tried
// again. Only a mailer that dies between its claim and SES's answer loses
// an e-mail, and for a sign-in code the person asks again after
// signin.ResendAfter. Duplicates are impossible for one request ID.
package mailq

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/signin"
)

// Kind is what an e-mail is for; it decides its priority.
type Kind string

// Sign-in codes go before reminders (Pacing).
const (
	KindCode     Kind = "code"
	KindReminder Kind = "reminder"
)

// Status is where a request is in its life.
type Status string

// The statuses: queued until the mailer claims it (sending), then sent; a
// code nobody can use any more is expired instead of sent.
const (
	StatusQueued  Status = "queued"
	StatusSending Status = "sending"
	StatusSent    Status = "sent"
	StatusExpired Status = "expired"
)

// Request is one e-mail owed.
type Request struct {
	ID      string
	Contest string
	Kind    Kind
	To      string
	Subject string
	Text    string
	// Code is the one-time code the e-mail carries (the local outbox shows it).
	Code       string
	EnqueuedAt time.Time
	// ExpiresAt, if set, is when the e-mail is no longer worth sending (a
	// sign-in code's expiry).
	ExpiresAt time.Time
	// Run is the reminder run the e-mail belongs to (a reminder's; zero for
	// a sign-in code): the mailer counts the run's e-mails sent.
	Run RunRef
}

// RunRef names a reminder run (shared/reminder): its round, slot and ID.
type RunRef struct {
	Round, Slot, ID string
}

// IsZero reports whether r names no run.
func (r RunRef) IsZero() bool { return r == RunRef{} }

// Valid reports whether r could name a run.
func (r RunRef) Valid() bool {
	return contest.ValidID(r.Round) && contest.ValidID(r.Slot) && len(r.ID) == 16 && strings.Trim(r.ID, "0123456789abcdef") == ""
}

// Limits of what a request may hold.
const (
	MaxSubject = 200
	MaxText    = 16 << 10
)

// NewID returns a random request ID (32 hex digits).
func NewID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("new mail id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// Validate checks a request as the mailer reads it: from the table's stream,
// which is untrusted input like any event.
func (r Request) Validate() error {
	bad := func(what string) error { return fault.Invalid("mail_invalid", "mail request: "+what) }
	switch {
	case len(r.ID) != 32 || strings.Trim(r.ID, "0123456789abcdef") != "":
		return bad("id")
	case !contest.ValidID(r.Contest):
		return bad("contest")
	case r.Kind != KindCode && r.Kind != KindReminder:
		return bad("kind")
	case r.Subject == "" || len(r.Subject) > MaxSubject || strings.ContainsAny(r.Subject, "\r\n") || !utf8.ValidString(r.Subject):
		return bad("subject")
	case r.Text == "" || len(r.Text) > MaxText || !utf8.ValidString(r.Text):
		return bad("text")
	case r.EnqueuedAt.IsZero():
		return bad("enqueued time")
	case r.Kind == KindCode && (len(r.Code) != 6 || strings.Trim(r.Code, "0123456789") != ""):
		return bad("code")
	case r.Kind == KindReminder && !r.Run.Valid(), r.Kind == KindCode && !r.Run.IsZero():
		return bad("run")
	}
	if to, err := contest.NormalizeEmail(r.To); err != nil || to != r.To {
		return bad("recipient")
	}
	return nil
}

// Stale reports whether the e-mail is no longer worth sending at now.
func (r Request) Stale(now time.Time) bool {
	return !r.ExpiresAt.IsZero() && !now.Before(r.ExpiresAt)
}

// Pacing is the token bucket every mailer takes from before each e-mail, at
// rate e-mails a second (the deployment's setting, below SES's quota): one
// second's worth at once. Reminders see half of the bucket: they wait while
// it is less than half full, so sign-in codes always find a token first.
func Pacing(rate float64, k Kind) signin.Bucket {
	if rate <= 0 || math.IsNaN(rate) || math.IsInf(rate, 0) {
		rate = 1
	}
	burst := max(1, int(rate))
	if k != KindCode {
		burst = max(1, burst/2)
	}
	return signin.Bucket{Name: "mail", Burst: burst, Every: max(time.Duration(float64(time.Second)/rate), time.Millisecond)}
}

// PeakDelay is how long the last of n e-mails asked for at once waits in the
// queue at rate e-mails a second.
func PeakDelay(n int, rate float64) time.Duration {
	return time.Duration(float64(n) / rate * float64(time.Second))
}

// Entry is a request as the outbox holds it: once sent, its subject, text
// and code are gone (the table keeps no code in clear longer than needed).
type Entry struct {
	Request
	Status Status
	SentAt time.Time
}
