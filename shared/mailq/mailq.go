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
	"net/mail"
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
	// From is the contest's sender as its settings said when the e-mail
	// was queued ("": the deployment's), and Rate the contest's share of
	// the SES rate (contest.Contest.MailPerSecond, 0: all of it): read with
	// the settings where the e-mail is queued, so the mailer reads no
	// settings and a change applies without a redeploy.
	From string
	Rate float64
}

// For fills in what contest c's settings say of r's sending: its sender
// and its share of the SES rate.
func (r Request) For(c contest.Contest) Request {
	r.From, r.Rate = c.MailFrom, c.MailPerSecond
	return r
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
	case r.From != "" && !BareAddress(r.From):
		return bad("sender")
	case r.Rate < 0 || r.Rate > MaxRate || math.IsNaN(r.Rate):
		return bad("rate")
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

// BareAddress reports whether a is an e-mail address alone (no name, no
// angle brackets), as a sender must be.
func BareAddress(a string) bool {
	p, err := mail.ParseAddress(a)
	return err == nil && p.Address == a && p.Name == "" && strings.Count(a, "@") == 1
}

// MaxRate is the highest e-mail rate a deployment may set
// (mailRatePerSecond) and so a contest's share.
const MaxRate = 1000

// ContestRate is a contest's rate: its share (setting; 0: none set) of
// the deployment's rate, never more than the deployment's.
func ContestRate(setting, deployment float64) float64 {
	if setting <= 0 || math.IsNaN(setting) || math.IsInf(setting, 0) || setting > deployment {
		return deployment
	}
	return setting
}

// Paced is one token bucket an e-mail takes from: Contest names its
// contest's ("": the deployment's, one for the account).
type Paced struct {
	Contest string
	Bucket  signin.Bucket
}

// Buckets is the pacing rule: an e-mail of kind k for contest c takes a
// token from its contest's bucket (the contest's rate, ContestRate), then
// from the deployment's (the SES rate), in that order; in each, reminders
// see half (Pacing), so a sign-in code finds a token first. A contest's
// reminders spend its own budget and half of the deployment's at most: a
// contest with a large run can neither take another contest's budget nor
// keep the deployment's last half from anyone's sign-in codes.
func Buckets(contestID string, contestRate, deploymentRate float64, k Kind) []Paced {
	return []Paced{
		{Contest: contestID, Bucket: Pacing(ContestRate(contestRate, deploymentRate), k)},
		{Bucket: Pacing(deploymentRate, k)},
	}
}

// Pacer keeps the pacing rule's buckets in memory (the rule's tests; the
// stores keep them in the table): Take is one e-mail's turn at now.
type Pacer struct {
	full map[string]time.Time
}

// Take takes a token for an e-mail of kind k from each of its Buckets, in
// order, and returns 0; or returns how long to wait before trying again
// (the buckets taken before the one that refused stay taken, as in the
// table).
func (p *Pacer) Take(contestID string, contestRate, deploymentRate float64, k Kind, now time.Time) time.Duration {
	if p.full == nil {
		p.full = map[string]time.Time{}
	}
	for _, b := range Buckets(contestID, contestRate, deploymentRate, k) {
		next, err := b.Bucket.Take(p.full[b.Contest], now)
		if fe, ok := fault.As(err); ok {
			return max(fe.RetryAfter, time.Millisecond)
		}
		p.full[b.Contest] = next
	}
	return 0
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
