package contest

import (
	"crypto/sha256"
	"encoding/hex"
	"iter"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hoithi/hoithi/shared/fault"
)

// Responses is what a graded paper's answers were, question by question, in
// the bank's terms (not the shuffled labels the participant saw): for each
// item "<question id>:<chosen><key>", space-separated, where <chosen> is the
// bank index of the option picked ('-' for none) and <key> the bank index of
// the option the paper's key marks right. It is written with the result and
// read by the tally for question statistics and integrity signals; it stays
// on the server, like the key.
type Responses string

// Response is one item of Responses.
type Response struct {
	QuestionID string
	// Chosen is the bank index of the option picked, -1 if none.
	Chosen int
	// Key is the bank index of the right option.
	Key int
}

// Correct reports whether the right option was picked.
func (r Response) Correct() bool { return r.Chosen >= 0 && r.Chosen == r.Key }

// ResponsesOf encodes a paper's answers (already checked) as Responses.
func ResponsesOf(p *Paper, answers map[string]string) Responses {
	var sb strings.Builder
	for i, it := range p.Items {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(it.QuestionID)
		sb.WriteByte(':')
		chosen := byte('-')
		if a, ok := answers[it.QuestionID]; ok && len(a) == 1 {
			if k := strings.IndexByte(labels[:len(it.Order)], a[0]); k >= 0 {
				chosen = '0' + it.Order[k]
			}
		}
		sb.WriteByte(chosen)
		key := byte('-')
		if i < len(p.Key) {
			if k := strings.IndexByte(labels[:len(it.Order)], p.Key[i]); k >= 0 {
				key = '0' + it.Order[k]
			}
		}
		sb.WriteByte(key)
	}
	return Responses(sb.String())
}

// All iterates over the responses without allocating; a malformed item
// (which the store never writes) is skipped.
func (rs Responses) All() iter.Seq[Response] {
	return func(yield func(Response) bool) {
		s := string(rs)
		for s != "" {
			var item string
			item, s, _ = strings.Cut(s, " ")
			n := len(item)
			if n < 4 || item[n-3] != ':' {
				continue
			}
			r := Response{QuestionID: item[:n-3], Chosen: digit(item[n-2]), Key: digit(item[n-1])}
			if !yield(r) {
				return
			}
		}
	}
}

func digit(c byte) int {
	if c < '0' || c >= '0'+MaxOptions {
		return -1
	}
	return int(c - '0')
}

// OptionID is the id of a bank option in statistics: its letter in the
// bank's own order (A for the first option as imported), not a shuffled label.
func OptionID(bankIndex int) string {
	if bankIndex < 0 || bankIndex >= len(labels) {
		return ""
	}
	return labels[bankIndex : bankIndex+1]
}

// Requester is where a start or a submission came from, as the platform saw
// it: the network address and the browser's user agent. It is kept with the
// paper for the organisers' integrity review and is never published nor sent
// back to the participant.
type Requester struct {
	Address   string
	UserAgent string
}

// maxUserAgent bounds what is kept of a user agent.
const maxUserAgent = 256

// NewRequester keeps a request's address and (bounded, valid UTF-8) user agent.
func NewRequester(address, userAgent string) Requester {
	ua := strings.ToValidUTF8(userAgent, "?")
	for len(ua) > maxUserAgent {
		_, size := utf8.DecodeLastRuneInString(ua)
		ua = ua[:len(ua)-size]
	}
	return Requester{Address: address, UserAgent: ua}
}

// Device names a requester's device as well as the server can tell: the
// address and a short digest of the user agent ("<address>|<8 hex>"), empty
// when the address is unknown.
func (r Requester) Device() string {
	if r.Address == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(r.UserAgent))
	return r.Address + "|" + hex.EncodeToString(sum[:4])
}

// Exclusion is an organiser's decision that a paper is not ranked (and wins
// no prize) at the next tally; the paper still counts in its unit's
// participation, and its owner sees the reason.
type Exclusion struct {
	Reason string
	At     time.Time
	// By is the organiser's e-mail address.
	By string
}

// maxExclusionReason bounds an exclusion's reason, in characters.
const maxExclusionReason = 500

// NewExclusion checks an organiser's exclusion of paper p at now.
func NewExclusion(p *Paper, reason, by string, now time.Time) (Exclusion, error) {
	reason = strings.Join(strings.Fields(strings.ToValidUTF8(reason, "")), " ")
	switch {
	case reason == "":
		return Exclusion{}, fault.Invalid("reason_required", "Vui lòng ghi lý do không xếp hạng bài thi.")
	case utf8.RuneCountInString(reason) > maxExclusionReason:
		return Exclusion{}, fault.Invalid("reason_too_long", "Lý do không được dài quá 500 ký tự.")
	case p.Status != PaperSubmitted:
		return Exclusion{}, fault.Conflict("paper_not_submitted", "Bài thi chưa được nộp; chỉ bài đã nộp mới có thể bị loại khỏi bảng xếp hạng.")
	}
	return Exclusion{Reason: reason, At: now.Truncate(time.Millisecond), By: by}, nil
}

// ExclusionView is what the paper's owner sees of an exclusion.
type ExclusionView struct {
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// View is the exclusion as its paper's owner sees it (not who decided).
func (e *Exclusion) View() *ExclusionView {
	if e == nil {
		return nil
	}
	return &ExclusionView{Reason: e.Reason, Message: "Bài thi không được xếp hạng: " + e.Reason}
}

// DefaultSecondsPerQuestion is the speed floor of the integrity review when
// the contest sets none: a paper with every question answered and submitted
// faster than this per question is flagged.
const DefaultSecondsPerQuestion = 2.0

// SpeedFloor is the contest's speed floor per question.
func (c Contest) SpeedFloor() time.Duration {
	s := c.MinSecondsPerQuestion
	if s <= 0 {
		s = DefaultSecondsPerQuestion
	}
	return time.Duration(s * float64(time.Second))
}

// IsStaff reports whether m runs the contest (organisers and their support
// staff, the jury): their papers, under another address, are an integrity
// signal.
func (m Member) IsStaff() bool { return m.Has(RoleOrganiser) || m.Has(RoleJury) }

func (e *Exclusion) reason() string {
	if e == nil {
		return ""
	}
	return e.Reason
}
