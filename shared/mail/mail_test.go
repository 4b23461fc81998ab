package mail_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/hoithi/hoithi/shared/mail"
)

// readOutbox returns the messages in dir by file name, failing on anything
// that is not a complete message file.
func readOutbox(t *testing.T, dir string) map[string]map[string]any {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	out := map[string]map[string]any{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".tmp") {
			t.Errorf("outbox holds a temporary file %q", name)
			continue
		}
		if !strings.HasSuffix(name, ".json") {
			t.Errorf("outbox holds %q, want only .json files", name)
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Errorf("outbox file %q is not complete JSON: %v", name, err)
			continue
		}
		out[name] = m
	}
	return out
}

func TestOutboxWritesOneFilePerMessage(t *testing.T) {
	sentAt := time.Date(2025, time.March, 3, 9, 30, 15, 123456789, time.FixedZone("ICT", 7*3600))
	tests := []struct {
		name       string
		msg        mail.Message
		wantFields map[string]any
		wantAbsent []string
	}{
		{
			name: "a code e-mail keeps to, subject, text, code and sentAt",
			msg:  mail.Message{To: "lan.nguyenthi@hue.gov.vn", Subject: "Mã đăng nhập Hội thi", Text: "Mã của bạn là 042917.", Code: "042917", SentAt: sentAt},
			wantFields: map[string]any{
				"to": "lan.nguyenthi@hue.gov.vn", "subject": "Mã đăng nhập Hội thi", "text": "Mã của bạn là 042917.",
				"code": "042917", "sentAt": sentAt.Format(time.RFC3339Nano),
			},
		},
		{
			name:       "a message without a code has no code field",
			msg:        mail.Message{To: "a@hue.gov.vn", Subject: "Kết quả", Text: "Xin chúc mừng.", SentAt: sentAt},
			wantFields: map[string]any{"to": "a@hue.gov.vn", "subject": "Kết quả", "text": "Xin chúc mừng."},
			wantAbsent: []string{"code"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "outbox", "nested")
			if err := (mail.Outbox{Dir: dir}).Send(context.Background(), tt.msg); err != nil {
				t.Fatalf("Send: %v", err)
			}
			files := readOutbox(t, dir)
			if got, want := len(files), 1; got != want {
				t.Fatalf("outbox has %d files, want %d", got, want)
			}
			for _, m := range files {
				for k, want := range tt.wantFields {
					if got := m[k]; got != want {
						t.Errorf("field %q = %v, want %v", k, got, want)
					}
				}
				for _, k := range tt.wantAbsent {
					if _, ok := m[k]; ok {
						t.Errorf("field %q is present, want it absent", k)
					}
				}
			}
		})
	}
}

func TestOutboxStampsUnsentMessages(t *testing.T) {
	dir := t.TempDir()
	before := time.Now()
	if err := (mail.Outbox{Dir: dir}).Send(context.Background(), mail.Message{To: "a@hue.gov.vn", Subject: "s", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	for name, m := range readOutbox(t, dir) {
		s, _ := m["sentAt"].(string)
		got, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatalf("%s: sentAt %q: %v", name, s, err)
		}
		if got.Before(before.Add(-time.Second)) || got.After(after.Add(time.Second)) {
			t.Errorf("sentAt = %v, want the send time (between %v and %v)", got, before, after)
		}
	}
}

func TestOutboxConcurrentSends(t *testing.T) {
	tests := []struct {
		name       string
		sameSentAt bool
	}{
		{name: "50 concurrent sends stamped by the outbox give 50 complete files"},
		{name: "50 concurrent sends with the same sentAt give 50 complete files", sameSentAt: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 50
			dir := t.TempDir()
			box := mail.Outbox{Dir: dir}
			at := time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC)
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					m := mail.Message{
						To:      fmt.Sprintf("user%02d@hue.gov.vn", i),
						Subject: "Mã đăng nhập",
						Text:    strings.Repeat(fmt.Sprintf("dòng %02d ", i), 200),
						Code:    fmt.Sprintf("%06d", i),
					}
					if tt.sameSentAt {
						m.SentAt = at
					}
					errs <- box.Send(context.Background(), m)
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Errorf("Send: %v", err)
				}
			}
			files := readOutbox(t, dir)
			if got, want := len(files), n; got != want {
				t.Fatalf("outbox has %d files, want %d", got, want)
			}
			seen := map[string]bool{}
			for name, m := range files {
				to, _ := m["to"].(string)
				code, _ := m["code"].(string)
				var i int
				if _, err := fmt.Sscanf(to, "user%02d@hue.gov.vn", &i); err != nil {
					t.Errorf("%s: to = %q", name, to)
					continue
				}
				if want := fmt.Sprintf("%06d", i); code != want {
					t.Errorf("%s: code = %q, want %q (the message of %s)", name, code, want, to)
				}
				if text, _ := m["text"].(string); text != strings.Repeat(fmt.Sprintf("dòng %02d ", i), 200) {
					t.Errorf("%s: text of %s is not the one sent", name, to)
				}
				if seen[to] {
					t.Errorf("two files for %s", to)
				}
				seen[to] = true
			}
		})
	}
}

func TestOutboxReportsUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := (mail.Outbox{Dir: file}).Send(context.Background(), mail.Message{To: "a@hue.gov.vn"}); err == nil {
		t.Fatal("Send into a path that is a file succeeded, want an error")
	}
}

// fakeSES records what the sender asks SES to send.
type fakeSES struct {
	got []*sesv2.SendEmailInput
	err error
}

func (f *fakeSES) SendEmail(_ context.Context, in *sesv2.SendEmailInput, _ ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	f.got = append(f.got, in)
	if f.err != nil {
		return nil, f.err
	}
	return &sesv2.SendEmailOutput{MessageId: aws.String("m-1")}, nil
}

func TestSESSend(t *testing.T) {
	msg := mail.Message{To: "lan.nguyenthi@hue.gov.vn", Subject: "Mã đăng nhập Hội thi", Text: "Mã của bạn là 042917.\nMã có hiệu lực 10 phút.", Code: "042917"}
	fake := &fakeSES{}
	s := mail.SES{Client: fake, From: "HoiThi <no-reply@hoithi.hue.gov.vn>"}
	if err := s.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got, want := len(fake.got), 1; got != want {
		t.Fatalf("SendEmail called %d times, want %d", got, want)
	}
	in := fake.got[0]
	str := func(p *string) string { return aws.ToString(p) }
	var subjectData, subjectCharset, textData, textCharset, html string
	var to []string
	if in.Destination != nil {
		to = in.Destination.ToAddresses
	}
	if c := in.Content; c != nil && c.Simple != nil {
		if c.Simple.Subject != nil {
			subjectData, subjectCharset = str(c.Simple.Subject.Data), str(c.Simple.Subject.Charset)
		}
		if b := c.Simple.Body; b != nil {
			if b.Text != nil {
				textData, textCharset = str(b.Text.Data), str(b.Text.Charset)
			}
			if b.Html != nil {
				html = str(b.Html.Data)
			}
		}
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{name: "the from address is the sender's", got: str(in.FromEmailAddress), want: "HoiThi <no-reply@hoithi.hue.gov.vn>"},
		{name: "the message goes to its recipient only", got: fmt.Sprint(to), want: "[lan.nguyenthi@hue.gov.vn]"},
		{name: "the subject is the message's", got: subjectData, want: msg.Subject},
		{name: "the subject is UTF-8", got: subjectCharset, want: "UTF-8"},
		{name: "the text body is the message's", got: textData, want: msg.Text},
		{name: "the text body is UTF-8", got: textCharset, want: "UTF-8"},
		{name: "there is no HTML body", got: html, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestSESSendReportsFailure(t *testing.T) {
	cause := errors.New("MessageRejected: Email address is not verified")
	err := mail.SES{Client: &fakeSES{err: cause}, From: "no-reply@hue.gov.vn"}.Send(context.Background(), mail.Message{To: "a@hue.gov.vn"})
	if !errors.Is(err, cause) {
		t.Fatalf("Send error = %v, want it to wrap %v", err, cause)
	}
}
