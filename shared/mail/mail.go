// Package mail sends HoiThi's e-mails: through SES on AWS, or as one JSON file
// per message in a local outbox folder.
package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"
)

// Message is one e-mail. Code, when set, is the one-time code it carries
// (kept as a field in the local outbox so tests and demo users can read it).
type Message struct {
	// From is the sender ("": the deployment's, SES.From).
	From    string    `json:"from,omitempty"`
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Text    string    `json:"text"`
	Code    string    `json:"code,omitempty"`
	SentAt  time.Time `json:"sentAt"`
}

// Sender delivers messages.
type Sender interface {
	// Send returns an error wrapping ErrRefused when the message was
	// certainly not accepted (it may be tried again without a duplicate),
	// and another error when the outcome is unknown (a broken connection).
	Send(ctx context.Context, m Message) error
}

// ErrRefused marks a message that was not accepted: SES answered with an
// error, or the local outbox could not write it.
var ErrRefused = errors.New("message refused")

// Outbox writes each message as a JSON file in Dir (local runs and tests).
type Outbox struct{ Dir string }

var _ Sender = Outbox{}

// Send writes the message atomically (temp file, then rename).
func (o Outbox) Send(_ context.Context, m Message) error {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return fmt.Errorf("outbox: %w: %w", ErrRefused, err)
	}
	if m.SentAt.IsZero() {
		m.SentAt = time.Now()
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := fmt.Sprintf("%s-%s.json", m.SentAt.UTC().Format("20060102T150405.000000000"), hex.EncodeToString(rnd[:]))
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	tmp := filepath.Join(o.Dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("outbox: %w: %w", ErrRefused, err)
	}
	if err := os.Rename(tmp, filepath.Join(o.Dir, name)); err != nil {
		return fmt.Errorf("outbox: %w: %w", ErrRefused, err)
	}
	return nil
}

type emailSender interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

// SES sends through Amazon SES v2 from a verified identity.
type SES struct {
	Client emailSender
	From   string
}

var _ Sender = SES{}

// Send sends a plain-text UTF-8 e-mail.
func (s SES) Send(ctx context.Context, m Message) error {
	from := s.From
	if m.From != "" {
		from = m.From // the contest's own (contest.Contest.MailFrom)
	}
	_, err := s.Client.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(from),
		Destination:      &types.Destination{ToAddresses: []string{m.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: aws.String("UTF-8")},
			Body:    &types.Body{Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")}},
		}},
	})
	var api smithy.APIError
	if errors.As(err, &api) {
		return fmt.Errorf("ses send: %w: %w", ErrRefused, err) // SES answered: throttled, rejected…
	}
	if err != nil {
		return fmt.Errorf("ses send: %w", err)
	}
	return nil
}

// New returns the outbox sender when outboxDir is set (local runs), else SES
// from the verified identity from.
func New(cfg aws.Config, from, outboxDir string) Sender {
	if outboxDir != "" {
		return Outbox{Dir: outboxDir}
	}
	return SES{Client: sesv2.NewFromConfig(cfg), From: from}
}
