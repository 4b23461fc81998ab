package memstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/signin"
)

// codeStore is what sign-in needs of a store, as functions/auth declares it.
type codeStore interface {
	GetCode(ctx context.Context, contestID, email string, now time.Time) (*signin.CodeState, error)
	PutCodeAndMail(ctx context.Context, contestID, email string, prev *signin.CodeState, st signin.CodeState, now time.Time, r mailq.Request) error
	AddCodeTry(ctx context.Context, contestID, email, hash, requester string) error
	UseCode(ctx context.Context, contestID, email, hash, requester string, now time.Time) (*signin.CodeState, bool, error)
	TakeToken(ctx context.Context, contestID string, b signin.Bucket, holder string, now time.Time) error
}

func codeState(hash string, sentAt time.Time) signin.CodeState {
	return signin.CodeState{Hash: hash, ExpiresAt: sentAt.Add(20 * time.Minute), TriesBy: map[string]int{},
		WindowStart: sentAt, Sends: 1, LastSentAt: sentAt}
}

func codeMail(id, to string, at time.Time) mailq.Request {
	return mailq.Request{ID: id, Contest: c, Kind: mailq.KindCode, To: to, Subject: "Mã đăng nhập", Text: "Mã: 123456",
		Code: "123456", EnqueuedAt: at, ExpiresAt: at.Add(20 * time.Minute)}
}

// guesser and owner are two requesters as stored (signin.RequesterKey).
var (
	guesser = signin.RequesterKey([]byte("k"), "203.0.113.9")
	owner   = signin.RequesterKey([]byte("k"), "198.51.100.7")
)

func TestStoresKeepSignInCodesAndBudgetsAsSignInNeeds(t *testing.T) {
	ctx := context.Background()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s, ok := open(t).(codeStore)
			if !ok {
				t.Fatal("the store lacks sign-in's methods")
			}
			t.Run("of two requests that both read no code, exactly one stores its code", func(t *testing.T) {
				const email = "hai@x.vn"
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i := range 2 {
					wg.Go(func() {
						errs[i] = s.PutCodeAndMail(ctx, c, email, nil, codeState("h"+string(rune('a'+i)), t0), t0, codeMail("m"+string(rune('a'+i)), email, t0))
					})
				}
				wg.Wait()
				stored := 0
				for _, err := range errs {
					if err == nil {
						stored++
					} else if fe, ok := fault.As(err); !ok || fe.Code != "code_rate_limited" {
						t.Errorf("the loser's error = %v, want code_rate_limited", err)
					}
				}
				if stored != 1 {
					t.Fatalf("%d requests stored a code, want 1", stored)
				}
			})
			t.Run("a new code replaces the one read before, not one changed since", func(t *testing.T) {
				const email = "ba@x.vn"
				first := codeState("h1", t0)
				if err := s.PutCodeAndMail(ctx, c, email, nil, first, t0, codeMail("b1", email, t0)); err != nil {
					t.Fatal(err)
				}
				read, err := s.GetCode(ctx, c, email, t0.Add(time.Minute))
				if err != nil || read == nil || read.Hash != "h1" {
					t.Fatalf("read %+v, %v", read, err)
				}
				second := codeState("h2", t0.Add(time.Minute))
				if err := s.PutCodeAndMail(ctx, c, email, read, second, t0.Add(time.Minute), codeMail("b2", email, t0.Add(time.Minute))); err != nil {
					t.Fatalf("replacing the code read: %v", err)
				}
				stale := s.PutCodeAndMail(ctx, c, email, read, codeState("h3", t0.Add(2*time.Minute)), t0.Add(2*time.Minute), codeMail("b3", email, t0.Add(2*time.Minute)))
				if fe, ok := fault.As(stale); !ok || fe.Code != "code_rate_limited" {
					t.Fatalf("replacing a code changed since it was read: %v, want code_rate_limited", stale)
				}
				if got, _ := s.GetCode(ctx, c, email, t0.Add(2*time.Minute)); got == nil || got.Hash != "h2" {
					t.Errorf("stored code %+v, want h2", got)
				}
			})
			t.Run("wrong tries count per requester and lock the code for that requester only", func(t *testing.T) {
				const email = "bon@x.vn"
				if err := s.PutCodeAndMail(ctx, c, email, nil, codeState("h", t0), t0, codeMail("c1", email, t0)); err != nil {
					t.Fatal(err)
				}
				for range signin.MaxTries {
					if err := s.AddCodeTry(ctx, c, email, "h", guesser); err != nil {
						t.Fatal(err)
					}
				}
				if err := s.AddCodeTry(ctx, c, email, "other-hash", guesser); err == nil {
					t.Error("a try against a replaced code was counted")
				}
				st, used, err := s.UseCode(ctx, c, email, "h", guesser, t0.Add(time.Minute))
				if err != nil || used || st == nil || st.Tries != signin.MaxTries || st.TriesBy[guesser] != signin.MaxTries {
					t.Fatalf("the guesser used the code: used=%v state=%+v err=%v", used, st, err)
				}
				st, used, err = s.UseCode(ctx, c, email, "h", owner, t0.Add(time.Minute))
				if err != nil || !used || st == nil || !st.Used {
					t.Fatalf("the owner on another network could not use the code: used=%v state=%+v err=%v", used, st, err)
				}
				if _, again, _ := s.UseCode(ctx, c, email, "h", owner, t0.Add(time.Minute)); again {
					t.Error("a code was used twice")
				}
			})
			t.Run("an expired code is used by nobody, and reads as none once its item expires", func(t *testing.T) {
				const email = "nam@x.vn"
				if err := s.PutCodeAndMail(ctx, c, email, nil, codeState("h", t0), t0, codeMail("d1", email, t0)); err != nil {
					t.Fatal(err)
				}
				if st, used, err := s.UseCode(ctx, c, email, "h", owner, t0.Add(21*time.Minute)); used || err != nil || st == nil {
					t.Errorf("after its expiry: used=%v state=%+v err=%v, want the stored state, unused", used, st, err)
				}
				gone := t0.Add(signin.SendWindow + time.Second)
				if st, err := s.GetCode(ctx, c, email, gone); st != nil || err != nil {
					t.Errorf("after the send window: %+v, %v, want none", st, err)
				}
				if err := s.PutCodeAndMail(ctx, c, email, nil, codeState("h2", gone), gone, codeMail("d2", email, gone)); err != nil {
					t.Errorf("a new code after the old item expired: %v", err)
				}
			})
			t.Run("a citizen's sign-up travels with the code and records nobody", func(t *testing.T) {
				const email = "be@example.net"
				st := codeState("h", t0)
				st.SignUp = &contest.SignUp{Audience: contest.AudienceCitizen, Name: "Trần Thị Bé", Ward: "Phường Kim Long"}
				if err := s.PutCodeAndMail(ctx, c, email, nil, st, t0, codeMail("e1", email, t0)); err != nil {
					t.Fatal(err)
				}
				got, err := s.GetCode(ctx, c, email, t0)
				if err != nil || got == nil || got.SignUp == nil || *got.SignUp != *st.SignUp {
					t.Fatalf("sign-up read back as %+v (%v)", got, err)
				}
				if _, found, _ := s.(interface {
					GetMember(ctx context.Context, contestID, email string) (contest.Member, bool, error)
				}).GetMember(ctx, c, email); found {
					t.Error("a code with a sign-up wrote a member")
				}
				if st, used, err := s.UseCode(ctx, c, "nobody@example.net", "h", owner, t0); used || err != nil || st != nil {
					t.Errorf("a code never sent: used=%v state=%+v err=%v, want no state", used, st, err)
				}
			})
			t.Run("a bucket gives its burst at once, then one token each period", func(t *testing.T) {
				b := signin.Bucket{Name: "requester", Burst: 3, Every: 10 * time.Second}
				for i := range 3 {
					if err := s.TakeToken(ctx, c, b, "198.51.100.1", t0); err != nil {
						t.Fatalf("token %d of the burst: %v", i+1, err)
					}
				}
				err := s.TakeToken(ctx, c, b, "198.51.100.1", t0)
				var fe *fault.Error
				if !errors.As(err, &fe) || fe.Code != "too_many_codes" || fe.RetryAfter != 10*time.Second {
					t.Fatalf("the fourth take: %v, want too_many_codes after 10 s", err)
				}
				if err := s.TakeToken(ctx, c, b, "198.51.100.2", t0); err != nil {
					t.Errorf("another holder's bucket was empty: %v", err)
				}
				if err := s.TakeToken(ctx, c, b, "198.51.100.1", t0.Add(10*time.Second)); err != nil {
					t.Errorf("a token after one period: %v", err)
				}
			})
		})
	}
}
