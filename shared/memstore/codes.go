package memstore

import (
	"context"
	"errors"
	"maps"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/signin"
)

// codeRec is a person's stored code state and when the record expires (the
// table's TTL: the end of the send window or the code's expiry, whichever
// is later).
type codeRec struct {
	st  signin.CodeState
	ttl int64 // Unix seconds; the record is gone from this second on
}

type personKey struct{ contest, email string }

// errCodeReplaced is AddCodeTry's answer when the code was replaced (the
// DynamoDB store's conditional-check failure; the handler only logs it).
var errCodeReplaced = errors.New("count wrong code: the code was replaced")

func newCodeRec(st signin.CodeState) codeRec {
	st.TriesBy = maps.Clone(st.TriesBy)
	if st.TriesBy == nil {
		st.TriesBy = map[string]int{}
	}
	ttl := max(st.WindowStart.Add(signin.SendWindow).Unix(), st.ExpiresAt.Unix()) + 1
	return codeRec{st: st, ttl: ttl}
}

// copyState returns a copy a caller may change.
func (r codeRec) copyState() *signin.CodeState {
	st := r.st
	st.TriesBy = maps.Clone(r.st.TriesBy)
	if r.st.SignUp != nil {
		su := *r.st.SignUp
		st.SignUp = &su
	}
	return &st
}

// live returns the record of a person's code that has not expired at now.
func (s *Store) live(k personKey, now time.Time) (codeRec, bool) {
	r, ok := s.codes[k]
	if !ok || now.Unix() >= r.ttl {
		return codeRec{}, false
	}
	return r, true
}

// GetCode reads a person's code state; nil when there is none or it has
// expired.
func (s *Store) GetCode(_ context.Context, contestID, email string, now time.Time) (*signin.CodeState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.live(personKey{contestID, email}, now)
	if !ok {
		return nil, nil
	}
	return r.copyState(), nil
}

// PutCodeAndMail stores a new code state and queues its e-mail, both or
// neither, provided the state read before (prev, nil for none) is still
// current; a lost race is a fault.RateLimited, as in shared/dynamo.
func (s *Store) PutCodeAndMail(_ context.Context, contestID, email string, prev *signin.CodeState, st signin.CodeState, now time.Time, r mailq.Request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := personKey{contestID, email}
	cur, ok := s.codes[k]
	current := prev == nil && (!ok || cur.ttl <= now.Unix()) ||
		prev != nil && ok && cur.st.LastSentAt.UnixMilli() == prev.LastSentAt.UnixMilli()
	if !current {
		return fault.RateLimited("code_rate_limited", "Mã vừa được gửi. Vui lòng đợi giây lát rồi yêu cầu lại.")
	}
	s.codes[k] = newCodeRec(st)
	s.runs.init()
	s.runs.outbox[r.Contest] = append(s.runs.outbox[r.Contest], mailq.Entry{Request: r, Status: mailq.StatusQueued})
	return nil
}

// AddCodeTry counts a wrong try by requester against the code with the
// given hash (a code replaced since is left alone: a conditional-check
// failure, as in shared/dynamo).
func (s *Store) AddCodeTry(_ context.Context, contestID, email, hash, requester string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := personKey{contestID, email}
	r, ok := s.codes[k]
	if !ok || r.st.Hash != hash {
		return errCodeReplaced
	}
	r.st.Tries++
	r.st.TriesBy[requester]++
	s.codes[k] = r
	return nil
}

// UseCode marks the code used if at now it is still the code with that hash,
// unused, not expired and not locked for requester. It returns the state
// after on success, else the state as stored (nil for none or expired).
func (s *Store) UseCode(_ context.Context, contestID, email, hash, requester string, now time.Time) (*signin.CodeState, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := personKey{contestID, email}
	r, ok := s.codes[k]
	if !ok {
		return nil, false, nil
	}
	usable := r.st.Hash == hash && !r.st.Used && !r.st.ExpiresAt.Before(now) &&
		r.st.Tries < signin.MaxTriesPerCode && r.st.TriesBy[requester] < signin.MaxTries
	if !usable {
		if now.Unix() >= r.ttl {
			return nil, false, nil
		}
		return r.copyState(), false, nil
	}
	r.st.Used = true
	s.codes[k] = r
	return r.copyState(), true, nil
}

// TakeToken spends a token of bucket b for holder at now, or returns b's
// fault.RateLimited (signin.Bucket.Take's rule; the lock makes it atomic).
func (s *Store) TakeToken(_ context.Context, contestID string, b signin.Bucket, holder string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := contestID + "#" + b.Name + "#" + holder
	next, err := b.Take(s.buckets[k], now)
	if err != nil {
		return err
	}
	s.buckets[k] = next
	return nil
}
